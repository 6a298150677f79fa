"""Settle a patient's unpaid outpatient visits: the fund part settled, the personal
part booked on the credit line, any rest paid on the spot; then the receipt.

The write goes through ``PlatformWrites`` (journal first). A printer fault
never undoes a settlement.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.domain import clock
from kiosk.domain.models import Settlement, Visit
from kiosk.domain.settlement import Split, split_visits
from kiosk.platform import settlement_from
from kiosk.usecases.identify import PatientSession
from kiosk.usecases.writes import WritePending

log = logging.getLogger("kiosk.settle")


@dataclass(frozen=True)
class SettleOutcome:
    settlement: Settlement | None
    receipt_job: str | None = None
    print_error: str | None = None

    @property
    def pending(self) -> bool:
        """The platform did not answer: the journal will complete it later."""
        return self.settlement is None


def plan(session: PatientSession, visits: tuple[Visit, ...], repay_before_reuse: bool = True) -> Split:
    """Raises ``CannotUseCredit`` when the credit service cannot be used."""
    return split_visits(visits, session.account, repay_before_reuse)


class SettleOutpatient:
    def __init__(self, writes, printer):
        self.writes = writes
        self.printer = printer

    def __call__(self, session: PatientSession, visits: tuple[Visit, ...],
                 payment_id: str | None = None) -> SettleOutcome:
        body = {
            "patient_id": session.patient.patient_id,
            "account_id": session.account.account_id if session.account else None,
            "visit_ids": [v.visit_id for v in visits],
        }
        if payment_id:
            body["payment_id"] = payment_id
        try:
            data = self.writes.send("settlement", "/v1/settlements", body)
        except WritePending:
            return SettleOutcome(None)
        settlement = settlement_from(data)
        log.info("settled %s", settlement.reference)
        job, error = self.printer.print_receipt(receipt_for(self.printer.config, session, visits, settlement),
                                                f"receipt-{settlement.reference}")
        return SettleOutcome(settlement, job, error)


def receipt_for(config, session: PatientSession, visits, s: Settlement):
    from printing.documents import Receipt, ReceiptLine

    return Receipt(
        title="门诊信用结算凭条",
        hospital=config.hospital,
        terminal_id=config.terminal_id,
        printed_at=clock.now(),
        masked_id=session.patient.masked_id,
        masked_name=session.patient.masked_name,
        lines=tuple(ReceiptLine(i.name, i.quantity, i.amount_fen) for v in visits for i in v.items),
        total_fen=s.total_fen,
        fund_fen=s.fund_fen,
        personal_fen=s.personal_fen,
        booked_fen=s.booked_fen,
        available_fen=s.available_fen,
        due_at=s.due_at,
        reference=s.reference,
    )
