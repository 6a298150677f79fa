"""The no-op batch (``POST /v1/_sandbox/batch/noop``): the drain benchmark's limit. It must
check a batch the way ``POST /v1/batch`` does and then apply and keep nothing, and exist
only with the sandbox's control API."""
from __future__ import annotations

import uuid

from sandbox.server import EmbeddedSandbox
from tests.sandbox_fixtures import SignedClient

NOOP = "/v1/_sandbox/batch/noop"
SETTLE_3 = {"patient_id": "P000003", "account_id": "CA000003", "visit_ids": ["V000003"]}


def op(key: str, path: str, body: dict) -> dict:
    return {"key": key, "method": "POST", "path": path, "body": body}


def post(client, path: str, *operations) -> list[dict]:
    r = client.post(path, json={"operations": list(operations)})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["key"] for x in results] == [o["key"] for o in operations]
    return results


def open_visits(client, patient_id: str) -> list[str]:
    r = client.get(f"/v1/patients/{patient_id}/visits", params={"status": "open"})
    assert r.status_code == 200, r.text
    return [v["visit_id"] for v in r.json()["visits"]]


def test_a_checked_batch_is_answered_and_nothing_is_applied_or_kept(sandbox_client, sandbox):
    key = uuid.uuid4().hex
    bills = sandbox.store.bill_count("CA000003")
    sandbox_client.present("tier3")  # the patient's card: their visits may be read here
    assert "V000003" in open_visits(sandbox_client, "P000003")
    (result,) = post(sandbox_client, NOOP, op(key, "/v1/settlements", SETTLE_3))
    assert result == {"key": key, "status": 200, "body": {}}
    # Nothing happened: the visit is still open and the key unknown, so the real batch with
    # the same key settles it now (a stored key would have answered the no-op's answer).
    assert "V000003" in open_visits(sandbox_client, "P000003")
    assert sandbox.store.bill_count("CA000003") == bills
    (settled,) = post(sandbox_client, "/v1/batch", op(key, "/v1/settlements", SETTLE_3))
    assert settled["status"] == 200 and settled["body"]["reference"].startswith("ST")
    assert "V000003" not in open_visits(sandbox_client, "P000003")
    assert sandbox.store.bill_count("CA000003") == bills + 1


def test_it_refuses_what_the_batch_refuses_before_applying(sandbox_client):
    invalid = [
        op("a", "/v1/settlements", {"patient_id": "P000003"}),  # invalid body
        op("b", "/v1/nowhere", {}),  # no such endpoint
        op("c", "/v1/_sandbox/clock", {"advance_s": 60}),  # the control API is not batchable
        op("d\u00e9", "/v1/settlements", SETTLE_3),  # not a printable ASCII key
    ]
    checked = post(sandbox_client, NOOP, *invalid)
    codes = [(r["status"], r["body"].get("error", {}).get("code")) for r in checked]
    assert codes == [(422, "invalid_request"), (404, "not_batchable"), (404, "not_batchable"),
                     (400, "invalid_idempotency_key")]
    assert checked == post(sandbox_client, "/v1/batch", *invalid)  # word for word what the batch answers


def test_it_is_signed_like_every_request(sandbox):
    with SignedClient(sandbox.url, sandbox.terminal_id, b"another secret of 32 bytes......") as stranger:
        r = stranger.post(NOOP, json={"operations": [op("k", "/v1/settlements", SETTLE_3)]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"


def test_without_the_control_api_it_does_not_exist(tmp_path):
    with EmbeddedSandbox(tmp_path / "platform.sqlite", control=False) as sandbox, \
            SignedClient(sandbox.url, sandbox.terminal_id, sandbox.secret) as client:
        r = client.post(NOOP, json={"operations": [op("k", "/v1/settlements", SETTLE_3)]})
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        (applied,) = post(client, "/v1/batch", op("k", "/v1/settlements", SETTLE_3))
        assert applied["status"] == 200  # the real batch is there, and the no-op applied nothing
