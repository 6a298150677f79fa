"""One small SQLite module: durable settings, transactions, schema versions.

Every database of the kiosk is opened here: WAL journal, ``synchronous=FULL``
(a committed row survives power loss), schema migrations counted in
``PRAGMA user_version``.

A database whose schema is newer than the code's migrations (a kiosk downgraded to an
older release) is refused with :class:`SchemaTooNew` before anything is written to it:
older code could misread or overwrite what the newer one stored. So that the refusal can
say which release to reinstall, every database records, per schema version, the release
that first brought it there (table ``schema_software``).
"""
from __future__ import annotations

import functools
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

DISTRIBUTION = "credit-care-kiosk"


@functools.cache
def software_version() -> str:
    """This release's version ("" where the package metadata is missing, as in a frozen build,
    which is not searched: importlib.metadata costs tens of ms on the kiosk's start path; it is
    asked only when a database is first brought to a schema version, or refused)."""
    if getattr(sys, "frozen", False):
        return ""
    import importlib.metadata

    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return ""


class SchemaTooNew(Exception):
    """The database was written by newer software than this: it is not opened.

    ``found``: its schema version; ``known``: the newest this code knows; ``needed``: the
    release that brought it to ``found`` ("" if it did not say). ``code`` names the message
    shown on screen (``kiosk.ui.messages``); ``str()`` is the message for IT (kiosk-admin,
    the log)."""

    code = "software_older_than_data"

    def __init__(self, path: Path, found: int, known: int, needed: str, running: str):
        self.path, self.found, self.known, self.needed, self.running = path, found, known, needed, running
        release = f"version {needed} or later" if needed else "the newer release it came from"
        super().__init__(
            f"{path.name} has schema version {found}, newer than this software "
            f"({running or 'this release'}) knows (up to {known}): this kiosk's software is older "
            f"than its data. Nothing was opened or changed. Reinstall {release}, or call IT.")


def statements(script: str) -> Iterator[str]:
    """The statements of a migration script, split where SQLite says a statement is complete
    (a trigger's body holds semicolons of its own)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip().rstrip(";").strip():
                yield pending.strip()
            pending = ""
    if pending.strip():
        yield pending.strip()


class Database:
    """A connection shared by threads behind a lock; ``transaction()`` is ``BEGIN IMMEDIATE``;
    ``write()`` one statement that is a transaction of its own."""

    def __init__(self, path: Path | str, migrations: Sequence[str], *, software: str | None = None):
        """``software``: this release's version, recorded beside each schema version it
        migrates to (default: the installed package's)."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._software = software
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=30
        )
        self._conn.row_factory = sqlite3.Row
        try:
            self._refuse_newer(len(migrations))
            self._wal()
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._migrate(migrations)
        except BaseException:
            self._conn.close()
            raise

    @property
    def software(self) -> str:
        """This release's version: read from the package metadata only when needed (a migration, a refusal)."""
        return software_version() if self._software is None else self._software

    def _wal(self, patience_s: float = 30.0) -> None:
        """Switch to WAL. Two processes opening a new file at once: the switch can meet the
        other's lock without SQLite's busy handler being asked, so it is tried again."""
        deadline = time.monotonic() + patience_s
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _refuse_newer(self, known: int) -> None:
        """Before anything is written: a schema newer than ``known`` raises SchemaTooNew."""
        found = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if found <= known:
            return
        needed = ""
        if self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_software'"
                              ).fetchone():
            row = self._conn.execute("SELECT software FROM schema_software WHERE user_version = ?",
                                     (found,)).fetchone()
            needed = row[0] if row else ""
        raise SchemaTooNew(self.path, found, known, needed, self.software)

    def _migrate(self, migrations: Sequence[str]) -> None:
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(migrations):  # made newer by another process since the check
                raise SchemaTooNew(self.path, version, len(migrations), "", self.software)
            conn.execute("CREATE TABLE IF NOT EXISTS schema_software ("
                         "user_version INTEGER PRIMARY KEY, software TEXT NOT NULL)")
            for number, script in enumerate(migrations[version:], start=version + 1):
                for statement in statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")
            # The first release seen at this schema version (also for files migrated before
            # the table existed): the one a downgraded kiosk is told to reinstall.
            recorded = conn.execute("SELECT 1 FROM schema_software WHERE user_version = ?",
                                    (len(migrations),)).fetchone()
            if not recorded and self.software:
                conn.execute("INSERT INTO schema_software (user_version, software) VALUES (?, ?)",
                             (len(migrations), self.software))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def write(self, sql: str, params: Sequence = ()) -> sqlite3.Cursor:
        """One statement in a transaction of its own (SQLite's autocommit: it takes the write
        lock, waiting as ``BEGIN IMMEDIATE`` does, and commits when it completes): committed,
        fsynced, when this returns. Refused inside an open transaction, where it would not be
        committed on its own."""
        with self._lock:
            if self._conn.in_transaction:
                raise sqlite3.OperationalError("write() inside an open transaction")
            return self._conn.execute(sql, params)

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A read transaction (``BEGIN``, no write lock): several queries see one state."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
