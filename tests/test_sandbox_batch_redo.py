"""``POST /v1/batch`` runs its operations without a savepoint each (``Store.transaction(
optimistic=True)``): an operation refused before it wrote has nothing to undo; one that
fails after writing makes the whole batch run again with savepoints. Either way each
operation answers as it would alone, and what a failed operation wrote is not kept."""
from __future__ import annotations

import sqlite3
import uuid

import pytest

from sandbox.store import Refusal, Store
from sandbox.store.base import Redo
from tests.sandbox_fixtures import CASHIER, CASHIER_PIN, error_of

SETTLE_3 = {"patient_id": "P000003", "account_id": "CA000003", "visit_ids": ["V000003"]}


def op(path: str, body: dict) -> dict:
    return {"key": uuid.uuid4().hex, "method": "POST", "path": path, "body": body}


def rows(store: Store, sql: str, *args) -> list[tuple]:
    with store.snapshot() as conn:
        return [tuple(r) for r in conn.execute(sql, args)]


def test_an_optimistic_block_that_fails_after_writing_rolls_back_everything(tmp_path):
    store = Store(tmp_path / "platform.sqlite")
    store.set_state("mark", "before")
    with pytest.raises(Redo), store.transaction(optimistic=True) as conn:
        store.set_state("mark", "first", conn)  # an earlier operation's write
        with store.transaction() as inner:
            store.set_state("mark", "second", inner)
            raise Refusal(409, "late_refusal", "Refused after writing.")
    assert store.state("mark") == "before"  # the outer transaction too: the batch runs again


def test_an_optimistic_block_that_fails_before_writing_is_its_own_failure(tmp_path):
    store = Store(tmp_path / "platform.sqlite")
    with store.transaction(optimistic=True) as conn:
        store.set_state("mark", "first", conn)
        with pytest.raises(Refusal), store.transaction():
            raise Refusal(409, "early_refusal", "Refused before writing.")
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as inner:  # a failed statement writes nothing
            inner.execute("INSERT INTO sandbox_state (key, value) VALUES ('mark', 'x')")
    assert store.state("mark") == "first"  # the batch goes on and commits


def test_a_batch_after_the_operator_session_idled_answers_each_as_alone(sandbox_control, desk_control_client):
    """At a desk, the session's idle end is written and then refused (401): in a batch that
    write is undone with the refusal, as for a request alone, and every operation answers."""
    desk, store = desk_control_client, sandbox_control.store
    desk.log_in(CASHIER, CASHIER_PIN)
    desk.open_shift()
    store.move_clock(advance_s=store.authority.operator_idle_s + 1)
    alone = desk.write("/v1/settlements", SETTLE_3)
    assert alone.status_code == 401 and error_of(alone)["code"] == "operator_session_expired"
    sessions = rows(store, "SELECT token_hash, ended_at, end_reason FROM operator_sessions")
    r = desk.post("/v1/batch", json={"operations": [op("/v1/settlements", SETTLE_3),
                                                    op("/v1/repayments", {"account_id": "CA000008",
                                                                          "amount_fen": 100, "channel": "cash"})]})
    assert r.status_code == 200, r.text
    assert [(x["status"], x["body"]["error"]["code"]) for x in r.json()["results"]] == \
        [(401, "operator_session_expired")] * 2
    assert rows(store, "SELECT token_hash, ended_at, end_reason FROM operator_sessions") == sessions
    refused = [e for e in store.events() if e["outcome"] == "operator_session_expired"]
    assert [e["event"] for e in refused] == ["settlement", "settlement", "repayment"]  # alone, then the batch
    assert store.bill_count("CA000003") == 0


def test_a_batch_of_settlements_books_each_once_with_its_stored_answer(sandbox, sandbox_client):
    """The savepoint-free path: three settlements on one account in one batch, one refused
    (already settled); the stored answers are what the batch answered, byte for byte."""
    sandbox_client.present("tier3")
    first = op("/v1/settlements", SETTLE_3)
    again = op("/v1/settlements", SETTLE_3)
    other = op("/v1/settlements", {**SETTLE_3, "visit_ids": ["V000013"]})
    r = sandbox_client.post("/v1/batch", json={"operations": [first, again, other]})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == [200, 409, 200]
    assert error_of(results[1]["body"])["code"] == "visit_already_settled"
    assert results[2]["body"]["available_fen"] == results[0]["body"]["available_fen"] - results[2]["body"]["booked_fen"]
    stored = dict(rows(sandbox.store, "SELECT key, response_json FROM idempotency WHERE terminal_id = ?",
                       sandbox.terminal_id))
    for sent, answered in zip((first, again, other), r.text.split('"body":')[1:]):
        assert answered.startswith(stored[sent["key"]])  # the answer as stored, not re-serialised
    assert sandbox.store.bill_count("CA000003") == 2
