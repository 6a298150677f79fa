"""Age in full years (周岁) and coming of age, by the Gregorian calendar, on business dates
(Asia/Shanghai).

The rule followed is issue 11's: a minor leaves the guardian's line *from the birthday*. The
patient is 18 周岁, an adult (Civil Code art. 17, 十八周岁以上的自然人为成年人), from 00:00 of
the 18th birthday itself; the day before, the guardian's line may still be used. Each year of
age likewise counts from the birthday (born 1949-12-31: 77 on 2026-12-31). Born on 29 February:
in a year without that day the birthday is taken as 28 February, the month's last day (as art.
202 ends a period that has no corresponding day), so adult from 28 February.

Not what every text says: the Civil Code's period rules (arts. 201-203: the first day not
counted, the last day ending at 24:00) and the Supreme People's Court's interpretation for
juvenile criminal cases (法释〔2006〕1号 art. 2: 从周岁生日的第二天起算) count a full year from
the day *after* the birthday. Switching to that is one line: :data:`FROM_DAY_AFTER` below.

The day that counts is a business date in Asia/Shanghai: a UTC clock at 16:00-23:59 is already
the next day (:func:`kiosk.domain.clock.business_date`). Pure: dates in, dates and numbers out.
"""
from __future__ import annotations

from datetime import date, timedelta

from kiosk.domain import periods

ADULT_AGE = 18

#: Days from the birthday to the first day of the new year of age: 0, the birthday itself
#: (issue 11); 1 would be the Civil Code's period count and 法释〔2006〕1号's, the day after.
FROM_DAY_AFTER = 0


def birthday(birth: date, years: int) -> date:
    """The ``years``-th birthday: the corresponding day, or the last day of that month when it
    has none (born 29 February: the 28th in a common year)."""
    return periods.last_day(birth, years=years)


def full_years_from(birth: date, years: int) -> date:
    """The first day on which someone born on ``birth`` is ``years`` 周岁 (born 2008-03-15: 18
    from 2026-03-15; born 2008-02-29: 18 from 2026-02-28)."""
    return birthday(birth, years) + timedelta(days=FROM_DAY_AFTER)


def age_on(birth: date, day: date) -> int:
    """Full years (周岁) on ``day``: 0 until the first birthday, 1 from it."""
    if day < birth:
        raise ValueError("a day before the birth")
    years = day.year - birth.year
    while years > 0 and full_years_from(birth, years) > day:
        years -= 1
    return years


def adult_from(birth: date, adult_age: int = ADULT_AGE) -> date:
    """The first day on which the patient is an adult (the 18th birthday)."""
    return full_years_from(birth, adult_age)


def is_adult_on(birth: date, day: date, adult_age: int = ADULT_AGE) -> bool:
    return day >= adult_from(birth, adult_age)


def last_day_as_minor(birth: date, adult_age: int = ADULT_AGE) -> date:
    """The last day a guardian's credit line may be used for the patient (the day before the
    18th birthday)."""
    return adult_from(birth, adult_age) - timedelta(days=1)
