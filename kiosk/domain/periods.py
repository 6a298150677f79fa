"""Periods counted in calendar months and years, as the Civil Code counts them (arts. 200-203).

By the Gregorian calendar; a period counted in months or years does not count the day it
starts and runs from the next day (art. 201); it ends on the corresponding day of its last
month, or on that month's last day when the month has none (art. 202); the last day ends at
24:00 (art. 203). One month from 31 January ends on 28 February (29 in a leap year); from
15 January, on 15 February.

Used for full years of age (``kiosk.domain.age``) and for "overdue for over a month"
(``kiosk.domain.policy.OverdueRule``). Pure: dates in, dates out.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta


def last_day(start: date, *, months: int = 0, years: int = 0) -> date:
    """The last day of a period of ``years`` years and ``months`` months that starts on
    ``start`` (the day of the event, itself not counted)."""
    if months < 0 or years < 0:
        raise ValueError("a period runs forward")
    index = start.year * 12 + (start.month - 1) + years * 12 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def day_after(start: date, *, months: int = 0, years: int = 0) -> date:
    """The first day after such a period: from its 00:00 on, the period is over."""
    return last_day(start, months=months, years=years) + timedelta(days=1)
