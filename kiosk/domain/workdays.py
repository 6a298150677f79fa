"""Working days in mainland China: weekends, public holidays and make-up working days.

Pure functions over a :class:`Calendar`; the official data is in
``kiosk.domain.holidays_cn`` (updated yearly). For a year the calendar does not cover,
the rule falls back to weekdays (Monday to Friday) less the holidays whose dates the law
fixes (New Year's Day, Labour Day, National Day): the lunar holidays and the make-up days of
that year are not known, so the count may be wrong around them, and ``Calendar.covers(year)``
tells callers when that happens.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from kiosk.domain import holidays_cn


@dataclass(frozen=True)
class Calendar:
    """Holidays and make-up working days (调休) of the years it covers; other years count Monday to
    Friday less the holidays ``fixed`` knows."""

    holidays: frozenset[date]
    makeup_workdays: frozenset[date]
    years: frozenset[int]
    #: A year it does not cover -> the holidays known anyway (the law's fixed dates); None: none.
    fixed: Callable[[int], frozenset[date]] | None = None

    def covers(self, year: int) -> bool:
        return year in self.years


CN_CALENDAR = Calendar(holidays_cn.HOLIDAYS, holidays_cn.MAKEUP_WORKDAYS,
                       holidays_cn.COVERED_YEARS, holidays_cn.fixed_statutory_days)
#: No holiday data: Monday to Friday.
WEEKDAYS_ONLY = Calendar(frozenset(), frozenset(), frozenset())


def is_working_day(day: date, calendar: Calendar = CN_CALENDAR) -> bool:
    if calendar.covers(day.year):
        if day in calendar.makeup_workdays:
            return True
        if day in calendar.holidays:
            return False
    elif calendar.fixed is not None and day in calendar.fixed(day.year):
        return False
    return day.weekday() < 5


def add_working_days(day: date, n: int, calendar: Calendar = CN_CALENDAR) -> date:
    """The ``n``-th working day after ``day`` (``day`` itself is not counted; n >= 0).

    ``add_working_days(d, 0)`` is ``d``.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    current = day
    left = n
    while left:
        current += timedelta(days=1)
        if is_working_day(current, calendar):
            left -= 1
    return current
