"""Settlement across visits with a shortfall payment, repayment, refunds, the payment
channel, over HTTP."""
from __future__ import annotations

import re

import pytest

from sandbox.server import EmbeddedSandbox
from tests.sandbox_fixtures import Api, SignedClient, error_of

CITIES = ["xiamen", "hangzhou"]


def settle(api: Api, role: str, visit_ids: list[str], *, account: bool = True,
           payment_id: str | None = None, expect: int | None = 200) -> dict:
    who = api.who(role)
    body = {"patient_id": who["patient_id"], "account_id": who["account_id"] if account else None,
            "visit_ids": visit_ids}
    if payment_id:
        body["payment_id"] = payment_id
    return api.post("/v1/settlements", body, expect)


def test_settle_two_visits_at_once(api: Api):
    who = api.who("tier3")
    visits = api.open_visits(who["patient_id"])
    assert len(visits) == 2
    before = api.account(who["account_id"])
    done = settle(api, "tier3", [v["visit_id"] for v in visits])
    personal = sum(v["personal_fen"] for v in visits)
    assert done["visit_ids"] == [v["visit_id"] for v in visits]
    assert done["total_fen"] == sum(v["total_fen"] for v in visits)
    assert done["fund_fen"] == sum(v["fund_fen"] for v in visits)
    assert done["personal_fen"] == done["booked_fen"] == personal and done["paid_fen"] == 0
    assert done["items_count"] == sum(len(v["items"]) for v in visits)
    assert done["available_fen"] == before["available_fen"] - personal
    assert re.fullmatch(r"ST\d{14}", done["reference"])
    [bill] = api.bills(who["account_id"])
    assert bill["kind"] == "outpatient" and bill["visit_id"] is None
    assert sorted(bill["visit_ids"]) == sorted(done["visit_ids"])
    assert bill["amount_fen"] == personal and bill["due_at"] == done["due_at"]
    assert api.open_visits(who["patient_id"]) == []
    r = settle(api, "tier3", [visits[0]["visit_id"]], expect=409)
    assert error_of(r)["code"] == "visit_already_settled"


@pytest.mark.parametrize("sandbox_control", CITIES, indirect=True)
def test_shortfall_is_paid_through_the_channel(sandbox_control, api: Api):
    who = api.who("shortline")
    account = api.account(who["account_id"])
    assert account["available_fen"] == 5000
    assert account["used_fen"] == account["line_fen"] - 5000  # Xiamen: 500 yuan, 450 used
    [visit] = api.open_visits(who["patient_id"])
    assert visit["personal_fen"] > account["available_fen"]
    shortfall = visit["personal_fen"] - 5000

    r = settle(api, "shortline", [visit["visit_id"]], expect=409)
    assert error_of(r)["code"] == "shortfall_unpaid"
    assert error_of(r)["details"] == {"shortfall_fen": shortfall, "booked_fen": 5000}
    wrong = api.paid(who["patient_id"], shortfall - 1, "settlement")
    r = settle(api, "shortline", [visit["visit_id"]], payment_id=wrong, expect=409)
    assert error_of(r)["code"] == "shortfall_unpaid"
    assert api.account(who["account_id"]) == account  # nothing booked by the refusals

    payment = api.paid(who["patient_id"], shortfall, "settlement")
    done = settle(api, "shortline", [visit["visit_id"]], payment_id=payment)
    assert (done["booked_fen"], done["paid_fen"]) == (5000, shortfall)
    assert done["booked_fen"] + done["paid_fen"] == done["personal_fen"]
    assert done["available_fen"] == 0
    assert api.account(who["account_id"])["used_fen"] == account["line_fen"]
    bills = api.bills(who["account_id"])
    assert bills[-1]["amount_fen"] == 5000 and bills[-1]["settlement_id"] == done["settlement_id"]
    # The line is now used up: the next booking on credit waits for a repayment.
    session = api.get("/v1/departments/D01/sessions", days=7)["sessions"][-1]
    r = api.post("/v1/registrations", {"session_id": session["session_id"],
                                       "patient_id": who["patient_id"], "pay": "credit"}, 409)
    assert error_of(r)["code"] == "repay_first"
    assert error_of(r)["details"] == {"available_fen": 0, "overdue_fen": 0}


def test_no_account_pays_everything_through_the_channel(api: Api):
    who = api.who("nocredit")
    [visit] = api.open_visits(who["patient_id"])
    r = settle(api, "nocredit", [visit["visit_id"]], account=False, expect=409)
    assert error_of(r)["details"]["shortfall_fen"] == visit["personal_fen"]
    payment = api.paid(who["patient_id"], visit["personal_fen"], "settlement")
    done = settle(api, "nocredit", [visit["visit_id"]], account=False, payment_id=payment)
    assert done["booked_fen"] == 0 and done["paid_fen"] == visit["personal_fen"]
    assert done["due_at"] is None and done["account_id"] is None
    assert done["line_fen"] == done["available_fen"] == 0


def test_settlement_refusals(api: Api):
    arrears = api.who("arrears")
    [visit] = api.open_visits(arrears["patient_id"])
    r = settle(api, "arrears", [visit["visit_id"]], expect=403)
    assert error_of(r)["code"] == "account_suspended"
    tier1 = api.who("tier1")
    r = api.post("/v1/settlements", {"patient_id": tier1["patient_id"],
                                     "account_id": tier1["account_id"],
                                     "visit_ids": [visit["visit_id"]]}, 409)
    assert error_of(r)["code"] == "visit_not_of_patient"
    own = api.open_visits(tier1["patient_id"])[0]["visit_id"]
    r = api.post("/v1/settlements", {"patient_id": tier1["patient_id"],
                                     "account_id": arrears["account_id"],
                                     "visit_ids": [own]}, 403)
    assert error_of(r)["code"] == "account_not_linked"
    r = api.post("/v1/settlements", {"patient_id": tier1["patient_id"],
                                     "account_id": tier1["account_id"],
                                     "visit_ids": [own, own]}, 422)
    assert error_of(r)["code"] == "duplicate_visit"
    r = api.post("/v1/settlements", {"patient_id": tier1["patient_id"],
                                     "account_id": tier1["account_id"], "visit_ids": []}, 422)
    assert error_of(r)["code"] == "invalid_request"
    paid = api.paid(tier1["patient_id"], 100, "settlement")
    r = settle(api, "tier1", [own], payment_id=paid, expect=409)
    assert error_of(r)["code"] == "payment_not_needed"  # the line takes it all


def test_repayment_restores_the_line_and_reactivates(api: Api):
    who = api.who("arrears")
    before = api.account(who["account_id"])
    assert before["status"] == "suspended" and before["overdue_fen"] > 0
    owed = before["outstanding_fen"]
    r = api.desk.post("/v1/repayments", {"account_id": who["account_id"], "amount_fen": owed + 1,
                                         "channel": "cash"}, 409)
    assert error_of(r)["code"] == "overpayment" and error_of(r)["details"] == {"owed_fen": owed}
    r = api.post("/v1/repayments", {"account_id": who["account_id"], "amount_fen": owed,
                                    "channel": "payment_channel"}, 422)
    assert error_of(r)["code"] == "payment_required"
    # Cash is taken at a cashier desk, whatever operator a kiosk names (tests/test_attacker.py).
    r = api.post("/v1/repayments", {"account_id": who["account_id"], "amount_fen": owed,
                                    "channel": "cash", "operator_id": "1001"}, 403)
    assert error_of(r)["code"] == "desk_only"

    payment = api.paid(who["patient_id"], owed, "repayment")
    done = api.post("/v1/repayments", {"account_id": who["account_id"], "amount_fen": owed,
                                       "channel": "payment_channel", "payment_id": payment})
    assert done["restored"] is True and done["reference"].startswith("HK")
    after = done["account"]
    assert after["status"] == "active" and after["overdue_fen"] == 0 and after["reminders"] == 0
    assert after["used_fen"] == 0 and after["available_fen"] == after["line_fen"]
    assert after["available_fen"] == before["available_fen"] + owed
    [bill] = api.bills(who["account_id"])
    assert done["bills_paid"] == [bill["bill_id"]] and bill["status"] == "paid"
    # The line is usable again straight away.
    [visit] = api.open_visits(who["patient_id"])
    assert settle(api, "arrears", [visit["visit_id"]])["booked_fen"] == visit["personal_fen"]


def test_repayment_pays_oldest_first_or_the_chosen_bills(api: Api):
    who = api.who("shortline")
    old, new = api.bills(who["account_id"])
    assert old["due_at"] <= new["due_at"]
    part = api.desk.post("/v1/repayments", {"account_id": who["account_id"], "amount_fen": 100,
                                            "channel": "bank_card"})
    assert part["allocations"] == [{"bill_id": old["bill_id"], "amount_fen": 100,
                                    "outstanding_fen": old["outstanding_fen"] - 100}]
    chosen = api.desk.post("/v1/repayments", {"account_id": who["account_id"],
                                              "amount_fen": new["outstanding_fen"],
                                              "channel": "cash", "bill_ids": [new["bill_id"]]})
    assert chosen["bills_paid"] == [new["bill_id"]]
    statuses = {b["bill_id"]: b["status"] for b in api.bills(who["account_id"])}
    assert statuses == {old["bill_id"]: "due", new["bill_id"]: "paid"}
    r = api.desk.post("/v1/repayments", {"account_id": who["account_id"], "amount_fen": 1,
                                         "channel": "cash", "bill_ids": ["BIL-NOPE"]}, 404)
    assert error_of(r)["code"] == "bill_not_found"


def test_refund_of_an_unpaid_bill_stays_on_the_line(api: Api):
    who = api.who("tier1")
    [visit] = api.open_visits(who["patient_id"])
    done = settle(api, "tier1", [visit["visit_id"]])
    refund = api.desk.post("/v1/refunds", {"settlement_id": done["settlement_id"], "amount_fen": 500,
                                           "reason": "wrong quantity"})
    assert (refund["to_credit_fen"], refund["to_channel_fen"]) == (500, 0)
    [bill] = api.bills(who["account_id"])
    assert bill["outstanding_fen"] == done["booked_fen"] - 500 and bill["status"] == "due"


def test_payments_expire_after_five_minutes(api: Api):
    pid = api.who("nocredit")["patient_id"]
    payment = api.post("/v1/payments", {"patient_id": pid, "amount_fen": 1234,
                                        "purpose": "settlement"})
    assert payment["status"] == "pending" and not payment["used"]
    api.advance(280)  # (the wall clock keeps running under the business clock too)
    assert api.get(f"/v1/payments/{payment['payment_id']}")["status"] == "pending"
    api.advance(20)
    assert api.get(f"/v1/payments/{payment['payment_id']}")["status"] == "expired"
    r = api.post(f"/v1/_sandbox/payments/{payment['payment_id']}/complete", {}, 409)
    assert error_of(r)["code"] == "payment_expired"
    assert error_of(api.get("/v1/payments/PAY-NOPE", expect=404))["code"] == "payment_not_found"
    r = api.post("/v1/payments", {"patient_id": pid, "amount_fen": 0, "purpose": "settlement"},
                 422)
    assert error_of(r)["code"] == "invalid_request"


def test_control_api_is_off_by_default(tmp_path):
    with EmbeddedSandbox(tmp_path / "p.sqlite") as plain, \
            SignedClient(plain.url, plain.terminal_id, plain.secret) as client:
        for method, path in (("GET", "/v1/_sandbox/clock"),
                             ("POST", "/v1/_sandbox/clock"),
                             ("POST", "/v1/_sandbox/payments/PAY1/complete"),
                             ("POST", "/v1/_sandbox/disputes/DSP1/resolve")):
            body = {"advance_s": 60} if path.endswith("clock") and method == "POST" else {}
            r = client.request(method, path, json=None if method == "GET" else body,
                               headers={"Idempotency-Key": "k"})
            assert r.status_code == 404 and error_of(r)["code"] == "not_found", path
