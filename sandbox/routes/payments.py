"""The payment channel: a QR the patient pays on their phone; cancelled at the kiosk; the money
of a payment nobody will use given back; the late payments the desk follows up."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox import authority
from sandbox.routes.common import WRITE_DESCRIPTION, IdempotencyKey, keyed_write
from sandbox.schemas import PositiveFen, RequestModel, path_id, responses, write_responses
from sandbox.store import Refusal, Store
from sandbox.store.base import parse_iso

Purpose = Literal["registration", "settlement", "repayment", "discharge"]
Late = Literal["refunded_after_cancel", "refunded_walked_away"]
LATE_DESCRIPTION = ("Why the payment is late, and refunded through the channel: `refunded_after_cancel` (paid "
                    "before the patient's Cancel reached the channel), `refunded_walked_away` (paid as the idle "
                    "guard cleared the screen: the patient had gone).")

class PaymentRequest(RequestModel):
    patient_id: str = Field(min_length=1, max_length=64, examples=["P000007"],
                            description="Who pays (for a repayment: the payer).")
    amount_fen: PositiveFen = Field(examples=[1000])
    purpose: Purpose
    reference: str | None = Field(default=None, max_length=64,
                                  description="Free text for the patient's statement.")


class RefundPaymentRequest(RequestModel):
    late: Late = Field(description=LATE_DESCRIPTION)


class EmptyRequest(RequestModel):
    pass


class Payment(BaseModel):
    payment_id: str
    patient_id: str
    status: Literal["pending", "paid", "expired", "cancelled", "refunded"] = Field(
        description="`cancelled`: closed at the channel before it was paid (it can no longer be paid); "
                    "`refunded`: paid, then given back through the channel unused.")
    purpose: Purpose
    reference: str | None
    qr_payload: str = Field(description="ccpay://pay?id=…&amount=… for the QR code.")
    amount_fen: int
    created_at: str
    expires_at: str = Field(description="Five minutes after creation (store clock).")
    paid_at: str | None
    cancelled_at: str | None = None
    refunded_at: str | None = None
    used: bool = Field(description="Already taken by a registration, settlement, discharge "
                                   "or repayment.")
    late: Late | None = Field(default=None, description=LATE_DESCRIPTION)


class LatePayment(Payment):
    terminal_id: str | None = Field(description="Where the payment was started.")
    late_at: str
    patient_masked_name: str = Field(description="The payer's name, masked (王*).")
    used_by: str | None = Field(description="The channel refund's id.")


class LatePayments(BaseModel):
    payments: list[LatePayment]


def _own(store: Store, conn, now, grant: authority.Grant, fields: dict) -> None:
    """Only the terminal that started a payment may cancel it or give it back. Decided in the write's
    transaction (a batch's too) as every authority rule is; an unknown payment is the store's 404."""
    row = conn.execute("SELECT terminal_id FROM payments WHERE payment_id = ?", (fields["payment_id"],)).fetchone()
    if row is not None and row["terminal_id"] != grant.terminal_id:
        raise Refusal(403, "not_this_terminal", "Only the terminal that started the payment may do this.")


PAYMENT_CANCEL = authority.Rule("payment_cancel", check=_own)
PAYMENT_REFUND = authority.Rule("payment_refund", check=_own)


def build(store: Store) -> APIRouter:
    router = APIRouter(tags=["payments"])

    @router.post("/v1/payments", response_model=Payment,
                 summary="Start a payment through the payment channel (pending, 5 minutes)",
                 description=WRITE_DESCRIPTION,
                 responses=write_responses(r404="`patient_not_found`", r409="`shift_not_open` (a desk)"))
    def create(body: PaymentRequest, request: Request,
               idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Payment, store.create_payment,
                           rule=authority.PAYMENT, **body.model_dump())

    @router.get("/v1/payments/late", response_model=LatePayments,
                summary="Payments that completed after the patient cancelled or walked away (desk only)",
                description="Each one was settled (the patient was there) or refunded through the channel; the "
                            "desk follows them up. Desk only, with an operator session.",
                responses=responses(r401="`operator_session_required`, `operator_session_expired`",
                                    r403="`desk_only`"))
    def late(request: Request,
             since: Annotated[str | None, Query(description="ISO 8601 time; default: the last 7 days.")] = None,
             ) -> LatePayments:
        with store.transaction() as conn:
            grant = authority.grant_for(store, conn, store.now(), request, session=True)
        if grant.role != "desk":
            raise Refusal(403, "desk_only", "Only a cashier desk may do this.")
        try:
            start = parse_iso(since) if since else store.now() - timedelta(days=7)
        except ValueError:
            raise Refusal(422, "invalid_request", "since must be an ISO 8601 time.") from None
        if not isinstance(start, datetime) or start.tzinfo is None:
            raise Refusal(422, "invalid_request", "since must carry its time zone.")
        return LatePayments.model_validate({"payments": store.late_payments(start)})

    @router.get("/v1/payments/{payment_id}", response_model=Payment,
                summary="A payment's state: pending, paid, expired, cancelled or refunded",
                responses=responses(r404="`payment_not_found`"))
    def get(payment_id: str) -> Payment:
        found = store.payment(payment_id)
        if found is None:
            raise Refusal(404, "payment_not_found", "No payment with this id.")
        return Payment.model_validate(found)

    @router.post("/v1/payments/{payment_id}/cancel", response_model=Payment,
                 summary="Cancel a pending payment at the channel: it can no longer be paid",
                 description=WRITE_DESCRIPTION + " A payment the phone paid first answers 409 "
                             "`payment_already_paid` with the payment in `details.payment`: the kiosk then uses it "
                             "(the patient is there) or refunds it (`POST …/refund`). Only the terminal that started "
                             "the payment.",
                 responses=write_responses(r403="`not_this_terminal`", r404="`payment_not_found`",
                                           r409="`payment_already_paid` (details: `payment`)"))
    def cancel(payment_id: Annotated[str, path_id("PAY000001")], body: EmptyRequest, request: Request,
               idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Payment, store.cancel_payment,
                           rule=PAYMENT_CANCEL, payment_id=payment_id)

    @router.post("/v1/payments/{payment_id}/refund", response_model=Payment,
                 summary="Give a paid, unused payment back through the channel (the patient has gone)",
                 description=WRITE_DESCRIPTION + " The payment is then listed as late for the desk. Only the "
                             "terminal that started the payment.",
                 responses=write_responses(r403="`not_this_terminal`", r404="`payment_not_found`",
                                           r409="`payment_not_paid`, `payment_already_used`"))
    def refund(payment_id: Annotated[str, path_id("PAY000001")], body: RefundPaymentRequest, request: Request,
               idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Payment, store.refund_payment,
                           rule=PAYMENT_REFUND, payment_id=payment_id, late=body.late)

    return router
