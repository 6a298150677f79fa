"""The sandbox platform API (FastAPI): identity, accounts, bills, visits, settlement.

Every ``/v1`` endpoint except ``GET /v1/health`` needs the terminal signature of
``kiosk.domain.signing``, checked by :class:`SignatureMiddleware` on the raw request
before any routing or body parsing. Every error answers
``{"error": {"code": "<snake_case>", "message": "<English text>"}}``.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import FastAPI, Header, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from kiosk.domain import signing
from kiosk.domain.clock import business_date
from kiosk.domain.idnumber import InvalidIdNumber, parse_id_number
from kiosk.policies import load_profile
from sandbox.store import Refusal, Store, iso

DEFAULT_CITY = "xiamen"
MAX_BODY_BYTES = 64 * 1024
MAX_HEADER_CHARS = 128
UNSIGNED_PATHS = frozenset({"/v1/health"})
SECURITY_SCHEMES = {
    "TerminalId": signing.HEADER_TERMINAL,
    "Timestamp": signing.HEADER_TIMESTAMP,
    "Nonce": signing.HEADER_NONCE,
    "Signature": signing.HEADER_SIGNATURE,
}

DESCRIPTION = f"""\
Reference implementation of the hospital platform API that credit-care kiosks talk to,
with demo data, for demonstration, staff training and tests.

**Signing.** Every `/v1` request except `GET /v1/health` carries `{signing.HEADER_TERMINAL}`,
`{signing.HEADER_TIMESTAMP}` (Unix seconds, within {signing.MAX_SKEW_S} s of the platform
clock), `{signing.HEADER_NONCE}` (never reused by a terminal) and `{signing.HEADER_SIGNATURE}`:
hex HMAC-SHA256 with the terminal secret over
`METHOD\\nPATH[?QUERY]\\nTIMESTAMP\\nNONCE\\nhex(SHA-256(body))`, where PATH and QUERY are
exactly as sent. Refusals answer 401 with code `unknown_terminal`, `bad_signature`,
`stale_timestamp` or `replayed_nonce`.

**Money** is integer fen in fields named `*_fen`. **Times** are ISO 8601 with offset, in
Asia/Shanghai. **Errors** answer `{{"error": {{"code": "...", "message": "..."}}}}`.
"""


# -- models --------------------------------------------------------------------------

class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable snake_case error code.", examples=["visit_not_found"])
    message: str = Field(description="English text for operators and logs; not for patients.")


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"]
    time: str = Field(description="Platform time, ISO 8601 with offset.")


class LookupRequest(_Request):
    id_number: str = Field(min_length=1, max_length=32,
                           description="18-character resident ID number (GB 11643).")


class Identity(BaseModel):
    patient_id: str
    name: str
    sex: Literal["M", "F"]
    birth_date: str = Field(description="YYYY-MM-DD")
    phone: str
    is_minor: bool = Field(description="Under the policy's adult age on today's business date.")
    guardian_patient_id: str | None = Field(description="The guardian of a minor, else null.")
    account_id: str | None = Field(
        description="The credit account this patient uses: a minor uses the guardian's; "
                    "null if the credit service is not open.")


class Account(BaseModel):
    account_id: str
    holder_patient_id: str
    status: Literal["active", "suspended", "closed"]
    policy: str = Field(description="City policy profile, e.g. xiamen.")
    score_tier: int = Field(ge=0, description="1-based index of the score tier in the "
                                              "policy profile; 0 below the lowest tier.")
    value_added: bool
    line_fen: int
    used_fen: int
    available_fen: int
    overdue_fen: int = Field(description="Sum of unpaid bills past their due time.")


class Bill(BaseModel):
    bill_id: str
    settlement_id: str
    visit_id: str
    amount_fen: int
    created_at: str
    due_at: str
    status: Literal["due", "overdue", "paid"]


class Bills(BaseModel):
    bills: list[Bill]


class VisitItem(BaseModel):
    code: str
    name: str
    quantity: int
    unit_price_fen: int
    amount_fen: int = Field(description="quantity × unit_price_fen")
    category: str = Field(description="registration, drug, tcm_drug, exam, lab, treatment, "
                                      "material, …")


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


class Visits(BaseModel):
    visits: list[Visit]


class SettleRequest(_Request):
    account_id: str = Field(min_length=1, max_length=64)
    personal_fen: int = Field(ge=0, strict=True,
                              description="Must equal the visit's personal_fen.")


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


# -- errors ----------------------------------------------------------------------------

def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _err(description: str) -> dict:
    return {"model": ErrorBody, "description": description}


AUTH_401 = {401: _err("Signature refused: `unknown_terminal`, `bad_signature`, "
                      "`stale_timestamp`, `replayed_nonce`.")}
INVALID_422 = {422: _err("`invalid_request`: parameters or body do not match the schema.")}
TOO_LARGE_413 = {413: _err("`body_too_large`: the body exceeds 64 KiB.")}

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}


def _describe_validation(exc: RequestValidationError) -> str:
    """Locations and messages only: never the input, which may hold an ID number."""
    parts = []
    for error in exc.errors()[:5]:
        loc = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{loc}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


# -- signature ---------------------------------------------------------------------------

def needs_signature(path: str) -> bool:
    return (path == "/v1" or path.startswith("/v1/")) and path not in UNSIGNED_PATHS


class SignatureMiddleware:
    """Checks the terminal signature over the raw request, then replays the body.

    Order: unknown terminal, bad signature, stale timestamp, replayed nonce. The nonce is
    only recorded for a request that is correctly signed and fresh, so nobody can burn a
    terminal's nonces. On success ``scope["state"]`` gets ``terminal_id`` and ``raw_body``.
    """

    def __init__(self, app: ASGIApp, store: Store):
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not needs_signature(scope["path"]):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                await error_response(413, "body_too_large",
                                     "The request body exceeds 64 KiB.")(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)

        refusal = await run_in_threadpool(self._check, scope, body)
        if refusal is not None:
            await error_response(401, *refusal)(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["terminal_id"] = Headers(scope=scope)[signing.HEADER_TERMINAL]
        state["raw_body"] = body

        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _check(self, scope: Scope, body: bytes) -> tuple[str, str] | None:
        headers = Headers(scope=scope)
        terminal_id = headers.get(signing.HEADER_TERMINAL, "")
        timestamp = headers.get(signing.HEADER_TIMESTAMP, "")
        nonce = headers.get(signing.HEADER_NONCE, "")
        signature = headers.get(signing.HEADER_SIGNATURE, "")
        secret = self.store.terminal_secret(terminal_id) if terminal_id else None
        if secret is None:
            return "unknown_terminal", "No terminal is registered under this X-Terminal-Id."
        if not (timestamp and nonce and signature) or any(
                len(v) > MAX_HEADER_CHARS for v in (timestamp, nonce, signature)):
            return "bad_signature", "Signature headers are missing or malformed."
        path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        if query:
            path += "?" + query
        if not signing.verify(secret, signature, scope["method"], path, timestamp, nonce, body):
            return "bad_signature", "The signature does not match the request."
        if not signing.fresh(timestamp, self.store.now().timestamp()):
            return ("stale_timestamp",
                    f"X-Timestamp is more than {signing.MAX_SKEW_S} s from platform time.")
        if not self.store.remember_nonce(terminal_id, nonce, int(timestamp), signing.MAX_SKEW_S):
            return "replayed_nonce", "This nonce was already used by the terminal."
        return None


# -- application ---------------------------------------------------------------------------

def create_app(store: Store) -> FastAPI:
    app = FastAPI(title="Credit-care platform (sandbox)", version="1", description=DESCRIPTION)
    app.state.store = store
    app.add_middleware(SignatureMiddleware, store=store)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Refusal)
    async def _refusal(request: Request, exc: Refusal) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        return error_response(500, "internal_error", "The platform failed; see its log.")

    @app.get("/v1/health", response_model=Health, tags=["platform"],
             summary="Liveness and platform time (unsigned)")
    def health() -> Health:
        return Health(status="ok", time=iso(store.now()))

    @app.post("/v1/identity/lookup", response_model=Identity, tags=["identity"],
              summary="Find a patient by resident ID number",
              responses={**AUTH_401, **TOO_LARGE_413,
                         404: _err("`patient_not_found`"),
                         422: _err("`invalid_id_number` (checksum, length, characters or "
                                   "birth date) or `invalid_request`.")})
    def identity_lookup(body: LookupRequest) -> Identity:
        try:
            number = parse_id_number(body.id_number)
        except InvalidIdNumber as exc:
            raise Refusal(422, "invalid_id_number",
                          f"The ID number is not valid ({exc.reason}).") from None
        patient = store.find_patient(id_number=number.value)
        if patient is None:
            raise Refusal(404, "patient_not_found", "No patient with this ID number.")
        account = store.account(patient["account_id"]) if patient["account_id"] else None
        adult_age = load_profile(account["policy"] if account else DEFAULT_CITY).adult_age
        return Identity(
            patient_id=patient["patient_id"], name=patient["name"], sex=patient["sex"],
            birth_date=patient["birth_date"], phone=patient["phone"],
            is_minor=number.age_on(business_date(store.now())) < adult_age,
            guardian_patient_id=patient["guardian_patient_id"],
            account_id=patient["account_id"])

    @app.get("/v1/accounts/{account_id}", response_model=Account, tags=["accounts"],
             summary="Credit line, usage and arrears of an account",
             responses={**AUTH_401, 404: _err("`account_not_found`"), **INVALID_422})
    def get_account(account_id: str) -> Account:
        account = store.account(account_id)
        if account is None:
            raise Refusal(404, "account_not_found", "No credit account with this id.")
        return Account.model_validate(account)

    @app.get("/v1/accounts/{account_id}/bills", response_model=Bills, tags=["accounts"],
             summary="Bills booked on an account, oldest first",
             responses={**AUTH_401, 404: _err("`account_not_found`"), **INVALID_422})
    def get_bills(account_id: str) -> Bills:
        bills = store.bills(account_id)
        if bills is None:
            raise Refusal(404, "account_not_found", "No credit account with this id.")
        return Bills(bills=[Bill(**b) for b in bills])

    @app.get("/v1/patients/{patient_id}/visits", response_model=Visits, tags=["visits"],
             summary="A patient's visits with itemised charges, newest first",
             responses={**AUTH_401, 404: _err("`patient_not_found`"), **INVALID_422})
    def get_visits(patient_id: str,
                   status: Annotated[Literal["open", "settled"] | None,
                                     Query(description="Only visits in this state.")] = None,
                   ) -> Visits:
        visits = store.visits(patient_id, status)
        if visits is None:
            raise Refusal(404, "patient_not_found", "No patient with this id.")
        return Visits(visits=[Visit(**v) for v in visits])

    @app.post("/v1/visits/{visit_id}/settle", response_model=Settlement, tags=["visits"],
              summary="Book a visit's personal part against a credit line (idempotent)",
              description="Requires `Idempotency-Key`. A request repeated with the same key "
                          "and the same path and body gets the stored answer (refusals "
                          "included) and never books twice; the same key with a different "
                          "request answers 409 `idempotency_key_reused`.",
              responses={**AUTH_401, **TOO_LARGE_413,
                         400: _err("`missing_idempotency_key`, `invalid_idempotency_key`"),
                         403: _err("`account_suspended`, `account_not_linked`"),
                         404: _err("`visit_not_found`, `account_not_found`"),
                         409: _err("`idempotency_key_reused`, `visit_already_settled`, "
                                   "`amount_mismatch`, `insufficient_line`"),
                         **INVALID_422})
    def settle(visit_id: str, body: SettleRequest, request: Request,
               idempotency_key: Annotated[str | None, Header(
                   alias=signing.HEADER_IDEMPOTENCY,
                   description="Client-chosen unique key per settlement attempt "
                               "(1-128 printable ASCII characters).")] = None,
               ) -> Any:
        if not idempotency_key:
            raise Refusal(400, "missing_idempotency_key", "The Idempotency-Key header is required.")
        if len(idempotency_key) > MAX_HEADER_CHARS or not (
                idempotency_key.isascii() and idempotency_key.isprintable()):
            raise Refusal(400, "invalid_idempotency_key",
                          "The Idempotency-Key must be 1-128 printable ASCII characters.")
        raw = request.state.raw_body
        digest = signing.body_digest(request.url.path.encode() + b"\n" + raw)
        status, text = store.settle_visit(
            terminal_id=request.state.terminal_id, idempotency_key=idempotency_key,
            digest=digest, visit_id=visit_id, account_id=body.account_id,
            personal_fen=body.personal_fen)
        return Response(content=text.encode(), status_code=status,
                        media_type="application/json")

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            schema.setdefault("components", {})["securitySchemes"] = {
                name: {"type": "apiKey", "in": "header", "name": header}
                for name, header in SECURITY_SCHEMES.items()}
            requirement = [{name: [] for name in SECURITY_SCHEMES}]
            for path, operations in schema["paths"].items():
                if needs_signature(path):
                    for operation in operations.values():
                        operation["security"] = requirement
            app.openapi_schema = jsonable_encoder(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
