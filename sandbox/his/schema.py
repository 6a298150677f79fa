"""The sandbox HIS's SQLite schema (version 1), in its own file: one service, one database.

Money is integer fen; quantities (``cnt``) are decimal text, never float; times are ISO 8601 text in
business time (``+08:00``). The terminal registry, replay protection, the idempotency store and the
clock state are the same tables as the credit platform's (``sandbox.store.schema``), so the shared
plumbing (``sandbox.store.base.StoreBase``) runs on both; patient sessions are added by
``sandbox.store.presence``, the payment channel's extra columns by ``sandbox.store.payments``.
"""
from __future__ import annotations

from sandbox.store.schema import TERMINAL_SCHEMA

SCHEMA_VERSION = 1

DATA_SCHEMA = """
CREATE TABLE sandbox_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE sequences (
    prefix TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
);
CREATE TABLE idempotency (
    terminal_id   TEXT NOT NULL,
    key           TEXT NOT NULL,
    body_digest   TEXT NOT NULL,
    status_code   INTEGER NOT NULL,
    response_json TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (terminal_id, key)
);
CREATE TABLE patients (
    patient_id          TEXT PRIMARY KEY,
    id_number           TEXT NOT NULL UNIQUE,
    sscard_number       TEXT UNIQUE,
    name                TEXT NOT NULL,
    sex                 TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date          TEXT NOT NULL,
    phone               TEXT NOT NULL,
    guardian_patient_id TEXT REFERENCES patients (patient_id)
);
CREATE TABLE visits (
    visit_id    TEXT PRIMARY KEY,
    patient_id  TEXT NOT NULL REFERENCES patients (patient_id),
    dept_code   TEXT NOT NULL,
    dept_name   TEXT NOT NULL,
    doctor_code TEXT NOT NULL,
    doctor_name TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    bill_id     TEXT NOT NULL UNIQUE
);
CREATE INDEX visits_by_patient ON visits (patient_id);
CREATE TABLE charge_items (
    owner_kind       TEXT NOT NULL CHECK (owner_kind IN ('visit', 'registration', 'admission')),
    owner_id         TEXT NOT NULL,
    line_no          INTEGER NOT NULL,
    feedetl_sn       TEXT NOT NULL,
    medins_list_codg TEXT NOT NULL,
    med_list_codg    TEXT NOT NULL,
    med_chrgitm_type TEXT NOT NULL,
    chrgitm_lv       TEXT CHECK (chrgitm_lv IN ('01', '02', '03')),
    name             TEXT NOT NULL,
    spec             TEXT NOT NULL,
    pric_fen         INTEGER NOT NULL CHECK (pric_fen >= 0),
    cnt              TEXT NOT NULL,
    amount_fen       INTEGER NOT NULL CHECK (amount_fen >= 0),
    dept_code        TEXT NOT NULL,
    dept_name        TEXT NOT NULL,
    doctor_code      TEXT NOT NULL,
    doctor_name      TEXT NOT NULL,
    fee_ocur_time    TEXT NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, line_no),
    UNIQUE (owner_kind, owner_id, feedetl_sn)
);
CREATE TABLE bills (
    bill_id         TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('outpatient', 'registration', 'inpatient')),
    patient_id      TEXT NOT NULL REFERENCES patients (patient_id),
    visit_id        TEXT,
    registration_id TEXT,
    admission_id    TEXT,
    total_fen       INTEGER NOT NULL CHECK (total_fen >= 0),
    status          TEXT NOT NULL CHECK (status IN ('unpaid', 'paid', 'cancelled', 'refunded')),
    paid_terminal   TEXT,
    paid_key        TEXT,
    setl_id         TEXT,
    booking_id      TEXT,
    payment_id      TEXT,
    paid_at         TEXT,
    created_at      TEXT NOT NULL,
    CHECK ((status IN ('paid', 'refunded')) = (paid_key IS NOT NULL))
);
CREATE INDEX bills_by_patient ON bills (patient_id, status);
CREATE TABLE marks (
    terminal_id   TEXT NOT NULL,
    key           TEXT NOT NULL,
    body_digest   TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('paid', 'unmarked')),
    patient_id    TEXT,
    bill_ids      TEXT NOT NULL,
    setl_id       TEXT,
    booking_id    TEXT,
    payment_id    TEXT,
    total_fen     INTEGER NOT NULL,
    paid_now_fen  INTEGER NOT NULL,
    marked_at     TEXT,
    unmarked_at   TEXT,
    business_date TEXT,
    PRIMARY KEY (terminal_id, key)
);
CREATE INDEX marks_by_day ON marks (terminal_id, business_date);
CREATE TABLE registrations (
    registration_id TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL,
    patient_id      TEXT NOT NULL REFERENCES patients (patient_id),
    queue_number    INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
    bill_id         TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    cancelled_at    TEXT,
    terminal_id     TEXT
);
CREATE INDEX registrations_by_session ON registrations (session_id, status);
CREATE TABLE admission_orders (
    order_id      TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES patients (patient_id),
    med_type      TEXT NOT NULL,
    adm_dept_codg TEXT NOT NULL,
    adm_dept_name TEXT NOT NULL,
    ward          TEXT NOT NULL,
    atddr_no      TEXT NOT NULL,
    chfpdr_name   TEXT NOT NULL,
    adm_diag_dscr TEXT NOT NULL,
    dise_codg     TEXT NOT NULL,
    issued_at     TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'admitted', 'cancelled')),
    admission_id  TEXT
);
CREATE TABLE admissions (
    admission_id  TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES patients (patient_id),
    order_id      TEXT,
    dept_code     TEXT NOT NULL,
    dept_name     TEXT NOT NULL,
    ward          TEXT NOT NULL,
    bed           TEXT NOT NULL,
    doctor_code   TEXT NOT NULL,
    doctor_name   TEXT NOT NULL,
    admitted_at   TEXT NOT NULL,
    discharged_at TEXT,
    status        TEXT NOT NULL CHECK (status IN ('admitted', 'billed', 'discharged')),
    bill_id       TEXT UNIQUE,
    terminal_id   TEXT
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
    terminal_id TEXT,
    cancelled_at TEXT,
    refunded_at  TEXT,
    refund_id    TEXT,
    late         TEXT,
    late_at      TEXT
);
"""


def _run(conn, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def create(conn) -> None:
    _run(conn, TERMINAL_SCHEMA)
    _run(conn, DATA_SCHEMA)
