"""A :class:`~printing.documents.Slip` laid out in the character grid of a thermal printer.

The same sections in the same order as the PDF slip (``printing.receipt``), in columns of
Font A (12 × 24 dots): 48 on 80 mm paper, 32 on 58 mm. In the printer's Chinese mode
every GB18030 character that is not ASCII prints as one 24 × 24 glyph, two columns wide
(``￥`` included), so a line's width is its GB18030 byte count with four-byte characters
counted as two. Lines break with the PDF's rules (``_common.wrap``: closing marks never
start a line, codes and amounts stay whole), measured in columns.

:func:`layout` gives plain values (:class:`Line`, :class:`QR`), :func:`encode` the
ESC/POS bytes: initialise, Chinese mode, the lines in GB18030, the QR code drawn by the
printer, feed and the cut.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.money import format_cny

from ._common import COPY_MARK, Face, truncate, using_face, wrap
from .base import quiet_capabilities_cache
from .documents import ReceiptLine, Slip, SlipRow
from .receipt import format_value

__all__ = ["COLUMNS", "Line", "QR", "layout", "encode", "columns", "ESC", "GS", "FS"]

COLUMNS = {80: 48, 58: 32}
QR_MODULE_DOTS = {80: 6, 58: 5}
_PARAGRAPH_LINES = 6

ESC, GS, FS, LF = b"\x1b", b"\x1d", b"\x1c", b"\n"


def columns(text: str) -> int:
    """Printed width in Font A columns: ASCII 1, any other character 2."""
    return sum(1 if ord(ch) < 0x80 else 2 for ch in text)


# ``wrap`` and ``truncate`` measure through the current face: here a face whose "points"
# are columns (``size`` 2 for double-width text).
_COLUMN_FACE = Face("escpos-columns", lambda text, size: columns(text) * size)


@dataclass(frozen=True)
class Line:
    """A line of a slip in ESC/POS text mode: text, alignment, bold and size."""

    text: str
    align: str = "left"  # left | centre (text is padded for anything else)
    bold: bool = False
    size: str = "normal"  # normal | tall (double height) | large (double width and height)


@dataclass(frozen=True)
class QR:
    """A QR code on a slip."""

    payload: str


Item = Line | QR


class _Grid:
    def __init__(self, width: int):
        self.width = width
        self.items: list[Item] = []

    def line(self, text: str = "", align: str = "left", bold: bool = False, size: str = "normal") -> None:
        self.items.append(Line(text, align, bold, size))

    def paragraph(self, text: str, align: str = "left", bold: bool = False, size: str = "normal",
                  max_lines: int = 3) -> None:
        scale = 2 if size == "large" else 1
        for part in wrap(text, scale, self.width, max_lines)[0]:
            self.line(part, align, bold, size)

    def rule(self, char: str = "-") -> None:
        self.line(char * self.width)

    def field(self, label: str, value: str, bold: bool = False, size: str = "normal") -> None:
        """``label`` left, ``value`` flush right; a value too long goes on the next line(s)."""
        gap = self.width - columns(label) - columns(value)
        if gap >= 1:
            self.line(label + " " * gap + value, bold=bold, size=size)
            return
        self.line(truncate(label, 1, self.width), bold=bold, size=size)
        for part in wrap(value, 1, self.width, 3)[0]:
            self.line(" " * (self.width - columns(part)) + part, bold=bold, size=size)


def _pad_left(text: str, width: int) -> str:
    return " " * max(0, width - columns(text)) + text


def _pad_right(text: str, width: int) -> str:
    return text + " " * max(0, width - columns(text))


def _copy_mark(g: _Grid) -> None:
    g.rule("*")
    g.line(COPY_MARK, "centre", bold=True, size="large")
    g.rule("*")


def _rows(g: _Grid, rows: Sequence[SlipRow]) -> None:
    for row in rows:
        value = format_value(row.value)
        if row.style == "paragraph":
            g.line(truncate(row.label, 1, g.width))
            g.paragraph(value, max_lines=_PARAGRAPH_LINES)
        elif row.style == "total":
            g.field(row.label, value, bold=True, size="tall")
        else:
            g.field(row.label, value, bold=row.style == "bold")


def _items(g: _Grid, items: Sequence[ReceiptLine]) -> None:
    """Name, quantity, amount in columns; a name needing more than two lines, or a quantity
    too wide for its column, is stacked: the name across the line, the figures beneath."""
    amounts = [format_cny(line.amount_fen) for line in items]
    amount_w = max([columns(a) for a in amounts] + [columns("金额")])
    quantity_w = max([columns(" ".join(line.quantity.split())) for line in items] + [columns("数量")])
    quantity_w = min(quantity_w, int(g.width * 0.22))
    name_w = g.width - amount_w - quantity_w - 2

    def figures(quantity: str, amount: str) -> str:
        return _pad_left(quantity, quantity_w) + " " + _pad_left(amount, amount_w)

    g.line(_pad_right("项目", name_w) + " " + figures("数量", "金额"))
    g.rule()
    for line, amount in zip(items, amounts):
        quantity = " ".join(line.quantity.split())
        names, cut = wrap(line.name, 1, name_w, 2)
        if not cut and columns(quantity) <= quantity_w:
            g.line(_pad_right(names[0], name_w) + " " + figures(quantity, amount))
            for more in names[1:]:
                g.line(more)
            continue
        for part in wrap(line.name, 1, g.width, 3)[0]:
            g.line(part)
        room = g.width - amount_w - 1
        if columns(quantity) > room:
            quantity = truncate(quantity, 1, room)
        g.line(_pad_left(quantity, room) + " " + _pad_left(amount, amount_w))


def layout(s: Slip, width_mm: int = 80) -> list[Item]:
    """The slip as printer lines and its QR code, top to bottom."""
    try:
        width = COLUMNS[width_mm]
    except KeyError:
        raise ValueError(f"unsupported paper width {width_mm} mm; use one of {tuple(COLUMNS)}") from None
    g = _Grid(width)
    with using_face(_COLUMN_FACE):
        if s.copy:
            _copy_mark(g)
        g.paragraph(s.hospital, "centre", bold=True, size="tall")
        g.paragraph(s.title, "centre", bold=True)
        g.rule("=")
        g.field("终端", s.terminal_id)
        g.field("时间", s.printed_at.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M:%S"))
        g.field("姓名", s.masked_name)
        g.field("证件号", s.masked_id)
        g.rule()
        if s.highlight is not None or s.rows:
            if s.highlight is not None:
                if s.highlight.label:
                    g.paragraph(s.highlight.label, "centre", max_lines=2)
                g.paragraph(format_value(s.highlight.value), "centre", bold=True, size="large", max_lines=2)
            _rows(g, s.rows)
            g.rule()
        if s.lines:
            _items(g, s.lines)
            g.rule()
        if s.totals:
            _rows(g, s.totals)
            g.rule()
        g.field(s.reference_label, s.reference)
        g.items.append(QR(s.reference if s.qr_payload is None else s.qr_payload))
        if s.note:
            g.paragraph(s.note, max_lines=_PARAGRAPH_LINES)
        if s.copy:
            _copy_mark(g)
    return g.items


_ALIGN = {"left": 0, "centre": 1}
_SIZE = {"normal": 0x00, "tall": 0x01, "large": 0x11}


def encode(items: Sequence[Item], width_mm: int = 80) -> bytes:
    """ESC/POS bytes for ``items``: text in GB18030 in the printer's Chinese mode, the QR
    code by the printer (``GS ( k``), then feed and cut (python-escpos's commands)."""
    quiet_capabilities_cache()
    from escpos.constants import QR_ECLEVEL_M
    from escpos.printer import Dummy

    p = Dummy()
    p._raw(ESC + b"@")  # initialise: default styles, left alignment
    p._raw(FS + b"&")  # Chinese character mode: two-byte GB codes print as 24 x 24 glyphs
    align, bold, size = "left", False, "normal"
    for item in items:
        if isinstance(item, QR):
            if align != "centre":
                p._raw(ESC + b"a" + bytes([_ALIGN["centre"]]))
                align = "centre"
            p.qr(item.payload, ec=QR_ECLEVEL_M, size=QR_MODULE_DOTS[width_mm], native=True)
            p._raw(LF)
            continue
        if item.align != align:
            p._raw(ESC + b"a" + bytes([_ALIGN[item.align]]))
            align = item.align
        if item.bold != bold:
            p._raw(ESC + b"E" + (b"\x01" if item.bold else b"\x00"))
            bold = item.bold
        if item.size != size:
            p._raw(GS + b"!" + bytes([_SIZE[item.size]]))
            size = item.size
        p._raw(item.text.encode("gb18030") + LF)
    if (align, bold, size) != ("left", False, "normal"):
        p._raw(ESC + b"a\x00" + ESC + b"E\x00" + GS + b"!\x00")
    p.cut()  # feeds the slip past the cutter, then GS V 0
    return bytes(p.output)
