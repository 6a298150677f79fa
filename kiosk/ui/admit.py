"""Credit admission: no deposit, the credit line stands as the guarantee. Only on an admission
order (入院证) a doctor of the hospital issued: the screen lists the patient's pending orders
(department, ward, doctor, date) and admits to the one tapped; without one it says to see the
doctor first. The result names the ward and the bed. Home(1) order(2) done(3).
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_optional_text, who_text
from kiosk.ui.come_of_age import offer_own_service
from kiosk.ui.journey import Journey, error_code
from kiosk.ui.kit import back_button
from kiosk.ui.messages import message_for
from kiosk.ui.outcome import OutcomeText
from kiosk.ui.widgets import ChoiceList

translate = QCoreApplication.translate


def order_text(order) -> str:
    return "\n".join((
        translate("Admit", "{department} · {ward}").format(department=order.department, ward=order.ward),
        translate("Admit", "Ordered by Dr. {doctor} on {date}").format(doctor=order.doctor,
                                                                     date=order.issued_on.isoformat()),
    ))


class AdmitScreen(Screen):
    name = "admit"
    order_chosen = Signal(int)
    back_requested = Signal()

    DATA = {"session": None, "orders": (), "refusal": None}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choices = ChoiceList(self, lines=2)
        self.choices.chosen.connect(self._chosen)
        self.back_button = back_button(self, self.back_requested)
        self.page("who", "explain", "notice", "status", (self.choices, 1), buttons=[self.back_button])
        self.retranslate()

    @property
    def buttons(self) -> list:
        return self.choices.buttons

    def show_session(self, session, orders, refusal: str | None) -> None:
        self.show_items(session=session, orders=tuple(orders), refusal=refusal)

    def _chosen(self, index: int) -> None:
        if not self.busy:
            self.order_chosen.emit(index)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Admission on credit"))
        s = self.session
        self.who.setText(who_text(s.patient if s else None))
        a = s.account if s else None
        usable = s is not None and not self.loading and self.refusal is None
        if usable and self.orders:
            explain = self.tr("No deposit is needed: your credit line of {line} stands as the guarantee. "
                              "Tap the admission order your doctor gave you.").format(
                line=format_cny(a.line_fen) if a else format_cny(0))
        else:
            explain = ""
        self.explain.setText(explain)
        if self.refusal:
            notice = "⚠ " + message_for(self.refusal)
        elif usable and not self.orders:
            notice = "⚠ " + self.tr("No admission order was found for you. Please see your doctor for an "
                                    "admission order (入院证) first, then come back to be admitted.")
        else:
            notice = ""
        set_optional_text(self.notice, notice)
        self.say_status(self.tr("Admitting, please wait…"))
        self.choices.set_choices([order_text(o) for o in self.orders] if usable else [])
        set_button_text(self.back_button, self.tr("Back to start"))
        self.back_button.setEnabled(not self.busy)


class AdmitJourney(Journey):
    key = "admit"
    admitted = Signal(dict)  # the platform's answer, for tests

    def __init__(self, ctx):
        super().__init__(ctx)
        self.screen: AdmitScreen = self.add_screen(AdmitScreen())
        self.screen.order_chosen.connect(self.admit)

    def title(self) -> str:
        return translate("AdmitJourney", "Admission on credit")

    def begin(self, session) -> None:
        self.session = session
        if session.account is None and session.patient.guardian_line_ended:
            offer_own_service(self.ctx, session)  # come of age: the reason, and their own service
            return
        refusal = None
        if session.account is None:
            refusal = "no_credit_service"
        elif session.account.status != "active":
            refusal = "account_suspended"
        if refusal:
            self.screen.show_session(session, (), refusal)
            self.show(self.screen)
            return
        self.screen.show_loading(session=session)
        self.show(self.screen)
        self.ctx.run(lambda: self.ctx.services.inpatient.admission_orders(session),
                     lambda orders: self._show(session, orders))

    def _show(self, session, orders) -> None:
        if session is self.session:
            self.screen.show_session(session, orders, None)

    def admit(self, index: int) -> None:
        session, orders = self.session, self.screen.orders
        if session is None or not 0 <= index < len(orders):
            return
        order = orders[index]
        self.screen.set_busy(True)
        self.ctx.run(lambda: self.ctx.services.inpatient.admit(session, order),
                     self.finished(self.admitted, admitted_text), self._failed)

    def _failed(self, error) -> None:
        if error_code(error) == "guardian_line_ended" and self.session is not None:
            self.screen.set_busy(False)
            offer_own_service(self.ctx, self.session)  # come of age since the look-up
            return
        self.failed(error)


def admitted_text(data: dict) -> OutcomeText:
    return OutcomeText(
        translate("AdmitJourney", "Admitted: {department}, {ward}, bed {bed}").format(
            department=data["department"], ward=data["ward"], bed=data["bed"]),
        translate("AdmitJourney", "You are admitted without a deposit; your credit line is the guarantee.\n"
                  "Please go to {ward} of {department} with your admission order: your bed is {bed}.").format(
            ward=data["ward"], department=data["department"], bed=data["bed"]))
