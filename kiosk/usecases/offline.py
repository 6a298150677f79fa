"""Offline mode, the use case: what the kiosk may do when the credit platform does not answer, the outbox,
the sync engine and the cache of what it last saw joined for the other use cases and the screens (status,
conflicts and their resolution). Split by layer (issue 12):

- ``kiosk.domain.offline``: the rules of credit offline (``OfflineLimits``, ``offline_split``,
  ``offline_room``, ``OfflineRefused``), pure;
- ``kiosk.adapters.sync_transport``: the sync engine's way to the platform (``PlatformTransport``: ``POST
  /v1/batch``, or one request per write) and its health probe; ``TrainingLink``;
- ``kiosk.usecases.patient_cache``: what the kiosk last saw of a patient, sealed, and its codec
  (``PatientCache``, ``NotSeenOffline``);
- here, ``OfflineMode``.

A bill is never offered offline once this kiosk has a write for it that the platform did
not refuse: the cache forgets the visits a settlement paid online (``paid_online``), and the
offline path also leaves out every visit of the account's writes that are queued, confirmed,
in conflict or resolved (``without_paid``), so a kiosk that died before it could update the
cache still does not offer the bill again (the platform would refuse it as already settled,
and a cashier's "Payment collected" would charge the patient twice).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kiosk.domain import clock
from kiosk.domain.offline import OfflineLimits, OfflineRefused, offline_check, offline_room, offline_split
from kiosk.domain.settlement import Split
from kiosk.usecases.patient_cache import NotSeenOffline, PatientCache
from kiosk.usecases.writes import phase
from offline_cache.journal import CONFLICT, DONE, PENDING, RESOLVED, CapExceeded, Journal
from offline_cache.sync import SyncEngine, SyncStatus

log = logging.getLogger("kiosk.offline")


# -- the conflicts, for the cashier desk ------------------------------------------------------

@dataclass(frozen=True)
class ConflictView:
    """One conflict as the cashier sees it: masked identity, what, how much, why."""

    conflict_id: int
    kind: str
    code: str
    credit_fen: int
    masked_name: str
    masked_id: str
    queued_at: datetime | None
    refused_at: datetime
    visits: tuple[str, ...]  # the visits a settlement was about
    lane: str  # the account (else the patient) it booked on
    what: str = ""  # the booking's kind (outpatient, inpatient, registration), else the write's
    resolution: str | None = None  # closed: how (``cancelled``: its bill cancelled, nothing to collect)
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class ExpiredView:
    """A queued write the platform never answered in time, for the cashier's conflicts screen."""

    key: str
    kind: str
    credit_fen: int
    queued_at: datetime
    attempts: int
    last_error: str


class OfflineMode:
    """The offline parts together: the outbox, the sync engine, the patient cache, limits."""

    def __init__(self, outbox: Journal, sync: SyncEngine, cache: PatientCache | None, limits: OfflineLimits,
                 expiry_s: float):
        self.outbox = outbox
        self.sync = sync
        self.cache = cache
        self.limits = limits
        self.expiry_s = expiry_s
        self.audit = None  # (action, details, operator_id) -> record: the desk's audit log

    def close(self) -> None:
        """Stop the sync thread; close its client and the cache (the outbox is the services')."""
        self.sync.stop()
        transport = self.sync.transport
        if hasattr(transport, "client"):
            transport.client.close()
        if self.cache is not None:
            self.cache.cache.close()

    @property
    def online(self) -> bool:
        return self.sync.online

    def status(self) -> SyncStatus:
        return self.sync.status()

    # identify --------------------------------------------------------------
    def recall(self, id_number: str):
        phase("identify")
        if self.cache is None:
            raise NotSeenOffline()
        found = self.cache.cache.recall(id_number)
        lane = ((found[0].get("account") or {}).get("account_id") if found else None)
        held = self.outbox.unsynced_credit(lane) if lane else 0
        confirmed = self.confirmed_since(lane, found[1]) if lane else 0
        return self.without_paid(self.cache.recall(id_number, held, confirmed))

    def confirmed_since(self, account_id: str, snapshot_at: datetime) -> int:
        """The credit this kiosk booked on the account, confirmed after a snapshot taken at ``snapshot_at`` (so
        not counted in it): writes the platform confirmed since (a bill paid online a moment ago) and the
        settlement sagas' bookings since. With the credit still queued, the line offered offline is the
        snapshot's less these."""
        from offline_cache.sagas import Sagas

        return (self.outbox.confirmed_credit_since(account_id, snapshot_at)
                + Sagas(self.outbox).booked_since(account_id, snapshot_at))

    def without_queued(self, session):
        """Online: the platform's open visits less those whose settlement is still queued
        here (a bill already paid, waiting to be sent, is not offered again)."""
        return _without(session, self.outbox.pending_bodies(_lane_of(session)))

    def without_paid(self, session):
        """Offline: the visits as last seen less every visit of a write of this account that
        the platform did not refuse — queued, confirmed, in conflict or resolved at the desk.
        The snapshot may predate a settlement made here, online or offline."""
        return _without(session, self.outbox.bodies(_lane_of(session), (PENDING, DONE, CONFLICT, RESOLVED)))

    def remember(self, id_number: str, session, account_data: dict | None) -> None:
        phase("identify")
        if self.cache is not None:
            self.cache.remember(id_number, session, account_data)

    def paid_online(self, session, visit_ids) -> None:
        """A settlement of these visits was confirmed (or left pending for the queue): the
        cache forgets them. Never raises: the payment stands, and ``without_paid`` still
        leaves them out offline."""
        if self.cache is None or not session.patient.id_number:
            return
        try:
            self.cache.forget_visits(session.patient.id_number, visit_ids)
        except Exception:  # a cache fault must not turn a payment into an error
            log.exception("the offline cache could not forget the visits of a settlement")

    # settle ----------------------------------------------------------------
    def settle(self, writes, session, visits) -> tuple[str, Split]:
        """Queue a credit settlement offline if the limits allow it: (key, split)."""
        account = session.account
        lane = account.account_id if account else None
        unsynced_lane = self.outbox.unsynced_credit(lane) if lane else 0
        split = offline_split(session, visits, self.limits, now=clock.now(),
                              account_unsynced_fen=max(0, unsynced_lane - session.held_fen))
        body = {"patient_id": session.patient.patient_id, "account_id": lane,
                "visit_ids": [v.visit_id for v in visits]}
        try:
            key = writes.queue("settlement", "/v1/settlements", body, lane=lane, credit_fen=split.booked_fen,
                               who=who_of(session), credit_cap_fen=self.limits.terminal_cap_fen)
        except CapExceeded:
            raise OfflineRefused("offline_over_terminal_cap") from None
        if self.cache is not None and session.patient.id_number:
            self.cache.forget_visits(session.patient.id_number, body["visit_ids"])
        return key, split

    def credit_room(self, session) -> tuple[int, str | None, datetime | None]:
        """For the settlement saga, the credit platform not answering: (the room on credit within the offline
        caps, why there is none: an ``offline_*`` code, until when the snapshot it rests on is fresh)."""
        account = session.account
        lane = account.account_id if account else None
        unsynced_lane = self.outbox.unsynced_credit(lane) if lane else 0
        try:
            room = offline_room(session, self.limits, now=clock.now(),
                                account_unsynced_fen=max(0, unsynced_lane - session.held_fen),
                                terminal_unsynced_fen=self.outbox.unsynced_credit())
        except OfflineRefused as refused:
            return 0, refused.code, None
        return room, None, session.snapshot_at + timedelta(seconds=self.limits.max_age_s)

    def credit_refusal(self, session, amount_fen: int) -> str | None:
        """Why ``amount_fen`` (a whole fee: a registration's) may not go on credit while the credit platform does
        not answer: the first offline rule it breaks (``offline_*``), the same rules and the same unsynced credit
        as :meth:`credit_room`; None when it may."""
        account = session.account
        lane = account.account_id if account else None
        unsynced_lane = self.outbox.unsynced_credit(lane) if lane else 0
        try:
            offline_check(session, amount_fen, self.limits, now=clock.now(),
                          account_unsynced_fen=max(0, unsynced_lane - session.held_fen),
                          terminal_unsynced_fen=self.outbox.unsynced_credit())
        except OfflineRefused as refused:
            return refused.code
        return None

    def queue_booking(self, session_facts: dict, path: str, body: dict, credit_fen: int, who: dict | None, *,
                      key: str | None = None) -> str:
        """The personal part of a bill whose fund part settled while the credit platform did not answer, queued
        as a keyed write (``POST /v1/bookings``, the credit port's ``booking_write``): sent when it answers again,
        once; refused: a conflict for the cashier. ``CapExceeded`` past the terminal's cap. Returns the outbox key."""
        key = self.outbox.enqueue("booking", path, body, lane=session_facts["account_id"],
                                  credit_fen=credit_fen, who=who, offline=True, key=key,
                                  credit_cap_fen=self.limits.terminal_cap_fen)
        phase("journal", key)
        log.info("booking %s queued for the credit platform", key[:8])
        self.sync.wake()
        return key

    # the cashier desk --------------------------------------------------------
    def conflicts(self) -> list[ConflictView]:
        return [_view(c) for c in self.outbox.conflicts("open")]

    def cancelled_conflicts(self) -> list[ConflictView]:
        """The conflicts closed today because their bill was cancelled (a registration cancelled at the kiosk after
        the platform refused its fee): nothing to collect; listed for the cashier, with nothing to do."""
        today = clock.business_date(clock.now())
        return [_view(c) for c in self.outbox.conflicts("resolved") if c.resolution == "cancelled"
                and c.resolved_at is not None and clock.business_date(c.resolved_at) == today]

    def conflict_cancelled(self, key: str, why: str) -> bool:
        """The bill the queued write ``key`` was for is cancelled, after the platform refused the write (a
        registration cancelled at the kiosk, its fee never booked): nothing is left to collect, so its open conflict
        is closed as ``cancelled`` by the kiosk, into the audit log first (as a cashier's resolution). ``why``: the
        saga's kind. False when no conflict of ``key`` is open (none, or the cashier resolved it)."""
        conflict = next(iter(self.outbox.conflicts("open", key=key)), None)
        if conflict is None:
            return False
        if self.audit is not None:
            body = conflict.body or {}
            self.audit("conflict_cancelled", {
                "conflict_id": conflict.id, "key": conflict.key, "kind": conflict.kind, "code": conflict.code,
                "credit_fen": conflict.credit_fen, "cancelled": why, "visit_ids": list(_visits_of(body)),
                "account_id": body.get("account_id")}, CANCELLED_BY)
        try:
            self.outbox.resolve(conflict.id, "cancelled", CANCELLED_BY)  # only while open: the cashier's or this
        except LookupError:  # the cashier resolved it in the instant since it was read: theirs stands
            log.warning("conflict %d: resolved at the desk as its %s was cancelled", conflict.id, why)
            if self.audit is not None:  # the line above in the audit log did not take effect
                self.audit("conflict_cancel_lost", {"conflict_id": conflict.id, "key": conflict.key}, CANCELLED_BY)
            return False
        log.info("conflict %d closed: its %s was cancelled", conflict.id, why)
        self.sync.wake()  # new counts for the banner
        return True

    def conflict_resolution(self, key: str) -> str | None:
        """How the conflict of the queued write ``key`` was closed (``payment_collected``, ``settled_elsewhere``,
        ``cancelled``); None while it is open, or when there is none."""
        conflict = next(iter(self.outbox.conflicts(None, key=key)), None)
        return conflict.resolution if conflict is not None else None

    def expired(self) -> list[ExpiredView]:
        now = clock.now()
        return [ExpiredView(e.key, e.kind, e.credit_fen, e.created_at, e.attempts, e.last_error or "")
                for e in self.outbox.pending() if (now - e.created_at).total_seconds() > self.expiry_s]

    def resolve(self, conflict_id: int, resolution: str, operator_id: str) -> None:
        """``payment_collected`` or ``settled_elsewhere``: into the desk's audit log first
        (a crash in between leaves the conflict open, to be resolved again: the log never
        misses a resolution), then out of the open conflicts."""
        conflict = next((c for c in self.outbox.conflicts("open") if c.id == conflict_id), None)
        if conflict is None:
            raise LookupError("no open conflict with this id")
        if self.audit is not None:
            body = conflict.body or {}
            self.audit("conflict_" + resolution, {
                "conflict_id": conflict.id, "key": conflict.key, "kind": conflict.kind, "code": conflict.code,
                "credit_fen": conflict.credit_fen, "visit_ids": body.get("visit_ids") or [],
                "account_id": body.get("account_id")}, operator_id)
        self.outbox.resolve(conflict_id, resolution, operator_id)
        self.sync.wake()  # new counts for the banner


#: Who closes a conflict whose bill was cancelled at the kiosk (the audit log's operator: no cashier did).
CANCELLED_BY = "kiosk"


def _view(c) -> ConflictView:
    """One conflict as the cashier sees it: the name and ID masked."""
    from kiosk.domain.idnumber import mask_id, mask_name

    who, body = c.who or {}, c.body or {}
    return ConflictView(c.id, c.kind, c.code, c.credit_fen, mask_name(who["name"]) if who.get("name") else "—",
                        mask_id(who["id_number"]) if who.get("id_number") else "—", c.queued_at, c.created_at,
                        _visits_of(body), c.lane, what=body.get("kind") or c.kind, resolution=c.resolution,
                        resolved_at=c.resolved_at)


def _lane_of(session) -> str:
    return session.account.account_id if session.account else session.patient.patient_id


def _visits_of(body: dict) -> tuple[str, ...]:
    """The visits a queued write was about: a settlement's ``visit_ids``, a booking's bills' visits."""
    if body.get("visit_ids"):
        return tuple(body["visit_ids"])
    return tuple(b.get("visit_id") or b["his_bill_id"] for b in body.get("bills") or ())


def _without(session, bodies):
    """The session without the visits named by these write bodies."""
    paid = {v for body in bodies for v in body.get("visit_ids") or ()}
    if not paid:
        return session
    return replace(session, visits=tuple(v for v in session.visits if v.visit_id not in paid))


def who_of(session) -> dict:
    """Who a queued write is for, for the cashier if it ever conflicts (sealed at rest)."""
    p = session.patient
    return {"name": p.name, "id_number": p.id_number}


__all__ = ["ConflictView", "ExpiredView", "NotSeenOffline", "OfflineLimits", "OfflineMode", "OfflineRefused",
           "PatientCache", "offline_room", "offline_split", "who_of"]
