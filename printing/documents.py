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

from .charges import category_order

__all__ = [
    "ReceiptLine", "Receipt", "SlipRow", "Slip", "RowValue", "ROW_STYLES", "payment_rows",
    "StatementLine", "Statement", "CategoryTotal", "INSURANCE_CLASSES",
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


def payment_rows(*, total_label: str, total_fen: int, fund_fen: int, personal_fen: int, booked_fen: int,
                 paid_fen: int = 0, channel: str = "", cash_fen: int = 0,
                 deposit_used_fen: int | None = None) -> list[SlipRow]:
    """Every part of a settled total, labelled as the patient reads them, after checking that
    they add up: ``total = 医保统筹支付 (fund) + 个人负担 (personal)`` and ``personal =
    预交金抵扣 (deposit used, inpatient only) + 信用额度记账 (booked on the credit line) +
    现场支付 (paid now through ``channel``, named on the next row) + 现金支付 (cash, only when
    there is some)``. Every part is printed, a zero one too: the patient sees what they did
    not pay as plainly as what they did."""
    amounts = {"total_fen": total_fen, "fund_fen": fund_fen, "personal_fen": personal_fen,
               "booked_fen": booked_fen, "paid_fen": paid_fen, "cash_fen": cash_fen}
    if deposit_used_fen is not None:
        amounts["deposit_used_fen"] = deposit_used_fen
    for name, value in amounts.items():
        _check_fen(name, value)
        if value < 0:
            raise ValueError(f"{name} must not be negative")
    if fund_fen + personal_fen != total_fen:
        raise ValueError("fund and personal do not add up to the total")
    if (deposit_used_fen or 0) + booked_fen + paid_fen + cash_fen != personal_fen:
        raise ValueError("deposit, booked, paid and cash do not add up to the personal share")
    if paid_fen > 0 and (not isinstance(channel, str) or not channel.strip()):
        raise ValueError("channel is required when part is paid on the spot")
    rows = [SlipRow(total_label, total_fen, "total"), SlipRow("医保统筹支付", fund_fen),
            SlipRow("个人负担", personal_fen)]
    if deposit_used_fen is not None:
        rows.append(SlipRow("预交金抵扣", deposit_used_fen))
    rows += [SlipRow("信用额度记账", booked_fen, "bold"), SlipRow("现场支付", paid_fen)]
    if paid_fen:
        rows.append(SlipRow("支付渠道", channel))
    if cash_fen:
        rows.append(SlipRow("现金支付", cash_fen))
    return rows


@dataclass(frozen=True)
class Receipt:
    """A credit-settlement slip (凭条).

    ``total = fund + personal`` and ``personal = booked + paid + cash``: the part booked on
    the credit line, the part paid on the spot through ``channel`` (the rest beyond the line,
    e.g. 扫码支付) and cash; the constructor refuses figures that do not add up.

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
    paid_fen: int = 0
    channel: str = ""
    cash_fen: int = 0
    #: the part on credit was queued while the credit platform did not answer: not yet confirmed by it (no line
    #: left or due date known yet)
    credit_pending: bool = False

    def __post_init__(self) -> None:
        _check_person(self.masked_id, self.masked_name)
        _check_aware("printed_at", self.printed_at)
        if self.due_at is not None:
            _check_aware("due_at", self.due_at)
        _check_fen("available_fen", self.available_fen)
        self._parts()  # checks that the figures add up
        _check_reference("reference", self.reference)
        lines = tuple(self.lines)
        if not all(isinstance(line, ReceiptLine) for line in lines):
            raise ValueError("lines must be ReceiptLine values")
        if lines and sum(line.amount_fen for line in lines) != self.total_fen:
            raise ValueError("the items do not add up to the total")
        object.__setattr__(self, "lines", lines)

    def _parts(self) -> list[SlipRow]:
        return payment_rows(total_label="合计", total_fen=self.total_fen, fund_fen=self.fund_fen,
                            personal_fen=self.personal_fen, booked_fen=self.booked_fen, paid_fen=self.paid_fen,
                            channel=self.channel, cash_fen=self.cash_fen)

    def as_slip(self) -> Slip:
        """The same document as a :class:`Slip` (what ``render_receipt`` prints)."""
        if self.credit_pending:
            totals = [*self._parts(), SlipRow("信用记账", "待信用平台确认", "bold")]
        else:
            totals = [*self._parts(), SlipRow("剩余可用额度", self.available_fen)]
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


#: The insurance classes an item row may show (收费项目等级): 甲 (fully within the fund's
#: list), 乙 (a share paid first by the patient), 丙 (outside the list, paid in full by the
#: patient); "" when the class is not known. ``printing.charges`` maps the national codes.
INSURANCE_CLASSES = ("甲", "乙", "丙")


@dataclass(frozen=True)
class StatementLine:
    """One row of an itemised statement. ``date`` is a business date (not a datetime:
    use ``kiosk.domain.clock.business_date``); ``quantity`` is printed as given;
    ``category`` is the printed category name (``printing.charges.category_name``).

    ``insurance_class`` is 甲, 乙 or 丙 ("" if unknown) and ``self_paid_fen`` the part of the
    amount the patient pays whatever the fund does (乙类 先行自付, 丙类 the whole amount)."""

    date: date
    code: str
    name: str
    category: str
    quantity: str
    unit_price_fen: int
    amount_fen: int
    insurance_class: str = ""
    self_paid_fen: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.date, datetime) or not isinstance(self.date, date):
            raise ValueError("date must be a date (the business date), not a datetime")
        _check_fen("unit_price_fen", self.unit_price_fen)
        _check_fen("amount_fen", self.amount_fen)
        _check_fen("self_paid_fen", self.self_paid_fen)
        for field in ("code", "name", "category", "quantity"):
            if not isinstance(getattr(self, field), str):
                raise ValueError(f"{field} must be text")
        if self.insurance_class not in ("", *INSURANCE_CLASSES):
            raise ValueError(f"insurance_class must be one of {INSURANCE_CLASSES} or empty")
        low, high = sorted((0, self.amount_fen))
        if not low <= self.self_paid_fen <= high:
            raise ValueError("self_paid_fen must lie between 0 and the amount")
        if self.insurance_class == "丙" and self.self_paid_fen != self.amount_fen:
            raise ValueError("a 丙 item is paid in full by the patient: self_paid_fen must be the amount")


@dataclass(frozen=True)
class CategoryTotal:
    """One row of a statement's summary by charge category: the amount, its part in each
    insurance class (甲, 乙, 丙; unknown classes under ""), and the self-paid part."""

    category: str
    amount_fen: int
    by_class: tuple[tuple[str, int], ...]
    self_paid_fen: int

    def of_class(self, mark: str) -> int:
        return dict(self.by_class).get(mark, 0)


#: The parts of a statement's 个人负担, by the labels printed.
_PERSONAL_PARTS = ("预交金抵扣", "信用额度记账", "现场支付", "现金支付")


@dataclass(frozen=True)
class Statement:
    """An A4 itemised statement, e.g. the inpatient discharge statement (住院费用清单).

    ``period`` is printed as given (e.g. "入院 2025-04-20　出院 2025-05-01（11天）");
    ``info`` adds ``(label, text)`` pairs to the header (住院号, 科室, ...).
    ``totals`` are ``(label, fen)`` rows printed after the table; a row labelled
    ``合计`` must equal the sum of the lines; with 医保统筹支付 and 个人负担 they must add up
    to it, and 个人负担 must equal its parts given (预交金抵扣, 信用额度记账, 现场支付,
    现金支付). ``qr_payload`` is what the QR code holds (the reference if ``None``; the
    kiosk prints a signed payload, see ``printing.signing``).

    The last page also sums the lines by category (:meth:`category_totals`).
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
        given = dict(totals)
        if "医保统筹支付" in given and "个人负担" in given \
                and given["医保统筹支付"] + given["个人负担"] != self.total_fen:
            raise ValueError("医保统筹支付 and 个人负担 do not add up to 合计")
        parts = [given[label] for label in _PERSONAL_PARTS if label in given]
        if "个人负担" in given and parts and sum(parts) != given["个人负担"]:
            raise ValueError("the parts of 个人负担 do not add up to it")
        if "个人负担" in given and sum(line.self_paid_fen for line in lines) > given["个人负担"]:
            raise ValueError("the self-paid parts exceed 个人负担")
        info = tuple(tuple(pair) for pair in self.info)
        if not all(len(p) == 2 and all(isinstance(v, str) for v in p) for p in info):
            raise ValueError("info must be (label, text) pairs")
        object.__setattr__(self, "info", info)

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    @property
    def classes_known(self) -> bool:
        """Every line has its insurance class (the summary then shows 甲, 乙, 丙 columns)."""
        return bool(self.lines) and all(line.insurance_class for line in self.lines)

    def category_totals(self) -> tuple[CategoryTotal, ...]:
        """The lines summed by category, in the national table's order (``printing.charges``)."""
        amounts: dict[str, int] = {}
        classes: dict[str, dict[str, int]] = {}
        self_paid: dict[str, int] = {}
        for line in self.lines:
            amounts[line.category] = amounts.get(line.category, 0) + line.amount_fen
            by_class = classes.setdefault(line.category, {})
            by_class[line.insurance_class] = by_class.get(line.insurance_class, 0) + line.amount_fen
            self_paid[line.category] = self_paid.get(line.category, 0) + line.self_paid_fen
        order = sorted(amounts, key=lambda name: (category_order(name), list(amounts).index(name)))
        return tuple(CategoryTotal(name, amounts[name], tuple(sorted(classes[name].items())), self_paid[name])
                     for name in order)

    def __repr__(self) -> str:
        return (
            f"Statement(title={self.title!r}, reference={self.reference!r}, "
            f"masked_id={self.masked_id!r}, lines={len(self.lines)}, copy={self.copy})"
        )
