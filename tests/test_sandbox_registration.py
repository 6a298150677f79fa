"""Credit registration over HTTP: departments, sessions, registering on credit or through
the payment channel, full sessions, cancelling before (not after) the start."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.domain.clock import BUSINESS_TZ, business_date
from tests.sandbox_fixtures import Api, error_of


def sessions(api: Api, department_id: str = "D01", days: int = 3) -> list[dict]:
    return api.get(f"/v1/departments/{department_id}/sessions", days=days)["sessions"]


def future_session(api: Api, *, slots: int | None = None) -> dict:
    """The first session of the coming week that has not started (optionally: of a size)."""
    now = datetime.fromisoformat(api.now())
    for department in api.get("/v1/departments")["departments"]:
        for s in sessions(api, department["department_id"], days=7):
            if datetime.fromisoformat(s["starts_at"]) > now and (
                    slots is None or s["slots_total"] == slots):
                return s
    raise AssertionError("no session found")


def register(api: Api, role: str, session: dict, pay: str = "credit", expect=200,
             payment_id: str | None = None) -> dict:
    body = {"session_id": session["session_id"], "patient_id": api.who(role)["patient_id"],
            "pay": pay}
    if payment_id:
        body["payment_id"] = payment_id
    return api.post("/v1/registrations", body, expect)


def test_departments_and_sessions(api: Api):
    departments = api.get("/v1/departments")["departments"]
    assert len(departments) >= 6
    assert all(d["name"] and d["name_en"] for d in departments)
    now = datetime.fromisoformat(api.now())
    found = sessions(api, "D01", days=3)
    assert found == sessions(api, "D01", days=3)  # deterministic
    assert found, "general practice opens every day, holidays included (AM)"
    days = {business_date(now) + timedelta(days=i) for i in range(3)}
    for s in found:
        assert datetime.fromisoformat(s["date"] + "T00:00:00+08:00").date() in days
        assert datetime.fromisoformat(s["ends_at"]) > now  # finished sessions left out
        assert s["period"] in ("AM", "PM") and s["starts_at"] < s["ends_at"]
        assert s["fee_fen"] in (1000, 2500, 4000) and 0 <= s["slots_left"] <= s["slots_total"]
        assert s["starts_at"].endswith("+08:00")
    week = sessions(api, "D01", days=7)
    assert len(week) > len(found)
    assert error_of(api.get("/v1/departments/D99/sessions", expect=404))["code"] == \
        "department_not_found"
    assert error_of(api.get("/v1/departments/D01/sessions", expect=422, days=8))["code"] == \
        "invalid_request"


def test_register_on_credit_books_the_fee(api: Api):
    session = future_session(api)
    who = api.who("tier1")
    before = api.account(who["account_id"])
    done = register(api, "tier1", session)
    fee = session["fee_fen"]
    assert done["status"] == "booked" and done["queue_number"] == 1
    assert done["fee_fen"] == done["booked_fen"] == fee and done["paid_fen"] == 0
    assert done["reference"].startswith("GH")
    assert done["session"]["slots_left"] == session["slots_left"] - 1
    assert done["account"]["used_fen"] == before["used_fen"] + fee
    assert done["account"]["available_fen"] == before["available_fen"] - fee
    [bill] = api.bills(who["account_id"])
    assert bill["kind"] == "registration" and bill["registration_id"] == done["registration_id"]
    assert bill["amount_fen"] == fee and bill["due_at"] == done["due_at"]
    assert bill["visit_id"] is None and bill["status"] == "due"
    listed = api.get(f"/v1/patients/{who['patient_id']}/registrations", status="booked")
    assert [r["registration_id"] for r in listed["registrations"]] == [done["registration_id"]]
    again = register(api, "tier1", session, expect=409)
    assert error_of(again)["code"] == "already_registered"
    assert register(api, "tier2", session)["queue_number"] == 2


def test_registration_refusals_by_account_state(sandbox_control, api: Api):
    session = future_session(api)
    r = register(api, "nocredit", session, expect=409)
    assert error_of(r)["code"] == "no_credit_service"
    r = register(api, "arrears", session, expect=403)
    assert error_of(r)["code"] == "account_suspended"
    with sandbox_control.store.transaction() as conn:  # tier1's line used up
        conn.execute("UPDATE accounts SET used_fen = line_fen WHERE account_id = 'CA000001'")
    r = register(api, "tier1", session, expect=409)
    assert error_of(r)["code"] == "repay_first"
    with sandbox_control.store.transaction() as conn:  # 5 fen left: less than the fee
        conn.execute("UPDATE accounts SET used_fen = line_fen - 5 WHERE account_id = 'CA000001'")
    r = register(api, "tier1", session, expect=409)
    assert error_of(r)["code"] == "insufficient_line"
    assert error_of(r)["details"] == {"available_fen": 5, "amount_fen": session["fee_fen"]}
    r = api.post("/v1/registrations", {"session_id": "S20990101D99AM1",
                                       "patient_id": "P000001", "pay": "credit"}, 404)
    assert error_of(r)["code"] == "session_not_found"


def test_channel_registration_needs_a_completed_payment(api: Api):
    session = future_session(api)
    who = api.who("nocredit")
    fee = session["fee_fen"]
    r = register(api, "nocredit", session, pay="channel", expect=409)
    assert error_of(r)["code"] == "payment_not_completed"
    pending = api.post("/v1/payments", {"patient_id": who["patient_id"], "amount_fen": fee,
                                        "purpose": "registration"})
    assert pending["qr_payload"] == f"ccpay://pay?id={pending['payment_id']}&amount={fee}"
    r = register(api, "nocredit", session, pay="channel", payment_id=pending["payment_id"],
                 expect=409)
    assert error_of(r)["code"] == "payment_not_completed"
    wrong = api.paid(who["patient_id"], fee + 1, "registration")
    r = register(api, "nocredit", session, pay="channel", payment_id=wrong, expect=409)
    assert error_of(r)["code"] == "payment_not_completed"
    other_purpose = api.paid(who["patient_id"], fee, "settlement")
    r = register(api, "nocredit", session, pay="channel", payment_id=other_purpose, expect=409)
    assert error_of(r)["code"] == "payment_mismatch"

    payment = api.paid(who["patient_id"], fee, "registration")
    done = register(api, "nocredit", session, pay="channel", payment_id=payment)
    assert done["paid_fen"] == fee and done["booked_fen"] == 0
    assert done["account"] is None and done["due_at"] is None
    assert api.get(f"/v1/payments/{payment}")["used"] is True
    r = register(api, "tier1", session, pay="channel", payment_id=payment, expect=409)
    assert error_of(r)["code"] == "payment_already_used"


def test_a_full_session_refuses_more(api: Api):
    session = future_session(api, slots=2)  # an expert clinic: two slots
    register(api, "tier1", session)
    register(api, "tier2", session)
    r = register(api, "tier3", session, expect=409)
    assert error_of(r)["code"] == "session_full"
    assert sessions(api, session["department_id"], 7) and next(
        s for s in sessions(api, session["department_id"], 7)
        if s["session_id"] == session["session_id"])["slots_left"] == 0


def test_cancel_returns_the_fee_to_the_line_or_the_channel(api: Api):
    session = future_session(api)
    who = api.who("tier3")
    before = api.account(who["account_id"])
    done = register(api, "tier3", session)
    cancelled = api.post(f"/v1/registrations/{done['registration_id']}/cancel", {})
    assert cancelled["status"] == "cancelled"
    assert cancelled["returned_to_line_fen"] == session["fee_fen"]
    assert cancelled["refunded_to_channel_fen"] == 0
    assert cancelled["account"]["used_fen"] == before["used_fen"]
    assert cancelled["account"]["available_fen"] == before["available_fen"]
    [bill] = api.bills(who["account_id"])
    assert bill["outstanding_fen"] == 0 and bill["refunded_fen"] == session["fee_fen"]
    assert bill["status"] == "paid"
    r = api.post(f"/v1/registrations/{done['registration_id']}/cancel", {}, 409)
    assert error_of(r)["code"] == "already_cancelled"
    assert register(api, "tier3", session)["queue_number"] == 2  # may book again

    payer = api.who("nocredit")["patient_id"]
    payment = api.paid(payer, session["fee_fen"], "registration")
    channel = register(api, "nocredit", session, pay="channel", payment_id=payment)
    back = api.post(f"/v1/registrations/{channel['registration_id']}/cancel", {})
    assert back["refunded_to_channel_fen"] == session["fee_fen"]
    assert back["returned_to_line_fen"] == 0 and back["account"] is None


def test_too_late_to_cancel_once_the_session_started(api: Api):
    session = future_session(api)
    done = register(api, "tier4", session)
    start = datetime.fromisoformat(session["starts_at"])
    api.set_clock((start - timedelta(seconds=1)).isoformat())
    api.set_clock(start.isoformat())
    api.present("tier4")  # back at the kiosk (a cancelling needs the patient present: sandbox/authority.py)
    r = api.post(f"/v1/registrations/{done['registration_id']}/cancel", {}, 409)
    assert error_of(r)["code"] == "too_late"
    assert api.get(f"/v1/patients/{api.who('tier4')['patient_id']}/registrations",
                   )["registrations"][0]["status"] == "booked"


@pytest.mark.parametrize("sandbox_control", [
    {"city": "xiamen", "start_at": datetime(2026, 10, 4, 9, 0, tzinfo=BUSINESS_TZ)}],
    indirect=True)
def test_holidays_open_only_the_clinics_that_open_on_days_off(api: Api):
    # 4 Oct 2026 is inside the National Day holiday.
    assert [s["department_id"] for s in sessions(api, "D03", days=1)] == []
    assert sessions(api, "D05", days=1)  # paediatrics opens on days off
    # 10 Oct 2026 is a make-up Saturday: the Monday template applies.
    week = sessions(api, "D03", days=7)
    assert any(s["date"] == "2026-10-10" for s in week)


# -- cancelling a registration repaid already: the fee to the credit account, not the channel ------

def repay_cash(api: Api, account_id: str, amount_fen: int, bill_ids: list[str]) -> dict:
    return api.desk.post("/v1/repayments", {"account_id": account_id, "amount_fen": amount_fen,
                                            "channel": "cash", "bill_ids": bill_ids})


def registration_bill(api: Api, account_id: str, registration_id: str) -> dict:
    return next(b for b in api.bills(account_id) if b["registration_id"] == registration_id)


def cancel_entry(api: Api, reference: str) -> dict:
    """The kiosk's reconciliation ledger entry of the cancellation."""
    [entry] = [e for e in api.get("/v1/reconciliation")["entries"]
               if e["reference"] == reference and e["kind"] == "registration_cancel"]
    return {k: entry[k] for k in ("credit_fen", "channel_fen", "cash_fen")}


@pytest.mark.parametrize("sandbox_control", ["xiamen", "hangzhou"], indirect=True)
def test_cancelling_a_repaid_registration_pays_the_accounts_other_bills_then_the_balance(sandbox_control,
                                                                                        api: Api):
    """Xiamen 000 art. 17 (医疗机构应将就医款项先退还至用户的信用就医账户): the fee repaid in cash goes
    to the credit account, paying its other open bill; nothing goes out through the channel."""
    who = api.who("tier3")
    done = register(api, "tier3", future_session(api))
    fee = done["booked_fen"]
    visit = api.open_visits(who["patient_id"])[0]
    settled = api.post("/v1/settlements", {"patient_id": who["patient_id"], "account_id": who["account_id"],
                                           "visit_ids": [visit["visit_id"]]})
    other = next(b for b in api.bills(who["account_id"]) if b["settlement_id"] == settled["settlement_id"])
    repay_cash(api, who["account_id"], fee, [registration_bill(api, who["account_id"], done["registration_id"])
                                            ["bill_id"]])
    used = api.account(who["account_id"])["used_fen"]
    assert used == other["amount_fen"] and fee < other["amount_fen"]

    back = api.post(f"/v1/registrations/{done['registration_id']}/cancel", {})
    assert (back["returned_to_line_fen"], back["to_bill_fen"], back["to_other_bills_fen"], back["to_balance_fen"],
            back["refunded_to_channel_fen"]) == (fee, 0, fee, 0, 0)
    assert [(a["bill_id"], a["amount_fen"], a["outstanding_fen"]) for a in back["allocations"]] == \
        [(other["bill_id"], fee, other["amount_fen"] - fee)]
    assert back["account"]["used_fen"] == used - fee
    bill = registration_bill(api, who["account_id"], done["registration_id"])
    assert (bill["paid_fen"], bill["refunded_fen"], bill["outstanding_fen"]) == (0, fee, 0)
    assert cancel_entry(api, done["reference"]) == {"credit_fen": fee, "channel_fen": 0, "cash_fen": 0}


@pytest.mark.parametrize("sandbox_control", ["xiamen", "hangzhou"], indirect=True)
def test_cancelling_a_partly_repaid_registration_with_nothing_else_owed(sandbox_control, api: Api):
    """tier1 owes nothing else: the unpaid part comes off the registration's bill, the part repaid
    is the account's balance, which the financial institution returns."""
    who = api.who("tier1")
    assert all(b["outstanding_fen"] == 0 for b in api.bills(who["account_id"]))
    done = register(api, "tier1", future_session(api))
    fee = done["booked_fen"]
    repaid = 300
    repay_cash(api, who["account_id"], repaid, [registration_bill(api, who["account_id"], done["registration_id"])
                                               ["bill_id"]])
    back = api.post(f"/v1/registrations/{done['registration_id']}/cancel", {})
    assert (back["returned_to_line_fen"], back["to_bill_fen"], back["to_other_bills_fen"], back["to_balance_fen"],
            back["refunded_to_channel_fen"], back["allocations"]) == (fee, fee - repaid, 0, repaid, 0, [])
    assert back["account"]["used_fen"] == 0
    assert cancel_entry(api, done["reference"]) == {"credit_fen": fee, "channel_fen": 0, "cash_fen": 0}

    # A fee paid by phone (no credit part): back through the channel, all of it.
    payer = api.who("nocredit")["patient_id"]
    session = future_session(api)
    channel = register(api, "nocredit", session, pay="channel",
                       payment_id=api.paid(payer, session["fee_fen"], "registration"))
    back = api.post(f"/v1/registrations/{channel['registration_id']}/cancel", {})
    assert (back["returned_to_line_fen"], back["to_bill_fen"], back["to_other_bills_fen"], back["to_balance_fen"],
            back["refunded_to_channel_fen"], back["account"]) == (0, 0, 0, 0, session["fee_fen"], None)
    assert cancel_entry(api, channel["reference"]) == {"credit_fen": 0, "channel_fen": session["fee_fen"],
                                                       "cash_fen": 0}
