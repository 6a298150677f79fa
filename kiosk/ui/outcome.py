"""The end of a journey: what happened, what to do next, and the way home.

Journeys hand in a ``render`` callable returning the texts, so the screen can
re-render them when the language changes. A problem shows its translated
message, a warning sign (colour is never the only cue), and may offer one
action (e.g. "Repay now" for a suspended service).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Signal

from kiosk.ui.base import Screen, set_button_text, set_optional_text
from kiosk.ui.kit import primary_button, secondary_button
from kiosk.ui.messages import message_for


@dataclass(frozen=True)
class OutcomeText:
    """What an outcome screen says: title, body, a note, and whether it went well."""

    title: str
    body: str
    note: str = ""
    ok: bool = True


def pending_text(body: str, note: str = "") -> OutcomeText:
    """A write the platform did not confirm in time: ``body`` says it is kept and completed by
    itself, ``note`` what to do meanwhile."""
    return OutcomeText(QCoreApplication.translate("Outcome", "Waiting for the hospital system"), body, note)


def credit_pending_lines(booked_fen: int, *middle: str) -> list[str]:
    """A part on credit queued while the credit platform did not answer (issue 12: an outpatient bill, a discharge,
    a registration's fee): what goes on the line pending the platform's confirmation, that it is kept and sent
    once, then ``middle``, then where the due date will be (the platform gives it once it has booked)."""
    from kiosk.domain.money import format_cny

    translate = QCoreApplication.translate
    return [translate("Outcome", "{booked} goes on your credit line, pending confirmation by the credit platform, "
                      "which is not answering now.").format(booked=format_cny(booked_fen)),
            translate("Outcome", "It is kept safely on this kiosk and sent as soon as the platform answers; it will "
                      "never be charged twice."),
            *middle,
            translate("Outcome", "Your due date will be in the account query once confirmed, or ask the cashier "
                      "window.")]


def print_note(print_error: str | None, printing: str, failed: str) -> str:
    """What became of the paper: ``printing`` (take it), or ``failed`` with a warning sign (what
    to do instead), never the printer's own words."""
    return printing if print_error is None else "⚠ " + failed


class OutcomeScreen(Screen):
    name = "outcome"
    done_requested = Signal()

    DATA = {"_render": None, "_action": None}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.action_button = secondary_button(self, self._act)
        self.done_button = primary_button(self, self.done_requested)  # home, for the next patient
        self.page(1, "details:details", "note:status", 1, density="airy", centred=True,
                  buttons=[self.action_button, (self.done_button, 1)])
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

    def retranslate(self) -> None:
        set_button_text(self.done_button, self.tr("Done"))
        text = self._render() if self._render else OutcomeText("", "")
        self.title.setText(text.title)
        self.details.setText(text.body if text.ok or not text.body else "⚠ " + text.body)
        set_optional_text(self.note, text.note)
        self.action_button.setVisible(self._action is not None)
        if self._action is not None:
            set_button_text(self.action_button, self._action[0]())
