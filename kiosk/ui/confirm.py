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

from kiosk.domain.amount_words import amount_in_words
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_optional_text, who_text
from kiosk.ui.kit import back_button, primary_button


def confirm_screen(window) -> ConfirmScreen:
    """The window's confirmation screen, added the first time a journey needs it."""
    screen = window.screens.get(ConfirmScreen.name)
    if screen is None:
        screen = window.add_screen(ConfirmScreen())
    return screen


class ConfirmScreen(Screen):
    name = "confirm"

    #: ``_texts``: title, what for, the confirm button's label (a callable); one of the callbacks runs once
    DATA = {"amount_fen": 0, "patient": None, "_texts": None, "_on_confirm": None, "_on_back": None}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.confirm_button = primary_button(self, self._confirm)
        self.back_button = back_button(self, self._back)
        self.page("who", 1, "figures:confirmAmount", "words:confirmWords", "purpose", 1, density="narrow",
                  centred=True, buttons=[self.back_button, self.confirm_button])
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
