"""Business time. Every timestamp is aware; business dates are in Asia/Shanghai."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC).astimezone(BUSINESS_TZ)


def business_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: business time must be aware")
    return moment.astimezone(BUSINESS_TZ).date()


def midnight(day: date) -> datetime:
    """00:00 of ``day`` in business time."""
    return datetime(day.year, day.month, day.day, tzinfo=BUSINESS_TZ)


def last_payable_day(due_at: datetime) -> date:
    """A bill due at 00:00 of a day can be paid up to the end of the day before:
    that day is what patients are shown and what receipts print."""
    return business_date(due_at - timedelta(microseconds=1))
