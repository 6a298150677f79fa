"""The platform's record of authority: terminal roles, operator sessions, shifts, supervisor
approvals, patient sessions (proof that a patient is at a terminal), per-terminal budgets,
consent codes and households, and the trail of who asked for what.

The rules that use these records (which endpoint needs what) are in ``sandbox.authority``;
this module only keeps the records. Its tables are its own (``CREATE TABLE IF NOT EXISTS``):
the credit platform takes them along when the sandbox is split (issue 12). Patient sessions, the
lookup budget and the trail are kept by ``sandbox.store.presence``, which the HIS service
(``sandbox.his``) shares; this mixin builds on it.

Every time is platform (business) time, ``Store.now()``: the sandbox control API that moves
the clock forward ages sessions, locks and budgets with it. Tokens (operator sessions,
approvals) are random and opaque; the platform keeps only their SHA-256.
"""
from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.domain.idnumber import mask_phone
from sandbox.store.base import Refusal, iso, new_id, parse_iso
from sandbox.store.presence import Limited, PresenceConfig, PresenceMixin
from sandbox.store.views import usable_account_id

__all__ = ["UNBUDGETED", "AuthorityConfig", "AuthorityMixin", "Limited", "token_hash"]

ROLES = ("kiosk", "desk")


@dataclass(frozen=True)
class AuthorityConfig(PresenceConfig):
    """What the platform enforces; ``EmbeddedSandbox(authority=...)``, ``kiosk-sandbox`` flags. (Patient
    sessions and the lookup budget: :class:`~sandbox.store.presence.PresenceConfig`.)"""

    operator_idle_s: int = 900  # an operator session ends after this long unused
    operator_lock_s: int = 900  # a lock after MAX_FAILURES wrong PINs lasts this long
    refund_supervisor_over_fen: int = 20_000  # refunds above it need a supervisor (￥200)
    approval_s: int = 300  # a supervisor's approval is good for this long, once
    attempt_burst: int = 10  # failed PIN attempts a terminal may make at once
    attempt_refill_s: float = 90.0  # one more every 90 s: 10 per quarter of an hour
    consent_code_s: int = 600  # an SMS consent code is good for 10 minutes
    consent_code_attempts: int = 5  # and this many tries


#: For load generators (benchmarks, the crash harness) that identify far more patients a minute
#: than any kiosk: no lookup budget. Never for a platform a real terminal reaches.
UNBUDGETED = AuthorityConfig(lookup_burst=1_000_000_000, lookup_refill_s=1e-9)


AUTHORITY_SCHEMA = """
CREATE TABLE IF NOT EXISTS terminal_roles (
    terminal_id TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('kiosk', 'desk'))
);
CREATE TABLE IF NOT EXISTS operator_sessions (
    token_hash   TEXT PRIMARY KEY,
    operator_id  TEXT NOT NULL,
    terminal_id  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at     TEXT,
    end_reason   TEXT
);
CREATE INDEX IF NOT EXISTS operator_sessions_by_terminal ON operator_sessions (terminal_id, ended_at);
CREATE TABLE IF NOT EXISTS shifts (
    shift_id    TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    closed_at   TEXT,
    closed_by   TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS one_open_shift_per_terminal ON shifts (terminal_id) WHERE closed_at IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS one_open_shift_per_operator ON shifts (operator_id) WHERE closed_at IS NULL;
CREATE TABLE IF NOT EXISTS approvals (
    token_hash    TEXT PRIMARY KEY,
    supervisor_id TEXT NOT NULL,
    requested_by  TEXT NOT NULL,
    terminal_id   TEXT NOT NULL,
    settlement_id TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_at       TEXT,
    used_for      TEXT
);
CREATE TABLE IF NOT EXISTS households (
    guardian_patient_id TEXT NOT NULL,
    minor_patient_id    TEXT NOT NULL,
    PRIMARY KEY (guardian_patient_id, minor_patient_id)
);
CREATE TABLE IF NOT EXISTS consent_codes (
    payer_patient_id TEXT NOT NULL,
    patient_id       TEXT NOT NULL,
    terminal_id      TEXT NOT NULL,
    code_hash        TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    used_at          TEXT,
    PRIMARY KEY (payer_patient_id, patient_id)
);
CREATE TABLE IF NOT EXISTS sms_outbox (
    sms_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id   TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    text         TEXT NOT NULL,
    code         TEXT NOT NULL,
    sent_at      TEXT NOT NULL
);
"""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _run(conn: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


class AuthorityMixin(PresenceMixin):
    authority = AuthorityConfig()

    def _migrate(self) -> None:
        super()._migrate()
        with self.transaction() as conn:
            _run(conn, AUTHORITY_SCHEMA)

    def seed_demo(self, city: str | None = None) -> bool:
        """The demo data, then the households the hospital records for it (a minor reaches an
        adult's line only through one); also into a database seeded before households existed."""
        from sandbox import demo_data

        inserted = super().seed_demo(city)
        ids = {p["role"]: p["patient_id"] for p in demo_data.DEMO_PATIENTS}
        with self.transaction() as conn:
            for minor, guardian in demo_data.GUARDIANS.items():
                if conn.execute("SELECT COUNT(*) FROM patients WHERE patient_id IN (?, ?)",
                                (ids[guardian], ids[minor])).fetchone()[0] == 2:
                    conn.execute("INSERT OR IGNORE INTO households (guardian_patient_id, minor_patient_id) "
                                 "VALUES (?, ?)", (ids[guardian], ids[minor]))
        return inserted

    # -- terminals -------------------------------------------------------------------------------
    def add_terminal(self, terminal_id: str, secret: bytes, hospital_name: str, role: str = "kiosk") -> None:
        """Register a terminal with its role (``kiosk`` or ``desk``), or replace its secret,
        hospital name and role."""
        if role not in ROLES:
            raise ValueError(f"terminal role must be one of {ROLES}")
        super().add_terminal(terminal_id, secret, hospital_name)
        with self.transaction() as conn:
            conn.execute("INSERT INTO terminal_roles (terminal_id, role) VALUES (?, ?) "
                         "ON CONFLICT (terminal_id) DO UPDATE SET role = excluded.role", (terminal_id, role))

    def terminal_role(self, terminal_id: str, conn: sqlite3.Connection | None = None) -> str:
        """``desk`` or ``kiosk``; a terminal registered without a role is a kiosk (the lesser)."""
        sql = "SELECT role FROM terminal_roles WHERE terminal_id = ?"
        memo = self._memo  # inside a batch: read once for all its operations
        if conn is not None and memo is not None and memo.terminal_id == terminal_id:
            if memo.role is None:
                row = conn.execute(sql, (terminal_id,)).fetchone()
                memo.role = row["role"] if row else "kiosk"
            return memo.role
        if conn is not None:
            row = conn.execute(sql, (terminal_id,)).fetchone()
        else:
            with self.snapshot() as c:
                row = c.execute(sql, (terminal_id,)).fetchone()
        return row["role"] if row else "kiosk"

    def check_attempt_budget(self, terminal_id: str) -> None:
        """Before a PIN is checked: 429 ``too_many_attempts`` once the terminal spent its
        budget of failed attempts (the derivation is not even run)."""
        c = self.authority
        with self.transaction() as conn:
            now = self.now()
            tokens = self._budget(conn, now, terminal_id, "pin", c.attempt_burst, c.attempt_refill_s)
            if tokens < 1:
                self.record_event(conn, now, terminal_id, None, "pin_attempt", None, "too_many_attempts")
        if tokens < 1:
            raise Limited("too_many_attempts", "Too many wrong PINs at this terminal: wait before trying again.",
                          self._wait_s(tokens, c.attempt_refill_s))

    def spend_attempt(self, conn: sqlite3.Connection, now: datetime, terminal_id: str) -> None:
        c = self.authority
        self._spend(conn, now, terminal_id, "pin", c.attempt_burst, c.attempt_refill_s)

    def session_operator(self, conn: sqlite3.Connection, token: str) -> str | None:
        row = conn.execute("SELECT operator_id FROM operator_sessions WHERE token_hash = ?",
                           (token_hash(token),)).fetchone()
        return row["operator_id"] if row else None

    # -- operator sessions -------------------------------------------------------------------------
    def start_operator_session(self, conn: sqlite3.Connection, now: datetime, *, operator_id: str,
                               terminal_id: str) -> dict:
        """A new random session for the operator at the terminal; the terminal's earlier ones end."""
        conn.execute("UPDATE operator_sessions SET ended_at = ?, end_reason = 'replaced' "
                     "WHERE terminal_id = ? AND ended_at IS NULL", (iso(now), terminal_id))
        token = secrets.token_urlsafe(32)
        conn.execute("INSERT INTO operator_sessions (token_hash, operator_id, terminal_id, created_at, last_seen_at) "
                     "VALUES (?, ?, ?, ?, ?)", (token_hash(token), operator_id, terminal_id, iso(now), iso(now)))
        idle = self.authority.operator_idle_s
        return {"token": token, "idle_s": idle, "expires_at": iso(now + timedelta(seconds=idle))}

    def operator_session(self, conn: sqlite3.Connection, now: datetime, token: str | None,
                         terminal_id: str) -> sqlite3.Row:
        """The live session ``token`` names at ``terminal_id`` (its idle time starts again), or
        401 ``operator_session_required`` / ``operator_session_expired``. A token of another
        terminal, made up or ended answers ``operator_session_expired`` too: nothing tells a
        guessed token from a stale one."""
        if not token:
            raise Refusal(401, "operator_session_required", "An operator must be logged in at this terminal.")
        row = conn.execute("SELECT * FROM operator_sessions WHERE token_hash = ?", (token_hash(token),)).fetchone()
        idle = timedelta(seconds=self.authority.operator_idle_s)
        if row is not None and row["ended_at"] is None and now >= parse_iso(row["last_seen_at"]) + idle:
            conn.execute("UPDATE operator_sessions SET ended_at = ?, end_reason = 'idle' WHERE token_hash = ?",
                         (iso(now), row["token_hash"]))
            row = None
        if row is None or row["ended_at"] is not None or row["terminal_id"] != terminal_id:
            raise Refusal(401, "operator_session_expired",
                          "The operator session has ended or is not this terminal's: log in again.")
        conn.execute("UPDATE operator_sessions SET last_seen_at = ? WHERE token_hash = ?",
                     (iso(now), row["token_hash"]))
        return row

    @staticmethod
    def end_operator_session(conn: sqlite3.Connection, now: datetime, token: str, reason: str) -> None:
        conn.execute("UPDATE operator_sessions SET ended_at = ?, end_reason = ? WHERE token_hash = ? "
                     "AND ended_at IS NULL", (iso(now), reason, token_hash(token)))

    # -- shifts ----------------------------------------------------------------------------------
    @staticmethod
    def _shift_view(row: sqlite3.Row | None) -> dict | None:
        if row is None:
            return None
        return {k: row[k] for k in ("shift_id", "operator_id", "terminal_id", "opened_at", "closed_at", "closed_by")}

    @staticmethod
    def open_shift_row(conn: sqlite3.Connection, terminal_id: str) -> sqlite3.Row | None:
        return conn.execute("SELECT * FROM shifts WHERE terminal_id = ? AND closed_at IS NULL",
                            (terminal_id,)).fetchone()

    def current_shift(self, terminal_id: str) -> dict | None:
        with self.snapshot() as conn:
            return self._shift_view(self.open_shift_row(conn, terminal_id))

    def open_shift(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                   operator_id: str) -> dict:
        """One open shift per desk and per operator: 409 ``shift_already_open`` (this desk's
        own) or ``shift_open_elsewhere`` (the operator's at another desk)."""
        mine = self.open_shift_row(conn, terminal_id)
        if mine is not None:
            raise Refusal(409, "shift_already_open", "A shift is already open at this desk.",
                          {"shift": self._shift_view(mine)})
        if conn.execute("SELECT 1 FROM shifts WHERE operator_id = ? AND closed_at IS NULL",
                        (operator_id,)).fetchone():
            raise Refusal(409, "shift_open_elsewhere", "This operator's shift is open at another desk.")
        shift_id = new_id("SH")
        conn.execute("INSERT INTO shifts (shift_id, operator_id, terminal_id, opened_at) VALUES (?, ?, ?, ?)",
                     (shift_id, operator_id, terminal_id, iso(now)))
        self.record_event(conn, now, terminal_id, operator_id, "shift_open", shift_id, "ok")
        return {"shift": self._shift_view(conn.execute("SELECT * FROM shifts WHERE shift_id = ?",
                                                       (shift_id,)).fetchone())}

    def close_shift(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                    operator_id: str, supervisor: bool, shift_id: str) -> dict:
        """The desk's open shift ``shift_id`` closed by its own operator or a supervisor."""
        row = self.open_shift_row(conn, terminal_id)
        if row is None or row["shift_id"] != shift_id:
            raise Refusal(409, "no_shift_open", "This shift is not open at this desk.")
        if row["operator_id"] != operator_id and not supervisor:
            raise Refusal(403, "not_your_shift", "Only the shift's operator or a supervisor may close it.")
        conn.execute("UPDATE shifts SET closed_at = ?, closed_by = ? WHERE shift_id = ?",
                     (iso(now), operator_id, shift_id))
        self.record_event(conn, now, terminal_id, operator_id, "shift_close", shift_id, "ok")
        return {"shift": self._shift_view(conn.execute("SELECT * FROM shifts WHERE shift_id = ?",
                                                       (shift_id,)).fetchone())}

    # -- supervisor approvals ------------------------------------------------------------------
    def issue_approval(self, conn: sqlite3.Connection, now: datetime, *, supervisor_id: str, requested_by: str,
                       terminal_id: str, settlement_id: str, amount_fen: int) -> dict:
        token = secrets.token_urlsafe(24)
        expires = now + timedelta(seconds=self.authority.approval_s)
        conn.execute("INSERT INTO approvals (token_hash, supervisor_id, requested_by, terminal_id, settlement_id, "
                     "amount_fen, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (token_hash(token), supervisor_id, requested_by, terminal_id, settlement_id, amount_fen,
                      iso(now), iso(expires)))
        return {"approval_id": token, "expires_at": iso(expires)}

    @staticmethod
    def valid_approval(conn: sqlite3.Connection, now: datetime, token: str | None, *, terminal_id: str,
                       requested_by: str, settlement_id: str, amount_fen: int) -> sqlite3.Row | None:
        """The unused, unexpired approval ``token`` names for exactly this refund at this
        desk, asked for by this operator; else None."""
        if not token:
            return None
        row = conn.execute("SELECT * FROM approvals WHERE token_hash = ?", (token_hash(token),)).fetchone()
        if (row is None or row["used_at"] is not None or now >= parse_iso(row["expires_at"])
                or (row["terminal_id"], row["requested_by"], row["settlement_id"], row["amount_fen"])
                != (terminal_id, requested_by, settlement_id, amount_fen)):
            return None
        return row

    @staticmethod
    def use_approval(conn: sqlite3.Connection, now: datetime, token: str, used_for: str) -> bool:
        """Spend an approval once; False if it was spent meanwhile."""
        done = conn.execute("UPDATE approvals SET used_at = ?, used_for = ? WHERE token_hash = ? AND used_at IS NULL",
                            (iso(now), used_for, token_hash(token)))
        return done.rowcount == 1

    # -- patient sessions: whom the present patients may read ------------------------------------
    @staticmethod
    def circle(conn: sqlite3.Connection, patient_ids) -> tuple[set[str], set[str]]:
        """Whom the present patients may read, and which accounts: each one themselves, the
        minors on their own line, the parents whose repayment they took on; the accounts any
        of those use or hold (a closed one too)."""
        patients = set(patient_ids)
        for pid in list(patients):
            patients.update(r["patient_id"] for r in conn.execute(
                "SELECT l.patient_id FROM credit_links l JOIN accounts a ON a.account_id = l.account_id "
                "WHERE a.holder_patient_id = ? AND l.status = 'active'", (pid,)))
            patients.update(r["parent_patient_id"] for r in conn.execute(
                "SELECT parent_patient_id FROM parents WHERE child_patient_id = ? AND repayment_taken_on = 1",
                (pid,)))
        accounts = {a for a in (usable_account_id(conn, p) for p in patients) if a}
        marks = ",".join("?" * len(patients))
        accounts.update(r["account_id"] for r in conn.execute(  # their own, closed ones too
            f"SELECT account_id FROM accounts WHERE holder_patient_id IN ({marks})", tuple(patients)))
        return patients, accounts

    # -- households and consent -------------------------------------------------------------------
    @staticmethod
    def in_household(conn: sqlite3.Connection, guardian_patient_id: str, minor_patient_id: str) -> bool:
        return conn.execute("SELECT 1 FROM households WHERE guardian_patient_id = ? AND minor_patient_id = ?",
                            (guardian_patient_id, minor_patient_id)).fetchone() is not None

    def add_household(self, guardian_patient_id: str, minor_patient_id: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO households (guardian_patient_id, minor_patient_id) VALUES (?, ?)",
                         (guardian_patient_id, minor_patient_id))

    def send_consent_code(self, conn: sqlite3.Connection, now: datetime, *, terminal_id: str,
                          payer_patient_id: str, patient_id: str) -> dict:
        """A six-digit code sent to the phone on file of ``patient_id`` (the sandbox keeps the
        SMS in its outbox for the control API); a new code replaces an earlier one."""
        from sandbox.store.credit import PHONE

        row = conn.execute("SELECT phone FROM patients WHERE patient_id = ?", (patient_id,)).fetchone()
        if row is None:
            raise Refusal(404, "patient_not_found", "No patient with this id.")
        if not PHONE.match(row["phone"] or ""):
            raise Refusal(409, "no_phone_on_file", "There is no mobile number on file for this person.")
        code = f"{secrets.randbelow(1_000_000):06d}"
        expires = now + timedelta(seconds=self.authority.consent_code_s)
        conn.execute("INSERT INTO consent_codes (payer_patient_id, patient_id, terminal_id, code_hash, created_at, "
                     "expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (payer_patient_id, patient_id) DO UPDATE SET "
                     "terminal_id = excluded.terminal_id, code_hash = excluded.code_hash, "
                     "created_at = excluded.created_at, expires_at = excluded.expires_at, attempts = 0, used_at = NULL",
                     (payer_patient_id, patient_id, terminal_id, token_hash(code), iso(now), iso(expires)))
        masked = mask_phone(row["phone"])
        text = (f"【信用就医】您的家人申请为您代还信用就医账单，验证码 {code}，"
                f"{self.authority.consent_code_s // 60} 分钟内有效。如非本人同意，请勿告知他人。")
        conn.execute("INSERT INTO sms_outbox (patient_id, phone_masked, text, code, sent_at) VALUES (?, ?, ?, ?, ?)",
                     (patient_id, masked, text, code, iso(now)))
        return {"sent_to": masked, "expires_at": iso(expires)}

    def use_consent_code(self, conn: sqlite3.Connection, now: datetime, *, terminal_id: str,
                         payer_patient_id: str, patient_id: str, code: str) -> None:
        """The code sent for this pair at this terminal, spent; else 403 ``consent_code_invalid``
        (wrong, used, another terminal's, or tried too often) or 409 ``consent_code_expired``.
        A wrong try counts although its refusal undoes the request: the refusal carries the
        count as ``persist``, which the caller applies after the rollback."""
        row = conn.execute("SELECT * FROM consent_codes WHERE payer_patient_id = ? AND patient_id = ?",
                           (payer_patient_id, patient_id)).fetchone()
        invalid = Refusal(403, "consent_code_invalid", "The consent code is not right.")
        if row is None or row["used_at"] is not None or row["terminal_id"] != terminal_id \
                or row["attempts"] >= self.authority.consent_code_attempts:
            raise invalid
        if now >= parse_iso(row["expires_at"]):
            raise Refusal(409, "consent_code_expired", "The consent code has expired: send a new one.")
        if not secrets.compare_digest(token_hash(code), row["code_hash"]):
            invalid.persist = lambda c: c.execute(  # type: ignore[attr-defined]
                "UPDATE consent_codes SET attempts = attempts + 1 WHERE payer_patient_id = ? AND patient_id = ?",
                (payer_patient_id, patient_id))
            raise invalid
        conn.execute("UPDATE consent_codes SET used_at = ? WHERE payer_patient_id = ? AND patient_id = ?",
                     (iso(now), payer_patient_id, patient_id))

    def sms_sent(self, patient_id: str) -> list[dict]:
        """The simulated SMS gateway's messages to a patient (control API, tests, training)."""
        with self.snapshot() as conn:
            return [dict(r) for r in conn.execute("SELECT phone_masked, text, code, sent_at FROM sms_outbox "
                                                  "WHERE patient_id = ? ORDER BY sms_id", (patient_id,))]
