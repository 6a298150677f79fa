"""Raise a dispute (异议) on a bill: the platform's reasons, an optional note, the answer date.

The operator answers within 5 working days (Xiamen art. 29); the platform
computes that date with the holiday calendar and the kiosk shows it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date

from kiosk.usecases.accounts import day_of
from kiosk.usecases.credit import CreditRefused
from kiosk.usecases.repayment import print_slip, slip_header
from kiosk.usecases.writes import WritePending

log = logging.getLogger("kiosk.disputes")

MAX_TEXT = 200


@dataclass(frozen=True)
class DisputeReason:
    """A reason a patient can give for disputing a bill, in both languages."""

    code: str
    text_zh: str
    text_en: str

    def text_for(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else (self.text_zh or self.text_en)


@dataclass(frozen=True)
class DisputeRaised:
    """A dispute raised: when the answer is due and its receipt."""

    pending: bool = False  # the platform did not answer: the journal completes it later
    dispute_id: str = ""
    bill_id: str = ""
    answer_due: date | None = None
    receipt_job: str | None = None  # the acknowledgement slip (异议受理回执)
    print_error: str | None = None


class Disputes:
    def __init__(self, platform, writes, printer=None):
        self.platform = platform
        self.writes = writes
        self.printer = printer

    def reasons(self) -> tuple[DisputeReason, ...]:
        data = self.platform.request("GET", "/v1/dispute-reasons")
        return tuple(DisputeReason(r["code"], r.get("text_zh", ""), r.get("text_en", "")) for r in data["reasons"])

    def raise_dispute(self, bill_id: str, reason_code: str, text: str = "", *, session=None,
                      bill_reference: str = "", amount_fen: int | None = None, reason: str = "") -> DisputeRaised:
        """The dispute raised; with the patient's ``session``, its acknowledgement printed (the bill's reference
        and amount, ``reason`` as the patient read it and their note, the date the answer is due)."""
        text = text.strip()
        if not reason_code:
            raise CreditRefused("dispute_reason_missing")
        if len(text) > MAX_TEXT:
            raise CreditRefused("dispute_text_too_long")
        body = {"bill_id": bill_id, "reason_code": reason_code}
        if text:
            body["text"] = text
        try:
            data = self.writes.send("dispute", "/v1/disputes", body)
        except WritePending:
            return DisputeRaised(pending=True, bill_id=bill_id)
        log.info("dispute %s raised", data.get("dispute_id", ""))
        raised = DisputeRaised(dispute_id=data.get("dispute_id", ""), bill_id=data.get("bill_id", bill_id),
                               answer_due=day_of(data.get("answer_due")))
        if session is None or self.printer is None:
            return raised
        why = "；".join(filter(None, (reason or reason_code, text)))
        job, error = print_slip(self.printer, lambda: self._acknowledgement(
            session, raised, bill_reference or bill_id, amount_fen, why), f"dispute-{raised.dispute_id}")
        return replace(raised, receipt_job=job, print_error=error)

    def _acknowledgement(self, session, raised: DisputeRaised, bill_reference: str, amount_fen: int | None,
                         reason: str):
        from printing.slips import dispute_acknowledgement

        return dispute_acknowledgement(slip_header(self.printer, session), reference=raised.dispute_id,
                                       bill_reference=bill_reference, reason=reason, answer_due=raised.answer_due,
                                       amount_fen=amount_fen)
