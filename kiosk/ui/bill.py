"""The patient's masked identity, credit line and the visit's bill, to confirm.

What the screen says agrees with the buttons it shows: a suspended service with "Repay now" is told
to repay here (by phone at a kiosk, in cash or by card at the desk), without it at the cashier window;
a patient without the credit service is told why nothing goes on credit and offered to open it or to
pay in full now; no bill to pay is a calm state with "Done", not a problem above an empty table."""
from __future__ import annotations

from PySide6.QtCore import Signal

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_optional_text, set_problem, who_text
from kiosk.ui.kit import back_button, metrics, primary_button, secondary_button
from kiosk.ui.messages import OPEN_HERE, PAY_NOW, REPAY_DESK, REPAY_HERE, message_for
from kiosk.ui.widgets import Figures, item_table, set_rows


class BillScreen(Screen):
    """One or more unpaid visits, with how they will be paid: fund, credit line, on the spot."""

    name = "bill"
    confirm_requested = Signal()
    back_requested = Signal()
    repay_requested = Signal()
    open_requested = Signal()  # come of age, or no credit service: open (their own) credit service

    DATA = {"session": None, "visits": (), "split": None, "refusal": None, "can_repay": False, "can_open": False}

    def __init__(self, desk: bool = False, parent=None):
        super().__init__(parent)
        self.desk = desk  # the desk repays in cash or by card, a kiosk by phone
        m = metrics()
        self.table = item_table(self, 3, "items", stretch=(0,), fit=(1, 2))
        self.table.setMinimumHeight(m.table_least)
        self.clear_with(self.table)
        self.figures = Figures(self, 5)
        self.summary_labels, self.summary_values = self.figures.labels, self.figures.values
        self.confirm_button = primary_button(self, self._confirm)
        self.back_button = back_button(self, self.back_requested)
        self.repay_button = primary_button(self, self.repay_requested)
        self.open_button = secondary_button(self, self.open_requested)
        self.done_button = primary_button(self, self.back_requested)  # nothing to pay: home
        self.page("who", "line:line", "visit_label", (self.table, 1), self.figures, "why", "notice", "status",
                  buttons=[self.back_button, self.repay_button, (self.open_button, 2), self.confirm_button,
                           self.done_button])
        self.retranslate()

    def show_session(self, session, visits, split, refusal: str | None, can_repay: bool = False,
                     can_open: bool = False) -> None:
        """``refusal``: why the credit line cannot be used. ``guardian_line_ended`` (come of age)
        still lets the patient pay in full now (``split``: nothing on credit) or open their own
        service (``can_open``)."""
        set_rows(self.table, [(i.name, i.quantity, format_cny(i.amount_fen)) for v in visits for i in v.items],
                 right=(2,))
        self.show_items(session=session, visits=tuple(visits), split=split, refusal=refusal, can_repay=can_repay,
                        can_open=can_open)

    @property
    def payable(self) -> bool:
        """The bill can be paid from this screen: on credit, or in full now after coming of age."""
        return (self.refusal is None or self.refusal == "guardian_line_ended") and self.split is not None

    @property
    def nothing_to_pay(self) -> bool:
        return self.session is not None and not self.visits and self.refusal == "no_open_visits"

    @property
    def without_credit(self) -> bool:
        """No credit service: the bill is paid in full now, or after opening the service."""
        return self.session is not None and self.session.account is None and self.refusal is None

    def _problem_way(self) -> str | None:
        """The way on the buttons offer, for the words (they never send the patient elsewhere)."""
        if self.repay_button.isVisibleTo(self):
            return REPAY_DESK if self.desk else REPAY_HERE
        return None

    def _confirm(self) -> None:
        if not self.busy and self.payable and self.visits:
            self.confirm_requested.emit()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Your outpatient bill"))
        self.table.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Qty"), self.tr("Amount")])
        self.table.setAccessibleName(self.tr("Bill items"))
        set_button_text(self.back_button, self.tr("Back to start"))
        set_button_text(self.repay_button, self.tr("Repay now"))
        set_button_text(self.done_button, self.tr("Done"))
        s, split = self.session, self.split
        shortfall = split.shortfall_fen if split else 0
        set_button_text(self.open_button, self.tr("Open the credit service") if self.without_credit
                        else self.tr("Open my own credit service"))
        if self.refusal == "guardian_line_ended" or self.without_credit:
            confirm = self.tr("Pay in full now")
        elif shortfall:
            confirm = self.tr("Pay on credit and pay the rest now")
        else:
            confirm = self.tr("Pay on credit")
        set_button_text(self.confirm_button, confirm)
        self.figures.show_rows(())
        if s is None:
            for w in (self.who, self.line, self.visit_label):
                w.setText("")
            set_optional_text(self.notice, "")
            set_optional_text(self.why, "")
            set_optional_text(self.status, "")
            self.confirm_button.setEnabled(False)
            self.repay_button.hide()
            self.open_button.hide()
            self.done_button.hide()
            self.back_button.show()
            return
        who = who_text(s.patient)
        if s.patient.is_minor:
            who += "  " + self.tr("(minor: uses the guardian's credit line)")
        self.who.setText(who)
        a = s.account
        self.line.setText(
            self.tr("Credit line {line} · used {used} · available {available}").format(
                line=format_cny(a.line_fen), used=format_cny(a.used_fen), available=format_cny(a.available_fen))
            if a else self.tr("Credit service not opened")
        )
        self.visit_label.setText("\n".join(
            self.tr("{department} · Dr {doctor} · {date}").format(
                department=v.department, doctor=v.doctor, date=v.ended_at.strftime("%Y-%m-%d"))
            for v in self.visits))
        rows = []
        if self.visits:
            rows = [(self.tr("Total"), sum(v.total_fen for v in self.visits)),
                    (self.tr("Paid by medical insurance fund"), sum(v.fund_fen for v in self.visits)),
                    (self.tr("Your part"), sum(v.personal_fen for v in self.visits))]
        if split is not None:
            if not self.without_credit:  # no line: nothing can be booked on it, so no ￥0.00 "on credit"
                rows.append((self.tr("Booked on your credit line"), split.booked_fen))
            if shortfall:
                rows.append((self.tr("To pay now with your phone"), shortfall))
        self.figures.show_rows(rows)
        nothing = self.nothing_to_pay
        for widget in (self.table, self.visit_label, *self.figures.labels, *self.figures.values):
            widget.setVisible(bool(self.visits))  # no empty table
        self.confirm_button.setVisible(self.payable)
        self.confirm_button.setEnabled(self.payable and not self.busy)
        self.repay_button.setVisible(self.can_repay and self.refusal in ("account_suspended", "repay_first"))
        self.open_button.setVisible(self.can_open and (self.refusal == "guardian_line_ended" or self.without_credit))
        self.open_button.setEnabled(not self.busy)
        self.back_button.setEnabled(not self.busy)
        self.back_button.setVisible(not nothing)
        self.done_button.setVisible(nothing)  # nothing to pay: a calm "Done", not a problem
        if self.without_credit and self.visits:
            set_optional_text(self.why, message_for("no_credit_service",
                                                    OPEN_HERE if self.open_button.isVisibleTo(self) else PAY_NOW))
        else:
            set_optional_text(self.why, "")
        if nothing:
            set_problem(self.notice, None)
            self.say_status(nothing=True, empty=self.tr("You have no unpaid outpatient bills: there is nothing to "
                                                        "pay now. Tap Done to finish."))
        else:
            set_optional_text(self.notice, "⚠ " + message_for(self.refusal, self._problem_way()) if self.refusal
                              else "")
            self.say_status(self.tr("Settling, please wait…"))
