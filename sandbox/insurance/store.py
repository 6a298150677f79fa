"""The insurance service's own SQLite file: persons and their insurances, sign-ins, every message
received (by msgid, for uniqueness and reversal), visits, fee lines, settlements, the year's
deductibles, gateway nonces, faults and the movable clock.

Writes go through :meth:`InsuranceStore.transaction` (``BEGIN IMMEDIATE``; one message is one
transaction: its msgid, its effects and its answer commit together or not at all).
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.domain import clock as business_clock
from kiosk.domain.clock import BUSINESS_TZ
from sandbox.insurance import demo

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE persons (
    psn_no TEXT PRIMARY KEY, role TEXT, certno TEXT UNIQUE NOT NULL, name TEXT NOT NULL, gend TEXT, brdy TEXT,
    card_no TEXT UNIQUE, card_sn TEXT, token TEXT UNIQUE, insuplc_admdvs TEXT NOT NULL);
CREATE TABLE insurances (
    psn_no TEXT NOT NULL REFERENCES persons, insutype TEXT NOT NULL, psn_type TEXT NOT NULL,
    balance_fen INTEGER NOT NULL, psn_insu_stas TEXT NOT NULL DEFAULT '1', psn_insu_date TEXT NOT NULL,
    PRIMARY KEY (psn_no, insutype));
CREATE TABLE deductibles (
    psn_no TEXT NOT NULL, insutype TEXT NOT NULL, clr_type TEXT NOT NULL, year INTEGER NOT NULL,
    used_fen INTEGER NOT NULL, PRIMARY KEY (psn_no, insutype, clr_type, year));
CREATE TABLE sign_ins (
    sign_no TEXT PRIMARY KEY, opter TEXT NOT NULL, day TEXT NOT NULL, signed_at TEXT NOT NULL,
    signed_out INTEGER NOT NULL DEFAULT 0);
CREATE TABLE nonces (paasid TEXT NOT NULL, nonce TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (paasid, nonce));
CREATE TABLE messages (
    msgid TEXT PRIMARY KEY, infno TEXT NOT NULL, psn_no TEXT, received_at TEXT NOT NULL, infcode INTEGER NOT NULL,
    status TEXT NOT NULL, effect TEXT, reversed_by TEXT);
CREATE TABLE visits (
    mdtrt_id TEXT PRIMARY KEY, psn_no TEXT NOT NULL, insutype TEXT NOT NULL, med_type TEXT NOT NULL,
    clr_type TEXT NOT NULL, ipt_otp_no TEXT NOT NULL, status TEXT NOT NULL, begntime TEXT NOT NULL,
    endtime TEXT, msgid TEXT NOT NULL, dscg_msgid TEXT);
CREATE TABLE fees (
    fee_id INTEGER PRIMARY KEY, mdtrt_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL, chrg_bchno TEXT NOT NULL,
    med_list_codg TEXT NOT NULL, medins_list_codg TEXT NOT NULL, amount_fen INTEGER NOT NULL, cnt TEXT NOT NULL,
    pric TEXT NOT NULL,
    chrgitm_lv TEXT NOT NULL, med_chrgitm_type TEXT NOT NULL, fee_ocur_time TEXT NOT NULL, msgid TEXT NOT NULL,
    setl_id TEXT, cancelled INTEGER NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX fees_line ON fees (mdtrt_id, feedetl_sn) WHERE cancelled = 0;
CREATE TABLE settlements (
    setl_id TEXT PRIMARY KEY, kind TEXT NOT NULL, of_setl_id TEXT, mdtrt_id TEXT NOT NULL, psn_no TEXT NOT NULL,
    insutype TEXT NOT NULL, clr_type TEXT NOT NULL, clr_optins TEXT NOT NULL, setl_time TEXT NOT NULL,
    setl_day TEXT NOT NULL, msgid TEXT NOT NULL, medfee_fen INTEGER NOT NULL, fund_fen INTEGER NOT NULL,
    acct_fen INTEGER NOT NULL, cash_fen INTEGER NOT NULL, deductible_fen INTEGER NOT NULL, year INTEGER NOT NULL,
    status TEXT NOT NULL, output TEXT NOT NULL);
CREATE TABLE settlement_lines (setl_id TEXT NOT NULL, fee_id INTEGER NOT NULL, PRIMARY KEY (setl_id, fee_id));
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE faults (infno TEXT PRIMARY KEY, mode TEXT NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class SchemaTooNew(RuntimeError):
    """The file was written by a newer insurance service."""


class InsuranceStore:
    """``clock``: the wall clock (an aware-datetime callable); the business clock is it plus the
    offset the control API moves forward."""

    def __init__(self, path: str | Path, clock: Callable[[], datetime] = business_clock.now):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self._db.close()
            raise SchemaTooNew(f"{self.path} is of insurance schema {version}; this service knows {SCHEMA_VERSION}")
        if version == 0:
            with self.transaction() as db:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self.offset = timedelta(seconds=int(self.meta("clock_offset_s", "0")))
        #: Another service's business clock this one follows (``sandbox.embedded``); None: its own.
        self.follows: Callable[[], datetime] | None = None

    # -- plumbing ---------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def read(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def now(self) -> datetime:
        if self.follows is not None:
            return self.follows().astimezone(BUSINESS_TZ)
        return (self._clock() + self.offset).astimezone(BUSINESS_TZ)

    def wall_now(self) -> datetime:
        return self._clock()

    def meta(self, key: str, default: str = "") -> str:
        rows = self.read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else default

    def advance_clock(self, seconds: int) -> datetime:
        with self.transaction() as db:
            self.offset += timedelta(seconds=seconds)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('clock_offset_s', ?)",
                       (str(int(self.offset.total_seconds())),))
        return self.now()

    @staticmethod
    def next_serial(db: sqlite3.Connection, name: str) -> int:
        row = db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        value = (row["value"] if row else 0) + 1
        db.execute("INSERT OR REPLACE INTO counters VALUES (?, ?)", (name, value))
        return value

    # -- seeding and faults -----------------------------------------------------------------------

    def seed_demo(self, city: str) -> None:
        """The demo persons of ``city`` (``sandbox.insurance.demo``); a seeded file is left as it is."""
        if self.read("SELECT 1 FROM persons LIMIT 1"):
            return
        with self.transaction() as db:
            for p in demo.persons(city):
                db.execute("INSERT INTO persons VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (p.psn_no, p.role, p.certno, p.name, p.gend, p.brdy, p.card_no, p.card_sn, p.token,
                            p.insuplc_admdvs))
                if p.insutype:
                    db.execute("INSERT INTO insurances VALUES (?, ?, ?, ?, '1', ?)",
                               (p.psn_no, p.insutype, p.psn_type, p.balance_fen, "2015-01-01"))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('city', ?)", (city,))

    def set_fault(self, infno: str, mode: str) -> None:
        """``mode``: "fail" (answer infcode -1, nothing done), "blackhole" (process, withhold the
        answer), "hold" (neither process nor answer) or "none"."""
        with self.transaction() as db:
            if mode == "none":
                db.execute("DELETE FROM faults WHERE infno = ?", (infno,))
            else:
                db.execute("INSERT OR REPLACE INTO faults VALUES (?, ?)", (infno, mode))

    def fault(self, infno: str) -> str | None:
        rows = self.read("SELECT mode FROM faults WHERE infno = ?", (infno,))
        return rows[0]["mode"] if rows else None

    def remember_nonce(self, paasid: str, nonce: str, timestamp: int, window_s: int) -> bool:
        """False when ``nonce`` was already used by ``paasid``; old nonces are forgotten."""
        with self.transaction() as db:
            db.execute("DELETE FROM nonces WHERE at < ?", (timestamp - 2 * window_s,))
            if db.execute("SELECT 1 FROM nonces WHERE paasid = ? AND nonce = ?", (paasid, nonce)).fetchone():
                return False
            db.execute("INSERT INTO nonces VALUES (?, ?, ?)", (paasid, nonce, timestamp))
        return True

    def __enter__(self) -> InsuranceStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
