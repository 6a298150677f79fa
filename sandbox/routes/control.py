"""Sandbox control API (``control=True`` / ``kiosk-sandbox --control`` only; otherwise
these routes answer 404): the movable clock, completing a channel payment as the
patient's phone would, answering a dispute, the SMS a patient's phone received (consent
codes), and the no-op batch (a batch checked as
``POST /v1/batch`` checks it, then discarded: the benchmarks' measure of the batch
path's limit, ``benchmarks/offline.py``)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, model_validator

from sandbox import authority
from sandbox.routes.batch import BatchAnswer, BatchRequest, check_only
from sandbox.routes.common import IdempotencyKey, keyed_write
from sandbox.routes.payments import Payment
from sandbox.schemas import Bill, Fen, RequestModel, responses, write_responses
from sandbox.store import Refusal, Store, iso

CONTROL_404 = "`not_found`: the sandbox runs without its control API."
MAX_ADVANCE_S = 800 * 86400


class Clock(BaseModel):
    now: str = Field(description="Business time of the sandbox.")


class Moved(Clock):
    batch_days: list[str] = Field(description="Days whose nightly batch ran (YYYY-MM-DD).")


class ClockRequest(RequestModel):
    advance_s: int | None = Field(default=None, ge=0, le=MAX_ADVANCE_S, strict=True)
    set_to: datetime | None = Field(default=None, description="ISO 8601 with offset; never "
                                                              "before the current time.")

    @model_validator(mode="after")
    def _one(self) -> ClockRequest:
        if (self.advance_s is None) == (self.set_to is None):
            raise ValueError("give exactly one of advance_s and set_to")
        if self.set_to is not None and self.set_to.tzinfo is None:
            raise ValueError("set_to needs an offset")
        return self


class CompleteRequest(RequestModel):
    pass


class Sms(BaseModel):
    phone_masked: str
    text: str = Field(description="What the phone shows.")
    code: str = Field(description="The code in the text (tests and training read it here).")
    sent_at: str


class SmsSent(BaseModel):
    messages: list[Sms] = Field(description="Oldest first.")


class ResolveRequest(RequestModel):
    outcome: Literal["upheld", "rejected"]
    adjust_fen: Fen = Field(default=0, description="Upheld: taken off the bill (back to the "
                                                   "line).")


def build(store: Store, enabled: bool) -> APIRouter:
    def gate() -> None:
        """Before anything else (the body too): without the control API, 404."""
        if not enabled:
            raise Refusal(404, "not_found", "Not Found")

    router = APIRouter(tags=["sandbox control"], dependencies=[Depends(gate)])

    @router.get("/v1/_sandbox/clock", response_model=Clock, summary="The sandbox clock",
                responses=responses(r404=CONTROL_404))
    def clock() -> Clock:
        return Clock(now=iso(store.now()))

    @router.post("/v1/_sandbox/clock", response_model=Moved,
                 summary="Move the clock forward; the nightly batch runs for each day passed",
                 description="`{\"advance_s\": n}` or `{\"set_to\": iso}`; never backwards. "
                             "Idempotent like every write.",
                 responses=write_responses(r404=CONTROL_404, r409="`clock_backwards`",
                                           r422="`clock_jump_too_large`"))
    def move(body: ClockRequest, request: Request,
             idempotency_key: IdempotencyKey = None) -> Response:

        def op(conn, now, terminal_id, **fields) -> dict:
            return store.move_clock_in(conn, **fields)

        return keyed_write(store, request, idempotency_key, Moved, op, rule=authority.CONTROL,
                           advance_s=body.advance_s, set_to=body.set_to)

    @router.post("/v1/_sandbox/payments/{payment_id}/complete", response_model=Payment,
                 summary="Complete a pending payment (stands in for the patient's phone)",
                 responses=write_responses(r404=CONTROL_404 + " `payment_not_found`",
                                           r409="`payment_expired`"))
    def complete(payment_id: str, body: CompleteRequest, request: Request,
                 idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Payment, store.complete_payment,
                           rule=authority.CONTROL, payment_id=payment_id)

    @router.post("/v1/_sandbox/disputes/{dispute_id}/resolve", response_model=Bill,
                 summary="Answer a dispute (the operator's side); returns the bill",
                 responses=write_responses(r404=CONTROL_404 + " `dispute_not_found`",
                                           r409="`dispute_closed`, `refund_exceeds`",
                                           r422="`adjust_not_allowed`"))
    def resolve(dispute_id: str, body: ResolveRequest, request: Request,
                idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Bill, store.resolve_dispute,
                           rule=authority.CONTROL, dispute_id=dispute_id, **body.model_dump())

    @router.get("/v1/_sandbox/sms/{patient_id}", response_model=SmsSent,
                summary="The SMS the sandbox sent a patient (its stand-in for the SMS gateway): consent codes",
                responses=responses(r404=CONTROL_404))
    def sms(patient_id: str) -> SmsSent:
        return SmsSent.model_validate({"messages": store.sms_sent(patient_id)})

    @router.post("/v1/_sandbox/batch/noop", response_model=BatchAnswer,
                 summary="Check a batch as POST /v1/batch would, apply nothing (benchmarks)",
                 description="The same request as `POST /v1/batch`, signed the same way: the body is "
                             "parsed and each operation checked (a keyed write endpoint, a well-formed "
                             "key, a valid body), then discarded: nothing is stored or applied. Each "
                             "operation that passes answers `200 {}`, the others what `/v1/batch` "
                             "would answer. The drain benchmark's limit: what the batch path costs "
                             "without the writes.",
                 responses=responses(r404=CONTROL_404, r413="`body_too_large`: the body exceeds 64 KiB."))
    def noop_batch(body: BatchRequest, request: Request) -> Response:
        return check_only(body, request)

    return router
