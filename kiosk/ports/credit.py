"""The credit port: what the kiosk asks of the city's credit-care platform (issue 12), as a ``Protocol``
with frozen models (money in integer fen, aware times).

The credit platform owns the credit accounts, lines, consents and households, the holds and bookings of
the settlement saga, repayments, refunds, disputes, the overdue batch, operators, shifts and approvals,
the fleet and document verification. The saga's steps are typed here: a **hold** of the plan's
``on_credit`` before the insurance settles, its **booking** with the bill details and the insurance
``setl_id`` after, its **release** or the booking's **void** when the saga compensates; each write takes
the caller's idempotency key, journaled before the call. The platform's other endpoints go through
:meth:`CreditPort.request` (the signed channel every journey's writes use, journal first, in
``kiosk.usecases.writes``).

A refusal is :class:`CreditRefused` (the platform said no: nothing was done under the key); no answer is
:class:`CreditUnavailable` (``unavailable``: a keyed write may or may not have been done; send it again
with the same key). Both are :class:`kiosk.domain.errors.Refusal`. The reference adapter is
``kiosk.adapters.credit_platform`` (the sandbox's API, ``docs/platform-api.md``); a platform speaking
something else is an adapter in the entry-point group ``credit_care_kiosk.credit`` (``credit_adapter``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from kiosk.domain.errors import Refusal
from kiosk.domain.models import Account, Patient

__all__ = ["Booking", "BookingBill", "BookingItem", "BookingRequest", "CreditPort", "CreditRefused",
           "CreditUnavailable", "Hold", "HoldRequest"]

KINDS = ("outpatient", "inpatient", "registration")


class CreditRefused(Refusal):
    """The credit platform answered no. ``code``: its stable error code; ``details``: its facts."""

    def __init__(self, code: str, message: str = "", status: int = 0, details: dict | None = None):
        super().__init__(code, f"{code} ({status}): {message}")
        self.message = message
        self.status = status
        self.details = details or {}


class CreditUnavailable(CreditRefused):
    """No usable answer (refused connection, timeout, TLS failure, a 5xx)."""

    def __init__(self, message: str, status: int = 0):
        super().__init__("unavailable", message, status)


def _fen(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be integer fen, 0 or more")


@dataclass(frozen=True)
class HoldRequest:
    """Hold ``amount_fen`` of the account's line for the patient's HIS bills."""
    patient_id: str  # the credit platform's
    account_id: str
    kind: str
    amount_fen: int
    his_bill_ids: tuple[str, ...]

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        _fen(self.amount_fen, "amount_fen")
        if self.amount_fen == 0:
            raise ValueError("a hold is of more than 0 fen")
        if not self.his_bill_ids:
            raise ValueError("a hold names the bills it is for")


@dataclass(frozen=True)
class Hold:
    """Credit set aside on an account for bills being settled (``held``), then booked or released."""

    hold_id: str
    status: str  # held | booked | released
    account_id: str
    amount_fen: int
    booking_id: str | None
    line_fen: int
    available_fen: int


@dataclass(frozen=True)
class BookingItem:
    """One charge item of a booked bill, as the insurance interface names it (code, count, unit price)."""

    code: str
    name: str
    cnt: str  # a decimal string
    pric_fen: int
    amount_fen: int
    med_chrgitm_type: str | None = None
    chrgitm_lv: str | None = None


@dataclass(frozen=True)
class BookingBill:
    """A HIS bill in a booking: its total, and its items when given (they add up to it)."""

    his_bill_id: str
    total_fen: int
    items: tuple[BookingItem, ...] = ()
    visit_id: str | None = None
    setl_id: str | None = None

    def __post_init__(self):
        _fen(self.total_fen, "total_fen")
        if self.items and sum(i.amount_fen for i in self.items) != self.total_fen:
            raise ValueError(f"bill {self.his_bill_id}: the items do not add up to its total")


@dataclass(frozen=True)
class BookingRequest:
    """What the hold becomes once the insurance settled: the plan's parts and the bill details."""
    setl_ids: tuple[str, ...]
    total_fen: int
    fund_fen: int
    account_pay_fen: int
    paid_now_fen: int
    bills: tuple[BookingBill, ...]
    cash_fen: int = 0
    his_payment_id: str | None = None
    ended_at: datetime | None = None
    booked_fen: int | None = None  # less than the hold: the insurance's settlement left less to pay

    def __post_init__(self):
        for name in ("total_fen", "fund_fen", "account_pay_fen", "paid_now_fen", "cash_fen"):
            _fen(getattr(self, name), name)
        if sum(b.total_fen for b in self.bills) != self.total_fen:
            raise ValueError("the bills do not add up to the total")
        if self.ended_at is not None and self.ended_at.tzinfo is None:
            raise ValueError("ended_at must be aware")


@dataclass(frozen=True)
class Booking:
    """A hold booked on the account: the settlement's parts (fund, personal, credit, paid now, cash) and the line
    after it."""

    booking_id: str
    reference: str
    hold_id: str
    kind: str
    account_id: str
    setl_ids: tuple[str, ...]
    total_fen: int
    fund_fen: int
    personal_fen: int
    account_pay_fen: int
    booked_fen: int
    paid_fen: int
    cash_fen: int
    line_fen: int
    available_fen: int
    due_at: datetime | None
    settled_at: datetime
    status: str  # booked | voided
    bills: tuple[BookingBill, ...] = field(default=())


@runtime_checkable
class CreditPort(Protocol):
    """The city's credit-care platform."""

    def lookup_identity(self, id_number: str) -> Patient:
        """The person a card (or a typed ID number) names, with the account they use; opens a patient
        session at this terminal (``patient_not_found``, ``too_many_lookups``)."""

    def account(self, account_id: str) -> Account:
        """The account's line, use and state (the patient present: ``patient_not_present``)."""

    def hold(self, request: HoldRequest, *, key: str) -> Hold:
        """Reserve the plan's on_credit (``insufficient_line``, ``repay_first``, ``account_suspended``,
        ``guardian_line_ended``...)."""

    def book(self, hold_id: str, request: BookingRequest, *, key: str) -> Booking:
        """The hold becomes the bill (``hold_released``, ``hold_already_booked``, ``amount_mismatch``)."""

    def booking_write(self, patient_id: str, account_id: str, kind: str, request: BookingRequest) -> tuple[str, dict]:
        """A booking without a prior hold as a keyed write for the kiosk's outbox: ``(path, body)``. The fund
        part settled while the platform did not answer; the personal part is queued and sent when it answers
        (held and booked at once: ``insufficient_line``, ``bill_already_booked``, ``amount_mismatch``)."""

    def book_direct(self, patient_id: str, account_id: str, kind: str, request: BookingRequest, *,
                    key: str) -> Booking:
        """That write sent (again) under ``key``: the booking it made (the platform's stored answer)."""

    def release(self, hold_id: str, *, key: str) -> Hold:
        """The hold given back; again: the same (``hold_booked``)."""

    def void(self, booking_id: str, *, key: str) -> Booking:
        """A booking undone after its insurance settlement was cancelled; again: the same
        (``booking_in_use``)."""

    def bookings(self, business_date: date) -> list[Booking]:
        """This terminal's bookings of a business day, voided ones too (the daily reconciliation)."""

    def end_patient_sessions(self) -> int:
        """The patients identified since the last call have left."""

    def request(self, method: str, path: str, body: dict | None = None, *, key: str | None = None) -> dict:
        """The signed channel to the platform's other endpoints (``docs/platform-api.md``)."""

    def close(self) -> None:
        ...
