"""City policy profiles: credit lines by score tier and when a bill is due."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.domain.clock import business_date, last_payable_day
from kiosk.domain.policy import DueRule
from kiosk.policies import load_profile

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = UTC


def _shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# --- Xiamen tiers (000 art. 24) -------------------------------------------------------

@pytest.mark.parametrize("score, line_fen, value_added", [
    (0, 50000, False),
    (500, 50000, False),
    (501, 100000, False),
    (600, 100000, False),
    (601, 300000, False),
    (650, 300000, False),
    (651, 300000, True),
    (700, 300000, True),
    (950, 300000, True),
])
def test_xiamen_tiers(score, line_fen, value_added):
    xiamen = load_profile("xiamen")
    assert xiamen.line_for(score) == line_fen
    tier = xiamen.tier_for(score)
    assert tier is not None
    assert tier.line_fen == line_fen
    assert tier.value_added is value_added


def test_xiamen_profile_names_its_score():
    xiamen = load_profile("xiamen")
    assert xiamen.city == "xiamen"
    assert xiamen.score_name == "白鹭分"
    assert xiamen.adult_age == 18
    assert xiamen.repay_before_reuse is True


def test_hangzhou_profile_loads():
    hangzhou = load_profile("hangzhou")
    assert hangzhou.city == "hangzhou"
    assert hangzhou.score_name == "钱江分"
    assert hangzhou.tiers, "at least one tier"
    assert [t.min_score for t in hangzhou.tiers] == sorted(t.min_score for t in hangzhou.tiers)
    assert hangzhou.due == DueRule("hours_after_next_midnight", 48)
    assert hangzhou.adult_age == 18
    # a higher score never gives a smaller line
    lines = [hangzhou.line_for(score) for score in range(0, 1001, 10)]
    assert lines == sorted(lines)


@pytest.mark.parametrize("city", ["shanghai", "", "Xiamen ", "../xiamen"])
def test_unknown_city_refused(city):
    with pytest.raises(ValueError, match="unknown policy profile"):
        load_profile(city)


# --- Xiamen due date: at least 42 days interest-free (000 art. 23) ---------------------

def test_xiamen_due_42_days_after_the_visit():
    visit_end = _shanghai(2026, 11, 25, 15, 0)
    due = load_profile("xiamen").due.due_at(visit_end)
    assert due == _shanghai(2027, 1, 7)
    assert due.isoformat() == "2027-01-07T00:00:00+08:00"
    assert last_payable_day(due) == date(2027, 1, 6)
    assert (last_payable_day(due) - business_date(visit_end)).days == 42


def test_xiamen_due_does_not_depend_on_the_hour_within_the_day():
    xiamen = load_profile("xiamen")
    early = xiamen.due.due_at(_shanghai(2026, 11, 25, 0, 0))
    late = xiamen.due.due_at(_shanghai(2026, 11, 25, 23, 59, 59))
    assert early == late == _shanghai(2027, 1, 7)


def test_xiamen_business_date_in_shanghai_when_given_in_utc():
    # 16:30 UTC on the 25th is 00:30 on the 26th in Xiamen
    due = load_profile("xiamen").due.due_at(datetime(2026, 11, 25, 16, 30, tzinfo=UTC))
    assert due == _shanghai(2027, 1, 8)
    assert last_payable_day(due) == date(2027, 1, 7)


# --- Hangzhou: 48 h counted from 00:00 of the next day (001 §3.2.3) --------------------

def test_hangzhou_visit_ending_late_evening():
    due = load_profile("hangzhou").due.due_at(_shanghai(2026, 3, 10, 23, 30))
    assert due == _shanghai(2026, 3, 13)
    assert due.isoformat() == "2026-03-13T00:00:00+08:00"
    assert last_payable_day(due) == date(2026, 3, 12)


def test_hangzhou_visit_ending_just_after_midnight_moves_a_day():
    due = load_profile("hangzhou").due.due_at(_shanghai(2026, 3, 11, 0, 10))
    assert due == _shanghai(2026, 3, 14)
    assert last_payable_day(due) == date(2026, 3, 13)


def test_hangzhou_business_date_is_shanghai_even_for_utc_datetimes():
    hangzhou = load_profile("hangzhou")
    # 2026-03-10 23:30 in Hangzhou is 15:30 UTC the same day
    evening = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
    # 2026-03-11 00:10 in Hangzhou is still 2026-03-10 (16:10) in UTC
    after_midnight = datetime(2026, 3, 10, 16, 10, tzinfo=UTC)
    assert hangzhou.due.due_at(evening) == _shanghai(2026, 3, 13)
    assert hangzhou.due.due_at(after_midnight) == _shanghai(2026, 3, 14)
    # same answers as the same moments given in local time
    assert hangzhou.due.due_at(evening) == hangzhou.due.due_at(_shanghai(2026, 3, 10, 23, 30))
    assert hangzhou.due.due_at(after_midnight) == hangzhou.due.due_at(_shanghai(2026, 3, 11, 0, 10))


def test_hangzhou_due_across_a_month_end():
    due = load_profile("hangzhou").due.due_at(_shanghai(2026, 2, 27, 12, 0))
    assert due == _shanghai(2026, 3, 2)
    assert last_payable_day(due) == date(2026, 3, 1)


# --- naive datetimes ---------------------------------------------------------------------

@pytest.mark.parametrize("city", ["xiamen", "hangzhou"])
def test_naive_visit_end_refused(city):
    with pytest.raises(ValueError, match="naive"):
        load_profile(city).due.due_at(datetime(2026, 11, 25, 15, 0))


def test_naive_due_refused_by_last_payable_day():
    with pytest.raises(ValueError, match="naive"):
        last_payable_day(datetime(2027, 1, 7))


def test_last_payable_day_of_a_due_given_in_utc():
    # 2027-01-07 00:00 +08:00 is 2027-01-06 16:00 UTC: same last payable day
    due_utc = _shanghai(2027, 1, 7).astimezone(UTC)
    assert last_payable_day(due_utc) == date(2027, 1, 6)
    assert last_payable_day(due_utc + timedelta(minutes=1)) == date(2027, 1, 7)


def test_unknown_due_rule_refused():
    with pytest.raises(ValueError, match="unknown due rule"):
        DueRule("weeks", 6).due_at(_shanghai(2026, 11, 25, 15, 0))


# --- Hangzhou: dishonest once overdue for over one calendar month (001 §3.3) ------------

@pytest.mark.parametrize("due, listed", [
    (_shanghai(2026, 2, 3), _shanghai(2026, 3, 4)),  # a visit ending 31 January
    (_shanghai(2026, 1, 31), _shanghai(2026, 3, 1)),  # no 31 February: the month ends on the 28th
    (_shanghai(2028, 1, 31), _shanghai(2028, 3, 1)),  # a leap year: on the 29th
    (_shanghai(2026, 3, 31), _shanghai(2026, 5, 1)),  # April has 30 days
    (_shanghai(2026, 12, 15), _shanghai(2027, 1, 16)),  # into the next year
])
def test_hangzhou_lists_as_dishonest_after_over_a_calendar_month(due, listed):
    rule = load_profile("hangzhou").overdue_rule
    assert rule.dishonest_from(due) == listed
    assert rule.dishonest_from(due.astimezone(UTC)) == listed  # the same instant, given in UTC


def test_a_visit_ending_on_31_january_in_hangzhou():
    hangzhou = load_profile("hangzhou")
    due = hangzhou.due.due_at(_shanghai(2026, 1, 31, 16, 0))
    assert due == _shanghai(2026, 2, 3) and last_payable_day(due) == date(2026, 2, 2)
    assert hangzhou.overdue_rule.dishonest_from(due) == _shanghai(2026, 3, 4)


def test_xiamen_never_lists_as_dishonest():
    assert load_profile("xiamen").overdue_rule.dishonest_from(_shanghai(2026, 2, 3)) is None


def test_a_profile_may_still_count_days():
    from kiosk.domain.policy import OverdueRule

    rule = OverdueRule.from_dict({"dishonest_after_days": 30})
    assert rule.dishonest_from(_shanghai(2026, 2, 3)) == _shanghai(2026, 3, 5)


def test_periods_end_on_the_corresponding_day_or_the_months_last():
    from kiosk.domain.periods import day_after, last_day

    assert last_day(date(2026, 1, 15), months=1) == date(2026, 2, 15)
    assert last_day(date(2026, 1, 31), months=1) == date(2026, 2, 28)
    assert last_day(date(2026, 11, 30), months=3) == date(2027, 2, 28)
    assert last_day(date(2008, 2, 29), years=18) == date(2026, 2, 28)
    assert day_after(date(2026, 12, 31), months=1) == date(2027, 2, 1)
    with pytest.raises(ValueError):
        last_day(date(2026, 1, 1), months=-1)

