"""Dispute a bill: identify → pick the bill → pick a reason (optional note) → answer date.

The operator answers within 5 working days (Xiamen art. 29); the bill shows as
disputed in the account query from then on.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QLineEdit, QPushButton, QScrollArea

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, who_text
from kiosk.ui.journey import Journey
from kiosk.ui.kit import WrapButton, back_button, metrics, primary_button, secondary_button
from kiosk.ui.outcome import OutcomeText, pending_text, print_note
from kiosk.ui.widgets import ScrollColumn, bill_kind_text, bill_status_text

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

    DATA = {"patient": None, "bills": ()}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.answer_days = 5
        self.bill_buttons: list[QPushButton] = []
        self.scroll = ScrollColumn(self)
        self.list = self.scroll.column
        self.back_button = back_button(self, self.back_requested)
        self.page("who", "instructions", "status", (self.scroll, 1), density="compact", scroll=False,
                  buttons=[self.back_button])
        self.retranslate()

    def show_bills(self, patient, bills) -> None:
        self.show_items(patient=patient, bills=tuple(bills))

    def retranslate(self) -> None:
        self.title.setText(self.tr("Dispute a bill"))
        self.who.setText(who_text(self.patient))
        self.instructions.setText(self.tr("Tap the bill you think is wrong. The hospital checks it and answers "
                                          "within {days} working days.").format(days=self.answer_days))
        self.say_status(loading=self.tr("Loading your bills, please wait…"))
        set_button_text(self.back_button, self.tr("Back"))
        self.bill_buttons = []
        self.scroll.empty()
        for bill in self.bills:
            button = WrapButton(self.scroll.content, "secondary", lambda _=False, b=bill: self.bill_picked.emit(b))
            text = bill_line(bill)
            if bill.status == "disputed":
                text = self.tr("{bill} — already disputed, cannot be picked").format(bill=text)
            set_button_text(button, text)
            button.setEnabled(bill.disputable)
            self.bill_buttons.append(self.scroll.add(button))
        self.list.addStretch(1)


class DisputeReasonScreen(Screen):
    """The platform's reasons as big buttons, an optional note, and submit. At a kiosk (``keyboard``:
    an ``OnScreenKeyboard``) tapping the note brings up the on-screen keyboard between the page and
    its buttons, the note scrolled into sight above it; Done puts it away. The desk types."""

    name = "dispute_reason"
    submit_requested = Signal(str, str)  # reason code, note
    back_requested = Signal()

    DATA = {"bill": None}

    def __init__(self, language: Callable[[], str] = lambda: "zh_CN", parent=None, *, keyboard=None):
        super().__init__(parent)
        self._language = language
        self.keyboard = keyboard
        self.reasons: tuple = ()
        self.reason_buttons: dict[str, QPushButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.buttonToggled.connect(lambda *_: self._update_buttons())
        self.grid = QGridLayout()
        self.grid.setSpacing(metrics().gap)
        self.note = QLineEdit(self)
        self.note.setObjectName("disputeNote")
        self.note.setMaxLength(MAX_TEXT)
        self.clear_with(self.note)
        self.submit_button = primary_button(self, self._submit)
        self.back_button = back_button(self, self.back_requested)
        layout = self.page("bill_label:who", "instructions", self.grid, "note_label", self.note, "status", 1,
                           density="compact", buttons=[self.back_button, self.submit_button])
        if keyboard is not None:
            keyboard.setParent(self)
            keyboard.attach(self.note)
            keyboard.hide()
            layout.insertWidget(2, keyboard)  # under the page (which scrolls), in the buttons' place
            keyboard.done.connect(self._keyboard_away)
            self.note.installEventFilter(self)
            self.findChild(QScrollArea, "pageScroll").viewport().installEventFilter(self)
            self.clear_with(keyboard)
        self.retranslate()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.note and event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress) \
                and self.note.isEnabled():
            self.show_keyboard()
        elif event.type() == QEvent.Type.Resize and self.keyboard is not None and self.keyboard.isVisible():
            QTimer.singleShot(0, self, self._note_in_sight)  # the page's room changed (another type)
        return super().eventFilter(watched, event)

    def show_keyboard(self) -> None:
        """The keyboard in the place of the buttons (Done brings them back: a small screen in the elderly
        type has room for the keyboard and the note, not for both and the buttons), the note scrolled into
        sight once the page has its new height."""
        if self.keyboard is None or self.keyboard.isVisible():
            return
        self.keyboard.show()
        self.back_button.hide()
        self.submit_button.hide()
        QTimer.singleShot(0, self, self._note_in_sight)

    def _keyboard_away(self) -> None:
        self.back_button.show()
        self.submit_button.show()

    def _note_in_sight(self) -> None:
        area = self.findChild(QScrollArea, "pageScroll")
        if area is not None:
            area.ensureWidgetVisible(self.note)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.keyboard is not None:
            self.keyboard.prepare()  # the pinyin index built on a worker while the reason is chosen

    def show_bill(self, bill, reasons) -> None:
        if tuple(reasons) != self.reasons:
            self._build(tuple(reasons))
        self._uncheck()
        self.note.clear()
        if self.keyboard is not None:
            self.keyboard.clear()
        self.show_items(bill=bill)

    def _build(self, reasons) -> None:
        for button in self.reason_buttons.values():
            self.group.removeButton(button)
            button.hide()
            button.setParent(None)
        self.reason_buttons = {}
        self.reasons = reasons
        for index, reason in enumerate(reasons):
            button = secondary_button(self)
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

    def _submit(self) -> None:
        if self.reason_code and not self.busy:
            self.submit_requested.emit(self.reason_code, self.note.text().strip())

    def clear(self) -> None:
        self._uncheck()
        super().clear()

    def _update_buttons(self) -> None:
        for button in self.reason_buttons.values():
            # A tick besides the colour: the chosen reason is never marked by colour alone.
            reason = next(r for r in self.reasons if self.reason_buttons[r.code] is button)
            text = reason.text_for(self._language())
            set_button_text(button, ("✓ " + text) if button.isChecked() else text)
            button.setObjectName("primary" if button.isChecked() else "secondary")
            button.style().unpolish(button)
            button.style().polish(button)
        self.submit_button.setEnabled(bool(self.reason_code) and not self.busy)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Why is this bill wrong?"))
        self.bill_label.setText(bill_line(self.bill) if self.bill else "")
        self.instructions.setText(self.tr("Tap the reason that fits best."))
        self.note_label.setText(self.tr("Anything to add? (optional, up to 200 characters)"))
        self.note.setPlaceholderText(self.tr("Optional note"))
        self.note.setAccessibleName(self.tr("Optional note"))
        set_button_text(self.submit_button, self.tr("Submit dispute"))
        set_button_text(self.back_button, self.tr("Back"))
        self.say_status(self.tr("Sending your dispute, please wait…"))
        self.back_button.setEnabled(not self.busy)
        self.note.setEnabled(not self.busy)
        if self.keyboard is not None and self.keyboard.isHidden():
            self._keyboard_away()  # cleared, or sent: the buttons back
        for button in self.reason_buttons.values():
            button.setEnabled(not self.busy)
        self._update_buttons()


class DisputeJourney(Journey):
    key = "dispute"
    raised = Signal(object)  # DisputeRaised, for the tour and for tests
    HOLDS = {"bill": None, "reasons": ()}

    def __init__(self, ctx):
        super().__init__(ctx)
        self.credit, self.disputes = ctx.services.credit, ctx.services.disputes
        w = ctx.window
        self.bill_screen: DisputeBillScreen = self.add_screen(DisputeBillScreen())
        keyboard = None
        if not ctx.desk:  # the desk has a keyboard
            from kiosk.ui.onscreen_keyboard import OnScreenKeyboard

            keyboard = OnScreenKeyboard(ctx.tasks)
        self.reason_screen: DisputeReasonScreen = self.add_screen(
            DisputeReasonScreen(lambda: w.home.language, keyboard=keyboard), back=DisputeBillScreen.name)
        self.bill_screen.bill_picked.connect(self._picked)
        self.reason_screen.submit_requested.connect(self._submit)

    def title(self) -> str:
        return translate("DisputeJourney", "Dispute a bill")

    def begin(self, session) -> None:
        self.session, self.bill = session, None
        self.bill_screen.answer_days = self.ctx.services.profile.dispute_answer_working_days
        self.bill_screen.show_loading(patient=session.patient)
        self.show(self.bill_screen)
        patient_id = session.patient.patient_id
        self.ctx.run(lambda: (self.credit.overview(patient_id), self.disputes.reasons()), self._loaded)

    def _loaded(self, result) -> None:
        overview, reasons = result
        self.reasons = reasons
        bills = overview.disputable_bills()
        if not bills:
            self.problem("no_disputable_bills")
            return
        self.bill_screen.show_bills(self.session.patient, bills)

    def _picked(self, bill) -> None:
        if self.session is None or not bill.disputable:
            return
        self.bill = bill
        self.reason_screen.show_bill(bill, self.reasons)
        self.show(self.reason_screen)

    def _submit(self, reason_code: str, text: str) -> None:
        if self.bill is None:
            return
        bill = self.bill
        days = self.ctx.services.profile.dispute_answer_working_days
        action = self.ctx.offer("query", lambda: translate("DisputeJourney", "Show my account"), self.session)
        self.reason_screen.set_busy(True)
        session = self.session
        reason = next((r.text_for("zh_CN") for r in self.reasons if r.code == reason_code), reason_code)  # paper's
        self.ctx.run(lambda: self.disputes.raise_dispute(bill.bill_id, reason_code, text, session=session,
                                                         bill_reference=bill.reference,
                                                         amount_fen=bill.outstanding_fen, reason=reason),
                     self.finished(self.raised, lambda raised: dispute_text(raised, bill, days), action), self.failed)


def dispute_text(raised, bill, days: int = 5) -> OutcomeText:
    if raised.pending:
        return pending_text(
            translate("DisputeJourney", "The hospital system did not confirm in time. Your dispute is kept safely "
                      "and will be sent automatically."))
    due = raised.answer_due.isoformat() if raised.answer_due else "—"
    body = translate("DisputeJourney", "Your dispute on bill {reference} ({amount}) is recorded.\n"
                     "The hospital will answer by {date} (within {days} working days).").format(
        reference=bill.reference, amount=format_cny(bill.outstanding_fen), date=due, days=days)
    note = translate("DisputeJourney", "Until then the bill is shown as disputed.")
    if raised.receipt_job is not None or raised.print_error is not None:
        note += "\n" + print_note(
            raised.print_error, translate("DisputeJourney", "Your acknowledgement is printing. Please take it."),
            translate("DisputeJourney", "The acknowledgement could not be printed. The cashier window can print "
                      "a copy; your dispute is recorded all the same."))
    return OutcomeText(translate("DisputeJourney", "Dispute raised"), body, note)

