"""What the kiosk knows about a patient, an account and a visit.

Plain frozen dataclasses parsed from the platform's answers. Personal fields
(``name``, ``id_number``) are kept out of ``repr`` so a traceback or a log line
never carries them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kiosk.domain.idnumber import mask_id, mask_name


@dataclass(frozen=True)
class Patient:
    """A patient as the platform knows them (name and ID number kept out of repr; shown masked)."""

    patient_id: str
    name: str = field(repr=False)
    id_number: str = field(repr=False)
    sex: str
    birth_date: date
    is_minor: bool
    guardian_patient_id: str | None
    account_id: str | None
    #: the platform says the patient came of age and left a guardian's line (no service of their own yet)
    guardian_line_ended: bool = False

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


@dataclass(frozen=True)
class Account:
    """A credit account: its status, line, what is used and available, and what is overdue."""

    account_id: str
    status: str  # active | suspended | closed
    line_fen: int
    used_fen: int
    available_fen: int
    overdue_fen: int = 0
    value_added: bool = False

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class VisitItem:
    """One charge item of a visit: quantity, unit price and amount in fen."""

    code: str
    name: str
    quantity: str
    unit_price_fen: int
    amount_fen: int
    category: str = ""


@dataclass(frozen=True)
class Visit:
    """An outpatient visit's bill: its items, total, and the fund's and the patient's parts (they add up)."""

    visit_id: str
    department: str
    doctor: str
    ended_at: datetime
    items: tuple[VisitItem, ...]
    total_fen: int
    fund_fen: int
    personal_fen: int

    def __post_init__(self):
        if self.fund_fen + self.personal_fen != self.total_fen:
            raise ValueError("visit split does not add up to the total")
        if sum(i.amount_fen for i in self.items) != self.total_fen:
            raise ValueError("visit items do not add up to the total")


@dataclass(frozen=True)
class Settlement:
    """A settlement the platform made: the visits it paid, its parts, what it booked on the line and
    when that is due."""

    settlement_id: str
    reference: str
    visit_ids: tuple[str, ...]
    total_fen: int
    fund_fen: int
    personal_fen: int
    booked_fen: int
    line_fen: int
    available_fen: int
    due_at: datetime | None
    settled_at: datetime
    paid_fen: int = 0  # paid on the spot through the payment channel
