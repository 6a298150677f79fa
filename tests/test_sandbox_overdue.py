"""Due dates and the nightly overdue batch per city, driven by the sandbox's movable clock.

Xiamen: 42 interest-free days; one reminder per overdue day; suspended once 3 reminders
went unanswered. Hangzhou: due at 00:00 of D+3; suspended as soon as a bill is overdue;
listed as dishonest (insurance real-time settlement suspended) once overdue for over a
calendar month.
Either way, repaying restores the service at once.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.domain.clock import BUSINESS_TZ, business_date
from tests.sandbox_fixtures import Api, error_of

DAY = 86400


def midnight_after(ended_at: str, days: int) -> datetime:
    day = business_date(datetime.fromisoformat(ended_at)) + timedelta(days=days)
    return datetime(day.year, day.month, day.day, tzinfo=BUSINESS_TZ)


def settle_tier1(api: Api) -> tuple[dict, dict, dict]:
    """(identity, visit, settlement) of tier1's visit booked on the line."""
    who = api.who("tier1")
    [visit] = api.open_visits(who["patient_id"])
    done = api.post("/v1/settlements", {"patient_id": who["patient_id"],
                                        "account_id": who["account_id"],
                                        "visit_ids": [visit["visit_id"]]})
    return who, visit, done


def register_on_credit(api: Api, who: dict, expect: int) -> dict:
    sessions = api.get("/v1/departments/D01/sessions", days=7)["sessions"]
    return api.post("/v1/registrations", {"session_id": sessions[-1]["session_id"],
                                          "patient_id": who["patient_id"], "pay": "credit"},
                    expect)


@pytest.mark.parametrize("sandbox_control", ["xiamen"], indirect=True)
def test_xiamen_due_after_42_days_and_suspended_after_3_reminders(api: Api):
    who, visit, done = settle_tier1(api)
    due = midnight_after(visit["ended_at"], 43)  # payable through the 42nd day
    assert datetime.fromisoformat(done["due_at"]) == due

    api.set_clock((due - timedelta(seconds=1)).isoformat())
    account = api.account(who["account_id"])
    assert account["status"] == "active" and account["reminders"] == 0
    assert api.bills(who["account_id"])[0]["status"] == "due"

    moved = api.set_clock(due.isoformat())
    assert moved["batch_days"] == [due.date().isoformat()]
    account = api.account(who["account_id"])
    [bill] = api.bills(who["account_id"])
    assert bill["status"] == "overdue" and bill["reminders"] == 1
    assert account["status"] == "active" and account["reminders"] == 1
    assert account["overdue_fen"] == done["booked_fen"]
    # Overdue: the line cannot be used again before repaying.
    assert error_of(register_on_credit(api, who, 409))["code"] == "repay_first"

    for reminders in (2, 3):
        api.advance(DAY)
        account = api.account(who["account_id"])
        assert (account["status"], account["reminders"]) == ("active", reminders)
    api.advance(DAY)  # the third reminder went unanswered
    account = api.account(who["account_id"])
    assert account["status"] == "suspended" and account["dishonest"] is False
    assert error_of(register_on_credit(api, who, 403))["code"] == "account_suspended"

    repaid = api.repay_all(who["account_id"])
    assert repaid["restored"] is True
    account = api.account(who["account_id"])
    assert account["status"] == "active" and account["reminders"] == 0
    assert account["available_fen"] == account["line_fen"]
    register_on_credit(api, who, 200)


@pytest.mark.parametrize("sandbox_control, due_on, listed_on", [
    # a visit ending on 31 January: due 00:00 3 February; a month overdue ends at 24:00 3 March
    ({"city": "hangzhou", "start_at": datetime(2026, 1, 31, 10, 0, tzinfo=BUSINESS_TZ)}, "2026-02-03", "2026-03-04"),
    # ending on 28 January: due 31 January; no 31 February, the month ends on the 28th
    ({"city": "hangzhou", "start_at": datetime(2026, 1, 28, 10, 0, tzinfo=BUSINESS_TZ)}, "2026-01-31", "2026-03-01"),
    # ending on 28 March: due 31 March; April has 30 days (30 days overdue would be 30 April: too early)
    ({"city": "hangzhou", "start_at": datetime(2026, 3, 28, 10, 0, tzinfo=BUSINESS_TZ)}, "2026-03-31", "2026-05-01"),
], indirect=["sandbox_control"])
def test_hangzhou_suspended_once_overdue_and_dishonest_after_over_a_calendar_month(api: Api, due_on, listed_on):
    """001: suspended past the 48 hours; 超过1个月仍欠费 listed as dishonest: over one calendar month
    overdue (Civil Code arts. 201-203: the month ends on the corresponding day, or the month's
    last day, at 24:00)."""
    who, visit, done = settle_tier1(api)
    due = midnight_after(visit["ended_at"], 3)  # 48 hours from 00:00 of the next day
    assert datetime.fromisoformat(done["due_at"]) == due and due.date().isoformat() == due_on

    api.set_clock((due - timedelta(seconds=1)).isoformat())
    assert api.account(who["account_id"])["status"] == "active"
    api.set_clock(due.isoformat())
    account = api.account(who["account_id"])
    assert account["status"] == "suspended" and account["dishonest"] is False
    assert api.bills(who["account_id"])[0]["status"] == "overdue"

    listed = datetime.fromisoformat(listed_on + "T00:00:00+08:00")
    api.set_clock((listed - timedelta(seconds=1)).isoformat())
    assert api.account(who["account_id"])["dishonest"] is False
    api.set_clock(listed.isoformat())
    account = api.account(who["account_id"])
    assert account["status"] == "suspended" and account["dishonest"] is True

    repaid = api.repay_all(who["account_id"], channel="bank_card")
    account = repaid["account"]  # restored in the same answer: well within 5 minutes
    assert account["status"] == "active" and account["dishonest"] is False
    assert api.account(who["account_id"]) == account  # the state (the snapshot's envelope aside)


@pytest.mark.parametrize("sandbox_control", ["xiamen"], indirect=True)
def test_xiamen_two_overdue_bills_are_reminded_together_and_suspended_after_three_days(api: Api):
    """000 art. 27: suspended once reminded three times (提醒催缴3次) without paying: three days of
    reminders whatever the number of bills they name (two bills used to suspend a day early)."""
    who = api.who("shortline")
    first, second = sorted(api.bills(who["account_id"]), key=lambda b: b["due_at"])
    first_due, second_due = (datetime.fromisoformat(b["due_at"]) for b in (first, second))
    assert second_due - first_due == timedelta(days=1)
    api.set_clock(first_due.isoformat())
    assert api.account(who["account_id"])["reminders"] == 1
    api.set_clock(second_due.isoformat())  # both overdue: one reminder names both
    account = api.account(who["account_id"])
    assert (account["status"], account["reminders"]) == ("active", 2)
    assert [b["reminders"] for b in sorted(api.bills(who["account_id"]), key=lambda b: b["due_at"])] == [2, 1]
    api.advance(DAY)
    account = api.account(who["account_id"])
    assert (account["status"], account["reminders"]) == ("active", 3)
    api.advance(DAY)  # the third reminder went unanswered
    assert api.account(who["account_id"])["status"] == "suspended"


@pytest.mark.parametrize("sandbox_control", ["hangzhou"], indirect=True)
def test_hangzhou_dishonest_patient_has_insurance_settlement_suspended(api: Api):
    who = api.who("arrears")  # its bill is ~57 days overdue at seeding
    account = api.account(who["account_id"])
    assert account["status"] == "suspended" and account["dishonest"] is True
    [visit] = api.open_visits(who["patient_id"])
    r = api.post("/v1/settlements", {"patient_id": who["patient_id"], "account_id": None,
                                     "visit_ids": [visit["visit_id"]]}, 403)
    assert error_of(r)["code"] == "insurance_suspended"
    api.repay_all(who["account_id"])
    payment = api.paid(who["patient_id"], visit["personal_fen"], "settlement")
    api.post("/v1/settlements", {"patient_id": who["patient_id"], "account_id": None,
                                 "visit_ids": [visit["visit_id"]], "payment_id": payment})


@pytest.mark.parametrize("sandbox_control", ["xiamen", "hangzhou"], indirect=True)
def test_a_disputed_bill_is_left_out_of_overdue_processing(api: Api):
    who, visit, done = settle_tier1(api)
    [bill] = api.bills(who["account_id"])
    api.post("/v1/disputes", {"bill_id": bill["bill_id"], "reason_code": "wrong_amount"})
    due = datetime.fromisoformat(done["due_at"])
    api.set_clock((due + timedelta(days=5)).isoformat())
    account = api.account(who["account_id"])
    assert account["status"] == "active" and account["reminders"] == 0
    assert account["overdue_fen"] == 0 and account["dishonest"] is False
    [bill] = api.bills(who["account_id"])
    assert bill["status"] == "disputed" and bill["reminders"] == 0


def test_the_clock_never_goes_back(api: Api):
    now = datetime.fromisoformat(api.now())
    r = api.post("/v1/_sandbox/clock", {"set_to": (now - timedelta(hours=1)).isoformat()}, 409)
    assert error_of(r)["code"] == "clock_backwards"
    r = api.post("/v1/_sandbox/clock", {"advance_s": -1}, 422)
    assert error_of(r)["code"] == "invalid_request"
    r = api.post("/v1/_sandbox/clock", {"advance_s": 60, "set_to": now.isoformat()}, 422)
    assert error_of(r)["code"] == "invalid_request"
    moved = api.advance(3 * DAY)
    assert len(moved["batch_days"]) == 3
    later = datetime.fromisoformat(moved["now"])
    assert timedelta(days=3) <= later - now < timedelta(days=3, minutes=1)
    health = api.client.get("/v1/health").json()  # the platform time follows
    assert datetime.fromisoformat(health["time"]) >= later


def test_in_process_clock_moves_run_the_batch_too(sandbox_control, api: Api):
    who, visit, done = settle_tier1(api)
    store = sandbox_control.store
    due = datetime.fromisoformat(done["due_at"])
    store.move_clock(set_to=due + timedelta(days=4))
    assert store.account(who["account_id"])["status"] == "suspended"
    assert api.account(who["account_id"])["status"] == "suspended"


def test_profiles_carry_the_overdue_rules():
    from kiosk.policies import load_profile

    xiamen, hangzhou = load_profile("xiamen"), load_profile("hangzhou")
    assert xiamen.overdue_rule.reminder_interval_days == 1
    assert xiamen.overdue_rule.suspend_after_reminders == 3
    assert not xiamen.overdue_rule.suspend_when_overdue
    assert xiamen.overdue_rule.dishonest_after_days is xiamen.overdue_rule.dishonest_after_months is None
    assert hangzhou.overdue_rule.suspend_when_overdue
    assert (hangzhou.overdue_rule.dishonest_after_months, hangzhou.overdue_rule.dishonest_after_days) == (1, None)
    assert hangzhou.overdue_rule.suspend_after_reminders is None
    assert (xiamen.lowest_open_score, hangzhou.lowest_open_score) == (0, 550)
    assert (xiamen.tier_index(651), hangzhou.tier_index(549)) == (4, 1)
    assert xiamen.dispute_answer_working_days == hangzhou.dispute_answer_working_days == 5
