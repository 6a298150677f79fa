"""Paying the rest on the spot through the payment channel: a QR code, then the channel's answer.

The patient scans the code with their phone; the kiosk asks the channel for
the payment's state until it is paid or expired. In training mode a button
stands in for the patient's phone. Cancel (or the idle guard clearing the
screen) cancels at the channel; a payment the phone paid just before is
refunded through the channel and listed for the desk (``Payments``).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_optional_text
from kiosk.ui.confirm import confirm_screen
from kiosk.ui.kit import back_button, centred, secondary_button
from kiosk.ui.outcome import OutcomeText
from kiosk.ui.qr import QrWidget

log = logging.getLogger("kiosk.ui.payment")
translate = QCoreApplication.translate
#: Why an abandoned, already paid payment is given back (kiosk.usecases.payments).
AFTER_CANCEL, WALKED_AWAY = "refunded_after_cancel", "refunded_walked_away"


class PaymentScreen(Screen):
    name = "payment"
    cancel_requested = Signal()
    training_pay_requested = Signal()

    DATA = {"amount_fen": 0, "state": ""}

    def __init__(self, training: bool, parent=None):
        super().__init__(parent)
        self.qr = QrWidget(self)
        self.clear_with(self.qr)
        self.cancel_button = back_button(self, self.cancel_requested)
        self.training_button = secondary_button(self, self.training_pay_requested)
        self.training_button.setVisible(training)
        self.page("amount:who", centred(self.qr), "instructions", "status", 1, density="narrow", centred=True,
                  buttons=[self.cancel_button, self.training_button])
        self.retranslate()

    def show_payment(self, amount_fen: int, payload: str) -> None:
        self.qr.set_payload(payload)
        self.show_items(amount_fen=amount_fen, state="waiting")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Pay the rest with your phone"))
        self.amount.setText(self.tr("Amount to pay now: {amount}").format(amount=format_cny(self.amount_fen))
                            if self.amount_fen else "")
        self.instructions.setText(self.tr("Scan the code with your payment app and confirm the payment."))
        states = {"creating": self.tr("Preparing the payment code…"),
                  "waiting": self.tr("Waiting for your payment…"),
                  "paid": self.tr("Payment received."),
                  "cancelling": self.tr("Cancelling the payment at the payment channel…")}
        set_optional_text(self.status, states.get(self.state, ""))
        set_button_text(self.cancel_button, self.tr("Cancel"))
        set_button_text(self.training_button, self.tr("Training: pay from the demo phone"))


def purpose_text(purpose: str) -> str:
    return {"settlement": translate("Payments", "The rest of your outpatient bill, paid with your phone"),
            "registration": translate("Payments", "The registration fee, paid with your phone"),
            "repayment": translate("Payments", "Repayment of your credit bills, paid with your phone"),
            "discharge": translate("Payments", "The rest of your hospital stay, paid with your phone")}.get(purpose, "")


class Payments(QObject):
    """Runs one channel payment at a time for the journeys.

    Above the ``confirm_above_fen`` setting the patient confirms the amount first (``ui/confirm.py``).
    Cancel cancels at the channel and waits for its answer; a payment the phone paid before the cancel
    arrived is given back through the channel (the patient said cancel) and the patient is told. When
    the window is cleared meanwhile (the idle guard: the patient walked away) the payment is abandoned
    the same way, on a worker, with nobody to tell: the desk's late payments list shows it
    (``kiosk.usecases.payments``)."""

    poll_ms = 1000
    abandoned = Signal(object)  # the payment as it ended (cancelled, expired or refunded): tests, logs

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.screen: PaymentScreen = ctx.window.payment
        self.payment_id: str | None = None
        self._attempt = 0  # one per request: a payment created for an attempt given up is abandoned
        self._on_paid: Callable[[str], None] | None = None
        self._on_cancel: Callable[[], None] | None = None
        self._poll = QTimer(self, singleShot=True, timeout=self._ask)
        self.screen.cancel_requested.connect(self.cancel)
        self.screen.training_pay_requested.connect(self.pay_in_training)
        ctx.window.cleared.connect(self._walked_away)

    def request(self, patient_id: str, amount_fen: int, purpose: str,
                on_paid: Callable[[str], None], on_cancel: Callable[[], None], *, confirmed: bool = False) -> None:
        """``confirmed``: the journey has had the amount confirmed already (a discharge)."""
        self._attempt += 1
        self._on_paid, self._on_cancel = on_paid, on_cancel
        if not confirmed and amount_fen > self.ctx.services.settings.confirm_above_fen:
            def texts():
                return (translate("Payments", "Please confirm the payment"), purpose_text(purpose),
                        translate("Payments", "Pay {amount} now").format(amount=format_cny(amount_fen)))

            attempt = self._attempt
            confirm_screen(self.ctx.window).ask(
                amount_fen, texts, lambda: self._create(attempt, patient_id, amount_fen, purpose), self.cancel)
            self.ctx.window.show_screen("confirm")
            return
        self._create(self._attempt, patient_id, amount_fen, purpose)

    def _create(self, attempt: int, patient_id: str, amount_fen: int, purpose: str) -> None:
        self.screen.clear()
        self.screen.set_state(state="creating")
        self.ctx.window.show_screen("payment")
        self.ctx.run(lambda: self.ctx.services.payments.create(patient_id, amount_fen, purpose),
                     lambda payment: self._created(attempt, payment))

    def _created(self, attempt: int, payment: dict) -> None:
        if attempt != self._attempt:  # cancelled while the code was being made: close it at the channel
            self._abandon(payment["payment_id"], AFTER_CANCEL)
            return
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
            self.screen.set_state(state="paid")
            on_paid, payment_id = self._on_paid, self.payment_id
            self._forget()
            on_paid(payment_id)
        elif payment["status"] == "pending":
            self._poll.start(self.poll_ms)
        else:
            self._forget()
            self.ctx.problem("payment_expired")

    def pay_in_training(self) -> None:
        payment_id = self.payment_id
        if payment_id is not None:
            self.ctx.run(lambda: self.ctx.services.payments.complete_in_training(payment_id), lambda _: None)

    def cancel(self) -> None:
        """The patient's Cancel: closed at the channel before the journey goes back."""
        on_cancel, payment_id = self._on_cancel, self.payment_id
        self._forget()
        if payment_id is None:  # nothing at the channel yet (or the code is still being made: closed when it comes)
            if on_cancel is not None:
                on_cancel()
            return
        self.screen.set_state(state="cancelling")
        self.ctx.run(lambda: self.ctx.services.payments.abandon(payment_id, AFTER_CANCEL),
                     lambda payment: self._cancelled(payment, on_cancel), self._cancel_failed)

    def _cancelled(self, payment: dict, on_cancel) -> None:
        self.abandoned.emit(payment)
        if payment["status"] == "refunded":  # the phone had paid just before: given back, and said so
            amount = format_cny(payment["amount_fen"])
            self.ctx.outcome(lambda: OutcomeText(
                translate("Payments", "Payment cancelled and refunded"),
                translate("Payments", "Your phone had paid {amount} just before you cancelled. It has been refunded "
                          "through the payment channel to where it came from; nothing was charged.").format(
                    amount=amount),
                translate("Payments", "The refund reaches your payment account within a few days. Staff at the "
                          "cashier desk can see it too.")))
        elif on_cancel is not None:
            on_cancel()

    def _cancel_failed(self, error) -> None:
        self.ctx.outcome(lambda: OutcomeText(
            translate("Payments", "The payment could not be cancelled"),
            translate("Payments", "The payment channel did not answer. Do not pay the code on your phone."),
            translate("Payments", "If your phone shows it as paid, please go to the cashier desk: the payment "
                      "will be refunded.")))

    def _walked_away(self) -> None:
        """The window was cleared (the idle guard, or Back to start) while a payment was live."""
        payment_id = self.payment_id
        self._attempt += 1
        self._forget()
        if payment_id is not None:
            self._abandon(payment_id, WALKED_AWAY)

    def _abandon(self, payment_id: str, why: str) -> None:
        """On a worker, outside any patient's journey (the answer is kept even after the window is
        cleared: ``tasks.run``, not ``ctx.run``)."""
        self.ctx.tasks.run(lambda: self.ctx.services.payments.abandon(payment_id, why), self.abandoned.emit,
                           lambda error: log.error("payment %s not abandoned at the channel: %s", payment_id,
                                                   type(error).__name__))

    def _forget(self) -> None:
        self._poll.stop()
        self.payment_id = None
        self._on_paid = self._on_cancel = None
