"""Edges of the seed rules (/work/shared/seeds/*.txt) that no other test pinned.

Every expected value below is written out by hand from the seed sentence quoted next to it and
from the calendar (the Gregorian calendar, and the State Council's holiday notices: 国务院办公厅
关于2026年部分节假日安排的通知 of 2025-11-04 for 2026; that of 2024 for 2025); none is
computed by the code under test.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk.domain.clock import BUSINESS_TZ, business_date, last_payable_day, midnight
from kiosk.domain.models import Account
from kiosk.domain.plan import credit_room, make_plan
from kiosk.domain.settlement import CannotUseCredit, split_bill
from kiosk.domain.workdays import CN_CALENDAR, add_working_days
from kiosk.policies import load_profile
from tests.sandbox_fixtures import Api


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=BUSINESS_TZ)


# --- Hangzhou: 48 hours from 00:00 of the next day, whatever the calendar ---------------------
# 001 §3.1.1: "待全部就诊结束48小时内（就诊结束次日零时起计算）通过自助机、手机或离院时一次性完成
# 支付"; §3.3: "市民超出48小时（就诊结束次日零时起计算）未付费的逾期行为 ... 暂停其'舒心就医'服务".
# Hours, not working days: a due time in a public holiday or a weekend is not moved.

@pytest.mark.parametrize("visit_end, due, last_day", [
    # 30 Sep 2026: due 00:00 3 Oct, inside the National Day holiday (1-7 Oct 2026): not moved
    (sh(2026, 9, 30, 15, 0), sh(2026, 10, 3), date(2026, 10, 2)),
    # Sat 14 Feb 2026, a make-up working day: due 00:00 17 Feb, inside the Spring Festival (15-23 Feb)
    (sh(2026, 2, 14, 9, 0), sh(2026, 2, 17), date(2026, 2, 16)),
    # across the year end: the last payable day is New Year's Day 2027
    (sh(2026, 12, 30, 18, 0), sh(2027, 1, 2), date(2027, 1, 1)),
    # the last second of the year: the next day is 1 January, due 00:00 3 January
    (sh(2026, 12, 31, 23, 59, 59), sh(2027, 1, 3), date(2027, 1, 2)),
    # 16:00 UTC on 31 December is 00:00 on 1 January in Hangzhou: the visit ended in the new year
    (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), sh(2027, 1, 4), date(2027, 1, 3)),
    (datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC), sh(2027, 1, 3), date(2027, 1, 2)),
    # a visit ending exactly at 00:00 belongs to that day
    (sh(2026, 3, 11, 0, 0), sh(2026, 3, 14), date(2026, 3, 13)),
    # 29 February of a leap year
    (sh(2028, 2, 28, 20, 0), sh(2028, 3, 2), date(2028, 3, 1)),
])
def test_hangzhou_due_is_48_hours_from_the_next_midnight_even_over_holidays(visit_end, due, last_day):
    got = load_profile("hangzhou").due.due_at(visit_end)
    assert got == due
    assert last_payable_day(got) == last_day


# --- Xiamen: at least 42 interest-free days ---------------------------------------------------
# 000 art. 23: "确保为市民提供至少42天的免息期".

@pytest.mark.parametrize("visit_end, last_day", [
    (sh(2026, 12, 31, 10, 0), date(2027, 2, 11)),  # 31 Dec + 42 days: 31 Jan is +31, 11 Feb +42
    (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), date(2027, 2, 12)),  # 00:00 1 Jan 2027 in Xiamen
    (sh(2028, 1, 20, 10, 0), date(2028, 3, 2)),  # leap year: 31 Jan +11, 29 Feb +40, 2 Mar +42
    (sh(2027, 1, 20, 10, 0), date(2027, 3, 3)),  # common year: 28 Feb +39, 3 Mar +42
])
def test_xiamen_42_days_across_year_ends_and_february(visit_end, last_day):
    due = load_profile("xiamen").due.due_at(visit_end)
    assert last_payable_day(due) == last_day
    assert due == midnight(last_day + timedelta(days=1))


def test_xiamen_never_gives_fewer_than_42_days():
    """000 art. 23 "至少42天": for a visit ending at any hour of any day of 2026-2028 (the last
    payable day counted from the visit's business day in Xiamen)."""
    xiamen = load_profile("xiamen").due
    day = date(2026, 1, 1)
    while day < date(2029, 1, 1):
        for hour, minute in ((0, 0), (23, 59)):
            end = sh(day.year, day.month, day.day, hour, minute)
            assert (last_payable_day(xiamen.due_at(end)) - day).days >= 42, end
        day += timedelta(days=1)


@pytest.mark.parametrize("sandbox_control", [
    {"city": "xiamen", "start_at": sh(2026, 12, 31, 10, 0)}], indirect=True)
def test_sandbox_xiamen_42_days_across_the_year_end(api: Api):
    """000 art. 23: a visit on 31 Dec 2026 is payable through 11 Feb 2027, overdue from 12 Feb."""
    who, visit, done = settle_tier1(api)
    assert business_date(datetime.fromisoformat(visit["ended_at"])) == date(2026, 12, 31)
    assert datetime.fromisoformat(done["due_at"]) == sh(2027, 2, 12)
    api.set_clock(sh(2027, 2, 11, 23, 59, 59).isoformat())
    assert api.bills(who["account_id"])[0]["status"] == "due"
    api.set_clock(sh(2027, 2, 12).isoformat())
    [bill] = api.bills(who["account_id"])
    assert (bill["status"], bill["reminders"]) == ("overdue", 1)


def test_profiles_carry_the_seed_numbers():
    """000 art. 23: penalty and interest at most 1.5 x the one-year LPR; 001 §3.3: service and
    insurance settlement restored within 5 minutes of paying."""
    assert load_profile("xiamen").overdue["penalty_max_lpr_multiple"] == "1.5"
    assert load_profile("hangzhou").overdue["restore_within_minutes"] == 5


# --- Xiamen credit lines: 500 to 3,000 yuan ----------------------------------------------------
# 000 art. 24: "用户开通信用就医,可享有500元至3000元的授信额度": (一) 500分以下(含) 500元;
# (二) 501分-600分(含) 1000元; (三) 601分以上(含) 3000元; (四) 651分以上(含) 3000元 and 增值服务.

@pytest.mark.parametrize("score, line_fen, value_added", [
    (499, 50_000, False), (502, 100_000, False), (599, 100_000, False), (602, 300_000, False),
    (649, 300_000, False), (652, 300_000, True),
])
def test_xiamen_tiers_next_to_each_threshold(score, line_fen, value_added):
    xiamen = load_profile("xiamen")
    assert xiamen.line_for(score) == line_fen
    assert xiamen.tier_for(score).value_added is value_added


def test_xiamen_line_is_between_500_and_3000_yuan_for_every_score():
    xiamen = load_profile("xiamen")
    assert {xiamen.line_for(score) for score in range(0, 1001)} == {50_000, 100_000, 300_000}


# --- the line used up; a bill bigger than what is left -----------------------------------------
# 001 §3.1.1: "该授信额度内取消所有...付费手续 ... 如授信额度已用完，需要先行还款才能继续享受
# '舒心就医'服务"; §3.3: overdue past 48 hours "暂停其'舒心就医'服务，待欠费支付后恢复".

def account(available: int, *, status: str = "active", overdue: int = 0, line: int = 100_000) -> Account:
    return Account("CA000001", status, line, line - available, available, overdue)


def test_a_bill_exactly_the_available_line_goes_all_on_credit():
    plan = make_plan(total_fen=10_000, fund_fen=4_000, account_fen=0, room_fen=credit_room(account(6_000)))
    assert (plan.on_credit_fen, plan.paid_now_fen) == (6_000, 0)
    split = split_bill(10_000, 4_000, 6_000, account(6_000))
    assert (split.booked_fen, split.shortfall_fen) == (6_000, 0)


def test_one_fen_above_the_available_line_is_paid_on_the_spot():
    plan = make_plan(total_fen=10_001, fund_fen=4_000, account_fen=0, room_fen=credit_room(account(6_000)))
    assert (plan.on_credit_fen, plan.paid_now_fen) == (6_000, 1)
    split = split_bill(10_001, 4_000, 6_001, account(6_000))
    assert (split.booked_fen, split.shortfall_fen) == (6_000, 1)


def test_one_fen_left_on_the_line_is_still_usable():
    assert credit_room(account(1)) == 1
    assert split_bill(500, 0, 500, account(1)).booked_fen == 1


def test_a_line_used_up_must_be_repaid_first():
    for refuse in (lambda a: credit_room(a), lambda a: split_bill(500, 0, 500, a)):
        with pytest.raises(CannotUseCredit) as caught:
            refuse(account(0))
        assert caught.value.code == "repay_first"


def test_a_suspended_service_cannot_be_used_even_with_line_left():
    with pytest.raises(CannotUseCredit) as caught:
        credit_room(account(100_000, status="suspended"))
    assert caught.value.code == "account_suspended"


# --- disputes answered within 5 working days ---------------------------------------------------
# 000 art. 29: "信用就医运营机构应当在5个工作日内完成处理并反馈". The day raised is not counted.

@pytest.mark.parametrize("raised, answer_due", [
    # Sat 3 Oct 2026, inside National Day (1-7 Oct): Thu 8, Fri 9, Sat 10 (调休 working), Mon 12, Tue 13
    (date(2026, 10, 3), date(2026, 10, 13)),
    # Sat 28 Feb 2026, itself a make-up working day (not counted): Mon 2 ... Fri 6 Mar
    (date(2026, 2, 28), date(2026, 3, 6)),
    # Wed 31 Dec 2025: 1-3 Jan 2026 off, Sun 4 Jan a make-up day, then Mon 5 ... Thu 8
    (date(2025, 12, 31), date(2026, 1, 8)),
    # Thu 30 Apr 2026: 1-5 May off, Wed 6, Thu 7, Fri 8, Sat 9 (make-up), Mon 11
    (date(2026, 4, 30), date(2026, 5, 11)),
    # Fri 18 Jun 2026: Dragon Boat 19-21 Jun, Mon 22 ... Fri 26
    (date(2026, 6, 18), date(2026, 6, 26)),
])
def test_five_working_days_over_holidays_and_make_up_days(raised, answer_due):
    assert add_working_days(raised, 5) == answer_due


def test_the_2027_calendar_is_not_known_yet():
    """Not published in the data: a count into 2027 is only an estimate, and says so."""
    assert not CN_CALENDAR.covers(2027)


# --- the same rules as the sandbox platform applies them --------------------------------------

def settle_tier1(api: Api) -> tuple[dict, dict, dict]:
    who = api.who("tier1")
    [visit] = api.open_visits(who["patient_id"])
    done = api.post("/v1/settlements", {"patient_id": who["patient_id"], "account_id": who["account_id"],
                                        "visit_ids": [visit["visit_id"]]})
    return who, visit, done


@pytest.mark.parametrize("sandbox_control, ended, due", [
    # 001 §3.3: overdue once past the 48 hours from 00:00 of the next day, holiday (National Day) or not
    ({"city": "hangzhou", "start_at": sh(2026, 9, 30, 10, 0)}, date(2026, 9, 30), sh(2026, 10, 3)),
    # 001 §3.1.1: a visit ending on 30 December is payable through 1 January
    ({"city": "hangzhou", "start_at": sh(2026, 12, 30, 10, 0)}, date(2026, 12, 30), sh(2027, 1, 2)),
], indirect=["sandbox_control"])
def test_sandbox_hangzhou_due_is_not_moved_by_a_holiday_or_the_year_end(api: Api, ended, due):
    who, visit, done = settle_tier1(api)
    assert business_date(datetime.fromisoformat(visit["ended_at"])) == ended
    assert datetime.fromisoformat(done["due_at"]) == due
    api.set_clock((due - timedelta(seconds=1)).isoformat())
    assert api.account(who["account_id"])["status"] == "active"
    api.set_clock(due.isoformat())
    assert api.account(who["account_id"])["status"] == "suspended"


@pytest.mark.parametrize("sandbox_control", ["xiamen"], indirect=True)
def test_sandbox_xiamen_repaid_after_the_third_reminder_is_never_suspended(api: Api):
    """000 art. 27: "若提醒催缴3次仍不履行还款义务的,可停止...使用权限": paying after the third
    reminder, before the next day, keeps the service."""
    who, visit, done = settle_tier1(api)
    due = datetime.fromisoformat(done["due_at"])
    api.set_clock((due + timedelta(days=2)).isoformat())  # reminders on the due day and the two after
    account = api.account(who["account_id"])
    assert (account["status"], account["reminders"]) == ("active", 3)
    api.repay_all(who["account_id"])
    api.set_clock((due + timedelta(days=10)).isoformat())
    account = api.account(who["account_id"])
    assert (account["status"], account["reminders"]) == ("active", 0)


@pytest.mark.parametrize("sandbox_control", [
    {"city": "xiamen", "start_at": sh(2026, 10, 3, 10, 0)}], indirect=True)
def test_sandbox_dispute_raised_on_a_holiday(api: Api):
    """000 art. 29: 5 working days from Sat 3 Oct 2026 (National Day): Tue 13 Oct."""
    who, visit, done = settle_tier1(api)
    [bill] = api.bills(who["account_id"])
    raised = api.post("/v1/disputes", {"bill_id": bill["bill_id"], "reason_code": "wrong_amount"})
    assert raised["answer_due"] == "2026-10-13"
    assert raised["calendar_covered"] is True


@pytest.mark.parametrize("sandbox_control", [
    {"city": "xiamen", "start_at": sh(2026, 12, 28, 10, 0)}], indirect=True)
def test_sandbox_dispute_answer_in_a_year_without_a_calendar_says_so(api: Api):
    """000 art. 29: raised Mon 28 Dec 2026, the 5th working day falls in 2027, whose holiday
    arrangement the platform does not hold: the answer date is flagged as an estimate."""
    who, visit, done = settle_tier1(api)
    [bill] = api.bills(who["account_id"])
    raised = api.post("/v1/disputes", {"bill_id": bill["bill_id"], "reason_code": "wrong_amount"})
    assert raised["answer_due"] >= "2027-01-04"  # Tue 29, Wed 30, Thu 31 Dec: at least 2 more in 2027
    assert raised["calendar_covered"] is False



# --- closing only once everything is paid ------------------------------------------------------
# 001 §3.2.4: "市民可通过自助机、手机等方式关闭'舒心就医'服务，但须先付清欠费。"

@pytest.mark.parametrize("sandbox_control", ["xiamen", "hangzhou"], indirect=True)
def test_sandbox_one_fen_owed_keeps_the_service_open(api: Api):
    who, visit, done = settle_tier1(api)
    owed = api.account(who["account_id"])["outstanding_fen"]
    assert owed == done["booked_fen"] > 1
    api.desk.post("/v1/repayments", {"account_id": who["account_id"], "amount_fen": owed - 1,
                                     "channel": "cash"})
    r = api.post("/v1/credit/close", {"patient_id": who["patient_id"]}, 409)
    assert r["error"]["code"] == "outstanding_balance" and r["error"]["details"]["outstanding_fen"] == 1
    assert api.account(who["account_id"])["status"] == "active"
    api.desk.post("/v1/repayments", {"account_id": who["account_id"], "amount_fen": 1, "channel": "cash"})
    assert api.post("/v1/credit/close", {"patient_id": who["patient_id"]}) == {
        "closed_patient_ids": [who["patient_id"]]}


# --- a minor cannot open alone; from the 18th birthday they can ---------------------------------
# 000 art. 24(五): "18周岁以下未成年人可共享父母的个人信用白鹭分价值"; 001 §3.2.1: 少儿参保市民
# "必须关联亲属的'舒心就医'服务才能开通"; 001 §3.1 (钱江分): "年满18周岁的市民都可...获得".
# The demo teen was born on 2009-01-10 (白鹭分 520: 000 art. 24(二) 501-600 gives 1,000 yuan).

@pytest.mark.parametrize("sandbox_control", [
    {"city": "xiamen", "start_at": sh(2027, 1, 9, 23, 59, 0)}], indirect=True)
def test_sandbox_own_service_refused_the_last_minute_before_the_birthday_opened_the_first(api: Api):
    guardian, teen = api.who("tier3"), api.who("teen")
    consent = api.get("/v1/consent/current")["version"]
    body = {"patient_id": teen["patient_id"], "consent_version": consent, "score_authorised": True}
    r = api.post("/v1/credit/open", body, None)
    assert r["error"]["code"] == "already_open"  # still a minor: the guardian's service is theirs
    assert api.who("teen")["account_id"] == guardian["account_id"]
    api.set_clock(sh(2027, 1, 10, 0, 0, 1).isoformat())
    opened = api.post("/v1/credit/open", body)
    assert opened["line_fen"] == 100_000
    assert opened["account"]["account_id"] != guardian["account_id"]


# --- a minor on a guardian's line: the guardian bears the obligations and the sanctions ---------
# 001 §3.2.1: 少儿参保市民 "使用其关联亲属的授信额度，由关联的亲属承担按时付费、失信惩戒等义务";
# §3.3: overdue past 48 hours "暂停其'舒心就医'服务"; over 1 month the 失信市民's insurance real-time
# settlement is suspended (the relative who bears the sanction, not the minor).

@pytest.mark.parametrize("sandbox_control", [
    {"city": "hangzhou", "start_at": sh(2026, 11, 2, 10, 0)}], indirect=True)
def test_sandbox_guardian_overdue_suspends_the_minors_line_but_lists_only_the_guardian(api: Api):
    guardian, minor = api.who("tier2"), api.who("minor")
    assert minor["account_id"] == guardian["account_id"]
    visit = api.open_visits(guardian["patient_id"])[0]
    done = api.post("/v1/settlements", {"patient_id": guardian["patient_id"],
                                        "account_id": guardian["account_id"],
                                        "visit_ids": [visit["visit_id"]]})
    assert datetime.fromisoformat(done["due_at"]) == sh(2026, 11, 5)
    # overdue from 00:00 5 Nov; one month from then ends at 24:00 5 Dec: listed from 6 Dec
    api.set_clock(sh(2026, 12, 5, 23, 59).isoformat())
    account = api.account(guardian["account_id"])
    assert (account["status"], account["dishonest"]) == ("suspended", False)
    minor_visit = api.open_visits(minor["patient_id"])[0]
    r = api.post("/v1/settlements", {"patient_id": minor["patient_id"], "account_id": guardian["account_id"],
                                     "visit_ids": [minor_visit["visit_id"]]}, 403)
    assert r["error"]["code"] == "account_suspended"

    api.set_clock(sh(2026, 12, 6, 0, 0, 1).isoformat())
    assert api.account(guardian["account_id"])["dishonest"] is True
    payment = api.paid(minor["patient_id"], minor_visit["personal_fen"], "settlement")
    paid = api.post("/v1/settlements", {"patient_id": minor["patient_id"], "account_id": None,
                                        "visit_ids": [minor_visit["visit_id"]], "payment_id": payment})
    assert paid["paid_fen"] == minor_visit["personal_fen"]  # the minor's insurance settlement still runs
