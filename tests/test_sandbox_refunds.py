"""Refunds go back to the credit-care account first (000 art. 17: 医疗机构应将就医款项先退还至用户的
信用就医账户), over HTTP against the sandbox, under both city profiles.

The part of a settlement booked on credit goes first: off its own bill's debt, then the
account's other open bills (oldest due first, a linked minor's too: the account's), and what is
left is the account's balance, which the financial institution returns to the patient. The
hospital pays out no cash. Only beyond the part on credit does the part paid by phone go back
through the payment channel. Every figure expected here is worked out by the test from the
amounts it booked, repaid and refunded itself.
"""
from __future__ import annotations

import pytest

from tests.sandbox_fixtures import Api, error_of

CITIES = ["xiamen", "hangzhou"]
DAY = 86_400


def settle(api: Api, role: str, visit_ids: list[str], payment_id: str | None = None) -> dict:
    who = api.who(role)
    body = {"patient_id": who["patient_id"], "account_id": who["account_id"], "visit_ids": visit_ids}
    if payment_id:
        body["payment_id"] = payment_id
    return api.post("/v1/settlements", body)


def settle_open(api: Api, role: str, index: int = 0) -> dict:
    visit = api.open_visits(api.who(role)["patient_id"])[index]
    return settle(api, role, [visit["visit_id"]])


def refund(api: Api, settlement_id: str, amount_fen: int, expect: int = 200, **extra) -> dict:
    body = {"settlement_id": settlement_id, "amount_fen": amount_fen, "reason": "退药", **extra}
    if amount_fen > 20_000 and expect == 200:  # above the desk's limit: a supervisor approves this one
        body["approval_id"] = api.desk.approval(settlement_id, amount_fen)
    return api.desk.post("/v1/refunds", body, expect)


def repay(api: Api, account_id: str, amount_fen: int, bill_ids: list[str] | None = None) -> dict:
    body = {"account_id": account_id, "amount_fen": amount_fen, "channel": "cash"}
    if bill_ids:
        body["bill_ids"] = bill_ids
    return api.desk.post("/v1/repayments", body)


def bill_of(api: Api, account_id: str, settlement_id: str) -> dict:
    return next(b for b in api.bills(account_id) if b["settlement_id"] == settlement_id)


def ledger(api: Api, reference: str) -> dict:
    day = api.desk.get("/v1/reconciliation")
    [entry] = [e for e in day["entries"] if e["reference"] == reference]
    return entry


@pytest.mark.parametrize("sandbox_control", CITIES, indirect=True)
def test_a_refund_equal_to_the_bills_debt_clears_it(sandbox_control, api: Api):
    who = api.who("tier1")
    done = settle_open(api, "tier1")
    repay(api, who["account_id"], 1_000)
    owed = done["booked_fen"] - 1_000
    before = api.account(who["account_id"])

    back = refund(api, done["settlement_id"], owed)
    assert (back["to_credit_fen"], back["to_bill_fen"], back["to_other_bills_fen"], back["to_balance_fen"],
            back["to_channel_fen"]) == (owed, owed, 0, 0, 0)
    assert back["allocations"] == [] and back["channel"] is None and back["fund_fen"] == 0
    bill = bill_of(api, who["account_id"], done["settlement_id"])
    assert (bill["status"], bill["outstanding_fen"], bill["paid_fen"], bill["refunded_fen"]) == \
        ("paid", 0, 1_000, owed)
    after = api.account(who["account_id"])
    assert after["used_fen"] == before["used_fen"] - owed == 0
    assert after["available_fen"] == after["line_fen"]
    assert {k: ledger(api, back["reference"])[k] for k in ("credit_fen", "channel_fen", "cash_fen")} == \
        {"credit_fen": owed, "channel_fen": 0, "cash_fen": 0}


@pytest.mark.parametrize("sandbox_control", CITIES, indirect=True)
def test_beyond_the_bill_the_other_bills_are_paid_oldest_first_then_the_balance(sandbox_control, api: Api):
    """tier3: a credit registration for a later session (due last), then two visits settled one
    after the other (the first settled is due no later than the second: the seed's visits can end
    either side of midnight in the small hours); the second is repaid in full, and refunding it
    frees money the patient paid."""
    who = api.who("tier3")
    session = api.get("/v1/departments/D01/sessions", days=3)["sessions"][-1]
    registration = api.post("/v1/registrations", {"session_id": session["session_id"],
                                                  "patient_id": who["patient_id"], "pay": "credit"})
    fee = registration["booked_fen"]
    first = settle_open(api, "tier3", 0)
    second = settle_open(api, "tier3", 0)
    latest = bill_of(api, who["account_id"], second["settlement_id"])
    repay(api, who["account_id"], second["booked_fen"], [latest["bill_id"]])
    bills = {b["settlement_id"]: b for b in api.bills(who["account_id"])}
    older, youngest = bills[first["settlement_id"]], bills[registration["settlement_id"]]
    assert older["due_at"] < youngest["due_at"] and older["created_at"] <= latest["created_at"]
    used = api.account(who["account_id"])["used_fen"]
    assert used == fee + first["booked_fen"]

    amount = first["booked_fen"] + 500  # all of the first visit's bill, then some of the registration's
    assert amount <= second["booked_fen"] and 500 < fee
    back = refund(api, second["settlement_id"], amount)
    assert (back["to_credit_fen"], back["to_bill_fen"], back["to_other_bills_fen"], back["to_balance_fen"]) == \
        (amount, 0, amount, 0)
    assert [(a["bill_id"], a["amount_fen"], a["outstanding_fen"]) for a in back["allocations"]] == [
        (older["bill_id"], first["booked_fen"], 0), (youngest["bill_id"], 500, fee - 500)]
    assert [a["reference"] for a in back["allocations"]] == [first["reference"], registration["reference"]]
    assert back["account"]["used_fen"] == used - amount
    after = {b["settlement_id"]: b for b in api.bills(who["account_id"])}
    assert after[first["settlement_id"]]["status"] == "paid"
    assert after[registration["settlement_id"]]["outstanding_fen"] == fee - 500
    refunded = after[second["settlement_id"]]
    assert (refunded["paid_fen"], refunded["refunded_fen"], refunded["outstanding_fen"]) == \
        (second["booked_fen"] - amount, amount, 0)

    # The rest of what was repaid on it: the registration's bill, then the balance.
    rest = second["booked_fen"] - amount
    back = refund(api, second["settlement_id"], rest)
    to_registration = min(rest, fee - 500)
    assert (back["to_bill_fen"], back["to_other_bills_fen"], back["to_balance_fen"]) == \
        (0, to_registration, rest - to_registration)
    # Money the patient paid is where it went: on bills still, or returned by the institution.
    bills_now = api.bills(who["account_id"])
    assert sum(b["paid_fen"] for b in bills_now) + back["to_balance_fen"] == second["booked_fen"]
    assert sum(b["refunded_fen"] for b in bills_now) == second["booked_fen"]


@pytest.mark.parametrize("sandbox_control", CITIES, indirect=True)
def test_the_minors_bills_on_the_guardians_line_are_the_accounts(sandbox_control, api: Api):
    guardian, minor = api.who("tier2"), api.who("minor")
    assert minor["account_id"] == guardian["account_id"]
    childs = settle_open(api, "minor")
    own = settle_open(api, "tier2")
    own_bill = bill_of(api, guardian["account_id"], own["settlement_id"])
    repay(api, guardian["account_id"], own["booked_fen"], [own_bill["bill_id"]])

    back = refund(api, own["settlement_id"], 2_000)
    child_bill = bill_of(api, guardian["account_id"], childs["settlement_id"])
    assert [(a["bill_id"], a["amount_fen"]) for a in back["allocations"]] == [(child_bill["bill_id"], 2_000)]
    assert child_bill["patient_id"] == minor["patient_id"]
    assert (child_bill["paid_fen"], child_bill["outstanding_fen"]) == (2_000, childs["booked_fen"] - 2_000)


@pytest.mark.parametrize("sandbox_control", CITIES, indirect=True)
def test_after_full_repayment_all_of_it_is_balance_and_no_cash_leaves(sandbox_control, api: Api):
    who = api.who("tier1")
    done = settle_open(api, "tier1")
    repay(api, who["account_id"], done["booked_fen"])
    back = refund(api, done["settlement_id"], 1_234)
    assert (back["to_credit_fen"], back["to_bill_fen"], back["to_other_bills_fen"], back["to_balance_fen"],
            back["to_channel_fen"]) == (1_234, 0, 0, 1_234, 0)
    bill = bill_of(api, who["account_id"], done["settlement_id"])
    assert (bill["paid_fen"], bill["refunded_fen"], bill["status"]) == (done["booked_fen"] - 1_234, 1_234, "paid")
    assert back["account"]["used_fen"] == 0
    entry = ledger(api, back["reference"])
    assert (entry["credit_fen"], entry["channel_fen"], entry["cash_fen"]) == (1_234, 0, 0)


@pytest.mark.parametrize("sandbox_control", CITIES, indirect=True)
def test_two_partial_refunds_of_one_bill_and_the_limit(sandbox_control, api: Api):
    who = api.who("tier1")
    done = settle_open(api, "tier1")
    booked = done["booked_fen"]
    first = refund(api, done["settlement_id"], 500)
    assert (first["to_bill_fen"], first["to_balance_fen"]) == (500, 0)
    repay(api, who["account_id"], booked - 500)
    second = refund(api, done["settlement_id"], 700)
    assert (second["to_bill_fen"], second["to_other_bills_fen"], second["to_balance_fen"]) == (0, 0, 700)
    bill = bill_of(api, who["account_id"], done["settlement_id"])
    assert (bill["refunded_fen"], bill["paid_fen"], bill["refundable_fen"]) == (1_200, booked - 1_200, booked - 1_200)

    # More than what was paid on the bill, less what was refunded: refused, nothing moves.
    before_account, before_bill = api.account(who["account_id"]), bill
    entries = len(api.desk.get("/v1/reconciliation")["entries"])
    r = api.desk.post("/v1/refunds", {"settlement_id": done["settlement_id"], "amount_fen": booked - 1_200 + 1,
                                      "reason": "too much"}, 409)
    assert error_of(r)["code"] == "refund_exceeds"
    assert error_of(r)["details"] == {"refundable_fen": booked - 1_200, "fund_refundable_fen": done["fund_fen"]}
    assert api.account(who["account_id"]) == before_account
    assert bill_of(api, who["account_id"], done["settlement_id"]) == before_bill
    assert len(api.desk.get("/v1/reconciliation")["entries"]) == entries
    last = refund(api, done["settlement_id"], booked - 1_200)
    assert last["to_balance_fen"] == booked - 1_200
    assert bill_of(api, who["account_id"], done["settlement_id"])["refundable_fen"] == 0
    r = api.desk.post("/v1/refunds", {"settlement_id": done["settlement_id"], "amount_fen": 1,
                                      "reason": "again"}, 409)
    assert error_of(r)["details"]["refundable_fen"] == 0
    r = api.desk.post("/v1/refunds", {"settlement_id": "STL-NOPE", "amount_fen": 1, "reason": "x"}, 404)
    assert error_of(r)["code"] == "settlement_not_found"


@pytest.mark.parametrize("sandbox_control", CITIES, indirect=True)
def test_the_part_paid_by_phone_goes_back_to_the_channel_only_after_the_credit_part(sandbox_control, api: Api):
    """shortline: ￥50.00 on the line, the rest paid by phone. The fund part is only recorded."""
    who = api.who("shortline")
    [visit] = api.open_visits(who["patient_id"])
    shortfall = visit["personal_fen"] - 5_000
    done = settle(api, "shortline", [visit["visit_id"]], api.paid(who["patient_id"], shortfall, "settlement"))
    assert (done["booked_fen"], done["paid_fen"]) == (5_000, shortfall)

    back = refund(api, done["settlement_id"], 6_000, fund_fen=3_000)
    assert (back["to_credit_fen"], back["to_bill_fen"], back["to_channel_fen"], back["channel"]) == \
        (5_000, 5_000, 1_000, "payment_channel")
    assert back["fund_fen"] == 3_000
    entry = ledger(api, back["reference"])
    assert (entry["credit_fen"], entry["channel_fen"], entry["cash_fen"], entry["amount_fen"]) == \
        (5_000, 1_000, 0, 6_000)  # the fund part is not the patient's money: not in the day's columns
    r = api.desk.post("/v1/refunds", {"settlement_id": done["settlement_id"], "amount_fen": 1, "reason": "x",
                                      "fund_fen": done["fund_fen"] - 3_000 + 1}, 409)
    assert error_of(r)["details"] == {"refundable_fen": shortfall - 1_000,
                                      "fund_refundable_fen": done["fund_fen"] - 3_000}
    rest = refund(api, done["settlement_id"], shortfall - 1_000)
    assert (rest["to_credit_fen"], rest["to_channel_fen"]) == (0, shortfall - 1_000)


@pytest.mark.parametrize("sandbox_control", CITIES, indirect=True)
def test_a_settlement_paid_all_by_phone_is_refunded_to_the_phone(sandbox_control, api: Api):
    who = api.who("nocredit")
    [visit] = api.open_visits(who["patient_id"])
    payment = api.paid(who["patient_id"], visit["personal_fen"], "settlement")
    done = api.post("/v1/settlements", {"patient_id": who["patient_id"], "account_id": None,
                                        "visit_ids": [visit["visit_id"]], "payment_id": payment})
    back = refund(api, done["settlement_id"], 800)
    assert (back["to_credit_fen"], back["to_channel_fen"], back["account"]) == (0, 800, None)


@pytest.mark.parametrize("sandbox_control", ["hangzhou"], indirect=True)
def test_hangzhou_a_refund_that_clears_the_overdue_debt_restores_the_service(sandbox_control, api: Api):
    """001: paying at any time restores the service (and insurance settlement); a refund that
    takes the last overdue debt off does the same, in the same answer."""
    who = api.who("arrears")
    account = api.account(who["account_id"])
    assert (account["status"], account["dishonest"]) == ("suspended", True)
    [bill] = [b for b in api.bills(who["account_id"]) if b["status"] == "overdue"]

    part = refund(api, bill["settlement_id"], 1_000)
    assert part["restored"] is False and part["account"]["status"] == "suspended"
    assert part["account"]["dishonest"] is True and part["account"]["overdue_fen"] == bill["outstanding_fen"] - 1_000

    rest = refund(api, bill["settlement_id"], bill["outstanding_fen"] - 1_000)
    assert rest["restored"] is True and rest["to_bill_fen"] == bill["outstanding_fen"] - 1_000
    assert (rest["account"]["status"], rest["account"]["dishonest"], rest["account"]["overdue_fen"]) == \
        ("active", False, 0)
    assert api.account(who["account_id"])["status"] == "active"
    # Insurance real-time settlement is back too: the patient's open visit settles on the line.
    settle_open(api, "arrears")


@pytest.mark.parametrize("sandbox_control", ["xiamen"], indirect=True)
def test_xiamen_a_refund_that_clears_the_overdue_debt_restores_the_service(sandbox_control, api: Api):
    who = api.who("arrears")
    assert api.account(who["account_id"])["status"] == "suspended"
    [bill] = [b for b in api.bills(who["account_id"]) if b["status"] == "overdue"]
    back = refund(api, bill["settlement_id"], bill["outstanding_fen"])
    assert back["restored"] is True and back["account"]["status"] == "active"
    assert back["account"]["reminders"] == 0


def test_an_earlier_sandbox_file_gains_the_refund_parts(tmp_path):
    """A database of a sandbox from before refunds had parts: its refunds took all their credit
    part off their own bill, and say so after the upgrade."""
    import sqlite3

    from sandbox.store import Store, schema

    path = tmp_path / "earlier.sqlite"
    conn = sqlite3.connect(path)
    schema.create(conn)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
    conn.execute("INSERT INTO refunds (refund_id, reference, settlement_id, amount_fen, to_credit_fen, to_channel_fen, "
                 "operator_id, reason, created_at) VALUES ('RFD1', 'TK1', 'STL1', 900, 700, 200, '1001', 'x', "
                 "'2026-12-01T09:00:00+08:00')")
    conn.commit()
    conn.close()
    with Store(path) as store, store.snapshot() as db:
        row = db.execute("SELECT * FROM refunds").fetchone()
        assert (row["to_bill_fen"], row["to_other_bills_fen"], row["to_balance_fen"], row["fund_fen"]) == (700, 0, 0, 0)
        assert db.execute("SELECT COUNT(*) FROM refund_allocations").fetchone()[0] == 0
