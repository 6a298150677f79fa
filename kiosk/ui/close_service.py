"""Close the credit service: identify → confirm → closed (with linked minors), or how much is owed.

Closing at a kiosk is allowed only once nothing is owed (Hangzhou §3.2.4); the
platform refuses otherwise and the patient is offered to repay. Closing an
adult's service closes the service of the minors linked to it.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text, who_text
from kiosk.ui.journey import Journey, error_code
from kiosk.ui.messages import message_for
from kiosk.ui.outcome import OutcomeText

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


class CloseConfirmScreen(Screen):
    name = "credit_close"
    confirm_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.patient = None
        self.children: tuple = ()  # Relation of linked minors whose service closes too
        self._loading = False
        self._busy = False
        self.title = heading(self)
        self.who = body_text(self, "who")
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explanation = body_text(self)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.minors = body_text(self, "amount")
        self.minors.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = body_text(self, "status")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.confirm_button = big_button(self, "primary")
        self.confirm_button.clicked.connect(self._confirm)
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 48, 64, 48)
        layout.setSpacing(24)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addStretch(1)
        layout.addWidget(self.explanation)
        layout.addWidget(self.minors)
        layout.addWidget(self.status)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button, 1)
        buttons.addWidget(self.confirm_button, 2)
        layout.addLayout(buttons)
        self.retranslate()

    def show_loading(self, patient) -> None:
        self.patient, self.children, self._loading, self._busy = patient, (), True, False
        self.retranslate()

    def show_confirm(self, patient, children) -> None:
        self.patient, self.children, self._loading, self._busy = patient, tuple(children), False, False
        self.retranslate()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.retranslate()

    def _confirm(self) -> None:
        if self.patient is not None and not (self._busy or self._loading):
            self.confirm_requested.emit()

    def clear(self) -> None:
        self.patient, self.children, self._loading, self._busy = None, (), False, False
        self.retranslate()

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
        status = ""
        if self._loading:
            status = self.tr("Loading, please wait…")
        elif self._busy:
            status = self.tr("Closing, please wait…")
        set_optional_text(self.status, status)
        set_button_text(self.confirm_button, self.tr("Close my credit service"))
        set_button_text(self.back_button, self.tr("Back"))
        self.confirm_button.setEnabled(self.patient is not None and not (self._busy or self._loading))
        self.back_button.setEnabled(not self._busy)


class CloseServiceJourney(Journey):
    key = "close"
    closed = Signal(object)  # Closed, for the tour and for tests

    def __init__(self, ctx):
        super().__init__(ctx)
        from kiosk.usecases.credit import CreditService

        self.credit = CreditService(ctx.services.platform, ctx.services.writes)
        self.session = None
        self.details = None
        self.screen: CloseConfirmScreen = ctx.window.add_screen(CloseConfirmScreen())
        self.screen.back_requested.connect(ctx.window.go_home)
        self.screen.confirm_requested.connect(self._close)
        ctx.window.cleared.connect(self.forget)

    def title(self) -> str:
        return translate("CloseServiceJourney", "Close credit service")

    def forget(self) -> None:
        self.session, self.details = None, None

    def begin(self, session) -> None:
        self.session, self.details = session, None
        self.screen.show_loading(session.patient)
        self.ctx.window.show_screen(CloseConfirmScreen.name)
        number = session.patient.id_number
        self.ctx.run(lambda: self.credit.details(number), self._checked)

    def _checked(self, details) -> None:
        if not details.has_credit_service:
            self.ctx.window.outcome.show_problem("credit_not_open")
            self.ctx.window.show_screen("outcome")
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
        patient_id = self.session.patient.patient_id
        self.screen.set_busy(True)
        self.ctx.run(lambda: self.credit.close(patient_id), self._closed, self._refused)

    def _closed(self, closed) -> None:
        session, details = self.session, self.details
        self.closed.emit(closed)
        self.ctx.window.outcome.show_text(lambda: closed_text(closed, session, details))
        self.ctx.window.show_screen("outcome")

    def _refused(self, error) -> None:
        self.screen.set_busy(False)
        if error_code(error) != "outstanding_balance":
            self.ctx.fail(error)
            return
        session, owed = self.session, getattr(error, "outstanding_fen", None)
        action = None
        if "repay" in self.ctx.journeys:
            action = (lambda: translate("CloseServiceJourney", "Repay now"),
                      lambda: self.ctx.journeys["repay"].begin(session))
        self.ctx.window.outcome.show_text(lambda: owed_text(owed), action)
        self.ctx.window.show_screen("outcome")


def owed_text(owed_fen: int | None) -> OutcomeText:
    body = message_for("outstanding_balance")
    if owed_fen:
        body += "\n" + translate("CloseServiceJourney", "Still owed: {amount}").format(amount=format_cny(owed_fen))
    return OutcomeText(translate("CloseServiceJourney", "Not closed"), body, ok=False)


def closed_text(closed, session, details) -> OutcomeText:
    if closed.pending:
        return OutcomeText(
            translate("CloseServiceJourney", "Waiting for the hospital system"),
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
