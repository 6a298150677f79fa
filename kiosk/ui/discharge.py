"""Credit discharge: the stay's charges, the split, a confirmation tap (the amount in figures and
in words: ``ui/confirm.py``), then the receipt and the A4 statement."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kiosk.domain.clock import business_date, last_payable_day
from kiosk.domain.money import format_cny
from kiosk.domain.settlement import CannotUseCredit
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text, who_text
from kiosk.ui.confirm import confirm_screen
from kiosk.ui.journey import Journey
from kiosk.ui.messages import message_for
from kiosk.ui.outcome import OutcomeText

translate = QCoreApplication.translate


class DischargeScreen(Screen):
    name = "discharge"
    confirm_requested = Signal()
    back_requested = Signal()
    repay_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session = self.stay = self.split = None
        self.refusal: str | None = None
        self._busy = False
        self._can_repay = False
        self.title = heading(self)
        self.who = body_text(self, "who")
        self.stay_label = body_text(self)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("items")
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.labels = [body_text(self) for _ in range(6)]
        self.values = [body_text(self, "amount") for _ in range(6)]
        self.notice = body_text(self, "error")
        self.status = body_text(self, "status")
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        self.repay_button = big_button(self, "primary")
        self.repay_button.clicked.connect(self.repay_requested)
        self.confirm_button = big_button(self, "primary")
        self.confirm_button.clicked.connect(self._confirm)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.setSpacing(12)
        for widget in (self.title, self.who, self.stay_label):
            layout.addWidget(widget)
        layout.addWidget(self.table, 1)
        grid = QGridLayout()
        for row, (label, value) in enumerate(zip(self.labels, self.values)):
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, row // 2, (row % 2) * 2)
            grid.addWidget(value, row // 2, (row % 2) * 2 + 1)
        layout.addLayout(grid)
        layout.addWidget(self.notice)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button, 1)
        buttons.addWidget(self.repay_button, 2)
        buttons.addWidget(self.confirm_button, 2)
        layout.addLayout(buttons)
        self.retranslate()

    def show_stay(self, session, stay, split, refusal: str | None, can_repay: bool) -> None:
        self.session, self.stay, self.split, self.refusal = session, stay, split, refusal
        self._busy, self._can_repay = False, can_repay
        items = stay.items if stay else ()
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            amount = QTableWidgetItem(format_cny(item.amount_fen))
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, QTableWidgetItem(item.day.isoformat()))
            self.table.setItem(row, 1, QTableWidgetItem(item.name))
            self.table.setItem(row, 2, QTableWidgetItem(item.quantity))
            self.table.setItem(row, 3, amount)
        self.retranslate()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.retranslate()

    def _confirm(self) -> None:
        if not self._busy and self.refusal is None and self.stay is not None:
            self.confirm_requested.emit()

    def clear(self) -> None:
        self.show_stay(None, None, None, None, False)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Discharge on credit"))
        self.table.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Item"), self.tr("Qty"), self.tr("Amount")])
        self.table.setAccessibleName(self.tr("Items of the hospital stay"))
        set_button_text(self.back_button, self.tr("Back to start"))
        set_button_text(self.repay_button, self.tr("Repay now"))
        split, stay, s = self.split, self.stay, self.session
        shortfall = split.shortfall_fen if split else 0
        set_button_text(self.confirm_button, self.tr("Discharge and pay the rest now") if shortfall
                        else self.tr("Discharge on credit"))
        self.who.setText(who_text(s.patient if s else None))
        self.stay_label.setText(self.tr("{department} · admitted {date} · {count} charges").format(
            department=stay.department, date=business_date(stay.admitted_at).isoformat(),
            count=len(stay.items)) if stay else "")
        rows = []
        if stay:
            rows = [(self.tr("Total"), stay.total_fen), (self.tr("Paid by medical insurance fund"), stay.fund_fen),
                    (self.tr("Your part"), stay.personal_fen), (self.tr("Deposit paid"), stay.deposit_paid_fen)]
        if split:
            rows.append((self.tr("Booked on your credit line"), split.booked_fen))
            rows.append((self.tr("To pay now with your phone"), shortfall))
        for index, (label, value) in enumerate(zip(self.labels, self.values)):
            label.setText(rows[index][0] if index < len(rows) else "")
            value.setText(format_cny(rows[index][1]) if index < len(rows) else "")
        set_optional_text(self.notice, "⚠ " + message_for(self.refusal) if self.refusal else "")
        set_optional_text(self.status, self.tr("Settling, please wait…") if self._busy else "")
        self.confirm_button.setVisible(stay is not None and self.refusal is None)
        self.confirm_button.setEnabled(not self._busy)
        self.repay_button.setVisible(self._can_repay and self.refusal in ("account_suspended", "repay_first"))
        self.back_button.setEnabled(not self._busy)


class DischargeJourney(Journey):
    key = "discharge"
    discharged = Signal(object)  # DischargeOutcome

    def __init__(self, ctx):
        super().__init__(ctx)
        self.session = self.stay = self.split = None
        self.screen: DischargeScreen = ctx.window.add_screen(DischargeScreen())
        self.screen.back_requested.connect(ctx.window.go_home)
        self.screen.confirm_requested.connect(self.confirm)
        self.screen.repay_requested.connect(lambda: self.ctx.journeys["repay"].begin(self.session))
        ctx.window.cleared.connect(self.forget)

    def title(self) -> str:
        return translate("DischargeJourney", "Discharge on credit")

    def forget(self) -> None:
        self.session = self.stay = self.split = None

    def begin(self, session) -> None:
        self.session = session
        self.ctx.run(lambda: self.ctx.services.inpatient.current_stay(session), self._loaded)

    def _loaded(self, stay) -> None:
        from kiosk.usecases.inpatient import discharge_split

        self.stay, self.split, refusal = stay, None, None
        if stay is None:
            refusal = "no_stay"
        else:
            try:
                self.split = discharge_split(stay, self.session, self.ctx.services.profile.repay_before_reuse)
            except CannotUseCredit as exc:
                refusal = exc.code
        self.screen.show_stay(self.session, stay, self.split, refusal, "repay" in self.ctx.journeys)
        self.ctx.window.show_screen("discharge")

    def confirm(self) -> None:
        """A discharge always asks for a confirmation tap first: what goes on the line, what is paid now."""
        split = self.split
        if split is None:
            return
        booked, shortfall = split.booked_fen, split.shortfall_fen

        def texts():
            if shortfall:
                purpose = translate("DischargeJourney", "{booked} on your credit line and {paid} to pay now with "
                                    "your phone.").format(booked=format_cny(booked), paid=format_cny(shortfall))
            else:
                purpose = translate("DischargeJourney", "{booked} on your credit line, nothing to pay now.").format(
                    booked=format_cny(booked))
            return (translate("DischargeJourney", "Confirm your discharge"), purpose,
                    translate("DischargeJourney", "Discharge"))

        confirm_screen(self.ctx.window).ask(booked + shortfall, texts, self._confirmed,
                                            lambda: self.ctx.window.show_screen("discharge"), self.session.patient)
        self.ctx.window.show_screen("confirm")

    def _confirmed(self) -> None:
        if self.split and self.split.shortfall_fen:
            self.ctx.payments.request(self.session.patient.patient_id, self.split.shortfall_fen, "discharge",
                                      self._discharge, lambda: self.ctx.window.show_screen("discharge"),
                                      confirmed=True)
        else:
            self._discharge(None)

    def _discharge(self, payment_id) -> None:
        session, stay = self.session, self.stay
        self.ctx.window.show_screen("discharge")
        self.screen.set_busy(True)
        self.ctx.run(lambda: self.ctx.services.inpatient.discharge(session, stay, payment_id), self._done)

    def _done(self, outcome) -> None:
        self.discharged.emit(outcome)
        self.ctx.window.outcome.show_text(lambda: discharge_text(outcome))
        self.ctx.window.show_screen("outcome")


def discharge_text(outcome) -> OutcomeText:
    from datetime import datetime

    if outcome.pending:
        return OutcomeText(
            translate("DischargeJourney", "Waiting for the hospital system"),
            translate("DischargeJourney", "The hospital system did not confirm in time. Your discharge is kept "
                      "safely and will be completed automatically; it will never be charged twice."),
            translate("DischargeJourney", "Please collect your documents at the cashier window."))
    d = outcome.data
    due = last_payable_day(datetime.fromisoformat(d["due_at"])).isoformat() if d.get("due_at") else "—"
    lines = [translate("DischargeJourney", "{booked} booked on your credit line, to repay by {due}.").format(
        booked=format_cny(d["booked_fen"]), due=due)]
    if d["paid_fen"]:
        lines.append(translate("DischargeJourney", "Paid now: {paid}.").format(paid=format_cny(d["paid_fen"])))
    if d["deposit_refund_fen"]:
        lines.append(translate("DischargeJourney", "Deposit returned: {amount}.").format(
            amount=format_cny(d["deposit_refund_fen"])))
    lines.append(translate("DischargeJourney", "Reference {reference}").format(reference=d["reference"]))
    note = (translate("DischargeJourney", "Your receipt and the itemised statement are printing.")
            if outcome.print_error is None else
            "⚠ " + translate("DischargeJourney", "The documents could not be printed. Your discharge is complete; "
                                                 "please ask the cashier window for copies."))
    return OutcomeText(translate("DischargeJourney", "Discharged"), "\n".join(lines), note)
