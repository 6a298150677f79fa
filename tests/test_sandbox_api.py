"""The sandbox platform over real HTTP on loopback: signing, identity, accounts, settlement."""
from __future__ import annotations

import json
import re
import socket
import threading
import time
import uuid
from datetime import date, datetime, timedelta

import pytest
import requests

from kiosk.domain.clock import BUSINESS_TZ, business_date
from kiosk.domain.idnumber import parse_id_number
from kiosk.policies import load_profile
from sandbox.demo_data import DEMO_PATIENTS, demo_card, make_id_number, patient_by_role
from tests.sandbox_fixtures import SignedClient

XIAMEN = load_profile("xiamen")
TIER_ROLES = ["tier1", "tier2", "tier3", "tier4"]


def error_code(response: requests.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return body["error"]["code"]


def lookup(client: SignedClient, role: str) -> dict:
    r = client.post("/v1/identity/lookup", json={"id_number": patient_by_role(role)["id_number"]})
    assert r.status_code == 200, r.text
    return r.json()


def open_visits(client: SignedClient, patient_id: str) -> list[dict]:
    r = client.get(f"/v1/patients/{patient_id}/visits", params={"status": "open"})
    assert r.status_code == 200, r.text
    return r.json()["visits"]


def open_visit(client: SignedClient, patient_id: str) -> dict:
    """The newest open visit (tier3 has two)."""
    visits = open_visits(client, patient_id)
    assert len(visits) >= 1
    return visits[0]


def account(client: SignedClient, account_id: str) -> dict:
    """The account's state, without the snapshot's time and signature (they change per read)."""
    r = client.get(f"/v1/accounts/{account_id}")
    assert r.status_code == 200, r.text
    return {k: v for k, v in r.json().items() if k not in ("as_of", "signature")}


def bills(client: SignedClient, account_id: str) -> list[dict]:
    r = client.get(f"/v1/accounts/{account_id}/bills")
    assert r.status_code == 200, r.text
    return r.json()["bills"]


def settle(client: SignedClient, visit_id: str, account_id: str, personal_fen: int,
           key: str | None) -> requests.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(f"/v1/visits/{visit_id}/settle", headers=headers,
                       json={"account_id": account_id, "personal_fen": personal_fen})


def ready(client: SignedClient, role: str) -> tuple[dict, dict]:
    """(identity, open visit) of a demo patient."""
    who = lookup(client, role)
    return who, open_visit(client, who["patient_id"])


# -- signing -----------------------------------------------------------------------------

def test_health_needs_no_signature(sandbox):
    with requests.get(sandbox.url + "/v1/health", timeout=5) as r:
        assert r.status_code == 200
        body = r.json()
    assert body["status"] == "ok"
    assert datetime.fromisoformat(body["time"]).utcoffset() == timedelta(hours=8)


def test_signed_request_is_accepted(sandbox_client):
    who = lookup(sandbox_client, "tier1")
    assert account(sandbox_client, who["account_id"])["account_id"] == who["account_id"]


def test_unsigned_request_is_refused(sandbox):
    with requests.get(sandbox.url + "/v1/accounts/CA000001", timeout=5) as r:
        assert r.status_code == 401
        assert error_code(r) == "unknown_terminal"


def test_wrong_secret_is_a_bad_signature(sandbox_client):
    r = sandbox_client.get("/v1/accounts/CA000001", secret=b"not the terminal secret")
    assert r.status_code == 401
    assert error_code(r) == "bad_signature"


def test_tampered_body_is_a_bad_signature(sandbox_client):
    prepared = sandbox_client.prepare(
        "POST", "/v1/identity/lookup", json={"id_number": patient_by_role("tier1")["id_number"]})
    other = json.dumps({"id_number": patient_by_role("tier2")["id_number"]}).encode()
    prepared.prepare_body(data=other, files=None)
    r = sandbox_client.send(prepared)
    assert r.status_code == 401
    assert error_code(r) == "bad_signature"


def test_tampered_query_is_a_bad_signature(sandbox_client):
    prepared = sandbox_client.prepare("GET", "/v1/patients/P000001/visits",
                                      params={"status": "open"})
    prepared.prepare_url(prepared.url.replace("status=open", "status=settled"), None)
    r = sandbox_client.send(prepared)
    assert r.status_code == 401
    assert error_code(r) == "bad_signature"


@pytest.mark.parametrize("skew", [-305, 305])  # a few seconds clear of the 300 s window
def test_stale_timestamp_is_refused(sandbox_client, skew):
    r = sandbox_client.get("/v1/accounts/CA000001", timestamp=int(time.time()) + skew)
    assert r.status_code == 401
    assert error_code(r) == "stale_timestamp"


def test_reused_nonce_is_refused(sandbox_client):
    nonce = uuid.uuid4().hex
    lookup(sandbox_client, "tier1")  # the patient's card: their account may be read here
    assert sandbox_client.get("/v1/accounts/CA000001", nonce=nonce).status_code == 200
    r = sandbox_client.get("/v1/accounts/CA000001", nonce=nonce)
    assert r.status_code == 401
    assert error_code(r) == "replayed_nonce"


def test_unknown_terminal_is_refused(sandbox_client):
    r = sandbox_client.get("/v1/accounts/CA000001", terminal_id="KIOSK-ROGUE-99")
    assert r.status_code == 401
    assert error_code(r) == "unknown_terminal"


def raw_request(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request written byte for byte on a socket (what no client library would send)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def test_a_non_ascii_signature_is_refused_401_not_a_crash(sandbox):
    for signature in ("é".encode("latin-1") * 64, "签名".encode() * 16, b"\xff" + b"0" * 63):
        request = (b"GET /v1/accounts/CA000001 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                   b"X-Terminal-Id: " + sandbox.terminal_id.encode() + b"\r\n"
                   b"X-Timestamp: " + str(int(time.time())).encode() + b"\r\n"
                   b"X-Nonce: " + uuid.uuid4().hex.encode() + b"\r\n"
                   b"X-Signature: " + signature + b"\r\n\r\n")
        status, _, body = raw_request(sandbox.port, request)
        assert status == 401, body
        assert json.loads(body)["error"]["code"] == "bad_signature"


def test_the_idempotency_key_is_signed_a_swapped_key_is_refused(sandbox, sandbox_client):
    who, visit = ready(sandbox_client, "tier1")
    body = {"account_id": who["account_id"], "personal_fen": visit["personal_fen"]}
    path = f"/v1/visits/{visit['visit_id']}/settle"
    swapped = sandbox_client.prepare("POST", path, json=body, headers={"Idempotency-Key": "key-signed"})
    swapped.headers["Idempotency-Key"] = "key-swapped"
    dropped = sandbox_client.prepare("POST", path, json=body, headers={"Idempotency-Key": "key-signed"})
    del dropped.headers["Idempotency-Key"]
    added = sandbox_client.prepare("POST", path, json=body)
    added.headers["Idempotency-Key"] = "key-added"
    for prepared in (swapped, dropped, added):
        r = sandbox_client.send(prepared)
        assert r.status_code == 401 and error_code(r) == "bad_signature"
    assert sandbox.store.bill_count(who["account_id"]) == 0
    r = settle(sandbox_client, visit["visit_id"], who["account_id"], visit["personal_fen"], key="key-signed")
    assert r.status_code == 200  # the key was never used: the refused requests did nothing


def test_a_non_ascii_key_is_signed_as_sent_and_refused_by_the_key_check(sandbox, sandbox_client):
    """The key is signed as its bytes on the wire, so a bad key meets its documented 400."""
    prepared = sandbox_client.prepare("POST", "/v1/payments", headers={"Idempotency-Key": "clé"},
                                      json={"patient_id": "P000007", "amount_fen": 100, "purpose": "settlement"})
    request = (f"POST {prepared.path_url} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".encode()
               + b"".join(k.encode() + b": " + v.encode("latin-1") + b"\r\n" for k, v in prepared.headers.items()
                          if k.lower() != "connection")
               + b"\r\n" + prepared.body)
    assert "Idempotency-Key: cl\xe9".encode("latin-1") in request
    status, _, body = raw_request(sandbox.port, request)
    assert (status, json.loads(body)["error"]["code"]) == (400, "invalid_idempotency_key")


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("PUT", "/v1/accounts/CA000001", "GET"),
    ("GET", "/v1/settlements", "POST"),
    ("DELETE", "/v1/_sandbox/clock", "GET, POST"),  # two routes, one path: both methods
])
def test_a_wrong_method_is_405_with_allow(sandbox_client, method, path, allow):
    r = sandbox_client.request(method, path)
    assert r.status_code == 405 and error_code(r) == "method_not_allowed"
    assert r.headers["Allow"] == allow


def test_errors_use_the_envelope(sandbox_client):
    r = sandbox_client.get("/v1/no-such-thing")
    assert r.status_code == 404 and error_code(r) == "not_found"
    r = sandbox_client.get("/v1/patients/P000001/visits", params={"status": "maybe"})
    assert r.status_code == 422 and error_code(r) == "invalid_request"
    r = sandbox_client.post("/v1/identity/lookup", json={"id": "x"})
    assert r.status_code == 422 and error_code(r) == "invalid_request"


# -- identity -------------------------------------------------------------------------------

def test_lookup_adult(sandbox_client):
    patient = patient_by_role("tier3")
    who = lookup(sandbox_client, "tier3")
    session = who.pop("patient_session")
    # Nothing personal beyond what the kiosk shows: name, ID and phone masked by the platform.
    assert who == {
        "patient_id": patient["patient_id"], "name": patient["name"][0] + "*" + patient["name"][-1],
        "id_number_masked": patient["id_number"][:4] + "*" * 10 + patient["id_number"][-4:],
        "sex": patient["sex"], "birth_date": patient["birth_date"],
        "phone_masked": patient["phone"][:3] + "****" + patient["phone"][-4:], "phone_on_file": True,
        "is_minor": False, "guardian_patient_id": None, "guardian_line_ended": False,
        "account_id": who["account_id"],
        "has_credit_service": True, "insurance_credit_grade": "A",
        "relations": [{"patient_id": "P000011", "relation": "child", "name": "黄*涵",  # the teen in their care
                       "account_id": who["account_id"], "repayment_taken_on": False}],
    }
    assert session["session_id"] and session["expires_at"]
    assert account(sandbox_client, who["account_id"])["holder_patient_id"] == who["patient_id"]


def test_lookup_minor_uses_the_guardian_account(sandbox_client):
    minor = lookup(sandbox_client, "minor")
    guardian = lookup(sandbox_client, "tier2")
    assert minor["is_minor"] is True
    assert minor["guardian_patient_id"] == guardian["patient_id"]
    assert minor["account_id"] == guardian["account_id"]


def test_lookup_tolerates_surrounding_spaces(sandbox_client):
    number = patient_by_role("tier1")["id_number"]
    r = sandbox_client.post("/v1/identity/lookup", json={"id_number": f" {number} "})
    assert r.status_code == 200
    assert r.json()["patient_id"] == patient_by_role("tier1")["patient_id"]


def test_lookup_unknown_patient_is_404(sandbox_client):
    unknown = make_id_number("350203", date(1991, 1, 1), 77, "M")
    assert all(p["id_number"] != unknown for p in DEMO_PATIENTS)
    r = sandbox_client.post("/v1/identity/lookup", json={"id_number": unknown})
    assert r.status_code == 404
    assert error_code(r) == "patient_not_found"


def test_lookup_bad_checksum_is_422(sandbox_client):
    good = patient_by_role("tier1")["id_number"]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    r = sandbox_client.post("/v1/identity/lookup", json={"id_number": bad})
    assert r.status_code == 422
    assert error_code(r) == "invalid_id_number"
    assert bad not in r.text  # the number is never echoed back


# -- accounts and visits ------------------------------------------------------------------------

@pytest.mark.parametrize("role", TIER_ROLES)
def test_account_line_matches_the_policy_tier(sandbox_client, role):
    score = patient_by_role(role)["score"]
    tier = XIAMEN.tier_for(score)
    acc = account(sandbox_client, lookup(sandbox_client, role)["account_id"])
    assert acc["status"] == "active" and acc["policy"] == "xiamen"
    assert acc["score_tier"] == TIER_ROLES.index(role) + 1 == XIAMEN.tiers.index(tier) + 1
    assert acc["line_fen"] == tier.line_fen == XIAMEN.line_for(score)
    assert acc["value_added"] is tier.value_added is (role == "tier4")
    assert acc["used_fen"] == 0 and acc["overdue_fen"] == 0
    assert acc["available_fen"] == acc["line_fen"]


def test_demo_lines_cover_the_published_xiamen_table(sandbox_client):
    lines = [account(sandbox_client, lookup(sandbox_client, r)["account_id"])["line_fen"]
             for r in TIER_ROLES]
    assert lines == [50000, 100000, 300000, 300000]


def test_arrears_account_is_suspended_with_an_overdue_bill(sandbox_client):
    acc = account(sandbox_client, lookup(sandbox_client, "arrears")["account_id"])
    assert acc["status"] == "suspended"
    assert acc["used_fen"] > 0 and acc["overdue_fen"] == acc["used_fen"]
    assert acc["available_fen"] == acc["line_fen"] - acc["used_fen"]
    [bill] = bills(sandbox_client, acc["account_id"])
    assert bill["status"] == "overdue" and bill["amount_fen"] == acc["used_fen"]
    assert datetime.fromisoformat(bill["due_at"]) < datetime.now(BUSINESS_TZ)


def test_visit_split_adds_up(sandbox_client):
    for patient in DEMO_PATIENTS:
        lookup(sandbox_client, patient["role"])
    visits = [v for patient in DEMO_PATIENTS
              for v in open_visits(sandbox_client, patient["patient_id"])]
    assert len(visits) >= len(DEMO_PATIENTS) - 2  # elder and inpatient have none open
    for visit in visits:
        assert visit["kind"] == "outpatient" and visit["status"] == "open"
        assert 3 <= len(visit["items"]) <= 8
        for item in visit["items"]:
            assert item["amount_fen"] == item["quantity"] * item["unit_price_fen"]
            assert all(isinstance(item[k], int) for k in ("quantity", "unit_price_fen",
                                                          "amount_fen"))
        assert visit["total_fen"] == sum(i["amount_fen"] for i in visit["items"])
        assert visit["fund_fen"] + visit["personal_fen"] == visit["total_fen"]
        assert visit["fund_fen"] > 0 and visit["personal_fen"] > 0


def test_visits_filter_by_status_and_unknown_patient(sandbox_client):
    lookup(sandbox_client, "arrears")
    r = sandbox_client.get("/v1/patients/P000006/visits")
    assert {v["status"] for v in r.json()["visits"]} == {"open", "settled"}
    r = sandbox_client.get("/v1/patients/P000006/visits", params={"status": "settled"})
    assert [v["status"] for v in r.json()["visits"]] == ["settled"]
    # A made-up id is refused as any id without the patient here: nothing tells it from a real one.
    r = sandbox_client.get("/v1/patients/P999999/visits")
    assert r.status_code == 403 and error_code(r) == "patient_not_present"
    r = sandbox_client.get("/v1/accounts/CA999999")
    assert r.status_code == 403 and error_code(r) == "patient_not_present"


def test_demo_card_matches_the_patient():
    for patient in DEMO_PATIENTS:
        card = demo_card(patient["role"])
        number = parse_id_number(card["id_number"])
        assert number.value[:4] == "3502"
        assert card["sex"] == ("男" if number.sex == "M" else "女")
        assert card["birth_date"] == number.birth_date.isoformat()
        assert card["name"] == patient["name"] and card["nation"] == "汉"
    assert parse_id_number(demo_card("minor")["id_number"]).is_minor_on(date(2026, 11, 25))


# -- settlement ----------------------------------------------------------------------------------

def test_settle_books_exactly_once(sandbox_client):
    who, visit = ready(sandbox_client, "tier3")
    before = account(sandbox_client, who["account_id"])
    r = settle(sandbox_client, visit["visit_id"], who["account_id"], visit["personal_fen"],
               key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    done = r.json()
    after = account(sandbox_client, who["account_id"])

    assert after["used_fen"] == before["used_fen"] + visit["personal_fen"]
    assert after["available_fen"] == done["available_fen"] == \
        before["available_fen"] - visit["personal_fen"]
    assert done["booked_fen"] == done["personal_fen"] == visit["personal_fen"]
    assert (done["total_fen"], done["fund_fen"]) == (visit["total_fen"], visit["fund_fen"])
    assert done["line_fen"] == before["line_fen"]
    assert re.fullmatch(r"ST\d{8}\d{6}", done["reference"])

    # Xiamen: 42 interest-free days; due at 00:00 of the day after the 42nd day.
    visit_day = business_date(datetime.fromisoformat(visit["ended_at"]))
    expected_due = datetime(visit_day.year, visit_day.month, visit_day.day,
                            tzinfo=BUSINESS_TZ) + timedelta(days=43)
    assert datetime.fromisoformat(done["due_at"]) == expected_due

    [bill] = bills(sandbox_client, who["account_id"])
    assert bill["settlement_id"] == done["settlement_id"] and bill["visit_id"] == visit["visit_id"]
    assert bill["amount_fen"] == visit["personal_fen"] and bill["status"] == "due"
    assert datetime.fromisoformat(bill["due_at"]) == expected_due
    assert open_visit_count(sandbox_client, who["patient_id"]) == 1  # tier3 had two


def open_visit_count(client: SignedClient, patient_id: str) -> int:
    return len(client.get(f"/v1/patients/{patient_id}/visits",
                          params={"status": "open"}).json()["visits"])


def test_replay_with_the_same_key_answers_identically(sandbox_client):
    who, visit = ready(sandbox_client, "tier1")
    key = uuid.uuid4().hex
    first = settle(sandbox_client, visit["visit_id"], who["account_id"], visit["personal_fen"], key)
    used = account(sandbox_client, who["account_id"])["used_fen"]
    again = settle(sandbox_client, visit["visit_id"], who["account_id"], visit["personal_fen"], key)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert len(bills(sandbox_client, who["account_id"])) == 1
    assert account(sandbox_client, who["account_id"])["used_fen"] == used


def test_same_key_with_a_different_body_is_409(sandbox_client):
    who, visit = ready(sandbox_client, "tier4")
    key = uuid.uuid4().hex
    assert settle(sandbox_client, visit["visit_id"], who["account_id"], visit["personal_fen"],
                  key).status_code == 200
    r = settle(sandbox_client, visit["visit_id"], who["account_id"], visit["personal_fen"] + 1,
               key)
    assert r.status_code == 409 and error_code(r) == "idempotency_key_reused"
    assert len(bills(sandbox_client, who["account_id"])) == 1


def test_a_second_key_on_a_settled_visit_is_409(sandbox_client):
    who, visit = ready(sandbox_client, "tier2")
    args = (visit["visit_id"], who["account_id"], visit["personal_fen"])
    assert settle(sandbox_client, *args, key=uuid.uuid4().hex).status_code == 200
    r = settle(sandbox_client, *args, key=uuid.uuid4().hex)
    assert r.status_code == 409 and error_code(r) == "visit_already_settled"
    assert len(bills(sandbox_client, who["account_id"])) == 1


def test_suspended_account_is_refused_and_the_refusal_is_replayed(sandbox_client):
    who, visit = ready(sandbox_client, "arrears")
    before = account(sandbox_client, who["account_id"])
    key = uuid.uuid4().hex
    args = (visit["visit_id"], who["account_id"], visit["personal_fen"], key)
    r = settle(sandbox_client, *args)
    assert r.status_code == 403 and error_code(r) == "account_suspended"
    again = settle(sandbox_client, *args)
    assert again.status_code == 403 and again.content == r.content
    assert account(sandbox_client, who["account_id"]) == before
    assert len(bills(sandbox_client, who["account_id"])) == 1  # only the old overdue bill


def test_minor_settles_on_the_guardian_line(sandbox_client):
    minor, visit = ready(sandbox_client, "minor")
    r = settle(sandbox_client, visit["visit_id"], minor["account_id"], visit["personal_fen"],
               key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    guardian = account(sandbox_client, minor["account_id"])
    assert guardian["holder_patient_id"] == minor["guardian_patient_id"]
    assert guardian["used_fen"] == visit["personal_fen"]


def test_settle_refusals(sandbox, sandbox_client):
    who, visit = ready(sandbox_client, "tier1")
    other = lookup(sandbox_client, "tier3")
    vid, aid, personal = visit["visit_id"], who["account_id"], visit["personal_fen"]

    r = settle(sandbox_client, vid, aid, personal, key=None)
    assert r.status_code == 400 and error_code(r) == "missing_idempotency_key"
    r = settle(sandbox_client, "V404", aid, personal, key=uuid.uuid4().hex)
    assert r.status_code == 404 and error_code(r) == "visit_not_found"
    r = settle(sandbox_client, vid, "CA404", personal, key=uuid.uuid4().hex)
    assert r.status_code == 404 and error_code(r) == "account_not_found"
    r = settle(sandbox_client, vid, other["account_id"], personal, key=uuid.uuid4().hex)
    assert r.status_code == 403 and error_code(r) == "account_not_linked"
    r = settle(sandbox_client, vid, aid, personal - 1, key=uuid.uuid4().hex)
    assert r.status_code == 409 and error_code(r) == "amount_mismatch"
    r = sandbox_client.post(f"/v1/visits/{vid}/settle", headers={"Idempotency-Key": "k-float"},
                            json={"account_id": aid, "personal_fen": float(personal)})
    assert r.status_code == 422 and error_code(r) == "invalid_request"

    with sandbox.store.transaction() as conn:  # nearly use up the line
        conn.execute("UPDATE accounts SET used_fen = line_fen - ? WHERE account_id = ?",
                     (personal - 1, aid))
    r = settle(sandbox_client, vid, aid, personal, key=uuid.uuid4().hex)
    assert r.status_code == 409 and error_code(r) == "insufficient_line"
    assert bills(sandbox_client, aid) == []
    assert open_visit_count(sandbox_client, who["patient_id"]) == 1


def test_concurrent_requests_with_one_key_book_once(sandbox):
    with SignedClient(sandbox.url, sandbox.terminal_id, sandbox.secret) as client:
        who, visit = ready(client, "tier4")
    key = uuid.uuid4().hex
    barrier = threading.Barrier(8)
    results: list[requests.Response | BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        with SignedClient(sandbox.url, sandbox.terminal_id, sandbox.secret) as client:
            prepared = client.prepare(
                "POST", f"/v1/visits/{visit['visit_id']}/settle",
                headers={"Idempotency-Key": key},
                json={"account_id": who["account_id"], "personal_fen": visit["personal_fen"]})
            barrier.wait(timeout=10)
            try:
                outcome: requests.Response | BaseException = client.send(prepared)
            except BaseException as exc:  # reported below
                outcome = exc
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 8
    assert all(isinstance(r, requests.Response) and r.status_code == 200 for r in results), \
        results
    assert len({r.content for r in results}) == 1
    assert sandbox.store.bill_count(who["account_id"]) == 1
    with SignedClient(sandbox.url, sandbox.terminal_id, sandbox.secret) as client:
        assert account(client, who["account_id"])["used_fen"] == visit["personal_fen"]
