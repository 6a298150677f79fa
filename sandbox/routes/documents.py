"""Printed documents: is the QR code on a receipt genuine?

A kiosk prints ``CC1:<terminal id>:<reference>:<signature>`` in every document's QR code
(``printing.signing``): the reference signed with the printing terminal's secret. Only the
platform holds that secret, so only the platform can tell a genuine receipt from a forgery.
"""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from printing.signing import MAX_PAYLOAD_CHARS, verify_payload
from sandbox.schemas import RequestModel, responses
from sandbox.store import Store


class VerifyRequest(RequestModel):
    payload: str = Field(max_length=MAX_PAYLOAD_CHARS,
                         examples=["CC1:KIOSK-DEMO-01:ST20250501000012:ABCDEFGHIJKLMNOPQRSTUVWX"],
                         description="The text of the document's QR code, as scanned.")


class Verification(BaseModel):
    valid: bool = Field(description="The signature matches the named terminal's secret.")
    reference: str | None = Field(
        description="The document's reference as the payload states it (null if the text is "
                    "not a document payload); trust it only when `valid`.")
    terminal_id: str | None = Field(description="The terminal the payload names as its printer.")


def build(store: Store) -> APIRouter:
    router = APIRouter()

    @router.post("/v1/documents/verify", response_model=Verification, tags=["documents"],
                 summary="Check the signature in a printed document's QR code",
                 description="Read-only: any terminal may ask (a cashier scanning a patient's "
                             "receipt). A payload that is not a document payload, names an "
                             "unknown terminal or carries a wrong signature answers 200 with "
                             "`valid: false`.",
                 responses=responses(r413="`body_too_large`"))
    def verify(body: VerifyRequest) -> Verification:
        checked = verify_payload(body.payload, store.terminal_secret)
        return Verification(valid=checked.valid, reference=checked.reference,
                            terminal_id=checked.terminal_id)

    return router
