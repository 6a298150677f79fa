"""Pydantic models shared by the routers (errors, accounts, bills) and response helpers.

Every request and response has a model, so ``docs/platform-api.json`` describes the
whole API. Request models forbid unknown fields; amounts are strict integers in fen.
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

#: Largest amount accepted anywhere: 10 million yuan.
MAX_FEN = 1_000_000_000

Fen = Annotated[int, Field(ge=0, le=MAX_FEN, strict=True)]
PositiveFen = Annotated[int, Field(ge=1, le=MAX_FEN, strict=True)]
Id = Annotated[str, Field(min_length=1, max_length=64)]


def example_id(example: str) -> object:
    """An id field with an example (a demo id: the examples work against the demo data)."""
    return Field(min_length=1, max_length=64, examples=[example])


def path_id(example: str) -> object:
    return Path(examples=[example])


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable snake_case error code.", examples=["visit_not_found"])
    message: str = Field(description="English text for operators and logs; not for patients.")
    details: dict | None = Field(
        default=None,
        description="Machine-readable facts for some refusals, e.g. `outstanding_balance`: "
                    "`{outstanding_fen, bill_ids}`; `shortfall_unpaid`: `{shortfall_fen, "
                    "booked_fen}`. Absent otherwise.")


class ErrorBody(BaseModel):
    error: ErrorDetail


class Account(BaseModel):
    account_id: str
    holder_patient_id: str
    status: Literal["active", "suspended", "closed"]
    policy: str = Field(description="City policy profile, e.g. xiamen.")
    score_tier: int = Field(ge=0, description="1-based index of the score tier in the "
                                              "policy profile; 0 below the lowest tier.")
    value_added: bool
    line_fen: int
    used_fen: int
    available_fen: int
    overdue_fen: int = Field(description="Outstanding on bills past their due time (bills "
                                         "under an open dispute excluded).")
    outstanding_fen: int = Field(description="Outstanding on all bills.")
    dishonest: bool = Field(description="Listed as dishonest (Hangzhou: overdue for over a calendar "
                                        "month): insurance real-time settlement suspended.")
    reminders: int = Field(description="Days the patient was reminded of overdue bills (one reminder "
                                       "a day names them all) and did not answer with a repayment.")
    opened_at: str
    consent_version: str | None


class DisputeRef(BaseModel):
    dispute_id: str
    status: Literal["open", "upheld", "rejected"]
    answer_due: str = Field(description="YYYY-MM-DD: the last day of the answer period.")
    reason_code: str


class Bill(BaseModel):
    bill_id: str
    kind: Literal["registration", "outpatient", "inpatient"]
    reference: str = Field(description="Reference of the settlement that booked the bill.")
    settlement_id: str
    account_id: str
    patient_id: str = Field(description="Whose care it was (a minor's on a guardian's line).")
    visit_id: str | None = Field(description="The visit, when the bill covers exactly one.")
    visit_ids: list[str]
    registration_id: str | None
    admission_id: str | None
    amount_fen: int = Field(description="Booked on the line.")
    paid_fen: int = Field(description="Repaid so far.")
    refunded_fen: int = Field(description="Taken off the charge by refunds, cancellations and upheld disputes "
                                          "(a refund of what was already repaid moves that money on: "
                                          "paid_fen shrinks with it).")
    outstanding_fen: int = Field(description="amount_fen - paid_fen - refunded_fen")
    refundable_fen: int = Field(description="What a refund of the bill's settlement may still give back: the "
                                            "part on credit less earlier refunds, then the part paid on the spot.")
    created_at: str
    due_at: str = Field(description="The bill is overdue from this moment on.")
    status: Literal["due", "overdue", "paid", "disputed"]
    reminders: int
    dispute: DisputeRef | None


class Bills(BaseModel):
    bills: list[Bill]


def err(description: str) -> dict:
    return {"model": ErrorBody, "description": description}


def responses(**codes: str) -> dict:
    """OpenAPI error responses: ``responses(r404="`x_not_found`")`` plus 401 and 422."""
    result: dict = {
        401: err("Signature refused: `unknown_terminal`, `bad_signature`, `stale_timestamp`, "
                 "`replayed_nonce`."),
        422: err("`invalid_request`: parameters or body do not match the schema."),
    }
    for name, text in codes.items():
        status = int(name[1:])
        if status == 422:
            text = "`invalid_request` (schema), " + text
        result[status] = err(text)
    return result


def write_responses(**codes: str) -> dict:
    """Error responses of a write: adds the idempotency refusals and 413."""
    base = {
        "r400": "`missing_idempotency_key`, `invalid_idempotency_key`",
        "r413": "`body_too_large`: the body exceeds 64 KiB.",
    }
    conflict = "`idempotency_key_reused`"
    if "r409" in codes:
        codes["r409"] = conflict + ", " + codes["r409"]
    else:
        codes["r409"] = conflict
    return responses(**base, **codes)
