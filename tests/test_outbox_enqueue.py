"""The outbox's enqueue (``Journal.enqueue``): one statement that is its own transaction, and
still committed (fsynced) before it returns, sealed, keyed. Checked from outside the code: the
SQLite file's bytes, another connection, a process killed right after the call."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from offline_cache.crypto import Sealer
from offline_cache.journal import Journal

DATA_KEY = bytes(range(32))
BODY = {"patient_id": "P000007", "account_id": "CA000007", "visit_ids": ["V000007001"]}
WHO = {"name": "林美华", "id_number": "350203198001010019"}
CLEAR = [b"350203198001010019", "林美华".encode(), b"/v1/settlements", b"V000007001", b"P000007"]

KILLED_WRITER = """
import os, signal, sys
from offline_cache.crypto import Sealer
from offline_cache.journal import Journal
outbox = Journal(sys.argv[1], Sealer(bytes(range(32))))
body = {"patient_id": "P000007", "account_id": "CA000007", "visit_ids": ["V000007001"]}
key = outbox.enqueue("settlement", "/v1/settlements", body, credit_fen=4321, offline=True,
                     who={"name": "林美华", "id_number": "350203198001010019"})
print(key, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no close, no checkpoint: only what enqueue committed
"""


@pytest.fixture
def outbox(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite", Sealer(DATA_KEY))
    yield journal
    journal.close()


def file_bytes(folder) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.name.startswith("journal.sqlite"))


def test_a_process_killed_right_after_enqueue_leaves_the_item_queued_and_nothing_in_clear(tmp_path):
    path = tmp_path / "journal.sqlite"
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == -9, done.stderr
    key = done.stdout.strip()
    assert len(key) == 32
    assert (tmp_path / "journal.sqlite-wal").exists()  # the commit is in the WAL, not yet checkpointed
    on_disk = file_bytes(tmp_path)
    assert key.encode() in on_disk
    for clear in CLEAR:
        assert clear not in on_disk, clear
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT state, lane, credit_fen, offline, attempts, lease_owner FROM journal "
                           "WHERE key = ?", (key,)).fetchone()
    conn.close()
    assert row == ("pending", "CA000007", 4321, 1, 0, None)
    outbox = Journal(path, Sealer(DATA_KEY))
    try:
        assert outbox.get(key).payload == {"path": "/v1/settlements", "body": BODY, "who": WHO}
        [item] = outbox.claim("sender", limit=10, lease_s=60)  # retryable: sent by the next sender
        assert (item.key, item.body, item.credit_fen, item.offline) == (key, BODY, 4321, True)
    finally:
        outbox.close()


def test_the_sealed_text_is_compact_utf8_json_bound_to_its_key(outbox):
    key = outbox.enqueue("settlement", "/v1/settlements", BODY, who=WHO)
    [(blob,)] = outbox.db.query("SELECT sealed FROM journal WHERE key = ?", (key,))
    assert blob[:1] == b"\x01" and len(blob) == 1 + 12 + len(
        '{"path":"/v1/settlements","body":{"patient_id":"P000007","account_id":"CA000007",'
        '"visit_ids":["V000007001"]},"who":{"name":"林美华","id_number":"350203198001010019"}}'.encode()) + 16
    assert Sealer(DATA_KEY).open(blob, key.encode()).decode() == (
        '{"path":"/v1/settlements","body":{"patient_id":"P000007","account_id":"CA000007",'
        '"visit_ids":["V000007001"]},"who":{"name":"林美华","id_number":"350203198001010019"}}')


def test_a_key_given_twice_is_refused_and_leaves_no_transaction_open(outbox, tmp_path):
    key = "k" * 32
    outbox.enqueue("settlement", "/v1/settlements", BODY, key=key, credit_fen=100)
    with pytest.raises(sqlite3.IntegrityError):
        outbox.enqueue("settlement", "/v1/other", {"account_id": "CA9"}, key=key, credit_fen=999)
    assert not outbox.db._conn.in_transaction
    other = outbox.enqueue("settlement", "/v1/settlements", {"account_id": "CA8"}, credit_fen=5)
    with sqlite3.connect(tmp_path / "journal.sqlite") as conn:
        rows = conn.execute("SELECT key, lane, credit_fen FROM journal ORDER BY seq").fetchall()
    conn.close()
    assert rows == [(key, "CA000007", 100), (other, "CA8", 5)]


def test_an_enqueue_waits_for_another_writer_and_then_commits(outbox, tmp_path):
    other = sqlite3.connect(tmp_path / "journal.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    keys = []
    writer = threading.Thread(target=lambda: keys.append(outbox.enqueue("settlement", "/v1/settlements", BODY)))
    writer.start()
    time.sleep(0.3)
    assert writer.is_alive() and not keys  # waiting (the busy timeout), not failed
    other.execute("COMMIT")
    writer.join(10)
    assert len(keys) == 1
    assert other.execute("SELECT state FROM journal WHERE key = ?", (keys[0],)).fetchone() == ("pending",)
    other.close()


def test_an_enqueue_inside_an_open_transaction_is_refused_not_folded_into_it(outbox):
    with pytest.raises(sqlite3.OperationalError), outbox.db.transaction():
        outbox.enqueue("settlement", "/v1/settlements", BODY)
    assert outbox.pending() == []


def test_the_outboxs_times_are_utc_iso_to_the_microsecond_also_at_a_whole_second(monkeypatch):
    from offline_cache import journal

    for ns, expected in ((1767225600_123456789, "2026-01-01T00:00:00.123456+00:00"),
                         (1767225600_999999999, "2026-01-01T00:00:00.999999+00:00"),
                         (1767225601_000000999, "2026-01-01T00:00:01.000000+00:00"),  # the next second
                         (1782864000_000001000, "2026-07-01T00:00:00.000001+00:00")):
        monkeypatch.setattr(journal.time, "time_ns", lambda ns=ns: ns)
        assert journal._now() == expected
    monkeypatch.undo()
    stamp = datetime.fromisoformat(journal._now())
    assert stamp.utcoffset() == timedelta(0) and abs(stamp - datetime.now(UTC)) < timedelta(seconds=2)


def test_a_body_that_holds_itself_is_refused_before_anything_is_written(outbox):
    looped = {"account_id": "CA000009", "visit_ids": []}
    looped["visit_ids"].append(looped)
    with pytest.raises(RecursionError):
        outbox.enqueue("settlement", "/v1/settlements", looped)
    assert outbox.db.query("SELECT COUNT(*) FROM journal")[0][0] == 0
    outbox.enqueue("settlement", "/v1/settlements", BODY)  # and the outbox goes on
    assert len(outbox.pending()) == 1
