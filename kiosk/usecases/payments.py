"""The payment channel, through the platform: create a payment, ask its state."""
from __future__ import annotations

import uuid


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

    def complete_in_training(self, payment_id: str) -> dict:
        """The sandbox's stand-in for the patient's phone (training and demo only)."""
        if not self.training:
            raise PermissionError("payments are completed by the patient's phone outside training")
        return self.platform.request("POST", f"/v1/_sandbox/payments/{payment_id}/complete", {},
                                     key=uuid.uuid4().hex)
