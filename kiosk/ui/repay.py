"""Repayment: what is owed, then "Repay all" in one tap (or the bills picked), paid with the
phone at a kiosk, or recorded by the cashier as cash or bank card at the desk, after one
confirmation (the amount in figures and in words, and how it was paid: ``ui/confirm.py``).
Kiosk: home(1) repay all(2) done(3). Desk: home(1) cash or card(2) confirm(3) done(4); on the
keyboard F3, the ID typed, Enter; Enter (cash) or F6 (card); Enter; Enter.

Other journeys send a patient here with ``ctx.journeys["repay"].begin(session)`` (pay,
register, query, close): it needs nothing but the identified session.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from kiosk.domain.clock import business_date, last_payable_day
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_optional_text, set_problem, who_text
from kiosk.ui.confirm import confirm_screen
from kiosk.ui.journey import Journey
from kiosk.ui.keys import CHOICE_KEYS, give_key
from kiosk.ui.kit import back_button, make_button, metrics, primary_button, secondary_button
from kiosk.ui.outcome import OutcomeText, pending_text, print_note
from kiosk.ui.widgets import bill_kind_text, item_table, set_row

translate = QCoreApplication.translate


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

    DATA = {"session": None, "debts": (), "current": 0, "selected": set(), "refusal": None}

    def __init__(self, desk_mode: bool, parent=None):
        super().__init__(parent)
        self.desk_mode = desk_mode
        self.selector = QHBoxLayout()
        self.debt_buttons: list[QPushButton] = []
        self.table = item_table(self, 5, "bills", row=metrics().tap_row, stretch=(1,))
        self.table.cellClicked.connect(self._toggle)
        self.pay_button = primary_button(self, lambda: self._repay("payment_channel"))
        self.cash_button = primary_button(self, lambda: self._repay("cash"))  # Enter at the desk
        self.card_button = make_button(self, "primary", lambda: self._repay("bank_card"))
        if desk_mode:
            give_key(self.cash_button, CHOICE_KEYS[0])
            give_key(self.card_button, CHOICE_KEYS[1])
        self.back_button = back_button(self, self.back_requested)
        self.page("who", self.selector, "line", (self.table, 1), "total:who", "hint", "notice", "status",
                  buttons=[self.back_button, self.pay_button, (self.cash_button, 1), (self.card_button, 1)])
        self.render()

    # -- data ------------------------------------------------------------------------------
    def show_debts(self, session, debts, refusal: str | None = None) -> None:
        debts = tuple(debts)
        # The first account with something owed (a patient who owes nothing but repays for a
        # parent lands on the parent's bills).
        current = next((i for i, d in enumerate(debts) if d.bills), 0)
        self.show_items(session=session, debts=debts, refusal=refusal, current=current,
                        selected=self._all_of(debts, current))

    def choose(self, index: int) -> None:
        if 0 <= index < len(self.debts):
            self.set_state(current=index, selected=self._all_of(self.debts, index))

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

    @staticmethod
    def _all_of(debts, index: int) -> set[str]:
        return {b.bill_id for b in debts[index].bills} if index < len(debts) else set()

    def _toggle(self, row: int, _column: int) -> None:
        debt = self.debt
        if debt is None or self.busy or not 0 <= row < len(debt.bills):
            return
        bill_id = debt.bills[row].bill_id
        self.selected ^= {bill_id}
        self.retranslate()

    def _repay(self, channel: str) -> None:
        if not self.busy and self.amount_fen > 0:
            self.repay_requested.emit(channel)

    def built_from(self):
        return self.debts, self.current

    def build(self) -> None:
        """A button per account when there are several (mine, a parent's), the rows of the one chosen."""
        for button in self.debt_buttons:
            button.hide()
            button.deleteLater()
        self.debt_buttons = []
        if len(self.debts) > 1:
            for index, _ in enumerate(self.debts):
                button = secondary_button(self, lambda _=False, i=index: self.debt_chosen.emit(i))
                button.setCheckable(True)
                self.selector.addWidget(button)
                button.show()  # a layout would show it only later (queued)
                self.debt_buttons.append(button)
        debt = self.debt
        bills = debt.bills if debt else ()
        self.table.clearContents()
        self.table.setRowCount(len(bills))

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
            set_row(self.table, row, [
                "☑" if bill.bill_id in self.selected else "☐",
                f"{bill_kind_text(bill.kind)} · {business_date(bill.created_at).isoformat()} · {bill.reference}",
                last_payable_day(bill.due_at).isoformat() if bill.due_at else "—",
                status_text(bill),
                format_cny(bill.outstanding_fen),
            ], right=(4,))
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
        set_problem(self.notice, self.refusal)
        self.say_status(self.tr("Recording the repayment, please wait…"))
        amount = format_cny(self.amount_fen)
        can = self.amount_fen > 0 and not self.busy
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
        self.back_button.setEnabled(not self.busy)


class RepayJourney(Journey):
    key = "repay"
    repaid = Signal(object)  # RepayOutcome, for the tour and for tests

    def __init__(self, ctx):
        super().__init__(ctx)
        self.screen: RepayScreen = self.add_screen(RepayScreen(desk_mode=ctx.desk))
        self.screen.debt_chosen.connect(self.screen.choose)
        self.screen.repay_requested.connect(self.repay)

    def title(self) -> str:
        return translate("RepayJourney", "Repay")

    def begin(self, session) -> None:
        from kiosk.usecases.repayment import debts

        self.session = session
        self.screen.show_loading(session=session)
        self.show(self.screen)
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
                                      lambda: self.show(self.screen))
        else:
            self._confirm(session, debt, amount, bill_ids, channel)

    def _confirm(self, session, debt, amount: int, bill_ids, channel: str) -> None:
        """The desk: the money taken at the window is recorded only after one confirmation."""
        def texts():
            money = format_cny(amount)
            how = (translate("RepayJourney", "Repayment of {amount} received in cash") if channel == "cash" else
                   translate("RepayJourney", "Repayment of {amount} paid by bank card")).format(amount=money)
            return (translate("RepayJourney", "Confirm the repayment"), how,
                    translate("RepayJourney", "Record {amount}").format(amount=money))

        confirm_screen(self.ctx.window).ask(
            amount, texts, lambda: self._record(session, debt, amount, bill_ids, channel, None),
            lambda: self.show(self.screen), session.patient)
        self.show("confirm")

    def _record(self, session, debt, amount, bill_ids, channel, payment_id) -> None:
        # The logged-in cashier (the terminal's id when operator login is off).
        operator_id = self.ctx.services.desk.operator_id if channel != "payment_channel" else None
        self.show(self.screen)
        self.screen.set_busy(True)
        self.ctx.run(lambda: self.ctx.services.repay(session, debt, amount, channel, bill_ids=bill_ids,
                                                     payment_id=payment_id, operator_id=operator_id),
                     self.finished(self.repaid, repayment_text), self.failed)


def repayment_text(outcome) -> OutcomeText:
    if outcome.pending:
        return pending_text(
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
    return print_note(print_error, translate("RepayJourney", "Your receipt is printing. Please take it."),
                      translate("RepayJourney", "The receipt could not be printed. Your repayment is complete; "
                                "please ask the cashier window for a copy."))
