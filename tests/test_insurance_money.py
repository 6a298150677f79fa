"""Properties of the interface's money: yuan text <-> integer fen, exactly, never through float."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.insurance import decode_json, encode_json, fen_to_yuan, yuan_to_fen

FEN = st.integers(min_value=-(10**16) + 1, max_value=10**16 - 1)  # 16,2: fourteen digits of yuan


@given(FEN)
def test_round_trip_through_the_text(fen):
    assert yuan_to_fen(fen_to_yuan(fen)) == fen


@given(st.integers(min_value=0, max_value=10**14 - 1), st.integers(min_value=0, max_value=99), st.booleans())
def test_decimal_text_is_read_digit_for_digit(whole, cents, negative):
    text = f"{'-' if negative else ''}{whole}.{cents:02d}"
    expected = (whole * 100 + cents) * (-1 if negative else 1)
    assert yuan_to_fen(text) == expected


@given(FEN)
def test_round_trip_through_a_message_as_text_and_as_a_json_number(fen):
    as_text = decode_json(encode_json({"amount": fen_to_yuan(fen)}))["amount"]
    as_number = decode_json('{"amount": ' + fen_to_yuan(fen) + "}")["amount"]
    assert isinstance(as_number, (Decimal, int))
    assert yuan_to_fen(as_text) == yuan_to_fen(as_number) == fen


@given(FEN, st.integers(min_value=1, max_value=9))
def test_a_third_decimal_is_refused(fen, digit):
    with pytest.raises(ValueError):
        yuan_to_fen(fen_to_yuan(fen) + str(digit))


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_no_float_is_ever_money(value):
    with pytest.raises(TypeError):
        yuan_to_fen(value)
