"""What the platform says about credit accounts and bills, parsed once for every journey."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kiosk.domain import clock
from kiosk.domain.models import Account


def when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def day_of(text: str | None) -> date | None:
    """A date, or the business date of a timestamp."""
    if not text:
        return None
    if len(text) == 10:
        return date.fromisoformat(text)
    return clock.business_date(datetime.fromisoformat(text))


def account_from(data: dict | None) -> Account | None:
    if not data:
        return None
    return Account(
        account_id=data["account_id"],
        status=data["status"],
        line_fen=data["line_fen"],
        used_fen=data["used_fen"],
        available_fen=data["available_fen"],
        overdue_fen=data.get("overdue_fen", 0),
        value_added=bool(data.get("value_added", False)),
    )


@dataclass(frozen=True)
class Bill:
    """A credit bill as the patient sees it: amount, what is still owed and when it is due."""

    bill_id: str
    kind: str  # registration | outpatient | inpatient
    reference: str
    amount_fen: int  # booked on the credit line
    outstanding_fen: int
    due_at: datetime | None
    status: str  # due | overdue | paid | disputed
    created_at: datetime | None = None
    settlement_id: str | None = None
    registration_id: str | None = None
    paid_fen: int = 0  # repaid so far
    refunded_fen: int = 0
    disputed: bool = False  # a dispute was raised (open or answered)
    dispute_answer_due: date | None = None
    patient_id: str | None = None  # whose visit it was (a guardian's account also holds a minor's bills)
    refundable_fen: int | None = None  # what a refund of its settlement may still give back (platform's)

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"

    @property
    def last_payable_day(self) -> date | None:
        return clock.last_payable_day(self.due_at) if self.due_at else None

    @property
    def disputable(self) -> bool:
        return self.status in ("due", "overdue") and self.outstanding_fen > 0


def bill_from(data: dict) -> Bill:
    dispute = data.get("dispute") or {}
    return Bill(
        bill_id=data["bill_id"],
        kind=data.get("kind", "outpatient"),
        reference=data.get("reference") or data["bill_id"],
        amount_fen=data["amount_fen"],
        outstanding_fen=data.get("outstanding_fen", data["amount_fen"]),
        due_at=when(data.get("due_at")),
        status=data["status"],
        created_at=when(data.get("created_at")),
        settlement_id=data.get("settlement_id"),
        registration_id=data.get("registration_id"),
        paid_fen=data.get("paid_fen", 0),
        refunded_fen=data.get("refunded_fen", 0),
        disputed=bool(dispute),
        dispute_answer_due=day_of(dispute.get("answer_due")),
        patient_id=data.get("patient_id"),
        refundable_fen=data.get("refundable_fen"),
    )
