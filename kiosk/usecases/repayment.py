"""Repay what is owed on a credit account: by phone at the kiosk, in cash or by bank card
at the cashier's desk; then the repayment receipt.

This module also holds what the money journeys (register, repay, refund) read from the
platform: the patient's overview (account, bills, linked relations) as plain values, and
how their slips reach the printer. Repaying restores the line; a suspended service becomes
active again at once when nothing overdue remains (the platform decides, we report it).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from kiosk.domain import clock
from kiosk.domain.errors import Refusal
from kiosk.domain.idnumber import mask_name
from kiosk.domain.models import Account
from kiosk.usecases.accounts import Bill, account_from, bill_from
from kiosk.usecases.identify import PatientSession
from kiosk.usecases.writes import WritePending

log = logging.getLogger("kiosk.repayment")

CHANNELS = ("payment_channel", "cash", "bank_card")
#: How each repayment channel is named on paper (slips are printed in Chinese).
CHANNEL_ON_PAPER = {"payment_channel": "扫码支付", "cash": "现金", "bank_card": "银行卡"}


class Refused(Refusal):
    """A request the kiosk refuses before asking the platform; ``code`` is for messages.py."""

    def __init__(self, code: str):
        super().__init__(code)


# -- what the platform tells us ------------------------------------------------------------

@dataclass(frozen=True)
class Linked:
    """A relation on the patient's overview. Only the masked name is kept."""

    patient_id: str
    relation: str  # child | parent | guardian
    masked_name: str
    account: Account | None
    dishonest: bool
    bills: tuple[Bill, ...]


@dataclass(frozen=True)
class Overview:
    """What a patient owes on their credit line: the account, the bills and the lines linked to it."""

    patient_id: str
    has_credit_service: bool
    account: Account | None
    dishonest: bool
    bills: tuple[Bill, ...]
    linked: tuple[Linked, ...] = ()


def overview_from(data: dict) -> Overview:
    account = account_from
    return Overview(
        patient_id=data["patient_id"],
        has_credit_service=bool(data.get("has_credit_service")),
        account=account(data.get("account")),
        dishonest=bool((data.get("account") or {}).get("dishonest", False)),
        bills=tuple(bill_from(b) for b in data.get("bills", [])),
        linked=tuple(
            Linked(patient_id=link["patient_id"], relation=link["relation"],
                   masked_name=mask_name(link.get("name") or ""), account=account(link.get("account")),
                   dishonest=bool((link.get("account") or {}).get("dishonest", False)),
                   bills=tuple(bill_from(b) for b in link.get("bills", [])))
            for link in data.get("linked", [])),
    )


class ReadOverview:
    """GET /v1/patients/{id}/overview: the account, its bills and the linked relations."""

    def __init__(self, platform):
        self.platform = platform

    def __call__(self, patient_id: str) -> Overview:
        return overview_from(self.platform.request("GET", f"/v1/patients/{patient_id}/overview"))


# -- what is owed ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Debt:
    """One credit account's outstanding bills, as the repay screen shows them.

    ``relation`` is "self" for the patient's own line (a minor's is the guardian's) or
    "parent" for a parent whose repayment the patient took on.
    """

    relation: str
    masked_name: str
    account: Account
    dishonest: bool
    bills: tuple[Bill, ...]  # outstanding only, oldest first

    @property
    def total_fen(self) -> int:
        return sum(b.outstanding_fen for b in self.bills)

    @property
    def overdue_fen(self) -> int:
        return sum(b.outstanding_fen for b in self.bills if b.overdue)


def _outstanding(bills) -> tuple[Bill, ...]:
    return tuple(sorted((b for b in bills if b.outstanding_fen > 0), key=lambda b: b.created_at))


def debts(overview: Overview, masked_name: str = "") -> tuple[Debt, ...]:
    """The patient's own account first, then each parent's account with something owed.

    A child's bills need no entry: they are on the guardian's account already.
    """
    found = []
    if overview.account is not None:
        found.append(Debt("self", masked_name, overview.account, overview.dishonest,
                          _outstanding(overview.bills)))
    for link in overview.linked:
        if link.relation == "parent" and link.account is not None and _outstanding(link.bills):
            found.append(Debt("parent", link.masked_name, link.account, link.dishonest,
                              _outstanding(link.bills)))
    return tuple(found)


# -- printing slips -------------------------------------------------------------------------

def print_slip(printer, build, name: str) -> tuple[str | None, str | None]:
    """Build a slip with ``build()`` and print it: ``(job, None)`` or ``(None, reason)``.

    Never raises: the money has moved by now, and a document that cannot be built (figures
    that do not add up, an identity without an ID number to mask) is reported like a
    printer fault, so the patient is told where to get a copy.
    """
    try:
        slip = build()
    except (ValueError, KeyError) as exc:
        log.error("document %s not built: %s", name, type(exc).__name__)
        return None, "document"
    return printer.print_slip(slip, name)


def slip_header(printer, session: PatientSession):
    from printing.slips import SlipHeader

    cfg = printer.config
    return SlipHeader(cfg.hospital, cfg.terminal_id, clock.now(), session.patient.masked_id,
                      session.patient.masked_name)


# -- repaying -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RepayOutcome:
    """A repayment made: the bills it paid, and whether it reactivated the account or cleared a dishonest mark."""

    data: dict | None  # the platform's repayment; None while the write is pending
    amount_fen: int
    account: Account | None = None  # after the repayment
    reactivated: bool = False  # was suspended, is active again
    dishonest_cleared: bool = False  # was listed as dishonest, is no longer
    bills_paid: tuple[str, ...] = field(default=())
    receipt_job: str | None = None
    print_error: str | None = None

    @property
    def pending(self) -> bool:
        return self.data is None


class Repay:
    def __init__(self, writes, printer):
        self.writes = writes
        self.printer = printer

    def __call__(self, payer: PatientSession, debt: Debt, amount_fen: int, channel: str, *,
                 bill_ids: tuple[str, ...] | None = None, payment_id: str | None = None,
                 operator_id: str | None = None) -> RepayOutcome:
        if channel not in CHANNELS:
            raise ValueError(f"unknown repayment channel {channel!r}")
        if amount_fen <= 0:
            raise Refused("nothing_owed")
        if amount_fen > debt.total_fen:
            raise Refused("overpayment")
        body: dict = {"account_id": debt.account.account_id, "amount_fen": amount_fen, "channel": channel}
        if channel == "payment_channel":
            if not payment_id:
                raise Refused("payment_not_completed")
            body["payment_id"] = payment_id
        elif not operator_id:  # (not sent: the platform takes the operator from the desk's session)
            raise ValueError("a cash or bank-card repayment needs the operator")
        if bill_ids:
            body["bill_ids"] = list(bill_ids)
        try:
            data = self.writes.send("repayment", "/v1/repayments", body)
        except WritePending:
            return RepayOutcome(None, amount_fen)
        account = account_from(data.get("account"))
        was_dishonest = debt.dishonest
        now_dishonest = bool((data.get("account") or {}).get("dishonest", was_dishonest))
        log.info("repaid %s", data.get("reference", ""))
        job, error = print_slip(self.printer, lambda: self._receipt(payer, debt, data, account),
                                f"repayment-{data['reference']}")
        return RepayOutcome(
            data, data.get("amount_fen", amount_fen), account,
            reactivated=debt.account.status == "suspended" and account is not None and account.active,
            dishonest_cleared=was_dishonest and not now_dishonest,
            bills_paid=tuple(data.get("bills_paid", ())), receipt_job=job, print_error=error)

    def _receipt(self, payer: PatientSession, debt: Debt, d: dict, account: Account | None):
        from printing.slips import repayment_receipt

        note = f"代父母还款：{debt.masked_name}" if debt.relation == "parent" else ""
        return repayment_receipt(
            slip_header(self.printer, payer), reference=d["reference"], amount_fen=d["amount_fen"],
            channel=CHANNEL_ON_PAPER[d.get("channel", "payment_channel")],
            bills_paid=len(d.get("bills_paid", ())),
            available_fen=account.available_fen if account else 0,
            outstanding_fen=account.used_fen if account else None, note=note)
