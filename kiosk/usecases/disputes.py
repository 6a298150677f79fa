"""Raise a dispute (异议) on a bill: the platform's reasons, an optional note, the answer date.

The operator answers within 5 working days (Xiamen art. 29); the platform
computes that date with the holiday calendar and the kiosk shows it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from kiosk.usecases.accounts import day_of
from kiosk.usecases.credit import CreditRefused
from kiosk.usecases.writes import WritePending

log = logging.getLogger("kiosk.disputes")

MAX_TEXT = 200


@dataclass(frozen=True)
class DisputeReason:
    code: str
    text_zh: str
    text_en: str

    def text_for(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else (self.text_zh or self.text_en)


@dataclass(frozen=True)
class DisputeRaised:
    pending: bool = False  # the platform did not answer: the journal completes it later
    dispute_id: str = ""
    bill_id: str = ""
    answer_due: date | None = None


class Disputes:
    def __init__(self, platform, writes):
        self.platform = platform
        self.writes = writes

    def reasons(self) -> tuple[DisputeReason, ...]:
        data = self.platform.request("GET", "/v1/dispute-reasons")
        return tuple(DisputeReason(r["code"], r.get("text_zh", ""), r.get("text_en", "")) for r in data["reasons"])

    def raise_dispute(self, bill_id: str, reason_code: str, text: str = "") -> DisputeRaised:
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
        return DisputeRaised(dispute_id=data.get("dispute_id", ""), bill_id=data.get("bill_id", bill_id),
                             answer_due=day_of(data.get("answer_due")))
