"""Desk operators: login checked by the platform, roles, the supervisor's approval of a
large refund, the IT check of the kiosk's hidden exit, and the audit trail.

The platform checks the PIN and counts failures (locked after five in a row: 423
``operator_locked``); the kiosk never stores or logs a PIN. A login at the desk gives an
operator session (a token the platform binds to this terminal), which every later request
of the desk carries (``kiosk.platform.OperatorSession``, shared by the desk's clients) until
logout; the platform decides what the operator may do with it (roles, shift, limits). A
refund above the limit carries a supervisor's approval the platform gave for exactly that
refund. ``Desk.operator`` is set and read on the GUI thread; every method that reaches the
platform or the disk runs on a worker (``Context.run``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from kiosk.usecases.repayment import Refused

log = logging.getLogger("kiosk.operators")

CASHIER, SUPERVISOR, IT = "cashier", "supervisor", "it"
#: What a missing role is called in messages.py.
ROLE_REFUSALS = {SUPERVISOR: "not_a_supervisor", IT: "not_it_staff", CASHIER: "not_a_cashier"}


@dataclass(frozen=True)
class Operator:
    """A cashier or supervisor signed in at the desk, with the roles the platform gave them."""

    operator_id: str
    name: str
    roles: frozenset[str]

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_supervisor(self) -> bool:
        return SUPERVISOR in self.roles


@dataclass(frozen=True)
class Approval:
    """A supervisor's approval of one refund, given by the platform (``approval_id``, opaque)."""

    supervisor_id: str
    name: str
    approval_id: str = field(repr=False)
    settlement_id: str = ""
    amount_fen: int = 0

    @property
    def operator_id(self) -> str:  # who approved, as the audit log and the screens name them
        return self.supervisor_id


class Desk:
    """The operator session of one terminal (desk, or a kiosk's IT exit).

    ``login_required``: desk mode with operator login on; otherwise actions are made in the
    terminal's name (``operator_id`` is the terminal id), as before operator login existed.
    ``supervisor_over_fen``: refunds above it need a supervisor.
    """

    def __init__(self, platform, audit, *, terminal_id: str, login_required: bool,
                 supervisor_over_fen: int):
        self.platform = platform
        self.audit = audit
        self.terminal_id = terminal_id
        self.login_required = login_required
        self.supervisor_over_fen = supervisor_over_fen
        self.operator: Operator | None = None

    @property
    def operator_id(self) -> str:
        return self.operator.operator_id if self.operator is not None else self.terminal_id

    def acting(self) -> Operator:
        """Who acts now: the logged-in operator, or (login off) the terminal itself."""
        return self.operator or Operator(self.terminal_id, self.terminal_id, frozenset({CASHIER}))

    @property
    def locked(self) -> bool:
        """Desk mode waiting for an operator: nothing but the login screen."""
        return self.login_required and self.operator is None

    # -- on a worker ----------------------------------------------------------------------
    def authenticate(self, operator_id: str, pin: str, *, role: str | None = CASHIER,
                     purpose: str = "login") -> Operator:
        """The platform checks the PIN; ``role`` (if given) must be one of the operator's. A login
        starts an operator session at the platform, which replaces the terminal's earlier one: a
        desk's supervisor approves a refund with ``approve_refund``, never with this.
        Raises ``PlatformError`` (``operator_login_failed``, ``operator_locked``,
        ``unavailable``) or ``Refused`` (``pin_required``, ``not_a_supervisor``...).
        Success and refusal are both audited (never the PIN)."""
        operator_id = operator_id.strip()
        if not operator_id or not pin:
            raise Refused("pin_required")
        from kiosk.platform import PlatformError, PlatformUnavailable

        try:
            data = self.platform.request("POST", "/v1/operators/login",
                                         {"operator_id": operator_id, "pin": pin})
        except PlatformError as exc:
            if not isinstance(exc, PlatformUnavailable):
                self.audit.record(operator_id, purpose + "_refused", {"code": exc.code})
            raise
        operator = Operator(data["operator_id"], data["name"], frozenset(data["roles"]))
        token = (data.get("session") or {}).get("token")
        if role is not None and not operator.has(role):
            self.audit.record(operator.operator_id, purpose + "_refused", {"code": ROLE_REFUSALS[role]})
            self._end(token)
            raise Refused(ROLE_REFUSALS[role])
        if purpose == "login":  # the desk's operator from now on: their session goes with every request
            self.platform.operator.token = token
            limit = (data.get("limits") or {}).get("refund_supervisor_over_fen")
            if isinstance(limit, int):
                self.supervisor_over_fen = limit  # the platform's limit is the one that holds
        else:
            self._end(token)  # the IT exit's check needs no session afterwards
        self.audit.record(operator.operator_id, purpose, {"terminal_id": self.terminal_id})
        log.info("%s: operator %s", purpose, operator.operator_id)
        return operator

    def approve_refund(self, supervisor_id: str, pin: str, settlement_id: str, amount_fen: int) -> Approval:
        """A supervisor approves one refund at this desk: the platform checks the PIN and the
        role and gives an approval of exactly this settlement and amount, spent by the refund.
        Raises ``PlatformError`` (``operator_login_failed``, ``not_a_supervisor``,
        ``operator_locked``...) or ``Refused`` (``pin_required``); both audited (never the PIN)."""
        supervisor_id = supervisor_id.strip()
        if not supervisor_id or not pin:
            raise Refused("pin_required")
        from kiosk.platform import PlatformError, PlatformUnavailable

        try:
            data = self.platform.request("POST", "/v1/approvals", {
                "supervisor_id": supervisor_id, "pin": pin, "settlement_id": settlement_id, "amount_fen": amount_fen})
        except PlatformError as exc:
            if not isinstance(exc, PlatformUnavailable):
                self.audit.record(supervisor_id, "refund_approval_refused", {"code": exc.code})
            raise
        approval = Approval(data["supervisor_id"], data.get("name", ""), data["approval_id"], settlement_id,
                            amount_fen)
        self.audit.record(approval.supervisor_id, "refund_approval", {"terminal_id": self.terminal_id})
        log.info("refund approval: supervisor %s", approval.supervisor_id)
        return approval

    def logout(self, reason: str, operator_id: str, token: str | None) -> None:
        """The operator has left (a worker): audited, and their session ``token`` (taken off
        the clients by ``end_session`` on the GUI thread) ended at the platform."""
        self.audit.record(operator_id, "logout", {"reason": reason})
        self._end(token)

    def end_session(self) -> str | None:
        """Take the session off the desk's clients (GUI thread, at logout); the token to end."""
        token, self.platform.operator.token = self.platform.operator.token, None
        return token

    def _end(self, token: str | None) -> None:
        """End a session at the platform (a worker); a platform that does not answer lets it
        end by itself when idle."""
        if not token:
            return
        from kiosk.platform import PlatformError

        try:
            self.platform.request("POST", "/v1/operators/logout", {}, operator_session=token)
        except PlatformError as exc:
            log.info("operator session not ended at the platform: %s", exc.code)

    def record(self, action: str, details: dict | None = None, operator_id: str | None = None):
        """One cashier action in the audit log, in the name of the logged-in operator."""
        return self.audit.record(operator_id or self.operator_id, action, details or {})

    # -- rules (any thread) -----------------------------------------------------------------
    def needs_supervisor(self, amount_fen: int, operator: Operator | None = None) -> bool:
        """A refund above the limit needs a supervisor, unless the operator is one."""
        operator = operator if operator is not None else self.operator
        return amount_fen > self.supervisor_over_fen and not (operator is not None and operator.is_supervisor)
