"""Money in integer fen: display, typed input and splitting."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kiosk.domain.money import format_cny, parse_yuan, split_evenly, yuan

_fast = hsettings(database=None, deadline=None)

FULL_WIDTH_YUAN = "\uffe5"  # ￥
HALF_WIDTH_YEN = "\u00a5"   # ¥


@pytest.mark.parametrize("fen, text", [
    (0, "0.00"),
    (1, "0.01"),
    (99, "0.99"),
    (100, "1.00"),
    (12345, "123.45"),
    (300000, "3000.00"),
    (-1, "-0.01"),
    (-99, "-0.99"),
    (-100, "-1.00"),
    (-12345, "-123.45"),
])
def test_yuan_and_format_cny(fen, text):
    assert yuan(fen) == text
    assert format_cny(fen) == FULL_WIDTH_YUAN + text


def test_format_cny_uses_the_full_width_sign():
    shown = format_cny(12345)
    assert shown == "￥123.45"
    assert shown[0] == "\uffe5"
    assert HALF_WIDTH_YEN not in shown
    # GB18030 receipt printers can encode it
    assert shown.encode("gb18030").decode("gb18030") == shown


@pytest.mark.parametrize("bad", [1.0, 0.5, 123.45, True, False, Decimal("1.00"), "100", None])
def test_non_integer_amounts_refused(bad):
    with pytest.raises(TypeError):
        yuan(bad)
    with pytest.raises(TypeError):
        format_cny(bad)


@pytest.mark.parametrize("text, fen", [
    ("0", 0),
    ("12", 1200),
    ("12.3", 1230),
    ("12.30", 1230),
    ("12.03", 1203),
    ("0.01", 1),
    ("-0.05", -5),
    ("-123.45", -12345),
    ("  7.5 ", 750),
])
def test_parse_yuan(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", [
    "1.234", "abc", "1,00", "1,000.00", "", " ", "1.", ".5", "1e3", "12.3.4", "￥12.30", "- 1", "nan",
])
def test_parse_yuan_refuses(text):
    with pytest.raises(ValueError):
        parse_yuan(text)


@_fast
@given(st.integers(min_value=-10**15, max_value=10**15))
def test_parse_yuan_round_trips_yuan(fen):
    assert parse_yuan(yuan(fen)) == fen


@_fast
@given(st.integers())
def test_parse_yuan_round_trips_any_int(fen):
    assert parse_yuan(yuan(fen)) == fen


def test_split_evenly_example():
    assert split_evenly(100, 3) == [34, 33, 33]
    assert split_evenly(99, 3) == [33, 33, 33]
    assert split_evenly(2, 5) == [1, 1, 0, 0, 0]


@_fast
@given(st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=1, max_value=60))
def test_split_evenly_sums_exactly_and_differs_by_at_most_one(total, parts):
    amounts = split_evenly(total, parts)
    assert len(amounts) == parts
    assert sum(amounts) == total
    assert max(amounts) - min(amounts) <= 1
    assert all(isinstance(a, int) and not isinstance(a, bool) for a in amounts)


@pytest.mark.parametrize("parts", [0, -1])
def test_split_evenly_needs_at_least_one_part(parts):
    with pytest.raises(ValueError):
        split_evenly(100, parts)


@pytest.mark.parametrize("text", ["１２.５", "٣"])
def test_non_ascii_digits_are_not_amounts(text):
    with pytest.raises(ValueError):
        parse_yuan(text)
