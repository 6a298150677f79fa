"""Holds and bookings: the credit platform's steps of the kiosk's settlement saga (issue 12).

A hold reserves the part of a bill going on the credit line before the insurance settles; the booking
turns it into a bill with the bill details and the insurance settlement id once it has; a saga that
cannot finish releases the hold or voids the booking. ``sandbox.store.holds`` says the rules.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kiosk.domain.clock import business_date
from sandbox import authority
from sandbox.routes.common import WRITE_DESCRIPTION, IdempotencyKey, keyed_write
from sandbox.schemas import Fen, Id, PositiveFen, RequestModel, example_id, path_id, responses, write_responses
from sandbox.store import Refusal, Store

Kind = Literal["outpatient", "inpatient", "registration"]
Code = Annotated[str, Field(min_length=1, max_length=64)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class HoldRequest(RequestModel):
    patient_id: str = example_id("P000003")
    account_id: str = example_id("CA000003")
    kind: Kind = Field(examples=["outpatient"])
    amount_fen: PositiveFen = Field(examples=[12_000], description="What goes on the credit line (the plan's "
                                                                   "`on_credit`): all of it, or nothing.")
    his_bill_ids: list[Id] = Field(min_length=1, max_length=20, examples=[["MZV000003"]],
                                   description="The HIS bills the hold is for (opaque to the platform).")


class Hold(BaseModel):
    hold_id: str = Field(description="HLD + 16 hex digits.")
    status: Literal["held", "booked", "released"]
    kind: Kind
    patient_id: str
    account_id: str
    amount_fen: int
    his_bill_ids: list[str]
    booking_id: str | None = Field(description="The booking the hold became, once booked.")
    created_at: str
    line_fen: int
    available_fen: int = Field(description="The account's room now (a held amount counts as used).")


class BookedItem(RequestModel):
    code: Code = Field(description="The hospital's charge code (medins_list_codg).", examples=["XY103"])
    name: Name = Field(examples=["苯磺酸氨氯地平片 5mg×28片"])
    cnt: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^\d{1,12}(\.\d{1,4})?$")] = Field(
        examples=["2"], description="Quantity, a decimal string.")
    pric_fen: Fen
    amount_fen: Fen
    med_chrgitm_type: Annotated[str, Field(max_length=2)] | None = Field(default=None, examples=["09"])
    chrgitm_lv: Literal["01", "02", "03"] | None = Field(default=None, examples=["01"])


class BookedBill(RequestModel):
    his_bill_id: Id = Field(examples=["MZV000003"])
    visit_id: Id | None = Field(default=None, examples=["V000003"])
    setl_id: Annotated[str, Field(min_length=1, max_length=30)] | None = Field(
        default=None, description="The insurance settlement of this bill (2207/2304 setl_id); null: self-paid.")
    total_fen: Fen
    items: list[BookedItem] = Field(default_factory=list, max_length=400)


class BookRequest(RequestModel):
    setl_ids: list[Annotated[str, Field(min_length=1, max_length=30)]] = Field(
        max_length=20, examples=[["S2026112500000001"]], description="The insurance settlements (empty: self-paid).")
    total_fen: Fen = Field(examples=[34_720])
    fund_fen: Fen = Field(examples=[19_000], description="Paid by the insurance fund (its settlement's "
                                                         "fund_pay_sumamt).")
    account_pay_fen: Fen = Field(default=0, description="Paid from the insured's personal account (acct_pay).")
    paid_now_fen: Fen = Field(default=0, description="Paid now through the hospital's payment channel.")
    cash_fen: Fen = Field(default=0, description="Paid in cash at a desk.")
    his_payment_id: Id | None = Field(default=None, description="The HIS channel payment of paid_now_fen.")
    booked_fen: PositiveFen | None = Field(default=None, description=(
        "What goes on the line: the hold (default), or less when the insurance's settlement left less to pay "
        "than its pre-settlement had said (the rest of the hold's room is free again)."))
    ended_at: Annotated[str, Field(max_length=40)] | None = Field(
        default=None, description="When the care ended (visit, discharge, the session), ISO 8601 with offset: "
                                  "the due date is counted from it; default now.")
    bills: list[BookedBill] = Field(min_length=1, max_length=20, examples=[[{
        "his_bill_id": "MZV000003", "visit_id": "V000003", "setl_id": "S2026112500000001", "total_fen": 34_720,
        "items": [{"code": "XY103", "name": "苯磺酸氨氯地平片 5mg×28片", "cnt": "2", "pric_fen": 3120,
                   "amount_fen": 6240, "med_chrgitm_type": "09", "chrgitm_lv": "01"}]}]])


class DirectBookRequest(BookRequest):
    patient_id: str = example_id("P000003")
    account_id: str = example_id("CA000003")
    kind: Kind = Field(examples=["outpatient"])


class BookingItem(BaseModel):
    code: str
    name: str
    cnt: str
    pric_fen: int
    amount_fen: int
    med_chrgitm_type: str | None
    chrgitm_lv: str | None


class BookingBill(BaseModel):
    his_bill_id: str
    visit_id: str | None
    setl_id: str | None
    total_fen: int
    items: list[BookingItem]


class Booking(BaseModel):
    booking_id: str = Field(description="The settlement id of the bill (refunds and disputes name it).")
    settlement_id: str
    reference: str = Field(description="ST (outpatient), ZY (inpatient) or GH (registration) + yyyymmdd + 6 digits.")
    hold_id: str
    kind: Kind
    patient_id: str
    account_id: str
    bill_id: str | None = Field(description="The credit bill (due under the city's policy).")
    setl_ids: list[str]
    total_fen: int
    fund_fen: int
    personal_fen: int = Field(description="account_pay_fen + booked_fen + paid_fen + cash_fen")
    account_pay_fen: int
    booked_fen: int = Field(description="On the credit line: the hold.")
    paid_fen: int = Field(description="Paid now through the hospital's channel.")
    cash_fen: int
    his_payment_id: str | None
    line_fen: int
    available_fen: int
    due_at: str | None
    settled_at: str
    status: Literal["booked", "voided"]
    voided_at: str | None
    bills: list[BookingBill]


class Bookings(BaseModel):
    date: str
    bookings: list[Booking]


class Empty(RequestModel):
    pass


def _own(store: Store, conn, now, grant: authority.Grant, fields: dict) -> None:
    """A hold is booked or released, a booking voided, only by the terminal whose saga made it (as a
    payment is cancelled only by the terminal that started it): another terminal's key could otherwise
    void a patient's debt away or break a saga under way."""
    if "hold_id" in fields:
        row = conn.execute("SELECT terminal_id FROM holds WHERE hold_id = ?", (fields["hold_id"],)).fetchone()
    elif "booking_id" in fields:
        row = conn.execute("SELECT terminal_id FROM settlements WHERE settlement_id = ? AND hold_id IS NOT NULL",
                           (fields["booking_id"],)).fetchone()
    else:  # a direct booking: its own hold
        return
    if row is not None and row["terminal_id"] != grant.terminal_id:
        raise Refusal(403, "not_this_terminal", "Only the terminal that made the hold may do this.")


HOLD = authority.Rule("hold", money=True)
BOOK = authority.Rule("booking", money=True, check=_own)
RELEASE = authority.Rule("hold_release", check=_own)
VOID = authority.Rule("booking_void", check=_own)


def build(store: Store) -> APIRouter:
    router = APIRouter(tags=["holds and bookings"])

    @router.post("/v1/holds", response_model=Hold,
                 summary="Hold part of the credit line for a patient's bills (before the insurance settles)",
                 description=WRITE_DESCRIPTION + " The amount counts as used until the hold is booked or released.",
                 responses=write_responses(
                     r403="`account_suspended`, `account_not_linked`, `guardian_line_ended` (details `adult_from`), "
                          "`insurance_suspended` (dishonest listing)",
                     r404="`patient_not_found`, `account_not_found`",
                     r409="`shift_not_open` (a desk), `no_credit_service`, `repay_first`, `insufficient_line` "
                          "(details `available_fen`, `amount_fen`)",
                     r422="`duplicate_bill`"))
    def hold(body: HoldRequest, request: Request, idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Hold, store.hold, rule=HOLD, **body.model_dump())

    @router.post("/v1/holds/{hold_id}/book", response_model=Booking,
                 summary="Book a hold: the bill on the credit line, with the bill details and the insurance "
                         "settlement",
                 description=WRITE_DESCRIPTION + " Due under the city's policy, counted from `ended_at`.",
                 responses=write_responses(
                     r403="`not_this_terminal`: another terminal's hold",
                     r404="`hold_not_found`",
                     r409="`shift_not_open` (a desk), `hold_released`, `hold_already_booked` (details `booking_id`)",
                     r422="`amount_mismatch` (details `hold_fen`), `bills_mismatch`"))
    def book(hold_id: Annotated[str, path_id("HLD0123456789ABCDEF")], body: BookRequest, request: Request,
             idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Booking, store.book_hold, rule=BOOK, hold_id=hold_id,
                           **body.model_dump())

    @router.post("/v1/bookings", response_model=Booking,
                 summary="Book a bill without a prior hold (a booking the kiosk queued while this platform did "
                         "not answer)",
                 description=WRITE_DESCRIPTION + " The kiosk settled the fund part with the insurance and the HIS "
                             "while the credit platform was unreachable, within its offline caps, and sends the "
                             "personal part when it answers again: held and booked in one step, as a hold then "
                             "its booking would be (`booked_fen`, default: the personal part less what was paid "
                             "otherwise). No patient session is needed (the patient has left).",
                 responses=write_responses(
                     r403="`account_suspended`, `account_not_linked`, `guardian_line_ended` (details `adult_from`), "
                          "`insurance_suspended` (dishonest listing)",
                     r404="`patient_not_found`, `account_not_found`",
                     r409="`shift_not_open` (a desk), `no_credit_service`, `repay_first`, `insufficient_line` "
                          "(details `available_fen`, `amount_fen`), `bill_already_booked` (details `his_bill_id`, "
                          "`booking_id`)",
                     r422="`amount_mismatch`, `bills_mismatch`, `duplicate_bill`"))
    def book_direct(body: DirectBookRequest, request: Request, idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Booking, store.book_direct, rule=BOOK,
                           **body.model_dump())

    @router.post("/v1/holds/{hold_id}/release", response_model=Hold,
                 summary="Release a hold that will not be booked (the saga compensates); again: the same",
                 description=WRITE_DESCRIPTION,
                 responses=write_responses(r403="`not_this_terminal`: another terminal's hold", r404="`hold_not_found`",
                                           r409="`hold_booked` (details `booking_id`)"))
    def release(hold_id: Annotated[str, path_id("HLD0123456789ABCDEF")], body: Empty, request: Request,
                idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Hold, store.release_hold, rule=RELEASE, hold_id=hold_id)

    @router.post("/v1/bookings/{booking_id}/void", response_model=Booking,
                 summary="Void a booking whose insurance settlement was cancelled; again: the same",
                 description=WRITE_DESCRIPTION + " Only while nothing was repaid, refunded or disputed on it.",
                 responses=write_responses(r403="`not_this_terminal`: another terminal's booking",
                                           r404="`booking_not_found`", r409="`booking_in_use`"))
    def void(booking_id: Annotated[str, path_id("STL0123456789ABCDEF")], body: Empty, request: Request,
             idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Booking, store.void_booking, rule=VOID,
                           booking_id=booking_id)

    @router.get("/v1/holds/{hold_id}", response_model=Hold, summary="A hold of this terminal's saga",
                responses=responses(r404="`hold_not_found`"))
    def get_hold(hold_id: Annotated[str, path_id("HLD0123456789ABCDEF")]) -> Hold:
        found = store.hold_info(hold_id)
        if found is None:
            raise Refusal(404, "hold_not_found", "No hold with this id.")
        return Hold.model_validate(found)

    @router.get("/v1/bookings", response_model=Bookings,
                summary="The calling terminal's bookings of a business day (voided ones too), for reconciliation",
                responses=responses(r422="`invalid_date`"))
    def bookings(request: Request,
                 date_: Annotated[str | None, Query(alias="date", max_length=10,
                                                    description="YYYY-MM-DD; default: today.")] = None) -> Bookings:
        if date_ is None:
            day = business_date(store.now())
        else:
            try:
                day = date.fromisoformat(date_)
            except ValueError:
                raise Refusal(422, "invalid_date", "date must be YYYY-MM-DD.") from None
        return Bookings.model_validate({"date": day.isoformat(),
                                        "bookings": store.bookings(request.state.terminal_id, day)})

    return router
