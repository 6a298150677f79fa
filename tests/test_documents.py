"""Thermal slips of the credit-care journeys: what reaches paper, read back with poppler and zbar."""
from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.idnumber import check_character, mask_id, mask_name
from kiosk.domain.money import format_cny
from printing.documents import Receipt, ReceiptLine, Slip, SlipRow
from printing.receipt import render_receipt, render_slip
from printing.slips import (
    SlipHeader,
    cancellation_slip,
    discharge_receipt,
    dispute_acknowledgement,
    refund_receipt,
    registration_slip,
    repayment_receipt,
)

_TOOLS = ("pdftotext", "pdfinfo", "pdftoppm", "zbarimg")
needs_tools = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in _TOOLS),
    reason="needs poppler-utils and zbar-tools",
)

FIRST17 = "35020319800101101"
FULL_ID = FIRST17 + check_character(FIRST17)
MASKED_ID = mask_id(FULL_ID)
# 02:03:04 UTC is 10:03:04 in Shanghai.
PRINTED_AT = datetime(2025, 5, 1, 2, 3, 4, tzinfo=UTC)
# Due at 00:00 Shanghai on 6 June: the last payable day is 5 June.
DUE_AT = datetime(2025, 6, 5, 16, 0, tzinfo=UTC)
HEADER = SlipHeader("厦门市第一医院", "ZZJ-0207", PRINTED_AT, MASKED_ID, mask_name("陈志明"))


def registration(**changes) -> Slip:
    args = dict(
        reference="GH20250501-0207-000118", department="心血管内科", doctor="王建国",
        doctor_title="主任医师", session_date=date(2025, 5, 6), session="AM",
        time_slot="09:30-10:00", room="门诊楼3层 心内科5诊室", queue_number=17,
        fee_fen=2500, booked_fen=2500, available_fen=297_500, due_at=DUE_AT,
        note="请于就诊时段前15分钟到3层候诊区签到，过号需重新排队。",
    )
    args.update(changes)
    return registration_slip(HEADER, **args)


def cancellation(**changes) -> Slip:
    args = dict(
        reference="TH20250502-0207-000003", original_reference="GH20250501-0207-000118",
        department="心血管内科", doctor="王建国", doctor_title="主任医师",
        session_date=date(2025, 5, 6), session="PM", queue_number="A017", refund_fen=2500,
        to_credit_fen=1500, to_channel_fen=1000, channel="微信支付", available_fen=300_000,
    )
    args.update(changes)
    return cancellation_slip(HEADER, **args)


def repayment(**changes) -> Slip:
    args = dict(reference="HK20250601-0207-000044", amount_fen=12_886, channel="银行卡",
                bills_paid=2, available_fen=300_000, outstanding_fen=4_321)
    args.update(changes)
    return repayment_receipt(HEADER, **args)


def refund(**changes) -> Slip:
    args = dict(
        reference="TF20250503-0207-000009", amount_fen=5_136, to_credit_fen=3_136,
        to_bill_fen=1_136, to_other_bills_fen=1_500, to_balance_fen=500,
        to_channel_fen=2_000, channel="扫码支付", available_fen=290_000,
        original_reference="CS20250501-0012-000345",
        lines=(ReceiptLine("阿莫西林胶囊 0.25g×24粒", "2盒", 3_136),
               ReceiptLine("血常规（五分类）", "1项", 2_000)),
    )
    args.update(changes)
    return refund_receipt(HEADER, **args)


def discharge(**changes) -> Slip:
    args = dict(
        reference="ZY20250501-0207-000002", inpatient_no="ZY2025004417",
        department="呼吸与危重症医学科", admitted_on=date(2025, 4, 20),
        discharged_on=date(2025, 5, 1), total_fen=1_865_432, fund_fen=1_305_802,
        personal_fen=559_630, deposit_used_fen=300_000, deposit_refunded_fen=0,
        booked_fen=249_630, paid_fen=10_000, channel="支付宝", available_fen=50_370,
        due_at=DUE_AT, note="费用明细见《住院费用清单》。",
    )
    args.update(changes)
    return discharge_receipt(HEADER, **args)


REASON = "同一天的血常规（五分类）被收取两次，第二次检查并未进行；另外布洛芬缓释胶囊已退药但账单未冲减。"


def dispute(**changes) -> Slip:
    args = dict(reference="YY20250520-0207-000001", bill_reference="BL20250501-000345",
                reason=REASON, answer_due=date(2025, 5, 27), amount_fen=3_850)
    args.update(changes)
    return dispute_acknowledgement(HEADER, **args)


# What each kind must show: its title, labels and values (amounts as printed).
EXPECTED = {
    "registration": (registration, "挂号凭条", [
        "科室", "心血管内科", "医生", "王建国 主任医师", "就诊日期", "2025-05-06 周二 上午",
        "就诊时段", "09:30-10:00", "诊室", "门诊楼3层 心内科5诊室", "就诊序号", "17",
        "挂号费", "信用额度记账", format_cny(2500), "剩余可用额度", format_cny(297_500),
        "还款截止", "2025-06-05", "流水号", "GH20250501-0207-000118", "请于就诊时段前15分钟",
    ]),
    "cancellation": (cancellation, "退号凭条", [
        "原挂号流水号", "GH20250501-0207-000118", "心血管内科", "2025-05-06 周二 下午",
        "原就诊序号", "A017", "已退号", "退还挂号费", format_cny(2500), "退回信用账户",
        format_cny(1500), "冲减本笔欠款", "冲减其他欠款", "余额由金融机构退还", "退回原支付渠道",
        format_cny(1000), "原支付渠道", "微信支付",
        "当前可用额度", format_cny(300_000), "TH20250502-0207-000003",
    ]),
    "repayment": (repayment, "还款凭条", [
        "还款金额", format_cny(12_886), "支付渠道", "银行卡", "结清账单", "2笔",
        "剩余待还", format_cny(4_321), "当前可用额度", format_cny(300_000),
        "HK20250601-0207-000044",
    ]),
    "refund": (refund, "退费凭条", [
        "原交易流水号", "CS20250501-0012-000345", "阿莫西林胶囊 0.25g×24粒", "2盒",
        format_cny(3_136), "退费金额", format_cny(5_136), "退回信用账户", "冲减本笔欠款",
        format_cny(1_136), "冲减其他欠款", format_cny(1_500), "余额由金融机构退还", format_cny(500),
        "退回原支付渠道", format_cny(2_000), "扫码支付", "当前可用额度", format_cny(290_000),
        "TF20250503-0207-000009",
    ]),
    "discharge": (discharge, "出院结算凭条", [
        "住院号", "ZY2025004417", "呼吸与危重症医学科", "入院日期", "2025-04-20", "出院日期",
        "2025-05-01", "住院天数", "11天", "住院总费用", format_cny(1_865_432), "医保统筹支付",
        format_cny(1_305_802), "个人负担", format_cny(559_630), "预交金抵扣",
        format_cny(300_000), "预交金退还", format_cny(0), "信用额度记账", format_cny(249_630),
        "现场支付", format_cny(10_000), "支付宝", "剩余可用额度", format_cny(50_370),
        "还款截止", "2025-06-05", "ZY20250501-0207-000002",
    ]),
    "dispute": (dispute, "异议受理回执", [
        "账单编号", "BL20250501-000345", "异议金额", format_cny(3_850), "异议原因",
        "答复期限", "2025-05-27", "受理编号", "YY20250520-0207-000001",
    ]),
}


def _write(pdf: bytes, folder: Path, name: str) -> Path:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    return path


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True,
                          encoding="utf-8", timeout=30).stdout


def _text(path: Path) -> str:
    return _run("pdftotext", "-layout", "-enc", "UTF-8", str(path), "-")


def _page_width_mm(path: Path) -> float:
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", _run("pdfinfo", str(path)))
    assert m
    return float(m.group(1)) * 25.4 / 72


def _decode_qr(path: Path, folder: Path) -> str:
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(path), str(folder / "page")],
        check=True, capture_output=True, timeout=30,
    )
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(folder / "page.png")],
                             capture_output=True, text=True, timeout=30)
    return decoded.stdout.strip()


@needs_tools
@pytest.mark.parametrize("width", [80, 58])
@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_slip_shows_its_fields_and_only_the_masked_id(tmp_path, kind, width):
    make, title, expected = EXPECTED[kind]
    path = _write(render_slip(make(), width), tmp_path, kind)
    text = _text(path)
    for value in ("厦门市第一医院", title, "终端", "ZZJ-0207", "2025-05-01 10:03:04",
                  "陈*明", MASKED_ID, *expected):
        assert value in text, value
    assert "COPY" not in text and "重打副本" not in text
    squeezed = re.sub(r"\s+", "", text)
    assert FULL_ID not in squeezed and FIRST17 not in squeezed and "陈志明" not in squeezed
    assert _page_width_mm(path) == pytest.approx(width, abs=0.5)


@needs_tools
@pytest.mark.parametrize("width", [80, 58])
def test_the_refund_slip_says_where_each_part_went(tmp_path, width):
    """000 art. 17: back to the credit account first (this bill, other bills, the balance the
    financial institution pays back), the part paid by phone back to the phone's channel."""
    squeezed = re.sub(r"\s+", "", _text(_write(render_slip(refund(), width), tmp_path, "refund")))
    assert ("退款￥31.36已退回信用就医账户：冲减本笔欠款￥11.36，冲减其他欠款￥15.00，余额￥5.00"
            "由金融机构退还至您的账户。￥20.00按原支付渠道（扫码支付）原路退回。") in squeezed
    assert "现金" not in squeezed
    credit_only = refund(amount_fen=3_136, to_channel_fen=0, channel="", lines=())
    nothing_back_by_phone = re.sub(r"\s+", "", _text(_write(render_slip(credit_only, width), tmp_path, "credit")))
    assert "退回原支付渠道￥0.00" in nothing_back_by_phone and "原路退回" not in nothing_back_by_phone
    with_fund = re.sub(r"\s+", "", _text(_write(render_slip(refund(fund_fen=7_000), width), tmp_path, "fund")))
    assert "退回医保基金￥70.00" in with_fund and "退费金额￥51.36" in with_fund


@needs_tools
@pytest.mark.parametrize("width", [80, 58])
def test_the_cancellation_slip_says_where_the_fee_went(tmp_path, width):
    """A registration repaid already, then cancelled: the fee to the credit account (000 art. 17),
    paying the account's other bills and the rest the balance; nothing by phone, no cash."""
    repaid = cancellation(refund_fen=2_500, to_credit_fen=2_500, to_channel_fen=0, channel="", to_bill_fen=0,
                          to_other_bills_fen=1_800, to_balance_fen=700)
    squeezed = re.sub(r"\s+", "", _text(_write(render_slip(repaid, width), tmp_path, "cancellation")))
    for printed in ("退回信用账户￥25.00", "冲减本笔欠款￥0.00", "冲减其他欠款￥18.00", "余额由金融机构退还￥7.00",
                    "退回原支付渠道￥0.00", "退款￥25.00已退回信用就医账户：冲减本笔欠款￥0.00，冲减其他欠款￥18.00，"
                    "余额￥7.00由金融机构退还至您的账户。"):
        assert printed in squeezed, printed
    assert "现金" not in squeezed and "原路退回" not in squeezed
    # Listed from its bill (no session) and paid by phone without a credit service: what is known.
    by_phone = cancellation(department="", doctor="", doctor_title="", session_date=None, session="",
                            queue_number=None, refund_fen=2_500, to_credit_fen=0, to_channel_fen=2_500,
                            channel="扫码支付", available_fen=None)
    squeezed = re.sub(r"\s+", "", _text(_write(render_slip(by_phone, width), tmp_path, "by-phone")))
    assert "￥25.00按原支付渠道（扫码支付）原路退回。" in squeezed
    assert "就诊日期" not in squeezed and "当前可用额度" not in squeezed and "已退号" in squeezed


@needs_tools
def test_dispute_reason_is_wrapped_not_lost(tmp_path):
    text = _text(_write(render_slip(dispute(), 58), tmp_path, "dispute"))
    squeezed = re.sub(r"\s+", "", text)
    assert REASON in squeezed  # wrapped over several lines, in order, nothing cut


@needs_tools
@pytest.mark.parametrize("width", [80, 58])
def test_registration_qr_decodes_to_the_reference(tmp_path, width):
    path = _write(render_slip(registration(), width), tmp_path, "reg")
    assert _decode_qr(path, tmp_path) == "GH20250501-0207-000118"


@needs_tools
def test_qr_payload_can_differ_from_the_reference(tmp_path):
    slip = dataclasses.replace(dispute(), qr_payload="https://h.example/dispute/YY20250520-0207-000001")
    path = _write(render_slip(slip), tmp_path, "dispute")
    assert _decode_qr(path, tmp_path) == slip.qr_payload
    assert "YY20250520-0207-000001" in _text(path)


@needs_tools
def test_queue_number_is_printed_large(tmp_path):
    path = _write(render_slip(registration(queue_number=58)), tmp_path, "reg")
    html = _run("pdftotext", "-bbox", str(path), "-")
    heights = {}
    for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', html):
        heights.setdefault(m.group(3), float(m.group(2)) - float(m.group(1)))
    assert heights["58"] > 3 * heights["科室"]


@needs_tools
def test_a_reprint_is_marked_as_a_copy(tmp_path):
    text = _text(_write(render_slip(dataclasses.replace(repayment(), copy=True)), tmp_path, "c"))
    assert len(re.findall(r"重打副本\s*COPY", text)) == 2  # at the top and the bottom
    text = _text(_write(render_slip(registration(copy=True), 58), tmp_path, "r"))
    assert re.search(r"重打副本\s*COPY", text)


@needs_tools
def test_a_hand_made_slip_takes_plain_tuples(tmp_path):
    slip = Slip(
        title="预约取号凭条", hospital="厦门市第一医院", terminal_id="ZZJ-0207",
        printed_at=PRINTED_AT, masked_id=MASKED_ID, masked_name="陈*明", reference="QH-000001",
        rows=(("检查项目", "腹部彩超"), ("检查时间", datetime(2025, 5, 2, 1, 30, tzinfo=UTC)),
              ("检查日期", date(2025, 5, 2), "bold")),
        totals=(("预交金", 16_000, "total"),),
        highlight=("检查序号", "B-042"),
    )
    assert all(isinstance(row, SlipRow) for row in slip.rows + slip.totals)
    text = _text(_write(render_slip(slip), tmp_path, "x"))
    for value in ("预约取号凭条", "腹部彩超", "2025-05-02 09:30", "2025-05-02", format_cny(16_000),
                  "B-042", "QH-000001"):
        assert value in text, value


def test_render_receipt_is_the_receipt_as_a_slip():
    receipt = Receipt(
        title="门诊信用结算凭条", hospital="厦门市第一医院", terminal_id="ZZJ-0207",
        printed_at=PRINTED_AT, masked_id=MASKED_ID, masked_name="陈*明",
        lines=(ReceiptLine("普通门诊诊查费", "1次", 1000),), total_fen=1000, fund_fen=0,
        personal_fen=1000, booked_fen=1000, available_fen=299_000, due_at=DUE_AT,
        reference="CS20250501-0012-000345",
    )
    slip = receipt.as_slip()
    assert [row.label for row in slip.totals] == [
        "合计", "医保统筹支付", "个人负担", "信用额度记账", "现场支付", "剩余可用额度", "还款截止"]
    assert slip.totals[-1].value == date(2025, 6, 5)
    for width in (80, 58):
        assert render_receipt(receipt, width) == render_slip(slip, width)


# -- what the constructors refuse --------------------------------------------------

@pytest.mark.parametrize("masked", [FULL_ID, FULL_ID + "*", "3502*" + FULL_ID[4:], "35020319", ""])
def test_a_full_id_is_refused_everywhere(masked):
    with pytest.raises(ValueError) as exc:
        SlipHeader("医院", "ZZJ-0207", PRINTED_AT, masked, "陈*明")
    assert FULL_ID not in str(exc.value)
    with pytest.raises(ValueError) as exc:
        dataclasses.replace(registration(), masked_id=masked)
    assert FULL_ID not in str(exc.value)
    with pytest.raises(ValueError):
        dataclasses.replace(HEADER, masked_id=masked)


def test_unmasked_names_and_naive_times_are_refused():
    with pytest.raises(ValueError):
        SlipHeader("医院", "ZZJ-0207", PRINTED_AT, MASKED_ID, "陈志明")
    with pytest.raises(ValueError):
        SlipHeader("医院", "ZZJ-0207", datetime(2025, 5, 1, 10, 3), MASKED_ID, "陈*明")
    with pytest.raises(ValueError):
        registration(due_at=datetime(2025, 6, 6))
    with pytest.raises(ValueError):
        SlipRow("检查时间", datetime(2025, 5, 2, 9, 30))


@pytest.mark.parametrize("make, changes", [
    (registration, {"fee_fen": 25.0}),
    (registration, {"booked_fen": True}),
    (repayment, {"amount_fen": 128.86}),
    (refund, {"to_channel_fen": 2000.0}),
    (discharge, {"available_fen": "503.70"}),
    (dispute, {"amount_fen": 38.5}),
])
def test_money_must_be_integer_fen(make, changes):
    with pytest.raises(ValueError, match="integer fen"):
        make(**changes)


def test_rows_refuse_floats_and_unknown_styles():
    with pytest.raises(ValueError):
        SlipRow("金额", 12.5)
    with pytest.raises(ValueError):
        SlipRow("金额", 1250, "huge")
    with pytest.raises(ValueError):
        dataclasses.replace(repayment(), rows=(("金额",),))


@pytest.mark.parametrize("make, changes", [
    (registration, {"booked_fen": 2000}),  # fee 25.00 != booked 20.00
    (registration, {"booked_fen": 1500, "paid_fen": 1000}),  # paid without a channel
    (registration, {"due_at": None}),  # booked on the line without a due date
    (registration, {"session": "EVE"}),
    (registration, {"session_date": datetime(2025, 5, 6, tzinfo=BUSINESS_TZ)}),
    (registration, {"queue_number": ""}),
    (cancellation, {"to_credit_fen": 2500}),  # 25.00 + 10.00 != 25.00
    (cancellation, {"channel": ""}),
    (cancellation, {"to_other_bills_fen": 1_000, "to_balance_fen": 600}),  # leaves this bill a negative part
    (cancellation, {"to_bill_fen": 1_000}),  # this bill + other bills + balance != the credit part
    (refund, {"amount_fen": 5_000}),
    (refund, {"to_balance_fen": 600}),  # this bill + other bills + balance != the credit part
    (refund, {"to_other_bills_fen": 3_000}),  # leaves this bill a negative part
    (refund, {"channel": ""}),
    (repayment, {"channel": " "}),
    (repayment, {"bills_paid": -1}),
    (discharge, {"fund_fen": 1_305_801}),  # fund + personal != total
    (discharge, {"booked_fen": 249_629}),  # deposit + booked + paid != personal
    (discharge, {"discharged_on": date(2025, 4, 19)}),
    (dispute, {"reason": ""}),
    (dispute, {"answer_due": datetime(2025, 5, 27, tzinfo=BUSINESS_TZ)}),
])
def test_figures_that_do_not_add_up_are_refused(make, changes):
    with pytest.raises(ValueError):
        make(**changes)


def test_paid_registration_needs_no_due_date():
    slip = registration(booked_fen=0, paid_fen=2500, channel="微信支付", due_at=None,
                        available_fen=None)
    labels = [row.label for row in slip.totals]
    assert labels == ["挂号费", "医保统筹支付", "个人负担", "信用额度记账", "现场支付", "支付渠道"]
    assert slip.highlight == SlipRow("就诊序号", "17")
    assert registration(session_date=date(2025, 5, 6) + timedelta(days=5)).rows[2].value.endswith("周日 上午")
