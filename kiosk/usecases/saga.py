"""Settlement as a saga across three counterparts (issue 12): the HIS, the insurance platform and the
credit platform, each failing on its own. Every bill ends settled everywhere or nowhere.

A saga (outpatient: ``kiosk/usecases/outpatient.py``; discharge and registration alike) is a sequence of
steps, each a call to one counterpart with its own key: the insurance platform's ``msgid`` (from the
kiosk's stored sequence, a new one for every message: a retry is a new message), an idempotency key for
the HIS and the credit platform (the same key when a step is sent again). Each call is journaled in the
kiosk's journal (``offline_cache.sagas``: fsynced) *before* it is sent, and its answer after; so after a
crash, a timeout or a refusal, the journal says exactly which calls may have happened.

:class:`Run` is one sender driving one saga (a lease in the journal keeps the live path, the recovery at
start and the sync engine's sweep from driving a saga at once). :meth:`Run.insurance` and :meth:`Run.keyed`
make one call: ``sent`` journaled, the call, then ``done`` (its answer's facts), ``refused`` (the
counterpart said no: nothing was done; also an insurance message that was never sent) or ``unknown`` (no
answer: it may have been done). A failed call raises :class:`StepFailed`.

The crash tests stop a kiosk at every boundary: ``phase("saga:<kind>:<step>:sent")`` after a call is
journaled and before it goes out, ``phase("saga:<kind>:<step>:done")`` after its answer is journaled, ``:unknown``
or ``:refused`` after its loss or its refusal is journaled (``kiosk.usecases.writes.phase``: a no-op in the app).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.domain.errors import Refusal
from kiosk.domain.insurance import InsuranceRefused, InsuranceSystemError, SignInRenewed
from kiosk.usecases.writes import phase
from offline_cache.journal import new_key, new_owner
from offline_cache.sagas import Saga, Sagas

log = logging.getLogger("kiosk.saga")

LIVE_LEASE_S = 300.0  # longer than a saga's calls can take while the patient waits
RETRY_BASE_S, RETRY_MAX_S = 5.0, 600.0

#: Counterparts' "no answer" codes: the call may or may not have been done.
UNAVAILABLE = frozenset({"unavailable", "his_unavailable", "credit_unavailable"})


class StepFailed(Exception):
    """A step's call failed. ``nothing_done``: refused (or never sent): the counterpart did nothing;
    else no answer came and it may have been done. ``error``: the counterpart's refusal or failure."""

    def __init__(self, step: str, error: BaseException, *, nothing_done: bool):
        super().__init__(f"{step}: {getattr(error, 'code', type(error).__name__)}")
        self.step = step
        self.error = error
        self.nothing_done = nothing_done

    @property
    def code(self) -> str:
        return getattr(self.error, "code", "internal")


_LANES: dict[str, threading.RLock] = {}
_LANES_GUARD = threading.Lock()


def lane_lock(lane: str) -> threading.RLock:
    """One lock per lane (the account, else the patient) in this process: a bill the patient left is undone
    before the next one of theirs is prepared (the two run on workers of their own)."""
    with _LANES_GUARD:
        return _LANES.setdefault(lane, threading.RLock())


class SagaBusy(Exception):
    """Another sender drives this saga right now."""


def _outcome(error: BaseException) -> tuple[str, bool]:
    """(journal state, nothing done) of a failed call."""
    if isinstance(error, InsuranceRefused):
        return "refused", True
    if isinstance(error, InsuranceSystemError):
        return ("unknown", False) if error.outcome_unknown else ("refused", True)
    if isinstance(error, Refusal):
        return ("unknown", False) if error.code in UNAVAILABLE else ("refused", True)
    return "unknown", False


def _error_facts(error: BaseException) -> dict:
    facts = {"code": getattr(error, "code", type(error).__name__)}
    details = getattr(error, "details", None)
    if isinstance(details, dict):  # ids and amounts only (the counterparts' details name no person)
        facts["details"] = {k: v for k, v in details.items() if isinstance(v, (str, int, float, bool, type(None)))}
    return facts


@dataclass
class Engine:
    """What every saga is driven with: the journal's sagas, the kiosk's msgid sequence, its owner name."""

    sagas: Sagas
    msgids: Callable[[], str]
    owner: str = ""

    def __post_init__(self):
        self.owner = self.owner or new_owner()

    def run(self, saga_id: str, lease_s: float = LIVE_LEASE_S) -> Run:
        """Drive ``saga_id``: leased to this engine (:class:`SagaBusy` if another sender holds it)."""
        if not self.sagas.claim(saga_id, self.owner, lease_s):
            raise SagaBusy(saga_id)
        return Run(self, saga_id)


class Run:
    """One saga driven by one sender. ``saga``: the journal's record, as of the last call."""

    def __init__(self, engine: Engine, saga_id: str):
        self.engine = engine
        self.saga_id = saga_id
        self.saga: Saga = engine.sagas.get(saga_id)

    def close(self) -> None:
        self.engine.sagas.release(self.saga_id, self.engine.owner)

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the record ---------------------------------------------------------------------------------
    @property
    def facts(self) -> dict:
        return self.saga.facts

    def reload(self) -> Saga:
        self.saga = self.engine.sagas.get(self.saga_id)
        return self.saga

    def update(self, *, state: str | None = None, error: str | None = None, **facts) -> None:
        """Journal new facts (merged) and, when given, the saga's state."""
        merged = {**self.saga.facts, **facts} if facts else None
        self.engine.sagas.update(self.saga_id, facts=merged, state=state, error=error)
        self.reload()

    def later(self, error: str) -> None:
        """Leave the saga for the recovery, to try again after a backoff."""
        attempts = self.saga.attempts + 1
        delay = min(RETRY_MAX_S, RETRY_BASE_S * 2 ** min(attempts - 1, 10))
        self.engine.sagas.update(self.saga_id, error=error, attempts=attempts, next_at=time.time() + delay)
        self.reload()

    def done(self, step: str) -> dict | None:
        return self.saga.done(step)

    def last(self, step: str):
        return self.saga.last(step)

    def tried(self, step: str) -> bool:
        """A call of ``step`` may have reached the counterpart (sent, done or unknown)."""
        return any(s.step == step and s.state != "refused" for s in self.saga.steps)

    # -- calls ------------------------------------------------------------------------------------
    def insurance(self, step: str, send: Callable[[str], Any], answer: Callable[[Any], dict] = lambda _: {}) -> Any:
        """One insurance message under a new msgid (journaled first). A message refused because the sign-in
        had expired is sent once more under another (nothing was processed)."""
        for attempt in range(2):
            msgid = self.engine.msgids()
            try:
                return self._call(step, msgid, send, answer)
            except StepFailed as failed:
                if attempt == 0 and isinstance(failed.error, SignInRenewed):
                    continue
                raise
        raise AssertionError("unreachable")

    def keyed(self, step: str, send: Callable[[str], Any], answer: Callable[[Any], dict] = lambda _: {},
              key: str | None = None) -> Any:
        """One call to the HIS or the credit platform under the step's key: the key of its earlier call if
        there was one (sent again: done once), else a new one (``key``: a write's own, queued elsewhere)."""
        last = self.saga.last(step)
        key = key or (last.key if last is not None else new_key())
        return self._call(step, key, send, answer)

    def _call(self, step: str, key: str, send: Callable[[str], Any], answer: Callable[[Any], dict]) -> Any:
        sagas = self.engine.sagas
        seq = sagas.sent(self.saga_id, step, key)
        phase(f"saga:{self.saga.kind}:{step.split(':')[0]}:sent", self.saga_id)
        try:
            result = send(key)
        except Exception as error:  # journaled, then raised as the step's failure
            state, nothing_done = _outcome(error)
            sagas.answered(self.saga_id, seq, state, _error_facts(error))
            self.reload()
            phase(f"saga:{self.saga.kind}:{step.split(':')[0]}:{state}", self.saga_id)
            log.info("saga %s %s %s: %s", self.saga_id[:8], step, state, getattr(error, "code", type(error).__name__))
            if not isinstance(error, Refusal):
                raise
            raise StepFailed(step, error, nothing_done=nothing_done) from None
        sagas.answered(self.saga_id, seq, "done", answer(result))
        self.reload()
        phase(f"saga:{self.saga.kind}:{step.split(':')[0]}:done", self.saga_id)
        return result


class Recovery:
    """Drives the unfinished sagas to their end: at start (``all``), and from the sync engine's thread at each
    step (``sweep``: those whose next try is due). ``handlers``: each saga kind's ``recover(saga_id)``."""

    def __init__(self, engine: Engine, handlers: dict[str, Callable[[str], str]]):
        self.engine = engine
        self.handlers = handlers

    def sweep(self, due_only: bool = True) -> dict[str, str]:
        """Each open saga's state after one try (a saga another sender drives is left to it)."""
        states = {}
        for saga_id in self.engine.sagas.open_ids(due_only=due_only):
            saga = self.engine.sagas.get(saga_id)
            handler = self.handlers.get(saga.kind) if saga is not None else None
            if handler is None:
                continue
            try:
                states[saga_id] = handler(saga_id)
            except Exception:  # one saga's bug must not stop the others' recovery
                log.exception("saga %s: recovery failed", saga_id[:8])
                states[saga_id] = "error"
        return states

    def all(self) -> dict[str, str]:
        return self.sweep(due_only=False)
