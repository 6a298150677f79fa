"""Authority lives at the platform: which terminal may do what, as whom, for which patient.

The kiosk's own checks are convenience; these are the rules, applied to every request
whatever sent it (a kiosk's key in an attacker's hands included). The records they read and
write (sessions, shifts, approvals, presence, budgets) are in ``sandbox.store.authority``.

- **Terminal roles.** A terminal is a ``kiosk`` or a ``desk`` (the terminal registry; one
  registered without a role is a kiosk). Desk-only operations — refunds, cash and bank-card
  repayments, shift open and close, supervisor approvals — answer a kiosk 403 ``desk_only``.
  (Queue conflicts and reprints are resolved at the desk without any platform endpoint.)
- **Operator sessions.** At a desk every write, every identity lookup and every approval is
  an operator's action: it carries ``X-Operator-Session`` (the token ``POST
  /v1/operators/login`` gave this desk, covered by the request signature), else 401
  ``operator_session_required`` / ``operator_session_expired``. The operator is the
  session's: an ``operator_id`` in a body is ignored.
- **Shifts.** Money at a desk (payments, settlements, registrations and their cancelling,
  discharges, refunds, repayments) needs an open shift of the session's operator at that
  desk: 409 ``shift_not_open``.
- **Limits.** A refund above ``refund_supervisor_over_fen`` by an operator who is not a
  supervisor needs a supervisor's approval for exactly that settlement and amount, given at
  this desk (``POST /v1/approvals``), spent once: 403 ``supervisor_required``.
- **Patients.** Reads of a patient's data need a live patient session at this terminal (a
  card read or a scanned code: ``POST /v1/identity/lookup`` and ``resolve-token``; at a desk
  an ID typed by a logged-in operator), covering the patient: 403 ``patient_not_present``.
  Lookups are budgeted per terminal (429 ``too_many_lookups`` with ``Retry-After``).
  Opening or closing a service, and taking on a relative, need the people concerned present
  (the relative: present too, or a code sent to their phone); a dispute, a patient present whose
  bills include the bill; an admission and a registration's cancelling, their patient present (or
  one who acts for them: a minor's guardian).

Refusals here are decided before the write and never stored under its idempotency key (the
request may be sent again once allowed); an answer already stored under the key is given
back before any of these checks (a write the platform did is never refused on replay).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import Request

from kiosk.domain import signing
from sandbox.store import Refusal, Store

HEADER = signing.HEADER_OPERATOR_SESSION
#: The refusal of every read of a patient's data, for the API document.
PRESENT_403 = ("`patient_not_present`: no live patient session at this terminal covers this patient or account "
               "(a guessed id answers the same as a real one)")


@dataclass
class Grant:
    """What a request was allowed as: the terminal, its role, the session's operator."""

    terminal_id: str
    role: str
    operator_id: str | None = None
    roles: tuple[str, ...] = ()
    shift_id: str | None = None
    token: str | None = None
    extra: dict = field(default_factory=dict)  # what a rule's check hands its ``within``

    @property
    def supervisor(self) -> bool:
        return "supervisor" in self.roles


Hook = Callable[[Store, object, datetime, Grant, dict], None]


@dataclass(frozen=True)
class Rule:
    """The authority a keyed write needs. ``desk_only``: kiosks are refused; ``money``: at a
    desk, an open shift of the operator; ``operator_field``: the body field that names the
    operator, set from the session (whatever was sent); ``check``: more conditions, before the
    write; ``within``: done inside the write, after it (e.g. spend an approval)."""

    name: str
    desk_only: bool = False
    money: bool = False
    operator_field: str | None = None
    check: Hook | None = None
    within: Callable[[Store, object, datetime, Grant, dict], None] | None = None
    control: bool = False  # the sandbox control API: not a terminal's business


def _token(request: Request) -> str | None:
    """The operator session token as sent (a batch's operations carry the batch's)."""
    token = getattr(request.state, "operator_session", None)
    if token is None:
        token = request.headers.get(HEADER)
    return token or None


def grant_for(store: Store, conn, now: datetime, request: Request, *, session: bool) -> Grant:
    """The caller; at a desk with ``session``, its operator's live session (401 otherwise)."""
    terminal_id = request.state.terminal_id
    grant = Grant(terminal_id, store.terminal_role(terminal_id, conn))
    if grant.role == "desk" and session:
        token = _token(request)
        row = store.operator_session(conn, now, token, terminal_id)
        operator = store.operator_row(conn, row["operator_id"]) or {"roles": []}
        grant.operator_id, grant.roles, grant.token = row["operator_id"], tuple(operator["roles"]), token
    return grant


def admit(store: Store, conn, request: Request, rule: Rule, fields: dict) -> Grant:
    """Decide a keyed write before it runs; ``fields`` (the store operation's arguments) get
    the operator from the session. Raises :class:`Refusal`."""
    now = store.now()
    if rule.control:
        return Grant(request.state.terminal_id, store.terminal_role(request.state.terminal_id, conn))
    grant = grant_for(store, conn, now, request, session=True)
    if rule.desk_only and grant.role != "desk":
        raise Refusal(403, "desk_only", "Only a cashier desk may do this.")
    if rule.money and grant.role == "desk":
        shift = store.open_shift_row(conn, grant.terminal_id)
        if shift is None or shift["operator_id"] != grant.operator_id:
            raise Refusal(409, "shift_not_open", "Open your shift at this desk before taking or giving money.",
                          {"open_by": shift["operator_id"] if shift is not None else None})
        grant.shift_id = shift["shift_id"]
    if rule.operator_field is not None:
        fields[rule.operator_field] = grant.operator_id
    if rule.check is not None:
        rule.check(store, conn, now, grant, fields)
    return grant


def refused(store: Store, request: Request, rule: Rule, refusal: Refusal) -> None:
    """After an authority refusal (its transaction rolled back): the trail, and what the
    refusal says must stay (e.g. a wrong consent code counted)."""
    with store.transaction() as conn:
        now = store.now()
        persist = getattr(refusal, "persist", None)
        if persist is not None:
            persist(conn)
        token = _token(request)
        operator = store.session_operator(conn, token) if token else None
        store.record_event(conn, now, request.state.terminal_id, operator, rule.name, None, refusal.code)


# -- patients present ----------------------------------------------------------------------------

def not_present() -> Refusal:
    return Refusal(403, "patient_not_present",
                   "No patient session at this terminal covers this patient: read their card first.")


def require_present(store: Store, request: Request, *, patient_id: str | None = None,
                    account_id: str | None = None) -> None:
    """A read of ``patient_id``'s (or ``account_id``'s) data: a live patient session at this
    terminal must cover it (the patient, a minor on their line, a parent they repay for); the
    sessions' idle time starts again. Refused before the data is looked for, so a guessed id
    is never told apart from a real one."""
    terminal_id = request.state.terminal_id
    with store.snapshot() as conn:
        now = store.now()
        present = store.present_patients(conn, now, terminal_id)
        patients, accounts = store.circle(conn, present)
    allowed = bool(present) and (patient_id is None or patient_id in patients) and \
        (account_id is None or account_id in accounts)
    with store.transaction() as conn:
        if allowed:
            store.touch_patient_sessions(conn, now, present.values())
        else:
            store.record_event(conn, now, terminal_id, None, "read", patient_id or account_id,
                               "patient_not_present")
    if not allowed:
        raise not_present()


def require_people(store: Store, conn, now: datetime, grant: Grant, *patient_ids: str | None) -> None:
    """Everyone named is present at the caller's terminal (a write that needs them there)."""
    present = store.present_patients(conn, now, grant.terminal_id)
    if any(p is not None and p not in present for p in patient_ids):
        raise not_present()


LOOKUP = "lookup"


def identify(store: Store, request: Request, find: Callable[[], dict | None],
             via: str) -> tuple[dict | None, dict | None]:
    """An identity lookup or a scanned code: at a desk an operator action; one of the
    terminal's lookup budget (429); the patient ``find()`` names gets a patient session at
    this terminal. Returns (found, session); the budget is spent even when nobody is found.
    (``find`` is a read; nothing of what it found goes out unless all this allows it.)"""
    found = find()
    try:
        with store.transaction() as conn:
            now = store.now()
            grant = grant_for(store, conn, now, request, session=True)
            store.take_lookup(conn, now, grant.terminal_id)
            session = None
            if found is not None:
                session = store.open_patient_session(conn, now, terminal_id=grant.terminal_id,
                                                     patient_id=found["patient_id"],
                                                     via="desk" if grant.role == "desk" else via,
                                                     operator_id=grant.operator_id)
            store.record_event(conn, now, grant.terminal_id, grant.operator_id, LOOKUP,
                               found["patient_id"] if found else None, "ok" if found else "not_found")
    except Refusal as refusal:
        refused(store, request, Rule(LOOKUP), refusal)
        raise
    return found, session


# -- the rules of the writes ---------------------------------------------------------------------

def _repayment(store, conn, now, grant: Grant, fields: dict) -> None:
    """Cash and bank-card repayments are taken by a cashier: a desk's."""
    if fields.get("channel") in ("cash", "bank_card") and grant.role != "desk":
        raise Refusal(403, "desk_only", "Cash and bank-card repayments are taken at a cashier desk.")


def _refund(store, conn, now, grant: Grant, fields: dict) -> None:
    """Above the limit, a supervisor: the operator, or an approval of exactly this refund."""
    token = fields.pop("approval_id", None)
    if fields["amount_fen"] <= store.authority.refund_supervisor_over_fen or grant.supervisor:
        return
    approval = store.valid_approval(conn, now, token, terminal_id=grant.terminal_id, requested_by=grant.operator_id,
                                    settlement_id=fields["settlement_id"], amount_fen=fields["amount_fen"])
    if approval is None:
        raise Refusal(403, "supervisor_required",
                      "A refund above the limit needs a supervisor's approval of this refund.",
                      {"limit_fen": store.authority.refund_supervisor_over_fen})
    grant.extra["approval"] = (token, approval["supervisor_id"])


def _spend_approval(store, conn, now, grant: Grant, answer: dict) -> None:
    approval = grant.extra.get("approval")
    if approval is None:
        return
    token, supervisor_id = approval
    if not store.use_approval(conn, now, token, answer.get("reference", "")):
        raise Refusal(403, "supervisor_required", "The approval was used meanwhile.")
    store.record_event(conn, now, grant.terminal_id, supervisor_id, "refund_approved", answer.get("reference"), "ok")


def _open_credit(store, conn, now, grant: Grant, fields: dict) -> None:
    """The patient here; for a minor, the guardian here too (the household: ``store.credit``)."""
    require_people(store, conn, now, grant, fields["patient_id"], fields.get("guardian_patient_id"))


def _close_credit(store, conn, now, grant: Grant, fields: dict) -> None:
    require_people(store, conn, now, grant, fields["patient_id"])


def _relation(store, conn, now, grant: Grant, fields: dict) -> None:
    """The payer present; the relative consents: present too (their own card), or the code
    sent to their phone."""
    consent = fields.pop("consent", None) or {}
    require_people(store, conn, now, grant, fields["payer_patient_id"])
    method = consent.get("method")
    if method == "card":
        require_people(store, conn, now, grant, fields["patient_id"])
    elif method == "sms":
        store.use_consent_code(conn, now, terminal_id=grant.terminal_id, payer_patient_id=fields["payer_patient_id"],
                               patient_id=fields["patient_id"], code=consent.get("code") or "")
    else:
        raise Refusal(403, "consent_required", "The relative must consent: their own card here, or a code.")
    store.record_event(conn, now, grant.terminal_id, grant.operator_id, "relation_consent", fields["patient_id"],
                       method)


def _dispute(store, conn, now, grant: Grant, fields: dict) -> None:
    """A dispute stops a bill's overdue processing: raised for a patient here, on a bill they may read
    (its account among those of the patients present: ``require_present``). An unknown bill is the
    store's 404."""
    bill = conn.execute("SELECT account_id FROM bills WHERE bill_id = ?", (fields["bill_id"],)).fetchone()
    if bill is None:
        return
    _, accounts = _acted_for(store, conn, now, grant)
    if bill["account_id"] not in accounts:
        raise not_present()


def _covered(store, conn, now, grant: Grant, patient_id: str) -> None:
    """``patient_id`` is among those the patients present at the caller's terminal act for (themselves,
    the minors on their line, the parents they took on: ``require_present``)."""
    patients, _ = _acted_for(store, conn, now, grant)
    if patient_id not in patients:
        raise not_present()


def _acted_for(store, conn, now, grant: Grant) -> tuple[set[str], set[str]]:
    """The patients and accounts those present at the caller's terminal act for (``store.circle``)."""
    return store.circle(conn, store.present_patients(conn, now, grant.terminal_id))


def _registration_cancel(store, conn, now, grant: Grant, fields: dict) -> None:
    """A registration is cancelled for a patient here (an unknown one is the store's 404)."""
    row = conn.execute("SELECT patient_id FROM registrations WHERE registration_id = ?",
                       (fields["registration_id"],)).fetchone()
    if row is not None:
        _covered(store, conn, now, grant, row["patient_id"])


def _admission(store, conn, now, grant: Grant, fields: dict) -> None:
    _covered(store, conn, now, grant, fields["patient_id"])


def _shift_close(store, conn, now, grant: Grant, fields: dict) -> None:
    fields["supervisor"] = grant.supervisor


CONTROL = Rule("control", control=True)
PAYMENT = Rule("payment", money=True)
SETTLEMENT = Rule("settlement", money=True)
REGISTRATION = Rule("registration", money=True)
REGISTRATION_CANCEL = Rule("registration_cancel", money=True, check=_registration_cancel)
ADMISSION = Rule("admission", check=_admission)
DISCHARGE = Rule("discharge", money=True)
REPAYMENT = Rule("repayment", money=True, operator_field="operator_id", check=_repayment)
REFUND = Rule("refund", desk_only=True, money=True, operator_field="operator_id", check=_refund,
              within=_spend_approval)
DISPUTE = Rule("dispute", check=_dispute)
CREDIT_OPEN = Rule("credit_open", check=_open_credit)
CREDIT_CLOSE = Rule("credit_close", check=_close_credit)
RELATION = Rule("relation", check=_relation)
SHIFT_OPEN = Rule("shift_open", desk_only=True, operator_field="operator_id")
SHIFT_CLOSE = Rule("shift_close", desk_only=True, operator_field="operator_id", check=_shift_close)
