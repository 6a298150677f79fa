"""The shift report on A4: figures by kind and channel beside the platform's, a bar chart,
the cash to hand over, the differences and the audit head."""
from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.domain.money import format_cny
from printing.shift_report import KINDS, KindFigures, ShiftSheet, render_shift_report
from tests.helpers import pdf_text


def totals(count=0, amount=0, credit=0, channel=0, cash=0) -> dict:
    return {"count": count, "amount_fen": amount, "credit_fen": credit, "channel_fen": channel, "cash_fen": cash}


def sheet(figures: dict, differences=()) -> ShiftSheet:
    now = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    rows = tuple(KindFigures(kind, *figures.get(kind, (totals(), totals()))) for kind, _ in KINDS)
    return ShiftSheet("厦门市示范医院", "DESK-03", "1001", "王丽", 7, now - timedelta(hours=8), now, rows,
                      tuple(differences), "ab12" * 16, now)


@pytest.fixture
def agreeing() -> ShiftSheet:
    repay = totals(2, 36876, cash=30000, channel=6876)
    refund = totals(1, 14322, credit=14322)
    return sheet({"repayment": (repay, repay), "refund": (refund, refund)})


def test_counts_and_sums_by_kind_and_channel(tmp_path, agreeing):
    path = tmp_path / "shift.pdf"
    path.write_bytes(render_shift_report(agreeing))
    text = pdf_text(path)
    lines: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.split():
            lines.setdefault(line.split()[0], line.split())  # the table's row, not the chart's axis
    assert lines["还款"][1:] == ["2", "￥368.76", "￥0.00", "￥68.76", "￥300.00", "2", "￥368.76", "一致"]
    assert lines["退费"][1:] == ["1", "￥143.22", "￥143.22", "￥0.00", "￥0.00", "1", "￥143.22", "一致"]
    assert lines["挂号"][1:] == ["0", "￥0.00", "￥0.00", "￥0.00", "￥0.00", "0", "￥0.00", "一致"]
    assert lines["合计"][1:] == ["3", "￥511.98", "￥143.22", "￥68.76", "￥300.00", "3", "￥511.98", "一致"]
    assert "收费员交班对账单" in text and "王丽（工号 1001）" in text and "SHIFT-DESK-03-7" in text
    assert "应交现金（收入减退出） 本机 ￥300.00" in text
    assert "核对结果：一致" in text and "ab12" * 16 in text
    assert "本机统计" in text and "平台统计" in text and "门诊结算" in text  # the chart's legend and axis


def test_the_chart_is_drawn(tmp_path, agreeing):
    path = tmp_path / "shift.pdf"
    path.write_bytes(render_shift_report(agreeing))
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")], check=True)
    from PySide6.QtGui import QColor, QImage

    image = QImage(str(tmp_path / "page-1.png"))
    dark = light = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = QColor(image.pixel(x, y))
            dark += abs(c.red() - 0x0b) + abs(c.green() - 0x53) + abs(c.blue() - 0x94) < 30
            light += abs(c.red() - 0x9f) + abs(c.green() - 0xc5) + abs(c.blue() - 0xe8) < 30
    assert dark > 50 and light > 50  # the desk's bars and the platform's bars


def test_differences_are_listed(tmp_path):
    desk = totals(1, 14322, credit=14322)
    platform = totals(2, 16000, credit=14322, channel=1678)
    report = sheet({"settlement": (desk, platform)}, ["settlement ST2026112500000: on the platform, not on the kiosk"])
    path = tmp_path / "shift.pdf"
    path.write_bytes(render_shift_report(report))
    text = pdf_text(path)
    row = next(line.split() for line in text.splitlines() if line.startswith("门诊结算"))
    assert row[-1] == "不符" and row[1] == "1" and row[6] == "2" and row[7] == format_cny(16000)
    assert "不符，共 1 处差异" in text and "ST2026112500000: on the platform, not on the kiosk" in text
