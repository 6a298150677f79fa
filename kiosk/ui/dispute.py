"""Dispute a bill: identify → pick the bill → pick a reason (optional note) → answer date.

The operator answers within 5 working days (Xiamen art. 29); the bill shows as
disputed in the account query from then on.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text, who_text
from kiosk.ui.journey import Journey
from kiosk.ui.outcome import OutcomeText
from kiosk.ui.query import bill_kind_text, bill_status_text

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

MAX_TEXT = 200


def bill_line(bill) -> str:
    pay_by = bill.last_payable_day.isoformat() if bill.last_payable_day else "—"
    return translate("DisputeJourney", "{reference} · {kind} · {outstanding} · pay by {date} · {status}").format(
        reference=bill.reference, kind=bill_kind_text(bill.kind), outstanding=format_cny(bill.outstanding_fen),
        date=pay_by, status=bill_status_text(bill))


class DisputeBillScreen(Screen):
    """The patient's open bills as big buttons; disputed ones marked and not pickable."""

    name = "dispute_bill"
    bill_picked = Signal(object)  # Bill
    back_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.patient = None
        self.bills: tuple = ()
        self.answer_days = 5
        self._loading = False
        self.bill_buttons: list[QPushButton] = []
        self.title = heading(self)
        self.who = body_text(self, "who")
        self.instructions = body_text(self)
        self.status = body_text(self, "status")
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.verticalScrollBar().setMinimumWidth(32)
        QScroller.grabGesture(self.scroll.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.content = QWidget()
        self.scroll.setWidget(self.content)
        self.list = QVBoxLayout(self.content)
        self.list.setSpacing(12)
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addWidget(self.instructions)
        layout.addWidget(self.status)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.back_button)
        self.retranslate()

    def show_loading(self, patient) -> None:
        self.patient, self.bills, self._loading = patient, (), True
        self.retranslate()

    def show_bills(self, patient, bills) -> None:
        self.patient, self.bills, self._loading = patient, tuple(bills), False
        self.retranslate()

    def clear(self) -> None:
        self.patient, self.bills, self._loading = None, (), False
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Dispute a bill"))
        self.who.setText(who_text(self.patient))
        self.instructions.setText(self.tr("Tap the bill you think is wrong. The hospital checks it and answers "
                                          "within {days} working days.").format(days=self.answer_days))
        set_optional_text(self.status, self.tr("Loading your bills, please wait…") if self._loading else "")
        set_button_text(self.back_button, self.tr("Back"))
        self.bill_buttons = []
        while self.list.count():
            item = self.list.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().setParent(None)  # gone now (no patient data left behind), not at the next loop
        for bill in self.bills:
            button = big_button(self.content, "secondary")
            text = bill_line(bill)
            if bill.status == "disputed":
                text = self.tr("{bill} — already disputed, cannot be picked").format(bill=text)
            set_button_text(button, text)
            button.setEnabled(bill.disputable)
            button.clicked.connect(lambda _=False, b=bill: self.bill_picked.emit(b))
            self.list.addWidget(button)
            button.show()  # at once, not at the next turn of the event loop
            self.bill_buttons.append(button)
        self.list.addStretch(1)


class DisputeReasonScreen(Screen):
    """The platform's reasons as big buttons, an optional note, and submit."""

    name = "dispute_reason"
    submit_requested = Signal(str, str)  # reason code, note
    back_requested = Signal()

    def __init__(self, language: Callable[[], str] = lambda: "zh_CN", parent=None):
        super().__init__(parent)
        self._language = language
        self.bill = None
        self.reasons: tuple = ()
        self._busy = False
        self.reason_buttons: dict[str, QPushButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.buttonToggled.connect(lambda *_: self._update_buttons())

        self.title = heading(self)
        self.bill_label = body_text(self, "who")
        self.instructions = body_text(self)
        self.grid = QGridLayout()
        self.grid.setSpacing(12)
        self.note_label = body_text(self)
        self.note = QLineEdit(self)
        self.note.setObjectName("disputeNote")
        self.note.setMaxLength(MAX_TEXT)
        self.status = body_text(self, "status")
        self.submit_button = big_button(self, "primary")
        self.submit_button.clicked.connect(self._submit)
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.bill_label)
        layout.addWidget(self.instructions)
        layout.addLayout(self.grid)
        layout.addWidget(self.note_label)
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button, 1)
        buttons.addWidget(self.submit_button, 2)
        layout.addLayout(buttons)
        self.retranslate()

    def show_bill(self, bill, reasons) -> None:
        self.bill, self._busy = bill, False
        if tuple(reasons) != self.reasons:
            self._build(tuple(reasons))
        self._uncheck()
        self.note.clear()
        self.retranslate()

    def _build(self, reasons) -> None:
        for button in self.reason_buttons.values():
            self.group.removeButton(button)
            button.hide()
            button.setParent(None)
        self.reason_buttons = {}
        self.reasons = reasons
        for index, reason in enumerate(reasons):
            button = big_button(self, "secondary")
            button.setCheckable(True)
            self.group.addButton(button)
            self.grid.addWidget(button, index // 2, index % 2)
            button.show()
            self.reason_buttons[reason.code] = button

    def _uncheck(self) -> None:
        self.group.setExclusive(False)
        for button in self.reason_buttons.values():
            button.setChecked(False)
        self.group.setExclusive(True)

    @property
    def reason_code(self) -> str:
        for code, button in self.reason_buttons.items():
            if button.isChecked():
                return code
        return ""

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.retranslate()

    def _submit(self) -> None:
        if self.reason_code and not self._busy:
            self.submit_requested.emit(self.reason_code, self.note.text().strip())

    def clear(self) -> None:
        self.bill, self._busy = None, False
        self._uncheck()
        self.note.clear()
        self.retranslate()

    def _update_buttons(self) -> None:
        for button in self.reason_buttons.values():
            # A tick besides the colour: the chosen reason is never marked by colour alone.
            reason = next(r for r in self.reasons if self.reason_buttons[r.code] is button)
            text = reason.text_for(self._language())
            set_button_text(button, ("✓ " + text) if button.isChecked() else text)
            button.setObjectName("primary" if button.isChecked() else "secondary")
            button.style().unpolish(button)
            button.style().polish(button)
        self.submit_button.setEnabled(bool(self.reason_code) and not self._busy)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Why is this bill wrong?"))
        self.bill_label.setText(bill_line(self.bill) if self.bill else "")
        self.instructions.setText(self.tr("Tap the reason that fits best."))
        self.note_label.setText(self.tr("Anything to add? (optional, up to 200 characters)"))
        self.note.setPlaceholderText(self.tr("Optional note"))
        self.note.setAccessibleName(self.tr("Optional note"))
        set_button_text(self.submit_button, self.tr("Submit dispute"))
        set_button_text(self.back_button, self.tr("Back"))
        set_optional_text(self.status, self.tr("Sending your dispute, please wait…") if self._busy else "")
        self.back_button.setEnabled(not self._busy)
        self.note.setEnabled(not self._busy)
        for button in self.reason_buttons.values():
            button.setEnabled(not self._busy)
        self._update_buttons()


class DisputeJourney(Journey):
    key = "dispute"
    raised = Signal(object)  # DisputeRaised, for the tour and for tests

    def __init__(self, ctx):
        super().__init__(ctx)
        from kiosk.usecases.credit import CreditService
        from kiosk.usecases.disputes import Disputes

        self.credit = CreditService(ctx.services.platform, ctx.services.writes)
        self.disputes = Disputes(ctx.services.platform, ctx.services.writes)
        self.session = None
        self.bill = None
        self.reasons: tuple = ()
        w = ctx.window
        self.bill_screen: DisputeBillScreen = w.add_screen(DisputeBillScreen())
        self.reason_screen: DisputeReasonScreen = w.add_screen(DisputeReasonScreen(lambda: w.home.language))
        self.bill_screen.back_requested.connect(w.go_home)
        self.bill_screen.bill_picked.connect(self._picked)
        self.reason_screen.back_requested.connect(lambda: w.show_screen(DisputeBillScreen.name))
        self.reason_screen.submit_requested.connect(self._submit)
        w.cleared.connect(self.forget)

    def title(self) -> str:
        return translate("DisputeJourney", "Dispute a bill")

    def forget(self) -> None:
        self.session, self.bill, self.reasons = None, None, ()

    def begin(self, session) -> None:
        self.session, self.bill = session, None
        self.bill_screen.answer_days = self.ctx.services.profile.dispute_answer_working_days
        self.bill_screen.show_loading(session.patient)
        self.ctx.window.show_screen(DisputeBillScreen.name)
        patient_id = session.patient.patient_id
        self.ctx.run(lambda: (self.credit.overview(patient_id), self.disputes.reasons()), self._loaded)

    def _loaded(self, result) -> None:
        overview, reasons = result
        self.reasons = reasons
        bills = overview.disputable_bills()
        if not bills:
            self.ctx.window.outcome.show_problem("no_disputable_bills")
            self.ctx.window.show_screen("outcome")
            return
        self.bill_screen.show_bills(self.session.patient, bills)

    def _picked(self, bill) -> None:
        if self.session is None or not bill.disputable:
            return
        self.bill = bill
        self.reason_screen.show_bill(bill, self.reasons)
        self.ctx.window.show_screen(DisputeReasonScreen.name)

    def _submit(self, reason_code: str, text: str) -> None:
        if self.bill is None:
            return
        bill = self.bill
        self.reason_screen.set_busy(True)
        self.ctx.run(lambda: self.disputes.raise_dispute(bill.bill_id, reason_code, text),
                     lambda raised: self._raised(raised, bill), self._failed)

    def _failed(self, error) -> None:
        self.reason_screen.set_busy(False)
        self.ctx.fail(error)

    def _raised(self, raised, bill) -> None:
        session = self.session
        self.raised.emit(raised)
        action = None
        if "query" in self.ctx.journeys:
            action = (lambda: translate("DisputeJourney", "Show my account"),
                      lambda: self.ctx.journeys["query"].begin(session))
        days = self.ctx.services.profile.dispute_answer_working_days
        self.ctx.window.outcome.show_text(lambda: dispute_text(raised, bill, days), action)
        self.ctx.window.show_screen("outcome")


def dispute_text(raised, bill, days: int = 5) -> OutcomeText:
    if raised.pending:
        return OutcomeText(
            translate("DisputeJourney", "Waiting for the hospital system"),
            translate("DisputeJourney", "The hospital system did not confirm in time. Your dispute is kept safely "
                      "and will be sent automatically."))
    due = raised.answer_due.isoformat() if raised.answer_due else "—"
    body = translate("DisputeJourney", "Your dispute on bill {reference} ({amount}) is recorded.\n"
                     "The hospital will answer by {date} (within {days} working days).").format(
        reference=bill.reference, amount=format_cny(bill.outstanding_fen), date=due, days=days)
    note = translate("DisputeJourney", "Until then the bill is shown as disputed.")
    return OutcomeText(translate("DisputeJourney", "Dispute raised"), body, note)

