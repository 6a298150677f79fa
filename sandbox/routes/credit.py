"""The credit service: consent, opening, closing, taking on a parent, the overview."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox.reference_data import CONSENT
from sandbox.routes.common import WRITE_DESCRIPTION, IdempotencyKey, keyed_write
from sandbox.routes.identity import signed
from sandbox.schemas import Account, Bill, Id, RequestModel, example_id, path_id, responses, write_responses
from sandbox.store import Refusal, Store


class Consent(BaseModel):
    version: str
    title: str
    text_zh: str
    text_en: str
    published_at: str


class OpenRequest(RequestModel):
    patient_id: str = example_id("P000007")
    consent_version: str = Field(min_length=1, max_length=32, examples=["2026-10"],
                                 description="The version of the consent text shown.")
    score_authorised: bool = Field(description="The patient authorised the use of their "
                                               "credit score.")
    phone: str = Field(min_length=1, max_length=20, examples=["13812345678"],
                       description="Mainland mobile number for bills and reminders.")
    guardian_patient_id: Id | None = Field(
        default=None, description="Required for a minor: the adult guardian whose line the "
                                  "minor shares.")


class Opened(BaseModel):
    account: Account = Field(description="The account now in use (a minor: the guardian's).")
    score: int | None
    score_name: str
    tier: int
    line_fen: int
    value_added: bool
    consent_version: str
    consented_at: str


class CloseRequest(RequestModel):
    patient_id: str = example_id("P000005")


class Closed(BaseModel):
    closed_patient_ids: list[str] = Field(description="The patient, and for an adult the "
                                                      "minors whose links closed with them.")


class RelationRequest(RequestModel):
    payer_patient_id: str = Field(min_length=1, max_length=64, examples=["P000004"],
                                  description="The adult child who takes on repayment.")
    patient_id: str = Field(min_length=1, max_length=64, examples=["P000008"],
                            description="The parent.")
    relation: Literal["parent"]


class RelationTakenOn(BaseModel):
    payer_patient_id: str
    patient_id: str
    relation: Literal["parent"]
    name: str
    account_id: str | None
    repayment_taken_on: bool
    taken_on_at: str


class Linked(BaseModel):
    patient_id: str
    relation: Literal["child", "parent"]
    name: str
    account: Account | None
    bills: list[Bill]


class Overview(BaseModel):
    patient_id: str
    has_credit_service: bool
    insurance_credit_grade: Literal["A", "B", "C", "D", "E"] | None
    account: Account | None
    bills: list[Bill] = Field(description="Bills of the patient's account (a minor: their own "
                                          "bills on the guardian's line).")
    linked: list[Linked] = Field(description="Minors on the patient's line and parents whose "
                                             "repayment the patient took on.")
    as_of: str = Field(description="Platform time of this snapshot.")
    signature: str = Field(description="The terminal's snapshot signature, as for "
                                       "`GET /v1/accounts/{account_id}`.")


def build(store: Store) -> APIRouter:
    router = APIRouter(tags=["credit service"])

    @router.get("/v1/consent/current", response_model=Consent,
                summary="The consent text a patient agrees to when opening the service",
                responses=responses())
    def consent() -> Consent:
        return Consent.model_validate(CONSENT)

    @router.post("/v1/credit/open", response_model=Opened,
                 summary="Open the credit service (an adult: own line by score tier; a "
                         "minor: linked to an adult guardian's line)",
                 description=WRITE_DESCRIPTION,
                 responses=write_responses(
                     r404="`patient_not_found`",
                     r409="`consent_outdated`, `already_open`, `score_too_low`, "
                          "`guardian_not_open`, `guardian_mismatch`",
                     r422="`score_not_authorised`, `phone_invalid`, `guardian_required`"))
    def open_credit(body: OpenRequest, request: Request,
                    idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Opened, store.open_credit,
                           **body.model_dump())

    @router.post("/v1/credit/close", response_model=Closed,
                 summary="Close the credit service (only when nothing is owed)",
                 description=WRITE_DESCRIPTION + " Closing an adult's service closes the "
                             "linked minors'; closing a minor's only unlinks the minor.",
                 responses=write_responses(
                     r404="`patient_not_found`",
                     r409="`outstanding_balance` (details: `outstanding_fen`, `bill_ids`), "
                          "`no_credit_service`"))
    def close_credit(body: CloseRequest, request: Request,
                     idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Closed, store.close_credit,
                           patient_id=body.patient_id)

    @router.post("/v1/relations", response_model=RelationTakenOn,
                 summary="An adult child takes on repayment for a parent",
                 description=WRITE_DESCRIPTION + " The parent's account and bills then show "
                             "in the child's overview, and the child can repay them.",
                 responses=write_responses(
                     r404="`patient_not_found`",
                     r409="`payer_not_open`, `relation_exists`",
                     r422="`relation_invalid`"))
    def take_on(body: RelationRequest, request: Request,
                idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, RelationTakenOn,
                           store.take_on_parent, **body.model_dump())

    @router.get("/v1/patients/{patient_id}/overview", response_model=Overview,
                summary="Account query: one's own line and bills, linked children, parents "
                        "taken on",
                responses=responses(r404="`patient_not_found`"))
    def overview(patient_id: Annotated[str, path_id("P000002")], request: Request) -> Overview:
        found = store.overview(patient_id)
        if found is None:
            raise Refusal(404, "patient_not_found", "No patient with this id.")
        unsigned = Overview.model_validate({**found, "as_of": "", "signature": ""}).model_dump(
            mode="json", exclude={"as_of", "signature"})
        return Overview.model_validate(signed(store, request, unsigned))

    return router
