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


#: The purposes the hospital's channel (the HIS's) takes when the kiosk has the HIS: the rest of a bill paid
#: now (issue 12). A repayment is the credit platform's.
HIS_PURPOSES = frozenset({"settlement", "discharge"})


def _his_payment(p) -> dict:
    """The HIS's ``ChannelPayment`` as the payment step reads a payment."""
    return {"payment_id": p.payment_id, "patient_id": p.patient_id, "status": p.status, "purpose": p.purpose,
            "amount_fen": p.amount_fen, "qr_payload": p.qr_payload, "used": p.used, "late": p.late,
            "expires_at": p.expires_at.isoformat()}


class PaymentChannel:
    """``his``: the HIS port, whose channel takes the rest of a bill paid now (:data:`HIS_PURPOSES`; the
    payment's patient is then the HIS's); without it, or for a repayment, the credit platform's."""

    def __init__(self, platform, training: bool = False, his=None, his_purposes=HIS_PURPOSES):
        self.platform = platform
        self.training = training
        self.his = his
        self.his_purposes = frozenset(his_purposes) if his is not None else frozenset()
        self._at_his: set[str] = set()  # the payments made through the HIS's channel

    def at_his(self, payment_id: str) -> bool:
        return payment_id in self._at_his

    def create(self, patient_id: str, amount_fen: int, purpose: str) -> dict:
        if purpose in self.his_purposes:
            payment = _his_payment(self.his.create_payment(patient_id, amount_fen, purpose, key=uuid.uuid4().hex))
            self._at_his.add(payment["payment_id"])
            return payment
        return self.platform.request("POST", "/v1/payments",
                                     {"patient_id": patient_id, "amount_fen": amount_fen, "purpose": purpose},
                                     key=uuid.uuid4().hex)

    def status(self, payment_id: str) -> dict:
        if self.at_his(payment_id):
            return _his_payment(self.his.payment(payment_id))
        return self.platform.request("GET", f"/v1/payments/{payment_id}")

    def cancel(self, payment_id: str) -> dict:
        """Close the payment at the channel; the payment as it stands after: ``cancelled`` (or
        ``expired``), or ``paid`` when the phone paid before the cancel arrived."""
        from kiosk.platform import PlatformError

        if self.at_his(payment_id):
            from kiosk.ports.his import HisRefused

            try:
                return _his_payment(self.his.cancel_payment(payment_id, key=uuid.uuid4().hex))
            except HisRefused as exc:
                if exc.code == "payment_already_paid" and exc.details.get("payment") is not None:
                    return _his_payment(exc.details["payment"])
                raise
        try:
            return self.platform.request("POST", f"/v1/payments/{payment_id}/cancel", {}, key=uuid.uuid4().hex)
        except PlatformError as exc:
            if exc.code == "payment_already_paid" and exc.details.get("payment"):
                return exc.details["payment"]
            raise

    def _refund(self, payment_id: str, why: str) -> dict:
        if self.at_his(payment_id):
            return _his_payment(self.his.refund_payment(payment_id, why, key=uuid.uuid4().hex))
        return self.platform.request("POST", f"/v1/payments/{payment_id}/refund", {"late": why}, key=uuid.uuid4().hex)

    def abandon(self, payment_id: str, why: str) -> dict:
        """The patient no longer waits for this payment: cancel it; paid already and unused, give it back
        (``why``: AFTER_CANCEL or WALKED_AWAY). The payment as it ends: cancelled, expired or refunded."""
        payment = self.cancel(payment_id)
        if payment["status"] == "paid" and not payment.get("used"):
            payment = self._refund(payment_id, why)
            log.warning("payment %s was paid after the patient left it: refunded through the channel (%s)",
                        payment_id, why)
        else:
            log.info("payment %s abandoned: %s", payment_id, payment["status"])
        return payment

    def late(self) -> list[dict]:
        """The desk's list: payments completed after the patient cancelled or walked away (last 7 days), the
        credit platform's (repayments) and the hospital's channel's (bills), newest first."""
        payments = self.platform.request("GET", "/v1/payments/late")["payments"]
        his_late = getattr(self.his, "late_payments", None)
        if his_late is not None:
            payments = sorted(payments + his_late(), key=lambda p: p.get("late_at") or "", reverse=True)
        return payments

    def complete_in_training(self, payment_id: str) -> dict:
        """The sandbox's stand-in for the patient's phone (training and demo only)."""
        if not self.training:
            raise PermissionError("payments are completed by the patient's phone outside training")
        if self.at_his(payment_id):
            return self.his.complete_in_training(payment_id)
        return self.platform.request("POST", f"/v1/_sandbox/payments/{payment_id}/complete", {},
                                     key=uuid.uuid4().hex)
