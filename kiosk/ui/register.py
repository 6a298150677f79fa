"""Credit registration (信用挂号), the kiosk's most used task, so it is short:
identify → department → session → confirm → outcome (queue number, slip).
Home(1) department(2) session(3) confirm(4) done(5).

"My registrations" on the department screen lists the booked ones to cancel before
their session starts: home(1) my registrations(2) pick(3) cancel(4) done(5).
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal

from kiosk.domain.clock import last_payable_day
from kiosk.domain.money import format_cny
from kiosk.ui.i18n import pick
from kiosk.ui.journey import Journey, error_code
from kiosk.ui.outcome import OutcomeText, credit_pending_lines, pending_text, print_note
from kiosk.ui.register_screens import (
    CancelScreen,
    ConfirmScreen,
    DepartmentScreen,
    MyRegistrationsScreen,
    SessionScreen,
    doctor_text,
    when_text,
)
from kiosk.ui.widgets import money_back_text

translate = QCoreApplication.translate


class RegisterJourney(Journey):
    key = "register"
    registered = Signal(object)  # RegisterOutcome, for the tour and for tests
    cancelled = Signal(object)  # CancelOutcome
    HOLDS = {"departments": (), "department": None, "sessions": (), "clinic": None, "pay": "credit", "reason": None,
             "booked": (), "registration": None}

    def __init__(self, ctx):
        super().__init__(ctx)
        w = ctx.window
        self.departments_screen: DepartmentScreen = self.add_screen(DepartmentScreen())
        self.sessions_screen: SessionScreen = self.add_screen(SessionScreen(), back=DepartmentScreen.name)
        self.confirm_screen: ConfirmScreen = self.add_screen(ConfirmScreen(), back=SessionScreen.name)
        self.mine_screen: MyRegistrationsScreen = self.add_screen(MyRegistrationsScreen(), back=DepartmentScreen.name)
        self.cancel_screen: CancelScreen = self.add_screen(CancelScreen(), back=MyRegistrationsScreen.name)

        self.departments_screen.department_chosen.connect(self.choose_department)
        self.departments_screen.mine_requested.connect(self.show_mine)
        self.sessions_screen.session_chosen.connect(self.choose_session)
        self.sessions_screen.home_requested.connect(w.go_home)
        self.confirm_screen.confirm_requested.connect(self.confirm)
        self.confirm_screen.repay_requested.connect(lambda: self.hand_over("repay", self.session))
        self.confirm_screen.open_requested.connect(lambda: self.hand_over("open", self.session))
        self.mine_screen.registration_chosen.connect(self.choose_registration)
        self.cancel_screen.cancel_requested.connect(self.cancel)

    def title(self) -> str:
        return translate("RegisterJourney", "Register for a clinic")

    @property
    def _use(self):
        return self.ctx.services.registrations

    # -- registering ---------------------------------------------------------------------
    def begin(self, session) -> None:
        self.forget()
        self.session = session
        self.departments_screen.show_loading(session=session)
        self.show(self.departments_screen)
        self.ctx.run(self._use.departments, self._departments_loaded)

    def _departments_loaded(self, departments) -> None:
        self.departments = tuple(departments)
        self.departments_screen.show_departments(self.session, self.departments)

    def choose_department(self, index: int) -> None:
        if not 0 <= index < len(self.departments):
            return
        department = self.department = self.departments[index]
        self.sessions = ()
        self.sessions_screen.show_loading(department=department)
        self.show(self.sessions_screen)
        self.ctx.run(lambda: self._use.sessions(department.department_id),
                     lambda sessions: self._sessions_loaded(department, sessions))

    def _sessions_loaded(self, department, sessions) -> None:
        if department is not self.department:
            return  # the patient went back and chose another department meanwhile
        self.sessions = tuple(sessions)
        self.sessions_screen.show_sessions(department, self.sessions)

    def choose_session(self, index: int) -> None:
        if not 0 <= index < len(self.sessions) or self.sessions[index].full:
            return
        self.clinic = self.sessions[index]
        self._show_choice()

    def _show_choice(self) -> None:
        from kiosk.usecases.registration import how_to_pay

        self.pay, self.reason = how_to_pay(self.session.account, self.clinic.fee_fen,
                                           self.ctx.services.profile.repay_before_reuse, patient=self.session.patient)
        if self.pay == "credit":  # the credit platform not answering: the offline caps, else the fee by phone
            offline = self._use.credit_refusal(self.session, self.clinic.fee_fen)
            if offline is not None:
                self.pay, self.reason = "channel", offline
        self.confirm_screen.show_choice(self.session, self.department, self.clinic, self.pay, self.reason,
                                        can_repay=self.offers("repay"), can_open=self.offers("open"))
        self.show(self.confirm_screen)

    def confirm(self) -> None:
        from kiosk.usecases.registration import how_to_pay

        if self.clinic is None:
            return
        if self.pay == "credit" and how_to_pay(self.session.account, self.clinic.fee_fen,
                                               self.ctx.services.profile.repay_before_reuse,
                                               patient=self.session.patient)[1] == "guardian_line_ended":
            self._show_choice()  # shown before midnight, come of age since: the reason, nothing sent
            return
        if self.pay == "credit":
            self._register(None)
        else:
            through_his = getattr(self._use, "saga", None) is not None  # the fee by the HIS's channel (issue 12)
            self.ctx.payments.request(self.session.his_patient_id if through_his else self.session.patient.patient_id,
                                      self.clinic.fee_fen, "registration",
                                      self._register, lambda: self.show(self.confirm_screen))

    def _register(self, payment_id: str | None) -> None:
        session, department, clinic = self.session, self.department, self.clinic
        self.confirm_screen.set_busy(True)
        self.ctx.run(lambda: self._use.register(session, department, clinic, payment_id),
                     self.finished(self.registered, lambda outcome: registration_text(outcome, department)),
                     self._failed)

    def _failed(self, error) -> None:
        from kiosk.usecases.settle import without_guardian_line

        if error_code(error) == "guardian_line_ended" and self.session is not None and self.clinic is not None:
            # The platform's day had turned: the choice again, with the reason and the two ways on.
            self.confirm_screen.set_busy(False)
            self.session = without_guardian_line(self.session)
            self._show_choice()
            return
        self.failed(error)

    # -- cancelling ----------------------------------------------------------------------
    def show_mine(self) -> None:
        session = self.session
        self.booked = ()
        self.mine_screen.show_loading()
        self.show(self.mine_screen)
        self.ctx.run(lambda: self._use.booked(session), self._booked_loaded)

    def _booked_loaded(self, registrations) -> None:
        self.booked = tuple(registrations)
        self.mine_screen.show_registrations(self.booked, self.departments)

    def choose_registration(self, index: int) -> None:
        if not 0 <= index < len(self.booked):
            return
        self.registration = self.booked[index]
        self.cancel_screen.show_registration(self.registration, self.departments)
        self.show(self.cancel_screen)

    def cancel(self) -> None:
        session, registration = self.session, self.registration
        if registration is None:
            return
        self.cancel_screen.set_busy(True)
        self.ctx.run(lambda: self._use.cancel(session, registration), self.finished(self.cancelled, cancellation_text),
                     self._failed)


def registration_text(outcome, department) -> OutcomeText:
    if outcome.pending:
        return pending_text(
            translate("RegisterJourney", "The hospital system did not confirm in time. Your registration is kept "
                      "safely and will be completed automatically; you will never be charged twice."),
            translate("RegisterJourney", "Please ask at the registration desk for your queue number."))
    r, s = outcome.registration, outcome.registration.session
    lines = [
        " · ".join(p for p in (pick(department.name, department.name_en) if department else r.department,
                                doctor_text(s)) if p),
        when_text(s) + "  " + translate("RegisterJourney", "Room {room}").format(room=s.room),
    ]
    if r.credit_pending:  # the credit platform did not answer: the fee queued for it
        lines += credit_pending_lines(r.booked_fen)
    elif r.booked_fen:
        due = last_payable_day(r.due_at).isoformat() if r.due_at else "—"
        lines.append(translate("RegisterJourney", "Fee {fee} booked on your credit line, to repay by {due}.").format(
            fee=format_cny(r.booked_fen), due=due))
    if r.paid_fen:
        lines.append(translate("RegisterJourney", "Fee {fee} paid with your phone.").format(
            fee=format_cny(r.paid_fen)))
    if r.account is not None and not r.credit_pending:
        lines.append(translate("RegisterJourney", "Credit available now: {available}.").format(
            available=format_cny(r.account.available_fen)))
    lines.append(translate("RegisterJourney", "Reference {reference}").format(reference=r.reference))
    return OutcomeText(translate("RegisterJourney", "Registered · your number is {queue}").format(queue=r.queue_number),
                       "\n".join(lines), slip_note(outcome.print_error))


def cancellation_text(outcome) -> OutcomeText:
    if outcome.pending:
        return pending_text(
            translate("RegisterJourney", "The hospital system did not confirm in time. Your cancellation is kept "
                      "safely and will be completed automatically."),
            translate("RegisterJourney", "Please ask at the registration desk if you need a slip."))
    lines = []
    if outcome.to_other_bills_fen or outcome.to_balance_fen:  # repaid already: to the credit-care account
        lines.append(money_back_text(translate(
            "RegisterJourney", "{credit} went back to your credit-care account: {bill} off this registration's "
            "bill, {others} off your other bills; the financial institution returns the balance of {balance} to you."),
            outcome.returned_to_line_fen, outcome))
    elif outcome.returned_to_line_fen:
        lines.append(translate("RegisterJourney", "The fee {fee} was returned to your credit line.").format(
            fee=format_cny(outcome.returned_to_line_fen)))
    elif outcome.fee_never_charged:
        lines.append(translate("RegisterJourney", "The fee {fee} was never charged: the credit platform refused it. "
                               "Nothing is left to pay.").format(fee=format_cny(outcome.registration.fee_fen)))
    if outcome.refunded_to_channel_fen:
        lines.append(translate("RegisterJourney", "{fee} will be refunded to the account you paid from.").format(
            fee=format_cny(outcome.refunded_to_channel_fen)))
    if outcome.account is not None:
        lines.append(translate("RegisterJourney", "Credit available now: {available}.").format(
            available=format_cny(outcome.account.available_fen)))
    lines.append(translate("RegisterJourney", "Reference {reference}").format(
        reference=outcome.registration.reference))
    return OutcomeText(translate("RegisterJourney", "Registration cancelled"), "\n".join(lines),
                       slip_note(outcome.print_error))


def slip_note(print_error: str | None) -> str:
    return print_note(print_error, translate("RegisterJourney", "Your slip is printing. Please take it."),
                      translate("RegisterJourney", "The slip could not be printed. This does not change anything "
                                "above; please ask at the registration desk for a copy."))
