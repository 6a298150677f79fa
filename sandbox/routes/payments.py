"""The payment channel: a QR the patient pays on their phone."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox import authority
from sandbox.routes.common import WRITE_DESCRIPTION, IdempotencyKey, keyed_write
from sandbox.schemas import PositiveFen, RequestModel, responses, write_responses
from sandbox.store import Refusal, Store

Purpose = Literal["registration", "settlement", "repayment", "discharge"]


class PaymentRequest(RequestModel):
    patient_id: str = Field(min_length=1, max_length=64, examples=["P000007"],
                            description="Who pays (for a repayment: the payer).")
    amount_fen: PositiveFen = Field(examples=[1000])
    purpose: Purpose
    reference: str | None = Field(default=None, max_length=64,
                                  description="Free text for the patient's statement.")


class Payment(BaseModel):
    payment_id: str
    patient_id: str
    status: Literal["pending", "paid", "expired"]
    purpose: Purpose
    reference: str | None
    qr_payload: str = Field(description="ccpay://pay?id=…&amount=… for the QR code.")
    amount_fen: int
    created_at: str
    expires_at: str = Field(description="Five minutes after creation (store clock).")
    paid_at: str | None
    used: bool = Field(description="Already taken by a registration, settlement, discharge "
                                   "or repayment.")


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

    @router.get("/v1/payments/{payment_id}", response_model=Payment,
                summary="A payment's state: pending, paid or expired",
                responses=responses(r404="`payment_not_found`"))
    def get(payment_id: str) -> Payment:
        found = store.payment(payment_id)
        if found is None:
            raise Refusal(404, "payment_not_found", "No payment with this id.")
        return Payment.model_validate(found)

    return router
