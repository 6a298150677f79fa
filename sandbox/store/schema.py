"""The sandbox platform's SQLite schema (version 2) and its migration from version 1.

Money is integer fen; times are ISO 8601 text in business time (``+08:00``). The
schema version is kept in ``PRAGMA user_version``.
"""
from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2

#: Tables that survive every migration: terminal registrations and replay protection.
TERMINAL_SCHEMA = """
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
"""

DATA_SCHEMA = """
CREATE TABLE sandbox_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE sequences (
    prefix TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
);
CREATE TABLE patients (
    patient_id             TEXT PRIMARY KEY,
    id_number              TEXT NOT NULL UNIQUE,
    name                   TEXT NOT NULL,
    sex                    TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date             TEXT NOT NULL,
    phone                  TEXT NOT NULL,
    score                  INTEGER,
    guardian_patient_id    TEXT REFERENCES patients (patient_id),
    insurance_credit_grade TEXT CHECK (insurance_credit_grade IN ('A', 'B', 'C', 'D', 'E'))
);
CREATE TABLE accounts (
    account_id        TEXT PRIMARY KEY,
    holder_patient_id TEXT NOT NULL UNIQUE REFERENCES patients (patient_id),
    status            TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'closed')),
    policy            TEXT NOT NULL,
    score             INTEGER,
    score_tier        INTEGER NOT NULL,
    value_added       INTEGER NOT NULL,
    line_fen          INTEGER NOT NULL CHECK (line_fen >= 0),
    used_fen          INTEGER NOT NULL CHECK (used_fen >= 0),
    dishonest         INTEGER NOT NULL DEFAULT 0,
    reminders         INTEGER NOT NULL DEFAULT 0,
    phone             TEXT,
    consent_version   TEXT,
    consented_at      TEXT,
    opened_at         TEXT NOT NULL,
    closed_at         TEXT,
    terminal_id       TEXT
);
CREATE TABLE credit_links (
    patient_id          TEXT PRIMARY KEY REFERENCES patients (patient_id),
    account_id          TEXT NOT NULL REFERENCES accounts (account_id),
    guardian_patient_id TEXT NOT NULL REFERENCES patients (patient_id),
    status              TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    consent_version     TEXT NOT NULL,
    consented_at        TEXT NOT NULL,
    phone               TEXT,
    closed_at           TEXT,
    terminal_id         TEXT
);
CREATE TABLE parents (
    child_patient_id   TEXT NOT NULL REFERENCES patients (patient_id),
    parent_patient_id  TEXT NOT NULL REFERENCES patients (patient_id),
    repayment_taken_on INTEGER NOT NULL DEFAULT 0,
    taken_on_at        TEXT,
    terminal_id        TEXT,
    PRIMARY KEY (child_patient_id, parent_patient_id)
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
CREATE TABLE payments (
    payment_id  TEXT PRIMARY KEY,
    patient_id  TEXT NOT NULL REFERENCES patients (patient_id),
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    purpose     TEXT NOT NULL,
    reference   TEXT,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'paid')),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    paid_at     TEXT,
    used_by     TEXT,
    terminal_id TEXT
);
CREATE TABLE settlements (
    settlement_id    TEXT PRIMARY KEY,
    reference        TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL CHECK (kind IN ('registration', 'outpatient', 'inpatient')),
    patient_id       TEXT NOT NULL REFERENCES patients (patient_id),
    account_id       TEXT REFERENCES accounts (account_id),
    terminal_id      TEXT,
    total_fen        INTEGER NOT NULL,
    fund_fen         INTEGER NOT NULL,
    personal_fen     INTEGER NOT NULL,
    deposit_used_fen INTEGER NOT NULL DEFAULT 0,
    booked_fen       INTEGER NOT NULL,
    paid_fen         INTEGER NOT NULL,
    refunded_fen     INTEGER NOT NULL DEFAULT 0,
    payment_id       TEXT REFERENCES payments (payment_id),
    registration_id  TEXT,
    admission_id     TEXT,
    settled_at       TEXT NOT NULL,
    CHECK (deposit_used_fen + booked_fen + paid_fen <= personal_fen)
);
CREATE TABLE settlement_visits (
    settlement_id TEXT NOT NULL REFERENCES settlements (settlement_id),
    visit_id      TEXT NOT NULL UNIQUE REFERENCES visits (visit_id),
    PRIMARY KEY (settlement_id, visit_id)
);
CREATE TABLE bills (
    bill_id         TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('registration', 'outpatient', 'inpatient')),
    settlement_id   TEXT NOT NULL UNIQUE REFERENCES settlements (settlement_id),
    account_id      TEXT NOT NULL REFERENCES accounts (account_id),
    patient_id      TEXT NOT NULL REFERENCES patients (patient_id),
    visit_id        TEXT REFERENCES visits (visit_id),
    registration_id TEXT,
    admission_id    TEXT,
    amount_fen      INTEGER NOT NULL CHECK (amount_fen >= 0),
    paid_fen        INTEGER NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
    refunded_fen    INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0),
    reminders       INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    paid_at         TEXT,
    CHECK (paid_fen + refunded_fen <= amount_fen)
);
CREATE INDEX bills_by_account ON bills (account_id, created_at);
CREATE TABLE registrations (
    registration_id TEXT PRIMARY KEY,
    reference       TEXT NOT NULL UNIQUE,
    session_id      TEXT NOT NULL,
    patient_id      TEXT NOT NULL REFERENCES patients (patient_id),
    account_id      TEXT REFERENCES accounts (account_id),
    pay             TEXT NOT NULL CHECK (pay IN ('credit', 'channel')),
    queue_number    INTEGER NOT NULL,
    fee_fen         INTEGER NOT NULL,
    booked_fen      INTEGER NOT NULL,
    paid_fen        INTEGER NOT NULL,
    payment_id      TEXT REFERENCES payments (payment_id),
    settlement_id   TEXT REFERENCES settlements (settlement_id),
    status          TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
    created_at      TEXT NOT NULL,
    cancelled_at    TEXT,
    terminal_id     TEXT
);
CREATE INDEX registrations_by_session ON registrations (session_id, status);
CREATE TABLE admissions (
    admission_id     TEXT PRIMARY KEY,
    patient_id       TEXT NOT NULL REFERENCES patients (patient_id),
    account_id       TEXT REFERENCES accounts (account_id),
    department_id    TEXT NOT NULL,
    department       TEXT NOT NULL,
    ward             TEXT NOT NULL,
    bed              TEXT NOT NULL,
    admitted_at      TEXT NOT NULL,
    discharged_at    TEXT,
    status           TEXT NOT NULL CHECK (status IN ('admitted', 'discharged')),
    deposit_paid_fen INTEGER NOT NULL DEFAULT 0,
    guarantee        TEXT NOT NULL CHECK (guarantee IN ('credit_line', 'deposit')),
    settlement_id    TEXT REFERENCES settlements (settlement_id),
    terminal_id      TEXT
);
CREATE TABLE admission_items (
    admission_id   TEXT NOT NULL REFERENCES admissions (admission_id),
    line_no        INTEGER NOT NULL,
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    category       TEXT NOT NULL,
    day            TEXT NOT NULL,
    quantity       INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_fen INTEGER NOT NULL,
    amount_fen     INTEGER NOT NULL,
    PRIMARY KEY (admission_id, line_no),
    CHECK (amount_fen = quantity * unit_price_fen)
);
CREATE TABLE repayments (
    repayment_id TEXT PRIMARY KEY,
    reference    TEXT NOT NULL UNIQUE,
    account_id   TEXT NOT NULL REFERENCES accounts (account_id),
    amount_fen   INTEGER NOT NULL,
    channel      TEXT NOT NULL,
    payment_id   TEXT REFERENCES payments (payment_id),
    operator_id  TEXT,
    terminal_id  TEXT,
    created_at   TEXT NOT NULL
);
CREATE TABLE repayment_allocations (
    repayment_id TEXT NOT NULL REFERENCES repayments (repayment_id),
    bill_id      TEXT NOT NULL REFERENCES bills (bill_id),
    amount_fen   INTEGER NOT NULL,
    PRIMARY KEY (repayment_id, bill_id)
);
CREATE TABLE refunds (
    refund_id      TEXT PRIMARY KEY,
    reference      TEXT NOT NULL UNIQUE,
    settlement_id  TEXT NOT NULL REFERENCES settlements (settlement_id),
    amount_fen     INTEGER NOT NULL,
    to_credit_fen  INTEGER NOT NULL,
    to_channel_fen INTEGER NOT NULL,
    operator_id    TEXT NOT NULL,
    reason         TEXT NOT NULL,
    terminal_id    TEXT,
    created_at     TEXT NOT NULL
);
CREATE TABLE disputes (
    dispute_id  TEXT PRIMARY KEY,
    bill_id     TEXT NOT NULL REFERENCES bills (bill_id),
    reason_code TEXT NOT NULL,
    text        TEXT,
    status      TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'rejected')),
    raised_at   TEXT NOT NULL,
    answer_due  TEXT NOT NULL,
    resolved_at TEXT,
    terminal_id TEXT
);
CREATE UNIQUE INDEX one_open_dispute_per_bill ON disputes (bill_id) WHERE status = 'open';
CREATE TABLE ledger (
    entry_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    terminal_id   TEXT,
    business_date TEXT NOT NULL,
    kind          TEXT NOT NULL,
    reference     TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL,
    credit_fen    INTEGER NOT NULL,
    channel_fen   INTEGER NOT NULL,
    cash_fen      INTEGER NOT NULL,
    at            TEXT NOT NULL,
    CHECK (amount_fen = credit_fen + channel_fen + cash_fen)
);
CREATE INDEX ledger_by_terminal_day ON ledger (terminal_id, business_date);
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

#: Version 1 data tables, children first (dropped by the migration to version 2).
_V1_TABLES = ("idempotency", "bills", "settlements", "visit_items", "visits", "accounts",
              "patients")


def _run(conn: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def create(conn: sqlite3.Connection) -> None:
    _run(conn, TERMINAL_SCHEMA)
    _run(conn, DATA_SCHEMA)


def migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Version 1 held only demo data: it is dropped (terminals and nonces are kept) and
    the demo data is seeded again by ``seed_demo``."""
    for table in _V1_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    _run(conn, DATA_SCHEMA)
