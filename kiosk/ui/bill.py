"""The patient's masked identity, credit line and the visit's bill, to confirm."""
from __future__ import annotations

from PySide6.QtCore import Signal

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_optional_text, set_problem, who_text
from kiosk.ui.kit import back_button, metrics, primary_button, secondary_button
from kiosk.ui.widgets import Figures, item_table, set_rows


class BillScreen(Screen):
    """One or more unpaid visits, with how they will be paid: fund, credit line, on the spot."""

    name = "bill"
    confirm_requested = Signal()
    back_requested = Signal()
    repay_requested = Signal()
    open_requested = Signal()  # come of age: open their own credit service

    DATA = {"session": None, "visits": (), "split": None, "refusal": None, "can_repay": False, "can_open": False}

    def __init__(self, parent=None):
        super().__init__(parent)
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
        self.page("who", "line:line", "visit_label", (self.table, 1), self.figures, "notice", "status",
                  buttons=[self.back_button, self.repay_button, (self.open_button, 2), self.confirm_button])
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

    def _confirm(self) -> None:
        if not self.busy and self.payable and self.visits:
            self.confirm_requested.emit()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Your outpatient bill"))
        self.table.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Qty"), self.tr("Amount")])
        self.table.setAccessibleName(self.tr("Bill items"))
        set_button_text(self.back_button, self.tr("Back to start"))
        set_button_text(self.repay_button, self.tr("Repay now"))
        set_button_text(self.open_button, self.tr("Open my own credit service"))
        s, split = self.session, self.split
        shortfall = split.shortfall_fen if split else 0
        if self.refusal == "guardian_line_ended":
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
            set_optional_text(self.status, "")
            self.confirm_button.setEnabled(False)
            self.repay_button.hide()
            self.open_button.hide()
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
            rows.append((self.tr("Booked on your credit line"), split.booked_fen))
            if shortfall:
                rows.append((self.tr("To pay now with your phone"), shortfall))
        self.figures.show_rows(rows)
        set_problem(self.notice, self.refusal)
        self.say_status(self.tr("Settling, please wait…"))
        self.confirm_button.setVisible(self.payable)
        self.confirm_button.setEnabled(self.payable and not self.busy)
        self.repay_button.setVisible(self.can_repay and self.refusal in ("account_suspended", "repay_first"))
        self.open_button.setVisible(self.can_open and self.refusal == "guardian_line_ended")
        self.open_button.setEnabled(not self.busy)
        self.back_button.setEnabled(not self.busy)
