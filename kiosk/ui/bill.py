"""The patient's masked identity, credit line and the visit's bill, to confirm."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text, who_text
from kiosk.ui.messages import message_for


class BillScreen(Screen):
    """One or more unpaid visits, with how they will be paid: fund, credit line, on the spot."""

    name = "bill"
    confirm_requested = Signal()
    back_requested = Signal()
    repay_requested = Signal()
    open_requested = Signal()  # come of age: open their own credit service

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session = None
        self.visits: tuple = ()
        self.split = None
        self.refusal: str | None = None
        self._busy = False
        self._can_repay = False
        self._can_open = False

        self.title = heading(self)
        self.who = body_text(self, "who")
        self.line = body_text(self, "line")
        self.visit_label = body_text(self)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("items")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.setMinimumHeight(240)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        self.summary_labels = [body_text(self) for _ in range(5)]
        self.summary_values = [body_text(self, "amount") for _ in range(5)]
        self.notice = body_text(self, "error")
        self.status = body_text(self, "status")
        self.confirm_button = big_button(self, "primary")
        self.confirm_button.clicked.connect(self._confirm)
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        self.repay_button = big_button(self, "primary")
        self.repay_button.clicked.connect(self.repay_requested)
        self.open_button = big_button(self, "secondary")
        self.open_button.clicked.connect(self.open_requested)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addWidget(self.line)
        layout.addWidget(self.visit_label)
        layout.addWidget(self.table, 1)
        grid = QGridLayout()
        for row, (label, value) in enumerate(zip(self.summary_labels, self.summary_values)):
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
        layout.addLayout(grid)
        layout.addWidget(self.notice)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button, 1)
        buttons.addWidget(self.repay_button, 2)
        buttons.addWidget(self.open_button, 2)
        buttons.addWidget(self.confirm_button, 2)
        layout.addLayout(buttons)
        self.retranslate()

    def show_session(self, session, visits, split, refusal: str | None, can_repay: bool = False,
                     can_open: bool = False) -> None:
        """``refusal``: why the credit line cannot be used. ``guardian_line_ended`` (come of age)
        still lets the patient pay in full now (``split``: nothing on credit) or open their own
        service (``can_open``)."""
        self.session, self.visits, self.split, self.refusal = session, tuple(visits), split, refusal
        self._busy = False
        self._can_repay = can_repay
        self._can_open = can_open
        rows = [(i.name, i.quantity, i.amount_fen) for v in self.visits for i in v.items]
        self.table.setRowCount(len(rows))
        for row, (name, quantity, fen) in enumerate(rows):
            amount = QTableWidgetItem(format_cny(fen))
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, QTableWidgetItem(name))
            self.table.setItem(row, 1, QTableWidgetItem(quantity))
            self.table.setItem(row, 2, amount)
        self.retranslate()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.retranslate()

    @property
    def payable(self) -> bool:
        """The bill can be paid from this screen: on credit, or in full now after coming of age."""
        return (self.refusal is None or self.refusal == "guardian_line_ended") and self.split is not None

    def _confirm(self) -> None:
        if not self._busy and self.payable and self.visits:
            self.confirm_requested.emit()

    def clear(self) -> None:
        self.session, self.visits, self.split, self.refusal = None, (), None, None
        self._busy = False
        self._can_repay = False
        self._can_open = False
        self.table.clearContents()
        self.table.setRowCount(0)
        self.retranslate()

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
        for w in (*self.summary_labels, *self.summary_values):
            w.setText("")
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
        for (text, fen), label, value in zip(rows, self.summary_labels, self.summary_values):
            label.setText(text)
            value.setText(format_cny(fen))
        set_optional_text(self.notice, "⚠ " + message_for(self.refusal) if self.refusal else "")
        set_optional_text(self.status, self.tr("Settling, please wait…") if self._busy else "")
        self.confirm_button.setVisible(self.payable)
        self.confirm_button.setEnabled(self.payable and not self._busy)
        self.repay_button.setVisible(self._can_repay and self.refusal in ("account_suspended", "repay_first"))
        self.open_button.setVisible(self._can_open and self.refusal == "guardian_line_ended")
        self.open_button.setEnabled(not self._busy)
        self.back_button.setEnabled(not self._busy)
