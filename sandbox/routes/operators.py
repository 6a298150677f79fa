"""Cashier-desk operators: login (staff number and PIN, checked and counted by the
platform), and the sandbox control API's unlock."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox.routes.common import IdempotencyKey, keyed_write
from sandbox.schemas import RequestModel, responses, write_responses
from sandbox.store import Refusal, Store
from sandbox.store.operators import MAX_FAILURES

Role = Literal["cashier", "supervisor", "it"]


class LoginRequest(RequestModel):
    operator_id: str = Field(min_length=1, max_length=32, examples=["1001"],
                             description="Staff number.")
    pin: str = Field(min_length=4, max_length=12, pattern=r"^[0-9]+$", examples=["246810"],
                     description="The operator's PIN (digits). Never logged or stored in clear.")


class Operator(BaseModel):
    operator_id: str
    name: str
    roles: list[Role] = Field(description="cashier: desk journeys; supervisor: approves refunds "
                                          "over the desk's limit; it: IT functions (the kiosk's "
                                          "hidden exit).")
    logged_in_at: str


class Unlocked(BaseModel):
    operator_id: str
    locked: Literal[False]


class UnlockRequest(RequestModel):
    pass


def build(store: Store, control: bool) -> APIRouter:
    def control_only() -> None:
        """Before the body is read: without the control API, 404 (as ``routes.control``)."""
        if not control:
            raise Refusal(404, "not_found", "Not Found")

    router = APIRouter(tags=["operators"])

    @router.post("/v1/operators/login", response_model=Operator,
                 summary="Check a desk operator's PIN; lock after "
                         f"{MAX_FAILURES} wrong PINs in a row",
                 description="Not a keyed write: each call is one attempt (a client must not "
                             "repeat it by itself). A correct PIN resets the count of failures.",
                 responses=responses(
                     r401="`operator_login_failed`: unknown operator or wrong PIN (the same "
                          "answer for both); also the signature refusals",
                     r423="`operator_locked` (details: `locked_at`)"))
    def login(body: LoginRequest) -> Operator:
        return Operator.model_validate(store.operator_login(operator_id=body.operator_id,
                                                            pin=body.pin))

    @router.post("/v1/_sandbox/operators/{operator_id}/unlock", response_model=Unlocked,
                 tags=["sandbox control"], dependencies=[Depends(control_only)],
                 summary="Unlock an operator and reset their failures (the back office's job)",
                 responses=write_responses(r404="`not_found`: the sandbox runs without its "
                                                "control API. `operator_not_found`"))
    def unlock(operator_id: str, body: UnlockRequest, request: Request,
               idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Unlocked, store.unlock_operator,
                           operator_id=operator_id)

    return router
