"""Full years (周岁) and coming of age as Chinese law counts them (kiosk/domain/age.py).

Civil Code arts. 17, 200-203 and 1259; the Supreme People's Court's 法释〔2006〕1号 art. 2:
按照公历的年、月、日计算，从周岁生日的第二天起算. The expected days are written out by hand."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kiosk.domain.age import adult_from, age_on, anniversary, is_adult_on, last_day_as_minor
from kiosk.domain.clock import business_date


@pytest.mark.parametrize("birth, adult, last_minor_day", [
    (date(2008, 3, 15), date(2026, 3, 16), date(2026, 3, 15)),
    (date(2008, 2, 29), date(2026, 3, 1), date(2026, 2, 28)),  # no 29 February in 2026: the month's last day
    (date(2008, 12, 31), date(2027, 1, 1), date(2026, 12, 31)),
    (date(2009, 1, 1), date(2027, 1, 2), date(2027, 1, 1)),
    (date(2008, 2, 28), date(2026, 3, 1), date(2026, 2, 28)),
])
def test_adult_from_the_day_after_the_eighteenth_birthday(birth, adult, last_minor_day):
    assert adult_from(birth) == adult
    assert last_day_as_minor(birth) == last_minor_day
    assert not is_adult_on(birth, last_minor_day)
    assert is_adult_on(birth, adult)


def test_the_day_before_the_birthday_and_the_birthday_itself_are_still_a_minors():
    birth = date(2008, 3, 15)
    assert [is_adult_on(birth, date(2026, 3, d)) for d in (14, 15, 16, 17)] == [False, False, True, True]
    assert [age_on(birth, date(2026, 3, d)) for d in (14, 15, 16)] == [17, 17, 18]


def test_born_on_29_february():
    birth = date(2008, 2, 29)
    assert anniversary(birth, 18) == date(2026, 2, 28)
    assert anniversary(birth, 4) == date(2012, 2, 29)  # a leap year has the day itself
    assert [age_on(birth, d) for d in (date(2012, 2, 29), date(2012, 3, 1))] == [3, 4]
    assert [age_on(birth, d) for d in (date(2026, 2, 28), date(2026, 3, 1))] == [17, 18]


def test_the_published_example():
    """小明 2017-05-20 出生: 2018-05-20 is the last day he is under one; one from 2018-05-21."""
    assert age_on(date(2017, 5, 20), date(2018, 5, 20)) == 0
    assert age_on(date(2017, 5, 20), date(2018, 5, 21)) == 1
    assert age_on(date(2017, 5, 20), date(2017, 5, 20)) == 0
    with pytest.raises(ValueError):
        age_on(date(2017, 5, 20), date(2017, 5, 19))


@pytest.mark.parametrize("utc, adult", [
    (datetime(2026, 3, 15, 15, 59, 59, tzinfo=UTC), False),  # 23:59:59 on the birthday in Shanghai
    (datetime(2026, 3, 15, 16, 0, tzinfo=UTC), True),  # 00:00 the next day in Shanghai, still the 15th in UTC
    (datetime(2026, 3, 15, 23, 59, tzinfo=UTC), True),
    (datetime(2026, 3, 14, 16, 0, tzinfo=UTC), False),  # the birthday begins in Shanghai
])
def test_the_day_is_the_business_date_in_shanghai(utc, adult):
    assert is_adult_on(date(2008, 3, 15), business_date(utc)) is adult


def _patient(is_minor: bool, guardian: str | None = "P000003", birth: date = date(2009, 1, 10)):
    from kiosk.domain.models import Patient

    return Patient("P000011", "黄子涵", "35021120090110061X", "F", birth, is_minor, guardian, None)


def _account():
    from kiosk.domain.models import Account

    return Account("CA000003", "active", 300_000, 0, 300_000)


def test_who_may_no_longer_use_a_guardians_line():
    from kiosk.domain.settlement import guardian_line_ended

    day_after, birthday = date(2027, 1, 11), date(2027, 1, 10)
    # the platform gave the guardian's line to a minor: still theirs on the birthday, not the day after
    assert not guardian_line_ended(_patient(True), _account(), birthday)
    assert guardian_line_ended(_patient(True), _account(), day_after)
    # the platform no longer gives an adult with a guardian on record any line: come of age
    assert guardian_line_ended(_patient(False), None, day_after)
    # their own account once opened; a minor whose guardian has none; nobody's ward
    assert not guardian_line_ended(_patient(False), _account(), day_after)
    assert not guardian_line_ended(_patient(True), None, birthday)
    assert not guardian_line_ended(_patient(False, guardian=None), None, day_after)
