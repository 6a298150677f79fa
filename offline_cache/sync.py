"""The sync engine: sends the outbox to the platform when it answers.

Plain Python (no Qt, no HTTP library): the platform is reached through a ``Transport``
given by the kiosk (``kiosk.adapters.sync_transport.PlatformTransport``). One engine runs on
its own thread (``start``/``stop``), owned by the app; the same ``drain`` also runs on
a worker for the live path and for recovery at start. Leases in the outbox keep any two
senders (threads or processes) from sending one item at the same time.

- **Order**: items are claimed lane by lane from each lane's head (``Journal.claim``)
  and sent in ``seq`` order; the platform applies a batch in the order given.
- **Batches**: up to ``batch_size`` items and ``max_batch_bytes`` of JSON per request.
- **No answer** (``TransportDown``: refused, timeout, 5xx, a refused signature): the
  items go back to the queue with a backoff with jitter, the engine is offline and
  probes the platform's health every ``probe_interval_s``; when it answers again every
  queued item is due at once.
- **Answers**: 2xx → done; 401/408/425/429/5xx for one item → retried later; any other
  refusal → a *conflict* (the platform now refuses what the kiosk promised: line
  exceeded, account suspended, already settled elsewhere), kept for the cashier, never
  dropped. A refusal of a write whose patient is still at the kiosk (``live_keys``) is
  a plain refusal they see on the spot.
- **Restart**: everything is in the outbox; a lease left by a dead process is taken over.
"""
from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from offline_cache.journal import CONFLICT, DONE, REFUSED, RETRY, Item, Journal, Outcome, new_owner

log = logging.getLogger("offline_cache.sync")

RETRYABLE_STATUS = frozenset({401, 408, 425, 429})


class TransportDown(Exception):
    """No usable answer from the platform: try again later."""


@dataclass(frozen=True)
class Answer:
    """The platform's answer to one sent item: its HTTP status and body."""

    key: str
    status: int
    body: dict


class Transport(Protocol):
    def send(self, operations: list[dict]) -> list[Answer]:
        """POST each ``{key, method, path, body}``; answers in order (fewer: the rest unsent).
        Raises ``TransportDown`` when nothing usable came back."""

    def healthy(self) -> bool:
        """Does the platform answer right now? Quick and never raising."""


@dataclass(frozen=True)
class SyncStatus:
    """What the offline banner shows: online or not, what is queued and the conflicts."""

    online: bool
    queued: int = 0
    unsynced_credit_fen: int = 0
    conflicts: int = 0
    expired: int = 0
    synced_total: int = 0  # items confirmed by this engine since it started
    oldest_at: datetime | None = None


@dataclass
class DrainReport:
    """What one drain did: done, refused, in conflict, retried, and whether the platform went away."""

    done: dict[str, dict] = field(default_factory=dict)  # key -> the platform's answer
    refused: dict[str, tuple[int, dict]] = field(default_factory=dict)  # live keys: (status, error body)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (key, code)
    retried: int = 0
    down: bool = False


def backoff_s(attempts: int, base_s: float, max_s: float, rng: random.Random) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random, so that kiosks
    coming back after one outage do not all knock at the same instant."""
    ceiling = min(max_s, base_s * 2 ** max(0, min(attempts - 1, 20)))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def _error_code(status: int, body: dict) -> str:
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) and code else f"http_{status}"


class SyncEngine:
    def __init__(self, outbox: Journal, transport: Transport, *, batch_size: int = 100,
                 max_batch_bytes: int = 48 * 1024, lease_s: float = 120.0, probe_interval_s: float = 10.0,
                 poll_s: float = 5.0, backoff_base_s: float = 1.0, backoff_max_s: float = 300.0,
                 expiry_s: float = 24 * 3600, upkeep: Iterable[Callable[[], object]] = (),
                 upkeep_interval_s: float = 3600.0, rng: random.Random | None = None, name: str = "kiosk-sync",
                 senders: int = 1):
        self.outbox = outbox
        self.transport = transport
        self.batch_size = batch_size
        self.max_batch_bytes = max_batch_bytes
        self.lease_s = lease_s
        self.probe_interval_s = probe_interval_s
        self.poll_s = poll_s
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.expiry_s = expiry_s
        self.upkeep = tuple(upkeep)
        #: Jobs run at every step after the queue is sent: the settlement sagas' recovery (issue 12), which
        #: reaches the three counterparts itself and backs off per saga.
        self.sweeps: list[Callable[[], object]] = []
        self.upkeep_interval_s = upkeep_interval_s
        self.rng = rng or random.Random()
        self.name = name
        self.senders = senders
        self.owner = new_owner()
        self.listener: Callable[[SyncStatus], None] | None = None
        self._online = True  # until a request or a probe says otherwise
        self._synced = 0
        self._state_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_probe = 0.0
        self._next_upkeep = 0.0
        self._published: SyncStatus | None = None

    # -- connectivity ---------------------------------------------------------
    @property
    def online(self) -> bool:
        return self._online

    def note_down(self, reason: str = "") -> None:
        """A request found the platform not answering (the live path says so too)."""
        with self._state_lock:
            changed, self._online = self._online, False
            self._next_probe = time.monotonic() + self.probe_interval_s
        if changed:
            log.warning("platform not answering (%s): offline mode", reason or "no answer")
            self.wake()

    def note_up(self) -> None:
        with self._state_lock:
            changed, self._online = not self._online, True
        if changed:
            self.outbox.make_due()
            log.info("platform answering again: sending the queue")
            self.wake()

    def probe(self) -> bool:
        healthy = self.transport.healthy()
        self._next_probe = time.monotonic() + self.probe_interval_s
        if healthy:
            self.note_up()
        else:
            self.note_down("health probe")
        return healthy

    # -- the thread -----------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 15.0) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stopping.set()
        self._wake.set()
        thread.join(timeout_s)
        if thread.is_alive():
            log.error("sync thread did not stop within %.0f s", timeout_s)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        """Something changed (an item queued, the platform back): run a step now."""
        self._wake.set()

    def check_now(self) -> None:
        """Probe the platform at the next step, whatever the interval (a link known to change)."""
        self._next_probe = 0.0
        self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.step()
            except Exception:
                log.exception("sync step failed")
            self._wake.wait(self._pause())
            self._wake.clear()

    def _pause(self) -> float:
        if not self._online:
            return max(0.05, self._next_probe - time.monotonic())
        return self.poll_s

    def step(self) -> DrainReport | None:
        """Probe if due, send what is due, publish the status. One pass."""
        now = time.monotonic()
        if now >= self._next_upkeep:
            self._next_upkeep = now + self.upkeep_interval_s
            self.outbox.prune()
            for job in self.upkeep:
                job()
        if not self._online or now >= self._next_probe:
            self.probe()
        report = self.drain() if self._online else None
        for sweep in list(self.sweeps):  # the sagas' recovery (kiosk.usecases.saga.Recovery.sweep)
            try:
                sweep()
            except Exception:
                log.exception("sync sweep failed")
        self.publish()
        return report

    def status(self) -> SyncStatus:
        counts = self.outbox.counts(self.expiry_s)
        return SyncStatus(online=self._online, queued=counts.queued, unsynced_credit_fen=counts.unsynced_credit_fen,
                          conflicts=counts.conflicts, expired=counts.expired, synced_total=self._synced,
                          oldest_at=counts.oldest_at)

    def publish(self, force: bool = False) -> SyncStatus:
        status = self.status()
        if (force or status != self._published) and self.listener is not None:
            self.listener(status)
        self._published = status
        return status

    # -- sending --------------------------------------------------------------
    def drain(self, *, lane: str | None = None, live_keys: Iterable[str] = (), until_key: str | None = None,
              senders: int | None = None) -> DrainReport:
        """Send every due item (of ``lane``) until the queue is empty or the platform stops
        answering. ``until_key``: stop once that item is answered.

        A whole-queue drain may run ``senders`` loops at once (helper threads joined before
        it returns): while the platform works on one batch, the next is claimed and the
        last one recorded; their claims never share a lane, so each lane stays in order.
        The app keeps one: with two, the GUI thread waits longer for the GIL (see
        ``benchmarks/offline.py``); a headless drain may take two (about 15% faster)."""
        live = frozenset(live_keys)
        if senders is None:
            senders = self.senders if lane is None and until_key is None else 1
        halt = threading.Event()
        reports = [DrainReport() for _ in range(max(1, senders))]

        def loop(report: DrainReport) -> None:
            while not (halt.is_set() or self._stopping.is_set()):
                items = self.outbox.claim(self.owner, limit=self.batch_size, lease_s=self.lease_s, lane=lane)
                if not items:
                    return
                if not self._send(items, live, report):
                    halt.set()
                    return
                if until_key is not None and (until_key in report.done or until_key in report.refused
                                              or any(k == until_key for k, _ in report.conflicts)):
                    halt.set()
                    return

        helpers = [threading.Thread(target=loop, args=(r,), name=f"{self.name}-sender", daemon=True)
                   for r in reports[1:]]
        for helper in helpers:
            helper.start()
        loop(reports[0])
        for helper in helpers:
            helper.join()
        report = reports[0]
        for other in reports[1:]:
            report.done.update(other.done)
            report.refused.update(other.refused)
            report.conflicts += other.conflicts
            report.retried += other.retried
            report.down = report.down or other.down
        if report.done:
            self.wake()  # publish the new counts from the thread
        return report

    def _chunks(self, items: list[Item]) -> list[list[tuple[Item, dict]]]:
        chunks, current, size = [], [], 2
        for item in items:
            op = {"key": item.key, "method": "POST", "path": item.path, "body": item.body}
            # its length as the batch's JSON carries it, or more (``Item.size``: known from the claim, not dumped
            # again here), and a comma
            op_size = (item.size or len(json.dumps(op, ensure_ascii=False, separators=(",", ":")).encode())) + 1
            if current and size + op_size > self.max_batch_bytes:
                chunks.append(current)
                current, size = [], 2
            current.append((item, op))
            size += op_size
        if current:
            chunks.append(current)
        return chunks

    def _send(self, items: list[Item], live: frozenset[str], report: DrainReport) -> bool:
        chunks = self._chunks(items)
        for index, chunk in enumerate(chunks):
            try:
                answers = self.transport.send([op for _, op in chunk])
            except TransportDown as exc:
                unsent = [item for c in chunks[index:] for item, _ in c]
                self.outbox.finish(self.owner, [
                    Outcome(i.key, RETRY, error=str(exc)[:200] or "unavailable",
                            delay_s=backoff_s(i.attempts, self.backoff_base_s, self.backoff_max_s, self.rng))
                    for i in unsent])
                report.retried += len(unsent)
                report.down = True
                self.note_down(str(exc))
                return False
            by_key = {a.key: a for a in answers}
            outcomes = [self._verdict(item, by_key.get(item.key), live, report) for item, _ in chunk]
            self.outbox.finish(self.owner, outcomes)
            confirmed = sum(o.verdict == DONE for o in outcomes)
            if confirmed:
                with self._state_lock:
                    self._synced += confirmed
            if len(answers) < len(chunk):  # the transport stopped part-way: the rest waits
                report.down = True
                self.note_down("partial answer")
                for c in chunks[index + 1:]:
                    self.outbox.release([i.key for i, _ in c], delay_s=self.backoff_base_s, error="not sent")
                return False
        return True

    def _verdict(self, item: Item, answer: Answer | None, live: frozenset[str], report: DrainReport) -> Outcome:
        if answer is None:
            report.retried += 1
            return Outcome(item.key, RETRY, error="no answer for this item",
                           delay_s=backoff_s(item.attempts, self.backoff_base_s, self.backoff_max_s, self.rng))
        if 200 <= answer.status < 300:
            report.done[item.key] = answer.body
            return Outcome(item.key, DONE, status=answer.status, data=answer.body)
        code = _error_code(answer.status, answer.body)
        if answer.status >= 500 or answer.status in RETRYABLE_STATUS:
            report.retried += 1
            return Outcome(item.key, RETRY, status=answer.status, error=code,
                           delay_s=backoff_s(item.attempts, self.backoff_base_s, self.backoff_max_s, self.rng))
        if item.key in live:
            report.refused[item.key] = (answer.status, answer.body)
            return Outcome(item.key, REFUSED, status=answer.status, error=code)
        report.conflicts.append((item.key, code))
        log.warning("queued %s %s refused by the platform (%s): kept as a conflict", item.kind, item.key[:8], code)
        return Outcome(item.key, CONFLICT, status=answer.status, error=code)
