"""Render a :class:`Slip` (or a :class:`Receipt`) as a one-page PDF shaped like a thermal roll.

The page is as wide as the paper (80 mm or 58 mm) and as tall as its content.
Nothing is written to disk: the PDF comes back as bytes.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.pdfgen import canvas as pdfcanvas

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.money import format_cny

from ._common import COPY_MARK, MM, Face, draw_qr, draw_text, ensure_font, font_name, qr_matrix, using_face, wrap
from ._common import text_width as _width
from .documents import Receipt, ReceiptLine, RowValue, Slip, SlipRow
from .fonts import default_face

__all__ = ["render_receipt", "render_slip", "layout_slip", "format_value", "SUPPORTED_WIDTHS_MM"]

_MM = MM


@dataclass(frozen=True)
class _Paper:
    """Geometry and type sizes for one paper width (all lengths in points)."""

    width: float
    margin: float
    body: float  # body text size
    heading: float  # hospital name
    subheading: float  # document title
    copy_mark: float
    qr_target: float  # side of the QR symbol including its quiet zone
    highlight: float  # the value in the highlight box (queue number, amount)

    @property
    def usable(self) -> float:
        return self.width - 2 * self.margin


# Printable widths: 72 mm on 80 mm paper, 48 mm on 58 mm paper.
_PAPERS = {
    80: _Paper(80 * _MM, 4 * _MM, 8.0, 11.0, 10.0, 14.0, 30 * _MM, 30.0),
    58: _Paper(58 * _MM, 5 * _MM, 7.0, 10.0, 9.0, 12.0, 26 * _MM, 24.0),
}
SUPPORTED_WIDTHS_MM = tuple(sorted(_PAPERS))

_TOP = 4 * _MM
_BOTTOM = 8 * _MM  # room above the tear bar
_LEADING = 1.35  # line height as a multiple of the type size
_GAP = 2 * _MM  # between table columns
_RULE_SPACE = 1.5 * _MM  # above and below a separator
_QR_QUIET_MODULES = 4
_QR_DOT = 25.4 / 203 * _MM  # one dot of a 203 dpi print head
_PARAGRAPH_LINES = 6  # a free-text row or note is cut with "…" after this many lines


def format_value(value: RowValue) -> str:
    """How a row value is printed: fen as ``￥12.34``, dates ISO, times in business time."""
    if isinstance(value, datetime):
        return value.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return format_cny(value)
    return value


class _Layout:
    """Collects drawing operations top-down, so the page height is known before drawing.

    ``y`` is the distance from the top edge; it is flipped when the ops are replayed.
    """

    def __init__(self, paper: _Paper):
        self.paper = paper
        self.y = _TOP
        self.ops: list[tuple] = []

    @property
    def left(self) -> float:
        return self.paper.margin

    @property
    def right(self) -> float:
        return self.paper.width - self.paper.margin

    def space(self, amount: float) -> None:
        self.y += amount

    def text_at(self, x: float, baseline: float, text: str, size: float, bold: bool = False) -> None:
        self.ops.append(("text", x, baseline, text, size, bold))

    def line_of_text(self, text: str, size: float, align: str = "left", bold: bool = False) -> None:
        baseline = self.y + size
        if align == "centre":
            x = (self.paper.width - _width(text, size)) / 2
        elif align == "right":
            x = self.right - _width(text, size)
        else:
            x = self.left
        self.text_at(x, baseline, text, size, bold)
        self.y += size * _LEADING

    def paragraph(self, text: str, size: float, align: str = "left", bold: bool = False,
                  max_lines: int = 3) -> None:
        for line in wrap(text, size, self.paper.usable, max_lines)[0]:
            self.line_of_text(line, size, align, bold)

    def rule(self, dashed: bool = True) -> None:
        self.y += _RULE_SPACE
        self.ops.append(("rule", self.left, self.right, self.y, dashed))
        self.y += _RULE_SPACE

    def field(self, label: str, value: str, size: float, bold: bool = False) -> None:
        """``label`` at the left margin, ``value`` flush right; a value too long for the
        rest of the line goes on the following line(s), still flush right."""
        label_width = _width(label, size)
        value_width = _width(value, size)
        baseline = self.y + size
        self.text_at(self.left, baseline, label, size, bold)
        if label_width + _GAP + value_width <= self.paper.usable:
            self.text_at(self.right - value_width, baseline, value, size, bold)
            self.y += size * _LEADING
            return
        self.y += size * _LEADING
        for part in wrap(value, size, self.paper.usable, 3)[0]:
            self.line_of_text(part, size, "right", bold)

    def box(self, top: float, bottom: float, line_width: float) -> None:
        self.ops.append(("box", self.left, top, self.paper.usable, bottom - top, line_width))

    def qr(self, x: float, top: float, module: float, matrix: Sequence[Sequence[bool]]) -> None:
        self.ops.append(("qr", x, top, module, matrix))


def _add_copy_mark(layout: _Layout) -> None:
    size = layout.paper.copy_mark
    top = layout.y
    layout.space(1.2 * _MM)
    layout.line_of_text(COPY_MARK, size, "centre", bold=True)
    layout.space(0.4 * _MM)
    layout.box(top, layout.y, 1.2)
    layout.space(1.5 * _MM)


def _add_highlight(layout: _Layout, row: SlipRow) -> None:
    """One value in large type, centred in a box, its label above it."""
    paper = layout.paper
    value = format_value(row.value)
    size = paper.highlight
    widest = paper.usable - 4 * _MM
    if _width(value, size) > widest:
        size = max(paper.body, size * widest / _width(value, size))
    top = layout.y
    layout.space(1.5 * _MM)
    if row.label:
        layout.paragraph(row.label, paper.body, "centre", max_lines=2)
    layout.paragraph(value, size, "centre", bold=True, max_lines=2)
    layout.box(top, layout.y, 1.0)
    layout.space(2 * _MM)


def _add_rows(layout: _Layout, rows: Sequence[SlipRow]) -> None:
    body = layout.paper.body
    for row in rows:
        value = format_value(row.value)
        if row.style == "paragraph":
            layout.line_of_text(row.label, body)
            layout.paragraph(value, body, max_lines=_PARAGRAPH_LINES)
            layout.space(0.5 * _MM)
        elif row.style == "total":
            layout.field(row.label, value, body + 1, bold=True)
        else:
            layout.field(row.label, value, body, bold=row.style == "bold")


def _add_items(layout: _Layout, items: Sequence[ReceiptLine], size: float) -> None:
    """Item table: name left, quantity, amount flush right.

    A row whose name needs more than two lines of the name column, or whose quantity
    is wider than its column, is stacked instead: the name across the full width
    (cut with "…" after three lines), then quantity and amount on the line below.
    """
    paper = layout.paper
    leading = size * _LEADING
    amounts = [format_cny(line.amount_fen) for line in items]
    amount_width = max([_width(a, size) for a in amounts] + [_width("金额", size)])
    quantity_width = max([_width(line.quantity, size) for line in items] + [_width("数量", size)])
    quantity_width = min(quantity_width, paper.usable * 0.22)
    quantity_right = layout.right - amount_width - _GAP
    name_width = quantity_right - quantity_width - _GAP - layout.left

    def figures(baseline: float, quantity: str, amount: str) -> None:
        if quantity:
            layout.text_at(quantity_right - _width(quantity, size), baseline, quantity, size)
        layout.text_at(layout.right - _width(amount, size), baseline, amount, size)

    def names(lines: list[str]) -> None:
        for text in lines:
            layout.text_at(layout.left, layout.y + size, text, size)
            layout.y += leading

    figures(layout.y + size, "数量", "金额")
    names(["项目"])
    layout.rule()
    for line, amount in zip(items, amounts):
        quantity = " ".join(line.quantity.split())
        name_lines, cut = wrap(line.name, size, name_width, 2)
        if not cut and _width(quantity, size) <= quantity_width:
            figures(layout.y + size, quantity, amount)
            names(name_lines)
            continue
        names(wrap(line.name, size, paper.usable, 3)[0])
        room = quantity_right - layout.left
        if _width(quantity, size) > room:
            quantity = wrap(quantity, size, room, 1)[0][0]
        figures(layout.y + size, quantity, amount)
        layout.y += leading


def _add_qr(layout: _Layout, payload: str) -> None:
    paper = layout.paper
    matrix = qr_matrix(payload)
    span = len(matrix) + 2 * _QR_QUIET_MODULES
    # Whole print-head dots per module, so every module prints the same size; at least
    # 2 dots (0.25 mm) or scanners give up, and never wider than the printable width.
    dots = min(max(3, round(paper.qr_target / span / _QR_DOT)), int(paper.usable / span / _QR_DOT))
    if dots < 2:
        raise ValueError("QR payload is too long for a QR code on this paper")
    module = dots * _QR_DOT
    side = span * module
    quiet = _QR_QUIET_MODULES * module
    top = layout.y  # the quiet zone starts right under the last text line's leading
    layout.qr((paper.width - side) / 2 + quiet, top + quiet, module, matrix)
    layout.y = top + side


def _build(s: Slip, paper: _Paper) -> _Layout:
    layout = _Layout(paper)
    body = paper.body
    if s.copy:
        _add_copy_mark(layout)
    layout.paragraph(s.hospital, paper.heading, "centre", bold=True)
    layout.space(0.5 * _MM)
    layout.paragraph(s.title, paper.subheading, "centre")
    layout.rule(dashed=False)

    printed_at = s.printed_at.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M:%S")
    layout.field("终端", s.terminal_id, body)
    layout.field("时间", printed_at, body)
    layout.field("姓名", s.masked_name, body)
    layout.field("证件号", s.masked_id, body)
    layout.rule()

    if s.highlight is not None or s.rows:
        if s.highlight is not None:
            _add_highlight(layout, s.highlight)
        _add_rows(layout, s.rows)
        layout.rule()
    if s.lines:
        _add_items(layout, s.lines, body)
        layout.rule()
    if s.totals:
        _add_rows(layout, s.totals)
        layout.rule()

    layout.field(s.reference_label, s.reference, body)
    _add_qr(layout, s.reference if s.qr_payload is None else s.qr_payload)
    if s.note:
        layout.paragraph(s.note, body, max_lines=_PARAGRAPH_LINES)
        layout.space(1 * _MM)
    if s.copy:
        layout.line_of_text(COPY_MARK, body, "centre", bold=True)
    layout.space(_BOTTOM)
    return layout


def _draw(c: pdfcanvas.Canvas, layout: _Layout, height: float) -> None:
    current_size = None
    c.setFillGray(0)
    c.setStrokeGray(0)
    for op in layout.ops:
        kind = op[0]
        if kind == "text":
            _, x, baseline, text, size, bold = op
            if not text:
                continue
            if size != current_size:
                c.setFont(font_name(), size)
                current_size = size
            draw_text(c, x, height - baseline, text, size, bold)
        elif kind == "rule":
            _, x1, x2, y, dashed = op
            c.setLineWidth(0.6)
            c.setDash(2, 1.5) if dashed else c.setDash()
            c.line(x1, height - y, x2, height - y)
            c.setDash()
        elif kind == "box":
            _, x, top, w, h, line_width = op
            c.setLineWidth(line_width)
            c.rect(x, height - top - h, w, h, stroke=1, fill=0)
        elif kind == "qr":
            _, x0, top, module, matrix = op
            draw_qr(c, x0, height - top, module, matrix)


def _paper(width_mm: int) -> _Paper:
    try:
        return _PAPERS[width_mm]
    except KeyError:
        raise ValueError(f"unsupported paper width {width_mm} mm; use one of {SUPPORTED_WIDTHS_MM}") from None


def layout_slip(s: Slip, width_mm: int = 80, face: Face | None = None) -> _Layout:
    """The slip's drawing operations, top-down (``ops``, ``y`` = height, ``paper``), laid
    out with ``face`` (``None``: the default, embedded face). The raster back-end draws these same ops."""
    paper = _paper(width_mm)
    face = face or default_face()
    with using_face(face):
        if face is None:
            ensure_font()
        return _build(s, paper)


def render_slip(s: Slip, width_mm: int = 80, face: Face | None = None) -> bytes:
    """The slip as PDF bytes: one page ``width_mm`` wide (80 or 58) and as tall as its content.

    ``face``: the TrueType face to draw and embed; ``None``: ``printing.fonts.default_face()``
    (the embedded WenQuanYi face; the CID font, not embedded, only without a font file).
    """
    paper = _paper(width_mm)
    face = face or default_face()
    with using_face(face):
        if face is None:
            ensure_font()
        layout = _build(s, paper)
        height = layout.y
        buffer = io.BytesIO()
        c = pdfcanvas.Canvas(buffer, pagesize=(paper.width, height), invariant=True, pageCompression=1,
                             initialFontName=font_name(), initialFontSize=paper.body)
        c.setTitle(s.title)
        c.setCreator("credit-care-kiosk")
        _draw(c, layout, height)
        c.showPage()
        c.save()
    return buffer.getvalue()


def render_receipt(r: Receipt, width_mm: int = 80, face: Face | None = None) -> bytes:
    """The receipt as PDF bytes: one page ``width_mm`` wide (80 or 58) and as tall as its content."""
    return render_slip(r.as_slip(), width_mm, face)
