"""The drain's kiosk side without repeated work: a claim reads about as many rows as it takes
and leases by seq; an item's size in a batch comes from its sealed text (not dumped again);
batches still keep under ``max_batch_bytes``. Expected values from the JSON itself, computed
here, and from the file read by another connection."""
from __future__ import annotations

import json
import sqlite3

import pytest

from offline_cache.crypto import Sealer, new_key
from offline_cache.journal import Journal
from offline_cache.sync import Answer, SyncEngine

WHO = {"name": "陈晓东", "id_number": "350203198001010019"}
OTHER_SENDER = "another-host/4242/abcd1234"  # another machine's live sender: its leases hold


@pytest.fixture
def outbox(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite", Sealer(new_key()))
    yield journal
    journal.close()


def body(n: int, note: str = "") -> dict:
    found = {"patient_id": f"P{n:06d}", "account_id": f"CA{n:06d}", "visit_ids": [f"V{n:07d}"]}
    if note:
        found["note"] = note
    return found


def batch_json(ops: list[dict]) -> bytes:
    """The operations as the platform client puts them in the request (compact, UTF-8)."""
    return json.dumps(ops, ensure_ascii=False, separators=(",", ":")).encode()


class Recorder:
    """A platform that answers every operation 200 and keeps what each request carried."""

    def __init__(self):
        self.batches: list[list[dict]] = []

    def send(self, operations: list[dict]) -> list[Answer]:
        self.batches.append(operations)
        return [Answer(op["key"], 200, {"reference": "ST" + op["key"][:6]}) for op in operations]

    def healthy(self) -> bool:
        return True


def test_an_items_size_is_its_operations_json_or_more_by_who(outbox):
    plain = outbox.enqueue("settlement", "/v1/settlements", body(1, "复诊 \"quoted\" \\ tab\t"))
    with_who = outbox.enqueue("settlement", "/v1/settlements", body(2, "一般"), who=WHO)
    items = {i.key: i for i in outbox.claim("me/1/x", limit=10, lease_s=60)}
    for key, n, note in ((plain, 1, "复诊 \"quoted\" \\ tab\t"), (with_who, 2, "一般")):
        op = {"key": key, "method": "POST", "path": "/v1/settlements", "body": body(n, note)}
        exact = len(batch_json([op])) - 2  # without the list's brackets
        who_part = len((',"who":' + json.dumps(WHO, ensure_ascii=False, separators=(",", ":"))).encode())
        assert items[key].size == exact + (who_part if key == with_who else 0)


def test_batches_keep_under_max_batch_bytes_without_dumping_each_item_twice(outbox):
    keys = [outbox.enqueue("settlement", "/v1/settlements", body(n, "床旁结算" * 5), who=WHO) for n in range(40)]
    platform = Recorder()
    report = SyncEngine(outbox, platform, batch_size=100, max_batch_bytes=2000).drain()
    assert sorted(report.done) == sorted(keys) and outbox.pending() == []
    sizes = [len(batch_json(ops)) for ops in platform.batches]
    assert len(platform.batches) > 5 and max(sizes) <= 2000
    assert [op["key"] for ops in platform.batches for op in ops] == keys  # in order, each once
    assert all(set(op) == {"key", "method", "path", "body"} for ops in platform.batches for op in ops)  # no "who"


def test_a_claim_reads_past_a_chunk_of_waiting_lanes_and_leases_exactly_what_it_took(outbox, tmp_path):
    waiting = [outbox.enqueue("settlement", "/v1/settlements", {"account_id": "CA-BUSY", "visit_ids": [str(n)]},
                              owner=OTHER_SENDER if n == 0 else None, lease_s=600) for n in range(40)]
    free = [outbox.enqueue("settlement", "/v1/settlements", body(n)) for n in range(100, 160)]
    items = outbox.claim("me/1/x", limit=40, lease_s=60)
    assert [i.key for i in items] == free[:40]  # past 40 rows of a lane whose head another sender holds
    with sqlite3.connect(tmp_path / "journal.sqlite") as conn:
        rows = dict(((k, (o, a)) for k, o, a in conn.execute("SELECT key, lease_owner, attempts FROM journal")))
    conn.close()
    assert {rows[k] for k in free[:40]} == {("me/1/x", 1)}
    assert {rows[k] for k in free[40:]} == {(None, 0)}
    assert rows[waiting[0]] == (OTHER_SENDER, 0) and {rows[k] for k in waiting[1:]} == {(None, 0)}
    assert [i.key for i in outbox.claim("me/1/y", limit=100, lease_s=60)] == free[40:]
