"""Amounts in words (中文大写) against the examples the People's Bank of China publishes in
"正确填写票据和结算凭证的基本规定" (and its textbook companions), not values the code computed."""
from __future__ import annotations

import pytest

from kiosk.domain.amount_words import amount_in_words


@pytest.mark.parametrize("fen, words", [
    (140950, "壹仟肆佰零玖元伍角"),          # ￥1,409.50
    (600714, "陆仟零柒元壹角肆分"),          # ￥6,007.14
    (168032, "壹仟陆佰捌拾元零叁角贰分"),     # ￥1,680.32
    (10700053, "壹拾万柒仟元零伍角叁分"),     # ￥107,000.53
    (32504, "叁佰贰拾伍元零肆分"),           # ￥325.04
    (1000, "壹拾元整"),                     # ￥10.00: 壹拾, never 拾
    (10050000, "壹拾万零伍佰元整"),          # ￥100,500.00
    (50, "伍角"),
    (5, "伍分"),
    (0, "零元整"),
])
def test_the_published_examples(fen, words):
    assert amount_in_words(fen) == words


def test_negative_is_a_bug():
    with pytest.raises(ValueError):
        amount_in_words(-1)
