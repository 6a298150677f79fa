"""Repayment: what is owed, then "Repay all" in one tap (or the bills picked), paid with the
phone at a kiosk, or recorded by the cashier as cash or bank card at the desk.
Home(1) repay all(2) done(3).

Other journeys send a patient here with ``ctx.journeys["repay"].begin(session)`` (pay,
register, query, close): it needs nothing but the identified session.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kiosk.domain.clock import business_date, last_payable_day
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text, who_text
from kiosk.ui.journey import Journey
from kiosk.ui.messages import message_for
from kiosk.ui.outcome import OutcomeText

translate = QCoreApplication.translate


def kind_text(kind: str) -> str:
    return {"registration": translate("Repay", "Registration"), "outpatient": translate("Repay", "Outpatient"),
            "inpatient": translate("Repay", "Inpatient")}.get(kind, kind)


def status_text(bill) -> str:
    """In words, with a sign: colour is never the only cue."""
    if bill.overdue:
        return "⚠ " + translate("Repay", "Overdue")
    if bill.status == "disputed":
        return translate("Repay", "Disputed")
    return translate("Repay", "Due")


class RepayScreen(Screen):
    name = "repay"
    debt_chosen = Signal(int)
    repay_requested = Signal(str)  # payment_channel | cash | bank_card
    back_requested = Signal()

    def __init__(self, desk_mode: bool, parent=None):
        super().__init__(parent)
        self.desk_mode = desk_mode
        self.session = None
        self.debts: tuple = ()
        self.current = 0
        self.selected: set[str] = set()
        self.refusal: str | None = None
        self._loading = False
        self._busy = False

        self.title = heading(self)
        self.who = body_text(self, "who")
        self.selector = QHBoxLayout()
        self.debt_buttons: list[QPushButton] = []
        self.line = body_text(self)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("bills")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setDefaultSectionSize(52)
        self.table.cellClicked.connect(self._toggle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.total = body_text(self, "who")
        self.hint = body_text(self)
        self.notice = body_text(self, "error")
        self.status = body_text(self, "status")
        self.pay_button = big_button(self, "primary")
        self.pay_button.clicked.connect(lambda: self._repay("payment_channel"))
        self.cash_button = big_button(self, "primary")
        self.cash_button.clicked.connect(lambda: self._repay("cash"))
        self.card_button = big_button(self, "primary")
        self.card_button.clicked.connect(lambda: self._repay("bank_card"))
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addLayout(self.selector)
        layout.addWidget(self.line)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        layout.addWidget(self.hint)
        layout.addWidget(self.notice)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addWidget(self.back_button, 1)
        row.addWidget(self.pay_button, 2)
        row.addWidget(self.cash_button, 1)
        row.addWidget(self.card_button, 1)
        layout.addLayout(row)
        self.retranslate()

    # -- data ------------------------------------------------------------------------------
    def show_loading(self, session) -> None:
        self.session, self.debts, self.refusal, self._loading, self._busy = session, (), None, True, False
        self._rebuild()

    def show_debts(self, session, debts, refusal: str | None = None) -> None:
        self.session, self.debts, self.refusal, self._loading, self._busy = session, tuple(debts), refusal, False, False
        # The first account with something owed (a patient who owes nothing but repays for a
        # parent lands on the parent's bills).
        self.current = next((i for i, d in enumerate(self.debts) if d.bills), 0)
        self._select_all()
        self._rebuild()

    def choose(self, index: int) -> None:
        if 0 <= index < len(self.debts):
            self.current = index
            self._select_all()
            self._rebuild()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.retranslate()

    @property
    def debt(self):
        return self.debts[self.current] if self.current < len(self.debts) else None

    @property
    def chosen_bills(self) -> tuple:
        debt = self.debt
        return tuple(b for b in debt.bills if b.bill_id in self.selected) if debt else ()

    @property
    def amount_fen(self) -> int:
        return sum(b.outstanding_fen for b in self.chosen_bills)

    @property
    def all_chosen(self) -> bool:
        debt = self.debt
        return debt is not None and len(self.chosen_bills) == len(debt.bills)

    def _select_all(self) -> None:
        debt = self.debt
        self.selected = {b.bill_id for b in debt.bills} if debt else set()

    def _toggle(self, row: int, _column: int) -> None:
        debt = self.debt
        if debt is None or self._busy or not 0 <= row < len(debt.bills):
            return
        bill_id = debt.bills[row].bill_id
        self.selected ^= {bill_id}
        self.retranslate()

    def _repay(self, channel: str) -> None:
        if not self._busy and self.amount_fen > 0:
            self.repay_requested.emit(channel)

    def clear(self) -> None:
        self.session, self.debts, self.current, self.selected = None, (), 0, set()
        self.refusal, self._loading, self._busy = None, False, False
        self._rebuild()

    def _rebuild(self) -> None:
        for button in self.debt_buttons:
            button.hide()
            button.deleteLater()
        self.debt_buttons = []
        if len(self.debts) > 1:
            for index, _ in enumerate(self.debts):
                button = big_button(self, "secondary")
                button.setCheckable(True)
                button.clicked.connect(lambda _=False, i=index: self.debt_chosen.emit(i))
                self.selector.addWidget(button)
                button.show()  # a layout would show it only later (queued)
                self.debt_buttons.append(button)
        debt = self.debt
        bills = debt.bills if debt else ()
        self.table.clearContents()
        self.table.setRowCount(len(bills))
        self.retranslate()

    # -- words -----------------------------------------------------------------------------
    def _debt_label(self, debt) -> str:
        if debt.relation == "parent":
            return self.tr("My parent {name}").format(name=debt.masked_name)
        return self.tr("Me")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Repay"))
        s, debt = self.session, self.debt
        self.who.setText(who_text(s.patient if s else None))
        for index, (button, d) in enumerate(zip(self.debt_buttons, self.debts)):
            mark = "✓ " if index == self.current else ""  # not by colour alone
            set_button_text(button, mark + self._debt_label(d) + "  " + format_cny(d.total_fen))
            button.setChecked(index == self.current)
        if debt is None:
            self.line.setText("")
        else:
            a = debt.account
            text = self.tr("Credit line {line} · used {used} · available {available}").format(
                line=format_cny(a.line_fen), used=format_cny(a.used_fen), available=format_cny(a.available_fen))
            if a.status == "suspended":
                text = "⚠ " + self.tr("Credit service suspended until the overdue bills are repaid.") + "\n" + text
            self.line.setText(text)
        self.table.setAccessibleName(self.tr("Bills to repay: tap a bill to leave it out or put it back"))
        self.table.setHorizontalHeaderLabels(
            ["✓", self.tr("Bill"), self.tr("Due by"), self.tr("Status"), self.tr("To repay")])
        for row, bill in enumerate(debt.bills if debt else ()):
            cells = [
                "☑" if bill.bill_id in self.selected else "☐",
                f"{kind_text(bill.kind)} · {business_date(bill.created_at).isoformat()} · {bill.reference}",
                last_payable_day(bill.due_at).isoformat() if bill.due_at else "—",
                status_text(bill),
                format_cny(bill.outstanding_fen),
            ]
            for column, text in enumerate(cells):
                item = self.table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    if column == 4:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.table.setItem(row, column, item)
                item.setText(text)
        owed = debt.total_fen if debt else 0
        if debt is not None and owed:
            total = self.tr("Total owed {total}").format(total=format_cny(owed))
            if debt.overdue_fen:
                total += "  " + self.tr("(overdue {overdue})").format(overdue=format_cny(debt.overdue_fen))
            self.total.setText(total)
        else:
            self.total.setText("")
        if debt is not None and not owed:
            hint = self.tr("You owe nothing. Thank you.")
        elif debt is not None and len(debt.bills) > 1:
            hint = self.tr("Tap a bill to leave it out or put it back.")
        else:
            hint = ""
        set_optional_text(self.hint, hint)
        set_optional_text(self.notice, "⚠ " + message_for(self.refusal) if self.refusal else "")
        set_optional_text(self.status, self.tr("Loading, please wait…") if self._loading else
                          self.tr("Recording the repayment, please wait…") if self._busy else "")
        amount = format_cny(self.amount_fen)
        can = self.amount_fen > 0 and not self._busy
        set_button_text(self.pay_button, self.tr("Repay all {amount}").format(amount=amount) if self.all_chosen
                        else self.tr("Repay selected {amount}").format(amount=amount))
        set_button_text(self.cash_button, self.tr("Cash {amount}").format(amount=amount))
        set_button_text(self.card_button, self.tr("Bank card {amount}").format(amount=amount))
        has_bills = debt is not None and bool(debt.bills)
        self.pay_button.setVisible(has_bills and not self.desk_mode)
        self.cash_button.setVisible(has_bills and self.desk_mode)
        self.card_button.setVisible(has_bills and self.desk_mode)
        for button in (self.pay_button, self.cash_button, self.card_button):
            button.setEnabled(can)
        set_button_text(self.back_button, self.tr("Back to start"))
        self.back_button.setEnabled(not self._busy)


class RepayJourney(Journey):
    key = "repay"
    repaid = Signal(object)  # RepayOutcome, for the tour and for tests

    def __init__(self, ctx):
        super().__init__(ctx)
        self.session = None
        self.screen: RepayScreen = ctx.window.add_screen(RepayScreen(desk_mode=ctx.desk))
        self.screen.back_requested.connect(ctx.window.go_home)
        self.screen.debt_chosen.connect(self.screen.choose)
        self.screen.repay_requested.connect(self.repay)
        ctx.window.cleared.connect(self.forget)

    def title(self) -> str:
        return translate("RepayJourney", "Repay")

    def forget(self) -> None:
        self.session = None

    def begin(self, session) -> None:
        from kiosk.usecases.repayment import debts

        self.session = session
        self.screen.show_loading(session)
        self.ctx.window.show_screen(RepayScreen.name)
        patient_id = session.patient.patient_id
        self.ctx.run(lambda: debts(self.ctx.services.overview(patient_id), session.patient.masked_name),
                     lambda found: self._loaded(session, found))

    def _loaded(self, session, found) -> None:
        if session is not self.session:
            return
        self.screen.show_debts(session, found, None if found else "no_credit_service")

    def repay(self, channel: str) -> None:
        session, debt = self.session, self.screen.debt
        amount = self.screen.amount_fen
        bill_ids = None if self.screen.all_chosen else tuple(b.bill_id for b in self.screen.chosen_bills)
        if debt is None or amount <= 0:
            return
        if channel == "payment_channel":
            self.ctx.payments.request(session.patient.patient_id, amount, "repayment",
                                      lambda payment_id: self._record(session, debt, amount, bill_ids, channel,
                                                                      payment_id),
                                      lambda: self.ctx.window.show_screen(RepayScreen.name))
        else:
            self._record(session, debt, amount, bill_ids, channel, None)

    def _record(self, session, debt, amount, bill_ids, channel, payment_id) -> None:
        # The logged-in cashier (the terminal's id when operator login is off).
        operator_id = self.ctx.services.desk.operator_id if channel != "payment_channel" else None
        self.screen.set_busy(True)
        self.ctx.run(lambda: self.ctx.services.repay(session, debt, amount, channel, bill_ids=bill_ids,
                                                     payment_id=payment_id, operator_id=operator_id),
                     self._repaid, self._failed)

    def _failed(self, error) -> None:
        self.screen.set_busy(False)
        self.ctx.fail(error)

    def _repaid(self, outcome) -> None:
        self.repaid.emit(outcome)
        self.ctx.window.outcome.show_text(lambda: repayment_text(outcome))
        self.ctx.window.show_screen("outcome")


def repayment_text(outcome) -> OutcomeText:
    if outcome.pending:
        return OutcomeText(
            translate("RepayJourney", "Waiting for the hospital system"),
            translate("RepayJourney", "The hospital system did not confirm in time. Your repayment of {amount} is "
                      "kept safely and will be completed automatically; it will never be charged twice.").format(
                amount=format_cny(outcome.amount_fen)),
            translate("RepayJourney", "Please ask the cashier window for a receipt."))
    lines = [translate("RepayJourney", "{amount} repaid.").format(amount=format_cny(outcome.amount_fen))]
    a = outcome.account
    if outcome.reactivated:
        lines.append(translate("RepayJourney", "Your credit service is active again."))
    elif a is not None and a.status == "suspended":
        lines.append("⚠ " + translate("RepayJourney", "Your credit service stays suspended until every overdue "
                                      "bill is repaid."))
    if outcome.dishonest_cleared:
        lines.append(translate("RepayJourney", "Real-time medical insurance settlement is available to you again."))
    if a is not None:
        lines.append(translate("RepayJourney", "Credit available now: {available}.").format(
            available=format_cny(a.available_fen)))
        if a.used_fen:
            lines.append(translate("RepayJourney", "Still to repay: {used}.").format(used=format_cny(a.used_fen)))
    lines.append(translate("RepayJourney", "Reference {reference}").format(reference=outcome.data["reference"]))
    return OutcomeText(translate("RepayJourney", "Repaid"), "\n".join(lines), receipt_note(outcome.print_error))


def receipt_note(print_error: str | None) -> str:
    if print_error is None:
        return translate("RepayJourney", "Your receipt is printing. Please take it.")
    return "⚠ " + translate("RepayJourney", "The receipt could not be printed. Your repayment is complete; "
                            "please ask the cashier window for a copy.")
