"""The sandbox's side of the sync: ``POST /v1/batch`` (each operation at most once by its
idempotency key, answered item by item) and the signed account snapshots."""
from __future__ import annotations

import uuid

from kiosk.domain import signing
from tests.sandbox_fixtures import SignedClient, error_of

SETTLE_3 = {"patient_id": "P000003", "account_id": "CA000003", "visit_ids": ["V000003"]}


def op(key: str, path: str, body: dict) -> dict:
    return {"key": key, "method": "POST", "path": path, "body": body}


def batch(client, *operations) -> list[dict]:
    r = client.post("/v1/batch", json={"operations": list(operations)})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["key"] for x in results] == [o["key"] for o in operations]  # one each, in order
    return results


def test_each_operation_is_applied_at_most_once_by_its_key(sandbox_client, sandbox):
    k1, k2 = uuid.uuid4().hex, uuid.uuid4().hex
    first, repeat, other_key = batch(sandbox_client, op(k1, "/v1/settlements", SETTLE_3),
                                     op(k1, "/v1/settlements", {**SETTLE_3, "visit_ids": ["V000003"]}),
                                     op(k2, "/v1/settlements", SETTLE_3))
    assert first["status"] == 200 and repeat == first  # the same key: the stored answer
    assert other_key["status"] == 409 and error_of(other_key["body"])["code"] == "visit_already_settled"
    # The same key alone, later (body in another key order): the same answer, no second booking.
    alone = sandbox_client.write("/v1/settlements", {"visit_ids": ["V000003"], "account_id": "CA000003",
                                                     "patient_id": "P000003"}, key=k1)
    assert alone.status_code == 200 and alone.json() == first["body"]
    # Another batch with the key: still the first answer; the key with another body: refused.
    again, reused = batch(sandbox_client, op(k1, "/v1/settlements", SETTLE_3),
                          op(k2, "/v1/settlements", {**SETTLE_3, "visit_ids": ["V000013"]}))
    assert again == first
    assert reused["status"] == 409 and error_of(reused["body"])["code"] == "idempotency_key_reused"
    assert sandbox.store.bill_count("CA000003") == 1


def test_items_are_answered_one_by_one_and_one_failure_touches_no_other(sandbox_client, sandbox):
    results = batch(
        sandbox_client,
        op("a", "/v1/settlements", {"patient_id": "P000003"}),  # invalid body
        op("b", "/v1/nowhere", {}),  # no such endpoint
        op("c", "/v1/_sandbox/clock", {"advance_s": 60}),  # the control API is not batchable
        op("d", "/v1/settlements", {**SETTLE_3, "account_id": "CA000006", "patient_id": "P000006",
                                    "visit_ids": ["V000006"]}),  # a refusal (suspended account)
        op("e", "/v1/repayments", {"account_id": "CA000008", "amount_fen": 100, "channel": "cash",
                                   "operator_id": "OP1"}),  # cash from a kiosk: a desk's only
        op("f", "/v1/registrations/R-none/cancel", {}),  # path parameters work too
        op("g\u00e9", "/v1/settlements", SETTLE_3),  # not a printable ASCII key
        op("h", "/v1/settlements", SETTLE_3),
    )
    codes = [(r["status"], r["body"].get("error", {}).get("code")) for r in results]
    assert codes == [(422, "invalid_request"), (404, "not_batchable"), (404, "not_batchable"),
                     (403, "account_suspended"), (403, "desk_only"), (404, "registration_not_found"),
                     (400, "invalid_idempotency_key"), (200, None)]
    assert results[7]["body"]["reference"].startswith("ST")
    assert sandbox.store.bill_count("CA000003") == 1


def test_a_batch_is_signed_like_any_request_and_limited_to_64_kib(sandbox, sandbox_client):
    stranger = SignedClient(sandbox.url, sandbox.terminal_id, b"x" * 32)
    try:
        r = stranger.post("/v1/batch", json={"operations": [op("a", "/v1/settlements", SETTLE_3)]})
        assert r.status_code == 401 and error_of(r)["code"] == "bad_signature"
    finally:
        stranger.close()
    big = [op(f"k{i}", "/v1/settlements", {**SETTLE_3, "pad": "x" * 400}) for i in range(180)]
    r = sandbox_client.post("/v1/batch", json={"operations": big})
    assert r.status_code == 413 and error_of(r)["code"] == "body_too_large"
    r = sandbox_client.post("/v1/batch", json={"operations": []})
    assert r.status_code == 422
    assert sandbox.store.bill_count("CA000003") == 0


def test_account_and_overview_answers_are_signed_for_the_terminal(sandbox, sandbox_client):
    key = signing.snapshot_key(sandbox.secret)
    sandbox_client.present("tier4")  # the patient's card read here: their account may be read
    account = sandbox_client.get("/v1/accounts/CA000004").json()
    overview = sandbox_client.get("/v1/patients/P000004/overview").json()
    for snapshot in (account, overview):
        assert signing.verify_snapshot(key, snapshot) and snapshot["as_of"]
        assert not signing.verify_snapshot(signing.snapshot_key(b"another terminal's secret"), snapshot)
        assert not signing.verify_snapshot(key, {k: v for k, v in snapshot.items() if k != "signature"})
    assert not signing.verify_snapshot(key, {**account, "available_fen": account["available_fen"] + 1})
    assert not signing.verify_snapshot(key, {**account, "status": "active", "line_fen": 10**8})
    # the request-signing key itself never signs a snapshot
    assert signing.sign_snapshot(sandbox.secret, account) != account["signature"]
