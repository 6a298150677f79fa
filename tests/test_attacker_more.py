"""More of the attacker with one kiosk's key (and, where it says so, a desk's key without any
operator's PIN): every attempt here is refused with its status and code and changes nothing at
the platform (read from the store, before and after), as in ``tests/test_attacker.py``. The
requests are made with the API alone (``SignedClient``), no kiosk software in the way."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from sandbox.demo_data import patient_by_role
from tests.sandbox_fixtures import SignedClient, error_of
from tests.test_attacker import (
    ARREARS_ACCOUNT,
    CASHIER,
    CASHIER_PIN,
    WATCHED,
    other_kiosk,
    refused,
    settled,  # noqa: F401 - the fixture
)
from tests.test_attacker import state as attacker_state

#: What holds money, service or authority (``test_attacker.WATCHED``) and more, without the stored answers:
#: a refusal of the store's (not of authority) is kept under its key, by design (``stored``).
MORE = {
    **{name: sql for name, sql in WATCHED.items() if name != "idempotency"},
    "payments": "SELECT payment_id, status, used_by FROM payments",
    "holds": "SELECT hold_id, status, settlement_id FROM holds",
    "voids": "SELECT settlement_id, voided_at FROM settlements",
    "disputes": "SELECT dispute_id, bill_id, status FROM disputes",
    "registrations": "SELECT registration_id, status FROM registrations",
    "admissions": "SELECT admission_id, status FROM admissions",
}


def state(store) -> dict:
    return attacker_state(store, MORE)


def stored(store) -> list:
    """The answers stored under idempotency keys: an authority refusal adds none."""
    with store.snapshot() as conn:
        return sorted(tuple(r) for r in conn.execute(WATCHED["idempotency"]))


def key() -> dict:
    return {"Idempotency-Key": uuid.uuid4().hex}


@pytest.fixture
def desk(sandbox, desk_client) -> SignedClient:
    desk_client.log_in(CASHIER, CASHIER_PIN)
    desk_client.open_shift()
    return desk_client


def open_visits(client: SignedClient, patient_id: str) -> list[str]:
    r = client.get(f"/v1/patients/{patient_id}/visits?status=open")
    assert r.status_code == 200, r.text
    return [v["visit_id"] for v in r.json()["visits"]]


# -- the signature: replayed, stale, another terminal's id, headers that are not ASCII ------------

def test_a_signed_request_sent_again_or_late_or_under_another_terminals_id_is_refused(sandbox, sandbox_client):
    who = sandbox_client.present("tier3")
    body = {"patient_id": who["patient_id"], "amount_fen": 100, "purpose": "settlement"}
    signed = sandbox_client.prepare("POST", "/v1/payments", json=body, headers=key())
    assert sandbox_client.send(signed).status_code == 200
    before = state(sandbox.store)
    refused(sandbox_client.send(signed), 401, "replayed_nonce")  # byte for byte again
    refused(sandbox_client.post("/v1/payments", json=body, headers=key(), timestamp=signed.headers["X-Timestamp"],
                                nonce=signed.headers["X-Nonce"]), 401, "replayed_nonce")  # a new key, the old nonce
    refused(sandbox_client.post("/v1/payments", json=body, headers=key(), timestamp=1_000_000_000),
            401, "stale_timestamp")
    # This key signing for another terminal (a desk, another kiosk, one made up).
    with other_kiosk(sandbox):
        for terminal in ("KIOSK-LOBBY-02", sandbox.desk_terminal_id):
            refused(sandbox_client.post("/v1/payments", json=body, headers=key(), terminal_id=terminal),
                    401, "bad_signature")
    refused(sandbox_client.post("/v1/payments", json=body, headers=key(), terminal_id="KIOSK-NOBODY-99"),
            401, "unknown_terminal")
    assert state(sandbox.store) == before


def test_headers_that_are_not_ascii_are_refused(sandbox, sandbox_client, desk_client):
    who = sandbox_client.present("tier3")
    body = {"patient_id": who["patient_id"], "amount_fen": 100, "purpose": "settlement"}
    before = state(sandbox.store)
    # An Idempotency-Key of Latin-1 letters, signed as sent: the key's own check refuses it.
    refused(sandbox_client.post("/v1/payments", json=body, headers={"Idempotency-Key": "clé-\xe9\xe8"}),
            400, "invalid_idempotency_key")
    # A terminal id with a letter beyond ASCII names nobody.
    refused(sandbox_client.post("/v1/payments", json=body, headers=key(), terminal_id=sandbox.terminal_id + "\xe9"),
            401, "unknown_terminal")
    # A nonce beyond ASCII, however it was signed.
    refused(sandbox_client.post("/v1/payments", json=body, headers=key(), nonce="n\xf6nce-" + uuid.uuid4().hex),
            401, "bad_signature")
    # An operator session of Latin-1 letters: at a desk no session at all; at a kiosk nothing (the role is the
    # terminal's, the payment is made as any kiosk's).
    desk_client.operator_session = "\xe9" * 40
    refused(desk_client.post("/v1/payments", json=body, headers=key()), 401, "operator_session_expired")
    sandbox_client.operator_session = "\xe9" * 40
    assert sandbox_client.post("/v1/payments", json=body, headers=key()).status_code == 200
    sandbox_client.operator_session = None
    after = state(sandbox.store)
    assert len(after.pop("payments")) == len(before.pop("payments")) + 1
    assert after == before


# -- idempotency keys ---------------------------------------------------------------------------

def test_an_idempotency_key_replayed_with_another_body_or_path_does_nothing(sandbox, sandbox_client):
    who = sandbox_client.present("tier3")
    visits = open_visits(sandbox_client, who["patient_id"])
    assert len(visits) == 2
    headers = key()
    first = sandbox_client.post("/v1/settlements", json={"patient_id": who["patient_id"],
                                                         "account_id": who["account_id"],
                                                         "visit_ids": visits[:1]}, headers=headers)
    assert first.status_code == 200, first.text
    before = state(sandbox.store)
    # The same key for the other visit too, for another path, and in a batch with another body.
    refused(sandbox_client.post("/v1/settlements", json={"patient_id": who["patient_id"],
                                                         "account_id": who["account_id"],
                                                         "visit_ids": visits}, headers=headers),
            409, "idempotency_key_reused")
    refused(sandbox_client.post("/v1/payments", json={"patient_id": who["patient_id"], "amount_fen": 1,
                                                      "purpose": "settlement"}, headers=headers),
            409, "idempotency_key_reused")
    results = sandbox_client.post("/v1/batch", json={"operations": [
        {"key": headers["Idempotency-Key"], "method": "POST", "path": "/v1/settlements",
         "body": {"patient_id": who["patient_id"], "account_id": who["account_id"], "visit_ids": visits[1:]}},
    ]}).json()["results"]
    assert [(r["status"], r["body"]["error"]["code"]) for r in results] == [(409, "idempotency_key_reused")]
    assert state(sandbox.store) == before
    # The same body again gets the first answer, byte for byte, and books nothing more.
    again = sandbox_client.post("/v1/settlements", json={"visit_ids": visits[:1], "account_id": who["account_id"],
                                                         "patient_id": who["patient_id"]}, headers=headers)
    assert (again.status_code, again.content) == (200, first.content)
    assert state(sandbox.store) == before


# -- amounts: negative, zero, oversized, beyond 64 bits, not integers ----------------------------

BAD_AMOUNTS = [-1, 0, 1_000_000_001, 2**31, 2**63, 2**64 + 1, -(2**63), 1.5, 100.0, "100", True, None, 1e30]


def test_amounts_out_of_range_or_not_integers_are_refused_everywhere(sandbox, sandbox_client, desk, settled):
    who = sandbox_client.present("arrears")
    desk.present("arrears")
    before = state(sandbox.store)
    for amount in BAD_AMOUNTS:
        for client, path, body in (
                (sandbox_client, "/v1/payments", {"patient_id": who["patient_id"], "purpose": "repayment"}),
                (sandbox_client, "/v1/holds", {"patient_id": "P000003", "account_id": "CA000003",
                                               "kind": "outpatient", "his_bill_ids": ["MZX-1"]}),
                (desk, "/v1/repayments", {"account_id": who["account_id"], "channel": "cash"}),
                (desk, "/v1/refunds", {"settlement_id": settled["settlement_id"], "reason": "x"})):
            r = client.post(path, json={**body, "amount_fen": amount}, headers=key())
            refused(r, 422, "invalid_request")
    # A refund's fund part likewise.
    for amount in (-1, 2**63, 1.5, "1"):
        refused(desk.post("/v1/refunds", json={"settlement_id": settled["settlement_id"], "reason": "x",
                                               "amount_fen": 100, "fund_fen": amount}, headers=key()),
                422, "invalid_request")
    assert state(sandbox.store) == before


# -- limits: a refund beyond what was paid, a repayment beyond what is owed ---------------------------

def test_a_refund_never_gives_back_more_than_the_settlement_took(sandbox, desk, settled):
    personal = settled["booked_fen"] + settled["paid_fen"]
    fund = settled["fund_fen"]
    sandbox.store.authority = replace(sandbox.store.authority, refund_supervisor_over_fen=10**9)  # no approvals
    before = state(sandbox.store)
    r = desk.post("/v1/refunds", json={"settlement_id": settled["settlement_id"], "amount_fen": personal + 1,
                                       "reason": "x"}, headers=key())
    refused(r, 409, "refund_exceeds")
    assert error_of(r)["details"] == {"refundable_fen": personal, "fund_refundable_fen": fund}
    refused(desk.post("/v1/refunds", json={"settlement_id": settled["settlement_id"], "amount_fen": 1,
                                           "fund_fen": fund + 1, "reason": "x"}, headers=key()),
            409, "refund_exceeds")
    refused(desk.post("/v1/refunds", json={"settlement_id": "STL" + "9" * 16, "amount_fen": 1, "reason": "x"},
                      headers=key()), 404, "settlement_not_found")
    assert state(sandbox.store) == before
    # Two refunds that each fit but together do not: the second is refused.
    assert desk.post("/v1/refunds", json={"settlement_id": settled["settlement_id"], "amount_fen": personal - 100,
                                          "reason": "x"}, headers=key()).status_code == 200
    middle = state(sandbox.store)
    r = desk.post("/v1/refunds", json={"settlement_id": settled["settlement_id"], "amount_fen": 101,
                                       "reason": "x"}, headers=key())
    refused(r, 409, "refund_exceeds")
    assert error_of(r)["details"]["refundable_fen"] == 100
    assert state(sandbox.store) == middle


def test_a_repayment_never_exceeds_what_is_owed_nor_takes_another_payment(sandbox, sandbox_client, desk):
    arrears = sandbox_client.present("arrears")
    desk.present("arrears")
    owed = sandbox.store.account(arrears["account_id"])["outstanding_fen"]
    assert owed > 0
    before = state(sandbox.store)
    r = desk.post("/v1/repayments", json={"account_id": arrears["account_id"], "amount_fen": owed + 1,
                                          "channel": "cash"}, headers=key())
    refused(r, 409, "overpayment")
    assert error_of(r)["details"] == {"owed_fen": owed}
    # At the kiosk: no payment, a payment not completed, one for another purpose, one of another amount.
    body = {"account_id": arrears["account_id"], "amount_fen": owed, "channel": "payment_channel"}
    refused(sandbox_client.post("/v1/repayments", json=body, headers=key()), 422, "payment_required")
    pending = sandbox_client.post("/v1/payments", json={"patient_id": arrears["patient_id"], "amount_fen": owed,
                                                        "purpose": "repayment"}, headers=key()).json()
    other = sandbox_client.post("/v1/payments", json={"patient_id": arrears["patient_id"], "amount_fen": owed,
                                                      "purpose": "settlement"}, headers=key()).json()
    small = sandbox_client.post("/v1/payments", json={"patient_id": arrears["patient_id"], "amount_fen": 1,
                                                      "purpose": "repayment"}, headers=key()).json()
    for p in (other, small):
        sandbox.store.perform(sandbox.store.complete_payment, payment_id=p["payment_id"])
    before = state(sandbox.store)
    refused(sandbox_client.post("/v1/repayments", json={**body, "payment_id": pending["payment_id"]},
                                headers=key()), 409, "payment_not_completed")
    refused(sandbox_client.post("/v1/repayments", json={**body, "payment_id": other["payment_id"]},
                                headers=key()), 409, "payment_mismatch")
    refused(sandbox_client.post("/v1/repayments", json={**body, "payment_id": small["payment_id"]},
                                headers=key()), 409, "payment_not_completed")
    refused(sandbox_client.post("/v1/repayments", json={**body, "payment_id": "PAY" + "0" * 16},
                                headers=key()), 404, "payment_not_found")
    assert state(sandbox.store) == before
    assert sandbox.store.account(arrears["account_id"])["status"] == "suspended"


# -- patients: another patient's visit or account, a minor without the guardian, closing with debts -------

def test_a_settlement_takes_only_the_patients_own_visits_on_their_own_line(sandbox, sandbox_client):
    tier3 = sandbox_client.present("tier3")
    tier1 = patient_by_role("tier1")
    mine = open_visits(sandbox_client, tier3["patient_id"])
    before = state(sandbox.store)
    for body, status, code in (
            ({"patient_id": tier3["patient_id"], "account_id": tier3["account_id"], "visit_ids": ["V000001"]},
             409, "visit_not_of_patient"),  # tier1's visit on tier3's line
            ({"patient_id": tier3["patient_id"], "account_id": tier3["account_id"], "visit_ids": [*mine, "V000014"]},
             409, "visit_not_of_patient"),  # one of the teen's among tier3's own
            ({"patient_id": tier3["patient_id"], "account_id": "CA000001", "visit_ids": mine},
             403, "account_not_linked"),  # on tier1's line
            ({"patient_id": tier1["patient_id"], "account_id": tier3["account_id"], "visit_ids": ["V000001"]},
             403, "account_not_linked"),  # tier1's visit on tier3's line, named as tier1's
            ({"patient_id": tier3["patient_id"], "account_id": tier3["account_id"], "visit_ids": [mine[0], mine[0]]},
             422, "duplicate_visit"),
            ({"patient_id": tier3["patient_id"], "account_id": tier3["account_id"], "visit_ids": ["V999999"]},
             404, "visit_not_found")):
        refused(sandbox_client.post("/v1/settlements", json=body, headers=key()), status, code)
    assert state(sandbox.store) == before


def test_a_minors_service_needs_the_guardian_here_and_closing_needs_nothing_owed(sandbox, sandbox_client):
    minor, guardian = patient_by_role("minor"), patient_by_role("tier2")
    sandbox_client.present("minor")
    assert sandbox_client.post("/v1/credit/close", json={"patient_id": minor["patient_id"]},
                               headers=key()).status_code == 200
    before = state(sandbox.store)
    opening = {"patient_id": minor["patient_id"], "consent_version": "2026-10", "score_authorised": True}
    refused(sandbox_client.post("/v1/credit/open", json={**opening, "guardian_patient_id": guardian["patient_id"]},
                                headers=key()), 403, "patient_not_present")  # the guardian's card never read here
    r = sandbox_client.post("/v1/credit/open", json=opening, headers=key())
    assert (r.status_code, error_of(r)["code"]) == (422, "guardian_required"), r.text
    # Closing: an absent patient's service, and a service with bills owed.
    refused(sandbox_client.post("/v1/credit/close", json={"patient_id": "P000010"}, headers=key()),
            403, "patient_not_present")
    sandbox_client.present("shortline")
    r = sandbox_client.post("/v1/credit/close", json={"patient_id": "P000010"}, headers=key())
    assert (r.status_code, error_of(r)["code"]) == (409, "outstanding_balance"), r.text
    assert error_of(r)["details"]["outstanding_fen"] > 0
    assert state(sandbox.store) == before


def test_a_bill_is_disputed_once(sandbox, sandbox_client):
    sandbox_client.present("elder")
    [bill] = [b for b in sandbox_client.get("/v1/accounts/CA000008/bills").json()["bills"]]
    body = {"bill_id": bill["bill_id"], "reason_code": "wrong_amount"}
    assert sandbox_client.post("/v1/disputes", json=body, headers=key()).status_code == 200
    before = state(sandbox.store)
    r = sandbox_client.post("/v1/disputes", json={**body, "reason_code": "other"}, headers=key())
    assert (r.status_code, error_of(r)["code"]) == (409, "already_disputed"), r.text
    with other_kiosk(sandbox) as lobby:
        lobby.present("elder")
        r = lobby.post("/v1/disputes", json=body, headers=key())
        assert (r.status_code, error_of(r)["code"]) == (409, "already_disputed"), r.text
    assert state(sandbox.store) == before


# -- ids in the path: traversal and encoded separators ---------------------------------------------

def test_path_traversal_in_ids_reaches_nothing(sandbox, sandbox_client, settled):
    sandbox_client.present("tier1")
    before = state(sandbox.store)
    for path in ("/v1/accounts/..%2FCA000003", "/v1/accounts/CA000001%2F..%2FCA000003",
                 "/v1/patients/P000001%2F..%2FP000003/overview", "/v1/accounts/%2E%2E/CA000003"):
        r = sandbox_client.get(path)
        assert r.status_code in (403, 404), (path, r.text)
        assert error_of(r)["code"] in ("patient_not_present", "not_found"), (path, r.text)
    for path in ("/v1/registrations/..%2F..%2Fv1%2Frefunds/cancel", "/v1/payments/..%2Frefunds/cancel",
                 "/v1/holds/%2E%2E%2Fbookings/release", "/v1/bookings/..%2F..%2Fv1%2F_sandbox%2Fclock/void"):
        r = sandbox_client.post(path, json={}, headers=key())
        assert r.status_code in (404, 422), (path, r.text)
    # In a batch, a path that climbs out is no keyed write.
    ops = [{"key": uuid.uuid4().hex, "method": "POST", "path": p, "body": {}}
           for p in ("/v1/holds/../refunds", "/v1/holds/x/../../_sandbox/clock", "/v1/../v1/refunds",
                     "/v1//refunds", "/v1/refunds/", "/V1/REFUNDS")]
    results = sandbox_client.post("/v1/batch", json={"operations": ops}).json()["results"]
    assert all(r["status"] == 404 and r["body"]["error"]["code"] in ("not_batchable", "hold_not_found")
               for r in results), results
    assert state(sandbox.store) == before


# -- the batch: nothing a single request would be refused, nothing that is not a keyed write ----------

def test_a_batch_smuggles_nothing(sandbox, sandbox_client, settled):
    sandbox_client.present("tier4")
    before, answers, clock = state(sandbox.store), stored(sandbox.store), sandbox.store.now()
    elder, minor = patient_by_role("elder"), patient_by_role("minor")

    def op(path: str, body: dict) -> dict:
        return {"key": uuid.uuid4().hex, "method": "POST", "path": path, "body": body}

    ops = [
        op("/v1/_sandbox/clock", {"advance_s": 86_400 * 60}),  # the control API: never in a batch
        op("/v1/_sandbox/payments/PAY0000000000000000/complete", {}),
        op("/v1/batch", {"operations": []}),
        op("/v1/approvals", {"supervisor_id": "2001", "pin": "112233", "settlement_id": settled["settlement_id"],
                             "amount_fen": 100}),  # not keyed: a PIN attempt
        op("/v1/operators/login", {"operator_id": "9001", "pin": "998877"}),
        op("/v1/identity/lookup", {"id_number": elder["id_number"]}),  # not a write: no patient session this way
        op("/v1/patient-sessions/end", {"session_ids": []}),
        op("/v1/shifts/open", {}),  # desk only
        op("/v1/refunds", {"settlement_id": settled["settlement_id"], "amount_fen": 100, "reason": "x"}),
        op("/v1/relations", {"payer_patient_id": "P000004", "patient_id": elder["patient_id"],
                             "relation": "parent", "consent": {"method": "card"}}),  # the parent is not here
        op("/v1/credit/close", {"patient_id": elder["patient_id"]}),
        op("/v1/credit/open", {"patient_id": minor["patient_id"], "consent_version": "2026-10",
                               "score_authorised": True, "guardian_patient_id": "P000004"}),
    ]
    results = sandbox_client.post("/v1/batch", json={"operations": ops}).json()["results"]
    got = [(r["status"], r["body"]["error"]["code"]) for r in results]
    assert got == [(404, "not_batchable")] * 7 + [(403, "desk_only")] * 2 + [(403, "patient_not_present")] * 3
    # A GET, or an operation without its key, is no batch at all.
    for bad in ({**ops[8], "method": "GET"}, {k: v for k, v in ops[8].items() if k != "key"},
                {**ops[8], "key": ""}, {**ops[8], "key": "k" * 129}):
        refused(sandbox_client.post("/v1/batch", json={"operations": [bad]}), 422, "invalid_request")
    assert sandbox.store.now() - clock < timedelta(hours=1)  # not moved 60 days on
    assert state(sandbox.store) == before and stored(sandbox.store) == answers
    assert not sandbox.store.sms_sent(elder["patient_id"])


def test_one_key_twice_in_a_batch_acts_once(sandbox, sandbox_client):
    who = sandbox_client.present("tier3")
    visits = open_visits(sandbox_client, who["patient_id"])
    k = uuid.uuid4().hex
    ops = [{"key": k, "method": "POST", "path": "/v1/settlements",
            "body": {"patient_id": who["patient_id"], "account_id": who["account_id"], "visit_ids": visits[:1]}},
           {"key": k, "method": "POST", "path": "/v1/settlements",
            "body": {"patient_id": who["patient_id"], "account_id": who["account_id"], "visit_ids": visits}}]
    count = "SELECT COUNT(*) FROM settlements WHERE patient_id = ?"
    with sandbox.store.snapshot() as conn:
        settled_before = conn.execute(count, (who["patient_id"],)).fetchone()[0]
    results = sandbox_client.post("/v1/batch", json={"operations": ops}).json()["results"]
    assert [r["status"] for r in results] == [200, 409]
    assert results[1]["body"]["error"]["code"] == "idempotency_key_reused"
    with sandbox.store.snapshot() as conn:
        assert conn.execute(count, (who["patient_id"],)).fetchone()[0] == settled_before + 1
    assert open_visits(sandbox_client, who["patient_id"]) == visits[1:]


# -- a desk's key without any operator's PIN ---------------------------------------------------------

def test_a_desk_key_without_an_operator_does_nothing(sandbox, desk_client, settled):
    tier3 = patient_by_role("tier3")
    before, answers = state(sandbox.store), stored(sandbox.store)
    attempts = [
        ("/v1/payments", {"patient_id": tier3["patient_id"], "amount_fen": 100, "purpose": "settlement"}),
        ("/v1/settlements", {"patient_id": "P000001", "account_id": "CA000001", "visit_ids": ["V000001"]}),
        ("/v1/registrations", {"session_id": "S1", "patient_id": "P000001", "pay": "credit"}),
        ("/v1/credit/close", {"patient_id": "P000001"}),
        ("/v1/disputes", {"bill_id": "BIL000001", "reason_code": "other"}),
        ("/v1/holds", {"patient_id": "P000001", "account_id": "CA000001", "kind": "outpatient",
                       "amount_fen": 100, "his_bill_ids": ["MZX-1"]}),
        ("/v1/repayments", {"account_id": "CA000006", "amount_fen": 100, "channel": "cash"}),
        ("/v1/refunds", {"settlement_id": settled["settlement_id"], "amount_fen": 100, "reason": "x"}),
        ("/v1/shifts/open", {}),
        ("/v1/admissions", {"patient_id": "P000009", "account_id": "CA000009", "order_id": "RYZ000001"}),
        ("/v1/admissions/A000001/discharge", {"account_id": "CA000009"}),
        (f"/v1/bookings/{settled['settlement_id']}/void", {}),
    ]
    for path, body in attempts:
        refused(desk_client.post(path, json=body, headers=key()), 401, "operator_session_required")
    refused(desk_client.post("/v1/approvals", json={"supervisor_id": "2001", "pin": "112233",
                                                    "settlement_id": settled["settlement_id"], "amount_fen": 100}),
            401, "operator_session_required")
    refused(desk_client.get("/v1/payments/late"), 401, "operator_session_required")
    ops = [{"key": uuid.uuid4().hex, "method": "POST", "path": p, "body": b} for p, b in attempts]
    results = desk_client.post("/v1/batch", json={"operations": ops}).json()["results"]
    assert [(r["status"], r["body"]["error"]["code"]) for r in results] == \
        [(401, "operator_session_required")] * len(attempts)
    assert state(sandbox.store) == before and stored(sandbox.store) == answers


# -- holds and bookings: another terminal's ------------------------------------------------------------

def booking_body(amount: int, bill: str) -> dict:
    return {"setl_ids": [], "total_fen": amount, "fund_fen": 0,
            "bills": [{"his_bill_id": bill, "total_fen": amount, "items": []}]}


def test_another_terminals_hold_or_booking_is_not_this_ones(sandbox, sandbox_client):
    """A stolen kiosk key must not void another kiosk's booking (the patient's debt would vanish), nor
    release or book its hold (its saga's room, its amounts)."""
    tier3 = sandbox_client.present("tier3")
    hold = sandbox_client.post("/v1/holds", json={"patient_id": tier3["patient_id"], "account_id": tier3["account_id"],
                                                  "kind": "outpatient", "amount_fen": 3_000,
                                                  "his_bill_ids": ["MZX-A"]}, headers=key()).json()
    booked_hold = sandbox_client.post("/v1/holds", json={
        "patient_id": tier3["patient_id"], "account_id": tier3["account_id"], "kind": "outpatient",
        "amount_fen": 2_000, "his_bill_ids": ["MZX-B"]}, headers=key()).json()
    booking = sandbox_client.post(f"/v1/holds/{booked_hold['hold_id']}/book", json=booking_body(2_000, "MZX-B"),
                                  headers=key()).json()
    assert booking["status"] == "booked"
    before, answers = state(sandbox.store), stored(sandbox.store)
    used = sandbox.store.account(tier3["account_id"])["used_fen"]
    with other_kiosk(sandbox) as lobby:
        refused(lobby.post(f"/v1/bookings/{booking['booking_id']}/void", json={}, headers=key()),
                403, "not_this_terminal")
        refused(lobby.post(f"/v1/holds/{hold['hold_id']}/release", json={}, headers=key()), 403, "not_this_terminal")
        refused(lobby.post(f"/v1/holds/{hold['hold_id']}/book", json=booking_body(3_000, "MZX-A"), headers=key()),
                403, "not_this_terminal")
        ops = [{"key": uuid.uuid4().hex, "method": "POST", "path": f"/v1/bookings/{booking['booking_id']}/void",
                "body": {}}]
        [result] = lobby.post("/v1/batch", json={"operations": ops}).json()["results"]
        assert (result["status"], result["body"]["error"]["code"]) == (403, "not_this_terminal")
    assert state(sandbox.store) == before and stored(sandbox.store) == answers  # refused before the write
    assert sandbox.store.account(tier3["account_id"])["used_fen"] == used
    trail = [e["outcome"] for e in sandbox.store.events() if e["terminal_id"] == "KIOSK-LOBBY-02"]
    assert trail.count("not_this_terminal") == 4
    # The terminal that made them still can.
    assert sandbox_client.post(f"/v1/bookings/{booking['booking_id']}/void", json={},
                               headers=key()).json()["status"] == "voided"
    assert sandbox_client.post(f"/v1/holds/{hold['hold_id']}/release", json={},
                               headers=key()).json()["status"] == "released"


# -- payments and the one-visit settlement -------------------------------------------------------------

def test_another_terminals_payment_is_not_this_ones_and_the_late_list_is_the_desks(sandbox, sandbox_client):
    who = sandbox_client.present("tier3")
    pending = sandbox_client.post("/v1/payments", json={"patient_id": who["patient_id"], "amount_fen": 500,
                                                        "purpose": "settlement"}, headers=key()).json()
    paid = sandbox_client.post("/v1/payments", json={"patient_id": who["patient_id"], "amount_fen": 700,
                                                     "purpose": "settlement"}, headers=key()).json()
    sandbox.store.perform(sandbox.store.complete_payment, payment_id=paid["payment_id"])
    before, answers = state(sandbox.store), stored(sandbox.store)
    with other_kiosk(sandbox) as lobby:
        refused(lobby.post(f"/v1/payments/{pending['payment_id']}/cancel", json={}, headers=key()),
                403, "not_this_terminal")
        refused(lobby.post(f"/v1/payments/{paid['payment_id']}/refund", json={"late": "refunded_walked_away"},
                           headers=key()), 403, "not_this_terminal")
        ops = [{"key": uuid.uuid4().hex, "method": "POST", "path": f"/v1/payments/{paid['payment_id']}/refund",
                "body": {"late": "refunded_walked_away"}}]
        [result] = lobby.post("/v1/batch", json={"operations": ops}).json()["results"]
        assert (result["status"], result["body"]["error"]["code"]) == (403, "not_this_terminal")
    refused(sandbox_client.get("/v1/payments/late"), 403, "desk_only")
    assert state(sandbox.store) == before and stored(sandbox.store) == answers


def test_the_one_visit_settlement_books_the_visits_own_part_on_the_patients_own_line(sandbox, sandbox_client):
    sandbox_client.present("tier1")
    [visit] = sandbox_client.get("/v1/patients/P000001/visits?status=open").json()["visits"]
    before = state(sandbox.store)
    for body, status, code in (
            ({"account_id": "CA000001", "personal_fen": 1}, 409, "amount_mismatch"),
            ({"account_id": "CA000001", "personal_fen": visit["personal_fen"] - 1}, 409, "amount_mismatch"),
            ({"account_id": "CA000003", "personal_fen": visit["personal_fen"]}, 403, "account_not_linked"),
            ({"account_id": "CA000001", "personal_fen": -visit["personal_fen"]}, 422, "invalid_request")):
        refused(sandbox_client.post(f"/v1/visits/{visit['visit_id']}/settle", json=body, headers=key()), status, code)
    assert state(sandbox.store) == before


# -- acts for a patient who is not here --------------------------------------------------------------

def test_nobody_disputes_the_bill_of_a_patient_who_is_not_here(sandbox, sandbox_client):
    """A dispute stops a bill's overdue processing: a kiosk's key must not freeze every patient's bills."""
    elder = sandbox_client.present("elder")
    [bill] = sandbox_client.get(f"/v1/accounts/{elder['account_id']}/bills").json()["bills"]
    with other_kiosk(sandbox) as lobby:
        before, answers = state(sandbox.store), stored(sandbox.store)
        body = {"bill_id": bill["bill_id"], "reason_code": "not_received"}
        refused(lobby.post("/v1/disputes", json=body, headers=key()), 403, "patient_not_present")
        lobby.present("tier1")  # another patient here is not the elder
        refused(lobby.post("/v1/disputes", json=body, headers=key()), 403, "patient_not_present")
        [result] = lobby.post("/v1/batch", json={"operations": [
            {"key": uuid.uuid4().hex, "method": "POST", "path": "/v1/disputes", "body": body}]}).json()["results"]
        assert (result["status"], result["body"]["error"]["code"]) == (403, "patient_not_present")
        assert state(sandbox.store) == before and stored(sandbox.store) == answers
        lobby.present("elder")  # the elder's card read at the lobby: now they may
        assert lobby.post("/v1/disputes", json=body, headers=key()).status_code == 200


def future_session(sandbox, client: SignedClient) -> dict:
    """A clinic session not begun yet (one may still cancel), with a slot left."""
    sessions = client.get("/v1/departments/D01/sessions?days=7").json()["sessions"]
    now = sandbox.store.now()
    return next(s for s in sessions if s["slots_left"] > 0 and datetime.fromisoformat(s["starts_at"]) > now)


def test_nobody_cancels_the_registration_of_a_patient_who_is_not_here(sandbox, sandbox_client):
    tier1 = sandbox_client.present("tier1")
    session = future_session(sandbox, sandbox_client)["session_id"]
    r = sandbox_client.post("/v1/registrations", json={"session_id": session, "patient_id": tier1["patient_id"],
                                                       "pay": "credit"}, headers=key())
    assert r.status_code == 200, r.text
    registration = r.json()["registration_id"]
    with other_kiosk(sandbox) as lobby:
        before, answers = state(sandbox.store), stored(sandbox.store)
        path = f"/v1/registrations/{registration}/cancel"
        refused(lobby.post(path, json={}, headers=key()), 403, "patient_not_present")
        lobby.present("tier3")
        refused(lobby.post(path, json={}, headers=key()), 403, "patient_not_present")
        [result] = lobby.post("/v1/batch", json={"operations": [
            {"key": uuid.uuid4().hex, "method": "POST", "path": path, "body": {}}]}).json()["results"]
        assert (result["status"], result["body"]["error"]["code"]) == (403, "patient_not_present")
        assert state(sandbox.store) == before and stored(sandbox.store) == answers
        lobby.present("tier1")  # the patient here: they may
        r = lobby.post(path, json={}, headers=key())
        assert r.json().get("status") == "cancelled", r.text


def test_nobody_is_admitted_who_is_not_here(sandbox, sandbox_client):
    tier3 = patient_by_role("tier3")
    with sandbox.store.snapshot() as conn:
        [order] = [r["order_id"] for r in conn.execute(
            "SELECT order_id FROM admission_orders WHERE patient_id = ? AND status = 'pending'",
            (tier3["patient_id"],))]
    body = {"patient_id": tier3["patient_id"], "account_id": "CA000003", "order_id": order}
    before, answers = state(sandbox.store), stored(sandbox.store)
    refused(sandbox_client.post("/v1/admissions", json=body, headers=key()), 403, "patient_not_present")
    sandbox_client.present("tier1")
    refused(sandbox_client.post("/v1/admissions", json=body, headers=key()), 403, "patient_not_present")
    assert state(sandbox.store) == before and stored(sandbox.store) == answers
    sandbox_client.present("tier3")
    assert sandbox_client.post("/v1/admissions", json=body, headers=key()).json()["status"] == "admitted"


def test_a_voided_booking_gives_nothing_back_again(sandbox, sandbox_client, desk):
    """The void gave everything back (the line's part, and the part paid on the spot recorded as going back):
    a refund of the same settlement afterwards would give the patient's channel payment back twice."""
    tier3 = sandbox_client.present("tier3")
    hold = sandbox_client.post("/v1/holds", json={"patient_id": tier3["patient_id"], "account_id": tier3["account_id"],
                                                  "kind": "outpatient", "amount_fen": 2_000,
                                                  "his_bill_ids": ["MZX-V"]}, headers=key()).json()
    booking = sandbox_client.post(f"/v1/holds/{hold['hold_id']}/book", json={
        **booking_body(3_000, "MZX-V"), "paid_now_fen": 1_000}, headers=key()).json()
    assert (booking["booked_fen"], booking["paid_fen"]) == (2_000, 1_000)
    assert sandbox_client.post(f"/v1/bookings/{booking['booking_id']}/void", json={},
                               headers=key()).json()["status"] == "voided"
    before = state(sandbox.store)
    for amount in (1_000, 1, 3_000):
        r = desk.post("/v1/refunds", json={"settlement_id": booking["booking_id"], "amount_fen": amount,
                                           "reason": "x"}, headers=key())
        refused(r, 409, "refund_exceeds")
        assert error_of(r)["details"] == {"refundable_fen": 0, "fund_refundable_fen": 0}
    assert state(sandbox.store) == before


def test_a_payment_started_at_another_terminal_repays_nothing_here(sandbox, sandbox_client):
    """A payment's id is on the kiosk's screen (its QR code): another kiosk's key must not spend the patient's
    completed payment on another account before the kiosk that started it does."""
    elder = sandbox_client.present("elder")
    payment = sandbox_client.post("/v1/payments", json={"patient_id": elder["patient_id"], "amount_fen": 100,
                                                        "purpose": "repayment"}, headers=key()).json()
    sandbox.store.perform(sandbox.store.complete_payment, payment_id=payment["payment_id"])
    before = state(sandbox.store)
    with other_kiosk(sandbox) as lobby:
        for account in (ARREARS_ACCOUNT, elder["account_id"]):
            r = lobby.post("/v1/repayments", json={"account_id": account, "amount_fen": 100,
                                                   "channel": "payment_channel", "payment_id": payment["payment_id"]},
                           headers=key())
            refused(r, 409, "payment_mismatch")
    assert state(sandbox.store) == before
    r = sandbox_client.post("/v1/repayments", json={"account_id": elder["account_id"], "amount_fen": 100,
                                                    "channel": "payment_channel", "payment_id": payment["payment_id"]},
                            headers=key())
    assert r.status_code == 200, r.text
