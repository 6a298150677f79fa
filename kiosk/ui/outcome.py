"""The end of a journey: what happened, what to do next, and the way home.

Journeys hand in a ``render`` callable returning the texts, so the screen can
re-render them when the language changes. A problem shows its translated
message, a warning sign (colour is never the only cue), and may offer one
action (e.g. "Repay now" for a suspended service).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text
from kiosk.ui.messages import message_for


@dataclass(frozen=True)
class OutcomeText:
    title: str
    body: str
    note: str = ""
    ok: bool = True


class OutcomeScreen(Screen):
    name = "outcome"
    done_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._render: Callable[[], OutcomeText] | None = None
        self._action: tuple[Callable[[], str], Callable[[], None]] | None = None
        self.title = heading(self)
        self.details = body_text(self, "details")
        self.details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = body_text(self, "status")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.action_button = big_button(self, "secondary")
        self.action_button.clicked.connect(self._act)
        self.done_button = big_button(self)
        self.done_button.clicked.connect(self.done_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 48, 64, 48)
        layout.setSpacing(24)
        layout.addWidget(self.title)
        layout.addStretch(1)
        layout.addWidget(self.details)
        layout.addWidget(self.note)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.action_button, 1)
        buttons.addWidget(self.done_button, 1)
        layout.addLayout(buttons)
        self.retranslate()

    def show_text(self, render: Callable[[], OutcomeText],
                  action: tuple[Callable[[], str], Callable[[], None]] | None = None) -> None:
        self._render, self._action = render, action
        self.retranslate()

    def show_problem(self, code: str, action=None) -> None:
        self.show_text(lambda: OutcomeText(self.tr("Not done"), message_for(code), ok=False), action)

    def _act(self) -> None:
        if self._action is not None:
            self._action[1]()

    def clear(self) -> None:
        self._render = self._action = None
        self.retranslate()

    def retranslate(self) -> None:
        set_button_text(self.done_button, self.tr("Done"))
        text = self._render() if self._render else OutcomeText("", "")
        self.title.setText(text.title)
        self.details.setText(text.body if text.ok or not text.body else "⚠ " + text.body)
        set_optional_text(self.note, text.note)
        self.action_button.setVisible(self._action is not None)
        if self._action is not None:
            set_button_text(self.action_button, self._action[0]())
