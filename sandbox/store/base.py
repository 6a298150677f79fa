"""Plumbing of the sandbox store: one SQLite connection, one lock, the movable clock,
idempotent writes, reference numbers and terminal replay protection.

Writes go through :meth:`StoreBase.transaction` (``BEGIN IMMEDIATE``); reads through
:meth:`StoreBase.snapshot`.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from kiosk.domain import clock as business_clock
from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.policy import PolicyProfile
from kiosk.policies import load_profile
from sandbox.store import schema

DEFAULT_CITY = "xiamen"
#: ``json.dumps(answer, ensure_ascii=False, separators=(",", ":"))``, its encoder made once
_ANSWER_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_STORE_ANSWER = ("INSERT INTO idempotency (terminal_id, key, body_digest, status_code, response_json, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)")


class SchemaTooNew(RuntimeError):
    """The database was written by a newer sandbox."""


class Redo(BaseException):
    """An operation of an optimistic transaction (``StoreBase.transaction(optimistic=True)``)
    failed after writing, with no savepoint to undo it: the whole transaction is to be rolled
    back and run again with savepoints. A ``BaseException``, so that no handler of an
    operation's own failures takes it for one."""


class Guarded:
    """A keyed write's action with the check that admits it (``admit(conn)``, raising
    :class:`Refusal`), run by :meth:`StoreBase.keyed` after the stored answers and before the
    action, in one transaction (``sandbox.routes.common.keyed_write``: the platform's
    authority). ``deciding``: the admission was under way when something was raised."""

    def __init__(self, action: Callable[[sqlite3.Connection, datetime], dict],
                 admit: Callable[[sqlite3.Connection], object]):
        self._action = action
        self._admit = admit
        self.deciding = False
        self.admitted = None  # what admit returned

    def admit(self, conn: sqlite3.Connection) -> None:
        self.deciding = True
        self.admitted = self._admit(conn)
        self.deciding = False

    def __call__(self, conn: sqlite3.Connection, now: datetime) -> dict:
        return self._action(conn, now)


class BatchMemo:
    """What the operations of one ``POST /v1/batch`` would each read again, read once for the
    batch (:meth:`StoreBase.batch_memo`): the answers already stored under the batch's keys
    (one ``SELECT ... IN``) and the terminal's role. It lives inside the batch's transaction
    (which holds the store's lock: nothing else writes meanwhile), and every answer the batch
    stores goes into it as well (:meth:`StoreBase.answer_once`): a key sent twice in one batch
    finds its first answer. Those answers' idempotency rows are written together
    (``executemany``) when the block ends, before the batch's transaction commits: inside it
    nothing reads the idempotency table but through the memo. (An operation's failure never
    comes after its answer is stored, so no savepoint undoes a row kept here.)"""

    __slots__ = ("terminal_id", "keys", "answers", "role", "rows")

    def __init__(self, terminal_id: str, keys: frozenset[str], answers: dict[str, tuple[str, int, str]]):
        self.terminal_id = terminal_id
        self.keys = keys  # every key of the batch: one of them not in ``answers`` has no stored answer
        self.answers = answers  # key -> (body digest, status, response JSON)
        self.role: str | None = None
        self.rows: list[tuple] = []  # the idempotency rows stored meanwhile, written when the block ends


class Refusal(Exception):
    """A business refusal: HTTP status, stable snake_case code, English message and
    optional machine-readable ``details``."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def envelope(self) -> dict:
        error: dict = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


@lru_cache(maxsize=256)
def iso(moment: datetime) -> str:
    """ISO 8601 with offset, in business time, to the second. (Remembered: one write
    formats the same few moments many times; equal aware datetimes are the same instant,
    so they format alike.)"""
    return moment.astimezone(BUSINESS_TZ).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"naive timestamp in store: {text!r}")
    return moment


def new_id(prefix: str) -> str:
    """``prefix`` and 16 random upper-case hex digits (64 bits from the OS)."""
    return prefix + os.urandom(8).hex().upper()


def new_ordered_id(prefix: str) -> str:
    """``prefix``, the moment it is made (milliseconds since the Unix epoch by the host's clock, 11
    upper-case hex digits) and 16 random upper-case hex digits (64 bits from the OS, as
    :func:`new_id`): as unguessable as :func:`new_id`'s, and the ids made later sort after the
    earlier ones. For the rows written in bulk (settlements and their bills): the index on the id
    grows at its end, so a batch's new ids share its last pages instead of dirtying a page each
    across the whole index (its commit and checkpoint write those pages). Nothing relies on the
    order: a clock set back only puts ids among older ones, and the random part keeps them unique."""
    return f"{prefix}{time.time_ns() // 1_000_000:011X}{os.urandom(8).hex().upper()}"


class StoreBase:
    """``Store(path, clock=callable returning an aware datetime, city="xiamen")``.

    ``clock`` is the wall clock (it also checks request timestamps); the business clock,
    :meth:`now`, is the wall clock plus an offset that the sandbox control API moves
    forward (kept in the database, so a restarted sandbox keeps its time).
    """

    def __init__(self, path: str | Path, clock: Callable[[], datetime] = business_clock.now,
                 city: str | None = None):
        self.path = str(path)
        self.clock = clock
        #: Another service's business clock this store follows (``sandbox.embedded``: the HIS and the insurance
        #: service keep the credit platform's time, which tests and demos move); None: its own.
        self.follows: Callable[[], datetime] | None = None
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._optimistic = False  # inside transaction(optimistic=True): no savepoints
        self._memo: BatchMemo | None = None  # inside a batch's transaction: see batch_memo
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA busy_timeout=5000")
        self._migrate()
        self._offset = timedelta(seconds=float(self.state("clock_offset_s") or 0))
        stored_city = self.state("city")
        self.city = city or stored_city or DEFAULT_CITY
        load_profile(self.city)  # an unknown city fails here, not at the first request
        if stored_city is None:
            self.set_state("city", self.city)
        last = self.state("last_batch_date")
        self._last_batch = date.fromisoformat(last) if last else None

    # -- plumbing -------------------------------------------------------------------

    @property
    def profile(self) -> PolicyProfile:
        return load_profile(self.city)

    def wall_now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the store clock must return aware datetimes")
        return moment.astimezone(BUSINESS_TZ)

    def now(self) -> datetime:
        """Business time: the wall clock moved by the sandbox clock offset (or the clock it follows)."""
        if self.follows is not None:
            return self.follows().astimezone(BUSINESS_TZ)
        return self.wall_now() + self._offset

    @contextmanager
    def transaction(self, *, optimistic: bool = False) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``), committed on success, else rolled back.

        Inside another transaction of the same thread (``POST /v1/batch`` runs each
        operation's handler within one), a savepoint: undone alone on failure, committed
        with the outer transaction.

        ``optimistic`` (a batch of operations): inside it no savepoints are opened. A nested
        block that fails having written nothing (``total_changes`` unchanged: most refusals
        come before any write) has nothing to undo; one that fails after writing raises
        :class:`Redo`, the outer transaction is rolled back and the caller runs its work
        again without ``optimistic``, with savepoints. (A savepoint copies every page its
        block changes into the statement journal: per operation, half the cost of its writes.)"""
        with self._lock:
            conn = self._conn
            if conn.in_transaction:
                if self._optimistic:
                    mark = conn.total_changes
                    try:
                        yield conn
                    except BaseException as exc:
                        if isinstance(exc, Redo) or conn.total_changes != mark:
                            raise Redo() from None
                        raise
                    return
                conn.execute("SAVEPOINT nested")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK TO nested")
                    conn.execute("RELEASE nested")
                    raise
                conn.execute("RELEASE nested")
                return
            conn.execute("BEGIN IMMEDIATE")
            self._optimistic = optimistic
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                self._optimistic = False
            conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: several queries see one consistent state."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > schema.SCHEMA_VERSION:
                raise SchemaTooNew(f"database schema {version} is newer than this sandbox "
                                   f"({schema.SCHEMA_VERSION})")
            if version == 0:
                schema.create(conn)
            elif version == 1:
                schema.migrate_1_to_2(conn)
            conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")

    def state(self, key: str) -> str | None:
        with self.snapshot() as conn:
            row = conn.execute("SELECT value FROM sandbox_state WHERE key = ?",
                               (key,)).fetchone()
        return row["value"] if row else None

    def set_state(self, key: str, value: str, conn: sqlite3.Connection | None = None) -> None:
        sql = ("INSERT INTO sandbox_state (key, value) VALUES (?, ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        if conn is not None:
            conn.execute(sql, (key, value))
            return
        with self.transaction() as c:
            c.execute(sql, (key, value))

    # -- idempotent writes ------------------------------------------------------------

    def keyed(self, terminal_id: str, idempotency_key: str, digest: str,
              action: Callable[[sqlite3.Connection, datetime], dict]) -> tuple[int, str]:
        """Run ``action(conn, now)`` once per ``(terminal_id, key)``, in one transaction.

        Returns ``(http_status, response_json)``. A request already answered under the key
        gets the stored answer (refusals included); the same key with a different request
        raises :class:`Refusal` (409 ``idempotency_key_reused``, not stored). A refusal
        rolls back whatever the action wrote before it (a savepoint) and is stored.

        The one way in for every keyed write that arrives (tests count arrivals here). An
        action with an ``admit(conn)`` (:class:`Guarded`) is admitted first, for a key not
        answered yet, in the same transaction: a refusal there is raised, not stored.
        """
        with self.transaction() as conn:
            seen = self._stored(conn, terminal_id, idempotency_key, digest)
            if seen is not None:
                return seen
            admit = getattr(action, "admit", None)  # a Guarded action: the platform's authority first
            if admit is not None:
                admit(conn)
            return self.answer_once(conn, terminal_id, idempotency_key, digest, action)

    @staticmethod
    def stored_answer(conn: sqlite3.Connection, terminal_id: str, idempotency_key: str,
                      digest: str) -> tuple[int, str] | None:
        """The answer stored under ``(terminal, key)`` for this request, if any; 409
        ``idempotency_key_reused`` for another request under the key."""
        seen = conn.execute("SELECT body_digest, status_code, response_json FROM idempotency "
                            "WHERE terminal_id = ? AND key = ?", (terminal_id, idempotency_key)).fetchone()
        return StoreBase._same_request(seen, digest)

    @staticmethod
    def _same_request(seen, digest: str) -> tuple[int, str] | None:
        if seen is None:
            return None
        if seen[0] != digest:
            raise Refusal(409, "idempotency_key_reused",
                          "This Idempotency-Key was already used for a different request.")
        return seen[1], seen[2]

    def _stored(self, conn: sqlite3.Connection, terminal_id: str, idempotency_key: str,
                digest: str) -> tuple[int, str] | None:
        """:meth:`stored_answer`, from the batch's memo when the key is one of its batch's."""
        memo = self._memo
        if memo is not None and memo.terminal_id == terminal_id and idempotency_key in memo.keys:
            return self._same_request(memo.answers.get(idempotency_key), digest)
        return self.stored_answer(conn, terminal_id, idempotency_key, digest)

    @contextmanager
    def batch_memo(self, conn: sqlite3.Connection, terminal_id: str, keys: Iterable[str]) -> Iterator[BatchMemo]:
        """Inside a batch's transaction (``sandbox.routes.batch``): the answers stored under the
        batch's ``keys`` read at once, and kept (:class:`BatchMemo`) for :meth:`keyed` until the
        block ends (before the transaction does)."""
        wanted = sorted(set(keys))
        answers: dict[str, tuple[str, int, str]] = {}
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            for key, digest, status, text in conn.execute(
                    "SELECT key, body_digest, status_code, response_json FROM idempotency "
                    f"WHERE terminal_id = ? AND key IN ({','.join('?' * len(part))})", (terminal_id, *part)):
                answers[key] = (digest, status, text)
        memo = self._memo = BatchMemo(terminal_id, frozenset(wanted), answers)
        try:
            yield memo
            if memo.rows:
                conn.executemany(_STORE_ANSWER, memo.rows)
        finally:
            self._memo = None

    def answer_once(self, conn: sqlite3.Connection, terminal_id: str, idempotency_key: str, digest: str,
                    action: Callable[[sqlite3.Connection, datetime], dict]) -> tuple[int, str]:
        """The second half of :meth:`keyed`, inside the caller's transaction, for a key the
        caller found unanswered (:meth:`stored_answer`): run the action, store its answer
        or its refusal (whatever it wrote before refusing is undone), return it."""
        now = self.now()
        try:
            with self._undoable(conn):
                status, body = 200, action(conn, now)
        except Refusal as refusal:
            status, body = refusal.status, refusal.envelope()
        text = _ANSWER_JSON(body)
        row = (terminal_id, idempotency_key, digest, status, text, iso(now))
        memo = self._memo
        if memo is not None and memo.terminal_id == terminal_id:  # a batch's: written with the others
            memo.answers[idempotency_key] = (digest, status, text)
            memo.rows.append(row)
        else:
            conn.execute(_STORE_ANSWER, row)
        return status, text

    @contextmanager
    def _undoable(self, conn: sqlite3.Connection) -> Iterator[None]:
        """What the block writes is undone if it raises: a savepoint, or in an optimistic
        transaction nothing to undo, else :class:`Redo`."""
        if self._optimistic:
            mark = conn.total_changes
            try:
                yield
            except BaseException:
                if conn.total_changes != mark:
                    raise Redo() from None
                raise
            return
        conn.execute("SAVEPOINT action")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO action")
            conn.execute("RELEASE action")
            raise
        conn.execute("RELEASE action")

    def perform(self, op: Callable[..., dict], terminal_id: str | None = None,
                **fields) -> dict:
        """Run a write ``op(conn, now, terminal_id, **fields)`` in one transaction without an
        idempotency key: in-process use by tests and the demo, e.g.
        ``store.perform(store.complete_payment, payment_id=pid)``. A :class:`Refusal`
        rolls everything back and propagates."""
        with self.transaction() as conn:
            return op(conn, self.now(), terminal_id, **fields)

    # -- reference numbers ------------------------------------------------------------

    @staticmethod
    def next_reference(conn: sqlite3.Connection, prefix: str, moment: datetime) -> str:
        """``prefix`` + business date + a 6-digit daily sequence, e.g. ``ST20261125000001``."""
        head = f"{prefix}{business_clock.business_date(moment):%Y%m%d}"
        row = conn.execute("INSERT INTO sequences (prefix, last) VALUES (?, 1) "
                           "ON CONFLICT (prefix) DO UPDATE SET last = last + 1 "
                           "RETURNING last", (head,)).fetchone()
        return f"{head}{row[0]:06d}"

    # -- terminals and replay protection --------------------------------------------

    def add_terminal(self, terminal_id: str, secret: bytes, hospital_name: str) -> None:
        """Register a terminal, or replace its secret and hospital name."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO terminals (terminal_id, secret, hospital_name) VALUES (?, ?, ?) "
                "ON CONFLICT (terminal_id) DO UPDATE SET secret = excluded.secret, "
                "hospital_name = excluded.hospital_name",
                (terminal_id, bytes(secret), hospital_name))

    def terminal_secret(self, terminal_id: str) -> bytes | None:
        with self.snapshot() as conn:
            row = conn.execute("SELECT secret FROM terminals WHERE terminal_id = ?",
                               (terminal_id,)).fetchone()
        return bytes(row["secret"]) if row else None

    def remember_nonce(self, terminal_id: str, nonce: str, ts: int, window_s: int) -> bool:
        """Record a nonce; False if it was already seen for this terminal within the window.

        Nonces whose request timestamp is older than the window (by the wall clock, which
        signs requests) are pruned: a request that old is refused as stale anyway.
        """
        horizon = int(self.wall_now().timestamp()) - window_s
        with self.transaction() as conn:
            conn.execute("DELETE FROM nonces WHERE ts < ?", (horizon,))
            try:
                conn.execute("INSERT INTO nonces (terminal_id, nonce, ts) VALUES (?, ?, ?)",
                             (terminal_id, nonce, ts))
            except sqlite3.IntegrityError:
                return False
        return True
