"""Health, identity lookup (which gives a patient session), accounts and bills, visits, and the
one-visit settlement. A lookup answers only what a kiosk shows (the name and phone masked);
every read of a patient's data needs a patient session at the terminal (``sandbox.authority``)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kiosk.domain import signing
from kiosk.domain.idnumber import InvalidIdNumber, mask_id, mask_name, mask_phone, parse_id_number
from sandbox import authority
from sandbox.routes.common import WRITE_DESCRIPTION, IdempotencyKey, keyed_write
from sandbox.schemas import Account, Bills, Fen, RequestModel, example_id, path_id, responses, write_responses
from sandbox.store import Refusal, Store, iso


class Health(BaseModel):
    status: Literal["ok"]
    time: str = Field(description="Platform (business) time, ISO 8601 with offset.")


class LookupRequest(RequestModel):
    id_number: str = Field(min_length=1, max_length=32, examples=["350211197211050510"],
                           description="18-character resident ID number (GB 11643).")


class Relation(BaseModel):
    patient_id: str
    relation: Literal["child", "parent", "guardian"] = Field(
        description="What the other person is to the looked-up patient.")
    name: str = Field(description="Masked: the surname and asterisks (王*, 林*英).")
    account_id: str | None = Field(description="The account the other person uses, if any.")
    repayment_taken_on: bool = Field(
        description="For parent/child between adults: the child took on repayment.")


class PatientSession(BaseModel):
    session_id: str = Field(description="The new patient session this lookup opened at the calling terminal: "
                                        "reads of this patient's data are allowed there until it ends. "
                                        "`POST /v1/patient-sessions/end` ends it when the patient leaves.")
    expires_at: str = Field(description="When it ends if unused (each read starts its idle time again).")


class Identity(BaseModel):
    patient_id: str
    name: str = Field(description="Masked, as the kiosk shows it: the surname and asterisks (王*, 林*英). "
                                  "The platform never gives a terminal a patient's full name.")
    id_number_masked: str = Field(description="3502**********1234")
    sex: Literal["M", "F"] = Field(description="As the ID number says.")
    birth_date: str = Field(description="YYYY-MM-DD, as the ID number says.")
    phone_masked: str = Field(description="The mobile number on file, masked (138****5678); empty when none.")
    phone_on_file: bool = Field(description="A mobile number is on file: opening the service may use it "
                                            "(`phone` omitted) without the terminal ever seeing it.")
    is_minor: bool = Field(description="Under the policy's adult age on today's business date.")
    guardian_patient_id: str | None = Field(description="The guardian of a minor, else null.")
    guardian_line_ended: bool = Field(
        description="The patient used a guardian's credit line as a minor and has come of age (from the 18th "
                    "birthday, Asia/Shanghai, on today's business date): that line is no longer theirs. They may "
                    "open their own credit service, or pay in full; earlier bills stay with the guardian's account. "
                    "False once they have their own service.")
    account_id: str | None = Field(
        description="The credit account this patient uses: a minor uses the guardian's; "
                    "null if the credit service is not open.")
    has_credit_service: bool
    insurance_credit_grade: Literal["A", "B", "C", "D", "E"] | None = Field(
        description="Medical-insurance credit grade, A (excellent) to E (very poor).")
    relations: list[Relation]
    patient_session: PatientSession


class ResolveTokenRequest(RequestModel):
    token_type: Literal["insurance_evoucher", "health_card"] = Field(
        description="Medical-insurance e-voucher (医保电子凭证) or e-health card (电子健康卡).")
    token: str = Field(min_length=16, max_length=256, pattern=r"^[A-Za-z0-9._~+/=-]+$",
                       examples=["demo-tier1-ecv-000001"],
                       description="The opaque token of the scanned QR code, without its prefix.")


class ResolvedIdentity(Identity):
    id_number: str = Field(description="The patient's ID number (the kiosk shows it masked): the scanned code, "
                                       "a one-time token on the patient's phone, is the proof they are here.")


class EndSessionsRequest(RequestModel):
    session_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        max_length=50, examples=[["PS0123456789ABCDEF"]],
        description="Patient sessions of the calling terminal to end (another terminal's are left alone).")


class SessionsEnded(BaseModel):
    ended: int = Field(description="How many were still live.")


def masked(found: dict, session: dict) -> dict:
    """What a terminal is told about a patient: masked name, ID and phone, no phone number."""
    from sandbox.store.credit import PHONE

    phone = found.get("phone") or ""
    return {**{k: v for k, v in found.items() if k != "phone"},
            "name": mask_name(found["name"]),
            "id_number_masked": mask_id(found["id_number"]),
            "phone_masked": mask_phone(phone) if phone else "",
            "phone_on_file": bool(PHONE.match(phone)),
            "relations": [{**r, "name": mask_name(r["name"])} for r in found["relations"]],
            "patient_session": session}


class VisitItem(BaseModel):
    code: str
    name: str
    quantity: int
    unit_price_fen: int
    amount_fen: int = Field(description="quantity × unit_price_fen")
    category: str = Field(description="registration, drug, tcm_drug, exam, lab, treatment, "
                                      "material, self_pay, …")


class Visit(BaseModel):
    visit_id: str
    patient_id: str
    kind: Literal["outpatient"]
    department: str
    doctor: str
    started_at: str
    ended_at: str | None
    status: Literal["open", "settled"]
    items: list[VisitItem]
    total_fen: int
    fund_fen: int = Field(description="Part paid by the medical-insurance fund.")
    personal_fen: int = Field(description="Part the patient owes; fund_fen + personal_fen "
                                          "== total_fen.")


class SignedAccount(Account):
    as_of: str = Field(description="Platform time of this snapshot, ISO 8601 with offset.")
    signature: str = Field(description="Hex HMAC-SHA256 over the canonical JSON of this answer "
                                       "without `signature` (sorted keys, no whitespace, UTF-8), "
                                       "keyed with HMAC-SHA256(terminal secret, \"credit-care "
                                       "snapshot v1\"): a kiosk offline trusts only a snapshot "
                                       "the platform signed for it.")


def signed(store: Store, request: Request, answer: dict) -> dict:
    """``answer`` with ``as_of`` and the calling terminal's snapshot ``signature``."""
    answer = {**answer, "as_of": iso(store.now())}
    key = signing.snapshot_key(store.terminal_secret(request.state.terminal_id) or b"")
    return {**answer, "signature": signing.sign_snapshot(key, answer)}


class Visits(BaseModel):
    visits: list[Visit]


class SettleRequest(RequestModel):
    account_id: str = example_id("CA000001")
    personal_fen: Fen = Field(description="Must equal the visit's personal_fen.",
                              examples=[3766])


class Settlement(BaseModel):
    settlement_id: str
    reference: str = Field(description="Human-readable, unique: ST + yyyymmdd + 6 digits.")
    visit_id: str
    account_id: str
    total_fen: int
    fund_fen: int
    personal_fen: int
    booked_fen: int = Field(description="Amount booked against the credit line.")
    line_fen: int
    available_fen: int = Field(description="Available line after booking.")
    due_at: str
    settled_at: str


def build(store: Store) -> APIRouter:
    router = APIRouter()

    @router.get("/v1/health", response_model=Health, tags=["platform"],
                summary="Liveness and platform time (unsigned)")
    def health() -> Health:
        return Health(status="ok", time=iso(store.now()))

    @router.post("/v1/identity/lookup", response_model=Identity, tags=["identity"],
                 summary="Find a patient by resident ID number (a card read; at a desk, typed by an operator): "
                         "a patient session at this terminal",
                 description="Answers only what the terminal shows: the name, ID and phone masked. Opens a "
                             "new patient session for the patient at the calling terminal. At a desk an "
                             "operator action (`X-Operator-Session`). Budgeted per terminal: 20 at once, then one "
                             "more every 6 seconds (10 a minute, where a kiosk serves about a patient a minute and "
                             "a journey makes two or three lookups), found or not.",
                 responses=responses(r401="`operator_session_required`, `operator_session_expired` (a desk); "
                                          "also the signature refusals",
                                     r404="`patient_not_found`",
                                     r413="`body_too_large`",
                                     r422="`invalid_id_number` (checksum, length, characters "
                                          "or birth date)",
                                     r429="`too_many_lookups` (`Retry-After`; details: `retry_after_s`)"))
    def identity_lookup(body: LookupRequest, request: Request) -> Identity:
        try:
            number = parse_id_number(body.id_number)
        except InvalidIdNumber as exc:
            raise Refusal(422, "invalid_id_number",
                          f"The ID number is not valid ({exc.reason}).") from None
        found, session = authority.identify(store, request, lambda: store.lookup(number.value), "card")
        if found is None:
            raise Refusal(404, "patient_not_found", "No patient with this ID number.")
        return Identity.model_validate(masked({**found, "id_number": number.value}, session))

    @router.post("/v1/identity/resolve-token", response_model=ResolvedIdentity, tags=["identity"],
                 summary="Find a patient by a scanned e-voucher or e-health-card token: a patient session at "
                         "this terminal",
                 description="As `POST /v1/identity/lookup` (masked, a patient session, budgeted, an operator "
                             "action at a desk), plus the ID number the code stands for.",
                 responses=responses(r401="`operator_session_required`, `operator_session_expired` (a desk); "
                                          "also the signature refusals",
                                     r404="`token_not_found`", r409="`token_expired`",
                                     r413="`body_too_large`", r422="`invalid_request`",
                                     r429="`too_many_lookups` (`Retry-After`)"))
    def resolve_token(body: ResolveTokenRequest, request: Request) -> ResolvedIdentity:
        from sandbox.demo_data import TOKEN_KINDS, patient_by_role

        parts = body.token.split("-")
        number = None
        if len(parts) == 4 and parts[0] == "demo" and parts[2] == TOKEN_KINDS[body.token_type]:
            try:
                number = patient_by_role(parts[1])["id_number"]
            except KeyError:
                number = None
        expired = number is not None and parts[3] == "000000"

        def find() -> dict | None:
            return None if number is None or expired else store.lookup(number)

        found, session = authority.identify(store, request, find, "token")
        if expired:
            raise Refusal(409, "token_expired", "This code has expired: refresh it on the phone.")
        if found is None:
            raise Refusal(404, "token_not_found", "No patient for this code.")
        return ResolvedIdentity.model_validate({**masked({**found, "id_number": number}, session),
                                                "id_number": number})

    @router.post("/v1/patient-sessions/end", response_model=SessionsEnded, tags=["identity"],
                 summary="End patient sessions of this terminal: the patient has left",
                 description="Not keyed: ending a session twice changes nothing. The kiosk sends it when it "
                             "clears for the next patient; unused sessions end by themselves after five "
                             "minutes (half an hour after the card was read at the latest).",
                 responses=responses())
    def end_sessions(body: EndSessionsRequest, request: Request) -> SessionsEnded:
        with store.transaction() as conn:
            ended = store.end_patient_sessions(conn, store.now(), request.state.terminal_id, body.session_ids)
        return SessionsEnded(ended=ended)

    @router.get("/v1/accounts/{account_id}", response_model=SignedAccount, tags=["accounts"],
                summary="Credit line, usage and arrears of an account (a signed snapshot)",
                responses=responses(r403=authority.PRESENT_403, r404="`account_not_found`"))
    def get_account(account_id: Annotated[str, path_id("CA000001")], request: Request) -> SignedAccount:
        authority.require_present(store, request, account_id=account_id)
        account = store.account(account_id)
        if account is None:
            raise Refusal(404, "account_not_found", "No credit account with this id.")
        return SignedAccount.model_validate(signed(store, request, Account.model_validate(account).model_dump(
            mode="json")))

    @router.get("/v1/accounts/{account_id}/bills", response_model=Bills, tags=["accounts"],
                summary="Bills booked on an account, oldest first",
                responses=responses(r403=authority.PRESENT_403, r404="`account_not_found`"))
    def get_bills(account_id: Annotated[str, path_id("CA000006")], request: Request) -> Bills:
        authority.require_present(store, request, account_id=account_id)
        bills = store.bills(account_id)
        if bills is None:
            raise Refusal(404, "account_not_found", "No credit account with this id.")
        return Bills.model_validate({"bills": bills})

    @router.get("/v1/patients/{patient_id}/visits", response_model=Visits, tags=["visits"],
                summary="A patient's visits with itemised charges, newest first",
                responses=responses(r403=authority.PRESENT_403, r404="`patient_not_found`"))
    def get_visits(patient_id: Annotated[str, path_id("P000003")], request: Request,
                   status: Annotated[Literal["open", "settled"] | None,
                                     Query(description="Only visits in this state.")] = None,
                   ) -> Visits:
        authority.require_present(store, request, patient_id=patient_id)
        visits = store.visits(patient_id, status)
        if visits is None:
            raise Refusal(404, "patient_not_found", "No patient with this id.")
        return Visits.model_validate({"visits": visits})

    @router.post("/v1/visits/{visit_id}/settle", response_model=Settlement, tags=["visits"],
                 summary="Book one visit's personal part against a credit line",
                 description=WRITE_DESCRIPTION + " The whole personal part must fit the "
                             "available line (see `POST /v1/settlements` for several visits "
                             "and a shortfall paid through the payment channel).",
                 responses=write_responses(
                     r403="`account_suspended`, `account_not_linked`",
                     r404="`visit_not_found`, `account_not_found`",
                     r409="`visit_already_settled`, `amount_mismatch`, `repay_first` (a bill "
                          "is overdue), `insufficient_line`"))
    def settle(visit_id: Annotated[str, path_id("V000001")], body: SettleRequest, request: Request,
               idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Settlement, store.book_visit,
                           rule=authority.SETTLEMENT, visit_id=visit_id, account_id=body.account_id,
                           personal_fen=body.personal_fen)

    return router
