"""The home screen: what a patient can do here, and the language switch."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text


class HomeScreen(Screen):
    name = "home"
    pay_bill_requested = Signal()
    language_toggled = Signal()

    def __init__(self, hospital: str, parent=None):
        super().__init__(parent)
        self.hospital = hospital
        self._ready = False
        self.language = "zh_CN"
        self.title = heading(self)
        self.subtitle = body_text(self, "subtitle")
        self.pay_button = big_button(self, "journey")
        self.pay_button.setMinimumHeight(120)
        self.pay_button.clicked.connect(self.pay_bill_requested)
        self.status = body_text(self, "status")
        self.language_button = big_button(self, "secondary")
        self.language_button.clicked.connect(self.language_toggled)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 48, 64, 48)
        layout.setSpacing(24)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addStretch(1)
        layout.addWidget(self.pay_button)
        layout.addStretch(2)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.language_button)
        layout.addLayout(row)
        self.set_ready(False)
        self.retranslate()

    def set_ready(self, ready: bool) -> None:
        """Journeys open once the services have started (they load after the first paint)."""
        self._ready = ready
        self.pay_button.setEnabled(ready)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Welcome to {hospital}").format(hospital=self.hospital))
        self.subtitle.setText(self.tr("Credit-based care: treat first, pay later"))
        set_button_text(self.pay_button, self.tr("Pay outpatient bill"))
        self.status.setText("" if self._ready else self.tr("Starting, one moment please…"))
        # The switch is labelled in the language it switches to, whatever the current one.
        set_button_text(self.language_button, "English" if self.language == "zh_CN" else "中文")
