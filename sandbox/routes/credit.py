"""The credit service: consent, opening, closing, taking on a parent (with the parent's
consent: their own card here, or a code sent to their phone), the overview. The people
concerned must be present at the terminal (``sandbox.authority``); names are masked."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from kiosk.domain.idnumber import mask_name
from sandbox import authority
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
    phone: str | None = Field(default=None, min_length=1, max_length=20, examples=["13812345678"],
                              description="Mainland mobile number for bills and reminders; omitted: the number "
                                          "on file (the lookup's `phone_on_file`), which the terminal never sees.")
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


class RelationConsent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["card", "sms"] = Field(description="card: the parent's own card was read at this terminal "
                                                       "(a live patient session of theirs here); sms: the code "
                                                       "`POST /v1/relations/consent-code` sent to their phone.")
    code: str | None = Field(default=None, pattern=r"^[0-9]{6}$", examples=["123456"],
                             description="For sms: the six digits the parent received.")


class RelationRequest(RequestModel):
    payer_patient_id: str = Field(min_length=1, max_length=64, examples=["P000004"],
                                  description="The adult child who takes on repayment (present at this terminal).")
    patient_id: str = Field(min_length=1, max_length=64, examples=["P000008"],
                            description="The parent.")
    relation: Literal["parent"]
    consent: RelationConsent | None = Field(default=None, examples=[{"method": "card"}],
                                    description="The parent's consent; without it: 403 `consent_required`.")


class ConsentCodeRequest(RequestModel):
    payer_patient_id: str = Field(min_length=1, max_length=64, examples=["P000004"],
                                  description="The adult child, present at this terminal.")
    patient_id: str = Field(min_length=1, max_length=64, examples=["P000008"],
                            description="The parent, whose phone on file gets the code.")


class ConsentCodeSent(BaseModel):
    sent_to: str = Field(description="The phone on file, masked (139****1234).")
    expires_at: str


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
    name: str = Field(description="Masked (王*).")
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
                 description=WRITE_DESCRIPTION + " The patient (and a minor's guardian) present at this "
                             "terminal; a minor only with a guardian of their household.",
                 responses=write_responses(
                     r403="`patient_not_present`",
                     r404="`patient_not_found`",
                     r409="`consent_outdated`, `already_open`, `score_too_low`, "
                          "`guardian_not_open`, `guardian_mismatch`, `not_in_household`",
                     r422="`score_not_authorised`, `phone_invalid`, `guardian_required`"))
    def open_credit(body: OpenRequest, request: Request,
                    idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Opened, store.open_credit,
                           rule=authority.CREDIT_OPEN, **body.model_dump())

    @router.post("/v1/credit/close", response_model=Closed,
                 summary="Close the credit service (only when nothing is owed)",
                 description=WRITE_DESCRIPTION + " Closing an adult's service closes the "
                             "linked minors'; closing a minor's only unlinks the minor. The patient present.",
                 responses=write_responses(
                     r403="`patient_not_present`",
                     r404="`patient_not_found`",
                     r409="`outstanding_balance` (details: `outstanding_fen`, `bill_ids`), "
                          "`no_credit_service`"))
    def close_credit(body: CloseRequest, request: Request,
                     idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Closed, store.close_credit,
                           rule=authority.CREDIT_CLOSE, patient_id=body.patient_id)

    @router.post("/v1/relations", response_model=RelationTakenOn,
                 summary="An adult child takes on repayment for a parent, with the parent's consent",
                 description=WRITE_DESCRIPTION + " The parent's account and bills then show "
                             "in the child's overview, and the child can repay them. The child present at this "
                             "terminal; the parent consents with their own card here or the code sent to their "
                             "phone (a wrong code counts: five tries).",
                 responses=write_responses(
                     r403="`patient_not_present`, `consent_required`, `consent_code_invalid`",
                     r404="`patient_not_found`",
                     r409="`payer_not_open`, `relation_exists`, `consent_code_expired`",
                     r422="`relation_invalid`"))
    def take_on(body: RelationRequest, request: Request,
                idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, RelationTakenOn, store.take_on_parent,
                           rule=authority.RELATION, **body.model_dump())

    @router.post("/v1/relations/consent-code", response_model=ConsentCodeSent,
                 summary="Send the parent a code by SMS: their consent to be taken on",
                 description="Not keyed: each call sends a new code (replacing the last), good for ten minutes "
                             "and five tries, at this terminal only. The child present at this terminal. The "
                             "sandbox keeps the SMS for its control API (`GET /v1/_sandbox/sms/{patient_id}`).",
                 responses=responses(r403="`patient_not_present`", r404="`patient_not_found`",
                                     r409="`no_phone_on_file`"))
    def consent_code(body: ConsentCodeRequest, request: Request) -> ConsentCodeSent:
        rule = authority.Rule("consent_code")
        try:
            with store.transaction() as conn:
                now = store.now()
                grant = authority.grant_for(store, conn, now, request, session=True)
                authority.require_people(store, conn, now, grant, body.payer_patient_id)
                sent = store.send_consent_code(conn, now, terminal_id=grant.terminal_id,
                                               payer_patient_id=body.payer_patient_id, patient_id=body.patient_id)
        except Refusal as refusal:
            authority.refused(store, request, rule, refusal)
            raise
        return ConsentCodeSent.model_validate(sent)

    @router.get("/v1/patients/{patient_id}/overview", response_model=Overview,
                summary="Account query: one's own line and bills, linked children, parents "
                        "taken on",
                responses=responses(r403=authority.PRESENT_403, r404="`patient_not_found`"))
    def overview(patient_id: Annotated[str, path_id("P000002")], request: Request) -> Overview:
        authority.require_present(store, request, patient_id=patient_id)
        found = store.overview(patient_id)
        if found is None:
            raise Refusal(404, "patient_not_found", "No patient with this id.")
        found = {**found, "linked": [{**p, "name": mask_name(p["name"])} for p in found["linked"]]}
        unsigned = Overview.model_validate({**found, "as_of": "", "signature": ""}).model_dump(
            mode="json", exclude={"as_of", "signature"})
        return Overview.model_validate(signed(store, request, unsigned))

    return router
