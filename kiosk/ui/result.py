"""The outcome: settled (with the receipt), pending, or refused; then back home."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.domain.clock import last_payable_day
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text
from kiosk.ui.messages import message_for


class ResultScreen(Screen):
    name = "result"
    done_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.outcome = None
        self.error_code: str | None = None
        self.title = heading(self)
        self.details = body_text(self)
        self.details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.receipt = body_text(self, "status")
        self.receipt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_button = big_button(self)
        self.done_button.clicked.connect(self.done_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 48, 64, 48)
        layout.setSpacing(24)
        layout.addWidget(self.title)
        layout.addStretch(1)
        layout.addWidget(self.details)
        layout.addWidget(self.receipt)
        layout.addStretch(1)
        layout.addWidget(self.done_button)
        self.retranslate()

    def show_outcome(self, outcome) -> None:
        self.outcome, self.error_code = outcome, None
        self.retranslate()

    def show_error(self, code: str) -> None:
        self.outcome, self.error_code = None, code
        self.retranslate()

    def clear(self) -> None:
        self.outcome = self.error_code = None
        self.retranslate()

    def retranslate(self) -> None:
        set_button_text(self.done_button, self.tr("Done"))
        o = self.outcome
        if self.error_code:
            self.title.setText(self.tr("Not paid"))
            self.details.setText("⚠ " + message_for(self.error_code))
            self.receipt.setText("")
        elif o is None:
            self.title.setText("")
            self.details.setText("")
            self.receipt.setText("")
        elif o.pending:
            self.title.setText(self.tr("Waiting for the hospital system"))
            self.details.setText(self.tr(
                "The hospital system did not confirm in time. Your payment is kept safely and will be "
                "completed automatically; it will never be charged twice."))
            self.receipt.setText(self.tr("Please collect your receipt at the cashier window."))
        else:
            s = o.settlement
            self.title.setText(self.tr("Paid on credit"))
            due = last_payable_day(s.due_at).isoformat() if s.due_at else "—"
            self.details.setText(self.tr(
                "{booked} booked on your credit line, to repay by {due}.\n"
                "Medical insurance fund paid {fund}. Credit available now: {available}.\n"
                "Reference {reference}").format(
                    booked=format_cny(s.booked_fen), due=due, fund=format_cny(s.fund_fen),
                    available=format_cny(s.available_fen), reference=s.reference))
            self.receipt.setText(
                self.tr("Your receipt is printing. Please take it.") if o.print_error is None
                else "⚠ " + self.tr("The receipt could not be printed. Your payment is complete; "
                                    "please ask the cashier window for a copy."))
