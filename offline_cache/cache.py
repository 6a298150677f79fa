"""What the kiosk last saw of a patient, for when the platform does not answer.

One row per ID number seen: the patient, the account snapshot as the platform signed it,
and the open visits, with the time it was fetched. The row's key is a blind index
(HMAC of the ID number with a key derived from the data key), never the number; the
content is sealed with AES-GCM. Rows older than ``keep_s`` are pruned: an old snapshot
cannot be used for credit anyway.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from offline_cache.crypto import SealBroken, Sealer
from offline_cache.db import Database

_MIGRATIONS = [
    """
    CREATE TABLE snapshots (
        ix         TEXT PRIMARY KEY,
        sealed     BLOB NOT NULL,
        fetched_at TEXT NOT NULL
    );
    CREATE INDEX snapshots_age ON snapshots(fetched_at)
    """,
]


class SnapshotCache:
    def __init__(self, path: Path | str, sealer: Sealer, keep_s: float = 24 * 3600):
        self.db = Database(path, _MIGRATIONS)
        self.sealer = sealer
        self.keep_s = keep_s

    def close(self) -> None:
        self.db.close()

    def remember(self, id_number: str, record: dict, fetched_at: datetime) -> None:
        ix = self.sealer.blind(id_number)
        blob = self.sealer.seal(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode(), ix.encode())
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO snapshots (ix, sealed, fetched_at) VALUES (?, ?, ?) ON CONFLICT (ix) "
                         "DO UPDATE SET sealed = excluded.sealed, fetched_at = excluded.fetched_at",
                         (ix, blob, fetched_at.astimezone(UTC).isoformat()))

    def recall(self, id_number: str) -> tuple[dict, datetime] | None:
        ix = self.sealer.blind(id_number)
        rows = self.db.query("SELECT sealed, fetched_at FROM snapshots WHERE ix = ?", (ix,))
        if not rows:
            return None
        try:
            record = json.loads(self.sealer.open(rows[0]["sealed"], ix.encode()))
        except SealBroken:
            return None  # written under another data key: as good as absent
        return record, datetime.fromisoformat(rows[0]["fetched_at"])

    def update(self, id_number: str, change) -> None:
        """Rewrite one record in place (``change(record) -> record``), keeping its fetch time:
        e.g. visits settled offline are taken out so they are not offered twice."""
        found = self.recall(id_number)
        if found is None:
            return
        record, fetched_at = found
        self.remember(id_number, change(record), fetched_at)

    def prune(self, now: datetime | None = None) -> int:
        cutoff = ((now or datetime.now(UTC)) - timedelta(seconds=self.keep_s)).astimezone(UTC)
        with self.db.transaction() as conn:
            return conn.execute("DELETE FROM snapshots WHERE fetched_at < ?", (cutoff.isoformat(),)).rowcount
