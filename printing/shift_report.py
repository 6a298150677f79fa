"""The cashier's shift report (交班对账单) on A4 (portrait): one page, more when the
differences need them.

What the desk counted during the shift (its journal) beside what the platform booked for
this terminal in the same time, by kind of business and by channel (credit line, payment
channel or bank card, cash): counts and sums to the fen, whether each kind agrees, then
the platform's record by channel too (every part of each total is printed, for both
sides), a bar chart of the amounts (reportlab graphics), the cash to hand over and the cash
counted, every difference item by item, the audit log's head hash (paper anchors the chain) and lines for two
signatures.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas as pdfcanvas

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.money import format_cny

from ._common import MM, draw_text, ensure_font, font_name, text_width, truncate, using_face
from .fonts import default_face

__all__ = ["KINDS", "KindFigures", "ShiftSheet", "render_shift_report"]

PAGE_WIDTH, PAGE_HEIGHT = A4
_MARGIN = 15 * MM
_USABLE = PAGE_WIDTH - 2 * _MARGIN
_BODY = 9.0
_ROW = _BODY * 1.9

#: The kinds of business, in the order of the table, with their printed names; money that
#: goes back (a cancelled registration, a refund) is listed positive, as the platform does.
KINDS = (
    ("registration", "挂号"),
    ("registration_cancel", "退号"),
    ("settlement", "门诊结算"),
    ("discharge", "出院结算"),
    ("repayment", "还款"),
    ("refund", "退费"),
)
_OUTGOING = ("registration_cancel", "refund")
_COLUMNS = ("类别", "笔数", "合计", "信用额度", "渠道/银行卡", "现金", "平台笔数", "平台合计", "核对")
_PLATFORM_TITLE = "平台记录（按渠道）"
_TABLE_ROW = _BODY * 1.8  # one table row, its rule included
_DIFFERENCES_SHOWN = 12  # then "……另有 N 处"
_SIGNATURES = 18 * MM  # above the bottom margin: the signature lines, on the last page
_FIELDS = ("count", "amount_fen", "credit_fen", "channel_fen", "cash_fen")
# Kiosk bars dark, platform bars light, and the legend names them: the shade is not the only cue.
_KIOSK_FILL = colors.HexColor("#0b5394")
_PLATFORM_FILL = colors.HexColor("#9fc5e8")


@dataclass(frozen=True)
class KindFigures:
    """A kind of operation's figures in a shift report, the kiosk's beside the platform's."""

    kind: str
    kiosk: dict  # count, amount_fen, credit_fen, channel_fen, cash_fen
    platform: dict

    @property
    def agrees(self) -> bool:
        return all(self.kiosk.get(f, 0) == self.platform.get(f, 0) for f in _FIELDS)


@dataclass(frozen=True)
class ShiftSheet:
    """What the shift report prints: the shift, its figures and the cash."""

    hospital: str
    terminal_id: str
    operator_id: str
    operator_name: str
    shift_number: int
    opened_at: datetime
    closed_at: datetime
    figures: tuple[KindFigures, ...]
    differences: tuple[str, ...]
    audit_head: str
    printed_at: datetime
    title: str = "收费员交班对账单"
    counted_cash_fen: int | None = None  # what the cashier counted in the drawer
    #: The day's reconciliation with the HIS, the insurance and the credit platform, a line per difference;
    #: None: not made (a desk without those counterparts).
    counterparts: tuple[str, ...] | None = None

    @property
    def reference(self) -> str:
        return f"SHIFT-{self.terminal_id}-{self.shift_number}"

    def total(self, side: str, field: str) -> int:
        return sum(getattr(f, side).get(field, 0) for f in self.figures)

    def cash_to_hand_over(self, side: str = "kiosk") -> int:
        """Cash taken in less cash given back."""
        return sum(-getattr(f, side).get("cash_fen", 0) if f.kind in _OUTGOING else getattr(f, side).get("cash_fen", 0)
                   for f in self.figures)


def _local(moment: datetime) -> str:
    return moment.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M:%S")


class _Page:
    def __init__(self, c: pdfcanvas.Canvas, sheet: ShiftSheet):
        self.c = c
        self.sheet = sheet
        self.y = _MARGIN  # from the top edge

    def text(self, x: float, text: str, size: float = _BODY, bold: bool = False, baseline: float | None = None):
        self.c.setFont(font_name(), size)
        draw_text(self.c, x, PAGE_HEIGHT - (baseline if baseline is not None else self.y), text, size, bold)

    def right(self, x: float, text: str, size: float = _BODY, bold: bool = False):
        self.text(x - text_width(text, size), text, size, bold)

    def centre(self, text: str, size: float, bold: bool = False):
        self.text((PAGE_WIDTH - text_width(text, size)) / 2, text, size, bold)

    def rule(self, width: float = 0.5, grey: float = 0.0):
        self.c.setStrokeGray(grey)
        self.c.setLineWidth(width)
        self.c.line(_MARGIN, PAGE_HEIGHT - self.y, PAGE_WIDTH - _MARGIN, PAGE_HEIGHT - self.y)
        self.c.setStrokeGray(0)

    def footer(self) -> None:
        self.y = PAGE_HEIGHT - _MARGIN
        self.rule(0.4)
        self.y += 9
        self.text(_MARGIN, f"{self.sheet.hospital}　{self.sheet.title}", 7.5)
        self.right(PAGE_WIDTH - _MARGIN, f"单号 {self.sheet.reference}", 7.5)

    def room_for(self, height: float) -> None:
        """Go on on a new page (续页) unless ``height`` more fits above the signatures."""
        if self.y + height <= PAGE_HEIGHT - _MARGIN - _SIGNATURES - _ROW:
            return
        self.footer()
        self.c.showPage()
        self.y = _MARGIN + 15
        self.centre(f"{self.sheet.title}（续页）", 13)
        self.right(PAGE_WIDTH - _MARGIN, f"单号 {self.sheet.reference}")
        self.y += 3 * MM
        self.rule(1.0)
        self.y += _ROW


def _rights(widths: tuple[int, ...]) -> list[float]:
    """Column right edges for widths in mm (184 in all), scaled to the page."""
    scale = _USABLE / (sum(widths) * MM)
    rights, x = [], _MARGIN
    for w in widths:
        x += w * MM * scale
        rights.append(x)
    return rights


_WIDTHS = (24, 14, 24, 24, 24, 20, 16, 24, 14)  # mm: the nine columns of the first table


def _row(page: _Page, rights: list[float], name: str, cells: tuple[str, ...], bold: bool,
         bold_cells: tuple[int, ...] = (), heavy_rule: bool = False) -> None:
    page.y += _TABLE_ROW - 0.45 * _BODY
    page.text(_MARGIN, name, bold=bold)
    for i, cell in enumerate(cells, start=1):
        page.right(rights[i] - 1 * MM, cell, bold=bold or i in bold_cells)
    page.y += 0.45 * _BODY
    page.rule(0.8 if heavy_rule else 0.25, 0.0 if heavy_rule else 0.6)


def _table(page: _Page, sheet: ShiftSheet) -> None:
    """By kind: the desk's count, total and its parts, the platform's count and total, 一致 / 不符."""
    rights = _rights(_WIDTHS)
    page.y += _ROW
    for i, heading in enumerate(_COLUMNS):
        if i == 0:
            page.text(_MARGIN, heading, bold=True)
        else:
            page.right(rights[i] - 1 * MM, heading, bold=True)
    page.y += 0.35 * _ROW
    page.rule(0.8)
    names = dict(KINDS)
    rows = [(names.get(f.kind, f.kind), f.kiosk, f.platform, f.agrees) for f in sheet.figures]
    totals_k = {field: sheet.total("kiosk", field) for field in _FIELDS}
    totals_p = {field: sheet.total("platform", field) for field in _FIELDS}
    rows.append(("合计", totals_k, totals_p, all(f.agrees for f in sheet.figures)))
    for index, (name, k, p, agrees) in enumerate(rows):
        cells = (str(k.get("count", 0)), format_cny(k.get("amount_fen", 0)), format_cny(k.get("credit_fen", 0)),
                 format_cny(k.get("channel_fen", 0)), format_cny(k.get("cash_fen", 0)), str(p.get("count", 0)),
                 format_cny(p.get("amount_fen", 0)), "一致" if agrees else "不符")
        _row(page, rights, name, cells, index == len(rows) - 1, (8,) if not agrees else (),
             heavy_rule=index == len(rows) - 2)


def _platform_table(page: _Page, sheet: ShiftSheet) -> None:
    """The platform's side by channel: every part of each of its totals, under the same columns."""
    rights = _rights(_WIDTHS)
    page.y += _ROW
    page.text(_MARGIN, _PLATFORM_TITLE, bold=True)
    names = dict(KINDS)
    rows = [(names.get(f.kind, f.kind), f.platform) for f in sheet.figures]
    rows.append(("合计", {field: sheet.total("platform", field) for field in _FIELDS}))
    page.y += 0.35 * _ROW
    page.rule(0.8)
    for index, (name, p) in enumerate(rows):
        cells = (str(p.get("count", 0)), *(format_cny(p.get(f, 0)) for f in _FIELDS[1:]))
        _row(page, rights, name, cells, index == len(rows) - 1, heavy_rule=index == len(rows) - 2)


def _chart(page: _Page, sheet: ShiftSheet) -> None:
    width, height = _USABLE, 48 * MM
    drawing = Drawing(width, height)
    drawing.initialFontName = font_name()  # else renderPDF sets Helvetica: a font that is not embedded
    chart = VerticalBarChart()
    chart.x, chart.y = 18 * MM, 10 * MM
    chart.width, chart.height = width - 60 * MM, height - 16 * MM
    names = dict(KINDS)
    chart.data = [[f.kiosk.get("amount_fen", 0) / 100 for f in sheet.figures],
                  [f.platform.get("amount_fen", 0) / 100 for f in sheet.figures]]
    chart.categoryAxis.categoryNames = [names.get(f.kind, f.kind) for f in sheet.figures]
    chart.categoryAxis.labels.fontName = font_name()
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = font_name()
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = "%.0f"
    chart.bars[0].fillColor = _KIOSK_FILL
    chart.bars[1].fillColor = _PLATFORM_FILL
    chart.bars.strokeColor = colors.black
    chart.bars.strokeWidth = 0.3
    chart.groupSpacing = 8
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 38 * MM, height - 14 * MM
    legend.fontName, legend.fontSize = font_name(), 8
    legend.colorNamePairs = [(_KIOSK_FILL, "本机统计"), (_PLATFORM_FILL, "平台统计")]
    legend.alignment = "right"
    drawing.add(legend)
    drawing.add(String(0, height - 4 * MM, "金额（元）", fontName=font_name(), fontSize=8))
    page.y += height
    renderPDF.draw(drawing, page.c, _MARGIN, PAGE_HEIGHT - page.y)


def render_shift_report(sheet: ShiftSheet, face=None) -> bytes:
    """The report as PDF bytes (one A4 page). ``face``: the TrueType face to draw and embed;
    ``None``: ``printing.fonts.default_face()`` (the embedded face; the CID font only without
    a font file)."""
    face = face or default_face()
    if face is None:
        ensure_font()
    buffer = io.BytesIO()
    with using_face(face):
        c = pdfcanvas.Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1,
                             initialFontName=font_name(), initialFontSize=_BODY)
        c.setTitle(sheet.title)
        c.setCreator("credit-care-kiosk")
        page = _Page(c, sheet)
        page.y += 15
        page.centre(truncate(sheet.hospital, 15, _USABLE * 0.8), 15, bold=True)
        page.y += 20
        page.centre(sheet.title, 13)
        page.y += 20
        page.text(_MARGIN, f"终端 {sheet.terminal_id}　收费员 {sheet.operator_name}（工号 {sheet.operator_id}）"
                           f"　班次 {sheet.shift_number}")
        page.right(PAGE_WIDTH - _MARGIN, f"打印时间 {_local(sheet.printed_at)}")
        page.y += _BODY * 1.6
        page.text(_MARGIN, f"开班 {_local(sheet.opened_at)}　交班 {_local(sheet.closed_at)}")
        page.right(PAGE_WIDTH - _MARGIN, f"单号 {sheet.reference}")
        page.y += 3 * MM
        page.rule(1.0)

        page.y += _ROW
        page.text(_MARGIN, "一、按业务类别与渠道：本机统计与平台记录", 10.5, bold=True)
        _table(page, sheet)
        _platform_table(page, sheet)

        page.y += _ROW
        page.text(_MARGIN, "二、各类业务金额对比", 10.5, bold=True)
        _chart(page, sheet)

        page.y += _ROW
        page.text(_MARGIN, "三、现金与核对结果", 10.5, bold=True)
        page.y += _ROW
        expected = sheet.cash_to_hand_over("kiosk")
        page.text(_MARGIN, f"应交现金（收入减退出） 本机 {format_cny(expected)}"
                           f"　平台 {format_cny(sheet.cash_to_hand_over('platform'))}")
        if sheet.counted_cash_fen is not None:
            page.y += _ROW
            gap = sheet.counted_cash_fen - expected
            verdict = "相符" if gap == 0 else f"短款 {format_cny(-gap)}" if gap < 0 else f"长款 {format_cny(gap)}"
            page.text(_MARGIN, f"实点现金 {format_cny(sheet.counted_cash_fen)}　与应交现金比：{verdict}",
                      bold=gap != 0)
        page.y += _ROW
        if sheet.differences:
            page.text(_MARGIN, f"核对结果：不符，共 {len(sheet.differences)} 处差异，请交主管复核：", bold=True)
            lines = [truncate(line, 8, _USABLE - 4 * MM) for line in sheet.differences[:_DIFFERENCES_SHOWN]]
            if len(sheet.differences) > _DIFFERENCES_SHOWN:
                lines.append(f"……另有 {len(sheet.differences) - _DIFFERENCES_SHOWN} 处")
            for line in lines:
                page.room_for(_BODY * 1.5)
                page.y += _BODY * 1.5
                page.text(_MARGIN + 4 * MM, line, 8)
        else:
            page.text(_MARGIN, "核对结果：一致。本窗口统计与平台记录完全一致。", bold=True)
        if sheet.counterparts is not None:
            page.room_for(_ROW * 1.5)
            page.y += _ROW * 1.5
            if sheet.counterparts:
                page.text(_MARGIN, f"当日与医保、信用平台、HIS 对账：{len(sheet.counterparts)} 处差异，请交主管处理：",
                          bold=True)
                for line in [truncate(x, 8, _USABLE - 4 * MM) for x in sheet.counterparts[:_DIFFERENCES_SHOWN]]:
                    page.room_for(_BODY * 1.5)
                    page.y += _BODY * 1.5
                    page.text(_MARGIN + 4 * MM, line, 8)
            else:
                page.text(_MARGIN, "当日与医保、信用平台、HIS 对账：一致。", bold=True)

        page.room_for(_ROW * 1.5 + _BODY * 1.4)
        page.y += _ROW * 1.5
        page.text(_MARGIN, "审计日志链头（SHA-256）", 8)
        page.y += _BODY * 1.4
        page.text(_MARGIN, sheet.audit_head, 8)

        page.y = PAGE_HEIGHT - _MARGIN - _SIGNATURES
        page.text(_MARGIN, "收费员签字：____________________", 10)
        page.text(_MARGIN + _USABLE / 2, "主管复核签字：____________________", 10)
        page.footer()
        c.showPage()
        c.save()
    return buffer.getvalue()
