"""Documents as JSON, for the reprint queue: a slip or a statement is stored with its
rendered PDF and rebuilt later through its own constructor, which checks the masking again.

Row values keep their type: ``["f", fen]``, ``["d", "2025-06-12"]`` (a date),
``["t", "2025-06-12T09:30:00+08:00"]`` (an aware time), ``["s", text]``.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from .documents import ReceiptLine, Slip, SlipRow, Statement, StatementLine

__all__ = ["dumps", "loads", "KINDS"]

KINDS = ("slip", "statement")
_VERSION = 1


def _value(v) -> list:
    if isinstance(v, datetime):
        return ["t", v.isoformat()]
    if isinstance(v, date):
        return ["d", v.isoformat()]
    if isinstance(v, int):
        return ["f", v]
    return ["s", v]


def _unvalue(tagged: list):
    tag, v = tagged
    if tag == "t":
        return datetime.fromisoformat(v)
    if tag == "d":
        return date.fromisoformat(v)
    if tag == "f":
        if not isinstance(v, int) or isinstance(v, bool):
            raise ValueError("fen must be an integer")
        return v
    if tag == "s":
        return str(v)
    raise ValueError(f"unknown value tag {tag!r}")


def _row(row: SlipRow) -> list:
    return [row.label, _value(row.value), row.style]


def _unrow(data: list) -> SlipRow:
    return SlipRow(data[0], _unvalue(data[1]), data[2])


def _slip(s: Slip) -> dict[str, Any]:
    return {
        "title": s.title, "hospital": s.hospital, "terminal_id": s.terminal_id,
        "printed_at": s.printed_at.isoformat(), "masked_id": s.masked_id, "masked_name": s.masked_name,
        "reference": s.reference, "rows": [_row(r) for r in s.rows],
        "lines": [[line.name, line.quantity, line.amount_fen] for line in s.lines],
        "totals": [_row(r) for r in s.totals],
        "highlight": _row(s.highlight) if s.highlight is not None else None,
        "qr_payload": s.qr_payload, "reference_label": s.reference_label, "note": s.note, "copy": s.copy,
    }


def _unslip(d: dict) -> Slip:
    return Slip(
        title=d["title"], hospital=d["hospital"], terminal_id=d["terminal_id"],
        printed_at=datetime.fromisoformat(d["printed_at"]), masked_id=d["masked_id"],
        masked_name=d["masked_name"], reference=d["reference"],
        rows=tuple(_unrow(r) for r in d["rows"]),
        lines=tuple(ReceiptLine(n, q, a) for n, q, a in d["lines"]),
        totals=tuple(_unrow(r) for r in d["totals"]),
        highlight=_unrow(d["highlight"]) if d["highlight"] is not None else None,
        qr_payload=d["qr_payload"], reference_label=d["reference_label"], note=d["note"],
        copy=bool(d["copy"]),
    )


def _statement(s: Statement) -> dict[str, Any]:
    return {
        "title": s.title, "hospital": s.hospital, "masked_id": s.masked_id, "masked_name": s.masked_name,
        "period": s.period,
        "lines": [[line.date.isoformat(), line.code, line.name, line.category, line.quantity,
                   line.unit_price_fen, line.amount_fen, line.insurance_class, line.self_paid_fen]
                  for line in s.lines],
        "totals": [list(t) for t in s.totals], "reference": s.reference,
        "printed_at": s.printed_at.isoformat(), "copy": s.copy, "info": [list(i) for i in s.info],
        "qr_payload": s.qr_payload,
    }


def _unstatement(d: dict) -> Statement:
    return Statement(
        title=d["title"], hospital=d["hospital"], masked_id=d["masked_id"], masked_name=d["masked_name"],
        period=d["period"],
        lines=tuple(_unline(line) for line in d["lines"]),
        totals=tuple((label, fen) for label, fen in d["totals"]), reference=d["reference"],
        printed_at=datetime.fromisoformat(d["printed_at"]), copy=bool(d["copy"]),
        info=tuple((label, text) for label, text in d["info"]), qr_payload=d["qr_payload"],
    )


def _unline(data: list) -> StatementLine:
    """A statement line; one stored before lines had their class and self-paid part has 7 fields."""
    day, *rest = data
    if len(rest) not in (6, 8):
        raise ValueError("a statement line has 7 or 9 fields")
    return StatementLine(date.fromisoformat(day), *rest)


def dumps(doc: Slip | Statement) -> str:
    if isinstance(doc, Slip):
        body = {"kind": "slip", "v": _VERSION, "doc": _slip(doc)}
    elif isinstance(doc, Statement):
        body = {"kind": "statement", "v": _VERSION, "doc": _statement(doc)}
    else:
        raise TypeError(f"cannot serialise {type(doc).__name__}")
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads(text: str) -> Slip | Statement:
    """The document back; ``ValueError`` if the text is not one (or fails the model's checks)."""
    try:
        body = json.loads(text)
        kind, doc = body["kind"], body["doc"]
        if body.get("v") != _VERSION:
            raise ValueError(f"unknown document version {body.get('v')!r}")
        if kind == "slip":
            return _unslip(doc)
        if kind == "statement":
            return _unstatement(doc)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a stored document: {type(exc).__name__}") from None
    raise ValueError(f"unknown document kind {kind!r}")
