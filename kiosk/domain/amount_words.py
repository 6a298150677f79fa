"""An amount in words the way Chinese payment documents write it (中文大写金额).

The rules are the People's Bank of China's "正确填写票据和结算凭证的基本规定": the digits
零壹贰叁肆伍陆柒捌玖 with the units 拾佰仟万亿 (拾 always with its digit: 壹拾), then 元角分;
整 after 元 when there are no 角 and 分 (none after 角 or 分); one 零 for a run of zeros
inside the number, and 零 before 角 when the 元 digit is 0, or before 分 when 角 is 0. Where
the rules allow either, this writes no 零 across the 万 boundary (壹拾万柒仟元, as their
own first example).
"""
from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")
_GROUPS = ("", "万", "亿", "万亿")


def _integer(n: int) -> str:
    groups = []
    while n:
        groups.append(n % 10_000)
        n //= 10_000
    out = ""
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        pending_zero = False
        for place, digit in zip(_PLACES, f"{group:04d}"):
            d = int(digit)
            if d == 0:
                pending_zero = pending_zero or bool(out)
                continue
            if pending_zero:
                out += "零"
                pending_zero = False
            out += DIGITS[d] + place
        out += _GROUPS[index]
    return out


def amount_in_words(fen: int) -> str:
    """``fen`` (0 or more) as 人民币大写, e.g. 140950 -> 壹仟肆佰零玖元伍角."""
    if fen < 0:
        raise ValueError("an amount in words is never negative")
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    if fen == 0:
        return "零元整"
    out = _integer(yuan) + "元" if yuan else ""
    if not jiao and not cents:
        return out + "整"
    if jiao:
        if yuan and yuan % 10 == 0:
            out += "零"
        out += DIGITS[jiao] + "角"
    if cents:
        if yuan and not jiao:
            out += "零"
        out += DIGITS[cents] + "分"
    return out
