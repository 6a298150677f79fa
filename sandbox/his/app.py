"""The sandbox HIS's API (FastAPI): its own app, signed like the credit platform's.

Every ``/v1`` request except ``GET /v1/health`` carries the terminal signature of
``kiosk.domain.signing``, checked against the HIS's own terminal registry by the platform's
:class:`~sandbox.app.SignatureMiddleware`; errors answer ``{"error": {"code", "message"[, "details"]}}``.
"""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk.domain import signing
from sandbox.app import (
    _HTTP_CODES,
    SECURITY_SCHEMES,
    SignatureMiddleware,
    _describe_validation,
    _require_key,
    allowed_methods,
    error_response,
    needs_signature,
)
from sandbox.his import routes
from sandbox.his.store import HisStore
from sandbox.store import Refusal, iso
from sandbox.store.presence import Limited

log = logging.getLogger("sandbox.his")

DESCRIPTION = f"""\
Reference implementation of a hospital information system (HIS) as the credit-care kiosk needs it, with
demo data, for demonstration, training and tests: patients, outpatient visits and their charges in the
national medical-insurance codes, clinics and registrations, admission orders and stays, the payment
state of every bill, and the hospital's payment channel. docs/integration.md says what a hospital's own
HIS adapter must do.

**Signing.** As the credit platform's API: every `/v1` request except `GET /v1/health` carries
`{signing.HEADER_TERMINAL}`, `{signing.HEADER_TIMESTAMP}`, `{signing.HEADER_NONCE}` and `{signing.HEADER_SIGNATURE}`
(hex HMAC-SHA256 with the terminal's secret at the HIS over
`METHOD\\nPATH[?QUERY]\\nTIMESTAMP\\nNONCE\\nhex(SHA-256(body))\\nIDEMPOTENCY_KEY\\nOPERATOR_SESSION`).

**Patients present.** A lookup (`POST /v1/patients/find`) opens a patient session at the terminal; reads of a
patient's data need one (403 `patient_not_present`, the same for a guessed id as for a real one).

**Writes** are POSTs with an `{signing.HEADER_IDEMPOTENCY}`: the same key and request answer the same and never
act twice. Marking bills paid is idempotent by its key and refuses a bill another key paid
(`bill_already_paid`); an unmark under the key undoes it, or bars the key if no mark arrived.

**Money** is integer fen in fields named `*_fen`; quantities (`cnt`) are decimal strings. **Times** are ISO 8601
with offset, Asia/Shanghai.
"""


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    time: str = Field(description="The HIS's business time, ISO 8601 with offset.")
    service: str = Field(examples=["his"])


def create_app(store: HisStore, *, control: bool = False) -> FastAPI:
    """The HIS API over ``store``; ``control``: the sandbox control API (clock, payments completed)."""
    app = FastAPI(title="Hospital information system (sandbox)", version="1", description=DESCRIPTION)
    app.state.store = store
    app.add_middleware(SignatureMiddleware, store=store)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            return error_response(422, "invalid_request", "The body is not valid JSON.")
        response = error_response(exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"), str(exc.detail))
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(app.router.routes, request.scope))
        return response

    @app.exception_handler(Refusal)
    async def _refusal(request: Request, exc: Refusal) -> JSONResponse:
        response = error_response(exc.status, exc.code, exc.message, exc.details)
        if isinstance(exc, Limited):
            response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.error("request failed: %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return error_response(500, "internal_error", "The HIS failed; see its log.")

    @app.get("/v1/health", response_model=Health, tags=["his"], summary="Liveness and the HIS's time (unsigned)")
    def health() -> Health:
        return Health(status="ok", time=iso(store.now()), service="his")

    app.include_router(routes.build(store))
    app.include_router(routes.build_control(store, enabled=control))

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            schema.setdefault("components", {})["securitySchemes"] = {
                name: {"type": "apiKey", "in": "header", "name": header} for name, header in SECURITY_SCHEMES.items()}
            for path, operations in schema["paths"].items():
                for operation in operations.values():
                    if needs_signature(path):
                        operation["security"] = [{name: [] for name in SECURITY_SCHEMES}]
                    for parameter in operation.get("parameters", ()):
                        if parameter["in"] == "header" and parameter["name"] == signing.HEADER_IDEMPOTENCY:
                            _require_key(parameter)
            app.openapi_schema = jsonable_encoder(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
