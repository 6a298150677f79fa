"""Patients present at a terminal: patient sessions, the lookup budget and the trail, shared by
every sandbox service that holds patients' data (the credit platform, ``sandbox.store.authority``;
the hospital's HIS, ``sandbox.his``).

A card read or a scanned code at a terminal (an identity lookup) opens a *patient session* there;
a read of that patient's data is allowed only while one is live at the calling terminal
(``sandbox.authority.require_present``). Lookups are budgeted per terminal (a token bucket:
``lookup_burst`` at once, one more every ``lookup_refill_s``). Who asked for what is kept in the
trail (opaque ids and codes only).

The rules that use these records are in ``sandbox.authority``; this module keeps the records, in
tables of its own (``CREATE TABLE IF NOT EXISTS``). A store using it provides ``transaction``,
``snapshot`` and ``now`` (``sandbox.store.base.StoreBase``) and a ``circle(conn, patient_ids)``
saying whom the present patients may read. A service without operator sessions and terminal
roles (the HIS) keeps the defaults here: every terminal is a ``kiosk``, no request names an operator.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.store.base import Refusal, iso, new_id, parse_iso


@dataclass(frozen=True)
class PresenceConfig:
    """How long a patient session lives and how many lookups a terminal may make."""

    patient_session_idle_s: int = 300  # a patient session ends after this long unused
    patient_session_max_s: int = 1_800  # and this long after the card was read, at the latest
    lookup_burst: int = 20  # identity lookups a terminal may make at once
    lookup_refill_s: float = 6.0  # one more every 6 s: 10 a minute go on for ever


PRESENCE_SCHEMA = """
CREATE TABLE IF NOT EXISTS patient_sessions (
    session_id   TEXT PRIMARY KEY,
    terminal_id  TEXT NOT NULL,
    patient_id   TEXT NOT NULL,
    via          TEXT NOT NULL,
    operator_id  TEXT,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at     TEXT
);
CREATE INDEX IF NOT EXISTS patient_sessions_by_terminal ON patient_sessions (terminal_id, ended_at);
CREATE TABLE IF NOT EXISTS rate_budgets (
    terminal_id TEXT NOT NULL,
    kind        TEXT NOT NULL,
    tokens      REAL NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (terminal_id, kind)
);
CREATE TABLE IF NOT EXISTS authority_events (
    event_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    terminal_id TEXT,
    operator_id TEXT,
    event       TEXT NOT NULL,
    subject     TEXT,
    outcome     TEXT NOT NULL
);
"""


def run_script(conn: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


class Limited(Refusal):
    """429 with the seconds until the terminal may try again (``Retry-After``)."""

    def __init__(self, code: str, message: str, retry_after_s: int):
        super().__init__(429, code, message, {"retry_after_s": retry_after_s})
        self.retry_after_s = retry_after_s



class PresenceMixin:
    authority: PresenceConfig = PresenceConfig()

    def _migrate(self) -> None:
        super()._migrate()
        with self.transaction() as conn:
            run_script(conn, PRESENCE_SCHEMA)

    # -- who is asking -----------------------------------------------------------------------------
    def terminal_role(self, terminal_id: str, conn: sqlite3.Connection | None = None) -> str:
        """Every terminal is a ``kiosk`` here (a service with roles says otherwise)."""
        return "kiosk"

    def session_operator(self, conn: sqlite3.Connection, token: str) -> str | None:
        """The operator an operator-session token names, for the trail (none here)."""
        return None

    # -- the trail -------------------------------------------------------------------------------
    @staticmethod
    def record_event(conn: sqlite3.Connection, now: datetime, terminal_id: str | None, operator_id: str | None,
                     event: str, subject: str | None, outcome: str) -> None:
        """Who asked for what, and the answer (opaque ids and codes only: never an ID number)."""
        conn.execute("INSERT INTO authority_events (at, terminal_id, operator_id, event, subject, outcome) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (iso(now), terminal_id, operator_id, event, subject, outcome))

    def events(self, event: str | None = None) -> list[dict]:
        with self.snapshot() as conn:
            sql, args = "SELECT * FROM authority_events", ()
            if event is not None:
                sql, args = sql + " WHERE event = ?", (event,)
            return [dict(r) for r in conn.execute(sql + " ORDER BY event_id", args)]

    # -- budgets (token buckets per terminal) ------------------------------------------------------
    def _budget(self, conn: sqlite3.Connection, now: datetime, terminal_id: str, kind: str, burst: int,
                refill_s: float) -> float:
        row = conn.execute("SELECT tokens, updated_at FROM rate_budgets WHERE terminal_id = ? AND kind = ?",
                           (terminal_id, kind)).fetchone()
        if row is None:
            return float(burst)
        elapsed = max(0.0, (now - parse_iso(row["updated_at"])).total_seconds())
        return min(float(burst), row["tokens"] + elapsed / refill_s)

    def _spend(self, conn: sqlite3.Connection, now: datetime, terminal_id: str, kind: str, burst: int,
               refill_s: float) -> None:
        tokens = self._budget(conn, now, terminal_id, kind, burst, refill_s) - 1
        conn.execute("INSERT INTO rate_budgets (terminal_id, kind, tokens, updated_at) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (terminal_id, kind) DO UPDATE SET tokens = excluded.tokens, "
                     "updated_at = excluded.updated_at", (terminal_id, kind, tokens, now.isoformat()))

    def _wait_s(self, tokens: float, refill_s: float) -> int:
        return max(1, int((1 - tokens) * refill_s + 0.999))

    def take_lookup(self, conn: sqlite3.Connection, now: datetime, terminal_id: str) -> None:
        """One identity lookup of the terminal's budget, or 429 ``too_many_lookups``."""
        c = self.authority
        tokens = self._budget(conn, now, terminal_id, "lookup", c.lookup_burst, c.lookup_refill_s)
        if tokens < 1:
            raise Limited("too_many_lookups", "This terminal has looked up too many patients in a short time.",
                          self._wait_s(tokens, c.lookup_refill_s))
        self._spend(conn, now, terminal_id, "lookup", c.lookup_burst, c.lookup_refill_s)


    # -- patient sessions (presence) ----------------------------------------------------------------
    def _live(self, row: sqlite3.Row, now: datetime) -> bool:
        c = self.authority
        return (row["ended_at"] is None
                and now < parse_iso(row["last_seen_at"]) + timedelta(seconds=c.patient_session_idle_s)
                and now < parse_iso(row["created_at"]) + timedelta(seconds=c.patient_session_max_s))

    def _expires(self, row: sqlite3.Row) -> datetime:
        c = self.authority
        return min(parse_iso(row["last_seen_at"]) + timedelta(seconds=c.patient_session_idle_s),
                   parse_iso(row["created_at"]) + timedelta(seconds=c.patient_session_max_s))

    def open_patient_session(self, conn: sqlite3.Connection, now: datetime, *, terminal_id: str, patient_id: str,
                             via: str, operator_id: str | None) -> dict:
        """The patient is at the terminal (a card read, a scanned code, or an ID typed by a
        logged-in operator): a new patient session of theirs there. Always a new one, so that
        ending the last patient's sessions (the kiosk cleared, a request that may arrive late)
        never ends the one a new card read has just opened."""
        session_id = new_id("PS")
        conn.execute("INSERT INTO patient_sessions (session_id, terminal_id, patient_id, via, operator_id, "
                     "created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (session_id, terminal_id, patient_id, via, operator_id, iso(now), iso(now)))
        row = conn.execute("SELECT * FROM patient_sessions WHERE session_id = ?", (session_id,)).fetchone()
        return {"session_id": session_id, "expires_at": iso(self._expires(row))}

    def present_patients(self, conn: sqlite3.Connection, now: datetime, terminal_id: str) -> dict[str, str]:
        """Patient id -> session id of every live patient session at the terminal."""
        present = {}
        for row in conn.execute("SELECT * FROM patient_sessions WHERE terminal_id = ? AND ended_at IS NULL "
                                "ORDER BY created_at", (terminal_id,)):
            if self._live(row, now):
                present[row["patient_id"]] = row["session_id"]
        return present

    @staticmethod
    def touch_patient_sessions(conn: sqlite3.Connection, now: datetime, session_ids) -> None:
        conn.executemany("UPDATE patient_sessions SET last_seen_at = ? WHERE session_id = ?",
                         [(iso(now), s) for s in session_ids])

    @staticmethod
    def end_patient_sessions(conn: sqlite3.Connection, now: datetime, terminal_id: str, session_ids) -> int:
        """End the named sessions of this terminal (another terminal's are left alone)."""
        ended = 0
        for session_id in session_ids:
            ended += conn.execute("UPDATE patient_sessions SET ended_at = ? WHERE session_id = ? AND terminal_id = ? "
                                  "AND ended_at IS NULL", (iso(now), session_id, terminal_id)).rowcount
        return ended
