"""The sandbox platform's SQLite store: one file, one connection, one lock.

All SQL of the sandbox lives here. Writes go through :meth:`Store.transaction`
(``BEGIN IMMEDIATE``); reads through :meth:`Store.snapshot`. The schema version is kept
in ``PRAGMA user_version``. Times are stored as ISO 8601 text in business time
(Asia/Shanghai, ``+08:00``); money as integer fen.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.domain import clock as business_clock
from kiosk.domain.clock import BUSINESS_TZ
from kiosk.policies import load_profile
from sandbox import demo_data

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE terminals (
    terminal_id   TEXT PRIMARY KEY,
    secret        BLOB NOT NULL,
    hospital_name TEXT NOT NULL
);
CREATE TABLE nonces (
    terminal_id TEXT NOT NULL,
    nonce       TEXT NOT NULL,
    ts          INTEGER NOT NULL,
    PRIMARY KEY (terminal_id, nonce)
);
CREATE INDEX nonces_by_ts ON nonces (ts);
CREATE TABLE patients (
    patient_id          TEXT PRIMARY KEY,
    id_number           TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    sex                 TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date          TEXT NOT NULL,
    phone               TEXT NOT NULL,
    score               INTEGER,
    guardian_patient_id TEXT REFERENCES patients (patient_id)
);
CREATE TABLE accounts (
    account_id        TEXT PRIMARY KEY,
    holder_patient_id TEXT NOT NULL UNIQUE REFERENCES patients (patient_id),
    status            TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'closed')),
    policy            TEXT NOT NULL,
    score_tier        INTEGER NOT NULL,
    value_added       INTEGER NOT NULL,
    line_fen          INTEGER NOT NULL CHECK (line_fen >= 0),
    used_fen          INTEGER NOT NULL CHECK (used_fen >= 0),
    opened_at         TEXT NOT NULL
);
CREATE TABLE visits (
    visit_id     TEXT PRIMARY KEY,
    patient_id   TEXT NOT NULL REFERENCES patients (patient_id),
    kind         TEXT NOT NULL,
    department   TEXT NOT NULL,
    doctor       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    ended_at     TEXT,
    status       TEXT NOT NULL CHECK (status IN ('open', 'settled')),
    total_fen    INTEGER NOT NULL,
    fund_fen     INTEGER NOT NULL CHECK (fund_fen >= 0),
    personal_fen INTEGER NOT NULL CHECK (personal_fen >= 0),
    CHECK (fund_fen + personal_fen = total_fen)
);
CREATE INDEX visits_by_patient ON visits (patient_id, status);
CREATE TABLE visit_items (
    visit_id       TEXT NOT NULL REFERENCES visits (visit_id),
    line_no        INTEGER NOT NULL,
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    quantity       INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_fen INTEGER NOT NULL,
    amount_fen     INTEGER NOT NULL,
    category       TEXT NOT NULL,
    PRIMARY KEY (visit_id, line_no),
    CHECK (amount_fen = quantity * unit_price_fen)
);
CREATE TABLE settlements (
    settlement_id TEXT PRIMARY KEY,
    reference     TEXT NOT NULL UNIQUE,
    visit_id      TEXT NOT NULL UNIQUE REFERENCES visits (visit_id),
    account_id    TEXT NOT NULL REFERENCES accounts (account_id),
    terminal_id   TEXT,
    total_fen     INTEGER NOT NULL,
    fund_fen      INTEGER NOT NULL,
    personal_fen  INTEGER NOT NULL,
    settled_at    TEXT NOT NULL
);
CREATE TABLE bills (
    bill_id       TEXT PRIMARY KEY,
    settlement_id TEXT NOT NULL UNIQUE REFERENCES settlements (settlement_id),
    account_id    TEXT NOT NULL REFERENCES accounts (account_id),
    visit_id      TEXT NOT NULL REFERENCES visits (visit_id),
    amount_fen    INTEGER NOT NULL CHECK (amount_fen >= 0),
    created_at    TEXT NOT NULL,
    due_at        TEXT NOT NULL,
    paid_at       TEXT
);
CREATE INDEX bills_by_account ON bills (account_id, created_at);
CREATE TABLE idempotency (
    terminal_id   TEXT NOT NULL,
    key           TEXT NOT NULL,
    body_digest   TEXT NOT NULL,
    status_code   INTEGER NOT NULL,
    response_json TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (terminal_id, key)
);
"""


class SchemaTooNew(RuntimeError):
    """The database was written by a newer sandbox."""


class Refusal(Exception):
    """A business refusal: HTTP status, stable snake_case code, English message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def envelope(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


def iso(moment: datetime) -> str:
    """ISO 8601 with offset, in business time, to the second."""
    return moment.astimezone(BUSINESS_TZ).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"naive timestamp in store: {text!r}")
    return moment


def bill_status(row: sqlite3.Row, now: datetime) -> str:
    if row["paid_at"] is not None:
        return "paid"
    return "overdue" if now >= parse_iso(row["due_at"]) else "due"


class Store:
    """``Store(path, clock=callable returning an aware datetime)``."""

    def __init__(self, path: str | Path, clock: Callable[[], datetime] = business_clock.now):
        self.path = str(path)
        self.clock = clock
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA busy_timeout=5000")
        self._migrate()

    # -- plumbing -------------------------------------------------------------------

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the store clock must return aware datetimes")
        return moment.astimezone(BUSINESS_TZ)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``), committed on success, else rolled back."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

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

    def __enter__(self) -> "Store":
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
            if version > SCHEMA_VERSION:
                raise SchemaTooNew(
                    f"database schema {version} is newer than this sandbox ({SCHEMA_VERSION})")
            if version == 0:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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

        Nonces whose request timestamp is older than the window are pruned: a request
        that old is refused as stale anyway, so forgetting them cannot let a replay in.
        """
        horizon = int(self.now().timestamp()) - window_s
        with self.transaction() as conn:
            conn.execute("DELETE FROM nonces WHERE ts < ?", (horizon,))
            try:
                conn.execute("INSERT INTO nonces (terminal_id, nonce, ts) VALUES (?, ?, ?)",
                             (terminal_id, nonce, ts))
            except sqlite3.IntegrityError:
                return False
        return True

    # -- queries ----------------------------------------------------------------------

    def find_patient(self, *, id_number: str | None = None,
                     patient_id: str | None = None) -> dict | None:
        """A patient with ``account_id``: their own account, or a minor's guardian's."""
        column, value = ("id_number", id_number) if id_number is not None else \
            ("patient_id", patient_id)
        with self.snapshot() as conn:
            row = conn.execute(f"SELECT * FROM patients WHERE {column} = ?", (value,)).fetchone()
            if row is None:
                return None
            holder = row["guardian_patient_id"] or row["patient_id"]
            account = conn.execute(
                "SELECT account_id FROM accounts WHERE holder_patient_id = ?",
                (holder,)).fetchone()
        patient = dict(row)
        patient["account_id"] = account["account_id"] if account else None
        return patient

    def account(self, account_id: str) -> dict | None:
        """The account with ``available_fen`` and ``overdue_fen`` at the store clock."""
        now = self.now()
        with self.snapshot() as conn:
            row = conn.execute("SELECT * FROM accounts WHERE account_id = ?",
                               (account_id,)).fetchone()
            if row is None:
                return None
            unpaid = conn.execute(
                "SELECT amount_fen, due_at, paid_at FROM bills "
                "WHERE account_id = ? AND paid_at IS NULL", (account_id,)).fetchall()
        account = dict(row)
        account["value_added"] = bool(account["value_added"])
        account["available_fen"] = max(0, account["line_fen"] - account["used_fen"])
        account["overdue_fen"] = sum(b["amount_fen"] for b in unpaid
                                     if bill_status(b, now) == "overdue")
        return account

    def bills(self, account_id: str) -> list[dict] | None:
        """Bills of an account, oldest first; None if the account does not exist."""
        now = self.now()
        with self.snapshot() as conn:
            if conn.execute("SELECT 1 FROM accounts WHERE account_id = ?",
                            (account_id,)).fetchone() is None:
                return None
            rows = conn.execute(
                "SELECT * FROM bills WHERE account_id = ? ORDER BY created_at, bill_id",
                (account_id,)).fetchall()
        return [{
            "bill_id": r["bill_id"],
            "settlement_id": r["settlement_id"],
            "visit_id": r["visit_id"],
            "amount_fen": r["amount_fen"],
            "created_at": r["created_at"],
            "due_at": r["due_at"],
            "status": bill_status(r, now),
        } for r in rows]

    def visits(self, patient_id: str, status: str | None = None) -> list[dict] | None:
        """Visits of a patient with their items, newest first; None if no such patient."""
        with self.snapshot() as conn:
            if conn.execute("SELECT 1 FROM patients WHERE patient_id = ?",
                            (patient_id,)).fetchone() is None:
                return None
            sql = "SELECT * FROM visits WHERE patient_id = ?"
            args: tuple = (patient_id,)
            if status is not None:
                sql += " AND status = ?"
                args += (status,)
            rows = conn.execute(sql + " ORDER BY started_at DESC, visit_id", args).fetchall()
            result = []
            for row in rows:
                visit = dict(row)
                visit["items"] = [
                    {k: item[k] for k in ("code", "name", "quantity", "unit_price_fen",
                                          "amount_fen", "category")}
                    for item in conn.execute(
                        "SELECT * FROM visit_items WHERE visit_id = ? ORDER BY line_no",
                        (row["visit_id"],))]
                result.append(visit)
        return result

    def bill_count(self, account_id: str | None = None) -> int:
        with self.snapshot() as conn:
            if account_id is None:
                return conn.execute("SELECT COUNT(*) FROM bills").fetchone()[0]
            return conn.execute("SELECT COUNT(*) FROM bills WHERE account_id = ?",
                                (account_id,)).fetchone()[0]

    # -- settlement ---------------------------------------------------------------------

    def settle_visit(self, *, terminal_id: str, idempotency_key: str, digest: str,
                     visit_id: str, account_id: str, personal_fen: int) -> tuple[int, str]:
        """Book a visit's personal part against a credit line, idempotently.

        Returns ``(http_status, response_json)``. Everything happens in one
        transaction: a request already answered under ``(terminal_id, key)`` gets the
        stored answer (refusals included); the same key with a different request
        raises :class:`Refusal` (409 ``idempotency_key_reused``, not stored).
        """
        with self.transaction() as conn:
            seen = conn.execute(
                "SELECT body_digest, status_code, response_json FROM idempotency "
                "WHERE terminal_id = ? AND key = ?", (terminal_id, idempotency_key)).fetchone()
            if seen is not None:
                if seen["body_digest"] != digest:
                    raise Refusal(409, "idempotency_key_reused",
                                  "This Idempotency-Key was already used for a different request.")
                return seen["status_code"], seen["response_json"]
            now = self.now()
            try:
                status, body = 200, self._book(conn, now, terminal_id, visit_id, account_id,
                                               personal_fen)
            except Refusal as refusal:
                status, body = refusal.status, refusal.envelope()
            text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
            conn.execute(
                "INSERT INTO idempotency (terminal_id, key, body_digest, status_code, "
                "response_json, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (terminal_id, idempotency_key, digest, status, text, iso(now)))
            return status, text

    def _book(self, conn: sqlite3.Connection, now: datetime, terminal_id: str, visit_id: str,
              account_id: str, personal_fen: int) -> dict:
        visit = conn.execute("SELECT * FROM visits WHERE visit_id = ?", (visit_id,)).fetchone()
        if visit is None:
            raise Refusal(404, "visit_not_found", "No visit with this id.")
        account = conn.execute("SELECT * FROM accounts WHERE account_id = ?",
                               (account_id,)).fetchone()
        if account is None:
            raise Refusal(404, "account_not_found", "No credit account with this id.")
        if visit["status"] != "open":
            raise Refusal(409, "visit_already_settled", "This visit has already been settled.")
        patient = conn.execute("SELECT patient_id, guardian_patient_id FROM patients "
                               "WHERE patient_id = ?", (visit["patient_id"],)).fetchone()
        if account["holder_patient_id"] not in (patient["patient_id"],
                                                patient["guardian_patient_id"]):
            raise Refusal(403, "account_not_linked",
                          "The account belongs neither to the patient nor to their guardian.")
        if personal_fen != visit["personal_fen"]:
            raise Refusal(409, "amount_mismatch",
                          "personal_fen does not match the visit's personal part.")
        if account["status"] != "active":
            raise Refusal(403, "account_suspended",
                          f"The credit account is {account['status']}; repay before using it.")
        available = account["line_fen"] - account["used_fen"]
        if available <= 0 or available < personal_fen:
            raise Refusal(409, "insufficient_line",
                          "The available credit line does not cover the personal part.")

        ended = parse_iso(visit["ended_at"]) if visit["ended_at"] else now
        due_at = load_profile(account["policy"]).due.due_at(ended)
        reference = self._next_reference(conn, now)
        settlement_id = "STL" + uuid.uuid4().hex[:16].upper()
        bill_id = "BIL" + uuid.uuid4().hex[:16].upper()
        conn.execute(
            "INSERT INTO settlements (settlement_id, reference, visit_id, account_id, "
            "terminal_id, total_fen, fund_fen, personal_fen, settled_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (settlement_id, reference, visit_id, account_id, terminal_id, visit["total_fen"],
             visit["fund_fen"], personal_fen, iso(now)))
        conn.execute(
            "INSERT INTO bills (bill_id, settlement_id, account_id, visit_id, amount_fen, "
            "created_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (bill_id, settlement_id, account_id, visit_id, personal_fen, iso(now), iso(due_at)))
        conn.execute("UPDATE accounts SET used_fen = used_fen + ? WHERE account_id = ?",
                     (personal_fen, account_id))
        conn.execute("UPDATE visits SET status = 'settled', ended_at = COALESCE(ended_at, ?) "
                     "WHERE visit_id = ?", (iso(ended), visit_id))
        used = account["used_fen"] + personal_fen
        return {
            "settlement_id": settlement_id,
            "reference": reference,
            "visit_id": visit_id,
            "account_id": account_id,
            "total_fen": visit["total_fen"],
            "fund_fen": visit["fund_fen"],
            "personal_fen": personal_fen,
            "booked_fen": personal_fen,
            "line_fen": account["line_fen"],
            "available_fen": max(0, account["line_fen"] - used),
            "due_at": iso(due_at),
            "settled_at": iso(now),
        }

    @staticmethod
    def _next_reference(conn: sqlite3.Connection, now: datetime) -> str:
        """``ST`` + business date + a 6-digit daily sequence, e.g. ``ST20261125000001``."""
        prefix = f"ST{business_clock.business_date(now):%Y%m%d}"
        last = conn.execute("SELECT MAX(reference) FROM settlements WHERE reference LIKE ?",
                            (prefix + "%",)).fetchone()[0]
        sequence = int(last[len(prefix):]) + 1 if last else 1
        return f"{prefix}{sequence:06d}"

    # -- demo data ----------------------------------------------------------------------

    def seed_demo(self, city: str = "xiamen") -> bool:
        """Insert the demo patients, accounts and visits if the database holds none.

        Visit times are relative to the store clock. Returns True if data was inserted.
        """
        profile = load_profile(city)
        now = self.now()
        with self.transaction() as conn:
            if conn.execute("SELECT COUNT(*) FROM patients").fetchone()[0]:
                return False
            ids = {p["role"]: p["patient_id"] for p in demo_data.DEMO_PATIENTS}
            for p in demo_data.DEMO_PATIENTS:
                guardian_role = demo_data.GUARDIANS.get(p["role"])
                conn.execute(
                    "INSERT INTO patients (patient_id, id_number, name, sex, birth_date, phone, "
                    "score, guardian_patient_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (p["patient_id"], p["id_number"], p["name"], p["sex"], p["birth_date"],
                     p["phone"], p["score"], ids[guardian_role] if guardian_role else None))
            scores = {p["role"]: p["score"] for p in demo_data.DEMO_PATIENTS}
            for a in demo_data.DEMO_ACCOUNTS:
                tier = profile.tier_for(scores[a["holder_role"]])
                conn.execute(
                    "INSERT INTO accounts (account_id, holder_patient_id, status, policy, "
                    "score_tier, value_added, line_fen, used_fen, opened_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
                    (a["account_id"], ids[a["holder_role"]], a["status"], city,
                     profile.tiers.index(tier) + 1 if tier else 0,
                     int(bool(tier and tier.value_added)), tier.line_fen if tier else 0,
                     iso(now - timedelta(days=400))))
            for n, v in enumerate(demo_data.DEMO_VISITS):
                started = now - timedelta(hours=3) + timedelta(minutes=10 * n)
                self._insert_visit(conn, v, ids[v["role"]], started,
                                   started + timedelta(minutes=45), "open")
            self._seed_arrears(conn, profile, ids, now)
        return True

    @staticmethod
    def _insert_visit(conn: sqlite3.Connection, v: dict, patient_id: str, started: datetime,
                      ended: datetime, status: str) -> tuple[int, int, int]:
        lines = demo_data.visit_lines(v["items"])
        total, fund, personal = demo_data.insurance_split(lines)
        conn.execute(
            "INSERT INTO visits (visit_id, patient_id, kind, department, doctor, started_at, "
            "ended_at, status, total_fen, fund_fen, personal_fen) "
            "VALUES (?, ?, 'outpatient', ?, ?, ?, ?, ?, ?, ?, ?)",
            (v["visit_id"], patient_id, v["department"], v["doctor"], iso(started), iso(ended),
             status, total, fund, personal))
        conn.executemany(
            "INSERT INTO visit_items (visit_id, line_no, code, name, quantity, unit_price_fen, "
            "amount_fen, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(v["visit_id"], i, ln["code"], ln["name"], ln["quantity"], ln["unit_price_fen"],
              ln["amount_fen"], ln["category"]) for i, ln in enumerate(lines, 1)])
        return total, fund, personal

    def _seed_arrears(self, conn: sqlite3.Connection, profile, ids: dict,
                      now: datetime) -> None:
        """A past settled visit whose bill is unpaid and overdue; the account is suspended."""
        h = demo_data.ARREARS_HISTORY
        ended = now - timedelta(days=h["days_ago"])
        total, fund, personal = self._insert_visit(
            conn, h, ids[h["role"]], ended - timedelta(minutes=50), ended, "settled")
        conn.execute(
            "INSERT INTO settlements (settlement_id, reference, visit_id, account_id, "
            "terminal_id, total_fen, fund_fen, personal_fen, settled_at) "
            "VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?)",
            (h["settlement_id"], self._next_reference(conn, ended), h["visit_id"],
             h["account_id"], total, fund, personal, iso(ended)))
        conn.execute(
            "INSERT INTO bills (bill_id, settlement_id, account_id, visit_id, amount_fen, "
            "created_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (h["bill_id"], h["settlement_id"], h["account_id"], h["visit_id"], personal,
             iso(ended), iso(profile.due.due_at(ended))))
        conn.execute("UPDATE accounts SET used_fen = used_fen + ? WHERE account_id = ?",
                     (personal, h["account_id"]))
