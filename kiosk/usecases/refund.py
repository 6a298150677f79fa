"""Refunds at the cashier's desk (退费): part or all of a settlement is given back, never in
cash. The part booked on credit goes first, to the credit account (000 art. 17: 先退还至用户的
信用就医账户): off the settlement's own bill, then the account's other open bills, oldest
first, and what is left is the account's balance, which the financial institution returns to
the patient. Only beyond it, the part paid on the spot goes back through the payment channel
it came from. The platform decides the split; the kiosk checks the amount first and prints
the refund receipt with every part.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.models import Account
from kiosk.domain.money import parse_yuan
from kiosk.usecases.accounts import account_from
from kiosk.usecases.identify import PatientSession
from kiosk.usecases.repayment import Overview, Refused, print_slip, slip_header
from kiosk.usecases.writes import WritePending

log = logging.getLogger("kiosk.refund")

#: Reason codes the cashier picks from (sent to the platform as they are; the UI names them).
REASONS = ("not_performed", "medicine_returned", "charged_in_error", "other")
#: How each reason is printed on the receipt.
REASON_ON_PAPER = {"not_performed": "项目未执行", "medicine_returned": "退药",
                   "charged_in_error": "收费错误", "other": "其他"}
KINDS = ("outpatient", "registration", "inpatient")
#: The payment channel a part paid on the spot goes back through, as printed (the settlement
#: receipt prints the same words for that part).
CHANNEL_ON_PAPER = "扫码支付"


@dataclass(frozen=True)
class Refundable:
    """One settlement that can still be refunded, read from its bill."""

    settlement_id: str
    reference: str
    kind: str  # outpatient | registration | inpatient
    settled_at: datetime
    amount_fen: int  # booked on the credit line by the settlement
    refunded_fen: int  # taken off that charge so far
    outstanding_fen: int
    left_fen: int | None = None  # the platform's figure: also the part paid on the spot, less refunds

    @property
    def refundable_fen(self) -> int:
        if self.left_fen is not None:
            return max(0, self.left_fen)
        return max(0, self.amount_fen - self.refunded_fen)


def refundables(overview: Overview) -> tuple[Refundable, ...]:
    """The patient's settlements with something left to refund, newest first."""
    found = [
        Refundable(b.settlement_id, b.reference, b.kind, b.created_at, b.amount_fen, b.refunded_fen,
                   b.outstanding_fen, b.refundable_fen)
        for b in overview.bills
        if b.settlement_id and b.kind in KINDS
    ]
    found = [item for item in found if item.refundable_fen > 0]
    return tuple(sorted(found, key=lambda r: r.settled_at, reverse=True))


def refund_amount(text: str, item: Refundable) -> int:
    """The amount typed in yuan, as fen; ``Refused`` with amount_invalid / refund_exceeds."""
    try:
        fen = parse_yuan(text)
    except ValueError:
        raise Refused("amount_invalid") from None
    if fen <= 0:
        raise Refused("amount_invalid")
    if fen > item.refundable_fen:
        raise Refused("refund_exceeds")
    return fen


@dataclass(frozen=True)
class RefundOutcome:
    """A refund made: how much went back to the credit account (first), to the bill and to the payment channel."""

    data: dict | None  # the platform's refund; None while the write is pending
    amount_fen: int
    to_credit_fen: int = 0  # back to the credit account: the three parts below
    to_channel_fen: int = 0  # back through the payment channel (the part paid on the spot)
    account: Account | None = None
    receipt_job: str | None = None
    print_error: str | None = None
    to_bill_fen: int = 0  # off this settlement's bill
    to_other_bills_fen: int = 0  # off the account's other open bills, oldest first
    to_balance_fen: int = 0  # the balance the financial institution returns to the patient
    fund_fen: int = 0  # back to the insurance fund (no money at the desk)
    restored: bool = False  # a suspended account is active again

    @property
    def pending(self) -> bool:
        return self.data is None


class RefundSettlement:
    """``desk`` (``kiosk.usecases.operators.Desk``, optional): refunds above its limit need a
    supervisor's approval (``approved_by``: the platform's ``Approval`` of this refund, or the
    supervisor's own staff number when the operator is one), and every refund goes to its
    audit log. The platform checks it all again: the operator is the desk's session's, in an
    open shift, and the approval is spent by this refund."""

    def __init__(self, writes, printer, desk=None):
        self.writes = writes
        self.printer = printer
        self.desk = desk

    def __call__(self, session: PatientSession, item: Refundable, amount_fen: int, reason: str,
                 operator_id: str, approved_by: str | None = None) -> RefundOutcome:
        if reason not in REASONS:
            raise ValueError(f"unknown refund reason {reason!r}")
        if not 0 < amount_fen <= item.refundable_fen:
            raise Refused("refund_exceeds" if amount_fen > 0 else "amount_invalid")
        if self.desk is not None and amount_fen > self.desk.supervisor_over_fen and not approved_by:
            raise Refused("supervisor_required")
        body = {"settlement_id": item.settlement_id, "amount_fen": amount_fen, "reason": reason}
        approval_id = getattr(approved_by, "approval_id", None)
        if approval_id:
            body["approval_id"] = approval_id  # in the sealed journal, spent once by the platform
        audit = {"settlement_reference": item.reference, "amount_fen": amount_fen, "reason": reason,
                 "approved_by": getattr(approved_by, "operator_id", approved_by)}
        try:
            data = self.writes.send("refund", "/v1/refunds", body)
        except WritePending:
            if self.desk is not None:
                self.desk.record("refund_pending", audit, operator_id)
            return RefundOutcome(None, amount_fen)
        if self.desk is not None:
            self.desk.record("refund", {**audit, "reference": data.get("reference", "")}, operator_id)
        account = account_from(data.get("account"))
        log.info("refunded %s", data.get("reference", ""))
        job, error = print_slip(self.printer, lambda: self._receipt(session, item, reason, data, account),
                                f"refund-{data['reference']}")
        return RefundOutcome(data, data["amount_fen"], data["to_credit_fen"], data["to_channel_fen"], account,
                             job, error, to_bill_fen=data.get("to_bill_fen", data["to_credit_fen"]),
                             to_other_bills_fen=data.get("to_other_bills_fen", 0),
                             to_balance_fen=data.get("to_balance_fen", 0), fund_fen=data.get("fund_fen", 0),
                             restored=bool(data.get("restored")))

    def _receipt(self, session: PatientSession, item: Refundable, reason: str, d: dict, account: Account | None):
        from printing.slips import refund_receipt

        return refund_receipt(
            slip_header(self.printer, session), reference=d["reference"], amount_fen=d["amount_fen"],
            to_credit_fen=d["to_credit_fen"], to_bill_fen=d.get("to_bill_fen"),
            to_other_bills_fen=d.get("to_other_bills_fen", 0), to_balance_fen=d.get("to_balance_fen", 0),
            to_channel_fen=d["to_channel_fen"], channel=CHANNEL_ON_PAPER if d["to_channel_fen"] else "",
            fund_fen=d.get("fund_fen", 0), available_fen=account.available_fen if account else 0,
            original_reference=item.reference, note=f"退费原因：{REASON_ON_PAPER[reason]}")
