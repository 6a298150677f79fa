"""Render a :class:`Receipt` as a one-page PDF shaped like a thermal-printer roll.

The page is as wide as the paper (80 mm or 58 mm) and as tall as its content.
Text uses reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1), which
needs no font file and which PDF viewers and printers substitute with a local
Song/Ming face. Nothing is written to disk: the PDF comes back as bytes.
"""
from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass
from typing import Sequence

from reportlab.graphics.barcode import qrencoder
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as pdfcanvas

from kiosk.domain.clock import BUSINESS_TZ, last_payable_day
from kiosk.domain.money import format_cny

from .documents import Receipt

__all__ = ["render_receipt", "SUPPORTED_WIDTHS_MM"]

FONT = "STSong-Light"
_MM = 72.0 / 25.4
_ELLIPSIS = "…"

_font_lock = threading.Lock()
_font: UnicodeCIDFont | None = None


def _ensure_font() -> UnicodeCIDFont:
    """Register the CID font on first use (cheap, but not free at import time)."""
    global _font
    if _font is None:
        with _font_lock:
            if _font is None:
                font = UnicodeCIDFont(FONT)
                pdfmetrics.registerFont(font)
                _font = font
    return _font


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

    @property
    def usable(self) -> float:
        return self.width - 2 * self.margin


# Printable widths: 72 mm on 80 mm paper, 48 mm on 58 mm paper.
_PAPERS = {
    80: _Paper(80 * _MM, 4 * _MM, 8.0, 11.0, 10.0, 14.0, 30 * _MM),
    58: _Paper(58 * _MM, 5 * _MM, 7.0, 10.0, 9.0, 12.0, 26 * _MM),
}
SUPPORTED_WIDTHS_MM = tuple(sorted(_PAPERS))

_TOP = 4 * _MM
_BOTTOM = 8 * _MM  # room above the tear bar
_LEADING = 1.35  # line height as a multiple of the type size
_GAP = 2 * _MM  # between table columns
_RULE_SPACE = 1.5 * _MM  # above and below a separator
_QR_QUIET_MODULES = 4
_QR_DOT = 25.4 / 203 * _MM  # one dot of a 203 dpi print head


def _width(text: str, size: float) -> float:
    return (_font or _ensure_font()).stringWidth(text, size)


# Line-breaking rules (禁则): closing marks never start a line, opening marks never end
# one, and runs of Latin letters/digits (doses, codes, amounts) stay together if they can.
_OPENING = "（(《「『【〔［“‘<["
_CLOSING = "）)》」』】〕］”’，。、；：！？,.;:!?>]%"
_TOKEN = re.compile(
    "[" + re.escape(_OPENING) + "]*"
    + r"(?:[A-Za-z0-9.\-+/×*#_&']+|[^\s" + re.escape(_OPENING) + "])"
    + "[" + re.escape(_CLOSING) + "]*"
    + r"|\s+"
)


def _fit(text: str, size: float, max_width: float) -> int:
    """How many leading characters of ``text`` fit in ``max_width`` (at least one)."""
    used = 0.0
    for i, ch in enumerate(text):
        used += _width(ch, size)
        if used > max_width:
            return max(i, 1)
    return len(text)


def _wrap(text: str, size: float, max_width: float, max_lines: int) -> tuple[list[str], bool]:
    """Break ``text`` into at most ``max_lines`` lines no wider than ``max_width``.

    Returns the lines and whether text was cut (the last line then ends in "…").
    """
    text = " ".join(text.split())
    if not text:
        return [""], False
    spans: list[list[int]] = []  # [start, end) of each line in ``text``
    line_start, line_width = 0, 0.0
    for m in _TOKEN.finditer(text):
        token = m.group()
        w = _width(token, size)
        if token.isspace():
            if line_width > 0:
                line_width += w
            elif m.start() == line_start:
                line_start = m.end()  # no space at the start of a line
            continue
        if line_width > 0 and line_width + w > max_width:
            spans.append([line_start, m.start()])
            line_start, line_width = m.start(), 0.0
        pos = m.start()
        while line_width == 0 and w > max_width:  # a token wider than a whole line
            n = _fit(text[pos:m.end()], size, max_width)
            spans.append([line_start, pos + n])
            pos += n
            line_start = pos
            w = _width(text[pos:m.end()], size)
        line_width += w
    if line_start < len(text):
        spans.append([line_start, len(text)])
    lines = [text[a:b].rstrip() for a, b in spans]
    if len(lines) <= max_lines:
        return lines, False
    rest = text[spans[max_lines - 1][0]:]
    n = _fit(rest, size, max_width - _width(_ELLIPSIS, size))
    return lines[: max_lines - 1] + [rest[:n].rstrip() + _ELLIPSIS], True


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
        for line in _wrap(text, size, self.paper.usable, max_lines)[0]:
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
        for part in _wrap(value, size, self.paper.usable, 3)[0]:
            self.line_of_text(part, size, "right", bold)

    def box(self, top: float, bottom: float, line_width: float) -> None:
        self.ops.append(("box", self.left, top, self.paper.usable, bottom - top, line_width))

    def qr(self, x: float, top: float, module: float, matrix: Sequence[Sequence[bool]]) -> None:
        self.ops.append(("qr", x, top, module, matrix))


def _qr_matrix(data: str) -> list[list[bool]]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    if data.isascii():
        code.addData(data)  # picks numeric / alphanumeric / byte mode
    else:
        code.addData(qrencoder.QR8bitByte(data))  # UTF-8, never Shift-JIS kanji mode
    code.make()
    return code.modules


def _add_copy_mark(layout: _Layout) -> None:
    size = layout.paper.copy_mark
    top = layout.y
    layout.space(1.2 * _MM)
    layout.line_of_text("重打副本 COPY", size, "centre", bold=True)
    layout.space(0.4 * _MM)
    layout.box(top, layout.y, 1.2)
    layout.space(1.5 * _MM)


def _add_items(layout: _Layout, r: Receipt, size: float) -> None:
    """Item table: name left, quantity, amount flush right.

    A row whose name needs more than two lines of the name column, or whose quantity
    is wider than its column, is stacked instead: the name across the full width
    (cut with "…" after three lines), then quantity and amount on the line below.
    """
    paper = layout.paper
    leading = size * _LEADING
    amounts = [format_cny(line.amount_fen) for line in r.lines]
    amount_width = max([_width(a, size) for a in amounts] + [_width("金额", size)])
    quantity_width = max([_width(line.quantity, size) for line in r.lines] + [_width("数量", size)])
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
    for line, amount in zip(r.lines, amounts):
        quantity = " ".join(line.quantity.split())
        name_lines, cut = _wrap(line.name, size, name_width, 2)
        if not cut and _width(quantity, size) <= quantity_width:
            figures(layout.y + size, quantity, amount)
            names(name_lines)
            continue
        names(_wrap(line.name, size, paper.usable, 3)[0])
        room = quantity_right - layout.left
        if _width(quantity, size) > room:
            quantity = _wrap(quantity, size, room, 1)[0][0]
        figures(layout.y + size, quantity, amount)
        layout.y += leading


def _build(r: Receipt, paper: _Paper) -> _Layout:
    layout = _Layout(paper)
    body = paper.body
    if r.copy:
        _add_copy_mark(layout)
    layout.paragraph(r.hospital, paper.heading, "centre", bold=True)
    layout.space(0.5 * _MM)
    layout.paragraph(r.title, paper.subheading, "centre")
    layout.rule(dashed=False)

    printed_at = r.printed_at.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M:%S")
    layout.field("终端", r.terminal_id, body)
    layout.field("时间", printed_at, body)
    layout.field("姓名", r.masked_name, body)
    layout.field("证件号", r.masked_id, body)
    layout.rule()

    _add_items(layout, r, body)
    layout.rule()

    layout.field("合计", format_cny(r.total_fen), body + 1, bold=True)
    layout.field("医保统筹支付", format_cny(r.fund_fen), body)
    layout.field("个人负担", format_cny(r.personal_fen), body)
    layout.field("信用额度记账", format_cny(r.booked_fen), body, bold=True)
    layout.field("剩余可用额度", format_cny(r.available_fen), body)
    if r.due_at is not None:
        layout.field("还款截止", last_payable_day(r.due_at).isoformat(), body, bold=True)
    layout.rule()
    layout.field("流水号", r.reference, body)

    matrix = _qr_matrix(r.reference)
    count = len(matrix)
    span = count + 2 * _QR_QUIET_MODULES
    # Whole print-head dots per module, so every module prints the same size; at least
    # 2 dots (0.25 mm) or scanners give up, and never wider than the printable width.
    dots = min(max(3, round(paper.qr_target / span / _QR_DOT)), int(paper.usable / span / _QR_DOT))
    if dots < 2:
        raise ValueError("reference is too long for a QR code on this paper")
    module = dots * _QR_DOT
    side = span * module
    quiet = _QR_QUIET_MODULES * module
    top = layout.y  # the quiet zone starts right under the last text line's leading
    layout.qr((paper.width - side) / 2 + quiet, top + quiet, module, matrix)
    layout.y = top + side

    if r.copy:
        layout.line_of_text("重打副本 COPY", body, "centre", bold=True)
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
                c.setFont(FONT, size)
                current_size = size
            if bold:  # no bold face for the CID font: fill and stroke the outline
                t = c.beginText(x, height - baseline)
                t.setFont(FONT, size)
                t.setTextRenderMode(2)
                c.setLineWidth(size * 0.03)
                t.textOut(text)
                t.setTextRenderMode(0)  # Tr outlives ET: reset it for the next string
                c.drawText(t)
            else:
                c.drawString(x, height - baseline, text)
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
            _draw_qr(c, x0, height - top, module, matrix)


def _draw_qr(c: pdfcanvas.Canvas, x0: float, y_top: float, module: float,
             matrix: Sequence[Sequence[bool]]) -> None:
    """Fill each horizontal run of dark modules as one rectangle, all in a single
    path, so there is one fill operation and no seams between neighbours."""
    path = c.beginPath()
    for r, row in enumerate(matrix):
        y = y_top - (r + 1) * module
        n = len(row)
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                path.rect(x0 + start * module, y, (col - start) * module, module)
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)


def render_receipt(r: Receipt, width_mm: int = 80) -> bytes:
    """The receipt as PDF bytes: one page ``width_mm`` wide (80 or 58) and as tall as its content."""
    try:
        paper = _PAPERS[width_mm]
    except KeyError:
        raise ValueError(f"unsupported paper width {width_mm} mm; use one of {SUPPORTED_WIDTHS_MM}") from None
    _ensure_font()
    layout = _build(r, paper)
    height = layout.y
    buffer = io.BytesIO()
    c = pdfcanvas.Canvas(buffer, pagesize=(paper.width, height), invariant=True, pageCompression=1,
                           initialFontName=FONT, initialFontSize=paper.body)
    c.setTitle(r.title)
    c.setCreator("credit-care-kiosk")
    _draw(c, layout, height)
    c.showPage()
    c.save()
    return buffer.getvalue()
