"""Paying the rest on the spot through the payment channel: a QR code, then the channel's answer.

The patient scans the code with their phone; the kiosk asks the channel for
the payment's state until it is paid or expired. In training mode a button
stands in for the patient's phone.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text
from kiosk.ui.qr import QrWidget


class PaymentScreen(Screen):
    name = "payment"
    cancel_requested = Signal()
    training_pay_requested = Signal()

    def __init__(self, training: bool, parent=None):
        super().__init__(parent)
        self.amount_fen = 0
        self.state = ""
        self.title = heading(self)
        self.amount = body_text(self, "who")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr = QrWidget(self)
        self.instructions = body_text(self)
        self.instructions.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = body_text(self, "status")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cancel_button = big_button(self, "secondary")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.training_button = big_button(self, "secondary")
        self.training_button.clicked.connect(self.training_pay_requested)
        self.training_button.setVisible(training)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 32, 64, 32)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.amount)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.qr)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.instructions)
        layout.addWidget(self.status)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button, 1)
        buttons.addWidget(self.training_button, 1)
        layout.addLayout(buttons)
        self.retranslate()

    def show_payment(self, amount_fen: int, payload: str) -> None:
        self.amount_fen, self.state = amount_fen, "waiting"
        self.qr.set_payload(payload)
        self.retranslate()

    def set_state(self, state: str) -> None:
        self.state = state
        self.retranslate()

    def clear(self) -> None:
        self.amount_fen, self.state = 0, ""
        self.qr.set_payload("")
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Pay the rest with your phone"))
        self.amount.setText(self.tr("Amount to pay now: {amount}").format(amount=format_cny(self.amount_fen))
                            if self.amount_fen else "")
        self.instructions.setText(self.tr("Scan the code with your payment app and confirm the payment."))
        states = {"creating": self.tr("Preparing the payment code…"),
                  "waiting": self.tr("Waiting for your payment…"),
                  "paid": self.tr("Payment received.")}
        set_optional_text(self.status, states.get(self.state, ""))
        set_button_text(self.cancel_button, self.tr("Cancel"))
        set_button_text(self.training_button, self.tr("Training: pay from the demo phone"))


class Payments(QObject):
    """Runs one channel payment at a time for the journeys."""

    poll_ms = 1000

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.screen: PaymentScreen = ctx.window.payment
        self.payment_id: str | None = None
        self._on_paid: Callable[[str], None] | None = None
        self._on_cancel: Callable[[], None] | None = None
        self._poll = QTimer(self, singleShot=True, timeout=self._ask)
        self.screen.cancel_requested.connect(self.cancel)
        self.screen.training_pay_requested.connect(self.pay_in_training)
        ctx.window.cleared.connect(self._forget)

    def request(self, patient_id: str, amount_fen: int, purpose: str,
                on_paid: Callable[[str], None], on_cancel: Callable[[], None]) -> None:
        self._on_paid, self._on_cancel = on_paid, on_cancel
        self.screen.clear()
        self.screen.set_state("creating")
        self.ctx.window.show_screen("payment")
        self.ctx.run(lambda: self.ctx.services.payments.create(patient_id, amount_fen, purpose), self._created)

    def _created(self, payment: dict) -> None:
        self.payment_id = payment["payment_id"]
        self.screen.show_payment(payment["amount_fen"], payment["qr_payload"])
        self._poll.start(self.poll_ms)

    def _ask(self) -> None:
        payment_id = self.payment_id
        if payment_id is None:
            return
        self.ctx.run(lambda: self.ctx.services.payments.status(payment_id), self._answered,
                     lambda error: self._poll.start(self.poll_ms))  # the channel hiccupped: ask again

    def _answered(self, payment: dict) -> None:
        if payment["payment_id"] != self.payment_id:
            return
        if payment["status"] == "paid":
            self.screen.set_state("paid")
            on_paid, payment_id = self._on_paid, self.payment_id
            self._forget()
            on_paid(payment_id)
        elif payment["status"] == "pending":
            self._poll.start(self.poll_ms)
        else:
            self._forget()
            self.ctx.window.outcome.show_problem("payment_expired")
            self.ctx.window.show_screen("outcome")

    def pay_in_training(self) -> None:
        payment_id = self.payment_id
        if payment_id is not None:
            self.ctx.run(lambda: self.ctx.services.payments.complete_in_training(payment_id), lambda _: None)

    def cancel(self) -> None:
        on_cancel = self._on_cancel
        self._forget()
        if on_cancel is not None:
            on_cancel()

    def _forget(self) -> None:
        self._poll.stop()
        self.payment_id = None
        self._on_paid = self._on_cancel = None
