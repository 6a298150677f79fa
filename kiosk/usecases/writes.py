"""Every write to the platform goes through here: the outbox first, then the call.

The write (path and body, sealed) is committed to the durable outbox
(``offline_cache.journal``) with a fresh idempotency key before the platform is called,
and leased to this sender so the sync thread leaves it alone meanwhile. It is marked
when the platform answers. If the platform does not answer, the item goes back to the
queue and the sync engine (``offline_cache.sync``) sends it again with the same key:
the platform applies it once.

Order: if an older write of the same account is still queued, the new one is sent
behind it (the queue of that account is sent first, in order).

Offline (the engine knows the platform is not answering): a write that may wait
(``offline_ok``, or ``queue`` for an offline credit settlement that passed its limits)
is queued without trying; any other is refused at once with ``NeedsPlatform`` and
nothing is queued (opening or closing the service, registration, repayment...).

``phase(name)`` marks the points of the write path (identify, journal, printing, sync) for
the crash tests (``tests/offline/``), which install ``trace_hook`` in a test process to stop
a kiosk exactly there and kill it. Nothing is installed in the app: ``phase`` does nothing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.platform import PlatformError, PlatformUnavailable
from offline_cache.journal import new_owner

log = logging.getLogger("kiosk.writes")

LIVE_LEASE_S = 120.0  # longer than a live call can take (client timeout x attempts)

trace_hook: Callable[[str, str], None] | None = None  # installed only by the crash tests' processes


def phase(name: str, detail: str = "") -> None:
    """A named point of the write path (``detail``: opaque ids only). A no-op unless a test
    process installed ``trace_hook``."""
    hook = trace_hook
    if hook is not None:
        hook(name, detail)


class WritePending(Exception):
    """The platform did not answer; the write is kept and will be completed."""

    def __init__(self, key: str):
        super().__init__("write pending")
        self.key = key


class NeedsPlatform(PlatformError):
    """Offline, and this write cannot wait for the platform: nothing was queued."""

    def __init__(self):
        super().__init__("offline_needs_platform", "the platform is not answering", 0)


@dataclass(frozen=True)
class RecoveryReport:
    """What recovery at start did with the writes a crash left: completed, refused, still pending."""

    completed: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()  # keys that became conflicts (for the cashier)
    still_pending: int = 0


class PlatformWrites:
    def __init__(self, platform, journal, sync):
        """``sync``: the offline queue's ``SyncEngine`` (``services.py`` builds it, over
        ``kiosk.adapters.sync_transport.PlatformTransport``; not built here, which would import that
        module back: an import cycle)."""
        self.platform = platform
        self.journal = journal
        self.sync = sync
        self.owner = new_owner()

    @property
    def online(self) -> bool:
        return self.sync.online

    def send(self, kind: str, path: str, body: dict, *, lane: str | None = None, credit_fen: int = 0,
             who: dict | None = None, offline_ok: bool = False) -> dict:
        """Queue, then send at once; the platform's answer. ``WritePending`` when it did not
        answer (the write stays queued); ``PlatformError`` for a refusal."""
        if not self.sync.online:
            if not offline_ok:
                raise NeedsPlatform()
            raise WritePending(self.queue(kind, path, body, lane=lane, credit_fen=credit_fen, who=who))
        key = self.journal.enqueue(kind, path, body, lane=lane, credit_fen=credit_fen, who=who,
                                   owner=self.owner, lease_s=LIVE_LEASE_S)
        phase("journal", key)
        if self.journal.has_earlier(key):
            return self._behind_queue(key)
        return self._call(key, kind, path, body)

    def queue(self, kind: str, path: str, body: dict, *, lane: str | None = None, credit_fen: int = 0,
              who: dict | None = None, credit_cap_fen: int | None = None) -> str:
        """Queue without trying (offline); the sync sends it when the platform answers.
        ``CapExceeded`` if ``credit_cap_fen`` would be passed."""
        key = self.journal.enqueue(kind, path, body, lane=lane, credit_fen=credit_fen, who=who, offline=True,
                                   credit_cap_fen=credit_cap_fen)
        phase("journal", key)
        log.info("%s %s queued offline", kind, key[:8])
        self.sync.wake()
        return key

    def _call(self, key: str, kind: str, path: str, body: dict) -> dict:
        try:
            data = self.platform.request("POST", path, body, key=key)
        except PlatformUnavailable:
            log.warning("%s %s left pending: platform unavailable", kind, key[:8])
            self.journal.release([key], error="unavailable")
            self.sync.note_down("a write got no answer")
            raise WritePending(key) from None
        except PlatformError as exc:
            self.journal.mark_refused(key, {"code": exc.code, "status": exc.status})
            raise
        self.journal.mark_done(key, data)
        self.sync.note_up()
        return data

    def _behind_queue(self, key: str) -> dict:
        """Older writes of this lane wait: send the lane in order, this one last."""
        lane = self.journal.get(key).lane
        self.journal.release([key])
        self.journal.make_due(lane=lane)  # the patient is here and the platform answers: no backing off
        report = self.sync.drain(lane=lane, live_keys={key}, until_key=key)
        if key in report.done:
            return report.done[key]
        if key in report.refused:
            status, body = report.refused[key]
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise PlatformError(error.get("code", f"http_{status}"), error.get("message", ""), status,
                                error.get("details") or {})
        raise WritePending(key)

    def complete_pending(self) -> RecoveryReport:
        """Send everything queued (at start, or when the platform is back)."""
        report = self.sync.drain()
        completed = tuple(data.get("reference", key) if isinstance(data, dict) else key
                          for key, data in report.done.items())
        conflicts = tuple(key for key, _ in report.conflicts)
        if completed or conflicts:
            log.info("queued writes: %d completed, %d conflicts", len(completed), len(conflicts))
        return RecoveryReport(completed, conflicts, len(self.journal.pending()))
