"""The sandbox platform API (FastAPI): the application, its signature check and errors.

The endpoints live in ``sandbox.routes`` (one router per journey). Every ``/v1``
endpoint except ``GET /v1/health`` needs the terminal signature of
``kiosk.domain.signing``, checked by :class:`SignatureMiddleware` on the raw request
before any routing or body parsing. Every error answers
``{"error": {"code": "<snake_case>", "message": "<English text>"[, "details": {...}]}}``.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from kiosk.domain import signing
from sandbox.routes import admin, batch, credit, disputes, holds, identity, inpatient, money, payments, registration
from sandbox.routes import control as control_routes
from sandbox.routes import documents as document_routes
from sandbox.routes import fleet as fleet_routes
from sandbox.routes import operators as operator_routes
from sandbox.routes.common import MAX_KEY_CHARS
from sandbox.store import Refusal, Store
from sandbox.store.authority import Limited

log = logging.getLogger("sandbox")

MAX_BODY_BYTES = 64 * 1024
MAX_HEADER_CHARS = 128
UNSIGNED_PATHS = frozenset({"/v1/health"})
OPERATOR_SCHEME = "OperatorSession"
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
`{signing.HEADER_TIMESTAMP}` (Unix seconds, within {signing.MAX_SKEW_S} s of the platform's
wall clock), `{signing.HEADER_NONCE}` (never reused by a terminal) and `{signing.HEADER_SIGNATURE}`:
hex HMAC-SHA256 with the terminal secret over
`METHOD\\nPATH[?QUERY]\\nTIMESTAMP\\nNONCE\\nhex(SHA-256(body))\\nIDEMPOTENCY_KEY\\nOPERATOR_SESSION`,
where PATH and QUERY are exactly as sent, IDEMPOTENCY_KEY is the `{signing.HEADER_IDEMPOTENCY}` header
and OPERATOR_SESSION the `{signing.HEADER_OPERATOR_SESSION}` header as sent (each empty when there is
none; the lines are always there). Refusals answer 401 with code `unknown_terminal`,
`bad_signature` (also for a signature header that is not ASCII), `stale_timestamp` or
`replayed_nonce`.

**Authority** lives at the platform (`sandbox/authority.py`). A terminal is a `kiosk` or a
`desk`; desk-only operations answer a kiosk 403 `desk_only`. At a desk every write, identity
lookup and approval carries the operator session that `POST /v1/operators/login` gave
(`{signing.HEADER_OPERATOR_SESSION}`; 401 `operator_session_required`, `operator_session_expired`),
the operator is the session's (an `operator_id` in a body is ignored), and money needs the
operator's open shift at that desk (409 `shift_not_open`). Reads of a patient's data need a
live patient session at the terminal (a card read or scanned code: the identity lookup; 403
`patient_not_present`); lookups are budgeted per terminal (429 `too_many_lookups`,
`Retry-After`).

**Writes** are POSTs that require an `{signing.HEADER_IDEMPOTENCY}` header: the same key
with the same path and body gets the stored answer (refusals included) and never acts
twice; the same key with a different request answers 409 `idempotency_key_reused`.

**Money** is integer fen in fields named `*_fen`. **Times** are ISO 8601 with offset, in
Asia/Shanghai (the business clock; a sandbox with its control API can move it forward).
**Errors** answer `{{"error": {{"code": "...", "message": "...", "details": {{...}}}}}}`,
`details` only for some refusals. One sandbox serves one city policy profile.
"""


# -- errors ----------------------------------------------------------------------------

def error_response(status: int, code: str, message: str,
                   details: dict | None = None) -> JSONResponse:
    error: dict = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status)


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}


def _describe_validation(exc: RequestValidationError) -> str:
    """Locations and messages only: never the input, which may hold an ID number."""
    parts = []
    for error in exc.errors()[:5]:
        loc = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{loc}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _routes(routes) -> Iterator[BaseRoute]:
    """Every route under ``routes``, through included routers (kept whole by newer FastAPI)."""
    for route in routes:
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        if inner is None and not isinstance(route, Route):
            inner = getattr(route, "routes", None)
        if inner is not None:
            yield from _routes(inner)
        else:
            yield route


def allowed_methods(routes, scope: Scope) -> list[str]:
    """The methods the routes offer for the request's path: a 405's ``Allow`` (RFC 9110 15.5.6)."""
    methods: set[str] = set()
    for route in _routes(routes):
        if isinstance(route, Route) and route.methods and route.matches(scope)[0] is not Match.NONE:
            methods |= route.methods
    return sorted(methods)


# -- signature ---------------------------------------------------------------------------

def needs_signature(path: str) -> bool:
    return (path == "/v1" or path.startswith("/v1/")) and path not in UNSIGNED_PATHS


class SignatureMiddleware:
    """Checks the terminal signature over the raw request, then replays the body.

    Order: unknown terminal, bad signature, stale timestamp, replayed nonce. The nonce is
    only recorded for a request that is correctly signed and fresh, so nobody can burn a
    terminal's nonces. On success ``scope["state"]`` gets ``terminal_id`` and ``raw_body``,
    and the store runs any nightly batch that is due. Timestamps are checked against the
    wall clock, not the (movable) business clock.
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
        headers = Headers(scope=scope)
        state["terminal_id"] = headers[signing.HEADER_TERMINAL]
        state["raw_body"] = body
        state["operator_session"] = headers.get(signing.HEADER_OPERATOR_SESSION)  # signed; checked by the routes

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
                len(v) > MAX_HEADER_CHARS or not v.isascii() for v in (timestamp, nonce, signature)):
            return "bad_signature", "Signature headers are missing or malformed."
        path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        if query:
            path += "?" + query
        key = headers.get(signing.HEADER_IDEMPOTENCY)  # signed as sent; its format is the route's check
        session = headers.get(signing.HEADER_OPERATOR_SESSION)  # signed as sent; sandbox.authority checks it
        if not signing.verify(secret, signature, scope["method"], path, timestamp, nonce, body,
                              idempotency_key=key, operator_session=session):
            return "bad_signature", "The signature does not match the request."
        if not signing.fresh(timestamp, self.store.wall_now().timestamp()):
            return ("stale_timestamp",
                    f"X-Timestamp is more than {signing.MAX_SKEW_S} s from platform time.")
        if not self.store.remember_nonce(terminal_id, nonce, int(timestamp), signing.MAX_SKEW_S):
            return "replayed_nonce", "This nonce was already used by the terminal."
        self.store.catch_up()  # the nightly batch of any business day begun since the last
        return None


#: What the routes' key check (``sandbox.routes.common.check_key``) lets through, as it
#: arrives: printable ASCII; HTTP strips spaces around a header value.
KEY_PATTERN = "^[!-~]([ -~]*[!-~])?$"


def _require_key(parameter: dict) -> None:
    """Declare a write's ``Idempotency-Key`` as what it is: required, 1-128 printable ASCII.
    (The route takes it as optional so that a missing key is its documented 400
    ``missing_idempotency_key``, not FastAPI's 422.)"""
    parameter["required"] = True
    parameter["schema"] = {"type": "string", "minLength": 1, "maxLength": MAX_KEY_CHARS,
                           "pattern": KEY_PATTERN, "title": parameter["name"],
                           "description": parameter.get("description", "")}


# -- application ---------------------------------------------------------------------------

def create_app(store: Store, *, control: bool = False) -> FastAPI:
    """The platform API over ``store``. ``control``: enable the sandbox control API
    (``/v1/_sandbox/...``: clock, payment completion, dispute answers); without it those
    routes answer 404."""
    app = FastAPI(title="Credit-care platform (sandbox)", version="2", description=DESCRIPTION)
    app.state.store = store
    app.state.control = control
    app.add_middleware(SignatureMiddleware, store=store)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body that is not JSON at all (e.g. not UTF-8)
            return error_response(422, "invalid_request", "The body is not valid JSON.")
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        response = error_response(exc.status_code, code, str(exc.detail))
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only the first route's
            response.headers["Allow"] = ", ".join(allowed_methods(app.router.routes, request.scope))
        return response

    @app.exception_handler(Refusal)
    async def _refusal(request: Request, exc: Refusal) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(Limited)
    async def _limited(request: Request, exc: Limited) -> JSONResponse:
        response = error_response(exc.status, exc.code, exc.message, exc.details)
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.error("request failed: %s %s: %s", request.method, request.url.path,
                  type(exc).__name__)
        return error_response(500, "internal_error", "The platform failed; see its log.")

    for module in (identity, credit, registration, payments, money, holds, inpatient, disputes, admin):
        app.include_router(module.build(store))
    app.include_router(document_routes.build(store))
    app.include_router(operator_routes.build(store, control))
    app.include_router(control_routes.build(store, enabled=control))
    app.include_router(batch.build(store))  # POST /v1/batch: offline queues, item by item
    app.include_router(fleet_routes.build(store))

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            schemes = {name: {"type": "apiKey", "in": "header", "name": header}
                       for name, header in SECURITY_SCHEMES.items()}
            schemes[OPERATOR_SCHEME] = {
                "type": "apiKey", "in": "header", "name": signing.HEADER_OPERATOR_SESSION,
                "description": "The operator session of `POST /v1/operators/login`, covered by the signature: "
                               "required at a desk for every write, identity lookup and approval "
                               "(sandbox/authority.py)."}
            schema.setdefault("components", {})["securitySchemes"] = schemes
            signed_only = {name: [] for name in SECURITY_SCHEMES}
            requirement = [signed_only, {**signed_only, OPERATOR_SCHEME: []}]
            for path, operations in schema["paths"].items():
                for operation in operations.values():
                    if needs_signature(path):
                        operation["security"] = requirement
                    for parameter in operation.get("parameters", ()):
                        if parameter["in"] == "header" and parameter["name"] == signing.HEADER_IDEMPOTENCY:
                            _require_key(parameter)
            app.openapi_schema = jsonable_encoder(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
