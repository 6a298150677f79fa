"""China's official public-holiday arrangements (放假安排), as data.

Source: the General Office of the State Council's yearly notice on holiday
arrangements (国务院办公厅关于<year>年部分节假日安排的通知), published each
November/December for the following year.

MAINTENANCE: this module must be updated every year when the notice for the next
year is published: add the year to ``COVERED_YEARS`` and its dates below. Years that are
not covered fall back to plain weekdays (Monday to Friday are working days) in
``kiosk.domain.workdays``, which says so through ``Calendar.covers()``.

Covered years: 2025, 2026.

``HOLIDAYS``: days off that would otherwise be working days or fall in a holiday block
(weekends inside a block are listed too, for clarity). ``MAKEUP_WORKDAYS`` (调休上班):
weekend days declared working days.

``fixed_statutory_days(year)``: for a year the notice has not reached this module yet, the
holidays whose dates the law itself fixes (全国年节及纪念日放假办法, Art. 2, as amended by State
Council Decree No. 795, in force from 2025: New Year's Day 1 January, Labour Day 1 and 2 May,
National Day 1 to 3 October; before 2025 Labour Day was 1 May only). The lunar holidays
(Spring Festival, Qingming, Dragon Boat, Mid-Autumn) and the make-up days are the notice's.
"""
from __future__ import annotations

from datetime import date, timedelta


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


COVERED_YEARS: frozenset[int] = frozenset({2025, 2026})

HOLIDAYS: frozenset[date] = frozenset([
    # 2025 (国办发明电〔2024〕12号)
    date(2025, 1, 1),                                   # New Year's Day
    *_span(date(2025, 1, 28), date(2025, 2, 4)),        # Spring Festival
    *_span(date(2025, 4, 4), date(2025, 4, 6)),         # Qingming
    *_span(date(2025, 5, 1), date(2025, 5, 5)),         # Labour Day
    *_span(date(2025, 5, 31), date(2025, 6, 2)),        # Dragon Boat Festival
    *_span(date(2025, 10, 1), date(2025, 10, 8)),       # National Day + Mid-Autumn
    # 2026
    *_span(date(2026, 1, 1), date(2026, 1, 3)),         # New Year's Day
    *_span(date(2026, 2, 15), date(2026, 2, 23)),       # Spring Festival
    *_span(date(2026, 4, 4), date(2026, 4, 6)),         # Qingming
    *_span(date(2026, 5, 1), date(2026, 5, 5)),         # Labour Day
    *_span(date(2026, 6, 19), date(2026, 6, 21)),       # Dragon Boat Festival
    *_span(date(2026, 9, 25), date(2026, 9, 27)),       # Mid-Autumn Festival
    *_span(date(2026, 10, 1), date(2026, 10, 7)),       # National Day
])

MAKEUP_WORKDAYS: frozenset[date] = frozenset([
    # 2025
    date(2025, 1, 26), date(2025, 2, 8),                # Spring Festival
    date(2025, 4, 27),                                  # Labour Day
    date(2025, 9, 28), date(2025, 10, 11),              # National Day + Mid-Autumn
    # 2026
    date(2026, 1, 4),                                   # New Year's Day
    date(2026, 2, 14), date(2026, 2, 28),               # Spring Festival
    date(2026, 5, 9),                                   # Labour Day
    date(2026, 9, 20), date(2026, 10, 10),              # National Day
])


def fixed_statutory_days(year: int) -> frozenset[date]:
    """The holidays of ``year`` whose dates the law fixes (see the module's docstring)."""
    labour = [date(year, 5, 1), date(year, 5, 2)] if year >= 2025 else [date(year, 5, 1)]
    return frozenset([date(year, 1, 1), *labour, *_span(date(year, 10, 1), date(year, 10, 3))])
