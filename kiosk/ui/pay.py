"""Pay outpatient bills: identify → bill → (pay the rest by phone) → outcome → home."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal

from kiosk.domain.clock import last_payable_day
from kiosk.domain.money import format_cny
from kiosk.domain.settlement import CannotUseCredit
from kiosk.ui.bill import BillScreen
from kiosk.ui.journey import Journey, error_code
from kiosk.ui.outcome import OutcomeText, credit_pending_lines, pending_text, print_note

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


class PayJourney(Journey):
    key = "pay"
    settled = Signal(object)  # SettleOutcome, for the tour and for tests

    def __init__(self, ctx):
        super().__init__(ctx)
        self.session = None
        self.visits: tuple = ()
        self.split = None  # the plan shown: kiosk.domain.plan.SettlementPlan (a Split without the HIS)
        self.prepared = None  # the saga's prepared bill, until settled or abandoned (kiosk/usecases/outpatient.py)
        self.screen: BillScreen = self.add_screen(BillScreen(desk=ctx.desk))
        self.screen.confirm_requested.connect(self.confirm)
        self.screen.repay_requested.connect(lambda: self.hand_over("repay", self.session))
        self.screen.open_requested.connect(lambda: self.hand_over("open", self.session))

    def title(self) -> str:
        return translate("PayJourney", "Pay outpatient bill")

    def forget(self) -> None:
        prepared, self.prepared = self.prepared, None
        if prepared is not None:  # the patient left a pre-settled bill: undone at the three, on a worker
            settle = self.ctx.services.settle
            self.ctx.tasks.run(lambda: settle.abandon(prepared.saga_id), lambda _: None, lambda _: None)
        self.session, self.visits, self.split = None, (), None

    def begin(self, session) -> None:
        from kiosk.usecases.settle import pay_in_full, plan

        if getattr(self.ctx.services.settle, "saga_ready", False):
            # the credit platform down (an offline session): the fund part still settles online with the
            # insurance and the HIS; the personal part is queued within the offline caps (the saga's)
            self._prepare(session)
            return
        self.session, self.visits, self.split = session, tuple(session.visits), None
        refusal = None
        if not self.visits:
            refusal = "no_open_visits"
        else:
            try:
                offline = self.ctx.services.offline
                self.split = plan(session, self.visits, self.ctx.services.profile.repay_before_reuse,
                                  offline.limits if offline is not None else None)
            except CannotUseCredit as exc:
                refusal = exc.code
                if refusal == "guardian_line_ended":  # come of age: pay in full now, or open their own
                    self.split = pay_in_full(self.visits)
        self.screen.show_session(session, self.visits, self.split, refusal,
                                 can_repay=self.offers("repay"), can_open=self.offers("open"))
        self.show(self.screen)

    def _prepare(self, session) -> None:
        """The saga's first steps (the bills uploaded and pre-settled with the insurance, the plan made) on a
        worker; the bill is shown with the plan. The HIS not answering: the bills are unknown, and said so."""
        self.session, self.visits, self.split, self.prepared = session, (), None, None
        if session.his_problem or not session.his_visits:
            self.screen.show_session(session, (), None, session.his_problem or "no_open_visits",
                                     can_repay=self.offers("repay"), can_open=self.offers("open"))
            self.show(self.screen)
            return
        services, window = self.ctx.services, self.ctx.window
        generation = window.generation

        def prepare():
            prepared = services.settle.prepare(session)
            if window.generation != generation:  # the patient left meanwhile: nothing kept
                services.settle.abandon(prepared.saga_id)
            return prepared

        self.ctx.run(prepare, self._show_prepared, self.failed)

    def _show_prepared(self, prepared) -> None:
        self.prepared, self.visits = prepared, prepared.visits
        refusal = prepared.refusal
        self.split = prepared.plan if refusal is None else None
        if refusal == "guardian_line_ended":  # come of age: pay in full now, or open their own
            self.split = prepared.plan.paying_in_full()
        self.screen.show_session(self.session, self.visits, self.split, refusal,
                                 can_repay=self.offers("repay"), can_open=self.offers("open"))
        self.show(self.screen)

    def confirm(self) -> None:
        from kiosk.usecases.settle import plan

        if self.split is None:
            return
        if self.prepared is not None:
            self._confirm_prepared()
            return
        if self.split.booked_fen and not self.session.offline:
            try:  # still the guardian's line? (the bill may have been shown before midnight)
                plan(self.session, self.visits, self.ctx.services.profile.repay_before_reuse)
            except CannotUseCredit as exc:
                if exc.code == "guardian_line_ended":
                    self.begin(self.session)
                    return
        if self.split.shortfall_fen:
            self.ctx.payments.request(self.session.patient.patient_id, self.split.shortfall_fen, "settlement",
                                      self._settle, lambda: self.show(self.screen))
        else:
            self._settle(None)

    def _confirm_prepared(self) -> None:
        from kiosk.domain.clock import business_date, now
        from kiosk.domain.settlement import guardian_line_ended

        plan = self.split
        if plan.booked_fen and guardian_line_ended(self.session.patient, self.session.account, business_date(now())):
            self._show_prepared(self.prepared)  # the bill shown before midnight: the reason and the two ways on
            return
        if plan.shortfall_fen:  # the rest now, by phone, through the hospital's channel
            self.ctx.payments.request(self.session.his_patient_id or self.session.patient.patient_id,
                                      plan.shortfall_fen, "settlement", self._settle, lambda: self.show(self.screen))
        else:
            self._settle(None)

    def _settle(self, payment_id: str | None) -> None:
        session, visits = self.session, self.visits
        self.screen.set_busy(True)
        if self.prepared is not None:
            prepared, plan = self.prepared, self.split
            self.prepared = None  # confirmed: the saga finishes it (or the recovery does), never abandoned
            self.ctx.run(lambda: self.ctx.services.settle.settle_saga(session, prepared, plan, payment_id),
                         self.finished(self.settled, settlement_text), self._failed)
            return
        split = self.split  # the split shown, computed once (kiosk.usecases.settle.plan)
        self.ctx.run(lambda: self.ctx.services.settle(session, visits, payment_id, split),
                     self.finished(self.settled, settlement_text), self._failed)

    def _failed(self, error) -> None:
        from kiosk.usecases.settle import without_guardian_line

        if error_code(error) == "guardian_line_ended" and self.session is not None:
            # The platform's day had turned: the bill again, with the reason and the two ways on.
            self.begin(without_guardian_line(self.session))
            return
        self.failed(error)


def settlement_text(outcome) -> OutcomeText:
    if outcome.offline:
        return offline_settlement_text(outcome.offline_split)
    if outcome.credit_queued:
        return queued_settlement_text(outcome)
    if outcome.pending:
        return pending_text(
            translate("PayJourney", "The hospital system did not confirm in time. Your payment is kept safely "
                      "and will be completed automatically; it will never be charged twice."),
            translate("PayJourney", "Please collect your receipt at the cashier window."))
    s = outcome.settlement
    due = last_payable_day(s.due_at).isoformat() if s.due_at else "—"
    lines = [translate("PayJourney", "{booked} booked on your credit line, to repay by {due}.").format(
        booked=format_cny(s.booked_fen), due=due)]
    if s.paid_fen:
        lines.append(translate("PayJourney", "Paid now: {paid}.").format(paid=format_cny(s.paid_fen)))
    lines.append(translate("PayJourney", "Medical insurance fund paid {fund}. Credit available now: {available}.")
                 .format(fund=format_cny(s.fund_fen), available=format_cny(s.available_fen)))
    lines.append(translate("PayJourney", "Reference {reference}").format(reference=s.reference))
    return OutcomeText(translate("PayJourney", "Paid on credit"), "\n".join(lines), receipt_note(outcome.print_error))


def queued_settlement_text(outcome) -> OutcomeText:
    """The fund part settled (the insurance, the hospital); the personal part on credit, queued for the credit
    platform, which did not answer: pending its confirmation, sent by itself, never twice."""
    s = outcome.settlement
    middle = [translate("PayJourney", "Paid now: {paid}.").format(paid=format_cny(s.paid_fen))] if s.paid_fen else []
    middle.append(translate("PayJourney", "Medical insurance fund paid {fund}.").format(fund=format_cny(s.fund_fen)))
    lines = [translate("PayJourney", "Your bill is paid."), *credit_pending_lines(s.booked_fen, *middle)]
    return OutcomeText(translate("PayJourney", "Paid, credit pending confirmation"), "\n".join(lines),
                       receipt_note(outcome.print_error))


def receipt_note(print_error: str | None) -> str:
    return print_note(print_error, translate("PayJourney", "Your receipt is printing. Please take it."),
                      translate("PayJourney", "The receipt could not be printed. Your payment is complete; "
                                "please ask the cashier window for a copy."))


def offline_settlement_text(split) -> OutcomeText:
    """Settled on credit while the hospital system was offline: queued, sent later, once."""
    lines = [translate("PayJourney", "{booked} booked on your credit line while the hospital system was "
                       "offline.").format(booked=format_cny(split.booked_fen)),
             translate("PayJourney", "Medical insurance fund part: {fund}.").format(fund=format_cny(split.fund_fen)),
             translate("PayJourney", "It is kept safely on this kiosk and will be sent to the hospital system as "
                       "soon as it answers; it will never be charged twice.")]
    return OutcomeText(translate("PayJourney", "Settled offline, will sync"), "\n".join(lines),
                       translate("PayJourney", "The due date and your receipt are available at the cashier window "
                                 "or in the account query once it is sent."))
