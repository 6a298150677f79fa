"""The batch's settlements set-based (``sandbox.store.settle_run``) answer and write exactly what
each would through ``store.settle`` alone: the same batches applied to two copies of one
platform, one with the set-based way turned off, leave the same answers and the same rows
(ids drawn at random aside), refusals, replays, links, payments and other writes in between
included."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest

from kiosk.domain.clock import BUSINESS_TZ
from sandbox.app import create_app
from sandbox.routes import batch
from sandbox.store import Store
from tests.offline.population import populate, settlement_body

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=BUSINESS_TZ)
TERMINAL = "KIOSK-EQ-01"
TABLES = {
    "settlements": "SELECT * FROM settlements ORDER BY rowid",
    "settlement_visits": "SELECT * FROM settlement_visits ORDER BY rowid",
    "bills": "SELECT * FROM bills ORDER BY rowid",
    "visits": "SELECT * FROM visits ORDER BY visit_id",
    "accounts": "SELECT * FROM accounts ORDER BY account_id",
    "ledger": "SELECT * FROM ledger ORDER BY entry_id",
    "sequences": "SELECT * FROM sequences ORDER BY prefix",
    "idempotency": "SELECT * FROM idempotency ORDER BY rowid",
    "payments": "SELECT * FROM payments ORDER BY payment_id",
    "repayments": "SELECT account_id, amount_fen, channel, reference FROM repayments ORDER BY rowid",
}
RANDOM_IDS = re.compile(r"\b(STL|BIL|RPY)[0-9A-F]{16,}\b")  # STL, BIL: 11 of time, 16 random


def op(key: str, body: dict, path: str = "/v1/settlements") -> batch.Operation:
    return batch.Operation(key=key, method="POST", path=path, body=body)


def platform(path) -> tuple[Store, dict, batch._Dispatch]:
    store = Store(path, clock=lambda: NOW)
    people = populate(store, people=8, visits_each=3, personal_fen=500, fund_fen=300)
    with store.transaction() as conn:
        # PX000002: a line of 1,200 (two visits' personal parts, not three)
        conn.execute("UPDATE accounts SET line_fen = 1200 WHERE account_id = 'CX000002'")
        # PX000003's first visit ended 60 days ago: once settled, its bill is overdue
        conn.execute("UPDATE visits SET ended_at = ? WHERE visit_id = 'VX000003000'",
                     ((NOW - timedelta(days=60)).isoformat(),))
        # PX000004 uses PX000005's account through a link (the store's own way)
        conn.execute("INSERT INTO credit_links (patient_id, account_id, guardian_patient_id, status, "
                     "consent_version, consented_at) VALUES ('PX000004', 'CX000005', 'PX000005', 'active', "
                     "'2026-10', ?)", (NOW.isoformat(),))
        conn.execute("UPDATE accounts SET status = 'suspended' WHERE account_id = 'CX000006'")
        conn.execute("UPDATE accounts SET dishonest = 1 WHERE account_id = 'CX000007'")
        conn.execute("UPDATE visits SET ended_at = NULL WHERE visit_id = 'VX000008001'")
        conn.execute("INSERT INTO payments (payment_id, patient_id, amount_fen, purpose, status, created_at, "
                     "expires_at, paid_at) VALUES ('PAY0001', 'PX000008', 500, 'settlement', 'paid', ?, ?, ?)",
                     (NOW.isoformat(), (NOW + timedelta(hours=1)).isoformat(), NOW.isoformat()))
    app = create_app(store)
    scope = {"type": "http", "method": "POST", "root_path": "", "query_string": b"", "headers": [],
             "scheme": "http", "server": None, "app": app,
             "state": {"terminal_id": TERMINAL, "batch": True, "operator_session": None}}
    return store, scope, batch._dispatch_for(app), people


def batches(people) -> list[list[batch.Operation]]:
    p = {n: people[n - 1] for n in range(1, 9)}
    body = settlement_body
    return [
        [op("a1", body(p[1], p[1].visit_ids[0])),
         op("a2", body(p[1], p[1].visit_ids[1])),
         op("a1", body(p[1], p[1].visit_ids[0])),  # the same key again: the stored answer
         op("a3", body(p[1], p[1].visit_ids[0])),  # already settled (in this batch)
         op("a4", body(p[1], p[1].visit_ids[1])),
         op("a1", body(p[1], p[1].visit_ids[2])),  # the key with another body: reused
         op("b1", body(p[2], p[2].visit_ids[0])),
         op("b2", body(p[2], p[2].visit_ids[1])),
         op("b3", body(p[2], p[2].visit_ids[2])),  # beyond the line: shortfall unpaid
         op("c1", body(p[3], p[3].visit_ids[0])),  # its bill is overdue at once
         op("c2", body(p[3], p[3].visit_ids[1])),  # repay first
         op("d1", body(p[4], p[4].visit_ids[0]) | {"account_id": "CX000005"}),  # a link
         op("e1", {"patient_id": "PX000005", "account_id": "CX000005",
                   "visit_ids": list(p[5].visit_ids[:2])}),  # two visits at once
         op("e2", {"patient_id": "PX000005", "account_id": "CX000005",
                   "visit_ids": [p[5].visit_ids[2], p[5].visit_ids[2]]}),  # a visit twice
         op("f1", body(p[6], p[6].visit_ids[0])),  # suspended
         op("g1", body(p[7], p[7].visit_ids[0])),  # dishonest
         op("h1", body(p[8], p[8].visit_ids[0]) | {"visit_ids": [p[1].visit_ids[2]]}),  # not theirs
         op("h2", body(p[8], p[8].visit_ids[1])),  # a visit not ended
         op("h3", body(p[8], "VX999999000")),  # no such visit
         op("h4", {"patient_id": "PX999999", "account_id": "CX000008", "visit_ids": [p[8].visit_ids[2]]}),
         op("h5", body(p[8], p[8].visit_ids[2]) | {"account_id": None}),  # no account: pay it all
         op("h6", body(p[8], p[8].visit_ids[2]) | {"account_id": None, "payment_id": "PAY0001"}),  # booked alone
         op("h7", body(p[8], p[8].visit_ids[2]) | {"account_id": "CX999999"}),
         op("r1", {"account_id": "CX000003", "amount_fen": 500, "channel": "payment_channel",
                   "payment_id": "PAY0002"}, "/v1/repayments"),  # another write in between
         op("h8", body(p[8], p[8].visit_ids[0])),
         op("x1", {"patient_id": "PX000001"}, "/v1/nowhere"),
         op("x2", {"patient_id": 5}),
         ],
        [op("a1", body(p[1], p[1].visit_ids[0])),  # a replayed batch
         op("a2", body(p[1], p[1].visit_ids[1])),
         op("c3", body(p[3], p[3].visit_ids[2])),
         op("i1", body(p[1], p[1].visit_ids[2]))],
    ]


def apply_all(tmp_path, name: str, optimistic: bool = True) -> tuple[list[str], dict]:
    store, scope, dispatch, people = platform(tmp_path / f"{name}.sqlite")
    answers = []
    for operations in batches(people):
        try:
            answers += batch._run(store, dispatch, scope, operations, optimistic=optimistic)
        except batch.Redo:
            answers += batch._run(store, dispatch, scope, operations, optimistic=False)
    with store.snapshot() as conn:
        rows = {name: [tuple(r) for r in conn.execute(sql)] for name, sql in TABLES.items()}
    store.close()
    return [RANDOM_IDS.sub(r"\1*", a) for a in answers], {k: RANDOM_IDS.sub(r"\1*", repr(v)) for k, v in rows.items()}


@pytest.mark.parametrize("optimistic", [True, False])  # without savepoints, or with (a batch run again)
def test_settlements_set_based_answer_and_write_as_the_store_alone(tmp_path, monkeypatch, optimistic):
    answers, rows = apply_all(tmp_path, "set_based", optimistic)
    applied = sum('"status":200' in a for a in answers)
    monkeypatch.setattr(batch._Settlements, "is_settlement", staticmethod(lambda call: False))
    alone_answers, alone_rows = apply_all(tmp_path, "alone", optimistic)
    assert answers == alone_answers
    for table in TABLES:
        assert rows[table] == alone_rows[table], table
    assert applied == 13 and '"code":"repay_first"' in " ".join(answers)


@pytest.mark.parametrize("fits", [True, False])
def test_the_set_based_way_is_taken_for_what_fits(tmp_path, monkeypatch, fits):
    """Guard of the test above: the set-based way books the plain settlements (and only them)."""
    booked = []
    apply = batch.SettlementRun.apply

    def counting(self, *args, **kwargs):
        booked.append(kwargs["visit_ids"])
        return apply(self, *args, **kwargs)

    monkeypatch.setattr(batch.SettlementRun, "apply", counting)
    if not fits:
        monkeypatch.setattr(batch.SettlementRun, "fits", lambda self, body, now: False)
    apply_all(tmp_path, "count")
    assert len(booked) == (9 if fits else 0), booked  # a1 a2 b1 b2 c1 e1 h2 h8 i1


@pytest.mark.parametrize("optimistic", [True, False])
def test_the_batch_memo_answers_and_stores_as_a_lookup_per_operation(tmp_path, monkeypatch, optimistic):
    """``Store.batch_memo`` (the answers stored under a batch's keys read at once, its new idempotency rows
    written together before the commit) answers and writes what a lookup and an insert per operation did:
    replays, a key twice in one batch, a key reused with another body, refusals, the batch run again."""
    answers, rows = apply_all(tmp_path, "memo", optimistic)

    @contextmanager
    def per_operation(self, conn, terminal_id, keys):
        yield None

    monkeypatch.setattr(Store, "batch_memo", per_operation)
    plain_answers, plain_rows = apply_all(tmp_path, "plain", optimistic)
    assert answers == plain_answers
    for table in TABLES:
        assert rows[table] == plain_rows[table], table
    # one row per key that reached its endpoint (x1 and x2 did not: not batchable, invalid)
    assert rows["idempotency"].count(f"'{TERMINAL}'") == 25
