"""Close the credit service: identify → confirm → closed (with linked minors), or how much is owed.

Closing at a kiosk is allowed only once nothing is owed (Hangzhou §3.2.4); the
platform refuses otherwise and the patient is offered to repay. Closing an
adult's service closes the service of the minors linked to it.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_optional_text, who_text
from kiosk.ui.journey import Journey, error_code
from kiosk.ui.kit import back_button, primary_button
from kiosk.ui.messages import message_for
from kiosk.ui.outcome import OutcomeText, pending_text

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


class CloseConfirmScreen(Screen):
    name = "credit_close"
    confirm_requested = Signal()
    back_requested = Signal()

    DATA = {"patient": None, "children": ()}  # children: Relation of linked minors whose service closes too

    def __init__(self, parent=None):
        super().__init__(parent)
        self.confirm_button = primary_button(self, self._confirm)
        self.back_button = back_button(self, self.back_requested)
        self.page("who", 1, "explanation", "minors:amount", "status", 1, density="airy", centred=True,
                  buttons=[self.back_button, self.confirm_button])
        self.retranslate()

    def show_confirm(self, patient, children) -> None:
        self.show_items(patient=patient, children=tuple(children))

    def _confirm(self) -> None:
        if self.patient is not None and not (self.busy or self.loading):
            self.confirm_requested.emit()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Close the credit service"))
        self.who.setText(who_text(self.patient))
        self.explanation.setText(self.tr(
            "After closing, you pay each bill on the spot as before. You can open the service again later. "
            "It can be closed only when nothing is owed."))
        names = "、".join(c.masked_name for c in self.children)
        set_optional_text(self.minors, self.tr(
            "The credit service of the children linked to you closes too: {names}.").format(names=names)
            if self.children else "")
        self.say_status(self.tr("Closing, please wait…"))
        set_button_text(self.confirm_button, self.tr("Close my credit service"))
        set_button_text(self.back_button, self.tr("Back"))
        self.confirm_button.setEnabled(self.patient is not None and not (self.busy or self.loading))
        self.back_button.setEnabled(not self.busy)


class CloseServiceJourney(Journey):
    key = "close"
    closed = Signal(object)  # Closed, for the tour and for tests
    HOLDS = {"details": None}  # CreditDetails: the minors linked

    def __init__(self, ctx):
        super().__init__(ctx)
        self.credit = ctx.services.credit
        self.screen: CloseConfirmScreen = self.add_screen(CloseConfirmScreen())
        self.screen.confirm_requested.connect(self._close)

    def title(self) -> str:
        return translate("CloseServiceJourney", "Close credit service")

    def begin(self, session) -> None:
        self.session, self.details = session, None
        self.screen.show_loading(patient=session.patient)
        self.show(self.screen)
        number = session.patient.id_number
        self.ctx.run(lambda: self.credit.details(number), self._checked)

    def _checked(self, details) -> None:
        if not details.has_credit_service:
            self.problem("credit_not_open")
            return
        self.details = details
        # Minors linked to this account close with it (a parent's "child" relation does not).
        own = self.session.account.account_id if self.session.account else None
        minors = () if self.session.patient.is_minor or own is None else tuple(
            c for c in details.children() if c.account_id == own)
        self.screen.show_confirm(self.session.patient, minors)

    def _close(self) -> None:
        if self.session is None:
            return
        session, details = self.session, self.details
        patient_id = session.patient.patient_id
        self.screen.set_busy(True)
        self.ctx.run(lambda: self.credit.close(patient_id),
                     self.finished(self.closed, lambda closed: closed_text(closed, session, details)), self._refused)

    def _refused(self, error) -> None:
        if error_code(error) != "outstanding_balance":
            self.failed(error)
            return
        self.screen.set_busy(False)
        owed = getattr(error, "outstanding_fen", None)
        action = self.ctx.offer("repay", lambda: translate("CloseServiceJourney", "Repay now"), self.session)
        self.finish(lambda: owed_text(owed), action)


def owed_text(owed_fen: int | None) -> OutcomeText:
    body = message_for("outstanding_balance")
    if owed_fen:
        body += "\n" + translate("CloseServiceJourney", "Still owed: {amount}").format(amount=format_cny(owed_fen))
    return OutcomeText(translate("CloseServiceJourney", "Not closed"), body, ok=False)


def closed_text(closed, session, details) -> OutcomeText:
    if closed.pending:
        return pending_text(
            translate("CloseServiceJourney", "The hospital system did not confirm in time. Your request is kept "
                      "safely and will be completed automatically."))
    names = {r.patient_id: r for r in (details.relations if details else ())}
    lines = []
    for patient_id in closed.closed_patient_ids:
        if patient_id == session.patient.patient_id:
            lines.append(translate("CloseServiceJourney", "You ({name})").format(name=session.patient.masked_name))
        elif patient_id in names:
            lines.append(translate("CloseServiceJourney", "{name} (linked child)").format(
                name=names[patient_id].masked_name))
        else:
            lines.append(translate("CloseServiceJourney", "A linked patient"))
    body = translate("CloseServiceJourney", "The credit service is closed for:") + "\n" + "\n".join(lines)
    note = translate("CloseServiceJourney", "From now on, please pay each bill on the spot.")
    return OutcomeText(translate("CloseServiceJourney", "Credit service closed"), body, note)
