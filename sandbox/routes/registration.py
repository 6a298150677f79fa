"""Credit registration (信用挂号): departments, clinic sessions, registering, cancelling."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox import authority
from sandbox import reference_data as ref
from sandbox.routes.common import WRITE_DESCRIPTION, IdempotencyKey, keyed_write
from sandbox.routes.money import RefundAllocation
from sandbox.schemas import Account, Id, RequestModel, example_id, path_id, responses, write_responses
from sandbox.store import Refusal, Store


class Department(BaseModel):
    department_id: str
    name: str
    name_en: str


class Departments(BaseModel):
    departments: list[Department]


class Session(BaseModel):
    session_id: str
    department_id: str
    department: str
    doctor: str
    doctor_title: str = Field(description="主治医师, 副主任医师 or 主任医师 (sets the fee).")
    date: str = Field(description="YYYY-MM-DD")
    period: Literal["AM", "PM"]
    starts_at: str
    ends_at: str
    room: str
    fee_fen: int
    slots_total: int
    slots_left: int


class Sessions(BaseModel):
    sessions: list[Session]


class RegisterRequest(RequestModel):
    session_id: Id
    patient_id: str = example_id("P000001")
    pay: Literal["credit", "channel"] = Field(
        description="`credit`: the fee is booked on the line; `channel`: a completed "
                    "payment (purpose `registration`, the fee's amount) is given.")
    payment_id: Id | None = None


class Registration(BaseModel):
    registration_id: str
    reference: str = Field(description="GH + yyyymmdd + 6 digits.")
    settlement_id: str
    patient_id: str
    queue_number: int
    session: Session
    pay: Literal["credit", "channel"]
    fee_fen: int
    booked_fen: int
    paid_fen: int
    account: Account | None
    due_at: str | None
    status: Literal["booked", "cancelled"] = Field(description="`booked` when created.")


class Registrations(BaseModel):
    registrations: list[Registration]


class CancelRequest(RequestModel):
    pass


class Cancelled(BaseModel):
    """The fee goes back as a refund does (000 art. 17, 医疗机构应将就医款项先退还至用户的信用就医账户):
    the part on credit to the credit account, even when already repaid; only a part paid by phone
    through its channel. ``returned_to_line_fen + refunded_to_channel_fen`` is the fee (less any
    earlier refund of the registration's settlement)."""

    registration_id: str
    reference: str
    status: Literal["cancelled"]
    returned_to_line_fen: int = Field(description="Back to the credit-care account: to_bill_fen + "
                                                  "to_other_bills_fen + to_balance_fen.")
    to_bill_fen: int = Field(description="Taken off the registration's own bill (the line gets it back).")
    to_other_bills_fen: int = Field(description="What the patient had already repaid on the registration's bill, "
                                                "paying the account's other open bills, oldest due first "
                                                "(`allocations`).")
    to_balance_fen: int = Field(description="The rest: the account's credit balance, which the financial "
                                            "institution returns to the patient.")
    allocations: list[RefundAllocation]
    refunded_to_channel_fen: int = Field(description="A fee paid by phone: back through the payment channel.")
    restored: bool = Field(description="A suspended account became active again: nothing overdue is left.")
    account: Account | None


def build(store: Store) -> APIRouter:
    router = APIRouter(tags=["registration"])

    @router.get("/v1/departments", response_model=Departments,
                summary="Outpatient departments", responses=responses())
    def departments() -> Departments:
        return Departments(departments=[
            Department(department_id=k, name=v[0], name_en=v[1])
            for k, v in ref.DEPARTMENTS.items()])

    @router.get("/v1/departments/{department_id}/sessions", response_model=Sessions,
                summary="Clinic sessions from today on (store clock), from the weekly "
                        "template and the public-holiday calendar; finished ones left out",
                responses=responses(r404="`department_not_found`"))
    def sessions(department_id: Annotated[str, path_id("D01")],
                 days: Annotated[int, Query(ge=1, le=7, description="Today and the next "
                                                                     "days-1 days.")] = 3,
                 ) -> Sessions:
        found = store.sessions(department_id, days)
        if found is None:
            raise Refusal(404, "department_not_found", "No department with this id.")
        return Sessions.model_validate({"sessions": found})

    @router.post("/v1/registrations", response_model=Registration,
                 summary="Register for a clinic session, on credit or through the payment "
                         "channel",
                 description=WRITE_DESCRIPTION,
                 responses=write_responses(
                     r403="`account_suspended`, `account_not_linked`, `guardian_line_ended` (on credit: come of "
                          "age, from the 18th birthday; details `adult_from`)",
                     r404="`patient_not_found`, `session_not_found`, `payment_not_found`",
                     r409="`shift_not_open` (a desk), `session_closed`, `session_full`, `already_registered`, "
                          "`no_credit_service`, `repay_first`, `insufficient_line`, "
                          "`payment_not_completed`, `payment_mismatch`, `payment_already_used`,"
                          " `payment_not_needed`"))
    def register(body: RegisterRequest, request: Request,
                 idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Registration, store.register,
                           rule=authority.REGISTRATION, **body.model_dump())

    @router.get("/v1/patients/{patient_id}/registrations", response_model=Registrations,
                summary="A patient's registrations, newest session first",
                responses=responses(r403=authority.PRESENT_403, r404="`patient_not_found`"))
    def list_registrations(
            patient_id: Annotated[str, path_id("P000001")], request: Request,
            status: Annotated[Literal["booked", "cancelled"] | None,
                              Query(description="Only registrations in this state.")] = None,
    ) -> Registrations:
        authority.require_present(store, request, patient_id=patient_id)
        found = store.registrations(patient_id, status)
        if found is None:
            raise Refusal(404, "patient_not_found", "No patient with this id.")
        return Registrations.model_validate({"registrations": found})

    @router.post("/v1/registrations/{registration_id}/cancel", response_model=Cancelled,
                 summary="Cancel before the session starts: the fee goes back to the credit account "
                         "(its debt, other bills, the balance) or, paid by phone, the channel",
                 description=WRITE_DESCRIPTION,
                 responses=write_responses(
                     r403="`patient_not_present`: the registration's patient (or a minor's guardian) is not here",
                     r404="`registration_not_found`",
                     r409="`shift_not_open` (a desk), `already_cancelled`, `too_late`"))
    def cancel(registration_id: str, body: CancelRequest, request: Request,
               idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Cancelled,
                           store.cancel_registration, rule=authority.REGISTRATION_CANCEL,
                           registration_id=registration_id)

    return router
