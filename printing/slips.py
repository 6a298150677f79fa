"""The slips of the credit-care journeys, as :class:`~printing.documents.Slip` values.

Each factory takes the :class:`SlipHeader` (who, where, when) and the journey's
figures, checks that the figures add up, and lays them out as labelled rows: every part
of a total is printed under the words the patient reads (医保统筹支付, 个人负担,
信用额度记账, 现场支付 with its 支付渠道, 现金支付; 退回信用账户, 退回原支付渠道), so that
the sums can be checked from the paper alone (``tests/printing/arithmetic.py``). Print
with ``printing.receipt.render_slip(slip, width_mm)``; reprint with
``dataclasses.replace(slip, copy=True)``.

Amounts are integer fen. ``due_at`` is the platform's due instant (00:00 of the day
after the last payable day); the slip prints the last payable day, like the receipt.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from kiosk.domain.clock import last_payable_day
from kiosk.domain.money import format_cny

from .documents import (
    ReceiptLine,
    Slip,
    SlipRow,
    _check_aware,
    _check_fen,
    _check_person,
    _check_reference,
    payment_rows,
)

__all__ = [
    "SlipHeader", "SESSIONS",
    "registration_slip", "cancellation_slip", "repayment_receipt", "refund_receipt", "refund_sentence",
    "discharge_receipt", "dispute_acknowledgement",
]

#: Half-day clinic sessions (午别).
SESSIONS = {"AM": "上午", "PM": "下午"}
_WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class SlipHeader:
    """What every slip starts with: the hospital, the terminal, when, and whose it is
    (already masked, see ``kiosk.domain.idnumber.mask_id`` / ``mask_name``)."""

    hospital: str
    terminal_id: str
    printed_at: datetime
    masked_id: str
    masked_name: str

    def __post_init__(self) -> None:
        _check_person(self.masked_id, self.masked_name)
        _check_aware("printed_at", self.printed_at)

    def __repr__(self) -> str:
        return f"SlipHeader(terminal_id={self.terminal_id!r}, masked_id={self.masked_id!r})"


def _slip(header: SlipHeader, title: str, reference: str, *, rows=(), totals=(),
          lines: Sequence[ReceiptLine] = (), highlight: SlipRow | None = None,
          reference_label: str = "流水号", note: str = "", copy: bool = False) -> Slip:
    if not isinstance(header, SlipHeader):
        raise ValueError("header must be a SlipHeader")
    return Slip(
        title=title, hospital=header.hospital, terminal_id=header.terminal_id,
        printed_at=header.printed_at, masked_id=header.masked_id,
        masked_name=header.masked_name, reference=reference, rows=tuple(rows),
        lines=tuple(lines), totals=tuple(totals), highlight=highlight,
        reference_label=reference_label, note=note, copy=copy,
    )


def _fen(**amounts: int | None) -> None:
    for name, value in amounts.items():
        if value is not None:
            _check_fen(name, value)
            if value < 0:
                raise ValueError(f"{name} must not be negative")


def _session_text(session_date: date, session: str) -> str:
    if isinstance(session_date, datetime) or not isinstance(session_date, date):
        raise ValueError("session_date must be a date")
    try:
        half = SESSIONS[session]
    except KeyError:
        raise ValueError(f"session must be one of {', '.join(SESSIONS)}") from None
    return f"{session_date.isoformat()} 周{_WEEKDAYS[session_date.weekday()]} {half}"


def _doctor_text(doctor: str, doctor_title: str) -> str:
    return f"{doctor} {doctor_title}".strip()


def _line_and_due(booked_fen: int, available_fen: int | None, due_at: datetime | None,
                  credit_pending: bool = False) -> list[SlipRow]:
    """剩余可用额度 and 还款截止 (the last payable day) after something was booked. ``credit_pending``: the part
    on credit was queued while the credit platform did not answer: 信用记账 待信用平台确认 instead (the line
    left and the due date are the platform's to say, once it has booked it)."""
    if credit_pending and booked_fen > 0:
        return [SlipRow("信用记账", "待信用平台确认", "bold")]
    rows = []
    if available_fen is not None:
        rows.append(SlipRow("剩余可用额度", available_fen))
    if booked_fen > 0:
        if due_at is None:
            raise ValueError("due_at is required when an amount is booked on the credit line")
        _check_aware("due_at", due_at)
        rows.append(SlipRow("还款截止", last_payable_day(due_at), "bold"))
    return rows


def _refund_rows(to_credit_fen: int, to_channel_fen: int, channel: str, available_fen: int | None, *,
                 credit_parts: tuple[int, int, int] | None = None, fund_fen: int = 0) -> list[SlipRow]:
    """退回信用账户 (with ``credit_parts``: this bill, the other bills, the balance), 退回原支付渠道
    and its channel, 退回医保基金 when there is some, then the line available now (when known)."""
    if to_channel_fen > 0 and not channel.strip():
        raise ValueError("channel is required when money goes back to the original channel")
    rows = [SlipRow("退回信用账户", to_credit_fen)]
    if credit_parts is not None:
        bill, others, balance = credit_parts
        rows += [SlipRow("冲减本笔欠款", bill), SlipRow("冲减其他欠款", others),
                 SlipRow("余额由金融机构退还", balance)]
    rows.append(SlipRow("退回原支付渠道", to_channel_fen))
    if to_channel_fen > 0:
        rows.append(SlipRow("原支付渠道", channel))
    if fund_fen > 0:
        rows.append(SlipRow("退回医保基金", fund_fen))
    if available_fen is not None:
        rows.append(SlipRow("当前可用额度", available_fen, "bold"))
    if credit_parts is not None and (to_credit_fen or to_channel_fen):
        rows.append(SlipRow("说明", refund_sentence(to_credit_fen, *credit_parts, to_channel_fen, channel),
                            "paragraph"))
    return rows


def _check_queue(queue_number: str | int) -> str:
    if isinstance(queue_number, bool) or not isinstance(queue_number, (str, int)):
        raise ValueError("queue_number must be text or an integer")
    text = str(queue_number).strip()
    if not text:
        raise ValueError("queue_number must not be empty")
    return text


def registration_slip(
    header: SlipHeader, *, reference: str, department: str, doctor: str, doctor_title: str = "",
    session_date: date, session: str, time_slot: str, room: str, queue_number: str | int,
    fee_fen: int, booked_fen: int = 0, fund_fen: int = 0, paid_fen: int = 0, channel: str = "",
    cash_fen: int = 0, available_fen: int | None = None, due_at: datetime | None = None,
    note: str = "", copy: bool = False, credit_pending: bool = False,
) -> Slip:
    """挂号凭条. The queue number is printed large. ``fee_fen`` must equal
    ``fund_fen + booked_fen + paid_fen + cash_fen`` (fund, credit line, paid on the spot via
    ``channel``, cash); the personal part (个人负担) is what the fund does not pay.
    ``due_at`` is required when something is booked on the line."""
    _fen(fee_fen=fee_fen, booked_fen=booked_fen, fund_fen=fund_fen, paid_fen=paid_fen, cash_fen=cash_fen,
         available_fen=available_fen)
    if fund_fen + booked_fen + paid_fen + cash_fen != fee_fen:
        raise ValueError("fund, booked, paid and cash do not add up to the fee")
    rows = [
        SlipRow("科室", department),
        SlipRow("医生", _doctor_text(doctor, doctor_title)),
        SlipRow("就诊日期", _session_text(session_date, session), "bold"),
        SlipRow("就诊时段", time_slot, "bold"),
        SlipRow("诊室", room),
    ]
    totals = payment_rows(total_label="挂号费", total_fen=fee_fen, fund_fen=fund_fen,
                          personal_fen=fee_fen - fund_fen, booked_fen=booked_fen, paid_fen=paid_fen,
                          channel=channel, cash_fen=cash_fen)
    totals += _line_and_due(booked_fen, available_fen, due_at, credit_pending)
    return _slip(header, "挂号凭条", reference, rows=rows, totals=totals,
                 highlight=SlipRow("就诊序号", _check_queue(queue_number)), note=note, copy=copy)


def cancellation_slip(
    header: SlipHeader, *, reference: str, original_reference: str, department: str = "",
    doctor: str = "", doctor_title: str = "", session_date: date | None = None, session: str = "",
    queue_number: str | int | None = None, refund_fen: int, to_credit_fen: int, to_channel_fen: int = 0,
    channel: str = "", available_fen: int | None, to_bill_fen: int | None = None, to_other_bills_fen: int = 0,
    to_balance_fen: int = 0, note: str = "", copy: bool = False,
) -> Slip:
    """退号凭条: the registration given back and where its fee went, as a refund goes
    (``refund_fen == to_credit_fen + to_channel_fen``): ``to_credit_fen`` back to the credit
    account (000 art. 17), printed with where it went, ``to_bill_fen`` off the registration's own
    debt (冲减本笔欠款; by default what the other two leave), ``to_other_bills_fen`` off the
    account's other bills (冲减其他欠款), ``to_balance_fen`` the balance the financial institution
    returns (余额由金融机构退还), and the sentence saying so; ``to_channel_fen`` back through the
    ``channel`` the fee was paid with. The clinic session's rows when known (``session_date``: a
    registration listed from its bill has none); the line available when there is a credit
    account."""
    if to_bill_fen is None:
        to_bill_fen = to_credit_fen - to_other_bills_fen - to_balance_fen
    _fen(refund_fen=refund_fen, to_credit_fen=to_credit_fen, to_channel_fen=to_channel_fen,
         available_fen=available_fen, to_bill_fen=to_bill_fen, to_other_bills_fen=to_other_bills_fen,
         to_balance_fen=to_balance_fen)
    _check_reference("original_reference", original_reference)
    if to_credit_fen + to_channel_fen != refund_fen:
        raise ValueError("credit and channel refunds do not add up to the refund")
    if to_bill_fen + to_other_bills_fen + to_balance_fen != to_credit_fen:
        raise ValueError("this bill, the other bills and the balance do not add up to the credit refund")
    rows = [SlipRow("原挂号流水号", original_reference)]
    if session_date is not None:
        rows += [
            SlipRow("科室", department),
            SlipRow("医生", _doctor_text(doctor, doctor_title)),
            SlipRow("就诊日期", _session_text(session_date, session)),
        ]
        if queue_number is not None:
            rows.append(SlipRow("原就诊序号", _check_queue(queue_number)))
    rows.append(SlipRow("状态", "已退号", "bold"))
    totals = [SlipRow("退还挂号费", refund_fen, "total")]
    totals += _refund_rows(to_credit_fen, to_channel_fen, channel, available_fen,
                           credit_parts=(to_bill_fen, to_other_bills_fen, to_balance_fen))
    return _slip(header, "退号凭条", reference, rows=rows, totals=totals, note=note, copy=copy)


def repayment_receipt(
    header: SlipHeader, *, reference: str, amount_fen: int, channel: str, bills_paid: int,
    available_fen: int, outstanding_fen: int | None = None, allocations: Sequence[tuple[str, int]] = (),
    note: str = "", copy: bool = False,
) -> Slip:
    """还款凭条: ``amount_fen`` repaid through ``channel`` (扫码支付, 微信支付, 支付宝, 银行卡,
    现金 ...), settling ``bills_paid`` bills; the line now available, and what is still owed if
    given. The amount is printed again as its part: 现金支付 for cash, else 现场支付 with the
    channel. ``allocations``, ``(bill reference, fen)`` pairs, list what each bill received;
    they must add up to the amount."""
    _fen(amount_fen=amount_fen, available_fen=available_fen, outstanding_fen=outstanding_fen)
    if not isinstance(channel, str) or not channel.strip():
        raise ValueError("channel must not be empty")
    if isinstance(bills_paid, bool) or not isinstance(bills_paid, int) or bills_paid < 0:
        raise ValueError("bills_paid must be a count")
    lines = []
    for bill, fen in allocations:
        _check_reference("allocation bill", bill)
        _fen(allocation_fen=fen)
        lines.append(ReceiptLine(f"账单 {bill}", "", fen))
    if lines and sum(line.amount_fen for line in lines) != amount_fen:
        raise ValueError("the allocations do not add up to the amount repaid")
    totals = [SlipRow("还款金额", amount_fen, "total")]
    if channel.strip() == "现金":
        totals.append(SlipRow("现金支付", amount_fen))
    else:
        totals += [SlipRow("现场支付", amount_fen), SlipRow("支付渠道", channel)]
    totals.append(SlipRow("结清账单", f"{bills_paid}笔"))
    if outstanding_fen is not None:
        totals.append(SlipRow("剩余待还", outstanding_fen))
    totals.append(SlipRow("当前可用额度", available_fen, "bold"))
    return _slip(header, "还款凭条", reference, lines=lines, totals=totals, note=note, copy=copy)


def refund_receipt(
    header: SlipHeader, *, reference: str, amount_fen: int, to_credit_fen: int,
    to_channel_fen: int = 0, channel: str = "", available_fen: int,
    to_bill_fen: int | None = None, to_other_bills_fen: int = 0, to_balance_fen: int = 0,
    fund_fen: int = 0, original_reference: str = "", lines: Sequence[ReceiptLine] = (),
    note: str = "", copy: bool = False,
) -> Slip:
    """退费凭条: ``amount_fen`` refunded, never in cash: ``to_credit_fen`` back to the credit
    account (000 art. 17) and ``to_channel_fen`` back through the payment ``channel`` the part
    paid on the spot came from. The credit part is printed with where it went:
    ``to_bill_fen`` off this bill's debt (冲减本笔欠款), ``to_other_bills_fen`` off the
    account's other bills (冲减其他欠款) and ``to_balance_fen``, the balance the financial
    institution returns to the patient (余额由金融机构退还); ``to_bill_fen`` defaults to what
    the other two leave. ``fund_fen``, the insurance fund's share going back to the fund, is
    printed apart (退回医保基金): it is no money of the patient's. Optionally the items
    refunded (they must add up to the amount)."""
    if to_bill_fen is None:
        to_bill_fen = to_credit_fen - to_other_bills_fen - to_balance_fen
    _fen(amount_fen=amount_fen, to_credit_fen=to_credit_fen, to_channel_fen=to_channel_fen,
         available_fen=available_fen, to_bill_fen=to_bill_fen, to_other_bills_fen=to_other_bills_fen,
         to_balance_fen=to_balance_fen, fund_fen=fund_fen)
    if to_credit_fen + to_channel_fen != amount_fen:
        raise ValueError("credit and channel refunds do not add up to the amount")
    if to_bill_fen + to_other_bills_fen + to_balance_fen != to_credit_fen:
        raise ValueError("this bill, the other bills and the balance do not add up to the credit refund")
    lines = tuple(lines)
    if lines and sum(line.amount_fen for line in lines) != amount_fen:
        raise ValueError("the items refunded do not add up to the amount")
    rows = [SlipRow("原交易流水号", original_reference)] if original_reference.strip() else []
    totals = [SlipRow("退费金额", amount_fen, "total")]
    totals += _refund_rows(to_credit_fen, to_channel_fen, channel, available_fen,
                           credit_parts=(to_bill_fen, to_other_bills_fen, to_balance_fen), fund_fen=fund_fen)
    return _slip(header, "退费凭条", reference, rows=rows, lines=lines, totals=totals,
                 note=note, copy=copy)


def refund_sentence(to_credit_fen: int, to_bill_fen: int, to_other_bills_fen: int, to_balance_fen: int,
                    to_channel_fen: int = 0, channel: str = "") -> str:
    """What became of a refund, in one sentence for the patient (the slip's 说明)."""
    parts = []
    if to_credit_fen:
        parts.append(f"退款 {format_cny(to_credit_fen)} 已退回信用就医账户：冲减本笔欠款 "
                     f"{format_cny(to_bill_fen)}，冲减其他欠款 {format_cny(to_other_bills_fen)}，余额 "
                     f"{format_cny(to_balance_fen)} 由金融机构退还至您的账户。")
    if to_channel_fen:
        parts.append(f"{format_cny(to_channel_fen)} 按原支付渠道（{channel.strip()}）原路退回。")
    return "".join(parts)


def discharge_receipt(
    header: SlipHeader, *, reference: str, inpatient_no: str, department: str,
    admitted_on: date, discharged_on: date, total_fen: int, fund_fen: int, personal_fen: int,
    deposit_used_fen: int, deposit_refunded_fen: int, booked_fen: int, paid_fen: int = 0,
    channel: str = "", cash_fen: int = 0, available_fen: int | None = None, due_at: datetime | None = None,
    note: str = "", copy: bool = False, credit_pending: bool = False,
) -> Slip:
    """出院结算凭条. ``total = fund + personal`` and ``personal = deposit used + booked on
    the line + paid on the spot + cash``; the unused deposit (预交金退还) is shown apart."""
    _fen(total_fen=total_fen, fund_fen=fund_fen, personal_fen=personal_fen,
         deposit_used_fen=deposit_used_fen, deposit_refunded_fen=deposit_refunded_fen,
         booked_fen=booked_fen, paid_fen=paid_fen, cash_fen=cash_fen, available_fen=available_fen)
    for name, day in (("admitted_on", admitted_on), ("discharged_on", discharged_on)):
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValueError(f"{name} must be a date")
    if discharged_on < admitted_on:
        raise ValueError("discharged before admitted")
    rows = [
        SlipRow("住院号", inpatient_no),
        SlipRow("科室", department),
        SlipRow("入院日期", admitted_on),
        SlipRow("出院日期", discharged_on),
        SlipRow("住院天数", f"{max(1, (discharged_on - admitted_on).days)}天"),
    ]
    totals = payment_rows(total_label="住院总费用", total_fen=total_fen, fund_fen=fund_fen,
                          personal_fen=personal_fen, booked_fen=booked_fen, paid_fen=paid_fen, channel=channel,
                          cash_fen=cash_fen, deposit_used_fen=deposit_used_fen)
    totals.append(SlipRow("预交金退还", deposit_refunded_fen))
    totals += _line_and_due(booked_fen, available_fen, due_at, credit_pending)
    return _slip(header, "出院结算凭条", reference, rows=rows, totals=totals, note=note, copy=copy)


def dispute_acknowledgement(
    header: SlipHeader, *, reference: str, bill_reference: str, reason: str,
    answer_due: date, amount_fen: int | None = None, note: str = "", copy: bool = False,
) -> Slip:
    """异议受理回执: the dispute about bill ``bill_reference`` was received under
    ``reference`` (受理编号) and will be answered by ``answer_due``."""
    _fen(amount_fen=amount_fen)
    _check_reference("bill_reference", bill_reference)
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError("reason must not be empty")
    if isinstance(answer_due, datetime) or not isinstance(answer_due, date):
        raise ValueError("answer_due must be a date")
    rows = [SlipRow("账单编号", bill_reference)]
    if amount_fen is not None:
        rows.append(SlipRow("异议金额", amount_fen))
    rows += [SlipRow("异议原因", reason, "paragraph"), SlipRow("答复期限", answer_due, "bold")]
    return _slip(header, "异议受理回执", reference, rows=rows, reference_label="受理编号",
                 note=note, copy=copy)
