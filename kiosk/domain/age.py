"""Age in full years (周岁) and coming of age, by the Gregorian calendar, on business dates
(Asia/Shanghai).

Who is an adult: Civil Code art. 17, 十八周岁以上的自然人为成年人 (art. 1259: 以上 includes the
number itself); under 18 周岁 a minor. How full years are counted, arts. 200-203: by the
Gregorian calendar; a period counted in years does not count the day it starts and runs from
the next day; it ends on the corresponding day of its last year, or that month's last day
when the month has no such day; the last day ends at 24:00. So N full years from a birth on
day B are complete at 24:00 of the N-th birthday, and the person is N 周岁 from 00:00 of the
day after. The Supreme People's Court says the same of 周岁 in its interpretation on juvenile
criminal cases (法释〔2006〕1号, art. 2): 按照公历的年、月、日计算，从周岁生日的第二天起算.

Hence, for the credit service: on the 18th birthday itself the patient is still a minor (the
guardian's line may still be used); from the next day on they are an adult. Born on
29 February: in a year without that day the period ends on 28 February (art. 202), and the
patient is 18 from 1 March. (An 18th birthday never falls in a leap year: 18 is not a multiple
of 4.) The day that counts is a business date in Asia/Shanghai: a UTC clock at 16:00-23:59 is
already the next day (:func:`kiosk.domain.clock.business_date`).

Pure: dates in, dates and numbers out.
"""
from __future__ import annotations

from datetime import date, timedelta

from kiosk.domain import periods

ADULT_AGE = 18


def anniversary(birth: date, years: int) -> date:
    """The day ``years`` full years from ``birth`` end on (at 24:00): the corresponding day,
    or the last day of that month when it has none (29 February in a common year: the 28th)."""
    return periods.last_day(birth, years=years)


def full_years_from(birth: date, years: int) -> date:
    """The first day on which someone born on ``birth`` is ``years`` 周岁: the day after the
    anniversary (born 2008-03-15: 18 from 2026-03-16; born 2008-02-29: 18 from 2026-03-01)."""
    return anniversary(birth, years) + timedelta(days=1)


def age_on(birth: date, day: date) -> int:
    """Full years (周岁) on ``day``: 0 until the day after the first birthday."""
    if day < birth:
        raise ValueError("a day before the birth")
    years = day.year - birth.year
    while years > 0 and full_years_from(birth, years) > day:
        years -= 1
    return years


def adult_from(birth: date, adult_age: int = ADULT_AGE) -> date:
    """The first day on which the patient is an adult (the day after the 18th birthday)."""
    return full_years_from(birth, adult_age)


def is_adult_on(birth: date, day: date, adult_age: int = ADULT_AGE) -> bool:
    return day >= adult_from(birth, adult_age)


def last_day_as_minor(birth: date, adult_age: int = ADULT_AGE) -> date:
    """The last day a guardian's credit line may be used for the patient (the 18th birthday)."""
    return adult_from(birth, adult_age) - timedelta(days=1)
