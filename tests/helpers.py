"""Small helpers shared by the UI tests."""
from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPushButton, QTableWidget, QWidget

from kiosk.devices.events import IdCard
from sandbox.demo_data import demo_card, patient_by_role


class Taps:
    """Clicks the way a patient taps, and counts them (every journey: at most 6 from home)."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.count = 0

    def __call__(self, widget) -> None:
        from PySide6.QtCore import Qt

        assert widget.isVisible() and widget.isEnabled(), f"cannot tap {widget.objectName() or widget}"
        self.count += 1
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def training_card(app, role: str) -> QPushButton:
    """The identify screen's training-card button for a demo ``role`` (``trainingCard-<role>``)."""
    button = app.window.identify.findChild(QPushButton, f"trainingCard-{role}")
    assert button is not None, f"no training card for {role!r} on the identify screen"
    return button


def tap_card(qtbot, app, role: str, *, timeout: int = 5_000) -> None:
    """Lay a patient's card on the reader the way staff do in training: tap the demo card
    of ``role`` on the identify screen (which must be showing), as a finger would."""
    from PySide6.QtCore import Qt

    qtbot.waitUntil(lambda: app.window.current == "identify", timeout=timeout)
    button = training_card(app, role)
    assert button.isVisible() and button.isEnabled(), f"the {role!r} card cannot be tapped"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def card(role: str) -> IdCard:
    return IdCard(**demo_card(role))


def patient(role: str) -> dict:
    return patient_by_role(role)


def all_texts(root: QWidget) -> str:
    """Every piece of text any widget under ``root`` holds, shown or not."""
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QTableWidget):
            for row in range(widget.rowCount()):
                for col in range(widget.columnCount()):
                    item = widget.item(row, col)
                    if item is not None:
                        texts.append(item.text())
    return "\n".join(texts)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pay_by_phone(qtbot, app, client) -> str:
    """The patient's phone pays the code on the payment screen (the sandbox's control API)."""
    import uuid

    qtbot.waitUntil(lambda: app.ctx.payments.payment_id is not None, timeout=10_000)
    payment_id = app.ctx.payments.payment_id
    channel = app.ctx.services.payments
    if channel.at_his(payment_id):  # the rest of a bill: the hospital's channel (the sandbox HIS's control API)
        channel.his.complete_in_training(payment_id)
        return payment_id
    done = client.post(f"/v1/_sandbox/payments/{payment_id}/complete", json={},
                       headers={"Idempotency-Key": uuid.uuid4().hex})
    assert done.status_code == 200, done.text
    return payment_id
