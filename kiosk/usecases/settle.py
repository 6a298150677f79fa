"""Settle a patient's unpaid outpatient visits: the fund part settled, the personal
part booked on the credit line, any rest paid on the spot; then the receipt.

The write goes through ``PlatformWrites`` (journal first). A printer fault
never undoes a settlement. Visits paid online (or left pending, to be completed by the
queue) are taken out of the offline cache at once, so that a patient is never offered
them again if the platform stops answering (``OfflineMode.paid_online``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from kiosk.domain import clock
from kiosk.domain.models import Settlement, Visit
from kiosk.domain.settlement import CannotUseCredit, Split, guardian_line_ended, split_visits
from kiosk.platform import settlement_from
from kiosk.usecases.identify import PatientSession
from kiosk.usecases.writes import WritePending, phase

log = logging.getLogger("kiosk.settle")


@dataclass(frozen=True)
class SettleOutcome:
    """An outpatient settlement: the platform's answer (or the offline split, queued), the plan and the receipt."""

    settlement: Settlement | None
    receipt_job: str | None = None
    print_error: str | None = None
    offline_split: Split | None = None  # settled offline on credit: queued, synced later
    plan: object | None = None  # the SettlementPlan the saga carried (kiosk/domain/plan.py)
    # the saga settled the fund part with the insurance and the HIS while the credit platform did not answer: the
    # personal part (``settlement.booked_fen``) is queued for it, pending its confirmation
    credit_queued: bool = False

    @property
    def pending(self) -> bool:
        """The platform did not answer: the journal will complete it later."""
        return self.settlement is None

    @property
    def offline(self) -> bool:
        return self.offline_split is not None


def plan(session: PatientSession, visits: tuple[Visit, ...], repay_before_reuse: bool = True,
         offline_limits=None) -> Split:
    """Raises ``CannotUseCredit`` when the credit service cannot be used (offline: when the
    offline limits do not allow it, ``OfflineRefused``): ``guardian_line_ended`` for a patient
    who has come of age and may no longer use a guardian's line (they may pay in full:
    :func:`pay_in_full`, or open their own service)."""
    if guardian_line_ended(session.patient, session.account, clock.business_date(clock.now())):
        raise CannotUseCredit("guardian_line_ended")
    if session.offline:
        from kiosk.domain.offline import OfflineLimits, offline_split

        return offline_split(session, visits, offline_limits or OfflineLimits(), now=clock.now())
    return split_visits(visits, session.account, repay_before_reuse)


def pay_in_full(visits: tuple[Visit, ...]) -> Split:
    """Nothing on credit: the whole personal part paid now through the payment channel."""
    return split_visits(visits, None)


def without_guardian_line(session: PatientSession) -> PatientSession:
    """The session of a patient the platform refused on a guardian's line (they came of age
    after the look-up): an adult, with no credit service of their own yet."""
    patient = replace(session.patient, is_minor=False, account_id=None, guardian_line_ended=True)
    return replace(session, patient=patient, account=None)


class SettleOutpatient:
    """``saga``: the outpatient saga (``kiosk.usecases.outpatient``, issue 12) when the kiosk has the HIS and
    the insurance platform: the bill is prepared (uploaded, pre-settled, the plan made) before it is shown,
    then settled across the three. Without it, the credit platform settles alone (``/v1/settlements``)."""

    def __init__(self, writes, printer, offline=None, saga=None):
        self.writes = writes
        self.printer = printer
        self.offline = offline  # OfflineMode: credit settlement within limits while the platform is down
        self.saga = saga

    @property
    def saga_ready(self) -> bool:
        return self.saga is not None

    def prepare(self, session: PatientSession):
        """The bill pre-settled and its plan (``kiosk.usecases.outpatient.Prepared``)."""
        return self.saga.prepare(session, session.his_visits)

    def abandon(self, saga_id: str) -> str:
        return self.saga.abandon(saga_id)

    def settle_saga(self, session: PatientSession, prepared, plan, payment_id: str | None = None) -> SettleOutcome:
        """The patient confirmed ``plan``: the saga settles it everywhere (or nowhere); the receipt."""
        from kiosk.usecases.outpatient import SagaPending

        try:
            settlement, facts = self.saga.settle(prepared.saga_id, plan, payment_id)
        except SagaPending:
            return SettleOutcome(None, plan=plan)  # the recovery completes or undoes it; never twice
        queued = bool(facts.get("credit_queued")) and settlement.booked_fen > 0 and not facts.get("credit_conflict")
        self._paid_online(session, prepared.visits)
        log.info("settled %s%s", settlement.reference, " (the credit part queued)" if queued else "")
        phase("printing", settlement.reference)
        receipt = receipt_for(self.printer.config, session, prepared.visits, settlement, credit_pending=queued)
        job, error = self.printer.print_receipt(receipt, f"receipt-{settlement.reference}")
        return SettleOutcome(settlement, job, error, plan=plan, credit_queued=queued)

    def __call__(self, session: PatientSession, visits: tuple[Visit, ...],
                 payment_id: str | None = None, split: Split | None = None) -> SettleOutcome:
        """The bill settled at the credit platform alone; ``split``: the one shown to the patient (``plan``),
        whose part on credit the outbox counts while the write is unconfirmed."""
        if self.offline is not None and payment_id is None and (session.offline or not self.offline.online):
            key, split = self.offline.settle(self.writes, session, visits)
            log.info("settled offline: %s queued", key[:8])
            return SettleOutcome(None, offline_split=split)
        body = {
            "patient_id": session.patient.patient_id,
            "account_id": session.account.account_id if session.account else None,
            "visit_ids": [v.visit_id for v in visits],
        }
        if payment_id:
            body["payment_id"] = payment_id
        try:
            # A rest already paid by phone is never lost: offline, the settlement that uses the
            # payment is queued (pending) rather than refused.
            data = self.writes.send("settlement", "/v1/settlements", body, offline_ok=payment_id is not None,
                                    **_queue_facts(session, visits, split))
        except WritePending:
            self._paid_online(session, visits)  # the queue completes it: not to be offered again
            return SettleOutcome(None)
        self._paid_online(session, visits)
        settlement = settlement_from(data)
        log.info("settled %s", settlement.reference)
        phase("printing", settlement.reference)
        job, error = self.printer.print_receipt(receipt_for(self.printer.config, session, visits, settlement),
                                                f"receipt-{settlement.reference}")
        return SettleOutcome(settlement, job, error)

    def _paid_online(self, session: PatientSession, visits) -> None:
        if self.offline is not None:
            self.offline.paid_online(session, [v.visit_id for v in visits])


def _queue_facts(session: PatientSession, visits, split: Split | None = None) -> dict:
    """For the outbox: the credit this write would book (counted against the terminal's cap
    while unconfirmed: the split shown, else the split of the same rule) and who it is for
    (sealed; shown to the cashier if it conflicts)."""
    from kiosk.usecases.offline import who_of

    if split is None:
        try:
            split = split_visits(visits, session.account)
        except CannotUseCredit:  # the platform refuses it: nothing will be booked
            split = None
    return {"credit_fen": split.booked_fen if split is not None else 0, "who": who_of(session)}


def receipt_for(config, session: PatientSession, visits, s: Settlement, credit_pending: bool = False):
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
        paid_fen=s.paid_fen,
        channel="扫码支付" if s.paid_fen else "",
        available_fen=s.available_fen,
        due_at=s.due_at,
        reference=s.reference,
        credit_pending=credit_pending,
    )
