"""Cashier-desk operators: login with a staff number and a PIN, roles, lockout.

The platform, not the terminal, checks an operator's PIN and counts failures, so a
lockout holds at every desk of the hospital. After :data:`MAX_FAILURES` wrong PINs in a
row the operator is locked (423 ``operator_locked``) until the sandbox control API
unlocks them (a real platform: the IT or HR back office). A correct PIN resets the count.

PINs are kept as PBKDF2-SHA256 hashes with a per-operator salt, never in clear. The table
is created here (``CREATE TABLE IF NOT EXISTS``) rather than in ``schema``: it is an
addition that older databases simply gain, with no data to migrate.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3

from sandbox.store.base import Refusal, iso

ROLES = ("cashier", "supervisor", "it")
MAX_FAILURES = 5
PIN_ITERATIONS = 20_000

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

#: Demo staff (training, demo and tests): staff number, name, roles, PIN. Staff numbers are
#: digits so that the kiosk's on-screen keypad can type them (the IT exit has no keyboard).
DEMO_OPERATORS = (
    {"operator_id": "1001", "name": "王丽", "roles": ("cashier",), "pin": "246810"},
    {"operator_id": "1002", "name": "陈晓东", "roles": ("cashier",), "pin": "135791"},
    {"operator_id": "2001", "name": "林秀英", "roles": ("cashier", "supervisor"), "pin": "112233"},
    {"operator_id": "9001", "name": "黄志强", "roles": ("it",), "pin": "998877"},
)


def pin_hash(pin: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, PIN_ITERATIONS)


def _locked(locked_at: str) -> Refusal:
    return Refusal(423, "operator_locked", "This operator is locked after too many wrong PINs.",
                   {"locked_at": locked_at})


def _refuse_login() -> Refusal:
    """The same answer for an unknown staff number and a wrong PIN, without a count of the
    attempts left (which would tell known staff numbers from unknown ones)."""
    return Refusal(401, "operator_login_failed", "Unknown operator or wrong PIN.")


class OperatorsMixin:

    def _migrate(self) -> None:
        super()._migrate()
        with self.transaction() as conn:
            conn.execute(OPERATORS_SCHEMA)

    def seed_demo(self, city: str | None = None) -> bool:
        inserted = super().seed_demo(city)
        self.seed_operators()
        return inserted

    def seed_operators(self) -> None:
        """The demo operators, unless they exist (a sandbox restarted keeps its counts)."""
        with self.transaction() as conn:
            for o in DEMO_OPERATORS:
                salt = hashlib.sha256(b"demo-operator:" + o["operator_id"].encode()).digest()[:16]
                conn.execute(
                    "INSERT OR IGNORE INTO operators (operator_id, name, roles, pin_salt, pin_hash) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (o["operator_id"], o["name"], json.dumps(list(o["roles"])), salt,
                     pin_hash(o["pin"], salt)))

    def operator_login(self, *, operator_id: str, pin: str) -> dict:
        """Check the PIN. Wrong: 401 ``operator_login_failed``; the fifth wrong PIN in a row
        locks: 423 ``operator_locked``. An unknown operator gets the same 401 (nothing tells
        which staff numbers exist). The failure count is
        committed before the refusal is raised: a refusal must not roll it back."""
        refusal = None
        with self.transaction() as conn:
            now = self.now()
            row = conn.execute("SELECT * FROM operators WHERE operator_id = ?",
                               (operator_id,)).fetchone()
            if row is None:
                raise _refuse_login()
            if row["locked_at"] is not None:
                raise _locked(row["locked_at"])
            if not hmac.compare_digest(pin_hash(pin, bytes(row["pin_salt"])),
                                       bytes(row["pin_hash"])):
                failures = row["failures"] + 1
                locked = iso(now) if failures >= MAX_FAILURES else None
                conn.execute("UPDATE operators SET failures = ?, locked_at = ? "
                             "WHERE operator_id = ?", (failures, locked, operator_id))
                refusal = _locked(locked) if locked else _refuse_login()
            else:
                conn.execute("UPDATE operators SET failures = 0, last_login = ? "
                             "WHERE operator_id = ?", (iso(now), operator_id))
        if refusal is not None:
            raise refusal
        return {"operator_id": row["operator_id"], "name": row["name"],
                "roles": json.loads(row["roles"]), "logged_in_at": iso(now)}

    def unlock_operator(self, conn: sqlite3.Connection, now, terminal_id: str | None = None, *,
                        operator_id: str) -> dict:
        row = conn.execute("SELECT operator_id FROM operators WHERE operator_id = ?",
                           (operator_id,)).fetchone()
        if row is None:
            raise Refusal(404, "operator_not_found", "No operator with this staff number.")
        conn.execute("UPDATE operators SET failures = 0, locked_at = NULL WHERE operator_id = ?",
                     (operator_id,))
        return {"operator_id": operator_id, "locked": False}
