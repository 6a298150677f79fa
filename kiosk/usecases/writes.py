"""Every write to the platform goes through here: journal first, then the call.

The intent (path and body, which hold opaque ids and amounts) is committed to
the durable journal with a fresh idempotency key before the platform is
called; it is marked when the platform answers. If the platform does not
answer, the entry stays pending and ``complete_pending`` sends it again with
the same key, at the next start or when the platform is back: the platform
applies it once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.platform import PlatformError, PlatformUnavailable

log = logging.getLogger("kiosk.writes")


class WritePending(Exception):
    """The platform did not answer; the write is kept and will be completed."""

    def __init__(self, key: str):
        super().__init__("write pending")
        self.key = key


@dataclass(frozen=True)
class RecoveryReport:
    completed: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    still_pending: int = 0


class PlatformWrites:
    def __init__(self, platform, journal):
        self.platform = platform
        self.journal = journal

    def send(self, kind: str, path: str, body: dict) -> dict:
        key = self.journal.record_intent(kind, {"path": path, "body": body})
        return self._call(key, kind, path, body)

    def _call(self, key: str, kind: str, path: str, body: dict) -> dict:
        try:
            data = self.platform.request("POST", path, body, key=key)
        except PlatformUnavailable:
            log.warning("%s %s left pending: platform unavailable", kind, key[:8])
            raise WritePending(key) from None
        except PlatformError as exc:
            self.journal.mark_refused(key, {"code": exc.code, "status": exc.status})
            raise
        # What reconciliation needs of the answer: its reference and amounts (no personal data).
        self.journal.mark_done(key, {
            "reference": data.get("reference", ""),
            "amounts": {k: v for k, v in data.items() if k.endswith("_fen") and isinstance(v, int)},
            "channel": data.get("channel"),
        })
        return data

    def complete_pending(self) -> RecoveryReport:
        completed, refused = [], []
        pending = self.journal.pending()
        for index, entry in enumerate(pending):
            self.journal.note_attempt(entry.key)
            try:
                data = self._call(entry.key, entry.kind, entry.payload["path"], entry.payload["body"])
            except WritePending:
                return RecoveryReport(tuple(completed), tuple(refused), len(pending) - index)
            except PlatformError:
                refused.append(entry.key)
                continue
            completed.append(data.get("reference", entry.key))
        if completed or refused:
            log.info("pending writes: %d completed, %d refused", len(completed), len(refused))
        return RecoveryReport(tuple(completed), tuple(refused), 0)
