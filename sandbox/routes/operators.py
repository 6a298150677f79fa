"""Desk operators: login (staff number and PIN, checked and counted by the platform; the
answer is an operator session bound to the terminal), logout, a supervisor's approval of
one refund, the desk's shift (open, current, close), and the sandbox control API's unlock.
The rules are ``sandbox.authority``'s."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox import authority
from sandbox.routes.common import WRITE_DESCRIPTION, IdempotencyKey, keyed_write
from sandbox.schemas import Id, PositiveFen, RequestModel, responses, write_responses
from sandbox.store import Refusal, Store
from sandbox.store.operators import MAX_FAILURES

Role = Literal["cashier", "supervisor", "it"]
SESSION_401 = ("`operator_session_required`, `operator_session_expired` (no live session of this desk in "
               "`X-Operator-Session`); also the signature refusals")


class LoginRequest(RequestModel):
    operator_id: str = Field(min_length=1, max_length=32, examples=["1001"],
                             description="Staff number.")
    pin: str = Field(min_length=4, max_length=12, pattern=r"^[0-9]+$", examples=["246810"],
                     description="The operator's PIN (digits). Never logged or stored in clear.")


class Session(BaseModel):
    token: str = Field(description="Random and opaque: send it as `X-Operator-Session` (signed) with every "
                                   "operator action at this terminal. Good at this terminal only.")
    idle_s: int = Field(description="The session ends after this long without use, and at logout.")
    expires_at: str = Field(description="When it ends if unused from now on.")


class Limits(BaseModel):
    refund_supervisor_over_fen: int = Field(description="Refunds above this need a supervisor (the platform "
                                                        "checks it; the desk asks for the approval first).")


class Operator(BaseModel):
    operator_id: str
    name: str
    roles: list[Role] = Field(description="cashier: desk journeys; supervisor: approves refunds "
                                          "over the desk's limit; it: IT functions (the kiosk's "
                                          "hidden exit).")
    logged_in_at: str
    session: Session
    limits: Limits


class LogoutRequest(RequestModel):
    pass


class LoggedOut(BaseModel):
    ended: bool


class ApprovalRequest(RequestModel):
    supervisor_id: str = Field(min_length=1, max_length=32, examples=["2001"], description="The supervisor's "
                               "staff number.")
    pin: str = Field(min_length=4, max_length=12, pattern=r"^[0-9]+$", examples=["112233"])
    settlement_id: Id = Field(examples=["STL000908"], description="The settlement to be refunded.")
    amount_fen: PositiveFen = Field(examples=[25000], description="Exactly the refund's amount.")


class Approval(BaseModel):
    approval_id: str = Field(description="Opaque; the refund carries it as `approval_id`. Once, at this desk, "
                                         "by the operator who asked, for exactly this settlement and amount.")
    supervisor_id: str
    name: str
    settlement_id: str
    amount_fen: int
    expires_at: str


class Shift(BaseModel):
    shift_id: str
    operator_id: str
    terminal_id: str
    opened_at: str
    closed_at: str | None
    closed_by: str | None


class ShiftAnswer(BaseModel):
    shift: Shift | None = Field(description="The desk's shift; null when none is open.")


class ShiftOpenRequest(RequestModel):
    pass


class ShiftCloseRequest(RequestModel):
    shift_id: Id


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
                 summary="Check an operator's PIN and start an operator session at this terminal; lock after "
                         f"{MAX_FAILURES} wrong PINs in a row",
                 description="Not a keyed write: each call is one attempt (a client must not repeat it by itself). "
                             "A correct PIN resets the count of failures; a lock lasts a quarter of an hour. An "
                             "unknown staff number answers as a known one does (the same code, the same work, a "
                             "lock after as many failures). A kiosk logs in IT staff only (its hidden exit): any "
                             "other staff number answers there `operator_login_failed`, never counted. Each "
                             "terminal has a budget of failed attempts. A new login ends the terminal's earlier "
                             "session.",
                 responses=responses(
                     r401="`operator_login_failed`: unknown operator or wrong PIN (the same answer for both); "
                          "also the signature refusals",
                     r423="`operator_locked` (details: `locked_at`, `unlocks_at`)",
                     r429="`too_many_attempts`: this terminal's budget of failed attempts is spent "
                          "(`Retry-After`; details: `retry_after_s`)"))
    def login(body: LoginRequest, request: Request) -> Operator:
        return Operator.model_validate(store.operator_login(operator_id=body.operator_id, pin=body.pin,
                                                            terminal_id=request.state.terminal_id))

    @router.post("/v1/operators/logout", response_model=LoggedOut,
                 summary="End the operator session sent in X-Operator-Session",
                 description="Not keyed: ending a session twice changes nothing.",
                 responses=responses(r401=SESSION_401))
    def logout(body: LogoutRequest, request: Request) -> LoggedOut:
        with store.transaction() as conn:
            now = store.now()
            grant = authority.grant_for(store, conn, now, request, session=True)
            if grant.token is None:  # a kiosk: the IT exit's session, if it sent one
                token = request.state.operator_session
                if token:
                    store.end_operator_session(conn, now, token, "logout")
                return LoggedOut(ended=bool(token))
            store.end_operator_session(conn, now, grant.token, "logout")
            store.record_event(conn, now, grant.terminal_id, grant.operator_id, "logout", None, "ok")
        return LoggedOut(ended=True)

    @router.post("/v1/approvals", response_model=Approval,
                 summary="A supervisor approves one refund above the limit at this desk (staff number and PIN)",
                 description="Desk only, with the asking operator's session. Not keyed: each call is one PIN "
                             "attempt, counted and locked like a login. The approval is spent by the refund it "
                             "names (`POST /v1/refunds` with `approval_id`): once, within five minutes.",
                 responses=responses(
                     r401="`operator_login_failed` (unknown staff number or wrong PIN); " + SESSION_401,
                     r403="`desk_only`; `not_a_supervisor`: the PIN is right but the staff number is not a "
                          "supervisor's",
                     r423="`operator_locked`", r429="`too_many_attempts`"))
    def approve(body: ApprovalRequest, request: Request) -> Approval:
        with store.transaction() as conn:
            now = store.now()
            try:
                grant = authority.grant_for(store, conn, now, request, session=True)
                if grant.role != "desk":
                    raise Refusal(403, "desk_only", "Only a cashier desk may ask for an approval.")
            except Refusal as refusal:
                denied = refusal
            else:
                denied = None
        if denied is not None:
            authority.refused(store, request, authority.Rule("approval"), denied)
            raise denied
        supervisor = store.check_pin(operator_id=body.supervisor_id, pin=body.pin, terminal_id=grant.terminal_id,
                                     purpose="approval")
        if "supervisor" not in supervisor["roles"]:
            raise Refusal(403, "not_a_supervisor", "This staff number is not a supervisor's.")
        with store.transaction() as conn:
            now = store.now()
            issued = store.issue_approval(conn, now, supervisor_id=supervisor["operator_id"],
                                          requested_by=grant.operator_id, terminal_id=grant.terminal_id,
                                          settlement_id=body.settlement_id, amount_fen=body.amount_fen)
            store.record_event(conn, now, grant.terminal_id, supervisor["operator_id"], "approval",
                               body.settlement_id, "ok")
        return Approval(approval_id=issued["approval_id"], supervisor_id=supervisor["operator_id"],
                        name=supervisor["name"], settlement_id=body.settlement_id, amount_fen=body.amount_fen,
                        expires_at=issued["expires_at"])

    @router.get("/v1/shifts/current", response_model=ShiftAnswer, tags=["shifts"],
                summary="The open shift of the calling desk, if any", responses=responses())
    def current_shift(request: Request) -> ShiftAnswer:
        return ShiftAnswer.model_validate({"shift": store.current_shift(request.state.terminal_id)})

    @router.post("/v1/shifts/open", response_model=ShiftAnswer, tags=["shifts"],
                 summary="Open the session's operator's shift at this desk (money needs it)",
                 description=WRITE_DESCRIPTION + " Desk only, with an operator session. One open shift per desk "
                             "and per operator.",
                 responses=write_responses(r401=SESSION_401, r403="`desk_only`",
                                           r409="`shift_already_open` (details: `shift`), `shift_open_elsewhere`"))
    def open_shift(body: ShiftOpenRequest, request: Request,
                   idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, ShiftAnswer, store.open_shift,
                           rule=authority.SHIFT_OPEN)

    @router.post("/v1/shifts/close", response_model=ShiftAnswer, tags=["shifts"],
                 summary="Close the desk's open shift (its operator, or a supervisor)",
                 description=WRITE_DESCRIPTION + " Desk only, with an operator session.",
                 responses=write_responses(r401=SESSION_401, r403="`desk_only`, `not_your_shift`",
                                           r409="`no_shift_open`"))
    def close_shift(body: ShiftCloseRequest, request: Request,
                    idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, ShiftAnswer, store.close_shift,
                           rule=authority.SHIFT_CLOSE, shift_id=body.shift_id)

    @router.post("/v1/_sandbox/operators/{operator_id}/unlock", response_model=Unlocked,
                 tags=["sandbox control"], dependencies=[Depends(control_only)],
                 summary="Unlock an operator and reset their failures (the back office's job)",
                 responses=write_responses(r404="`not_found`: the sandbox runs without its "
                                                "control API. `operator_not_found`"))
    def unlock(operator_id: str, body: UnlockRequest, request: Request,
               idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Unlocked, store.unlock_operator,
                           rule=authority.CONTROL, operator_id=operator_id)

    return router
