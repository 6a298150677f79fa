"""What goes on paper: plain, immutable values with no rendering logic.

The constructors refuse data that must never be printed, so a mistake upstream
fails loudly here instead of ending up on a slip the patient takes home:
an ID number or name that is not masked, a naive time, money that is not integer fen.

* :class:`Slip` — any document on the 80/58 mm thermal roll (``printing.receipt.render_slip``);
  :mod:`printing.slips` builds the ones of the credit-care journeys.
* :class:`Receipt` — the outpatient credit-settlement slip, one kind of :class:`Slip`.
* :class:`Statement` — an A4 itemised statement (``printing.statement.render_statement``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from kiosk.domain.clock import last_payable_day

__all__ = [
    "ReceiptLine", "Receipt", "SlipRow", "Slip", "RowValue", "ROW_STYLES",
    "StatementLine", "Statement",
]

# A masked resident ID shows at most the first 4 and last 4 characters.
_MAX_VISIBLE_ID_CHARACTERS = 8


def _check_fen(field: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{field} must be integer fen")


def _check_aware(field: str, value: datetime) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{field} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} must be timezone-aware")


def _check_person(masked_id: str, masked_name: str) -> None:
    if not isinstance(masked_id, str) or not isinstance(masked_name, str):
        raise ValueError("masked_id and masked_name must be text")
    visible = sum(1 for ch in masked_id if ch.isdigit() or ch in "Xx")
    if visible > _MAX_VISIBLE_ID_CHARACTERS or "*" not in masked_id:
        # Deliberately no value in the message: it may be a full ID number.
        raise ValueError("masked_id is not masked")
    if len(masked_name) > 1 and "*" not in masked_name:
        raise ValueError("masked_name is not masked")


def _check_reference(field: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} must not be empty")


@dataclass(frozen=True)
class ReceiptLine:
    """One itemised charge: ``name`` left, ``quantity`` as printed (e.g. "2盒"), amount in fen."""

    name: str
    quantity: str
    amount_fen: int

    def __post_init__(self) -> None:
        _check_fen("amount_fen", self.amount_fen)


#: What a row can show. ``int`` is an amount in fen (printed ``￥12.34``); ``date`` prints
#: as ``2025-06-12``; an aware ``datetime`` as business time ``2025-06-12 09:30``.
RowValue = str | int | date | datetime

#: ``plain``; ``bold``; ``total`` (bold, one point larger); ``paragraph`` (label on its
#: own line, the value wrapped beneath it at full width — for free text such as a reason).
ROW_STYLES = ("plain", "bold", "total", "paragraph")


@dataclass(frozen=True)
class SlipRow:
    """``label`` at the left margin, ``value`` flush right."""

    label: str
    value: RowValue
    style: str = "plain"

    def __post_init__(self) -> None:
        if not isinstance(self.label, str):
            raise ValueError("row label must be text")
        value = self.value
        if isinstance(value, datetime):
            _check_aware(f"{self.label} value", value)
        elif isinstance(value, (bool, float)) or not isinstance(value, (str, int, date)):
            # A float or Decimal is money that has lost its integer fen somewhere.
            raise ValueError(f"{self.label} value must be text, integer fen or a date")
        if self.style not in ROW_STYLES:
            raise ValueError(f"row style must be one of {ROW_STYLES}")


def _rows(field: str, rows: Iterable[SlipRow | tuple]) -> tuple[SlipRow, ...]:
    out = []
    for row in rows:
        if isinstance(row, SlipRow):
            out.append(row)
        elif isinstance(row, tuple) and len(row) in (2, 3):
            out.append(SlipRow(*row))
        else:
            raise ValueError(f"{field} must be SlipRow values or (label, value[, style]) tuples")
    return tuple(out)


@dataclass(frozen=True)
class Slip:
    """A document on the thermal roll (凭条), top to bottom:

    copy mark · hospital · title · terminal, time, masked name and ID · ``highlight``
    (one value in large type in a box, e.g. the queue number) · ``rows`` · item table
    (``lines``, optional) · ``totals`` · ``reference`` (labelled ``reference_label``) ·
    QR of ``qr_payload`` (the reference if ``None``) · ``note`` · copy mark.

    Rows may be given as :class:`SlipRow` or ``(label, value[, style])`` tuples.
    ``masked_id`` and ``masked_name`` must already be masked
    (``kiosk.domain.idnumber.mask_id`` / ``mask_name``); a value that still looks like a
    full ID number raises ``ValueError``.
    """

    title: str
    hospital: str
    terminal_id: str
    printed_at: datetime
    masked_id: str
    masked_name: str
    reference: str
    rows: tuple[SlipRow, ...] = ()
    lines: tuple[ReceiptLine, ...] = ()
    totals: tuple[SlipRow, ...] = ()
    highlight: SlipRow | None = None
    qr_payload: str | None = None
    reference_label: str = "流水号"
    note: str = ""
    copy: bool = False

    def __post_init__(self) -> None:
        _check_person(self.masked_id, self.masked_name)
        _check_aware("printed_at", self.printed_at)
        _check_reference("reference", self.reference)
        if self.qr_payload is not None:
            _check_reference("qr_payload", self.qr_payload)
        object.__setattr__(self, "rows", _rows("rows", self.rows))
        object.__setattr__(self, "totals", _rows("totals", self.totals))
        if self.highlight is not None:
            object.__setattr__(self, "highlight", _rows("highlight", [self.highlight])[0])
        lines = tuple(self.lines)
        if not all(isinstance(line, ReceiptLine) for line in lines):
            raise ValueError("lines must be ReceiptLine values")
        object.__setattr__(self, "lines", lines)

    def __repr__(self) -> str:
        return (
            f"Slip(title={self.title!r}, reference={self.reference!r}, "
            f"terminal_id={self.terminal_id!r}, masked_id={self.masked_id!r}, "
            f"rows={len(self.rows)}, lines={len(self.lines)}, totals={len(self.totals)}, "
            f"copy={self.copy})"
        )


@dataclass(frozen=True)
class Receipt:
    """A credit-settlement slip (凭条).

    ``masked_id`` and ``masked_name`` must already be masked
    (``kiosk.domain.idnumber.mask_id`` / ``mask_name``); a value that still looks
    like a full ID number raises ``ValueError``.
    """

    title: str
    hospital: str
    terminal_id: str
    printed_at: datetime
    masked_id: str
    masked_name: str
    lines: tuple[ReceiptLine, ...]
    total_fen: int
    fund_fen: int
    personal_fen: int
    booked_fen: int
    available_fen: int
    due_at: datetime | None
    reference: str
    copy: bool = False

    def __post_init__(self) -> None:
        _check_person(self.masked_id, self.masked_name)
        _check_aware("printed_at", self.printed_at)
        if self.due_at is not None:
            _check_aware("due_at", self.due_at)
        for field in ("total_fen", "fund_fen", "personal_fen", "booked_fen", "available_fen"):
            _check_fen(field, getattr(self, field))
        _check_reference("reference", self.reference)
        lines = tuple(self.lines)
        if not all(isinstance(line, ReceiptLine) for line in lines):
            raise ValueError("lines must be ReceiptLine values")
        object.__setattr__(self, "lines", lines)

    def as_slip(self) -> Slip:
        """The same document as a :class:`Slip` (what ``render_receipt`` prints)."""
        totals = [
            SlipRow("合计", self.total_fen, "total"),
            SlipRow("医保统筹支付", self.fund_fen),
            SlipRow("个人负担", self.personal_fen),
            SlipRow("信用额度记账", self.booked_fen, "bold"),
            SlipRow("剩余可用额度", self.available_fen),
        ]
        if self.due_at is not None:
            totals.append(SlipRow("还款截止", last_payable_day(self.due_at), "bold"))
        return Slip(
            title=self.title, hospital=self.hospital, terminal_id=self.terminal_id,
            printed_at=self.printed_at, masked_id=self.masked_id, masked_name=self.masked_name,
            reference=self.reference, lines=self.lines, totals=tuple(totals), copy=self.copy,
        )

    def __repr__(self) -> str:
        return (
            f"Receipt(reference={self.reference!r}, terminal_id={self.terminal_id!r}, "
            f"masked_id={self.masked_id!r}, lines={len(self.lines)}, total_fen={self.total_fen}, "
            f"copy={self.copy})"
        )


@dataclass(frozen=True)
class StatementLine:
    """One row of an itemised statement. ``date`` is a business date (not a datetime:
    use ``kiosk.domain.clock.business_date``); ``quantity`` is printed as given."""

    date: date
    code: str
    name: str
    category: str
    quantity: str
    unit_price_fen: int
    amount_fen: int

    def __post_init__(self) -> None:
        if isinstance(self.date, datetime) or not isinstance(self.date, date):
            raise ValueError("date must be a date (the business date), not a datetime")
        _check_fen("unit_price_fen", self.unit_price_fen)
        _check_fen("amount_fen", self.amount_fen)
        for field in ("code", "name", "category", "quantity"):
            if not isinstance(getattr(self, field), str):
                raise ValueError(f"{field} must be text")


@dataclass(frozen=True)
class Statement:
    """An A4 itemised statement, e.g. the inpatient discharge statement (住院费用清单).

    ``period`` is printed as given (e.g. "入院 2025-04-20　出院 2025-05-01（11天）");
    ``info`` adds ``(label, text)`` pairs to the header (住院号, 科室, ...).
    ``totals`` are ``(label, fen)`` rows printed after the table; a row labelled
    ``合计`` must equal the sum of the lines. ``qr_payload`` is what the QR code holds
    (the reference if ``None``; the kiosk prints a signed payload, see ``printing.signing``).
    """

    title: str
    hospital: str
    masked_id: str
    masked_name: str
    period: str
    lines: tuple[StatementLine, ...]
    totals: tuple[tuple[str, int], ...]
    reference: str
    printed_at: datetime
    copy: bool = False
    info: tuple[tuple[str, str], ...] = ()
    qr_payload: str | None = None

    def __post_init__(self) -> None:
        _check_person(self.masked_id, self.masked_name)
        _check_aware("printed_at", self.printed_at)
        _check_reference("reference", self.reference)
        if self.qr_payload is not None:
            _check_reference("qr_payload", self.qr_payload)
        lines = tuple(self.lines)
        if not all(isinstance(line, StatementLine) for line in lines):
            raise ValueError("lines must be StatementLine values")
        object.__setattr__(self, "lines", lines)
        totals = tuple(tuple(row) for row in self.totals)
        for row in totals:
            if len(row) != 2 or not isinstance(row[0], str):
                raise ValueError("totals must be (label, fen) pairs")
            _check_fen(f"total {row[0]}", row[1])
            if row[0] == "合计" and row[1] != self.total_fen:
                raise ValueError("合计 does not equal the sum of the lines")
        object.__setattr__(self, "totals", totals)
        info = tuple(tuple(pair) for pair in self.info)
        if not all(len(p) == 2 and all(isinstance(v, str) for v in p) for p in info):
            raise ValueError("info must be (label, text) pairs")
        object.__setattr__(self, "info", info)

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    def __repr__(self) -> str:
        return (
            f"Statement(title={self.title!r}, reference={self.reference!r}, "
            f"masked_id={self.masked_id!r}, lines={len(self.lines)}, copy={self.copy})"
        )
