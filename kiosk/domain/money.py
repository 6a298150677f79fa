"""Money in integer fen (1 yuan = 100 fen). Never floats."""
from __future__ import annotations

import re

_YUAN = re.compile(r"^\s*(-)?([0-9]+)(?:\.([0-9]{1,2}))?\s*$")


def yuan(fen: int) -> str:
    """``12345`` -> ``'123.45'``; negative amounts keep their sign."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError("money must be integer fen")
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole}.{part:02d}"


def format_cny(fen: int) -> str:
    """With the full-width yuan sign, which GB18030 printers render correctly."""
    return "￥" + yuan(fen)


def parse_yuan(text: str) -> int:
    """``'12.3'`` -> ``1230``. Rejects more than two decimals and anything not a number."""
    m = _YUAN.match(text)
    if not m:
        raise ValueError("not an amount in yuan")
    sign, whole, part = m.groups()
    fen = int(whole) * 100 + int((part or "0").ljust(2, "0"))
    return -fen if sign else fen


def split_evenly(total: int, parts: int) -> list[int]:
    """Split fen into ``parts`` amounts that differ by at most one fen and add up exactly."""
    if parts <= 0:
        raise ValueError("parts must be positive")
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]
