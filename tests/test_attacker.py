"""The attacker with a kiosk's key (and, where it says so, a desk's): every attempt the issue
found answered 200 is refused with its status and code, and changes nothing at the platform
(read from the store, before and after). Authority lives at the platform: these requests are
made with the API alone, no kiosk software in the way (sandbox/authority.py)."""
from __future__ import annotations

import hashlib
import subprocess
import uuid
from dataclasses import replace

import pytest

from sandbox.demo_data import patient_by_role
from sandbox.store import operators as operator_store
from tests.sandbox_fixtures import SignedClient, error_of

CASHIER, CASHIER_PIN = "1001", "246810"
OTHER_CASHIER, OTHER_PIN = "1002", "135791"
SUPERVISOR, SUPERVISOR_PIN = "2001", "112233"
IT, IT_PIN = "9001", "998877"
ARREARS_ACCOUNT = "CA000006"

#: Everything that holds money, service or authority at the platform, for "changes nothing".
WATCHED = {
    "settlements": "SELECT settlement_id, booked_fen, paid_fen, refunded_fen FROM settlements",
    "bills": "SELECT bill_id, paid_fen, refunded_fen FROM bills",
    "accounts": "SELECT account_id, status, used_fen, dishonest, reminders FROM accounts",
    "repayments": "SELECT repayment_id FROM repayments",
    "refunds": "SELECT refund_id, operator_id FROM refunds",
    "ledger": "SELECT entry_id FROM ledger",
    "idempotency": "SELECT terminal_id, key FROM idempotency",
    "parents": "SELECT child_patient_id, parent_patient_id, repayment_taken_on FROM parents",
    "credit_links": "SELECT patient_id, account_id, status FROM credit_links",
    "shifts": "SELECT shift_id, closed_at FROM shifts",
    "approvals": "SELECT token_hash, used_at FROM approvals",
    "operators": "SELECT operator_id, failures, locked_at FROM operators",
}


def state(store, watched: dict[str, str] = WATCHED) -> dict:
    with store.snapshot() as conn:
        return {name: sorted(tuple(r) for r in conn.execute(sql)) for name, sql in watched.items()}


def key() -> dict:
    return {"Idempotency-Key": uuid.uuid4().hex}


def refused(r, status: int, code: str) -> None:
    assert (r.status_code, error_of(r)["code"]) == (status, code), r.text


@pytest.fixture
def desk(sandbox, desk_client) -> SignedClient:
    """The cashier desk: the demo cashier logged in, the shift open."""
    desk_client.log_in(CASHIER, CASHIER_PIN)
    desk_client.open_shift()
    return desk_client


LIMIT_FEN = 5_000  # the platform's refund limit in these tests: ￥50


@pytest.fixture
def settled(sandbox, sandbox_client) -> dict:
    """A settlement made at the kiosk (something to refund): tier3's two visits on the line,
    more than the platform's refund limit (set to ￥50 here) twice over."""
    sandbox.store.authority = replace(sandbox.store.authority, refund_supervisor_over_fen=LIMIT_FEN)
    who = sandbox_client.present("tier3")
    visits = sandbox_client.get(f"/v1/patients/{who['patient_id']}/visits?status=open").json()["visits"]
    r = sandbox_client.post("/v1/settlements", json={"patient_id": who["patient_id"], "account_id": who["account_id"],
                                                     "visit_ids": [v["visit_id"] for v in visits]}, headers=key())
    assert r.status_code == 200, r.text
    assert r.json()["booked_fen"] > 2 * LIMIT_FEN + 2_000  # over the refund limit twice, for the tests below
    return r.json()


def other_kiosk(sandbox, name: str = "KIOSK-LOBBY-02") -> SignedClient:
    secret = hashlib.sha256(name.encode()).digest()
    sandbox.store.add_terminal(name, secret, sandbox.hospital_name)
    return SignedClient(sandbox.url, name, secret)


# -- a kiosk's key calling the desk's operations -----------------------------------------------

def test_a_kiosk_key_is_refused_every_desk_operation_and_nothing_changes(sandbox, sandbox_client, settled):
    sandbox_client.present("arrears")
    before = state(sandbox.store)
    attempts = [
        ("/v1/refunds", {"settlement_id": settled["settlement_id"], "amount_fen": 50_000,
                         "operator_id": "NOBODY-0000", "reason": "x"}),  # the issue's ￥500 refund
        ("/v1/refunds", {"settlement_id": settled["settlement_id"], "amount_fen": 100, "operator_id": CASHIER,
                         "reason": "x"}),  # a real cashier's staff number, under the limit
        ("/v1/repayments", {"account_id": ARREARS_ACCOUNT, "amount_fen": 100, "channel": "cash",
                            "operator_id": CASHIER}),  # cash, no money taken
        ("/v1/repayments", {"account_id": ARREARS_ACCOUNT, "amount_fen": 100, "channel": "bank_card",
                            "operator_id": CASHIER}),
        ("/v1/shifts/open", {}),
        ("/v1/shifts/close", {"shift_id": "SH0000000000000000"}),
    ]
    for path, body in attempts:
        refused(sandbox_client.post(path, json=body, headers=key()), 403, "desk_only")
    approval = sandbox_client.post("/v1/approvals", json={"supervisor_id": SUPERVISOR, "pin": SUPERVISOR_PIN,
                                                          "settlement_id": settled["settlement_id"],
                                                          "amount_fen": 50_000})
    refused(approval, 403, "desk_only")
    # ...and in a batch, item by item, the same.
    ops = [{"key": uuid.uuid4().hex, "method": "POST", "path": p, "body": b} for p, b in attempts[:4]]
    results = sandbox_client.post("/v1/batch", json={"operations": ops}).json()["results"]
    assert [(r["status"], r["body"]["error"]["code"]) for r in results] == [(403, "desk_only")] * 4
    # A kiosk's session header changes nothing: the role is the terminal's.
    it = sandbox_client.post("/v1/operators/login", json={"operator_id": IT, "pin": IT_PIN}).json()
    sandbox_client.operator_session = it["session"]["token"]
    refused(sandbox_client.post("/v1/refunds", json=attempts[1][1], headers=key()), 403, "desk_only")
    sandbox_client.operator_session = None

    after = state(sandbox.store)
    assert after == before, "a refused attempt changed the platform"
    assert sandbox.store.account(ARREARS_ACCOUNT)["status"] == "suspended"  # not reactivated
    trail = [e["outcome"] for e in sandbox.store.events() if e["terminal_id"] == sandbox.terminal_id]
    assert trail.count("desk_only") == 12  # the batch's items too: audited


def test_another_terminals_bank_card_repayment_does_not_reactivate_a_suspended_account(sandbox, sandbox_client):
    with other_kiosk(sandbox) as lobby:
        lobby.present("arrears")
        before = state(sandbox.store)
        owed = sandbox.store.account(ARREARS_ACCOUNT)["outstanding_fen"]
        r = lobby.post("/v1/repayments", json={"account_id": ARREARS_ACCOUNT, "amount_fen": owed,
                                               "channel": "bank_card", "operator_id": CASHIER}, headers=key())
        refused(r, 403, "desk_only")
        assert state(sandbox.store) == before and sandbox.store.account(ARREARS_ACCOUNT)["status"] == "suspended"


# -- operators: made up, without a session, without a shift, over the limit ----------------------

def test_a_made_up_operator_or_session_does_nothing_at_a_desk(sandbox, desk_client, settled):
    refund = {"settlement_id": settled["settlement_id"], "amount_fen": 100, "operator_id": "NOBODY-0000",
              "reason": "x"}
    before = state(sandbox.store)
    refused(desk_client.post("/v1/refunds", json=refund, headers=key()), 401, "operator_session_required")
    desk_client.operator_session = "made-up-" + "x" * 40
    refused(desk_client.post("/v1/refunds", json=refund, headers=key()), 401, "operator_session_expired")
    refused(desk_client.post("/v1/identity/lookup", json={"id_number": patient_by_role("tier1")["id_number"]}),
            401, "operator_session_expired")  # a desk's typed ID is an operator's action too
    desk_client.operator_session = None
    refused(desk_client.post("/v1/identity/lookup", json={"id_number": patient_by_role("tier1")["id_number"]}),
            401, "operator_session_required")
    # Another desk's session, even a live one, is not this desk's.
    other_secret = hashlib.sha256(b"DESK-02").digest()
    sandbox.store.add_terminal("DESK-02", other_secret, sandbox.hospital_name, role="desk")
    with SignedClient(sandbox.url, "DESK-02", other_secret) as other_desk:
        other_desk.log_in(OTHER_CASHIER, OTHER_PIN)
        desk_client.operator_session = other_desk.operator_session
        refused(desk_client.post("/v1/refunds", json=refund, headers=key()), 401, "operator_session_expired")
    assert state(sandbox.store) == before


def test_the_operator_is_the_sessions_not_the_bodys(sandbox, desk, settled):
    r = desk.post("/v1/refunds", json={"settlement_id": settled["settlement_id"], "amount_fen": 100,
                                       "operator_id": "NOBODY-0000", "reason": "x"}, headers=key())
    assert r.status_code == 200, r.text
    with sandbox.store.snapshot() as conn:
        [row] = conn.execute("SELECT operator_id, terminal_id FROM refunds").fetchall()
    assert tuple(row) == (CASHIER, sandbox.desk_terminal_id)


def test_no_money_at_a_desk_without_the_operators_open_shift(sandbox, desk_client, settled):
    desk_client.log_in(CASHIER, CASHIER_PIN)
    desk_client.present("arrears")
    before = state(sandbox.store)
    for path, body in (
            ("/v1/refunds", {"settlement_id": settled["settlement_id"], "amount_fen": 100, "reason": "x"}),
            ("/v1/repayments", {"account_id": ARREARS_ACCOUNT, "amount_fen": 100, "channel": "cash"}),
            ("/v1/payments", {"patient_id": "P000006", "amount_fen": 100, "purpose": "repayment"}),
            ("/v1/settlements", {"patient_id": "P000006", "account_id": None, "visit_ids": ["V000006"]}),
            ("/v1/admissions/A000001/discharge", {"account_id": "CA000009"})):
        refused(desk_client.post(path, json=body, headers=key()), 409, "shift_not_open")
    assert state(sandbox.store) == before
    # Another cashier's open shift at this desk is not this one's.
    with SignedClient(sandbox.url, sandbox.desk_terminal_id, sandbox.desk_secret) as colleague:
        colleague.log_in(OTHER_CASHIER, OTHER_PIN)  # the desk's session is theirs now: ours ended
        shift = colleague.open_shift()
        desk_client.log_in(CASHIER, CASHIER_PIN)
        r = desk_client.post("/v1/repayments", json={"account_id": ARREARS_ACCOUNT, "amount_fen": 100,
                                                     "channel": "cash"}, headers=key())
        refused(r, 409, "shift_not_open")
        assert error_of(r)["details"] == {"open_by": OTHER_CASHIER}
        refused(desk_client.post("/v1/shifts/close", json={"shift_id": shift["shift_id"]}, headers=key()),
                403, "not_your_shift")
    assert sandbox.store.current_shift(sandbox.desk_terminal_id)["operator_id"] == OTHER_CASHIER


def test_a_cashiers_refund_over_the_limit_needs_that_refunds_approval(sandbox, desk, settled):
    settlement, over = settled["settlement_id"], LIMIT_FEN + 2_000
    body = {"settlement_id": settlement, "amount_fen": over, "reason": "x"}
    before = state(sandbox.store)
    r = desk.post("/v1/refunds", json=body, headers=key())
    refused(r, 403, "supervisor_required")
    assert error_of(r)["details"] == {"limit_fen": LIMIT_FEN}
    # A cashier's PIN is no approval; an approval of another amount is not this refund's.
    refused(desk.post("/v1/approvals", json={"supervisor_id": OTHER_CASHIER, "pin": OTHER_PIN,
                                             "settlement_id": settlement, "amount_fen": over}), 403, "not_a_supervisor")
    small = desk.post("/v1/approvals", json={"supervisor_id": SUPERVISOR, "pin": SUPERVISOR_PIN,
                                             "settlement_id": settlement, "amount_fen": over - 1}).json()
    refused(desk.post("/v1/refunds", json={**body, "approval_id": small["approval_id"]}, headers=key()),
            403, "supervisor_required")
    refused(desk.post("/v1/refunds", json={**body, "approval_id": "made-up"}, headers=key()),
            403, "supervisor_required")
    assert state(sandbox.store)["refunds"] == before["refunds"]
    # The right approval works once: a second refund cannot spend it again.
    good = desk.post("/v1/approvals", json={"supervisor_id": SUPERVISOR, "pin": SUPERVISOR_PIN,
                                            "settlement_id": settlement, "amount_fen": over}).json()
    assert desk.post("/v1/refunds", json={**body, "approval_id": good["approval_id"]}, headers=key()).status_code == 200
    refused(desk.post("/v1/refunds", json={**body, "approval_id": good["approval_id"]}, headers=key()),
            403, "supervisor_required")
    # A supervisor's own session needs no approval.
    desk.log_in(SUPERVISOR, SUPERVISOR_PIN)
    r = desk.post("/v1/refunds", json={**body, "amount_fen": LIMIT_FEN + 1}, headers=key())
    refused(r, 409, "shift_not_open")  # the shift is the cashier's: the supervisor opens their own
    desk.post("/v1/shifts/close", json={"shift_id": sandbox.store.current_shift(sandbox.desk_terminal_id)["shift_id"]},
              headers=key())
    desk.open_shift()
    assert desk.post("/v1/refunds", json={**body, "amount_fen": LIMIT_FEN + 1}, headers=key()).status_code == 200


def test_an_answer_the_platform_gave_is_replayed_even_after_logout(sandbox, desk, settled):
    """A refused replay would make the desk's journal believe a done refund never happened."""
    body, headers = {"settlement_id": settled["settlement_id"], "amount_fen": 100, "reason": "x"}, key()
    first = desk.post("/v1/refunds", json=body, headers=headers)
    assert first.status_code == 200
    assert desk.post("/v1/operators/logout", json={}).json() == {"ended": True}
    again = desk.post("/v1/refunds", json=body, headers=headers)  # the same key, the session ended
    assert (again.status_code, again.content) == (200, first.content)
    fresh = desk.post("/v1/refunds", json=body, headers=key())  # a new refund is refused
    refused(fresh, 401, "operator_session_expired")
    with sandbox.store.snapshot() as conn:
        assert conn.execute("SELECT COUNT(*) FROM refunds").fetchone()[0] == 1


# -- patients: guessed ids, another terminal's session, expired and ended sessions ---------------

READS = ("/v1/accounts/{account}", "/v1/accounts/{account}/bills", "/v1/patients/{patient}/overview",
         "/v1/patients/{patient}/visits", "/v1/patients/{patient}/registrations",
         "/v1/patients/{patient}/admissions")


def reads(patient: str, account: str) -> list[str]:
    return [p.format(patient=patient, account=account) for p in READS]


def test_guessed_patient_and_account_ids_are_refused_alike(sandbox, sandbox_client):
    for path in reads("P000003", "CA000003") + reads("P999999", "CA999999") + ["/v1/admissions/A000001",
                                                                                "/v1/admissions/A999999"]:
        refused(sandbox_client.get(path), 403, "patient_not_present")
    # One patient present is not another: tier1 here does not open tier3's account.
    sandbox_client.present("tier1")
    for path in reads("P000003", "CA000003"):
        refused(sandbox_client.get(path), 403, "patient_not_present")
    for path in reads("P000001", "CA000001"):
        assert sandbox_client.get(path).status_code == 200, path
    assert [e["outcome"] for e in sandbox.store.events("read")].count("patient_not_present") == 20


def test_a_patient_session_of_another_terminal_is_not_this_ones(sandbox, sandbox_client):
    sandbox_client.present("tier3")
    with other_kiosk(sandbox) as lobby:
        for path in reads("P000003", "CA000003"):
            refused(lobby.get(path), 403, "patient_not_present")


def test_patient_sessions_expire_and_end(sandbox, sandbox_client):
    session = sandbox_client.present("tier3")["patient_session"]
    assert sandbox_client.get("/v1/accounts/CA000003").status_code == 200
    sandbox.store.move_clock(advance_s=299)
    assert sandbox_client.get("/v1/accounts/CA000003").status_code == 200  # each read starts the idle time again
    sandbox.store.move_clock(advance_s=301)
    refused(sandbox_client.get("/v1/accounts/CA000003"), 403, "patient_not_present")  # 5 minutes unused
    # In use, a session still ends half an hour after the card was read.
    sandbox_client.present("tier3")
    for _ in range(7):
        sandbox.store.move_clock(advance_s=240)
        assert sandbox_client.get("/v1/accounts/CA000003").status_code == 200
    sandbox.store.move_clock(advance_s=240)
    refused(sandbox_client.get("/v1/accounts/CA000003"), 403, "patient_not_present")
    # Ended when the kiosk clears: another terminal cannot end it, this one can.
    session = sandbox_client.present("tier3")["patient_session"]
    with other_kiosk(sandbox) as lobby:
        assert lobby.post("/v1/patient-sessions/end", json={"session_ids": [session["session_id"]]}).json() == \
            {"ended": 0}
    assert sandbox_client.get("/v1/accounts/CA000003").status_code == 200
    # The card read again before the last patient's sessions are ended (a late request): the
    # new session is its own and lives on.
    again = sandbox_client.present("tier3")["patient_session"]
    assert again["session_id"] != session["session_id"]
    assert sandbox_client.post("/v1/patient-sessions/end", json={"session_ids": [session["session_id"]]}).json() == \
        {"ended": 1}
    assert sandbox_client.get("/v1/accounts/CA000003").status_code == 200
    sandbox_client.post("/v1/patient-sessions/end", json={"session_ids": [again["session_id"]]})
    refused(sandbox_client.get("/v1/accounts/CA000003"), 403, "patient_not_present")


def test_a_bare_id_number_tells_nothing_beyond_the_masked_name_and_id(sandbox_client):
    p = patient_by_role("tier4")
    answer = sandbox_client.present("tier4")
    text = str(answer)
    assert p["name"] not in text and p["phone"] not in text and p["id_number"] not in text
    assert answer["name"] == p["name"][0] + "*" + p["name"][-1]
    assert answer["phone_masked"] == p["phone"][:3] + "****" + p["phone"][-4:]
    elder = patient_by_role("elder")
    assert [r["name"] for r in answer["relations"]] == [elder["name"][0] + "*" + elder["name"][-1]]


def test_lookups_beyond_the_terminals_budget_are_refused_with_retry_after(sandbox, sandbox_client):
    number = patient_by_role("tier1")["id_number"]
    answers = [sandbox_client.post("/v1/identity/lookup", json={"id_number": number}) for _ in range(21)]
    assert [a.status_code for a in answers] == [200] * 20 + [429]
    refused(answers[-1], 429, "too_many_lookups")
    assert answers[-1].headers["Retry-After"] == "6" and error_of(answers[-1])["details"] == {"retry_after_s": 6}
    # Unknown numbers spend the budget too (they are what an enumeration tries).
    unknown = "110101199003070070"  # a valid number nobody has
    refused(sandbox_client.post("/v1/identity/lookup", json={"id_number": unknown}), 429, "too_many_lookups")
    with other_kiosk(sandbox) as lobby:  # per terminal: another kiosk has its own
        assert lobby.post("/v1/identity/lookup", json={"id_number": number}).status_code == 200
    sandbox.store.move_clock(advance_s=6)  # one more every 6 s: 10 a minute
    assert sandbox_client.post("/v1/identity/lookup", json={"id_number": number}).status_code == 200
    refused(sandbox_client.post("/v1/identity/lookup", json={"id_number": number}), 429, "too_many_lookups")


# -- operator lockout: not from a kiosk; unknown and known staff numbers alike -----------------------

def test_a_kiosk_cannot_lock_the_cashiers_out(sandbox, sandbox_client, desk_client):
    before = state(sandbox.store)["operators"]
    for _ in range(10):  # the kiosk's whole budget of failures
        refused(sandbox_client.post("/v1/operators/login", json={"operator_id": CASHIER, "pin": "000000"}),
                401, "operator_login_failed")
    refused(sandbox_client.post("/v1/operators/login", json={"operator_id": CASHIER, "pin": "000000"}),
            429, "too_many_attempts")  # then the terminal waits, whatever staff number it tries
    refused(sandbox_client.post("/v1/operators/login", json={"operator_id": OTHER_CASHIER, "pin": "000000"}),
            429, "too_many_attempts")
    assert state(sandbox.store)["operators"] == before  # nobody's count moved
    desk_client.log_in(CASHIER, CASHIER_PIN)  # the cashier works at the desk as ever


def test_a_kiosk_never_says_a_cashiers_pin_is_right(sandbox_client):
    right = sandbox_client.post("/v1/operators/login", json={"operator_id": CASHIER, "pin": CASHIER_PIN})
    wrong = sandbox_client.post("/v1/operators/login", json={"operator_id": CASHIER, "pin": "000000"})
    assert (right.status_code, right.json()) == (wrong.status_code, wrong.json()) == (401, wrong.json())
    assert sandbox_client.post("/v1/operators/login", json={"operator_id": IT, "pin": IT_PIN}).status_code == 200


def test_unknown_and_known_staff_numbers_answer_alike_and_cost_the_same(sandbox, desk_client, monkeypatch):
    derivations: list[bytes] = []
    real = operator_store.pin_hash

    def counted(pin, salt, iterations=operator_store.PIN_ITERATIONS):
        derivations.append(salt)
        assert iterations == 600_000  # OWASP's figure for PBKDF2-HMAC-SHA256, unknown or known
        return real(pin, salt, iterations)

    monkeypatch.setattr(operator_store, "pin_hash", counted)
    known, unknown = [], []
    for n in range(5):
        known.append(desk_client.post("/v1/operators/login", json={"operator_id": OTHER_CASHIER, "pin": "000000"}))
        unknown.append(desk_client.post("/v1/operators/login", json={"operator_id": "4711", "pin": "000000"}))
        assert len(derivations) == 2 * (n + 1)  # one derivation per attempt, whoever it names
    for k, u in zip(known, unknown):
        assert k.status_code == u.status_code and error_of(k)["code"] == error_of(u)["code"]
        assert error_of(k)["message"] == error_of(u)["message"]
    assert [r.status_code for r in known] == [401] * 4 + [423]  # both lock at the fifth
    assert set(error_of(unknown[-1])["details"]) == set(error_of(known[-1])["details"]) == {"locked_at", "unlocks_at"}
    assert len(set(derivations)) == 2  # the operator's salt, and the stand-in salt for nobody


def test_the_demo_pin_hashes_are_pbkdf2_sha256_at_600000_as_openssl_derives_them():
    for o in operator_store.DEMO_OPERATORS:
        salt = operator_store.demo_salt(o["operator_id"])
        out = subprocess.run(["openssl", "kdf", "-keylen", "32", "-kdfopt", "digest:SHA256",
                              "-kdfopt", f"pass:{o['pin']}", "-kdfopt", f"hexsalt:{salt.hex()}",
                              "-kdfopt", "iter:600000", "PBKDF2"], capture_output=True, text=True, check=True).stdout
        derived = out.strip().replace(":", "").lower()
        assert derived == operator_store.DEMO_PIN_HASHES[o["operator_id"]], o["operator_id"]


# -- relations: consent, and minors only through the household -------------------------------------

def test_nobody_takes_on_a_parent_without_the_parents_consent(sandbox, sandbox_client):
    child, parent = sandbox_client.present("tier4"), patient_by_role("elder")
    body = {"payer_patient_id": child["patient_id"], "patient_id": parent["patient_id"], "relation": "parent"}
    before = state(sandbox.store)
    refused(sandbox_client.post("/v1/relations", json=body, headers=key()), 403, "consent_required")
    # "Their card" claimed, but the parent's card was never read here.
    refused(sandbox_client.post("/v1/relations", json={**body, "consent": {"method": "card"}}, headers=key()),
            403, "patient_not_present")
    # A code: wrong five times, then the right one is refused too.
    sent = sandbox_client.post("/v1/relations/consent-code", json={"payer_patient_id": child["patient_id"],
                                                                   "patient_id": parent["patient_id"]}).json()
    assert sent["sent_to"] == parent["phone"][:3] + "****" + parent["phone"][-4:]
    code = sandbox.store.sms_sent(parent["patient_id"])[-1]["code"]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        refused(sandbox_client.post("/v1/relations", json={**body, "consent": {"method": "sms", "code": wrong}},
                                    headers=key()), 403, "consent_code_invalid")
    refused(sandbox_client.post("/v1/relations", json={**body, "consent": {"method": "sms", "code": code}},
                                headers=key()), 403, "consent_code_invalid")
    # Another kiosk cannot use this kiosk's code.
    with other_kiosk(sandbox) as lobby:
        lobby.present("tier4")
        sandbox_client.post("/v1/relations/consent-code", json={"payer_patient_id": child["patient_id"],
                                                                "patient_id": parent["patient_id"]})
        code = sandbox.store.sms_sent(parent["patient_id"])[-1]["code"]
        refused(lobby.post("/v1/relations", json={**body, "consent": {"method": "sms", "code": code}},
                           headers=key()), 403, "consent_code_invalid")
    # The payer must be here too: a guessed payer id cannot take on anyone.
    refused(sandbox_client.post("/v1/relations/consent-code", json={"payer_patient_id": "P000003",
                                                                    "patient_id": parent["patient_id"]}),
            403, "patient_not_present")
    assert state(sandbox.store) == {**before, "operators": before["operators"]}
    # The code works, once.
    assert sandbox_client.post("/v1/relations", json={**body, "consent": {"method": "sms", "code": code}},
                               headers=key()).status_code == 200


def test_a_minor_reaches_an_adults_line_only_through_the_household(sandbox, sandbox_client):
    minor, stranger = patient_by_role("minor"), patient_by_role("tier3")
    sandbox_client.present("minor")
    assert sandbox_client.post("/v1/credit/close", json={"patient_id": minor["patient_id"]},
                               headers=key()).status_code == 200
    with sandbox.store.transaction() as conn:  # no guardian on the hospital's record any more
        conn.execute("UPDATE patients SET guardian_patient_id = NULL WHERE patient_id = ?", (minor["patient_id"],))
    sandbox_client.present("tier3")
    before = state(sandbox.store)
    r = sandbox_client.post("/v1/credit/open", json={"patient_id": minor["patient_id"], "consent_version": "2026-10",
                                                     "score_authorised": True,
                                                     "guardian_patient_id": stranger["patient_id"]}, headers=key())
    refused(r, 409, "not_in_household")
    after = state(sandbox.store)
    assert len(after.pop("idempotency")) == len(before.pop("idempotency")) + 1  # the answer, kept under its key
    assert after == before
    sandbox_client.present("tier2")  # the household's guardian
    r = sandbox_client.post("/v1/credit/open", json={"patient_id": minor["patient_id"], "consent_version": "2026-10",
                                                     "score_authorised": True,
                                                     "guardian_patient_id": patient_by_role("tier2")["patient_id"]},
                            headers=key())
    assert r.status_code == 200 and r.json()["account"]["account_id"] == "CA000002"
