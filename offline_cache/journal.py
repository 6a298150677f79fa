"""The durable journal of platform writes.

An intent is written (and fsynced) *before* the platform is called, with the
idempotency key the call will carry. It is marked done when the platform
answers. If the process dies in between, the next start finds the intent still
pending and sends it again with the same key, so the platform books it once.

Entries hold opaque references (visit and account ids, amounts), never names,
ID numbers or phone numbers.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from offline_cache.db import Database

PENDING, DONE, REFUSED = "pending", "done", "refused"

_MIGRATIONS = [
    """
    CREATE TABLE journal (
        key        TEXT PRIMARY KEY,
        kind       TEXT NOT NULL,
        payload    TEXT NOT NULL,
        state      TEXT NOT NULL DEFAULT 'pending',
        result     TEXT,
        attempts   INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX journal_state ON journal(state, created_at)
    """,
]


@dataclass(frozen=True)
class Entry:
    key: str
    kind: str
    payload: dict
    state: str
    result: dict | None
    attempts: int
    created_at: datetime
    updated_at: datetime


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def new_key() -> str:
    return uuid.uuid4().hex


class Journal:
    def __init__(self, path: Path | str):
        self.db = Database(path, _MIGRATIONS)

    def record_intent(self, kind: str, payload: dict, key: str | None = None) -> str:
        key = key or new_key()
        stamp = _now()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO journal(key, kind, payload, created_at, updated_at) VALUES (?,?,?,?,?)",
                (key, kind, json.dumps(payload, sort_keys=True), stamp, stamp),
            )
        return key

    def note_attempt(self, key: str) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE journal SET attempts = attempts + 1, updated_at = ? WHERE key = ?",
                (_now(), key),
            )

    def _finish(self, key: str, state: str, result: dict) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE journal SET state = ?, result = ?, updated_at = ? WHERE key = ?",
                (state, json.dumps(result, sort_keys=True), _now(), key),
            )

    def mark_done(self, key: str, result: dict) -> None:
        self._finish(key, DONE, result)

    def mark_refused(self, key: str, error: dict) -> None:
        """The platform answered with a definite refusal: nothing was booked."""
        self._finish(key, REFUSED, error)

    def get(self, key: str) -> Entry | None:
        rows = self.db.query("SELECT * FROM journal WHERE key = ?", (key,))
        return _entry(rows[0]) if rows else None

    def pending(self) -> list[Entry]:
        rows = self.db.query("SELECT * FROM journal WHERE state = ? ORDER BY created_at", (PENDING,))
        return [_entry(r) for r in rows]

    def done_between(self, start: datetime, end: datetime) -> list[Entry]:
        """Entries the platform confirmed in [start, end)."""
        rows = self.db.query(
            "SELECT * FROM journal WHERE state = ? AND updated_at >= ? AND updated_at < ? ORDER BY updated_at",
            (DONE, start.astimezone(timezone.utc).isoformat(), end.astimezone(timezone.utc).isoformat()))
        return [_entry(r) for r in rows]

    def close(self) -> None:
        self.db.close()


def _entry(row) -> Entry:
    return Entry(
        key=row["key"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        state=row["state"],
        result=json.loads(row["result"]) if row["result"] else None,
        attempts=row["attempts"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )
