"""The sandbox store in-process: migration from schema 1, the nightly batch catching up
with the wall clock, in-process writes."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from kiosk.domain.clock import BUSINESS_TZ
from sandbox.store import SCHEMA_VERSION, Refusal, SchemaTooNew, Store


class WallClock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def test_a_version_1_database_is_migrated_and_reseeded(tmp_path):
    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE terminals (terminal_id TEXT PRIMARY KEY, secret BLOB NOT NULL,
                                hospital_name TEXT NOT NULL);
        CREATE TABLE nonces (terminal_id TEXT NOT NULL, nonce TEXT NOT NULL,
                             ts INTEGER NOT NULL, PRIMARY KEY (terminal_id, nonce));
        CREATE TABLE patients (patient_id TEXT PRIMARY KEY, id_number TEXT NOT NULL);
        CREATE TABLE accounts (account_id TEXT PRIMARY KEY);
        INSERT INTO terminals VALUES ('KIOSK-OLD', x'00112233', 'old hospital');
        INSERT INTO patients VALUES ('P1', 'x');
        PRAGMA user_version = 1;
    """)
    conn.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 2
        assert store.terminal_secret("KIOSK-OLD") == bytes.fromhex("00112233")
        assert store.seed_demo("xiamen") is True  # the old demo data was dropped
        assert store.account("CA000001")["line_fen"] == 50000


def test_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(SchemaTooNew):
        Store(path)


def test_the_batch_catches_up_when_the_wall_clock_passes_midnight(tmp_path):
    wall = WallClock(datetime(2026, 12, 1, 23, 0, tzinfo=BUSINESS_TZ))
    with Store(tmp_path / "p.sqlite", clock=wall, city="hangzhou") as store:
        store.seed_demo()
        who = store.find_patient(patient_id="P000001")
        visit = store.visits("P000001", "open")[0]
        done = store.perform(store.settle, patient_id="P000001",
                             account_id=who["account_id"], visit_ids=[visit["visit_id"]])
        due = datetime.fromisoformat(done["due_at"])
        assert due == datetime(2026, 12, 4, tzinfo=BUSINESS_TZ)
        assert store.catch_up() == []
        wall.moment = due + timedelta(minutes=1)  # real time passes, no clock control
        assert [d.isoformat() for d in store.catch_up()] == ["2026-12-02", "2026-12-03",
                                                             "2026-12-04"]
        assert store.account(who["account_id"])["status"] == "suspended"


def test_in_process_writes_roll_back_on_refusal(tmp_path):
    with Store(tmp_path / "p.sqlite") as store:
        store.seed_demo()
        payment = store.perform(store.create_payment, patient_id="P000007", amount_fen=500,
                                purpose="settlement")
        assert store.payment(payment["payment_id"])["status"] == "pending"
        store.perform(store.complete_payment, payment_id=payment["payment_id"])
        assert store.payment(payment["payment_id"])["status"] == "paid"
        with pytest.raises(Refusal) as refused:
            store.perform(store.settle, patient_id="P000007", account_id=None,
                          visit_ids=["V000007"], payment_id=payment["payment_id"])
        assert refused.value.code == "shortfall_unpaid"
        assert store.payment(payment["payment_id"])["used"] is False


def test_start_clock_at_only_on_an_empty_sandbox(tmp_path):
    with Store(tmp_path / "p.sqlite") as store:
        store.start_clock_at(datetime(2026, 9, 29, 10, tzinfo=BUSINESS_TZ))
        assert store.now().date().isoformat() == "2026-09-29"
        store.seed_demo()
        with pytest.raises(RuntimeError):
            store.start_clock_at(datetime(2026, 1, 1, tzinfo=BUSINESS_TZ))
    with Store(tmp_path / "p.sqlite") as again:  # the offset is kept across restarts
        assert again.now().date().isoformat() == "2026-09-29"
