"""Settle an outpatient visit against the credit line, then print the receipt.

Order matters: the intent goes to the durable journal (with its idempotency
key) before the platform is called; the journal is marked when the platform
answers. A printer fault never undoes a settlement.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.domain import clock
from kiosk.domain.models import Settlement, Visit
from kiosk.platform import PlatformError, PlatformUnavailable
from kiosk.usecases.identify import PatientSession

log = logging.getLogger("kiosk.settle")

SETTLE_VISIT = "settle_visit"


class SettlementRefused(Exception):
    """Refused before or by the platform; ``code`` is shown to the patient as a message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ReceiptConfig:
    hospital: str
    terminal_id: str
    width_mm: int = 80


@dataclass(frozen=True)
class SettleOutcome:
    settlement: Settlement | None
    receipt_job: str | None = None
    print_error: str | None = None

    @property
    def pending(self) -> bool:
        """The platform did not answer: the journal will complete it later."""
        return self.settlement is None


def precheck(session: PatientSession, visit: Visit) -> str | None:
    """Why this visit cannot be settled on credit here, or None."""
    account = session.account
    if account is None:
        return "no_credit_service"
    if account.status != "active":
        return "account_suspended"
    if account.available_fen < visit.personal_fen or account.available_fen == 0:
        return "insufficient_line"
    return None


class SettleOutpatient:
    def __init__(self, platform, journal, printer, receipt: ReceiptConfig):
        self.platform = platform
        self.journal = journal
        self.printer = printer
        self.receipt = receipt

    def __call__(self, session: PatientSession, visit: Visit) -> SettleOutcome:
        reason = precheck(session, visit)
        if reason:
            raise SettlementRefused(reason)
        payload = {
            "visit_id": visit.visit_id,
            "account_id": session.account.account_id,
            "personal_fen": visit.personal_fen,
        }
        key = self.journal.record_intent(SETTLE_VISIT, payload)
        try:
            settlement = self.platform.settle_visit(key=key, **payload)
        except PlatformUnavailable:
            log.warning("settlement %s left pending: platform unavailable", key[:8])
            return SettleOutcome(None)
        except PlatformError as exc:
            self.journal.mark_refused(key, {"code": exc.code, "status": exc.status})
            raise SettlementRefused(exc.code) from None
        self.journal.mark_done(key, {"reference": settlement.reference,
                                     "settlement_id": settlement.settlement_id})
        log.info("settled %s", settlement.reference)
        job, error = self._print(session, visit, settlement)
        return SettleOutcome(settlement, job, error)

    def _print(self, session: PatientSession, visit: Visit, s: Settlement):
        from printing.backends import PrintError
        from printing.documents import Receipt, ReceiptLine
        from printing.receipt import render_receipt

        receipt = Receipt(
            title="门诊信用结算凭条",
            hospital=self.receipt.hospital,
            terminal_id=self.receipt.terminal_id,
            printed_at=clock.now(),
            masked_id=session.patient.masked_id,
            masked_name=session.patient.masked_name,
            lines=tuple(ReceiptLine(i.name, i.quantity, i.amount_fen) for i in visit.items),
            total_fen=s.total_fen,
            fund_fen=s.fund_fen,
            personal_fen=s.personal_fen,
            booked_fen=s.booked_fen,
            available_fen=s.available_fen,
            due_at=s.due_at,
            reference=s.reference,
        )
        try:
            pdf = render_receipt(receipt, width_mm=self.receipt.width_mm)
            return self.printer.print_document(f"receipt-{s.reference}", pdf), None
        except PrintError as exc:
            log.error("receipt %s not printed: %s", s.reference, exc.reason)
            return None, exc.reason


@dataclass(frozen=True)
class RecoveryReport:
    completed: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    still_pending: int = 0


class CompletePendingWrites:
    """At start (and whenever the platform is back): finish what a crash left pending.

    Each pending intent is sent again with its original idempotency key, so the
    platform answers with the first result if it had booked it, or books it now.
    """

    def __init__(self, platform, journal):
        self.platform = platform
        self.journal = journal

    def __call__(self) -> RecoveryReport:
        completed, refused = [], []
        pending = self.journal.pending()
        for index, entry in enumerate(pending):
            if entry.kind != SETTLE_VISIT:
                continue
            self.journal.note_attempt(entry.key)
            try:
                data = self.platform.settle_visit(key=entry.key, **entry.payload)
            except PlatformUnavailable:
                return RecoveryReport(tuple(completed), tuple(refused), len(pending) - index)
            except PlatformError as exc:
                self.journal.mark_refused(entry.key, {"code": exc.code, "status": exc.status})
                refused.append(entry.key)
                continue
            self.journal.mark_done(entry.key, {"reference": data.reference,
                                               "settlement_id": data.settlement_id})
            completed.append(data.reference)
        log.info("recovery: %d completed, %d refused", len(completed), len(refused))
        return RecoveryReport(tuple(completed), tuple(refused), 0)

