"""Render a :class:`Statement` as a multi-page A4 PDF (portrait).

Every page repeats the header (hospital, title, masked patient, period, page N / M) and
the column headings. Pages 2+ open with the amount carried forward (承前页); every page
closes with its own subtotal (本页小计) and, before the last, the running total carried
to the next page (过次页). The last page then sums the lines by charge category (费用汇总:
金额, and when every line has its insurance class the 甲类/乙类/丙类 parts, and 自付, with
a 金额合计 row) and ends with the totals, the reference and its QR.

When the lines carry their insurance class (甲/乙/丙) or a self-paid part, each row shows
them too (等级, 自付).

Drawn on the canvas directly (no platypus): 300 lines take a few tens of milliseconds.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas as pdfcanvas

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.money import format_cny

from ._common import (
    COPY_MARK,
    MM,
    Face,
    draw_qr,
    draw_text,
    ensure_font,
    font_name,
    qr_matrix,
    truncate,
    using_face,
    wrap,
)
from ._common import text_width as _width
from .documents import INSURANCE_CLASSES, Statement, StatementLine
from .fonts import default_face

__all__ = ["render_statement", "Statement", "StatementLine"]

PAGE_WIDTH, PAGE_HEIGHT = A4
_MARGIN_X = 15 * MM
_MARGIN_TOP = 12 * MM
_MARGIN_BOTTOM = 12 * MM
_USABLE = PAGE_WIDTH - 2 * _MARGIN_X

_HOSPITAL_SIZE = 15.0
_TITLE_SIZE = 13.0
_INFO_SIZE = 9.0
_BODY = 8.5  # table text
_MIN_CODE_SIZE = 6.5  # long codes shrink to this before they are cut
_ROW = _BODY * 1.4  # one line of a table row
_FOOT_SIZE = 7.5
_TOTAL_SIZE = 10.0
_TOTAL_ROW = _TOTAL_SIZE * 1.6
_GAP = 2.2 * MM  # between columns
_NAME_LINES = 2  # longer names are cut with "…"
_QR_SIDE = 26 * MM  # target, quiet zone included
_QR_QUIET_MODULES = 4

_HEADINGS = ("日期", "编码", "项目名称", "类别", "数量", "单价", "金额")
_DETAIL_HEADINGS = ("等级", "自付")  # with the classes and self-paid parts
_SUMMARY_TITLE = "费用汇总（按医疗收费项目类别）"
_SUMMARY_TOTAL = "金额合计"
_SUMMARY_LABEL = 32 * MM  # the category column
_SUMMARY_COLUMN = 27 * MM  # each amount column

# Vertical plan (distances from the top edge).
_HEADER_BOTTOM = _MARGIN_TOP + _HOSPITAL_SIZE * 1.4 + _TITLE_SIZE * 1.6 + 2 * _INFO_SIZE * 1.5 + 2 * MM
_TABLE_TOP = _HEADER_BOTTOM + _ROW + 1.5 * MM  # below the column headings and their rule
_FOOTER_TOP = PAGE_HEIGHT - _MARGIN_BOTTOM - _FOOT_SIZE * 1.8
_CLOSING_HEIGHT = 1.5 * MM + 2 * _ROW  # rule, 本页小计, 过次页


@dataclass(frozen=True)
class _Columns:
    """Left edges (text-aligned) and right edges (number-aligned), in points.
    ``grade`` and ``self_paid_right`` are ``None`` when the rows show no class and self-paid part."""

    date: float
    code: float
    code_width: float
    name: float
    name_width: float
    category: float
    category_width: float
    grade: float | None
    quantity_right: float
    quantity_width: float
    unit_right: float
    amount_right: float
    self_paid_right: float | None


def _detailed(doc: Statement) -> bool:
    """The rows show 等级 and 自付: some line has a class or a self-paid part."""
    return any(line.insurance_class or line.self_paid_fen for line in doc.lines)


def _columns(lines: Sequence[StatementLine], amount_samples: Sequence[str], detailed: bool) -> _Columns:
    def widest(texts, heading: str, cap: float | None = None) -> float:
        w = max([_width(t, _BODY) for t in texts] + [_width(heading, _BODY)])
        return min(w, cap) if cap is not None else w

    date_w = widest([line.date.isoformat() for line in lines[:1]] or ["0000-00-00"], "日期")
    code_w = widest({line.code for line in lines}, "编码", cap=26 * MM)
    category_w = widest({line.category for line in lines}, "类别", cap=16 * MM)
    quantity_w = widest({line.quantity for line in lines}, "数量", cap=16 * MM)
    unit_w = widest({format_cny(line.unit_price_fen) for line in lines}, "单价")
    amount_w = widest(amount_samples, "金额") + 1  # bold subtotals are a touch wider
    grade_w = widest(INSURANCE_CLASSES, _DETAIL_HEADINGS[0]) if detailed else 0.0
    self_paid_w = widest({format_cny(line.self_paid_fen) for line in lines}, _DETAIL_HEADINGS[1]) if detailed else 0.0
    fixed = date_w + code_w + category_w + quantity_w + unit_w + amount_w + 6 * _GAP
    if detailed:
        fixed += grade_w + self_paid_w + 2 * _GAP
    name_w = _USABLE - fixed
    if name_w < 50 * MM:  # give the names room: squeeze the capped columns instead
        squeeze = 50 * MM - name_w
        cut = min(squeeze, code_w - 14 * MM) if code_w > 14 * MM else 0
        code_w -= cut
        name_w += cut
    x = _MARGIN_X
    date_x = x
    x += date_w + _GAP
    code_x = x
    x += code_w + _GAP
    name_x = x
    x += name_w + _GAP
    category_x = x
    x += category_w + _GAP
    grade_x = None
    if detailed:
        grade_x = x
        x += grade_w + _GAP
    quantity_right = x + quantity_w
    unit_right = quantity_right + _GAP + unit_w
    amount_right = unit_right + _GAP + amount_w
    self_paid_right = PAGE_WIDTH - _MARGIN_X if detailed else None
    if not detailed:
        amount_right = PAGE_WIDTH - _MARGIN_X
    return _Columns(date_x, code_x, code_w, name_x, name_w, category_x, category_w, grade_x,
                    quantity_right, quantity_w, unit_right, amount_right, self_paid_right)


@dataclass
class _Row:
    """A charge item laid out on the A4 statement (its wrapped name lines, code, category and quantity)."""

    line: StatementLine
    names: list[str]
    code: str
    code_size: float
    category: str
    quantity: str

    @property
    def height(self) -> float:
        return len(self.names) * _ROW


def _prepare(line: StatementLine, cols: _Columns) -> _Row:
    names = wrap(line.name, _BODY, cols.name_width, _NAME_LINES)[0]
    code, code_size = " ".join(line.code.split()), _BODY
    w = _width(code, _BODY)
    if w > cols.code_width:
        code_size = max(_MIN_CODE_SIZE, _BODY * cols.code_width / w)
        code = truncate(code, code_size, cols.code_width)
    return _Row(line, names, code, code_size,
                truncate(line.category, _BODY, cols.category_width),
                truncate(line.quantity, _BODY, cols.quantity_width))


def _summary_height(doc: Statement) -> float:
    """The category summary: its title, headings, a row per category and the 金额合计 row."""
    return 4 * MM + _TOTAL_ROW + _ROW * (len(doc.category_totals()) + 2) + 2 * MM


def _totals_height(doc: Statement) -> float:
    rows = len(doc.totals) * _TOTAL_ROW + 2 * MM
    qr = _QR_SIDE + _INFO_SIZE * 3
    return _summary_height(doc) + 5 * MM + max(rows, qr)


def _paginate(rows: list[_Row], totals_height: float) -> list[list[_Row]]:
    """Fill pages greedily. The last page must also hold the totals block: if it has no
    room left for it, its final row moves to a page of its own (never an empty page)."""
    bottom = _FOOTER_TOP - _CLOSING_HEIGHT

    def capacity(index: int) -> float:
        return bottom - _TABLE_TOP - (_ROW + 1 * MM if index > 0 else 0)  # 承前页 on pages 2+

    if totals_height + _NAME_LINES * _ROW > capacity(1):
        raise ValueError("too many totals rows for one page")
    pages: list[list[_Row]] = [[]]
    used = 0.0
    for row in rows:
        if pages[-1] and used + row.height > capacity(len(pages) - 1):
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += row.height
    if used + totals_height > capacity(len(pages) - 1):
        pages.append([pages[-1].pop()])
    return pages


class _Page:
    """Draws one page; ``y`` values are distances from the top edge."""

    def __init__(self, c: pdfcanvas.Canvas, doc: Statement, cols: _Columns, number: int, count: int):
        self.c = c
        self.doc = doc
        self.cols = cols
        self.number = number
        self.count = count

    # -- primitives --------------------------------------------------------------
    def text(self, x: float, baseline: float, text: str, size: float, bold: bool = False) -> None:
        self.c.setFont(font_name(), size)
        draw_text(self.c, x, PAGE_HEIGHT - baseline, text, size, bold)

    def right(self, x: float, baseline: float, text: str, size: float, bold: bool = False) -> None:
        self.text(x - _width(text, size), baseline, text, size, bold)

    def centre(self, baseline: float, text: str, size: float, bold: bool = False) -> None:
        self.text((PAGE_WIDTH - _width(text, size)) / 2, baseline, text, size, bold)

    def rule(self, y: float, width: float = 0.5, x1: float = _MARGIN_X,
             x2: float = PAGE_WIDTH - _MARGIN_X, grey: float = 0.0) -> None:
        self.c.setStrokeGray(grey)
        self.c.setLineWidth(width)
        self.c.line(x1, PAGE_HEIGHT - y, x2, PAGE_HEIGHT - y)
        self.c.setStrokeGray(0)

    # -- parts ---------------------------------------------------------------
    def header(self) -> None:
        doc = self.doc
        y = _MARGIN_TOP
        self.centre(y + _HOSPITAL_SIZE, truncate(doc.hospital, _HOSPITAL_SIZE, _USABLE * 0.7),
                    _HOSPITAL_SIZE, bold=True)
        y += _HOSPITAL_SIZE * 1.4
        self.centre(y + _TITLE_SIZE, truncate(doc.title, _TITLE_SIZE, _USABLE * 0.55), _TITLE_SIZE)
        if doc.copy:
            size = 10.0
            w = _width(COPY_MARK, size)
            x = PAGE_WIDTH - _MARGIN_X - w - 2 * MM
            self.text(x, y + _TITLE_SIZE, COPY_MARK, size, bold=True)
            self.c.setLineWidth(1.2)
            self.c.rect(x - 1.5 * MM, PAGE_HEIGHT - (y + _TITLE_SIZE + 1.2 * MM), w + 3 * MM,
                        size + 2.4 * MM, stroke=1, fill=0)
        y += _TITLE_SIZE * 1.6

        page = f"第 {self.number} 页 / 共 {self.count} 页"
        printed = "打印时间 " + doc.printed_at.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")
        room = _USABLE - max(_width(page, _INFO_SIZE), _width(printed, _INFO_SIZE)) - 4 * MM
        # Name and ID, then the info pairs; those that do not fit on the first line follow
        # the period on the second, and a last one that fits nowhere is cut with "…".
        first, second = y + _INFO_SIZE, y + _INFO_SIZE * 2.5
        limit = _MARGIN_X + room
        baseline, x = first, _MARGIN_X
        period = truncate(doc.period, _INFO_SIZE, room)
        for label, value in (("姓名", doc.masked_name), ("证件号", doc.masked_id), *doc.info):
            piece = f"{label} {value}"
            w = _width(piece, _INFO_SIZE)
            if baseline == first and x > _MARGIN_X and x + w > limit:
                baseline = second
                self.text(_MARGIN_X, second, period, _INFO_SIZE)
                x = _MARGIN_X + _width(period, _INFO_SIZE) + 5 * MM
            if x + w > limit:
                if limit - x < 15 * MM:
                    break
                piece = truncate(piece, _INFO_SIZE, limit - x)
            self.text(x, baseline, piece, _INFO_SIZE)
            x += _width(piece, _INFO_SIZE) + 5 * MM
        if baseline == first:
            self.text(_MARGIN_X, second, period, _INFO_SIZE)
        self.right(PAGE_WIDTH - _MARGIN_X, first, page, _INFO_SIZE)
        self.right(PAGE_WIDTH - _MARGIN_X, second, printed, _INFO_SIZE)
        y += _INFO_SIZE * 3 + 2 * MM
        self.rule(y - 1 * MM, 1.0)

        cols = self.cols
        base = _HEADER_BOTTOM + _BODY + 0.6 * MM
        self.text(cols.date, base, _HEADINGS[0], _BODY, bold=True)
        self.text(cols.code, base, _HEADINGS[1], _BODY, bold=True)
        self.text(cols.name, base, _HEADINGS[2], _BODY, bold=True)
        self.text(cols.category, base, _HEADINGS[3], _BODY, bold=True)
        self.right(cols.quantity_right, base, _HEADINGS[4], _BODY, bold=True)
        self.right(cols.unit_right, base, _HEADINGS[5], _BODY, bold=True)
        self.right(cols.amount_right, base, _HEADINGS[6], _BODY, bold=True)
        if cols.grade is not None:
            self.text(cols.grade, base, _DETAIL_HEADINGS[0], _BODY, bold=True)
            self.right(cols.self_paid_right, base, _DETAIL_HEADINGS[1], _BODY, bold=True)
        self.rule(_TABLE_TOP - 0.8 * MM, 0.6)

    def footer(self) -> None:
        y = _FOOTER_TOP + 0.8 * MM
        self.rule(y, 0.4)
        base = y + _FOOT_SIZE + 1 * MM
        self.text(_MARGIN_X, base, f"{self.doc.hospital}　{self.doc.title}", _FOOT_SIZE)
        self.right(PAGE_WIDTH - _MARGIN_X, base, f"流水号 {self.doc.reference}", _FOOT_SIZE)

    def labelled_amount(self, y: float, label: str, fen: int, bold: bool = False) -> float:
        """A label in the name column and an amount in the amount column."""
        base = y + _BODY
        self.text(self.cols.name, base, label, _BODY, bold)
        self.right(self.cols.amount_right, base, format_cny(fen), _BODY, bold)
        return y + _ROW

    def rows(self, y: float, rows: Sequence[_Row]) -> float:
        """The item rows in one text object (the fast path), hairlines between them."""
        c, cols = self.c, self.cols
        t = c.beginText()
        font = font_name()
        t.setFont(font, _BODY)
        size = _BODY
        hairlines = c.beginPath()
        for row in rows:
            line = row.line
            base = PAGE_HEIGHT - (y + _BODY)
            for x, text in ((cols.date, line.date.isoformat()), (cols.category, row.category)):
                t.setTextOrigin(x, base)
                t.textOut(text)
            if cols.grade is not None and line.insurance_class:
                t.setTextOrigin(cols.grade, base)
                t.textOut(line.insurance_class)
            if row.code:
                if row.code_size != size:
                    t.setFont(font, row.code_size)
                t.setTextOrigin(cols.code, base)
                t.textOut(row.code)
                if row.code_size != size:
                    t.setFont(font, size)
            figures = [(cols.quantity_right, row.quantity), (cols.unit_right, format_cny(line.unit_price_fen)),
                       (cols.amount_right, format_cny(line.amount_fen))]
            if cols.self_paid_right is not None:
                figures.append((cols.self_paid_right, format_cny(line.self_paid_fen)))
            for right, text in figures:
                t.setTextOrigin(right - _width(text, size), base)
                t.textOut(text)
            for i, name in enumerate(row.names):
                t.setTextOrigin(cols.name, base - i * _ROW)
                t.textOut(name)
            y += row.height
            hairlines.moveTo(_MARGIN_X, PAGE_HEIGHT - y + 0.25 * _BODY)
            hairlines.lineTo(PAGE_WIDTH - _MARGIN_X, PAGE_HEIGHT - y + 0.25 * _BODY)
        c.drawText(t)
        c.setStrokeGray(0.75)
        c.setLineWidth(0.25)
        c.drawPath(hairlines, stroke=1, fill=0)
        c.setStrokeGray(0)
        return y

    def summary(self, y: float) -> float:
        """The lines summed by category: 金额, the 甲类/乙类/丙类 parts when every line has
        its class, 自付; then 金额合计. Returns the y below it."""
        doc = self.doc
        y += 4 * MM
        self.text(_MARGIN_X, y + _TOTAL_SIZE, _SUMMARY_TITLE, _TOTAL_SIZE, bold=True)
        y += _TOTAL_ROW
        classes = doc.classes_known
        headings = ["金额", *(("甲类", "乙类", "丙类") if classes else ()), "自付"]
        rights = [_MARGIN_X + _SUMMARY_LABEL + (i + 1) * _SUMMARY_COLUMN for i in range(len(headings))]
        self.text(_MARGIN_X, y + _BODY, "类别", _BODY, bold=True)
        for right, heading in zip(rights, headings):
            self.right(right, y + _BODY, heading, _BODY, bold=True)
        y += _ROW
        self.rule(y - 0.3 * _BODY, 0.6, _MARGIN_X, rights[-1])
        rows = [(c.category, [c.amount_fen, *((c.of_class(m) for m in INSURANCE_CLASSES) if classes else ()),
                              c.self_paid_fen]) for c in doc.category_totals()]
        sums = [sum(column) for column in zip(*(figures for _, figures in rows))] if rows else [0] * len(headings)
        rows.append((_SUMMARY_TOTAL, sums))
        for index, (label, figures) in enumerate(rows):
            bold = index == len(rows) - 1
            if bold:
                self.rule(y - 0.3 * _BODY, 0.4, _MARGIN_X, rights[-1])
            self.text(_MARGIN_X, y + _BODY, truncate(label, _BODY, _SUMMARY_LABEL - 2 * MM), _BODY, bold)
            for right, fen in zip(rights, figures):
                self.right(right, y + _BODY, format_cny(fen), _BODY, bold)
            y += _ROW
        return y + 2 * MM

    def totals(self, y: float) -> None:
        doc = self.doc
        y = self.summary(y)
        y += 5 * MM
        top = y
        label_x = _MARGIN_X
        amount_right = _MARGIN_X + 85 * MM
        for label, fen in doc.totals:
            bold = label == "合计"
            size = _TOTAL_SIZE + (1 if bold else 0)
            self.text(label_x, y + size, label, size, bold)
            self.right(amount_right, y + size, format_cny(fen), size, bold)
            y += _TOTAL_ROW
            self.rule(y - 0.3 * _TOTAL_SIZE, 0.25, label_x, amount_right, grey=0.6)

        matrix = qr_matrix(doc.qr_payload or doc.reference)
        span = len(matrix) + 2 * _QR_QUIET_MODULES
        module = max(0.4 * MM, _QR_SIDE / span)
        side = span * module
        right = PAGE_WIDTH - _MARGIN_X
        x0 = right - side
        draw_qr(self.c, x0 + _QR_QUIET_MODULES * module, PAGE_HEIGHT - top - _QR_QUIET_MODULES * module,
                module, matrix)
        ref = f"流水号 {doc.reference}"
        self.right(right, top + side + _INFO_SIZE, ref, _INFO_SIZE)


def render_statement(doc: Statement, face: Face | None = None) -> bytes:
    """The statement as PDF bytes: A4 portrait, as many pages as the lines need.

    ``face``: the TrueType face to draw and embed; ``None``: ``printing.fonts.default_face()``
    (the embedded WenQuanYi face; the CID font, not embedded, only without a font file).
    """
    with using_face(face or default_face()):
        return _render(doc)


def _render(doc: Statement) -> bytes:
    ensure_font()
    lines = doc.lines
    magnitude = sum(abs(line.amount_fen) for line in lines)
    samples = [format_cny(line.amount_fen) for line in lines] + [
        format_cny(magnitude), format_cny(-magnitude)]
    cols = _columns(lines, samples, _detailed(doc))
    rows = [_prepare(line, cols) for line in lines]
    pages = _paginate(rows, _totals_height(doc))

    buffer = io.BytesIO()
    c = pdfcanvas.Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1,
                         initialFontName=font_name(), initialFontSize=_BODY)
    c.setTitle(doc.title)
    c.setCreator("credit-care-kiosk")
    carried = 0
    for number, page_rows in enumerate(pages, 1):
        page = _Page(c, doc, cols, number, len(pages))
        c.setFillGray(0)
        page.header()
        y = _TABLE_TOP
        if number > 1:
            y = page.labelled_amount(y, "承前页", carried) + 1 * MM
            page.rule(y - 0.3 * _BODY, 0.4)
        y = page.rows(y, page_rows)
        subtotal = sum(row.line.amount_fen for row in page_rows)
        carried += subtotal
        y += 1.5 * MM
        page.rule(y - 1 * MM - 0.3 * _BODY, 0.6)
        y = page.labelled_amount(y, "本页小计", subtotal, bold=True)
        if number < len(pages):
            page.labelled_amount(y, "过次页", carried)
        else:
            page.totals(y)
        page.footer()
        c.showPage()
    c.save()
    return buffer.getvalue()
