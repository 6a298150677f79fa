"""The credit platform's steps of the settlement saga over HTTP: a hold of the line, its booking with the
bill details and the insurance settlement, its release, a booking voided (issue 12)."""
from __future__ import annotations

import re

import pytest

from tests.sandbox_fixtures import Api, error_of

CITIES = ["xiamen", "hangzhou"]
ITEMS = [{"code": "GH002", "name": "副主任医师门诊诊查费", "cnt": "1", "pric_fen": 2500, "amount_fen": 2500,
          "med_chrgitm_type": "02", "chrgitm_lv": "01"},
         {"code": "XY103", "name": "苯磺酸氨氯地平片 5mg×28片", "cnt": "2", "pric_fen": 3120, "amount_fen": 6240,
          "med_chrgitm_type": "09", "chrgitm_lv": "01"}]
TOTAL = 8740  # the two items


def hold(api: Api, role: str, amount: int, bills=("MZV000003",), expect: int = 200, kind="outpatient") -> dict:
    who = api.who(role)
    return api.post("/v1/holds", {"patient_id": who["patient_id"], "account_id": who["account_id"], "kind": kind,
                                  "amount_fen": amount, "his_bill_ids": list(bills)}, expect)


def book_body(*, fund: int, account: int = 0, paid_now: int = 0, bills=None, setl="S0001", **extra) -> dict:
    bills = bills if bills is not None else [{"his_bill_id": "MZV000003", "visit_id": "V000003", "setl_id": setl,
                                              "total_fen": TOTAL, "items": ITEMS}]
    return {"setl_ids": [setl] if setl else [], "total_fen": sum(b["total_fen"] for b in bills), "fund_fen": fund,
            "account_pay_fen": account, "paid_now_fen": paid_now, "bills": bills, **extra}


@pytest.mark.parametrize("sandbox_control", CITIES, indirect=True)
def test_a_hold_reserves_the_line_and_its_booking_becomes_the_bill(sandbox_control, api: Api):
    who = api.who("tier3")
    before = api.account(who["account_id"])
    held = hold(api, "tier3", 5000)
    assert held["status"] == "held" and re.fullmatch(r"HLD[0-9A-F]{16}", held["hold_id"])
    assert held["available_fen"] == before["available_fen"] - 5000
    assert api.account(who["account_id"])["used_fen"] == before["used_fen"] + 5000
    assert api.bills(who["account_id"]) == []  # nothing owed yet

    # 8740 = fund 3000 + personal 5740 (account 740 + the hold 5000)
    booked = api.post(f"/v1/holds/{held['hold_id']}/book", book_body(fund=3000, account=740))
    assert booked["status"] == "booked" and re.fullmatch(r"ST\d{14}", booked["reference"])
    assert (booked["total_fen"], booked["fund_fen"], booked["personal_fen"], booked["booked_fen"]) == \
        (TOTAL, 3000, 5740, 5000)
    assert booked["setl_ids"] == ["S0001"] and booked["bills"][0]["items"][1]["cnt"] == "2"
    after = api.account(who["account_id"])
    assert after["used_fen"] == before["used_fen"] + 5000  # the hold's room became the bill's, not twice
    [bill] = api.bills(who["account_id"])
    assert bill["amount_fen"] == 5000 and bill["visit_id"] == "V000003" and bill["due_at"] == booked["due_at"]
    assert bill["settlement_id"] == booked["booking_id"]
    assert api.get(f"/v1/holds/{held['hold_id']}")["status"] == "booked"
    day = api.get("/v1/bookings")
    assert [b["booking_id"] for b in day["bookings"]] == [booked["booking_id"]]
    # settled on the platform's ledger like any settlement: the reconciliation counts it
    totals = api.get("/v1/reconciliation")["totals"]["settlement"]
    assert (totals["count"], totals["credit_fen"]) == (1, 5000)

    again = api.post(f"/v1/holds/{held['hold_id']}/book", book_body(fund=3000, account=740), expect=409)
    assert error_of(again)["code"] == "hold_already_booked"
    refused = api.post(f"/v1/holds/{held['hold_id']}/release", {}, expect=409)
    assert error_of(refused)["code"] == "hold_booked"


def test_a_released_hold_gives_the_room_back_once_and_cannot_be_booked(api: Api):
    who = api.who("tier2")
    before = api.account(who["account_id"])
    held = hold(api, "tier2", 3000)
    key = "release-1"
    released = api.post(f"/v1/holds/{held['hold_id']}/release", {}, key=key)
    assert released["status"] == "released"
    assert api.account(who["account_id"]) == before
    assert api.post(f"/v1/holds/{held['hold_id']}/release", {}, key=key) == released  # the same answer
    assert api.post(f"/v1/holds/{held['hold_id']}/release", {})["status"] == "released"  # a new key: the same
    assert api.account(who["account_id"]) == before  # never given back twice
    r = api.post(f"/v1/holds/{held['hold_id']}/book", book_body(fund=5740, account=0), expect=409)
    assert error_of(r)["code"] == "hold_released"


def test_a_hold_is_all_or_nothing_and_keeps_the_platforms_rules(api: Api):
    who = api.who("shortline")
    available = api.account(who["account_id"])["available_fen"]
    r = hold(api, "shortline", available + 1, bills=("MZV000010",), expect=409)
    assert error_of(r)["code"] == "insufficient_line"
    assert error_of(r)["details"] == {"available_fen": available, "amount_fen": available + 1}
    r = hold(api, "arrears", 100, bills=("MZV000006",), expect=403)
    assert error_of(r)["code"] == "account_suspended"
    r = hold(api, "tier1", 100, bills=("A", "A"), expect=422)
    assert error_of(r)["code"] == "duplicate_bill"
    r = api.post("/v1/holds/HLD0000000000000000/release", {}, expect=404)
    assert error_of(r)["code"] == "hold_not_found"


def test_a_booking_must_add_up_and_name_the_bills_held(api: Api):
    held = hold(api, "tier3", 5000)
    path = f"/v1/holds/{held['hold_id']}/book"
    r = api.post(path, book_body(fund=3000, account=0), expect=422)  # 8740 - 3000 = 5740 is not 5000
    assert error_of(r)["code"] == "amount_mismatch"
    other = [{"his_bill_id": "MZV000099", "total_fen": TOTAL, "items": ITEMS}]
    r = api.post(path, book_body(fund=3000, account=740, bills=other), expect=422)
    assert error_of(r)["code"] == "bills_mismatch"
    wrong = [{"his_bill_id": "MZV000003", "total_fen": TOTAL + 1, "items": ITEMS}]
    r = api.post(path, book_body(fund=3001, account=740, bills=wrong), expect=422)
    assert error_of(r)["code"] == "amount_mismatch"
    assert api.get(f"/v1/holds/{held['hold_id']}")["status"] == "held"  # refusals booked nothing


def test_a_voided_booking_owes_nothing_and_leaves_the_bill_list(api: Api):
    who = api.who("tier3")
    before = api.account(who["account_id"])
    held = hold(api, "tier3", 5740)
    booked = api.post(f"/v1/holds/{held['hold_id']}/book", book_body(fund=3000, paid_now=0))
    voided = api.post(f"/v1/bookings/{booked['booking_id']}/void", {})
    assert voided["status"] == "voided" and voided["voided_at"]
    assert api.account(who["account_id"]) == before
    assert api.bills(who["account_id"]) == []
    assert api.post(f"/v1/bookings/{booked['booking_id']}/void", {}) == voided  # again: the same
    assert api.account(who["account_id"]) == before
    [listed] = api.get("/v1/bookings")["bookings"]
    assert listed["status"] == "voided"
    void = api.get("/v1/reconciliation")["totals"]["void"]
    assert (void["count"], void["credit_fen"]) == (1, 5740)


def test_a_booking_repaid_on_cannot_be_voided(api: Api):
    who = api.who("tier3")
    held = hold(api, "tier3", 5740)
    booked = api.post(f"/v1/holds/{held['hold_id']}/book", book_body(fund=3000))
    api.desk.present("tier3")
    api.desk.post("/v1/repayments", {"account_id": who["account_id"], "amount_fen": 100, "channel": "cash"})
    r = api.post(f"/v1/bookings/{booked['booking_id']}/void", {}, expect=409)
    assert error_of(r)["code"] == "booking_in_use"


def test_a_discharge_of_300_items_is_booked_with_its_details(api: Api):
    lines = [{"code": "CW001", "name": "普通病房床位费(三人间)", "cnt": "1", "pric_fen": 4500, "amount_fen": 4500,
              "med_chrgitm_type": "01", "chrgitm_lv": "01"}] * 300
    total = 4500 * 300
    held = hold(api, "inpatient", 200_000, bills=("ZYA000001",), kind="inpatient")
    body = book_body(fund=total - 200_000, bills=[{"his_bill_id": "ZYA000001", "setl_id": "S0002", "total_fen": total,
                                                   "items": lines}], setl="S0002")
    booked = api.post(f"/v1/holds/{held['hold_id']}/book", body)
    assert re.fullmatch(r"ZY\d{14}", booked["reference"]) and len(booked["bills"][0]["items"]) == 300
    assert api.get("/v1/reconciliation")["totals"]["discharge"]["credit_fen"] == 200_000
