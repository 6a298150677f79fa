"""Working days in mainland China: weekends, public holidays, make-up working days (调休)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.domain import holidays_cn
from kiosk.domain.workdays import CN_CALENDAR, WEEKDAYS_ONLY, add_working_days, is_working_day


@pytest.mark.parametrize("day, working", [
    (date(2025, 1, 1), False),    # New Year's Day, a Wednesday
    (date(2025, 1, 26), True),    # Sunday, make-up day for the Spring Festival
    (date(2025, 1, 28), False),   # Spring Festival eve, Tuesday
    (date(2025, 2, 4), False),    # last day of the Spring Festival block
    (date(2025, 2, 5), True),
    (date(2025, 2, 8), True),     # Saturday, make-up day
    (date(2025, 4, 4), False),    # Qingming, Friday
    (date(2025, 4, 27), True),    # Sunday, make-up day for Labour Day
    (date(2025, 5, 5), False),    # Labour Day block, Monday
    (date(2025, 6, 2), False),    # Dragon Boat, Monday
    (date(2025, 9, 28), True),    # Sunday, make-up day for National Day
    (date(2025, 10, 8), False),   # last day of National Day + Mid-Autumn, Wednesday
    (date(2025, 10, 11), True),   # Saturday, make-up day
    (date(2025, 10, 12), False),  # an ordinary Sunday
    (date(2026, 1, 2), False),    # New Year block, Friday
    (date(2026, 1, 4), True),     # Sunday, make-up day
    (date(2026, 2, 14), True),    # Saturday, make-up day for the Spring Festival
    (date(2026, 2, 23), False),   # Monday, last day of the Spring Festival block
    (date(2026, 2, 28), True),    # Saturday, make-up day
    (date(2026, 5, 9), True),     # Saturday, make-up day for Labour Day
    (date(2026, 6, 19), False),   # Dragon Boat, Friday
    (date(2026, 9, 20), True),    # Sunday, make-up day for National Day
    (date(2026, 9, 25), False),   # Mid-Autumn, Friday
    (date(2026, 10, 7), False),   # National Day block, Wednesday
    (date(2026, 10, 10), True),   # Saturday, make-up day
    (date(2026, 11, 25), True),   # an ordinary Wednesday
])
def test_official_arrangements(day, working):
    assert is_working_day(day) is working


def test_five_working_days_over_national_day_2025():
    # Friday 26 Sep 2025: Sun 28 (make-up), Mon 29, Tue 30, then 1-8 Oct off, Thu 9, Fri 10.
    assert add_working_days(date(2025, 9, 26), 5) == date(2025, 10, 10)
    # Thursday 9 Oct: Fri 10, Sat 11 (make-up), Mon 13, Tue 14, Wed 15.
    assert add_working_days(date(2025, 10, 9), 5) == date(2025, 10, 15)


def test_five_working_days_over_national_day_2026_with_a_make_up_saturday():
    # Tue 29 Sep 2026: Wed 30, 1-7 Oct off, Thu 8, Fri 9, Sat 10 (make-up), Mon 12.
    assert add_working_days(date(2026, 9, 29), 5) == date(2026, 10, 12)


def test_across_the_spring_festival_2026():
    # Fri 13 Feb: Sat 14 (make-up), 15-23 off, Tue 24, Wed 25, Thu 26, Fri 27.
    assert add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)


def test_day_itself_does_not_count_and_zero_is_the_day():
    assert add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 24)
    assert add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 28)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 23), -1)


def test_outside_the_covered_years_weekdays_are_counted_less_the_law_s_fixed_holidays():
    """全国年节及纪念日放假办法 Art. 2 (Decree No. 795, from 2025): 1 January, 1-2 May and 1-3 October
    are holidays by law, whatever the year's notice adds (not published for 2027 in the data)."""
    assert not CN_CALENDAR.covers(2027) and not CN_CALENDAR.covers(2024)
    # 1 Jan 2027 and 1 Oct 2027 are Fridays: holidays by law all the same
    assert not is_working_day(date(2027, 1, 1)) and not is_working_day(date(2027, 10, 1))
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)  # Thu 31 Dec -> Mon 4 Jan
    assert add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 4)
    assert not is_working_day(date(2027, 10, 2))
    assert add_working_days(date(2027, 10, 1), 5) == date(2027, 10, 8)
    # 2028: 1 and 2 May are Monday and Tuesday, 3 May a plain working day (the notice may say more)
    assert [is_working_day(date(2028, 5, d)) for d in (1, 2, 3)] == [False, False, True]
    # the lunar holidays are the notice's: Spring Festival 2027 (6 Feb, a Saturday; eve Fri 5 Feb) is not known
    assert is_working_day(date(2027, 2, 5))
    # before the 2025 amendment Labour Day was 1 May alone (2024 is not in the data either)
    assert not is_working_day(date(2024, 5, 1)) and is_working_day(date(2024, 5, 2))
    assert add_working_days(date(2024, 12, 27), 5) == date(2025, 1, 6)  # 2024 uncovered,
    # 1 Jan 2025 (covered) is a holiday: Mon 30, Tue 31, Thu 2, Fri 3, Mon 6.


def test_weekday_only_calendar_ignores_holidays():
    assert is_working_day(date(2025, 10, 1), WEEKDAYS_ONLY)
    assert not is_working_day(date(2025, 10, 11), WEEKDAYS_ONLY)


def test_data_file_is_consistent():
    assert holidays_cn.COVERED_YEARS == {2025, 2026}
    assert not holidays_cn.HOLIDAYS & holidays_cn.MAKEUP_WORKDAYS
    assert all(d.weekday() >= 5 for d in holidays_cn.MAKEUP_WORKDAYS)
    assert {d.year for d in holidays_cn.HOLIDAYS | holidays_cn.MAKEUP_WORKDAYS} == {2025, 2026}
    # 2025: 261 weekdays - 18 holiday weekdays + 5 make-up days = 248 working days;
    # 2026 likewise: 261 - 19 + 6.
    for year in (2025, 2026):
        first = date(year, 1, 1)
        days = [first + timedelta(days=i) for i in range(365)]
        assert sum(is_working_day(d) for d in days) == 248, year
