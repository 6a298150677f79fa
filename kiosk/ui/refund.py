"""Refund at the cashier's desk (desk only): the cashier identifies the patient, picks one
of their settlements, enters the amount in yuan (prefilled with all that is refundable;
the first key replaces it) and a reason, taps Refund and confirms "退 ￥X 至 信用就医账户"
(``ui/confirm.py``: the amount in figures and in words) before anything is written. Back to
the credit account first; a refund receipt is printed.
Full refund: home(1) settlement(2) reason(3) refund(4) confirm(5) done(6).

The amount field has the keyboard whenever the screen shows, and keeps it: the on-screen
keys and buttons are for fingers and take no keyboard focus (Tab still reaches them), so
digits typed after tapping a reason land in the field (they used to go to the reason button).
On the keyboard (``kiosk/ui/keys.py``): F2, the ID typed, Enter; Enter on the settlement (the
arrows for another); the amount typed, the reason's key (F5-F8), Enter; Enter confirms.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from kiosk.domain.clock import business_date
from kiosk.domain.money import format_cny, yuan
from kiosk.ui.base import Screen, body_text, set_button_text, set_problem, who_text
from kiosk.ui.confirm import confirm_screen
from kiosk.ui.journey import Journey, error_code
from kiosk.ui.keys import CHOICE_KEYS, focus_first, give_key
from kiosk.ui.kit import RowLayout, back_button, make_button, metrics, primary_button, secondary_button
from kiosk.ui.outcome import OutcomeText, pending_text, print_note
from kiosk.ui.widgets import LOGIN_REFUSALS, ChoiceList, SupervisorApproval, bill_kind_text, money_back_text

translate = QCoreApplication.translate


def reason_text(code: str) -> str:
    return {"not_performed": translate("Refund", "Service not performed"),
            "medicine_returned": translate("Refund", "Medicine returned"),
            "charged_in_error": translate("Refund", "Charged in error"),
            "other": translate("Refund", "Other reason")}.get(code, code)


def settlement_text(item) -> str:
    return "\n".join((
        translate("Refund", "{kind} · {date} · {reference}").format(
            kind=bill_kind_text(item.kind), date=business_date(item.settled_at).isoformat(), reference=item.reference),
        translate("Refund", "Amount {amount} · refunded so far {refunded} · refundable {refundable}").format(
            amount=format_cny(item.amount_fen), refunded=format_cny(item.refunded_fen),
            refundable=format_cny(item.refundable_fen)),
    ))


class RefundListScreen(Screen):
    name = "refund_list"
    settlement_chosen = Signal(int)
    back_requested = Signal()
    DATA = {"session": None, "items": ()}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choices = ChoiceList(self, lines=2)
        self.choices.chosen.connect(self.settlement_chosen)
        self.back_button = back_button(self, self.back_requested)
        self.page("who", "status", (self.choices, 1), buttons=[self.back_button])
        self.retranslate()

    def keyboard_focus(self):
        """The desk's keyboard on the first settlement: Enter picks it, the arrows move on."""
        return self.choices.buttons[0] if self.choices.buttons else None

    def retranslate(self) -> None:
        self.title.setText(self.tr("Refund: choose the settlement"))
        s = self.session
        self.who.setText(who_text(s.patient if s else None))
        self.say_status(empty=self.tr("This patient has no settlement that can be refunded."),
                        nothing=s is not None and not self.items)
        self.choices.set_choices([settlement_text(i) for i in self.items])
        focus_first(self, self.choices.buttons)  # the settlements came while the screen was shown
        set_button_text(self.back_button, self.tr("Back to start"))


class RefundEntryScreen(Screen):
    """Amount in yuan (on-screen keypad or the desk keyboard) and the reason."""

    name = "refund_entry"
    refund_requested = Signal(str, str)  # amount text, reason code
    back_requested = Signal()
    KEYS = ("7", "8", "9", "4", "5", "6", "1", "2", "3", ".", "0", "⌫")

    DATA = {"item": None, "reason": None, "fresh": False}  # fresh: the prefilled amount goes at the first key

    def __init__(self, reasons: tuple[str, ...], parent=None):
        super().__init__(parent)
        m = metrics()
        self.reasons = reasons
        self.amount_field = QLineEdit(self)
        self.amount_field.setObjectName("amountField")
        self.amount_field.setMaxLength(10)
        self.amount_field.setValidator(QRegularExpressionValidator(r"[0-9]{0,7}(\.[0-9]{0,2})?", self.amount_field))
        self.amount_field.textEdited.connect(self._edited)
        self.amount_field.returnPressed.connect(self._refund)
        self.keys: dict[str, QPushButton] = {}
        keypad = QGridLayout()
        keypad.setSpacing(m.key_gap)
        for index, key in enumerate(self.KEYS):
            button = make_button(self, "secondary", lambda _=False, k=key: self.press(k), height=m.key)
            set_button_text(button, key)
            keypad.addWidget(button, index // 3, index % 3)
            self.keys[key] = button
        self.reason_buttons: dict[str, QPushButton] = {}
        reasons_row = RowLayout()  # side by side while their words fit, else in more rows
        for index, code in enumerate(reasons):
            button = secondary_button(self, lambda _=False, c=code: self.choose_reason(c))
            if index < len(CHOICE_KEYS):
                give_key(button, CHOICE_KEYS[index])  # F5 onwards: the amount field keeps the digits
            button.setCheckable(True)
            reasons_row.add(button)
            self.reason_buttons[code] = button
        self.approval = SupervisorApproval(self)  # a refund over the desk's limit
        self.approval.submitted.connect(self._refund)
        self.clear_with(self.approval, self.amount_field)
        self.refund_button = primary_button(self, self._refund)
        self.back_button = back_button(self, self.back_requested)
        self.amount_label = body_text(self)
        entry = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.amount_label)
        left.addWidget(self.amount_field)
        left.addStretch(1)
        entry.addLayout(left, 1)
        entry.addLayout(keypad, 1)
        self.page("details", entry, "reason_label", reasons_row, "notice", self.approval, "status", 1,
                  density="compact", buttons=[self.back_button, self.refund_button])
        for button in [*self.keys.values(), *self.reason_buttons.values(), self.refund_button, self.back_button]:
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a tap leaves the keyboard with the amount
        self.retranslate()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.approval.asked:
            self.amount_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_item(self, item) -> None:
        self.approval.reset()
        self.amount_field.setText(yuan(item.refundable_fen))
        self.amount_field.selectAll()
        self.amount_field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.show_items(item=item, reason=None, fresh=True)

    def press(self, key: str) -> None:
        if self.busy:
            return
        text = "" if self.fresh else self.amount_field.text()
        self.fresh = False
        if key == "⌫":
            text = text[:-1]
        else:
            candidate = text + key
            state = self.amount_field.validator().validate(candidate, len(candidate))[0]
            if state == QRegularExpressionValidator.State.Invalid:
                return
            text = candidate
        self.amount_field.setText(text)
        self._edited()

    def _edited(self, *_args) -> None:
        self.set_state(fresh=False, error_code=None)

    def choose_reason(self, code: str) -> None:
        self.set_state(reason=code, error_code=None if self.error_code == "reason_required" else self.error_code)

    def _refund(self) -> None:
        if self.busy or self.item is None:
            return
        if self.reason is None:
            self.show_error("reason_required")
            return
        self.refund_requested.emit(self.amount_field.text(), self.reason)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Refund"))
        self.details.setText(settlement_text(self.item) if self.item else "")
        self.amount_label.setText(self.tr("Amount to refund, in yuan (at most {refundable})").format(
            refundable=format_cny(self.item.refundable_fen)) if self.item else "")
        self.amount_field.setAccessibleName(self.tr("Amount to refund in yuan"))
        self.keys["⌫"].setAccessibleName(self.tr("Delete the last digit"))
        self.reason_label.setText(self.tr("Reason"))
        for code, button in self.reason_buttons.items():
            set_button_text(button, ("✓ " if code == self.reason else "") + reason_text(code))  # not by colour alone
            button.setChecked(code == self.reason)
        set_problem(self.notice, self.error_code)
        self.say_status(self.tr("Refunding, please wait…"))
        set_button_text(self.refund_button, self.tr("Refund"))
        self.refund_button.setEnabled(self.item is not None and not self.busy)
        set_button_text(self.back_button, self.tr("Back"))
        self.back_button.setEnabled(not self.busy)


class RefundJourney(Journey):
    key = "refund"
    desk_only = True
    refunded = Signal(object)  # RefundOutcome, for tests
    HOLDS = {"items": (), "item": None}

    def __init__(self, ctx):
        from kiosk.usecases.refund import REASONS

        super().__init__(ctx)
        self.list_screen: RefundListScreen = self.add_screen(RefundListScreen())
        self.entry_screen: RefundEntryScreen = self.add_screen(RefundEntryScreen(REASONS), back=RefundListScreen.name)
        self.list_screen.settlement_chosen.connect(self.choose)
        self.entry_screen.refund_requested.connect(self.refund)

    def title(self) -> str:
        return translate("RefundJourney", "Refund")

    def begin(self, session) -> None:
        from kiosk.usecases.refund import refundables

        self.forget()
        self.session = session
        self.list_screen.show_loading(session=session)
        self.show(self.list_screen)
        patient_id = session.patient.patient_id
        self.ctx.run(lambda: refundables(self.ctx.services.overview(patient_id)),
                     lambda items: self._loaded(session, items))

    def _loaded(self, session, items) -> None:
        if session is not self.session:
            return
        self.items = tuple(items)
        self.list_screen.show_items(session=session, items=self.items)

    def choose(self, index: int) -> None:
        if 0 <= index < len(self.items):
            self.item = self.items[index]
            self.entry_screen.show_item(self.item)
            self.show(self.entry_screen)

    def refund(self, amount_text: str, reason: str) -> None:
        from kiosk.usecases.refund import refund_amount
        from kiosk.usecases.repayment import Refused

        session, item = self.session, self.item
        try:
            amount_fen = refund_amount(amount_text, item)
        except Refused as exc:
            self.entry_screen.show_error(exc.code)
            return
        desk = self.ctx.services.desk
        operator_id = desk.operator_id  # the logged-in cashier (the terminal when login is off)
        if desk.needs_supervisor(amount_fen):  # over the limit: a supervisor approves on this screen
            approval = self.entry_screen.approval
            if not approval.asked:
                approval.ask(format_cny(desk.supervisor_over_fen))
                return
            supervisor_id, pin = approval.take()
            self.entry_screen.set_busy(True)
            self.ctx.run(lambda: desk.approve_refund(supervisor_id, pin, item.settlement_id, amount_fen),
                         lambda approval: self._confirm(session, item, amount_fen, reason, operator_id, approval),
                         self._failed)
            return
        approved_by = operator_id if amount_fen > desk.supervisor_over_fen else None  # a supervisor's own
        self._confirm(session, item, amount_fen, reason, operator_id, approved_by)

    def _confirm(self, session, item, amount_fen: int, reason: str, operator_id: str, approved_by) -> None:
        """"退 ￥X 至 信用就医账户": a refundable is a bill of the patient's credit account, so that is
        where a refund goes first (000 art. 17); nothing is written before the tap."""
        def texts():
            amount = format_cny(amount_fen)
            return (translate("RefundJourney", "Confirm the refund"),
                    translate("RefundJourney", "Refund {amount} to the credit-care account").format(amount=amount),
                    translate("RefundJourney", "Refund {amount}").format(amount=amount))

        self.entry_screen.set_busy(False)
        confirm_screen(self.ctx.window).ask(
            amount_fen, texts, lambda: self._send(session, item, amount_fen, reason, operator_id, approved_by),
            self._back_to_entry, session.patient)
        self.show("confirm")

    def _back_to_entry(self) -> None:
        self.entry_screen.approval.reset()  # an approval is for one amount: asked again if still needed
        self.show(self.entry_screen)

    def _send(self, session, item, amount_fen: int, reason: str, operator_id: str, approved_by) -> None:
        self.show(self.entry_screen)
        self.entry_screen.set_busy(True)
        self.ctx.run(lambda: self.ctx.services.refund(session, item, amount_fen, reason, operator_id, approved_by),
                     self.finished(self.refunded, refund_text), self._failed)

    def _failed(self, error) -> None:
        code = error_code(error)
        if code in ("refund_exceeds", "amount_invalid", "supervisor_required") or \
                code in LOGIN_REFUSALS - {"unavailable"}:
            # the cashier corrects the amount (or the supervisor their PIN) on the spot
            self.entry_screen.show_error(code)
            return
        self.failed(error)


def refund_text(outcome) -> OutcomeText:
    if outcome.pending:
        return pending_text(
            translate("RefundJourney", "The platform did not confirm in time. The refund of {amount} is kept and "
                      "will be completed automatically, once.").format(amount=format_cny(outcome.amount_fen)),
            translate("RefundJourney", "Do not refund it again: the platform applies it once."))
    lines = []
    if outcome.to_credit_fen or not outcome.to_channel_fen:
        lines.append(money_back_text(translate(
            "RefundJourney", "{credit} back to the credit-care account: {bill} off this bill, {others} off other "
            "bills; the financial institution returns the balance of {balance} to the patient."),
            outcome.to_credit_fen, outcome))
    if outcome.to_channel_fen:
        lines.append(translate("RefundJourney", "{channel} goes back to the payment channel it was paid with.").format(
            channel=format_cny(outcome.to_channel_fen)))
    if outcome.fund_fen:
        lines.append(translate("RefundJourney", "{fund} goes back to the medical insurance fund.").format(
            fund=format_cny(outcome.fund_fen)))
    lines.append(translate("RefundJourney", "No cash is paid out at the desk for a credit-care bill."))
    if outcome.restored:
        lines.append(translate("RefundJourney", "Nothing is overdue any more: the credit service is active again."))
    if outcome.account is not None:
        lines.append(translate("RefundJourney", "Credit available now: {available}.").format(
            available=format_cny(outcome.account.available_fen)))
    lines.append(translate("RefundJourney", "Reference {reference}").format(reference=outcome.data["reference"]))
    note = print_note(outcome.print_error, translate("RefundJourney", "The refund receipt is printing."),
                      translate("RefundJourney", "The refund receipt could not be printed. The refund is complete."))
    return OutcomeText(translate("RefundJourney", "Refunded {amount}").format(amount=format_cny(outcome.amount_fen)),
                       "\n".join(lines), note)
