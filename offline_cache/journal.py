"""The durable outbox of platform writes (it began as the journal, and keeps its file).

Every write is committed here (WAL, ``synchronous=FULL``: fsynced) with its idempotency
key *before* the platform is called, and leaves the queue only when the platform has
answered: ``done`` (kept for the day's reconciliation, pruned after ``KEEP_DAYS``),
``refused`` (a refusal the patient saw on the spot) or ``conflict`` (a refusal met later,
by the sync: it goes to the conflicts list for the cashier and is never dropped). If the
process dies in between, the item is still ``pending`` and is sent again with the same
key, so the platform applies it once.

Order: items carry a ``lane`` (the account they touch, else the patient) and a global
``seq``; a lane's items are sent in ``seq`` order and a lane never overtakes its head.

Two senders on one file (the live path and the sync thread, or two processes): an item is
*claimed* inside a ``BEGIN IMMEDIATE`` transaction by writing a lease (owner, until). A
lease held by a live owner is respected; a lease whose owner process is gone, or that
has run out, may be taken over.

Personal data: the path, the body (a consent holds a phone number) and who the write is for
(name and ID number, for the cashier's conflicts list) are sealed together with AES-GCM
(``offline_cache.crypto``);
the clear columns hold only opaque ids (the lane), amounts, states and times. Without the
data key (``kiosk-admin queue``) the metadata can still be read.
"""
from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from offline_cache.crypto import SealBroken, Sealer
from offline_cache.db import Database

PENDING, DONE, REFUSED, CONFLICT, RESOLVED = "pending", "done", "refused", "conflict", "resolved"
RETRY = "retry"  # a verdict of the sync, not a state: the item stays pending
KEEP_DAYS = 45  # done and refused items are kept for reconciliation, then pruned

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
    """
    CREATE TABLE outbox (
        seq         INTEGER PRIMARY KEY,
        key         TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL,
        lane        TEXT NOT NULL DEFAULT '',
        state       TEXT NOT NULL DEFAULT 'pending',
        sealed      BLOB,
        payload     TEXT NOT NULL DEFAULT '',
        result      TEXT,
        credit_fen  INTEGER NOT NULL DEFAULT 0,
        offline     INTEGER NOT NULL DEFAULT 0,
        attempts    INTEGER NOT NULL DEFAULT 0,
        next_at     REAL NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until REAL NOT NULL DEFAULT 0,
        last_error  TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    INSERT INTO outbox (seq, key, kind, state, payload, result, attempts, created_at, updated_at)
        SELECT rowid, key, kind, state, payload, result, attempts, created_at, updated_at FROM journal ORDER BY rowid;
    DROP TABLE journal;
    ALTER TABLE outbox RENAME TO journal;
    CREATE INDEX journal_queue ON journal(lane, seq) WHERE state = 'pending';
    CREATE INDEX journal_done ON journal(updated_at) WHERE state = 'done';
    CREATE TABLE conflicts (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        key         TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL,
        lane        TEXT NOT NULL,
        credit_fen  INTEGER NOT NULL,
        code        TEXT NOT NULL,
        http_status INTEGER NOT NULL,
        status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        resolution  TEXT,
        operator    TEXT,
        created_at  TEXT NOT NULL,
        resolved_at TEXT
    );
    """,
    # 3: counters the kiosk keeps across restarts (the insurance port's msgid sequence, issue 12)
    """
    CREATE TABLE sequences (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
    """,
    # 4: the settlement sagas across the three counterparts, step by step (offline_cache.sagas, issue 12)
    """
    CREATE TABLE sagas (
        saga_id       TEXT PRIMARY KEY,
        kind          TEXT NOT NULL,
        state         TEXT NOT NULL,
        lane          TEXT NOT NULL DEFAULT '',
        facts         TEXT NOT NULL,
        sealed        BLOB,
        business_date TEXT NOT NULL,
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_at       REAL NOT NULL DEFAULT 0,
        lease_owner   TEXT,
        lease_until   REAL NOT NULL DEFAULT 0,
        last_error    TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE INDEX sagas_open ON sagas(next_at) WHERE state IN ('prepared', 'confirmed', 'undoing');
    CREATE INDEX sagas_by_day ON sagas(business_date);
    CREATE TABLE saga_steps (
        saga_id    TEXT NOT NULL REFERENCES sagas (saga_id),
        seq        INTEGER NOT NULL,
        step       TEXT NOT NULL,
        key        TEXT NOT NULL,
        state      TEXT NOT NULL CHECK (state IN ('sent', 'done', 'refused', 'unknown')),
        answer     TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (saga_id, seq)
    );
    CREATE INDEX saga_steps_by_step ON saga_steps(saga_id, step);
    """,
]

#: How a conflict ends: the cashier collected the amount, or found it settled another way; or the bill it was for
#: was cancelled (a registration cancelled at the kiosk: nothing left to collect), closed by the cancel itself.
RESOLUTIONS = ("payment_collected", "settled_elsewhere", "cancelled")
_COLUMNS = ("key, kind, lane, seq, sealed, payload, attempts, next_at, lease_owner, lease_until, created_at, "
            "credit_fen, offline")


class CapExceeded(Exception):
    """Queuing this credit would take the terminal's unsynced credit over its cap."""

    def __init__(self, unsynced_fen: int):
        super().__init__("terminal cap on unsynced credit reached")
        self.unsynced_fen = unsynced_fen


@dataclass(frozen=True)
class Entry:
    """An outbox entry as IT and the cashier see it (``payload`` None without the data key)."""

    key: str
    kind: str
    payload: dict | None  # {"path", "body", "who"}: None without the data key
    state: str
    result: dict | None
    attempts: int
    created_at: datetime
    updated_at: datetime
    lane: str = ""
    seq: int = 0
    credit_fen: int = 0
    offline: bool = False
    last_error: str | None = None


@dataclass(frozen=True)
class Item:
    """A claimed item, opened: what the sync sends."""

    key: str
    kind: str
    lane: str
    seq: int
    path: str
    body: dict
    attempts: int
    created_at: datetime
    credit_fen: int
    offline: bool
    #: The length in UTF-8 of ``{"key","method","path","body"}`` as a batch carries it, at most (the sealed
    #: text's, which holds path and body in the same compact JSON, and ``who`` besides); 0: not known.
    size: int = 0


@dataclass(frozen=True)
class Outcome:
    """What became of a sent item: ``verdict`` DONE, REFUSED, CONFLICT or RETRY."""

    key: str
    verdict: str
    status: int = 0
    data: dict | None = None  # the platform's answer
    error: str = ""  # a refusal's code, or why a retry is needed
    delay_s: float = 0.0  # RETRY: not before this many seconds


@dataclass(frozen=True)
class Counts:
    """The outbox in numbers, for the offline banner and the heartbeat."""

    queued: int
    unsynced_credit_fen: int
    conflicts: int
    expired: int
    oldest_at: datetime | None


@dataclass(frozen=True)
class Conflict:
    """A queued write the platform refused once it answered, kept for the cashier (never dropped)."""

    id: int
    key: str
    kind: str
    lane: str
    credit_fen: int
    code: str
    status: str
    created_at: datetime
    queued_at: datetime | None
    who: dict | None  # name, id_number (sealed at rest); None without the data key
    body: dict | None
    resolution: str | None = None
    resolved_at: datetime | None = None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


_second: tuple[int, str] = (-1, "")  # the last whole second formatted: (Unix seconds, "YYYY-MM-DDTHH:MM:SS")


def _now() -> str:
    """Now in UTC, ISO 8601 to the microsecond ("2026-01-02T03:04:05.678901+00:00", as
    ``datetime.isoformat`` writes it, and at a whole second too: the width never changes). The
    date and time to the second are formatted once a second: a few microseconds less per write."""
    global _second
    second, micro = divmod(time.time_ns() // 1000, 1_000_000)
    cached = _second
    if cached[0] != second:
        cached = _second = (second, datetime.fromtimestamp(second, UTC).isoformat()[:19])
    return f"{cached[1]}.{micro:06d}+00:00"


def new_key() -> str:
    """A fresh idempotency key: 128 random bits, hex."""
    return os.urandom(16).hex()


def new_owner() -> str:
    """A lease owner: this host and process, and a token for the sender within it."""
    return f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


def owner_alive(owner: str) -> bool:
    """False only when the owner is a process of this host that no longer exists."""
    host, _, rest = owner.partition("/")
    pid_text = rest.partition("/")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return True  # not ours to judge: wait for the lease to run out
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def summarize(data: dict) -> dict:
    """What reconciliation needs of an answer: its reference and amounts (no personal data)."""
    return {
        "reference": data.get("reference", ""),
        "amounts": {k: v for k, v in data.items() if k.endswith("_fen") and isinstance(v, int)},
        "channel": data.get("channel"),
    }


def lane_of(body: dict) -> str:
    """Writes to one account are applied in order: the lane is the account, else the
    patient, else the object written to; the rest share one lane."""
    for field in ("account_id", "patient_id", "payer_patient_id", "settlement_id", "bill_id"):
        value = body.get(field)
        if isinstance(value, str) and value:
            return value
    return "-"


_RESULT_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _dumps(obj) -> str:
    return _RESULT_JSON.encode(obj)


#: What is sealed: compact UTF-8 JSON, by one encoder made once (``json.dumps`` with options
#: makes an encoder per call, a few microseconds of every enqueue). Without the check for
#: circular references: a body is data from the use cases, and one that held itself would
#: still raise (RecursionError) before anything is written.
_SEALED_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)
_INSERT = ("INSERT INTO journal(key, kind, sealed, lane, credit_fen, offline, lease_owner, lease_until, created_at, "
           "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


class Journal:
    """The outbox. ``sealer`` (the data key) is needed to queue and to send; without it the
    queue's metadata can be read (``kiosk-admin queue``)."""

    def __init__(self, path: Path | str, sealer: Sealer | None = None):
        self.db = Database(path, _MIGRATIONS)
        self.sealer = sealer
        self._floor: int | None = None  # see _queue_in_order
        if sealer is not None:
            self._seal_legacy()

    def close(self) -> None:
        self.db.close()

    # -- sealing -------------------------------------------------------------
    def _seal(self, key: str, content: dict) -> bytes:
        if self.sealer is None:
            raise RuntimeError("the outbox was opened without the data key")
        return self.sealer.seal(_SEALED_JSON.encode(content).encode(), key.encode())

    def _open(self, key: str, sealed: bytes | None, payload: str = "") -> dict | None:
        text = self._open_text(key, sealed, payload)
        return json.loads(text) if text else None

    def _open_text(self, key: str, sealed: bytes | None, payload: str = "") -> str:
        """The sealed JSON text ("" for none: a journal entry from before sealing holds it in clear in
        ``payload``; without the data key, "")."""
        if sealed is None:
            return payload
        if self.sealer is None:
            return ""
        return self.sealer.open(sealed, key.encode()).decode()

    def _seal_legacy(self) -> None:
        """Entries written before the outbox sealed them held path and body in clear."""
        with self.db.transaction() as conn:
            rows = conn.execute("SELECT key, payload FROM journal WHERE sealed IS NULL AND payload != ''").fetchall()
            for row in rows:
                content = json.loads(row["payload"])
                conn.execute("UPDATE journal SET sealed = ?, payload = '', lane = ? WHERE key = ?",
                             (self._seal(row["key"], content), lane_of(content.get("body") or {}), row["key"]))

    # -- counters ----------------------------------------------------------------
    def next_in(self, name: str, start: int = 0) -> int:
        """The next value of the counter ``name`` (``start`` + 1 the first time), committed (fsynced)
        before it is returned: a value is never handed out twice, across restarts and processes."""
        with self.db.transaction() as conn:
            row = conn.execute("INSERT INTO sequences (name, value) VALUES (?, ? + 1) ON CONFLICT (name) DO UPDATE "
                               "SET value = value + 1 RETURNING value", (name, start)).fetchone()
        return row[0]

    # -- queuing --------------------------------------------------------------
    def enqueue(self, kind: str, path: str, body: dict, *, lane: str | None = None, credit_fen: int = 0,
                offline: bool = False, who: dict | None = None, key: str | None = None,
                owner: str | None = None, lease_s: float = 0.0, credit_cap_fen: int | None = None) -> str:
        """Commit a write (fsynced) before it is sent; ``owner``: leased to that sender at once
        (the live path sends it itself). ``credit_cap_fen``: refuse (``CapExceeded``) if the
        terminal's unsynced credit would go over it. Returns the idempotency key."""
        key = key or new_key()
        sealed = self._seal(key, {"path": path, "body": body, "who": who} if who else {"path": path, "body": body})
        stamp = _now()
        row = (key, kind, sealed, lane or lane_of(body), credit_fen, int(offline), owner,
               time.time() + lease_s if owner else 0.0, stamp, stamp)
        if credit_cap_fen is None or not credit_fen:
            # One statement is its own transaction: committed (WAL, synchronous=FULL: fsynced)
            # when it returns, as BEGIN IMMEDIATE … COMMIT would be, with two statements fewer.
            self.db.write(_INSERT, row)
            return key
        with self.db.transaction() as conn:  # the cap is read and the item written in one transaction
            unsynced = self._unsynced(conn)
            if unsynced + credit_fen > credit_cap_fen:
                raise CapExceeded(unsynced)
            conn.execute(_INSERT, row)
        return key

    @staticmethod
    def _unsynced(conn, lane: str | None = None) -> int:
        """Credit booked by this terminal that the platform has not confirmed: pending items
        and open conflicts."""
        lane_sql, args = ("AND lane = ?", (lane,)) if lane else ("", ())
        pending = conn.execute(f"SELECT COALESCE(SUM(credit_fen), 0) FROM journal INDEXED BY journal_queue "
                               f"WHERE state = 'pending' {lane_sql}", args).fetchone()[0]
        conflicts = conn.execute(f"SELECT COALESCE(SUM(credit_fen), 0) FROM conflicts WHERE status = 'open' "
                                 f"{lane_sql}", args).fetchone()[0]
        return pending + conflicts

    def unsynced_credit(self, lane: str | None = None) -> int:
        with self.db.reading() as conn:
            return self._unsynced(conn, lane)

    def confirmed_credit_since(self, lane: str, since: datetime) -> int:
        """Credit of ``lane`` the platform confirmed to this terminal at or after ``since`` (a snapshot of the
        account taken before then does not count it yet)."""
        with self.db.reading() as conn:
            return conn.execute("SELECT COALESCE(SUM(credit_fen), 0) FROM journal INDEXED BY journal_done "
                                "WHERE state = 'done' AND updated_at >= ? AND lane = ?",
                                (since.astimezone(UTC).isoformat(), lane)).fetchone()[0]

    # -- claiming and finishing ------------------------------------------------
    @staticmethod
    def _free(row, now: float) -> bool:
        """Unleased, or its lease ran out, or its owner process is gone. An item leased by the
        claiming owner itself is not free either: two threads of one engine never share it."""
        holder = row["lease_owner"]
        return holder is None or row["lease_until"] < now or not owner_alive(holder)

    def claim(self, owner: str, *, limit: int, lease_s: float, lane: str | None = None,
              now: float | None = None) -> list[Item]:
        """Lease up to ``limit`` due items (of ``lane``), oldest lanes first, each lane from its
        head in order: a lane whose head is leased by another live sender, or is backing off,
        waits whole; a lane is never entered past an item that is not free."""
        now = time.time() if now is None else now
        with self.db.transaction() as conn:
            if lane is not None:
                rows = conn.execute(f"SELECT {_COLUMNS} FROM journal WHERE state = 'pending' AND lane = ? "
                                    "ORDER BY seq LIMIT ?", (lane, limit))
            else:
                rows = self._queue_in_order(conn, max(limit, 32))
            taken = self._heads(rows, limit, now)
            if taken:
                stamp, until = _now(), now + lease_s
                conn.executemany(  # by seq, the rowid: no search of the key's index
                    "UPDATE journal SET lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ? "
                    "WHERE seq = ?", [(owner, until, stamp, row["seq"]) for row in taken])
        items = []
        for row in taken:
            key = row["key"]
            text = self._open_text(key, row["sealed"], row["payload"])
            content = json.loads(text)
            # the batch's {"key":"…","method":"POST", + the sealed text from its "path" on: the op's length, or
            # more by the sealed "who" (never sent)
            items.append(Item(key, row["kind"], row["lane"], row["seq"], content["path"], content["body"],
                              row["attempts"] + 1, datetime.fromisoformat(row["created_at"]), row["credit_fen"],
                              bool(row["offline"]), len(text.encode()) + len(key.encode()) + 25))
        return items

    def _queue_in_order(self, conn, chunk: int):
        """Pending rows in ``seq`` order, read ``chunk`` at a time (a claim's limit, 32 at least:
        when every lane is free, one read of as many rows as it takes) from the oldest pending
        one (``seq`` is the rowid).

        ``_floor``: no pending item has a lower ``seq``. Items only leave the queue, and new
        ones get a higher ``seq`` (SQLite gives max + 1, and ``prune`` always keeps the
        newest row so that no rowid is ever given twice), so the floor only rises."""
        if self._floor is None:
            first = conn.execute("SELECT MIN(seq) FROM journal INDEXED BY journal_queue "
                                 "WHERE state = 'pending'").fetchone()[0]
            if first is None:
                return
            self._floor = first
        last, lowest = self._floor - 1, None
        while True:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM journal WHERE seq > ? AND state = 'pending' "
                                "ORDER BY seq LIMIT ?", (last, chunk)).fetchall()
            if rows and lowest is None:
                lowest = self._floor = rows[0]["seq"]
            yield from rows
            if len(rows) < chunk:
                return
            last = rows[-1]["seq"]

    def _heads(self, rows, limit: int, now: float) -> list:
        taken, lanes = [], {}  # lane -> still taking (True) or waiting (False)
        for row in rows:
            taking = lanes.get(row["lane"])
            if taking is False:
                continue
            free = self._free(row, now) and (taking or row["next_at"] <= now)  # the head also must be due
            lanes[row["lane"]] = free
            if free:
                taken.append(row)
                if len(taken) >= limit:
                    break
        return taken

    def finish(self, owner: str, outcomes: Iterable[Outcome], now: float | None = None) -> None:
        """Record what the platform said about sent items, in one transaction. Only items
        still pending change (another sender may have finished one whose lease ran out)."""
        now = time.time() if now is None else now
        stamp = _now()
        outcomes = list(outcomes)
        done = [(_dumps(summarize(o.data or {})), stamp, o.key) for o in outcomes if o.verdict == DONE]
        with self.db.transaction() as conn:
            if done:  # most often all of them: one statement
                conn.executemany(
                    "UPDATE journal SET state = 'done', result = ?, lease_owner = NULL, lease_until = 0, "
                    "last_error = NULL, updated_at = ? WHERE key = ? AND state = 'pending'", done)
            for o in outcomes:
                if o.verdict == DONE:
                    continue
                if o.verdict == REFUSED:
                    conn.execute(
                        "UPDATE journal SET state = 'refused', result = ?, lease_owner = NULL, updated_at = ? "
                        "WHERE key = ? AND state = 'pending'",
                        (_dumps({"code": o.error, "status": o.status}), stamp, o.key))
                elif o.verdict == CONFLICT:
                    changed = conn.execute(
                        "UPDATE journal SET state = 'conflict', result = ?, lease_owner = NULL, last_error = ?, "
                        "updated_at = ? WHERE key = ? AND state = 'pending'",
                        (_dumps({"code": o.error, "status": o.status}), o.error, stamp, o.key)).rowcount
                    if changed:
                        row = conn.execute("SELECT kind, lane, credit_fen FROM journal WHERE key = ?",
                                           (o.key,)).fetchone()
                        conn.execute(
                            "INSERT INTO conflicts (key, kind, lane, credit_fen, code, http_status, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (o.key, row["kind"], row["lane"], row["credit_fen"], o.error, o.status, stamp))
                elif o.verdict == RETRY:
                    conn.execute(
                        "UPDATE journal SET lease_owner = NULL, lease_until = 0, next_at = ?, last_error = ?, "
                        "updated_at = ? WHERE key = ? AND state = 'pending'",
                        (now + o.delay_s, o.error or None, stamp, o.key))
                else:
                    raise ValueError(f"unknown verdict {o.verdict!r}")

    def release(self, keys: Iterable[str], *, delay_s: float = 0.0, error: str = "") -> None:
        """Give leased items back to the queue (not sent, or no answer): due after ``delay_s``."""
        self.finish("", [Outcome(k, RETRY, error=error, delay_s=delay_s) for k in keys])

    def mark_done(self, key: str, data: dict) -> None:
        self.finish("", [Outcome(key, DONE, data=data)])

    def mark_refused(self, key: str, error: dict) -> None:
        """The platform refused on the spot (the patient was told): nothing was booked."""
        self.finish("", [Outcome(key, REFUSED, status=error.get("status", 0), error=error.get("code", ""))])

    def make_due(self, keys: Iterable[str] | None = None, lane: str | None = None) -> int:
        """Pending items (all, these, or one lane's) due now: the platform is back, IT asked
        for a retry, or a patient's live write waits behind its lane."""
        with self.db.transaction() as conn:
            if lane is not None:
                return conn.execute("UPDATE journal SET next_at = 0 WHERE state = 'pending' AND lane = ? "
                                    "AND next_at > 0", (lane,)).rowcount
            if keys is None:
                return conn.execute("UPDATE journal SET next_at = 0 WHERE state = 'pending' AND next_at > 0").rowcount
            return sum(conn.execute("UPDATE journal SET next_at = 0 WHERE state = 'pending' AND key = ?",
                                    (key,)).rowcount for key in keys)

    def has_earlier(self, key: str) -> bool:
        """Is an older write of the same lane still waiting?"""
        rows = self.db.query(
            "SELECT 1 FROM journal j, journal me WHERE me.key = ? AND j.lane = me.lane AND j.seq < me.seq "
            "AND j.state = 'pending' LIMIT 1", (key,))
        return bool(rows)

    # -- reading -----------------------------------------------------------------
    def get(self, key: str) -> Entry | None:
        rows = self.db.query("SELECT * FROM journal WHERE key = ?", (key,))
        return self._entry(rows[0]) if rows else None

    def pending(self) -> list[Entry]:
        return [self._entry(r) for r in self.db.query(
            "SELECT * FROM journal INDEXED BY journal_queue WHERE state = 'pending' ORDER BY seq")]

    def pending_bodies(self, lane: str) -> list[dict]:
        """The bodies of the writes still waiting in one lane (opened: needs the data key)."""
        rows = self.db.query("SELECT key, sealed, payload FROM journal WHERE state = 'pending' AND lane = ? "
                             "ORDER BY seq", (lane,))
        return self._bodies(rows)

    def _bodies(self, rows) -> list[dict]:
        bodies = []
        for row in rows:
            try:
                content = self._open(row["key"], row["sealed"], row["payload"]) or {}
            except SealBroken:
                continue
            bodies.append(content.get("body") or {})
        return bodies

    def bodies(self, lane: str, states: tuple[str, ...]) -> list[dict]:
        """The bodies of one lane's writes in these states, oldest first (opened: needs the
        data key). Answered items are not indexed by lane: for the offline path, not a hot one."""
        marks = ",".join("?" * len(states))
        rows = self.db.query(f"SELECT key, sealed, payload FROM journal WHERE lane = ? AND state IN ({marks}) "
                             "ORDER BY seq", (lane, *states))
        return self._bodies(rows)

    def entries(self, states: tuple[str, ...] = (PENDING, CONFLICT)) -> list[Entry]:
        marks = ",".join("?" * len(states))
        return [self._entry(r) for r in self.db.query(
            f"SELECT * FROM journal WHERE state IN ({marks}) ORDER BY seq", states)]

    def counts(self, expiry_s: float, now: datetime | None = None) -> Counts:
        now = now or datetime.now(UTC)
        cutoff = _iso(now - timedelta(seconds=expiry_s))
        with self.db.reading() as conn:
            queued, oldest = conn.execute(
                "SELECT COUNT(*), MIN(created_at) FROM journal WHERE state = 'pending'").fetchone()
            expired = conn.execute("SELECT COUNT(*) FROM journal WHERE state = 'pending' AND created_at < ?",
                                   (cutoff,)).fetchone()[0]
            conflicts = conn.execute("SELECT COUNT(*) FROM conflicts WHERE status = 'open'").fetchone()[0]
            unsynced = self._unsynced(conn)
        return Counts(queued, unsynced, conflicts, expired, datetime.fromisoformat(oldest) if oldest else None)

    def done_between(self, start: datetime, end: datetime) -> list[Entry]:
        """Entries the platform confirmed in [start, end)."""
        rows = self.db.query(
            "SELECT * FROM journal WHERE state = ? AND updated_at >= ? AND updated_at < ? ORDER BY updated_at",
            (DONE, _iso(start), _iso(end)))
        return [self._entry(r) for r in rows]

    def _entry(self, row) -> Entry:
        try:
            payload = self._open(row["key"], row["sealed"], row["payload"])
        except SealBroken:
            payload = None
        return Entry(
            key=row["key"], kind=row["kind"], payload=payload, state=row["state"],
            result=json.loads(row["result"]) if row["result"] else None, attempts=row["attempts"],
            created_at=datetime.fromisoformat(row["created_at"]), updated_at=datetime.fromisoformat(row["updated_at"]),
            lane=row["lane"], seq=row["seq"] or 0, credit_fen=row["credit_fen"], offline=bool(row["offline"]),
            last_error=row["last_error"],
        )

    # -- conflicts and their audit trail -------------------------------------------
    def conflicts(self, status: str | None = "open", key: str | None = None) -> list[Conflict]:
        """The conflicts (``status``: open or resolved, None: both; ``key``: the one of that item)."""
        clauses = [(c, v) for c, v in (("c.status = ?", status), ("c.key = ?", key)) if v]
        where = "WHERE " + " AND ".join(c for c, _ in clauses) if clauses else ""
        args = tuple(v for _, v in clauses)
        rows = self.db.query(
            "SELECT c.*, j.sealed, j.payload, j.created_at AS queued_at FROM conflicts c "
            f"LEFT JOIN journal j ON j.key = c.key {where} ORDER BY c.id", args)
        found = []
        for r in rows:
            try:
                content = self._open(r["key"], r["sealed"], r["payload"] or "") or {}
            except SealBroken:
                content = {}
            found.append(Conflict(
                id=r["id"], key=r["key"], kind=r["kind"], lane=r["lane"], credit_fen=r["credit_fen"], code=r["code"],
                status=r["status"], created_at=datetime.fromisoformat(r["created_at"]),
                queued_at=datetime.fromisoformat(r["queued_at"]) if r["queued_at"] else None,
                who=content.get("who"), body=content.get("body"), resolution=r["resolution"],
                resolved_at=datetime.fromisoformat(r["resolved_at"]) if r["resolved_at"] else None))
        return found

    def resolve(self, conflict_id: int, resolution: str, operator: str) -> dict:
        """The cashier settled a conflict: ``payment_collected`` or ``settled_elsewhere``; or ``cancelled``: its
        bill was cancelled (``operator`` then names who cancelled it: the kiosk).
        (The desk's audit log, ``offline_cache.audit``, records it: ``OfflineMode.resolve``.)
        Returns what the audit needs: key, kind, credit, code."""
        if resolution not in RESOLUTIONS:
            raise ValueError(f"unknown resolution {resolution!r}")
        if not operator:
            raise ValueError("an operator resolves a conflict")
        stamp = _now()
        with self.db.transaction() as conn:
            row = conn.execute("SELECT key, kind, credit_fen, code FROM conflicts WHERE id = ? AND status = 'open'",
                               (conflict_id,)).fetchone()
            if row is None:
                raise LookupError("no open conflict with this id")
            conn.execute("UPDATE conflicts SET status = 'resolved', resolution = ?, operator = ?, resolved_at = ? "
                         "WHERE id = ?", (resolution, operator, stamp, conflict_id))
            conn.execute("UPDATE journal SET state = 'resolved', updated_at = ? WHERE key = ?", (stamp, row["key"]))
        return dict(row)

    # -- upkeep ----------------------------------------------------------------------
    def prune(self, now: datetime | None = None, keep_days: int = KEEP_DAYS) -> int:
        """Forget answered items older than ``keep_days`` (never pending items or open conflicts)."""
        cutoff = _iso((now or datetime.now(UTC)) - timedelta(days=keep_days))
        with self.db.transaction() as conn:
            # The newest row always stays: SQLite then never gives a rowid (a seq) twice.
            return conn.execute("DELETE FROM journal WHERE state IN ('done', 'refused', 'resolved') "
                                "AND updated_at < ? AND seq < (SELECT MAX(seq) FROM journal)", (cutoff,)).rowcount

    def metadata(self, states: tuple[str, ...] = (PENDING, CONFLICT)) -> list[dict]:
        """The queue for IT: keys, kinds, lanes (opaque ids), amounts, states, times; nothing sealed."""
        marks = ",".join("?" * len(states))
        rows = self.db.query(
            "SELECT key, kind, lane, seq, state, attempts, credit_fen, offline, created_at, updated_at, next_at, "
            f"lease_owner, lease_until, last_error FROM journal WHERE state IN ({marks}) ORDER BY seq", states)
        return [dict(r) | {"offline": bool(r["offline"])} for r in rows]


Outbox = Journal  # the name it goes by in the offline code
