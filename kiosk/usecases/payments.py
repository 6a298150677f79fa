"""The payment channel, through the platform: create a payment, ask its state, cancel it, and
give back the money of a payment nobody will use.

A payment the patient no longer waits for (they tapped Cancel, or the idle guard cleared the
screen) is *abandoned*: cancelled at the channel, so the phone can no longer pay it; if the phone
paid it first, nothing will use it (the settlement is never made in the patient's absence, nor
after they said cancel), so its money goes back through the channel at once. The platform lists
such late payments for the desk (``late``).
"""
from __future__ import annotations

import logging
import uuid

log = logging.getLogger("kiosk.payments")

#: Why an abandoned payment that had been paid was given back (the platform's ``late``).
AFTER_CANCEL, WALKED_AWAY = "refunded_after_cancel", "refunded_walked_away"


class PaymentChannel:
    def __init__(self, platform, training: bool = False):
        self.platform = platform
        self.training = training

    def create(self, patient_id: str, amount_fen: int, purpose: str) -> dict:
        return self.platform.request("POST", "/v1/payments",
                                     {"patient_id": patient_id, "amount_fen": amount_fen, "purpose": purpose},
                                     key=uuid.uuid4().hex)

    def status(self, payment_id: str) -> dict:
        return self.platform.request("GET", f"/v1/payments/{payment_id}")

    def cancel(self, payment_id: str) -> dict:
        """Close the payment at the channel; the payment as it stands after: ``cancelled`` (or
        ``expired``), or ``paid`` when the phone paid before the cancel arrived."""
        from kiosk.platform import PlatformError

        try:
            return self.platform.request("POST", f"/v1/payments/{payment_id}/cancel", {}, key=uuid.uuid4().hex)
        except PlatformError as exc:
            if exc.code == "payment_already_paid" and exc.details.get("payment"):
                return exc.details["payment"]
            raise

    def abandon(self, payment_id: str, why: str) -> dict:
        """The patient no longer waits for this payment: cancel it; paid already and unused, give it back
        (``why``: AFTER_CANCEL or WALKED_AWAY). The payment as it ends: cancelled, expired or refunded."""
        payment = self.cancel(payment_id)
        if payment["status"] == "paid" and not payment.get("used"):
            payment = self.platform.request("POST", f"/v1/payments/{payment_id}/refund", {"late": why},
                                            key=uuid.uuid4().hex)
            log.warning("payment %s was paid after the patient left it: refunded through the channel (%s)",
                        payment_id, why)
        else:
            log.info("payment %s abandoned: %s", payment_id, payment["status"])
        return payment

    def late(self) -> list[dict]:
        """The desk's list: payments completed after the patient cancelled or walked away (last 7 days)."""
        return self.platform.request("GET", "/v1/payments/late")["payments"]

    def complete_in_training(self, payment_id: str) -> dict:
        """The sandbox's stand-in for the patient's phone (training and demo only)."""
        if not self.training:
            raise PermissionError("payments are completed by the patient's phone outside training")
        return self.platform.request("POST", f"/v1/_sandbox/payments/{payment_id}/complete", {},
                                     key=uuid.uuid4().hex)
