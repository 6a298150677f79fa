"""One confirmation tap before money moves: the amount in figures and in words (中文大写),
what it is for, and two buttons (confirm, back).

Shared by the journeys: a discharge always asks, a payment through the channel above the
``confirm_above_fen`` setting asks (``ui/payment.py``), a desk refund asks "退 ￥X 至
信用就医账户" (``ui/refund.py``). ``ask`` shows it with the callbacks of the moment; the
window's clearing (idle timeout, "back to start") drops them, so a confirmation never outlives
the patient who was asked.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.domain.amount_words import amount_in_words
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text, who_text


def confirm_screen(window) -> ConfirmScreen:
    """The window's confirmation screen, added the first time a journey needs it."""
    screen = window.screens.get(ConfirmScreen.name)
    if screen is None:
        screen = window.add_screen(ConfirmScreen())
    return screen


class ConfirmScreen(Screen):
    name = "confirm"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.amount_fen = 0
        self.patient = None
        self._texts: Callable[[], tuple[str, str, str]] | None = None  # title, what for, confirm label
        self._on_confirm: Callable[[], None] | None = None
        self._on_back: Callable[[], None] | None = None
        self.title = heading(self)
        self.who = body_text(self, "who")
        self.figures = body_text(self, "who")
        self.figures.setObjectName("confirmAmount")
        self.figures.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.words = body_text(self)
        self.words.setObjectName("confirmWords")
        self.words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.purpose = body_text(self)
        self.purpose.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.confirm_button = big_button(self, "primary")
        self.confirm_button.clicked.connect(self._confirm)
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self._back)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 32, 64, 32)
        layout.setSpacing(20)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addStretch(1)
        layout.addWidget(self.figures)
        layout.addWidget(self.words)
        layout.addWidget(self.purpose)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.back_button, 1)
        row.addWidget(self.confirm_button, 2)
        layout.addLayout(row)
        self.retranslate()

    def ask(self, amount_fen: int, texts: Callable[[], tuple[str, str, str]], on_confirm: Callable[[], None],
            on_back: Callable[[], None], patient=None) -> None:
        """Show ``amount_fen`` with ``texts()`` (title, what the money is for, the confirm button's
        label: a callable, so a language change re-words it); one of the callbacks runs once."""
        self.amount_fen, self.patient, self._texts = amount_fen, patient, texts
        self._on_confirm, self._on_back = on_confirm, on_back
        self.confirm_button.setEnabled(True)
        self.retranslate()

    def _confirm(self) -> None:
        action = self._on_confirm
        self._on_confirm = self._on_back = None
        if action is not None:
            self.confirm_button.setEnabled(False)  # one tap, one write
            action()

    def _back(self) -> None:
        action = self._on_back
        self._on_confirm = self._on_back = None
        if action is not None:
            action()

    def clear(self) -> None:
        self.amount_fen, self.patient, self._texts = 0, None, None
        self._on_confirm = self._on_back = None
        self.retranslate()

    def retranslate(self) -> None:
        title, purpose, confirm = self._texts() if self._texts else ("", "", "")
        self.title.setText(title or self.tr("Please confirm"))
        self.who.setText(who_text(self.patient))
        self.figures.setText(format_cny(self.amount_fen) if self._texts else "")
        self.words.setText(self.tr("In words: {words}").format(words="人民币" + amount_in_words(self.amount_fen))
                           if self._texts else "")
        set_optional_text(self.purpose, purpose)
        set_button_text(self.confirm_button, confirm or self.tr("Confirm"))
        set_button_text(self.back_button, self.tr("Back"))
