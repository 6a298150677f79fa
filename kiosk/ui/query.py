"""Account query: the patient's account and bills, then each linked child's and parent's.

Xiamen art. 28: a user may query their own, their children's and their parents'
accounts, lines and amounts due. From here the patient can repay, dispute a
bill, or take on repayment for a parent (art. 24(5)).
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QPushButton, QTableWidget

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_problem, who_text
from kiosk.ui.journey import Journey, error_code
from kiosk.ui.kit import back_button, centred, metrics, primary_button, secondary_button
from kiosk.ui.widgets import ScrollColumn, bill_kind_text, bill_status_text, read_only, set_row

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

ROW_HEIGHT = metrics().table_row


# -- words for states (colour is never the only cue) ------------------------------------
def account_status_text(status: str) -> str:
    return {
        "active": translate("CreditWords", "active"),
        "suspended": "⚠ " + translate("CreditWords", "suspended"),
        "closed": translate("CreditWords", "closed"),
    }.get(status, status)


def relation_text(relation: str) -> str:
    return {
        "child": translate("CreditWords", "Child"),
        "parent": translate("CreditWords", "Parent"),
        "guardian": translate("CreditWords", "Guardian"),
    }.get(relation, relation)


def grade_text(grade: str) -> str:
    meaning = {
        "A": translate("CreditWords", "excellent (优秀)"),
        "B": translate("CreditWords", "good (良好)"),
        "C": translate("CreditWords", "fair (中等)"),
        "D": translate("CreditWords", "poor (较差)"),
        "E": translate("CreditWords", "very poor (极差)"),
    }[grade]
    return translate("CreditWords", "Medical-insurance credit grade: {grade} — {meaning}").format(
        grade=grade, meaning=meaning)


def account_text(account) -> str:
    if account is None:
        return translate("CreditWords", "Credit service not opened")
    text = translate("CreditWords",
                     "Credit line {line} · used {used} · available {available} · status: {status}").format(
        line=format_cny(account.line_fen), used=format_cny(account.used_fen),
        available=format_cny(account.available_fen), status=account_status_text(account.status))
    if account.overdue_fen:
        text += "\n⚠ " + translate("CreditWords", "Overdue: {amount}").format(amount=format_cny(account.overdue_fen))
    return text


class BillTable(QTableWidget):
    """All of one person's bills; as tall as its rows (the screen scrolls, not the table)."""

    COLUMNS = 6

    def __init__(self, bills, parent=None):
        super().__init__(len(bills), self.COLUMNS, parent)
        self.bills = tuple(bills)
        self.row_height = metrics().table_row
        read_only(self, "bills", row=self.row_height, stretch=(0,))
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(False)
        self.render()

    def render(self) -> None:
        self.setHorizontalHeaderLabels([
            translate("CreditWords", "Reference"), translate("CreditWords", "Kind"),
            translate("CreditWords", "Amount"), translate("CreditWords", "Outstanding"),
            translate("CreditWords", "Pay by"), translate("CreditWords", "Status")])
        for row, b in enumerate(self.bills):
            pay_by = b.last_payable_day.isoformat() if b.last_payable_day and b.status != "paid" else "—"
            set_row(self, row, (b.reference, bill_kind_text(b.kind), format_cny(b.amount_fen),
                                format_cny(b.outstanding_fen), pay_by, bill_status_text(b)), right=(2, 3))
        height = (self.horizontalHeader().sizeHint().height() + self.row_height * len(self.bills)
                  + 2 * self.frameWidth())
        self.setFixedHeight(height + 4)


class AccountScreen(Screen):
    name = "credit_account"
    done_requested = Signal()
    repay_requested = Signal()
    dispute_requested = Signal()
    add_parent_requested = Signal()
    take_on_requested = Signal(object)  # Relation: a parent the platform lists, nobody repaying yet

    #: ``notice``: words above the account (a callable: rendered again on a language change)
    DATA = {"patient": None, "overview": None, "notice": None, "can_repay": False, "can_dispute": False,
            "can_add_parent": False}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.take_on_buttons: list[QPushButton] = []
        self.scroll = ScrollColumn(self, always=True)
        self.scroll.setObjectName("accountScroll")
        self.content, self.sections = self.scroll.content, self.scroll.column
        self.done_button = back_button(self, self.done_requested)
        self.repay_button = primary_button(self, self.repay_requested)
        self.dispute_button = secondary_button(self, self.dispute_requested)
        self.add_parent_button = secondary_button(self, self.add_parent_requested)
        # two rows of buttons: the labels stay whole at large type
        self.page("who", "status", (self.scroll, 1), density="dense", scroll=False,
                  buttons=[[self.add_parent_button, self.dispute_button], [self.done_button, (self.repay_button, 1)]])
        self.retranslate()

    def show_overview(self, patient, overview, *, can_repay: bool, can_dispute: bool,
                      can_add_parent: bool, notice: Callable[[], str] | None = None) -> None:
        self.show_items(patient=patient, overview=overview, notice=notice, can_repay=can_repay,
                        can_dispute=can_dispute, can_add_parent=can_add_parent)
        self.scroll.verticalScrollBar().setValue(0)

    # -- rendering ------------------------------------------------------------------------------
    def _person(self, title: str, person, grade: str | None = None, bills=None, account_line: str = "") -> None:
        self.scroll.label(title, "who")
        if grade:
            self.scroll.label(grade_text(grade), "amount")
        self.scroll.label(account_line or account_text(person.account))
        bills = person.bills if bills is None else bills
        if bills:
            self.scroll.add(BillTable(bills, self.content))
        else:
            self.scroll.label(translate("CreditWords", "No bills."), "status")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Your credit account"))
        set_button_text(self.done_button, self.tr("Done"))
        set_button_text(self.repay_button, self.tr("Repay"))
        set_button_text(self.dispute_button, self.tr("Dispute a bill"))
        set_button_text(self.add_parent_button, self.tr("Add a parent I repay for"))
        self.who.setText(who_text(self.patient))
        self.say_status(loading=self.tr("Loading your account, please wait…"),
                        empty=self.notice() if self.notice else "", nothing=True)
        self.take_on_buttons = []
        self.scroll.empty()
        o = self.overview
        self.repay_button.setVisible(bool(o) and self.can_repay and o.owed_fen > 0)
        self.dispute_button.setVisible(bool(o) and self.can_dispute and any(b.disputable for b in o.own.bills))
        self.add_parent_button.setVisible(bool(o) and self.can_add_parent)
        if o is None:
            return
        own_account = o.own.account.account_id if o.own.account else None
        # A guardian's account also holds the linked children's bills: those are listed under each child.
        on_my_line = {p.patient_id for p in o.linked if p.account and p.account.account_id == own_account}
        own_bills = tuple(b for b in o.own.bills if b.patient_id not in on_my_line)
        own_line = ""
        if self.patient is not None and self.patient.is_minor and o.own.account is not None:
            own_line = self.tr("You use your guardian's credit line: available {available}.").format(
                available=format_cny(o.own.account.available_fen))
        self._person(self.tr("Your account"), o.own, o.insurance_credit_grade, own_bills, own_line)
        for person in o.linked:
            title = self.tr("{relation}: {name}").format(relation=relation_text(person.relation),
                                                        name=person.masked_name)
            line = ""
            if person.patient_id in on_my_line:
                line = self.tr("Uses your credit line; you repay these bills.")
            self._person(title, person, account_line=line)
        for relation in o.parents_to_take_on:
            self.scroll.label(self.tr("{relation}: {name}").format(relation=relation_text("parent"),
                                                                   name=relation.masked_name), "who")
            self.scroll.label(self.tr("Registered by the hospital as your parent. You may take on repayment of "
                                      "their credit bills."))
            button = secondary_button(self.content, lambda _=False, r=relation: self.take_on_requested.emit(r))
            set_button_text(button, self.tr("Take on repayment for {name}").format(name=relation.masked_name))
            self.take_on_buttons.append(self.scroll.add(button))
        self.sections.addStretch(1)


class ParentScreen(Screen):
    """Taking on repayment for a parent, who must consent: first who must come (their card),
    or for a parent the hospital lists, how they consent — their own card here, or the code
    the platform sends to their phone, typed on the keypad; then confirm.

    Modes: ``explain`` (an unlisted parent: their card next), ``consent`` (a listed parent:
    card or code), ``code`` (the code was sent: type it), ``confirm`` (the parent's card was
    read here)."""

    name = "credit_parent"
    continue_requested = Signal()  # the parent's card, next
    code_requested = Signal()  # send the code to the parent's phone on file
    confirm_requested = Signal(str)  # "" (the parent's card was read) or the code typed
    back_requested = Signal()
    training_code_requested = Signal()  # training: the demo phone's code

    DATA = {"payer": None, "parent_name": "", "parent_id_masked": "", "mode": "explain", "sent_to": ""}

    def __init__(self, training: bool = False, parent=None):
        super().__init__(parent)
        from kiosk.ui.keypad import Keypad

        self.training = training
        self.keypad = Keypad(6, self)
        self.clear_with(self.keypad)
        self.keypad.setObjectName("consentCode")
        self.keypad.submitted.connect(lambda _text: self._confirm())
        self.keypad.changed.connect(self._typed)
        self.continue_button = primary_button(self, self.continue_requested)
        self.code_button = secondary_button(self, self.code_requested)
        self.confirm_button = primary_button(self, self._confirm)
        self.back_button = back_button(self, self.back_requested)
        self.training_button = secondary_button(self, self.training_code_requested)
        self.training_button.setObjectName("trainingCode")
        self.page(1, "explanation", centred(self.keypad, 3), self.training_button, "error_text:error", "status", 1,
                  density="narrow", centred=True,
                  buttons=[self.back_button, (self.code_button, 2), self.continue_button, self.confirm_button])
        self.retranslate()

    @property
    def confirming(self) -> bool:
        return self.mode in ("confirm", "code")

    def _show(self, mode: str, payer, masked_name: str = "", masked_id: str = "") -> None:
        self.keypad.clear()
        self.show_items(mode=mode, payer=payer, parent_name=masked_name, parent_id_masked=masked_id, sent_to="")

    def show_explanation(self, payer) -> None:
        self._show("explain", payer)

    def show_consent(self, payer, masked_name: str) -> None:
        """A parent the hospital lists: how do they consent?"""
        self._show("consent", payer, masked_name)

    def show_parent(self, payer, masked_name: str, masked_id: str = "") -> None:
        """The parent's own card was read here: their consent. Confirm."""
        self._show("confirm", payer, masked_name, masked_id)

    def show_code(self, sent_to: str) -> None:
        """The code is on its way to the parent's phone: type it."""
        self.keypad.clear()
        self.show_items(mode="code", sent_to=sent_to)
        self.keypad.setFocus()

    def show_error(self, code: str) -> None:
        if code in ("consent_code_invalid", "consent_code_expired"):
            self.keypad.clear()  # (before the message: a change of the digits clears it)
        super().show_error(code)

    def fill_code(self, code: str) -> None:
        """Training: the demo phone's code, typed in for the trainee."""
        self.keypad.set_text(code)
        self.retranslate()

    def _typed(self, _text: str) -> None:
        if self.error_code:
            self.set_state(error_code=None)

    def _confirm(self) -> None:
        if self.busy:
            return
        if self.mode == "confirm":
            self.confirm_requested.emit("")
        elif self.mode == "code" and len(self.keypad.text()) == 6:
            self.confirm_requested.emit(self.keypad.text())

    def retranslate(self) -> None:
        self.title.setText(self.tr("Take on repayment for a parent"))
        parent = self.parent_name
        if self.parent_id_masked:
            parent = self.tr("{name} (ID {masked_id})").format(name=parent, masked_id=self.parent_id_masked)
        if self.mode == "confirm":
            text = self.tr("You will repay the credit bills of your parent {parent}. Their bills will appear in your "
                           "account query, and you can repay them here.").format(parent=parent)
        elif self.mode == "consent":
            text = self.tr("Your parent {parent} must agree. Ask them to place their own ID card on the reader, or "
                           "send a code to their mobile phone on file and type the code they received.").format(
                parent=parent)
        elif self.mode == "code":
            text = self.tr("A code was sent to your parent's phone {phone}. Type the 6 digits they received, then "
                           "confirm: you will repay the credit bills of {parent}.").format(phone=self.sent_to,
                                                                                         parent=parent)
        else:
            text = self.tr("Adult children may take on repayment of their parents' credit bills.\n\nTap Continue, "
                           "then ask your parent to place their own ID card on the reader.")
        self.explanation.setText(text)
        set_button_text(self.continue_button, self.tr("Continue") if self.mode == "explain"
                        else self.tr("Parent: place your ID card"))
        set_button_text(self.code_button, self.tr("Send a code to their phone"))
        set_button_text(self.confirm_button, self.tr("Confirm: I repay for this parent"))
        set_button_text(self.back_button, self.tr("Back"))
        set_button_text(self.training_button, self.tr("Training: type the code from the demo phone"))
        self.training_button.setVisible(self.training and self.mode == "code")
        self.continue_button.setVisible(self.mode in ("explain", "consent"))
        self.code_button.setVisible(self.mode == "consent" or (self.mode == "code" and
                                                               self.error_code == "consent_code_expired"))
        self.confirm_button.setVisible(self.mode in ("confirm", "code"))
        self.keypad.setVisible(self.mode == "code")
        for widget in (self.continue_button, self.code_button, self.confirm_button, self.back_button, self.keypad,
                       self.training_button):
            widget.setEnabled(not self.busy)
        set_problem(self.error_text, self.error_code)
        self.say_status(self.tr("Saving, please wait…"))


class QueryJourney(Journey):
    key = "query"
    shown = Signal(object)  # Overview, for the tour and for tests
    HOLDS = {"overview": None, "parent_id": None}  # parent_id: the parent being linked

    def __init__(self, ctx):
        super().__init__(ctx)
        self.credit = ctx.services.credit
        self.screen: AccountScreen = self.add_screen(AccountScreen())
        self.parent_screen: ParentScreen = self.add_screen(ParentScreen(training=ctx.services.training),
                                                           back=self._back_to_account)
        self.screen.done_requested.connect(ctx.window.go_home)
        self.screen.repay_requested.connect(lambda: self._go_on("repay"))
        self.screen.dispute_requested.connect(lambda: self._go_on("dispute"))
        self.screen.add_parent_requested.connect(self._add_parent)
        self.screen.take_on_requested.connect(self._take_on)
        self.parent_screen.continue_requested.connect(lambda: self.identify_another(self._parent_identified))
        self.parent_screen.code_requested.connect(self._send_code)
        self.parent_screen.training_code_requested.connect(self._training_code)
        self.parent_screen.confirm_requested.connect(self._link_parent)

    def title(self) -> str:
        return translate("QueryJourney", "My credit account")

    def begin(self, session, notice: Callable[[], str] | None = None) -> None:
        self.session, self.overview, self.parent_id = session, None, None
        self.screen.show_loading(patient=session.patient)
        self.show(self.screen)
        patient_id = session.patient.patient_id
        number = session.patient.id_number
        self.ctx.run(lambda: self.credit.query(number, patient_id), lambda o: self._loaded(o, notice))

    def _loaded(self, overview, notice: Callable[[], str] | None) -> None:
        self.overview = overview
        adult = not self.session.patient.is_minor and overview.has_credit_service  # a payer needs their own
        self.screen.show_overview(self.session.patient, overview, can_repay=self.offers("repay"),
                                  can_dispute=self.offers("dispute"), can_add_parent=adult, notice=notice)
        self.shown.emit(overview)

    def _go_on(self, key: str) -> None:
        if self.session is not None and self.offers(key):
            self.hand_over(key, self.session)

    def _back_to_account(self) -> None:
        self.parent_id = None
        self.show(self.screen)

    # -- taking on repayment for a parent ---------------------------------------------------------
    def _add_parent(self) -> None:
        if self.session is None:
            return
        self.parent_id = None
        self.parent_screen.show_explanation(self.session.patient)
        self.show(self.parent_screen)

    def _parent_identified(self, parent_session) -> None:
        if self.session is None:
            return
        parent = parent_session.patient
        if parent.patient_id == self.session.patient.patient_id:
            self.problem("same_person")
            return
        if parent.is_minor:
            self.problem("parent_is_minor")
            return
        if self.parent_id is not None and parent.patient_id != self.parent_id:  # the listed parent was chosen
            self.problem("not_this_parent")
            return
        self.parent_id = parent.patient_id
        self.parent_screen.show_parent(self.session.patient, parent.masked_name, parent.masked_id)
        self.show(self.parent_screen)

    def _take_on(self, person) -> None:
        """A parent the hospital lists: they consent with their card here or a code by SMS."""
        if self.session is None:
            return
        self.parent_id = person.patient_id
        self.parent_screen.show_consent(self.session.patient, person.masked_name)
        self.show(self.parent_screen)

    def _send_code(self) -> None:
        if self.session is None or self.parent_id is None:
            return
        payer, parent = self.session.patient.patient_id, self.parent_id
        self.parent_screen.set_busy(True)
        self.ctx.run(lambda: self.credit.send_consent_code(payer, parent), self.parent_screen.show_code,
                     self._link_failed)

    def _training_code(self) -> None:
        parent = self.parent_id
        if parent is not None:
            self.ctx.run(lambda: self.credit.training_code(parent), self.parent_screen.fill_code)

    def _link_parent(self, code: str = "") -> None:
        if self.session is None or self.parent_id is None:
            return
        payer, parent = self.session.patient.patient_id, self.parent_id
        name = self.parent_screen.parent_name
        self.parent_screen.set_busy(True)
        self.ctx.run(lambda: self.credit.add_parent(payer, parent, code or None), lambda done: self._linked(done, name),
                     self._link_failed)

    def _linked(self, done: bool, masked_name: str) -> None:
        self.begin(self.session, lambda: linked_text(done, masked_name))

    def _link_failed(self, error) -> None:
        code = error_code(error)
        if code in ("consent_code_invalid", "consent_code_expired", "no_phone_on_file"):
            self.parent_screen.show_error(code)  # typed again, sent again, or the card instead: on the spot
            return
        self.failed(error)


def linked_text(done: bool, masked_name: str) -> str:
    if done:
        return "✓ " + translate("QueryJourney", "You now repay for {name}.").format(name=masked_name)
    return translate("QueryJourney", "The hospital system did not confirm yet; your request is kept and will be "
                     "completed automatically.")
