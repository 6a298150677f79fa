"""The home screen: the journeys a patient can start here, and the language switch."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout

from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text


class HomeScreen(Screen):
    name = "home"
    language_toggled = Signal()
    COLUMNS = 3

    def __init__(self, hospital: str, parent=None):
        super().__init__(parent)
        self.hospital = hospital
        self._ready = False
        self.language = "zh_CN"
        self.buttons: dict[str, QPushButton] = {}
        self._titles: dict[str, Callable[[], str]] = {}
        self.title = heading(self)
        self.subtitle = body_text(self, "subtitle")
        self.grid = QGridLayout()
        self.grid.setSpacing(24)
        self.status = body_text(self, "status")
        self.language_button = big_button(self, "secondary")
        self.language_button.clicked.connect(self.language_toggled)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 48, 64, 48)
        layout.setSpacing(24)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addStretch(1)
        layout.addLayout(self.grid)
        layout.addStretch(2)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.language_button)
        layout.addLayout(row)
        self.retranslate()

    def add_journey(self, key: str, title: Callable[[], str], start: Callable[[], None]) -> QPushButton:
        button = big_button(self, "journey")
        button.setMinimumHeight(120)
        button.clicked.connect(start)
        index = len(self.buttons)
        self.grid.addWidget(button, index // self.COLUMNS, index % self.COLUMNS)
        button.show()  # added to a screen already on the glass: tappable now, not a loop turn later
        self.buttons[key] = button
        self._titles[key] = title
        self.retranslate()
        return button

    def set_ready(self, ready: bool) -> None:
        """Journeys appear once the services have started (they load after the first paint)."""
        self._ready = ready
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Welcome to {hospital}").format(hospital=self.hospital))
        self.subtitle.setText(self.tr("Credit-based care: treat first, pay later"))
        for key, button in self.buttons.items():
            set_button_text(button, self._titles[key]())
        self.status.setText("" if self._ready else self.tr("Starting, one moment please…"))
        # The switch is labelled in the language it switches to, whatever the current one.
        set_button_text(self.language_button, "English" if self.language == "zh_CN" else "中文")
