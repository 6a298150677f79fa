"""How the insurance service writes its answers: JSON whose amounts are JSON numbers with exactly
the digits of their text (``4.52``, ``-25.10``), as recorded replies write them, never via float."""
from __future__ import annotations

import json
import re

_NUMBER = re.compile(r'"\\u0000(-?\d+(?:\.\d+)?)\\u0000"')


class Number(str):
    """A value written as a JSON number: ``Number("4.52")`` -> ``4.52``."""


def _mark(value: object) -> object:
    if isinstance(value, Number):
        return f"\u0000{value}\u0000"
    if isinstance(value, dict):
        return {k: _mark(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark(v) for v in value]
    return value


def number_json(message: object) -> bytes:
    """JSON with every :class:`Number` written as a number, exactly as its text."""
    return _NUMBER.sub(r"\1", json.dumps(_mark(message), ensure_ascii=False, separators=(",", ":"))).encode()
