"""The arithmetic check of printed documents (``tests/printing/arithmetic.py``) on real PDFs:
every kind the product prints adds up; figures that do not, parts left off, pages that do not
carry forward and summaries that do not match their rows are found.

The documents that do not add up are drawn through the renderers directly (a hand-made
``Slip``, a tampered text): the factories refuse to build them."""
from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from printing.documents import ReceiptLine, Slip
from printing.receipt import render_slip
from printing.shift_report import KINDS, KindFigures, ShiftSheet, render_shift_report
from printing.statement import render_statement
from tests.printing.arithmetic import check, fen
from tests.test_documents import (
    HEADER,
    PRINTED_AT,
    cancellation,
    discharge,
    dispute,
    refund,
    registration,
    repayment,
)
from tests.test_receipt import make_receipt
from tests.test_statement import classed_statement, make_lines, make_statement


def text_of(pdf: bytes, folder: Path, name: str = "doc") -> str:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True, encoding="utf-8", timeout=30).stdout


def hand_made(title: str, totals: tuple, lines: tuple[ReceiptLine, ...] = ()) -> Slip:
    return Slip(title=title, hospital=HEADER.hospital, terminal_id=HEADER.terminal_id, printed_at=PRINTED_AT,
                masked_id=HEADER.masked_id, masked_name=HEADER.masked_name, reference="X20250501-0001",
                lines=lines, totals=totals)


def sheet(figures: dict, differences=()) -> ShiftSheet:
    now = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    rows = tuple(KindFigures(kind, *figures.get(kind, ({}, {}))) for kind, _ in KINDS)
    return ShiftSheet("厦门市示范医院", "DESK-03", "1001", "王*", 7, now - timedelta(hours=8), now, rows,
                      tuple(differences), "ab12" * 16, now)


def totals(count=0, amount=0, credit=0, channel=0, cash=0) -> dict:
    return {"count": count, "amount_fen": amount, "credit_fen": credit, "channel_fen": channel, "cash_fen": cash}


def test_amounts_are_read_as_integer_fen():
    assert fen("￥96.30") == 9630 and fen("0.05") == 5 and fen("￥-12.34") == -1234
    for bad in ("￥96.3", "96", "￥1,000.00", ""):
        with pytest.raises(ValueError):
            fen(bad)


# -- what the product prints adds up -----------------------------------------------------------

# The reviewer's receipt: a bill beyond the line (the demo tour's shortline patient).
SHORTLINE_VISIT = (ReceiptLine("主任医师门诊诊查费", "1", 4_000), ReceiptLine("头颅CT平扫", "1", 22_000),
                   ReceiptLine("布洛芬缓释胶囊 0.3g×20粒", "2", 4_700), ReceiptLine("静脉输液(第一组)", "1", 1_200))
BEYOND_THE_LINE = dict(lines=SHORTLINE_VISIT, fund_fen=17_270, personal_fen=14_630, booked_fen=5_000,
                       paid_fen=9_630, channel="扫码支付", available_fen=0)


@pytest.mark.parametrize("kind, make, equalities", [
    ("receipt", lambda: make_receipt(**BEYOND_THE_LINE).as_slip(), 3),
    ("registration", registration, 2),
    ("registration", lambda: registration(booked_fen=1_500, paid_fen=1_000, channel="扫码支付"), 2),
    # 退还挂号费 = credit + channel; credit = this bill + other bills + balance; the sentence's five figures
    ("cancellation", cancellation, 7),
    ("cancellation", lambda: cancellation(refund_fen=2_500, to_credit_fen=2_500, to_channel_fen=0, channel="",
                                          to_bill_fen=0, to_other_bills_fen=1_800, to_balance_fen=700), 6),
    ("repayment", repayment, 1),
    ("repayment", lambda: repayment(channel="现金", allocations=(("BIL000900", 10_000), ("BIL000908", 2_886))), 2),
    # 退费金额 = credit + channel; credit = this bill + other bills + balance; the sentence's five
    # figures; the items
    ("refund", refund, 8),
    ("discharge", discharge, 2),
    ("dispute", dispute, 0),
])
def test_every_slip_the_product_prints_adds_up(tmp_path, kind, make, equalities):
    checked = check(text_of(render_slip(make()), tmp_path))
    assert (checked.kind, checked.problems) == (kind, [])
    assert checked.equalities == equalities


def test_the_receipt_of_a_bill_beyond_the_line_shows_what_the_phone_paid(tmp_path):
    """￥319.00: ￥172.70 from the fund, ￥146.30 personal of which ￥50.00 on the line and ￥96.30
    paid by phone."""
    receipt = make_receipt(**BEYOND_THE_LINE)
    text = text_of(render_slip(receipt.as_slip()), tmp_path)
    assert re.search(r"(?m)^\s*合计\s+￥319\.00\s*$", text)
    assert re.search(r"(?m)^\s*个人负担\s+￥146\.30\s*$", text)
    assert re.search(r"(?m)^\s*信用额度记账\s+￥50\.00\s*$", text)
    assert re.search(r"(?m)^\s*现场支付\s+￥96\.30\s*$", text)
    assert re.search(r"(?m)^\s*支付渠道\s+扫码支付\s*$", text)
    assert check(text).adds_up

    # The same receipt as it was printed before: no part paid by phone. Found.
    old = hand_made("门诊信用结算凭条", (("合计", 31_900, "total"), ("医保统筹支付", 17_270), ("个人负担", 14_630),
                                         ("信用额度记账", 5_000, "bold")), receipt.lines)
    problems = check(text_of(render_slip(old), tmp_path, "old")).problems
    assert problems == ["现场支付: printed 0 times, expected once"]


def _totals(*rows) -> tuple:
    return rows


_VISIT = (ReceiptLine("诊查费", "1次", 10_000),)


@pytest.mark.parametrize("title, rows, lines, problem", [
    ("门诊信用结算凭条",
     _totals(("合计", 10_000, "total"), ("医保统筹支付", 6_000), ("个人负担", 4_100), ("信用额度记账", 4_100),
             ("现场支付", 0)), _VISIT,
     "合计 = 医保统筹支付 + 个人负担: ￥100.00 ≠ ￥101.00"),
    ("门诊信用结算凭条",
     _totals(("合计", 10_000, "total"), ("医保统筹支付", 6_000), ("个人负担", 4_000), ("信用额度记账", 3_000),
             ("现场支付", 500), ("支付渠道", "扫码支付")), _VISIT,
     "个人负担 = 信用额度记账 + 现场支付 + 现金支付: ￥40.00 ≠ ￥35.00"),
    ("门诊信用结算凭条",
     _totals(("合计", 10_000, "total"), ("医保统筹支付", 6_000), ("个人负担", 4_000), ("信用额度记账", 4_000),
             ("现场支付", 0)), (ReceiptLine("诊查费", "1次", 9_000), ReceiptLine("血常规", "1项", 900)),
     "items = 合计: ￥99.00 ≠ ￥100.00"),
    ("门诊信用结算凭条",
     _totals(("合计", 10_000, "total"), ("医保统筹支付", 6_000), ("个人负担", 4_000), ("信用额度记账", 3_000),
             ("现场支付", 1_000)), _VISIT,
     "现场支付 without its 支付渠道"),
    ("挂号凭条",
     _totals(("挂号费", 2_500, "total"), ("医保统筹支付", 0), ("个人负担", 2_500), ("信用额度记账", 2_500)), (),
     "现场支付: printed 0 times, expected once"),
    ("出院结算凭条",
     _totals(("住院总费用", 10_000, "total"), ("医保统筹支付", 7_000), ("个人负担", 3_000), ("预交金抵扣", 1_000),
             ("信用额度记账", 1_000), ("现场支付", 0)), (),
     "个人负担 = 预交金抵扣 + 信用额度记账 + 现场支付 + 现金支付: ￥30.00 ≠ ￥20.00"),
    ("退费凭条", _totals(("退费金额", 5_000, "total"), ("退回信用账户", 3_000), ("退回原支付渠道", 1_000)), (),
     "退费金额 = 退回信用账户 + 退回原支付渠道: ￥50.00 ≠ ￥40.00"),
    ("退费凭条", _totals(("退费金额", 5_000, "total"), ("退回信用账户", 5_000), ("冲减本笔欠款", 3_000),
                       ("冲减其他欠款", 1_000), ("余额由金融机构退还", 500), ("退回原支付渠道", 0)), (),
     "退回信用账户 = 冲减本笔欠款 + 冲减其他欠款 + 余额由金融机构退还: ￥50.00 ≠ ￥45.00"),
    ("退费凭条", _totals(("退费金额", 5_000, "total"), ("退回信用账户", 5_000), ("退回原支付渠道", 0)), (),
     "冲减本笔欠款: printed 0 times, expected once"),
    ("退费凭条", _totals(("退费金额", 5_000, "total"), ("退回信用账户", 5_000), ("冲减本笔欠款", 5_000),
                       ("冲减其他欠款", 0), ("余额由金融机构退还", 0), ("退回原支付渠道", 0)), (),
     "退回信用账户 without the sentence saying where it went"),
    ("退费凭条", _totals(("退费金额", 5_000, "total"), ("退回信用账户", 5_000), ("冲减本笔欠款", 2_000),
                       ("冲减其他欠款", 0), ("余额由金融机构退还", 3_000), ("退回原支付渠道", 0),
                       ("说明", "退款 ￥50.00 已退回信用就医账户：冲减本笔欠款 ￥20.00，冲减其他欠款 ￥0.00，"
                                "余额 ￥20.00 由金融机构退还至您的账户。", "paragraph")), (),
     "the sentence's 余额由金融机构退还 = its row: ￥20.00 ≠ ￥30.00"),
    ("退费凭条", _totals(("退费金额", 5_000, "total"), ("退回信用账户", 0), ("退回原支付渠道", 0),
                       ("现金退还", 5_000)), (),
     "cash paid out for a credit-care refund"),
    ("退费凭条", _totals(("退费金额", 5_000, "total"), ("退回信用账户", 0), ("冲减本笔欠款", 0), ("冲减其他欠款", 0),
                       ("余额由金融机构退还", 0), ("退回原支付渠道", 5_000)), (),
     "退回原支付渠道 without its 原支付渠道"),
    ("退号凭条", _totals(("退还挂号费", 2_500, "total"), ("退回信用账户", 2_500)), (),
     "退回原支付渠道: printed 0 times, expected once"),
    # a cancellation slip as it was printed before: the credit part without where it went
    ("退号凭条", _totals(("退还挂号费", 2_500, "total"), ("退回信用账户", 2_500), ("退回原支付渠道", 0)), (),
     "冲减其他欠款: printed 0 times, expected once"),
    ("退号凭条", _totals(("退还挂号费", 2_500, "total"), ("退回信用账户", 2_500), ("冲减本笔欠款", 0),
                       ("冲减其他欠款", 2_500), ("余额由金融机构退还", 0), ("退回原支付渠道", 0)), (),
     "退回信用账户 without the sentence saying where it went"),
    ("还款凭条", _totals(("还款金额", 12_886, "total"), ("支付渠道", "银行卡")), (),
     "还款金额 without the part that paid it (现场支付 / 现金支付)"),
    ("还款凭条", _totals(("还款金额", 12_886, "total"), ("现金支付", 12_886)), (ReceiptLine("账单 BIL1", "", 10_000),),
     "bills = 还款金额: ￥100.00 ≠ ￥128.86"),
])
def test_a_slip_that_does_not_add_up_is_found(tmp_path, title, rows, lines, problem):
    checked = check(text_of(render_slip(hand_made(title, rows, lines)), tmp_path))
    assert problem in checked.problems, checked.problems


# -- the A4 statement --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def statement_text(tmp_path_factory) -> str:
    """A 130-line statement with classes and self-paid parts: three pages."""
    return text_of(render_statement(classed_statement(130)), tmp_path_factory.mktemp("statement"))


def test_statements_add_up(statement_text, tmp_path):
    checked = check(statement_text)
    assert (checked.kind, checked.problems) == ("statement", [])
    assert statement_text.count("\f") >= 3  # three pages: carried totals were checked
    assert checked.equalities > 130  # every row, every page, every category
    plain = check(text_of(render_statement(make_statement(make_lines(70))), tmp_path))  # no classes
    assert (plain.kind, plain.problems) == ("statement", [])


def _tamper(text: str, pattern: str, replacement: str, count: int = 1) -> str:
    changed, n = re.subn(pattern, replacement, text, count=count)
    assert n == count, pattern
    return changed


@pytest.mark.parametrize("pattern, replacement, problem", [
    (r"(过次页\s+)￥(\d+)\.(\d\d)", r"\g<1>￥1.00", "page 1: 过次页 = 承前页 + 本页小计"),
    (r"(承前页\s+)￥(\d+)\.(\d\d)", r"\g<1>￥1.00", "page 2: 承前页 = page 1's 过次页"),
    (r"(本页小计\s+)￥(\d+)\.(\d\d)", r"\g<1>￥1.00", "page 1: 本页小计 = its rows"),
    (r"(床位费\s+甲\s+1\s+￥45\.00\s+)￥45\.00", r"\g<1>￥46.00", "床位费 row: quantity × unit price = amount"),
    (r"(西药费\s+丙\s+\d+\s+￥398\.00\s+￥\d+\.00\s+)￥(\d+)\.00", r"\g<1>￥1.00", "a 丙 row is self-paid in full"),
    (r"(?m)^(\s*护理费\s+)￥(\d+)\.(\d\d)", r"\g<1>￥1.00", "summary: 护理费 金额 = its rows"),
    (r"(?m)^(\s*医保统筹支付\s+)￥(\d+)\.(\d\d)", r"\g<1>￥1.00", "合计 = 医保统筹支付 + 个人负担"),
    (r"(?m)^(\s*信用额度记账\s+)￥(\d+)\.(\d\d)", r"\g<1>￥1.00", "个人负担 = 信用额度记账 + 现场支付"),
])
def test_a_statement_that_does_not_add_up_is_found(statement_text, pattern, replacement, problem):
    problems = check(_tamper(statement_text, pattern, replacement)).problems
    assert any(p.startswith(problem) or problem in p for p in problems), problems


def test_a_statement_without_its_summary_is_found(statement_text):
    problems = check(_tamper(statement_text, "费用汇总", "费用")).problems
    assert "no summary by category (费用汇总)" in problems


# -- the shift report ---------------------------------------------------------------------------

def test_shift_reports_add_up_and_a_wrong_one_is_found(tmp_path):
    repay = totals(2, 36_876, cash=30_000, channel=6_876)
    refund_ = totals(1, 14_322, credit=4_322, cash=10_000)
    good = text_of(render_shift_report(sheet({"repayment": (repay, repay), "refund": (refund_, refund_)})), tmp_path)
    checked = check(good)
    assert (checked.kind, checked.problems) == ("shift_report", [])
    assert re.search(r"应交现金（收入减退出）\s*本机\s*￥200\.00", good)  # 300 in, 100 out

    desk, platform = totals(1, 14_322, credit=14_322), totals(2, 16_000, credit=14_322, channel=1_678)
    report = sheet({"settlement": (desk, platform)}, ["settlement ST1: on the platform, not on the kiosk"])
    differing = text_of(render_shift_report(report), tmp_path, "d")
    assert check(differing).problems == []  # 不符 where they differ is the truth

    lying = _tamper(differing, "不符", "一致")
    assert "门诊结算: printed 一致 but the two sides differ" in check(lying).problems

    parts_missing = totals(1, 20_000, credit=14_322)  # a total its parts do not make
    text = text_of(render_shift_report(sheet({"settlement": (parts_missing, parts_missing)})), tmp_path, "p")
    problems = check(text).problems
    assert "desk 门诊结算: 合计 = 信用额度 + 渠道/银行卡 + 现金: ￥200.00 ≠ ￥143.22" in problems
    assert "platform 门诊结算: 合计 = 信用额度 + 渠道/银行卡 + 现金: ￥200.00 ≠ ￥143.22" in problems


def test_an_unknown_document_is_not_taken_for_a_checked_one():
    assert check("收据\n金额 ￥1.00\n").problems == ["no known document title"]
