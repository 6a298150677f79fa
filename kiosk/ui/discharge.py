"""Credit discharge: the stay's charges, the split, a confirmation tap (the amount in figures and
in words: ``ui/confirm.py``), then the receipt and the A4 statement."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal

from kiosk.domain.clock import business_date, last_payable_day, now
from kiosk.domain.money import format_cny
from kiosk.domain.settlement import CannotUseCredit, guardian_line_ended
from kiosk.ui.base import Screen, set_button_text, set_optional_text, set_problem, who_text
from kiosk.ui.confirm import confirm_screen
from kiosk.ui.journey import Journey
from kiosk.ui.kit import back_button, primary_button
from kiosk.ui.messages import OPEN_HERE, message_for
from kiosk.ui.outcome import OutcomeText, credit_pending_lines, pending_text, print_note
from kiosk.ui.widgets import Figures, item_table, set_rows

translate = QCoreApplication.translate


class DischargeScreen(Screen):
    name = "discharge"
    confirm_requested = Signal()
    back_requested = Signal()
    repay_requested = Signal()
    open_requested = Signal()  # come of age: open their own credit service

    DATA = {"session": None, "stay": None, "split": None, "refusal": None, "can_repay": False, "can_open": False}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = item_table(self, 4, "items", stretch=(1,), fit=(0, 2, 3))
        self.clear_with(self.table)
        self.figures = Figures(self, 6, pairs=2)
        self.labels, self.values = self.figures.labels, self.figures.values
        self.back_button = back_button(self, self.back_requested)
        self.repay_button = primary_button(self, self.repay_requested)
        self.open_button = primary_button(self, self.open_requested)
        self.confirm_button = primary_button(self, self._confirm)
        self.page("who", "stay_label", (self.table, 1), self.figures, "notice", "status", density="compact",
                  buttons=[self.back_button, self.repay_button, self.open_button, self.confirm_button])
        self.retranslate()

    def show_stay(self, session, stay, split, refusal: str | None, can_repay: bool, can_open: bool = False) -> None:
        set_rows(self.table, [(i.day.isoformat(), i.name, i.quantity, format_cny(i.amount_fen))
                              for i in (stay.items if stay else ())], right=(3,))
        self.show_items(session=session, stay=stay, split=split, refusal=refusal, can_repay=can_repay,
                        can_open=can_open)

    def _confirm(self) -> None:
        if not self.busy and self.refusal is None and self.stay is not None:
            self.confirm_requested.emit()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Discharge on credit"))
        self.table.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Item"), self.tr("Qty"), self.tr("Amount")])
        self.table.setAccessibleName(self.tr("Items of the hospital stay"))
        set_button_text(self.back_button, self.tr("Back to start"))
        set_button_text(self.repay_button, self.tr("Repay now"))
        set_button_text(self.open_button, self.tr("Open my own credit service"))
        split, stay, s = self.split, self.stay, self.session
        shortfall = split.shortfall_fen if split else 0
        set_button_text(self.confirm_button, self.tr("Discharge and pay the rest now") if shortfall
                        else self.tr("Discharge on credit"))
        self.who.setText(who_text(s.patient if s else None))
        self.stay_label.setText(self.tr("{department} · admitted {date} · {count} charges").format(
            department=stay.department, date=business_date(stay.admitted_at).isoformat(),
            count=len(stay.items)) if stay else "")
        rows = []
        if stay:
            rows = [(self.tr("Total"), stay.total_fen), (self.tr("Paid by medical insurance fund"), stay.fund_fen),
                    (self.tr("Your part"), stay.personal_fen), (self.tr("Deposit paid"), stay.deposit_paid_fen)]
        if split:
            rows.append((self.tr("Booked on your credit line"), split.booked_fen))
            rows.append((self.tr("To pay now with your phone"), shortfall))
        self.figures.show_rows(rows)
        offer_open = self.can_open and self.refusal == "guardian_line_ended"
        if offer_open:  # the words name the button beside them
            set_optional_text(self.notice, "⚠ " + message_for(self.refusal, OPEN_HERE))
        else:
            set_problem(self.notice, self.refusal)
        self.say_status(self.tr("Settling, please wait…"))
        self.open_button.setVisible(offer_open)
        self.open_button.setEnabled(not self.busy)
        self.confirm_button.setVisible(stay is not None and self.refusal is None)
        self.confirm_button.setEnabled(not self.busy)
        self.repay_button.setVisible(self.can_repay and self.refusal in ("account_suspended", "repay_first"))
        self.back_button.setEnabled(not self.busy)


class DischargeJourney(Journey):
    key = "discharge"
    discharged = Signal(object)  # DischargeOutcome
    HOLDS = {"stay": None, "split": None}

    def __init__(self, ctx):
        super().__init__(ctx)
        self.screen: DischargeScreen = self.add_screen(DischargeScreen())
        self.screen.confirm_requested.connect(self.confirm)
        self.screen.repay_requested.connect(lambda: self.hand_over("repay", self.session))
        self.screen.open_requested.connect(lambda: self.hand_over("open", self.session))

    def title(self) -> str:
        return translate("DischargeJourney", "Discharge on credit")

    def forget(self) -> None:
        prepared, self.prepared = getattr(self, "prepared", None), None
        if prepared is not None:  # the patient left a pre-settled stay: undone at the three, on a worker
            inpatient = self.ctx.services.inpatient
            self.ctx.tasks.run(lambda: inpatient.abandon(prepared.saga_id), lambda _: None, lambda _: None)
        super().forget()

    def begin(self, session) -> None:
        self.session, self.prepared = session, None
        inpatient = self.ctx.services.inpatient
        if getattr(inpatient, "saga_ready", False):
            if session.his_problem:  # the HIS not answering: the stay is unknown, and said so
                self._prepared(None, session.his_problem)
                return
            window = self.ctx.window
            generation = window.generation

            def prepare():  # the stay's bill drawn up and pre-settled (the saga), the plan
                prepared = inpatient.prepare_discharge(session)
                if prepared is not None and window.generation != generation:  # the patient left meanwhile
                    inpatient.abandon(prepared.saga_id)
                return prepared

            self.ctx.run(prepare, self._prepared)
            return
        self.ctx.run(lambda: self.ctx.services.inpatient.current_stay(session), self._loaded)

    def _prepared(self, prepared, problem: str | None = None) -> None:
        self.prepared = prepared
        self.stay = prepared.stay if prepared else None
        refusal = problem or (prepared.refusal if prepared else "no_stay")
        self.split = prepared.plan if prepared is not None and prepared.refusal is None else None
        if self.split is not None and self.split.booked_fen and guardian_line_ended(
                self.session.patient, self.session.account, business_date(now())):
            refusal, self.split = "guardian_line_ended", None  # come of age: not on the guardian's line
        self.screen.show_stay(self.session, self.stay, self.split, refusal, self.offers("repay"), self.offers("open"))
        self.show(self.screen)

    def _loaded(self, stay) -> None:
        from kiosk.usecases.inpatient import discharge_split

        self.stay, self.split, refusal = stay, None, None
        if stay is None:
            refusal = "no_stay"
        else:
            try:
                self.split = discharge_split(stay, self.session, self.ctx.services.profile.repay_before_reuse)
            except CannotUseCredit as exc:
                refusal = exc.code
        self.screen.show_stay(self.session, stay, self.split, refusal, self.offers("repay"), self.offers("open"))
        self.show(self.screen)

    def confirm(self) -> None:
        """A discharge always asks for a confirmation tap first: what goes on the line, what is paid now."""
        split = self.split
        if split is None:
            return
        booked, shortfall = split.booked_fen, split.shortfall_fen

        def texts():
            if shortfall:
                purpose = translate("DischargeJourney", "{booked} on your credit line and {paid} to pay now with "
                                    "your phone.").format(booked=format_cny(booked), paid=format_cny(shortfall))
            else:
                purpose = translate("DischargeJourney", "{booked} on your credit line, nothing to pay now.").format(
                    booked=format_cny(booked))
            return (translate("DischargeJourney", "Confirm your discharge"), purpose,
                    translate("DischargeJourney", "Discharge"))

        confirm_screen(self.ctx.window).ask(booked + shortfall, texts, self._confirmed,
                                            lambda: self.show(self.screen), self.session.patient)
        self.show("confirm")

    def _confirmed(self) -> None:
        if self.split and self.split.shortfall_fen:
            payer = self.session.his_patient_id if self.prepared is not None else self.session.patient.patient_id
            self.ctx.payments.request(payer or self.session.patient.patient_id, self.split.shortfall_fen, "discharge",
                                      self._discharge, lambda: self.show(self.screen),
                                      confirmed=True)
        else:
            self._discharge(None)

    def _discharge(self, payment_id) -> None:
        session, stay = self.session, self.stay
        self.show(self.screen)
        self.screen.set_busy(True)
        if self.prepared is not None:
            prepared, plan = self.prepared, self.split
            self.prepared = None  # confirmed: the saga finishes it (or the recovery does), never abandoned
            self.ctx.run(lambda: self.ctx.services.inpatient.settle_discharge(session, prepared, plan, payment_id),
                         self.finished(self.discharged, discharge_text))
            return
        self.ctx.run(lambda: self.ctx.services.inpatient.discharge(session, stay, payment_id),
                     self.finished(self.discharged, discharge_text))


def discharge_text(outcome) -> OutcomeText:
    from datetime import datetime

    if outcome.pending:
        return pending_text(
            translate("DischargeJourney", "The hospital system did not confirm in time. Your discharge is kept "
                      "safely and will be completed automatically; it will never be charged twice."),
            translate("DischargeJourney", "Please collect your documents at the cashier window."))
    d = outcome.data
    paid = [translate("DischargeJourney", "Paid now: {paid}.").format(paid=format_cny(d["paid_fen"]))] \
        if d["paid_fen"] else []
    if d.get("credit_pending"):  # the credit platform did not answer: the part on credit queued for it
        lines = credit_pending_lines(d["booked_fen"], *paid)
    else:
        due = last_payable_day(datetime.fromisoformat(d["due_at"])).isoformat() if d.get("due_at") else "—"
        lines = [translate("DischargeJourney", "{booked} booked on your credit line, to repay by {due}.").format(
            booked=format_cny(d["booked_fen"]), due=due), *paid]
    if d["deposit_refund_fen"]:
        lines.append(translate("DischargeJourney", "Deposit returned: {amount}.").format(
            amount=format_cny(d["deposit_refund_fen"])))
    lines.append(translate("DischargeJourney", "Reference {reference}").format(reference=d["reference"]))
    note = print_note(outcome.print_error,
                      translate("DischargeJourney", "Your receipt and the itemised statement are printing."),
                      translate("DischargeJourney", "The documents could not be printed. Your discharge is complete; "
                                                    "please ask the cashier window for copies."))
    title = translate("DischargeJourney", "Discharged, credit pending confirmation") if d.get("credit_pending") \
        else translate("DischargeJourney", "Discharged")
    return OutcomeText(title, "\n".join(lines), note)
