"""Full years (周岁) and coming of age (kiosk/domain/age.py): issue 11's rule, an adult from the
18th birthday itself (00:00 Asia/Shanghai); born on 29 February, the birthday of a common year is
28 February (the month's last day, as Civil Code art. 202 ends a period without the day). The
expected days are written out by hand."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kiosk.domain.age import adult_from, age_on, birthday, is_adult_on, last_day_as_minor
from kiosk.domain.clock import business_date


@pytest.mark.parametrize("birth, adult, last_minor_day", [
    (date(2008, 3, 15), date(2026, 3, 15), date(2026, 3, 14)),
    (date(2008, 2, 29), date(2026, 2, 28), date(2026, 2, 27)),  # no 29 February in 2026: the month's last day
    (date(2008, 12, 31), date(2026, 12, 31), date(2026, 12, 30)),
    (date(2009, 1, 1), date(2027, 1, 1), date(2026, 12, 31)),  # the day before is in the year before
    (date(2008, 3, 1), date(2026, 3, 1), date(2026, 2, 28)),
    (date(2008, 2, 28), date(2026, 2, 28), date(2026, 2, 27)),  # a day older than 29 February, same day
])
def test_adult_from_the_eighteenth_birthday_itself(birth, adult, last_minor_day):
    assert adult_from(birth) == adult
    assert last_day_as_minor(birth) == last_minor_day
    assert not is_adult_on(birth, last_minor_day)
    assert is_adult_on(birth, adult)


def test_the_day_before_the_birthday_is_a_minors_the_birthday_an_adults():
    birth = date(2008, 3, 15)
    assert [is_adult_on(birth, date(2026, 3, d)) for d in (13, 14, 15, 16)] == [False, False, True, True]
    assert [age_on(birth, date(2026, 3, d)) for d in (14, 15, 16)] == [17, 18, 18]


def test_born_on_29_february():
    birth = date(2008, 2, 29)
    assert birthday(birth, 18) == date(2026, 2, 28)
    assert birthday(birth, 4) == date(2012, 2, 29)  # a leap year has the day itself
    assert [age_on(birth, d) for d in (date(2012, 2, 28), date(2012, 2, 29), date(2012, 3, 1))] == [3, 4, 4]
    assert [age_on(birth, d) for d in (date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1))] == [17, 18, 18]
    assert [is_adult_on(birth, d) for d in (date(2026, 2, 27), date(2026, 2, 28))] == [False, True]


def test_years_of_age_count_from_the_birthday():
    """Born 2017-05-20: 0 until 2018-05-19, 1 on 2018-05-20; born 1949-12-31: 77 on 2026-12-31."""
    assert age_on(date(2017, 5, 20), date(2018, 5, 19)) == 0
    assert age_on(date(2017, 5, 20), date(2018, 5, 20)) == 1
    assert age_on(date(2017, 5, 20), date(2017, 5, 20)) == 0
    assert [age_on(date(1949, 12, 31), date(2026, 12, d)) for d in (30, 31)] == [76, 77]
    with pytest.raises(ValueError):
        age_on(date(2017, 5, 20), date(2017, 5, 19))


@pytest.mark.parametrize("utc, adult", [
    (datetime(2026, 3, 14, 15, 59, 59, tzinfo=UTC), False),  # 23:59:59 the day before, in Shanghai
    (datetime(2026, 3, 14, 16, 0, tzinfo=UTC), True),  # 00:00 on the birthday in Shanghai, still the 14th in UTC
    (datetime(2026, 3, 14, 23, 59, tzinfo=UTC), True),
    (datetime(2026, 3, 13, 16, 0, tzinfo=UTC), False),  # the day before begins in Shanghai
])
def test_the_day_is_the_business_date_in_shanghai(utc, adult):
    assert is_adult_on(date(2008, 3, 15), business_date(utc)) is adult


def _patient(is_minor: bool, guardian: str | None = "P000003", birth: date = date(2009, 1, 10),
             guardian_line_ended: bool = False):
    from kiosk.domain.models import Patient

    return Patient("P000011", "黄子涵", "35021120090110061X", "F", birth, is_minor, guardian, None,
                   guardian_line_ended)


def _account():
    from kiosk.domain.models import Account

    return Account("CA000003", "active", 300_000, 0, 300_000)


def test_who_may_no_longer_use_a_guardians_line():
    from kiosk.domain.settlement import guardian_line_ended

    day_before, birthday_ = date(2027, 1, 9), date(2027, 1, 10)
    # the platform gave the guardian's line to a minor: still theirs the day before, not on the birthday
    assert not guardian_line_ended(_patient(True), _account(), day_before)
    assert guardian_line_ended(_patient(True), _account(), birthday_)
    # with no account, the platform says it (the lookup's guardian_line_ended)
    assert guardian_line_ended(_patient(False, guardian_line_ended=True), None, birthday_)
    # an adult with a guardian on record and no account, of whom the platform does not say it (the
    # guardian never had the service, or closed it earlier): no line was left, none to offer
    assert not guardian_line_ended(_patient(False), None, birthday_)
    # their own account once opened; a minor whose guardian has none; nobody's ward
    assert not guardian_line_ended(_patient(False), _account(), birthday_)
    assert not guardian_line_ended(_patient(True), None, day_before)
    assert not guardian_line_ended(_patient(False, guardian=None), None, birthday_)
