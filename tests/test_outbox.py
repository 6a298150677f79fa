"""The durable outbox (``offline_cache/journal.py``) on a real SQLite file: written before
the call, sealed, ordered per account, leased, never losing a refusal."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from offline_cache.crypto import SealBroken, Sealer, new_key
from offline_cache.db import Database, statements
from offline_cache.journal import CONFLICT, DONE, RETRY, CapExceeded, Journal, Outcome, lane_of, new_owner, owner_alive

BODY = {"patient_id": "P000003", "account_id": "CA000003", "visit_ids": ["V000003"]}
WHO = {"name": "黄志强", "id_number": "350211197211050510"}


@pytest.fixture
def sealer():
    return Sealer(new_key())


@pytest.fixture
def outbox(tmp_path, sealer):
    journal = Journal(tmp_path / "journal.sqlite", sealer)
    yield journal
    journal.close()


def body(account: str, visit: str) -> dict:
    return {"patient_id": "P" + account[2:], "account_id": account, "visit_ids": [visit]}


def test_an_item_is_committed_sealed_before_anything_is_sent(outbox, tmp_path):
    key = outbox.enqueue("settlement", "/v1/settlements", BODY, credit_fen=1234, who=WHO)
    # another connection (another process) sees it at once: it is committed
    with sqlite3.connect(tmp_path / "journal.sqlite") as conn:
        row = conn.execute("SELECT state, lane, credit_fen, payload, sealed FROM journal WHERE key = ?",
                           (key,)).fetchone()
    conn.close()
    assert row[:4] == ("pending", "CA000003", 1234, "")
    assert b"V000003" not in row[4] and "黄志强".encode() not in row[4]
    entry = outbox.get(key)
    assert entry.payload == {"path": "/v1/settlements", "body": BODY, "who": WHO}
    assert outbox.db.query("PRAGMA journal_mode")[0][0] == "wal"
    assert outbox.db.query("PRAGMA synchronous")[0][0] == 2  # FULL


def test_a_sealed_blob_opens_only_in_its_own_row_and_with_its_key(outbox, sealer):
    a = outbox.enqueue("settlement", "/v1/settlements", BODY)
    b = outbox.enqueue("settlement", "/v1/settlements", body("CA000004", "V000004"))
    blob = outbox.db.query("SELECT sealed FROM journal WHERE key = ?", (a,))[0][0]
    with pytest.raises(SealBroken):
        sealer.open(blob, b.encode())  # moved to another row
    with pytest.raises(SealBroken):
        Sealer(new_key()).open(blob, a.encode())  # another data key
    assert sealer.blind("350211197211050510") != Sealer(new_key()).blind("350211197211050510")


def test_each_lane_is_sent_in_order_and_waits_behind_its_head(outbox):
    a1 = outbox.enqueue("settlement", "/v1/settlements", body("CA1", "V1"))
    b1 = outbox.enqueue("settlement", "/v1/settlements", body("CA2", "V2"))
    a2 = outbox.enqueue("repayment", "/v1/repayments", {"account_id": "CA1", "amount_fen": 5})
    first, second = new_owner(), new_owner()
    claimed = outbox.claim(first, limit=1, lease_s=60)
    assert [i.key for i in claimed] == [a1]  # the oldest head first
    # CA1's head is leased by a live sender: the other sender may not overtake it
    assert [i.key for i in outbox.claim(second, limit=10, lease_s=60)] == [b1]
    assert outbox.claim(second, limit=10, lease_s=60) == []
    outbox.finish(first, [Outcome(a1, DONE, 200, {"reference": "ST1", "booked_fen": 5})])
    assert [i.key for i in outbox.claim(second, limit=10, lease_s=60)] == [a2]
    assert outbox.get(a1).result == {"reference": "ST1", "amounts": {"booked_fen": 5}, "channel": None}


def test_a_lane_backing_off_waits_and_is_due_again_when_the_platform_is_back(outbox):
    key = outbox.enqueue("settlement", "/v1/settlements", BODY)
    owner = new_owner()
    [item] = outbox.claim(owner, limit=5, lease_s=60)
    outbox.finish(owner, [Outcome(key, RETRY, error="unavailable", delay_s=300)])
    assert outbox.claim(owner, limit=5, lease_s=60) == []
    assert outbox.get(key).last_error == "unavailable" and outbox.get(key).attempts == 1
    assert outbox.make_due() == 1
    [again] = outbox.claim(owner, limit=5, lease_s=60)
    assert again.key == key and again.attempts == 2


def test_a_lease_runs_out_or_dies_with_its_process(outbox):
    key = outbox.enqueue("settlement", "/v1/settlements", BODY)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead_owner = new_owner().rsplit("/", 2)[0] + f"/{gone.stdout.strip()}/deadbeef"
    assert not owner_alive(dead_owner) and owner_alive(new_owner())
    assert outbox.claim(dead_owner, limit=1, lease_s=600) != []
    # a new process takes over at once: the owner is gone, whatever the lease said
    assert [i.key for i in outbox.claim(new_owner(), limit=1, lease_s=60)] == [key]
    live = new_owner()
    assert outbox.claim(new_owner(), limit=1, lease_s=60, now=0) == []  # held (a live owner, lease not over)
    later = datetime.now(UTC).timestamp() + 3600
    assert [i.key for i in outbox.claim(live, limit=1, lease_s=60, now=later)] == [key]  # the lease ran out


def test_a_refusal_met_by_the_sync_becomes_a_conflict_never_dropped(outbox):
    key = outbox.enqueue("settlement", "/v1/settlements", BODY, credit_fen=900, who=WHO)
    owner = new_owner()
    outbox.claim(owner, limit=1, lease_s=60)
    outbox.finish(owner, [Outcome(key, CONFLICT, 409, error="shortfall_unpaid")])
    assert outbox.pending() == []
    [conflict] = outbox.conflicts()
    assert (conflict.key, conflict.code, conflict.credit_fen, conflict.who) == (key, "shortfall_unpaid", 900, WHO)
    assert outbox.unsynced_credit() == 900  # money at risk until a cashier resolves it
    assert outbox.prune(datetime.now(UTC) + timedelta(days=400)) == 0  # never pruned while open
    with pytest.raises(ValueError):
        outbox.resolve(conflict.id, "forgotten", "OP1")
    facts = outbox.resolve(conflict.id, "payment_collected", "OP1")
    assert facts["key"] == key and facts["credit_fen"] == 900
    assert outbox.conflicts() == [] and outbox.unsynced_credit() == 0
    [resolved] = outbox.conflicts(status="resolved")
    assert resolved.resolution == "payment_collected"
    with pytest.raises(LookupError):
        outbox.resolve(conflict.id, "settled_elsewhere", "OP1")


def test_the_terminal_cap_on_unsynced_credit_is_checked_with_the_insert(outbox):
    outbox.enqueue("settlement", "/v1/settlements", body("CA1", "V1"), credit_fen=2000, credit_cap_fen=3000)
    with pytest.raises(CapExceeded) as refused:
        outbox.enqueue("settlement", "/v1/settlements", body("CA2", "V2"), credit_fen=1001, credit_cap_fen=3000)
    assert refused.value.unsynced_fen == 2000
    outbox.enqueue("settlement", "/v1/settlements", body("CA2", "V3"), credit_fen=1000, credit_cap_fen=3000)
    assert outbox.unsynced_credit() == 3000 and outbox.unsynced_credit("CA1") == 2000
    assert len(outbox.pending()) == 2


def test_counts_expiry_and_pruning(outbox):
    old = outbox.enqueue("settlement", "/v1/settlements", body("CA1", "V1"), credit_fen=10)
    outbox.enqueue("settlement", "/v1/settlements", body("CA2", "V2"), credit_fen=20)
    done = outbox.enqueue("settlement", "/v1/settlements", body("CA3", "V3"))
    outbox.mark_done(done, {"reference": "ST3"})
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    with outbox.db.transaction() as conn:
        conn.execute("UPDATE journal SET created_at = ? WHERE key = ?", (two_days_ago, old))
    counts = outbox.counts(expiry_s=24 * 3600)
    assert (counts.queued, counts.unsynced_credit_fen, counts.expired, counts.conflicts) == (2, 30, 1, 0)
    assert outbox.prune(datetime.now(UTC) + timedelta(days=46)) == 0  # the newest row always stays
    newest = outbox.enqueue("settlement", "/v1/settlements", body("CA4", "V4"))
    assert outbox.prune(datetime.now(UTC) + timedelta(days=46)) == 1  # now the answered one goes
    assert outbox.get(done) is None
    assert [m["key"] for m in outbox.metadata()] == [old, outbox.pending()[1].key, newest]
    assert "sealed" not in outbox.metadata()[0] and "payload" not in outbox.metadata()[0]
    # a seq is never given twice, so the claim's floor holds
    assert outbox.db.query("SELECT MAX(seq) FROM journal")[0][0] == 4


def test_without_the_data_key_the_metadata_still_reads(outbox, tmp_path):
    outbox.enqueue("settlement", "/v1/settlements", BODY, who=WHO)
    bare = Journal(tmp_path / "journal.sqlite")
    try:
        [entry] = bare.pending()
        assert entry.payload is None and entry.lane == "CA000003"
        with pytest.raises(RuntimeError):
            bare.enqueue("settlement", "/v1/settlements", BODY)
    finally:
        bare.close()


def test_a_journal_from_before_sealing_is_migrated_and_sealed(tmp_path, sealer):
    path = tmp_path / "journal.sqlite"
    from offline_cache.journal import _MIGRATIONS

    legacy = Database(path, _MIGRATIONS[:1])  # the journal as issue 1 left it
    payload = json.dumps({"path": "/v1/credit/open", "body": {"patient_id": "P000007", "phone": "13900000107"}})
    with legacy.transaction() as conn:
        conn.execute("INSERT INTO journal (key, kind, payload, created_at, updated_at) VALUES "
                     "('k-old', 'consent', ?, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')", (payload,))
    legacy.close()
    outbox = Journal(path, sealer)
    try:
        [entry] = outbox.pending()
        assert entry.payload["body"]["phone"] == "13900000107" and entry.lane == "P000007" and entry.seq == 1
        raw = outbox.db.query("SELECT payload, sealed FROM journal")[0]
        assert raw["payload"] == "" and b"13900000107" not in raw["sealed"]
        assert outbox.db.query("PRAGMA user_version")[0][0] == len(_MIGRATIONS)
    finally:
        outbox.close()


def test_migration_scripts_split_where_sqlite_says_a_statement_ends():
    script = ("CREATE TABLE a (x);\nCREATE TRIGGER t BEFORE DELETE ON a\n"
              "BEGIN SELECT RAISE(ABORT, 'no; never'); END;\nCREATE INDEX i ON a(x)\n")
    assert [s.split()[1] for s in statements(script)] == ["TABLE", "TRIGGER", "INDEX"]


def test_lanes_are_the_account_else_the_patient():
    assert lane_of(BODY) == "CA000003"
    assert lane_of({"patient_id": "P1", "account_id": None}) == "P1"
    assert lane_of({"settlement_id": "STL1", "amount_fen": 1}) == "STL1"
    assert lane_of({}) == "-"
