"""Bill disputes (异议): answered within 5 working days (China's holiday calendar)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox import authority
from sandbox.reference_data import DISPUTE_REASONS
from sandbox.routes.common import WRITE_DESCRIPTION, IdempotencyKey, keyed_write
from sandbox.schemas import RequestModel, example_id, responses, write_responses
from sandbox.store import Store


class Reason(BaseModel):
    code: str
    text_zh: str
    text_en: str


class Reasons(BaseModel):
    reasons: list[Reason]


class DisputeRequest(RequestModel):
    bill_id: str = example_id("BIL000910")
    reason_code: str = Field(min_length=1, max_length=32, examples=["wrong_amount"])
    text: str | None = Field(default=None, max_length=200)


class Dispute(BaseModel):
    dispute_id: str
    bill_id: str
    reason_code: str
    status: Literal["open"]
    raised_at: str
    answer_due: str = Field(description="YYYY-MM-DD: 5 working days after the day raised "
                                        "(public holidays and make-up working days counted).")
    calendar_covered: bool = Field(description="False when the holiday calendar does not "
                                               "cover the year: plain weekdays were counted.")


def build(store: Store) -> APIRouter:
    router = APIRouter(tags=["disputes"])

    @router.get("/v1/dispute-reasons", response_model=Reasons,
                summary="Reasons a patient can give for a dispute", responses=responses())
    def reasons() -> Reasons:
        return Reasons.model_validate({"reasons": DISPUTE_REASONS})

    @router.post("/v1/disputes", response_model=Dispute,
                 summary="Dispute a bill: it is left out of overdue processing while open",
                 description=WRITE_DESCRIPTION + " A patient present at this terminal whose bills include it "
                             "(as for reading them).",
                 responses=write_responses(
                     r403="`patient_not_present`: no patient present at this terminal whose bills include it",
                     r404="`bill_not_found`",
                     r409="`already_disputed`",
                     r422="`unknown_reason`"))
    def dispute(body: DisputeRequest, request: Request,
                idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Dispute, store.raise_dispute,
                           rule=authority.DISPUTE, **body.model_dump())

    return router
