"""``POST /v1/batch`` settles the settlements that fit its set-based run without going through the
settlement route's handler (``sandbox.routes.batch._Settlements._settle``). Over HTTP, on two copies of
one platform at one fixed moment: the batch on one, the same operations sent one by one to their
endpoints on the other. Each item of the batch's answer is the alone answer's status and JSON text byte
for byte (ids drawn at random aside), the rows written are the same, the idempotency key acts once
whichever way the operation comes first, the platform's authority refuses a desk's settlements alike,
and one operation's failure leaves the others be. Statuses, codes and amounts are written out here."""
from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.domain import signing
from kiosk.domain.clock import BUSINESS_TZ
from sandbox.routes import batch
from sandbox.server import EmbeddedSandbox
from tests.offline.population import populate, settlement_body
from tests.sandbox_fixtures import CASHIER, CASHIER_PIN, SignedClient

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=BUSINESS_TZ)
TS = int(NOW.timestamp())  # the requests are signed at the platforms' (fixed) time
SECRET, DESK_SECRET = b"k" * 32, b"d" * 32
IDS = re.compile(r"\b(STL|BIL)[0-9A-F]{27}\b")  # 11 hex digits of time, 16 random
TABLES = ("settlements", "settlement_visits", "bills", "visits", "accounts", "ledger", "sequences", "idempotency",
          "payments", "authority_events")


class Client(SignedClient):
    def request(self, method: str, path: str, **kwargs):
        return super().request(method, path, timestamp=TS, **kwargs)


def platform(path: Path) -> EmbeddedSandbox:
    sandbox = EmbeddedSandbox(path, clock=lambda: NOW, secret=SECRET, desk_secret=DESK_SECRET).__enter__()
    people = populate(sandbox.store, people=4, visits_each=3, personal_fen=500, fund_fen=300, line_fen=10_000)
    with sandbox.store.transaction() as conn:  # PX000002: a line of 1,200 (two visits' personal parts)
        conn.execute("UPDATE accounts SET line_fen = 1200 WHERE account_id = 'CX000002'")
    sandbox.people = people
    return sandbox


@pytest.fixture
def two(tmp_path):
    first, second = platform(tmp_path / "batched.sqlite"), platform(tmp_path / "alone.sqlite")
    yield first, second
    first.__exit__(None, None, None)
    second.__exit__(None, None, None)


def client(sandbox: EmbeddedSandbox, desk: bool = False) -> Client:
    if desk:
        return Client(sandbox.url, sandbox.desk_terminal_id, DESK_SECRET)
    return Client(sandbox.url, sandbox.terminal_id, SECRET)


def op(key: str, body: dict, path: str = "/v1/settlements") -> dict:
    return {"key": key, "method": "POST", "path": path, "body": body}


def batched(c: Client, operations: list[dict]) -> str:
    r = c.post("/v1/batch", json={"operations": operations})
    assert r.status_code == 200, r.text
    return r.text


def alone(c: Client, operations: list[dict]) -> list[tuple[int, str]]:
    answers = []
    for o in operations:
        r = c.post(o["path"], json=o["body"], headers={signing.HEADER_IDEMPOTENCY: o["key"]})
        answers.append((r.status_code, r.text))
    return answers


def as_batch(operations: list[dict], answers: list[tuple[int, str]]) -> str:
    """The batch's answer made of the alone answers: each one's status and JSON text as it is."""
    parts = [f'{{"key":{json.dumps(o["key"])},"status":{status},"body":{text}}}'
             for o, (status, text) in zip(operations, answers)]
    return '{"results":[' + ",".join(parts) + "]}"


def rows(sandbox: EmbeddedSandbox, tables=TABLES) -> dict[str, str]:
    with sandbox.store.snapshot() as conn:
        return {t: IDS.sub(r"\1*", repr([tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")]))
                for t in tables}


def codes(text: str) -> list[tuple[int, str | None]]:
    return [(r["status"], r["body"].get("error", {}).get("code")) for r in json.loads(text)["results"]]


def mixed(people) -> list[dict]:
    p1, p2, p3 = people[0], people[1], people[2]
    return [
        op("k1", settlement_body(p1, p1.visit_ids[0])),
        op("k2", settlement_body(p1, p1.visit_ids[1])),
        op("k1", settlement_body(p1, p1.visit_ids[0])),  # the same key and body: the stored answer
        op("k3", settlement_body(p1, p1.visit_ids[0])),  # the visit is settled already
        op("k1", settlement_body(p1, p1.visit_ids[2])),  # the key with another body
        op("k4", settlement_body(p2, p2.visit_ids[0])),
        op("k5", settlement_body(p2, p2.visit_ids[1])),
        op("k6", settlement_body(p2, p2.visit_ids[2])),  # beyond the line of 1,200
        op("k7", {"patient_id": "PX999999", "account_id": "CX000003", "visit_ids": [p3.visit_ids[0]]}),
        op("r1", {"account_id": "CX000001", "amount_fen": 500, "channel": "payment_channel"}, "/v1/repayments"),
        op("r2", {"account_id": "CX000001", "amount_fen": 100, "channel": "cash"}, "/v1/repayments"),  # a kiosk
        op("k8", settlement_body(p1, p1.visit_ids[2])),
        op("k9", {"patient_id": p3.patient_id, "account_id": p3.account_id, "visit_ids": list(p3.visit_ids[:2])}),
        op("k10", {**settlement_body(p3, p3.visit_ids[2]), "visit_ids": [p3.visit_ids[2], p3.visit_ids[2]]}),
    ]


EXPECTED = [(200, None), (200, None), (200, None), (409, "visit_already_settled"), (409, "idempotency_key_reused"),
            (200, None), (200, None), (409, "shortfall_unpaid"), (404, "patient_not_found"),
            (422, "payment_required"), (403, "desk_only"), (200, None), (200, None), (422, "duplicate_visit")]


def test_the_batch_answers_and_writes_as_the_endpoints_alone(two, monkeypatch):
    first, second = two
    operations = mixed(first.people)
    settled, settle = [], batch._Settlements._settle

    def counting(self, call, fields):
        settled.append(call.kwargs["idempotency_key"])
        return settle(self, call, fields)

    monkeypatch.setattr(batch._Settlements, "_settle", counting)
    with client(first) as c1, client(second) as c2:
        text = batched(c1, operations)
        answers = alone(c2, operations)
    # those that fit took the batch's own way (k1 with another body too: refused there as key reused)
    assert settled == ["k1", "k2", "k1", "k4", "k5", "k8", "k9"]
    assert codes(text) == EXPECTED
    assert [s for s, _ in answers] == [s for s, _ in EXPECTED]
    assert IDS.sub(r"\1*", text) == IDS.sub(r"\1*", as_batch(operations, answers))
    assert rows(first) == rows(second)
    results = json.loads(text)["results"]
    assert results[0]["body"] == results[2]["body"]  # the replay: the same settlement
    one = results[0]["body"]
    assert IDS.fullmatch(one["settlement_id"]) and one["reference"].startswith("ST20261125")
    assert {k: v for k, v in one.items() if k not in ("settlement_id", "reference")} == {
        "patient_id": "PX000001", "account_id": "CX000001", "visit_ids": ["VX000001000"], "total_fen": 800,
        "fund_fen": 300, "personal_fen": 500, "booked_fen": 500, "paid_fen": 0, "line_fen": 10_000,
        "available_fen": 9_500, "due_at": one["due_at"], "settled_at": "2026-11-25T10:00:00+08:00",
        "items_count": 1}
    assert results[6]["body"]["available_fen"] == 200  # 1,200 - 2 x 500
    assert results[7]["body"]["error"]["details"] == {"shortfall_fen": 300, "booked_fen": 200}
    nine = results[12]["body"]
    assert (nine["visit_ids"], nine["total_fen"], nine["personal_fen"], nine["items_count"]) == (
        ["VX000003000", "VX000003001"], 1600, 1000, 2)
    # the day's references count on (after the demo data's), settlement after settlement, as alone
    numbers = [int(r["body"]["reference"][-6:]) for r in results if r["status"] == 200 and "reference" in r["body"]]
    assert [n - numbers[0] for n in numbers] == [0, 1, 0, 2, 3, 4, 5]


def test_an_operation_acts_once_whichever_way_it_comes_first(two):
    first, second = two
    operations = mixed(first.people)
    with client(first) as c1, client(second) as c2:
        text = batched(c1, operations)
        before = rows(first)
        again = alone(c1, operations)  # each key again alone: its stored answer, nothing done
        with first.store.snapshot() as conn:  # r2 refused again (an authority refusal is not stored)
            last = tuple(conn.execute("SELECT terminal_id, operator_id, event, subject, outcome FROM authority_events "
                                      "ORDER BY rowid DESC LIMIT 1").fetchone())
        assert last == (first.terminal_id, None, "repayment", None, "desk_only")
        assert rows(first, TABLES[:-1]) == {t: before[t] for t in TABLES[:-1]}
        # the key reused stays refused, and not stored: the first body's answer stays under k1
        assert [s for s, _ in again] == [s for s, _ in EXPECTED]
        assert as_batch(operations, again) == text

        answers = alone(c2, operations)
        done = rows(second, TABLES[:-1])
        text2 = batched(c2, operations)  # and alone first, then in a batch
        assert rows(second, TABLES[:-1]) == done
        assert text2 == as_batch(operations, answers)
        assert batched(c2, operations) == text2  # the batch replayed


def test_a_failing_settlement_leaves_the_others_and_is_not_stored(two, monkeypatch):
    first, _ = two
    p4, p3 = first.people[3], first.people[2]
    operations = [op("f1", settlement_body(p4, p4.visit_ids[0])), op("f2", settlement_body(p4, p4.visit_ids[1])),
                  op("f3", settlement_body(p3, p3.visit_ids[0]))]
    apply = batch.SettlementRun.apply

    def failing(self, conn, now, terminal_id, **fields):
        if fields["visit_ids"] == [p4.visit_ids[0]]:
            raise RuntimeError("the disk went away")
        return apply(self, conn, now, terminal_id, **fields)

    monkeypatch.setattr(batch.SettlementRun, "apply", failing)
    with client(first) as c:
        assert codes(batched(c, operations)) == [(500, "internal_error"), (200, None), (200, None)]
        monkeypatch.setattr(batch.SettlementRun, "apply", apply)
        retried = json.loads(batched(c, operations))["results"]
    assert [r["status"] for r in retried] == [200, 200, 200]
    numbers = [int(r["body"]["reference"][-6:]) for r in retried]
    assert [n - numbers[1] for n in numbers] == [2, 0, 1]  # f1 settled last, f2 and f3 replayed
    with first.store.snapshot() as conn:
        assert conn.execute("SELECT COUNT(*) FROM settlements WHERE patient_id LIKE 'PX%'").fetchone()[0] == 3
        assert conn.execute("SELECT used_fen FROM accounts WHERE account_id = 'CX000004'").fetchone()[0] == 1000


def test_a_desks_settlements_meet_the_same_authority_in_a_batch(two):
    first, second = two
    p1 = first.people[0]
    operations = [op(uuid.uuid4().hex, settlement_body(p1, v)) for v in p1.visit_ids[:2]]
    steps = []
    with client(first, desk=True) as d1, client(second, desk=True) as d2:
        for login, shift in ((False, False), (True, False), (True, True)):
            if login and d1.operator_session is None:
                d1.log_in(CASHIER, CASHIER_PIN)
                d2.log_in(CASHIER, CASHIER_PIN)
            if shift:
                d1.open_shift()
                d2.open_shift()
            text, answers = batched(d1, operations), alone(d2, operations)
            assert IDS.sub(r"\1*", text) == IDS.sub(r"\1*", as_batch(operations, answers))
            steps.append(codes(text))
    assert steps == [[(401, "operator_session_required")] * 2, [(409, "shift_not_open")] * 2, [(200, None)] * 2]
    assert rows(first)["settlements"] == rows(second)["settlements"]
