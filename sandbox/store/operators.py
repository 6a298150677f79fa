"""Cashier-desk operators: login with a staff number and a PIN, roles, lockout.

The platform, not the terminal, checks an operator's PIN and counts failures, so a
lockout holds at every desk of the hospital. After :data:`MAX_FAILURES` wrong PINs in a
row the operator is locked (423 ``operator_locked``) for ``operator_lock_s`` (the
authority settings, 15 minutes by default), or until the sandbox control API unlocks them
(a real platform: the IT or HR back office). A correct PIN resets the count.

Lockout cannot be turned against the cashiers from a kiosk: a kiosk may log in IT staff
only (its hidden exit), so a cashier's staff number at a kiosk always answers 401
``operator_login_failed`` and never counts; and every terminal has its own budget of failed
attempts (429 ``too_many_attempts`` with ``Retry-After``). An unknown staff number answers
exactly as a known one does: the same code, a lock after as many failures, and the same
work (one key derivation per attempt, whatever the staff number).

PINs are kept as PBKDF2-SHA256 hashes with a per-operator salt at OWASP's figure
(:data:`PIN_ITERATIONS`), never in clear; the demo operators' hashes are written down here
(``DEMO_PIN_HASHES``, checked against ``openssl kdf`` by the tests), so seeding costs
nothing. Hashes of an older, cheaper count are upgraded at the next correct login. The
derivation runs outside the store's lock. The tables are created here (``CREATE TABLE IF
NOT EXISTS``) rather than in ``schema``: additions that older databases simply gain.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from datetime import timedelta

from sandbox.store.base import Refusal, iso, parse_iso

ROLES = ("cashier", "supervisor", "it")
MAX_FAILURES = 5
#: OWASP Password Storage Cheat Sheet, PBKDF2-HMAC-SHA256.
PIN_ITERATIONS = 600_000
#: What databases written before hold (upgraded at the next correct login).
LEGACY_ITERATIONS = 20_000
#: The salt of the derivation run for a staff number nobody has (the same work as a real one).
UNKNOWN_SALT = hashlib.sha256(b"no such operator").digest()[:16]

OPERATORS_SCHEMA = """
CREATE TABLE IF NOT EXISTS operators (
    operator_id TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    roles       TEXT NOT NULL,
    pin_salt    BLOB NOT NULL,
    pin_hash    BLOB NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0,
    locked_at   TEXT,
    last_login  TEXT
)
"""
#: Failures against staff numbers nobody has: counted and locked like a real one's, so that
#: the lock does not tell which staff numbers exist.
UNKNOWN_SCHEMA = """
CREATE TABLE IF NOT EXISTS unknown_operator_failures (
    operator_id TEXT PRIMARY KEY,
    failures    INTEGER NOT NULL,
    locked_at   TEXT
)
"""

#: Demo staff (training, demo and tests): staff number, name, roles, PIN. Staff numbers are
#: digits so that the kiosk's on-screen keypad can type them (the IT exit has no keyboard).
DEMO_OPERATORS = (
    {"operator_id": "1001", "name": "王丽", "roles": ("cashier",), "pin": "246810"},
    {"operator_id": "1002", "name": "陈晓东", "roles": ("cashier",), "pin": "135791"},
    {"operator_id": "2001", "name": "林秀英", "roles": ("cashier", "supervisor"), "pin": "112233"},
    {"operator_id": "9001", "name": "黄志强", "roles": ("it",), "pin": "998877"},
)
#: PBKDF2-SHA256(PIN, demo_salt(operator), PIN_ITERATIONS), hex: computed once (600,000
#: iterations cost ~0.3 s each), checked by tests/test_attacker.py with ``openssl kdf``.
DEMO_PIN_HASHES = {
    "1001": "19cec4f51ce00c638ff46f716ee53f48e37e5aaffbccea57282e9ca3bfd3d1a7",
    "1002": "c7a4a72b5dc6952b07970e9410a1d6efd69603269c02405a1c5b5c40fc8fbe6f",
    "2001": "8e6701ae46d11f329b034f3ffbb14abdbb3dee6afb2decef850fa51ef6688593",
    "9001": "3d4eb0a86cb53135329e52d551acd2585504cd653077ef25f04d7fc09d565112",
}


def pin_hash(pin: str, salt: bytes, iterations: int = PIN_ITERATIONS) -> bytes:
    """The one key derivation of a PIN (every attempt runs it exactly once)."""
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)


def demo_salt(operator_id: str) -> bytes:
    return hashlib.sha256(b"demo-operator:" + operator_id.encode()).digest()[:16]


def _locked(locked_at: str, unlocks_at: str) -> Refusal:
    return Refusal(423, "operator_locked", "This operator is locked after too many wrong PINs.",
                   {"locked_at": locked_at, "unlocks_at": unlocks_at})


def _refuse_login() -> Refusal:
    """The same answer for an unknown staff number and a wrong PIN, without a count of the
    attempts left (which would tell known staff numbers from unknown ones)."""
    return Refusal(401, "operator_login_failed", "Unknown operator or wrong PIN.")


class OperatorsMixin:

    def _migrate(self) -> None:
        super()._migrate()
        with self.transaction() as conn:
            conn.execute(OPERATORS_SCHEMA)
            conn.execute(UNKNOWN_SCHEMA)
            columns = {r["name"] for r in conn.execute("PRAGMA table_info(operators)")}
            if "pin_iterations" not in columns:  # rows of an older sandbox keep their (cheaper) count
                conn.execute("ALTER TABLE operators ADD COLUMN pin_iterations INTEGER NOT NULL "
                             f"DEFAULT {LEGACY_ITERATIONS}")

    def seed_demo(self, city: str | None = None) -> bool:
        inserted = super().seed_demo(city)
        self.seed_operators()
        return inserted

    def seed_operators(self) -> None:
        """The demo operators, unless they exist (a sandbox restarted keeps its counts)."""
        with self.transaction() as conn:
            for o in DEMO_OPERATORS:
                conn.execute(
                    "INSERT OR IGNORE INTO operators (operator_id, name, roles, pin_salt, pin_hash, "
                    "pin_iterations) VALUES (?, ?, ?, ?, ?, ?)",
                    (o["operator_id"], o["name"], json.dumps(list(o["roles"])), demo_salt(o["operator_id"]),
                     bytes.fromhex(DEMO_PIN_HASHES[o["operator_id"]]), PIN_ITERATIONS))

    def add_operator(self, operator_id: str, name: str, roles: tuple[str, ...], pin: str) -> None:
        """A member of staff (tests and training); the PIN is hashed at the current count."""
        salt = hashlib.sha256(b"operator:" + operator_id.encode()).digest()[:16]
        digest = pin_hash(pin, salt)
        with self.transaction() as conn:
            conn.execute("INSERT INTO operators (operator_id, name, roles, pin_salt, pin_hash, pin_iterations) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         (operator_id, name, json.dumps(list(roles)), salt, digest, PIN_ITERATIONS))

    # -- one attempt ---------------------------------------------------------------------------
    def check_pin(self, *, operator_id: str, pin: str, terminal_id: str, purpose: str = "login",
                  allowed_roles: tuple[str, ...] | None = None) -> dict:
        """One attempt at a staff number and PIN from ``terminal_id``: the operator's row (a
        dict with ``roles`` parsed) or a :class:`Refusal`. ``allowed_roles``: staff the
        terminal may authenticate at all (a kiosk: IT only); anyone else answers as a wrong
        PIN, uncounted. Failures are committed before the refusal is raised (a refusal must
        not roll them back); the terminal's budget of failures is checked first (429)."""
        config = self.authority
        self.check_attempt_budget(terminal_id)
        with self.snapshot() as conn:
            row = conn.execute("SELECT * FROM operators WHERE operator_id = ?", (operator_id,)).fetchone()
        if row is not None:
            salt, iterations = bytes(row["pin_salt"]), row["pin_iterations"]
        else:
            salt, iterations = UNKNOWN_SALT, PIN_ITERATIONS
        derived = pin_hash(pin, salt, iterations)  # outside the lock; once, known or not
        roles = json.loads(row["roles"]) if row is not None else []
        counted = allowed_roles is None or any(r in allowed_roles for r in roles)
        refusal = None
        with self.transaction() as conn:
            now = self.now()
            if row is None or not counted:  # a kiosk: anyone but IT answers as a wrong PIN, uncounted
                refusal = self._unknown_failure(conn, now, operator_id) if allowed_roles is None else _refuse_login()
            else:
                row = conn.execute("SELECT * FROM operators WHERE operator_id = ?", (operator_id,)).fetchone()
                locked_at = row["locked_at"]
                if locked_at is not None and now >= parse_iso(locked_at) + timedelta(seconds=config.operator_lock_s):
                    conn.execute("UPDATE operators SET failures = 0, locked_at = NULL WHERE operator_id = ?",
                                 (operator_id,))  # the lock has expired
                    row = conn.execute("SELECT * FROM operators WHERE operator_id = ?", (operator_id,)).fetchone()
                    locked_at = None
                if locked_at is not None:
                    refusal = self._lock_refusal(locked_at)
                elif not hmac.compare_digest(derived, bytes(row["pin_hash"])):
                    failures = row["failures"] + 1
                    locked = iso(now) if failures >= MAX_FAILURES else None
                    conn.execute("UPDATE operators SET failures = ?, locked_at = ? WHERE operator_id = ?",
                                 (failures, locked, operator_id))
                    refusal = self._lock_refusal(locked) if locked else _refuse_login()
                else:
                    conn.execute("UPDATE operators SET failures = 0, last_login = ? WHERE operator_id = ?",
                                 (iso(now), operator_id))
                    if row["pin_iterations"] < PIN_ITERATIONS:
                        self._upgrade_hash(conn, operator_id, pin)
            if refusal is not None:
                self.spend_attempt(conn, now, terminal_id)
            self.record_event(conn, now, terminal_id, operator_id if row is not None else None,
                              purpose, operator_id if row is not None else "unknown",
                              refusal.code if refusal else "ok")
        if refusal is not None:
            raise refusal
        return {"operator_id": row["operator_id"], "name": row["name"], "roles": roles, "checked_at": iso(now)}

    def _lock_refusal(self, locked_at: str) -> Refusal:
        unlocks = parse_iso(locked_at) + timedelta(seconds=self.authority.operator_lock_s)
        return _locked(locked_at, iso(unlocks))

    def _unknown_failure(self, conn: sqlite3.Connection, now, operator_id: str) -> Refusal:
        """A staff number nobody has: counted, and "locked" after as many failures as a real one."""
        row = conn.execute("SELECT * FROM unknown_operator_failures WHERE operator_id = ?",
                           (operator_id,)).fetchone()
        failures, locked_at = (row["failures"], row["locked_at"]) if row else (0, None)
        if locked_at is not None and now >= parse_iso(locked_at) + timedelta(seconds=self.authority.operator_lock_s):
            failures, locked_at = 0, None
        if locked_at is None:
            failures += 1
            locked_at = iso(now) if failures >= MAX_FAILURES else None
        conn.execute("INSERT INTO unknown_operator_failures (operator_id, failures, locked_at) VALUES (?, ?, ?) "
                     "ON CONFLICT (operator_id) DO UPDATE SET failures = excluded.failures, "
                     "locked_at = excluded.locked_at", (operator_id, failures, locked_at))
        return self._lock_refusal(locked_at) if locked_at else _refuse_login()

    @staticmethod
    def _upgrade_hash(conn: sqlite3.Connection, operator_id: str, pin: str) -> None:
        salt = hashlib.sha256(b"operator:" + operator_id.encode()).digest()[:16]
        conn.execute("UPDATE operators SET pin_salt = ?, pin_hash = ?, pin_iterations = ? WHERE operator_id = ?",
                     (salt, pin_hash(pin, salt), PIN_ITERATIONS, operator_id))

    # -- login ---------------------------------------------------------------------------------
    def operator_login(self, *, operator_id: str, pin: str, terminal_id: str) -> dict:
        """Check the PIN (see :meth:`check_pin`); a kiosk logs in IT staff only. The answer
        carries a new operator session bound to ``terminal_id`` (any earlier session of the
        terminal ends: one operator at a desk) and the limits the platform enforces."""
        kiosk = self.terminal_role(terminal_id) != "desk"
        row = self.check_pin(operator_id=operator_id, pin=pin, terminal_id=terminal_id,
                             allowed_roles=("it",) if kiosk else None)
        with self.transaction() as conn:
            now = self.now()
            session = self.start_operator_session(conn, now, operator_id=row["operator_id"], terminal_id=terminal_id)
        return {"operator_id": row["operator_id"], "name": row["name"], "roles": row["roles"],
                "logged_in_at": iso(now), "session": session,
                "limits": {"refund_supervisor_over_fen": self.authority.refund_supervisor_over_fen}}

    def operator_row(self, conn: sqlite3.Connection, operator_id: str) -> dict | None:
        row = conn.execute("SELECT operator_id, name, roles FROM operators WHERE operator_id = ?",
                           (operator_id,)).fetchone()
        return {**dict(row), "roles": json.loads(row["roles"])} if row else None

    def unlock_operator(self, conn: sqlite3.Connection, now, terminal_id: str | None = None, *,
                        operator_id: str) -> dict:
        row = conn.execute("SELECT operator_id FROM operators WHERE operator_id = ?",
                           (operator_id,)).fetchone()
        if row is None:
            raise Refusal(404, "operator_not_found", "No operator with this staff number.")
        conn.execute("UPDATE operators SET failures = 0, locked_at = NULL WHERE operator_id = ?",
                     (operator_id,))
        return {"operator_id": operator_id, "locked": False}
