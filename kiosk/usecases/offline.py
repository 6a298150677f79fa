"""Offline mode: what the kiosk may do when the platform does not answer.

- ``PlatformTransport``: the sync engine's way to the platform (``POST /v1/batch``, or one
  request per write for a platform without it) and its health probe.
- ``PatientCache``: what the kiosk last saw of a patient (patient, signed account
  snapshot, open visits), kept sealed under a blind index of the ID number; the account
  snapshot is trusted only if the platform's signature checks.
- ``offline_split``: the rules of credit offline. Only for an active account whose
  signed snapshot is younger than ``max_age_s``, never over the line the snapshot showed
  (less what this kiosk already booked and has not synced), up to ``txn_cap_fen`` per
  settlement and ``terminal_cap_fen`` of unsynced credit for the terminal; nothing paid
  on the spot (the payment channel needs the platform). Otherwise: the cashier.
- ``OfflineMode``: the above joined with the outbox and the sync engine for the use cases
  and the screens (status, conflicts and their resolution).

A bill is never offered offline once this kiosk has a write for it that the platform did
not refuse: the cache forgets the visits a settlement paid online (``paid_online``), and the
offline path also leaves out every visit of the account's writes that are queued, confirmed,
in conflict or resolved (``without_paid``), so a kiosk that died before it could update the
cache still does not offer the bill again (the platform would refuse it as already settled,
and a cashier's "Payment collected" would charge the patient twice).
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta

from kiosk.domain import clock, signing
from kiosk.domain.models import Patient, Visit, VisitItem
from kiosk.domain.settlement import CannotUseCredit, Split
from kiosk.platform import PlatformError, PlatformUnavailable
from kiosk.usecases.accounts import account_from
from kiosk.usecases.writes import phase
from offline_cache.journal import CONFLICT, DONE, PENDING, RESOLVED, CapExceeded, Journal
from offline_cache.sync import Answer, SyncEngine, SyncStatus, TransportDown

log = logging.getLogger("kiosk.offline")

CLOCK_SLACK_S = 60  # a snapshot "from the future" by more than this: the clock moved; not trusted


class OfflineRefused(CannotUseCredit):
    """Offline, this cannot be done at the kiosk: ``code`` says why (``offline_*``)."""


class NotSeenOffline(PlatformError):
    """Offline, and this patient was not seen here recently: nothing to show."""

    def __init__(self, code: str = "offline_unknown_patient"):
        super().__init__(code, "the platform is not answering and no snapshot is cached", 0)


@dataclass(frozen=True)
class OfflineLimits:
    max_age_s: int = 1800
    txn_cap_fen: int = 50_000
    terminal_cap_fen: int = 300_000

    @classmethod
    def from_settings(cls, settings) -> OfflineLimits:
        return cls(settings.offline_snapshot_max_age_s, settings.offline_txn_cap_fen,
                   settings.offline_terminal_cap_fen)


def offline_split(session, visits, limits: OfflineLimits, *, now: datetime, account_unsynced_fen: int = 0,
                  terminal_unsynced_fen: int | None = None) -> Split:
    """The split of an offline credit settlement, or ``OfflineRefused``. Pure."""
    account = session.account
    if account is None:
        raise OfflineRefused("offline_no_credit")
    if not account.active:
        raise OfflineRefused("offline_account_suspended")
    if account.overdue_fen > 0:
        raise OfflineRefused("offline_repay_first")
    age = (now - session.snapshot_at).total_seconds() if session.snapshot_at else None
    if age is None or age > limits.max_age_s or age < -CLOCK_SLACK_S:
        raise OfflineRefused("offline_snapshot_stale")
    total = sum(v.total_fen for v in visits)
    fund = sum(v.fund_fen for v in visits)
    personal = sum(v.personal_fen for v in visits)
    if personal > limits.txn_cap_fen:
        raise OfflineRefused("offline_over_txn_cap")
    if personal > account.available_fen - account_unsynced_fen:
        raise OfflineRefused("offline_over_line")
    if terminal_unsynced_fen is not None and terminal_unsynced_fen + personal > limits.terminal_cap_fen:
        raise OfflineRefused("offline_over_terminal_cap")
    return Split(total, fund, personal, personal, 0)


def offline_room(session, limits: OfflineLimits, *, now: datetime, account_unsynced_fen: int = 0,
                 terminal_unsynced_fen: int = 0) -> int:
    """How much of a bill may go on credit while the credit platform does not answer (the saga queues it): the
    same rules as :func:`offline_split` (an active account, nothing overdue, a fresh signed snapshot), the room
    the smallest of the line the snapshot showed less the credit queued on it since, the per-settlement cap and
    what the terminal's cap leaves. ``OfflineRefused`` when none may. Pure."""
    account = session.account
    if account is None:
        raise OfflineRefused("offline_no_credit")
    if not account.active:
        raise OfflineRefused("offline_account_suspended")
    if account.overdue_fen > 0:
        raise OfflineRefused("offline_repay_first")
    age = (now - session.snapshot_at).total_seconds() if session.snapshot_at else None
    if age is None or age > limits.max_age_s or age < -CLOCK_SLACK_S:
        raise OfflineRefused("offline_snapshot_stale")
    return max(0, min(account.available_fen - account_unsynced_fen, limits.txn_cap_fen,
                      limits.terminal_cap_fen - terminal_unsynced_fen))


# -- the platform, for the sync engine ------------------------------------------------------

class PlatformTransport:
    """``POST /v1/batch`` through a ``PlatformClient``; one request per write if the
    platform does not offer batches (or ``batch=False``: the benchmark's baseline)."""

    def __init__(self, client, *, batch: bool = True, probe_timeout_s: float = 3.0):
        self.client = client
        self.batch = batch
        self.probe_timeout_s = probe_timeout_s

    def healthy(self) -> bool:
        try:
            response = self.client.session.get(self.client.base_url + "/v1/health", timeout=self.probe_timeout_s)
        except Exception:  # noqa: BLE001 - any failure to reach it is "not healthy"
            return False
        with response:
            return response.status_code == 200

    def send(self, operations: list[dict]) -> list[Answer]:
        phase("sync", str(len(operations)))
        if self.batch:
            try:
                data = self.client.request("POST", "/v1/batch", {"operations": operations})
            except PlatformUnavailable as exc:
                raise TransportDown(exc.message) from None
            except PlatformError as exc:
                if exc.status == 404:  # an older platform: no batches
                    log.info("platform has no /v1/batch: one request per write")
                    self.batch = False
                else:  # a refused signature, a clock out of step, a batch too big
                    raise TransportDown(f"batch refused: {exc.code}") from None
            else:
                return [Answer(r["key"], r["status"], r["body"]) for r in data["results"]]
        answers = []
        for op in operations:
            try:
                data = self.client.request("POST", op["path"], op["body"], key=op["key"])
            except PlatformUnavailable as exc:
                if not answers:
                    raise TransportDown(exc.message) from None
                return answers  # the rest waits
            except PlatformError as exc:
                error = {"code": exc.code, "message": exc.message}
                if exc.details:
                    error["details"] = exc.details
                answers.append(Answer(op["key"], exc.status, {"error": error}))
            else:
                answers.append(Answer(op["key"], 200, data))
        return answers


# -- what the kiosk last saw ----------------------------------------------------------------

def _visit_record(v: Visit) -> dict:
    record = asdict(v)
    record["ended_at"] = v.ended_at.isoformat()
    return record


def _visit_from(record: dict) -> Visit:
    return Visit(**{**record, "ended_at": datetime.fromisoformat(record["ended_at"]),
                    "items": tuple(VisitItem(**i) for i in record["items"])})


class PatientCache:
    """Sessions as last seen, sealed, under a blind index of the ID number."""

    def __init__(self, cache, snapshot_key: bytes):
        self.cache = cache  # offline_cache.cache.SnapshotCache
        self.snapshot_key = snapshot_key

    def remember(self, id_number: str, session, account_data: dict | None) -> None:
        if account_data is not None and not signing.verify_snapshot(self.snapshot_key, account_data):
            log.warning("account snapshot without a valid platform signature: not cached")
            account_data = None
        patient = asdict(session.patient)
        patient["birth_date"] = session.patient.birth_date.isoformat()
        record = {"patient": patient, "account": account_data,
                  "visits": [_visit_record(v) for v in session.visits]}
        self.cache.remember(id_number, record, session.snapshot_at or clock.now())

    def recall(self, id_number: str, held_fen: int = 0, confirmed_fen: int = 0):
        """The session as last seen, marked offline; its account only if the signature
        checks, its available line less ``held_fen`` (credit this kiosk has queued, not yet
        confirmed: the session's ``held_fen``) and ``confirmed_fen`` (credit the platform
        confirmed to this kiosk after the snapshot was taken)."""
        from kiosk.usecases.identify import PatientSession

        found = self.cache.recall(id_number)
        if found is None:
            raise NotSeenOffline()
        record, fetched_at = found
        p = record["patient"]
        patient = Patient(**{**p, "birth_date": date.fromisoformat(p["birth_date"])})
        data = record.get("account")
        account = None
        if data is not None and signing.verify_snapshot(self.snapshot_key, data):
            account = account_from(data)
            since = held_fen + confirmed_fen
            account = replace(account, available_fen=max(0, account.available_fen - since),
                              used_fen=account.used_fen + since)
        elif data is not None:
            log.warning("cached account snapshot fails its signature: not used")
            held_fen = 0
        visits = tuple(_visit_from(v) for v in record.get("visits", ()))
        return PatientSession(patient, account, visits, offline=True, snapshot_at=fetched_at, held_fen=held_fen)

    def forget_visits(self, id_number: str, visit_ids) -> None:
        gone = set(visit_ids)
        self.cache.update(id_number, lambda r: {**r, "visits": [v for v in r["visits"] if v["visit_id"] not in gone]})


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


@dataclass(frozen=True)
class ExpiredView:
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
        from kiosk.domain.idnumber import mask_id, mask_name

        views = []
        for c in self.outbox.conflicts("open"):
            who = c.who or {}
            body = c.body or {}
            views.append(ConflictView(c.id, c.kind, c.code, c.credit_fen,
                                      mask_name(who["name"]) if who.get("name") else "—",
                                      mask_id(who["id_number"]) if who.get("id_number") else "—",
                                      c.queued_at, c.created_at, _visits_of(body), c.lane))
        return views

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


# -- training: a switch on the link to the embedded platform ---------------------------------

class TrainingLink:
    """Training and demo only: cut the kiosk's link to its embedded sandbox, as a broken
    network would. While cut, every request of the clients it is fitted to fails as a
    refused connection (nothing reaches the platform); ``restore`` mends it."""

    def __init__(self):
        self.cut = False

    def fit(self, client) -> None:
        client.session.cut_when(lambda: self.cut)  # kiosk.connections: a refused connection while cut

    def break_link(self) -> None:
        self.cut = True

    def restore(self) -> None:
        self.cut = False
