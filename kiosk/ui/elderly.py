"""Elderly mode (适老化), switched from the home screen, and the spoken prompts of the main steps.

The rules (MIIT, 互联网应用适老化及无障碍改造专项行动方案 and its design specification, 2021):
main text at least 18 pt and headings at least 30 pt, line spacing at least 1.3, text
contrast at least 4.5:1, touch targets at least 60 x 60 px, colour never the only cue, no
pop-ups, fewer choices per screen.

How: a second stylesheet (``resources/styles/elderly.qss``, its sizes written for the screen by
``kiosk/ui/theme.py``) set on the status bar, the banners and the screen shown while the mode is
on (each screen gets it when it is shown), and the window's ``elderly`` property for anything
that asks. The home screen
then shows only the journeys named by the ``elderly_journeys`` setting (four at most) and
"More". The stylesheet picks Noto Sans CJK SC, whose natural line spacing (1.45 em) meets the
1.3 rule for plain text: Qt's stylesheets have no line-height. Tables get taller rows. The
mode ends when the screen is cleared for the next patient (the idle timeout, the notices).

Spoken prompts (``SpokenSteps``): at the main steps of every journey (the card or code asked for, the
amount to check and confirm, the phone payment, the end, the idle warning) the kiosk plays a recorded
clip in the screen's language (``kiosk/voice.py``: clips made once with espeak-ng, played by the
system's player on a thread of its own). Qt's text-to-speech is not used: it is in PySide6-Addons,
which this project does not ship. On at a kiosk, off at the desk (``voice_prompts``: auto, on, off).
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QTableWidget

from kiosk.ui.kit import metrics

log = logging.getLogger("kiosk.ui.elderly")



def elderly_stylesheet() -> str:
    """``resources/styles/elderly.qss`` written for the screen's sizes (``kiosk/ui/theme.py``)."""
    from kiosk.ui.theme import stylesheet

    return stylesheet("elderly")


#: The screen shown -> the prompt spoken (``kiosk.voice.PROMPTS``).
STEP_PROMPTS = {"identify": "place_card", "bill": "check_and_confirm", "discharge": "check_and_confirm",
                "confirm": "check_and_confirm", "payment": "pay_by_phone", "outcome": "done"}


class SpokenSteps(QObject):
    """The prompt of each main step, spoken when its screen is shown and at the idle warning, in the screen's
    language; ``voice`` (``kiosk.voice.Voice``) plays it off the GUI thread. ``close`` at shutdown."""

    def __init__(self, window, settings, languages):
        super().__init__(window)
        from kiosk.voice import Voice, find_player

        self.languages = languages
        on = settings.voice_on
        self.voice = Voice(on, find_player(settings.voice_player) if on else None)
        if on:
            window.screen_changed.connect(self._shown)
            window.idle.warning.connect(lambda _ms: self.say("more_time"))

    def _shown(self, name: str) -> None:
        prompt = STEP_PROMPTS.get(name)
        if prompt is not None:
            self.say(prompt)

    def say(self, prompt: str) -> None:
        self.voice.say(prompt, self.languages.current)

    def close(self) -> None:
        self.voice.close()


class ElderlyMode(QObject):
    changed = Signal(bool)

    def __init__(self, window, settings, languages=None):
        super().__init__(window)
        self.window = window
        self.on = False
        self.journeys = [k.strip() for k in settings.elderly_journeys.split(",") if k.strip()][:4]
        self.languages = languages
        self._stylesheet: str | None = None
        self._rows: dict[QTableWidget, int] = {}
        window.setProperty("elderly", False)
        window.home.elderly_toggled.connect(self.toggle)
        window.idle.expired.connect(lambda: self.set(False))
        # Whatever puts a screen on the glass (show_screen, a journey's stack, a test), it gets the look.
        window.stack.currentChanged.connect(self._shown)

    def toggle(self) -> None:
        self.set(not self.on)

    def set(self, on: bool) -> None:
        if on == self.on:
            return
        self.on = on
        w = self.window
        if self._stylesheet is None:
            self._stylesheet = elderly_stylesheet()
        w.setProperty("elderly", on)
        for part in (w.header, w.banner, w.offline_banner, w.device_notice, w.stack.currentWidget()):
            self._style(part)
        self._table_rows(on)
        w.home.limit_journeys(self.journeys if on else None)
        w.home.set_elderly(on)
        self.changed.emit(on)

    def _table_rows(self, on: bool) -> None:
        if on:
            for table in self.window.findChildren(QTableWidget):
                header = table.verticalHeader()
                self._rows.setdefault(table, header.defaultSectionSize())
                header.setDefaultSectionSize(max(metrics().elderly_row, header.defaultSectionSize()))
        else:
            for table, size in self._rows.items():
                table.verticalHeader().setDefaultSectionSize(size)
            self._rows.clear()

    def _style(self, widget) -> None:
        """The elderly stylesheet on ``widget`` while the mode is on, none while it is off. Set on
        the window's parts and on each screen when it is shown, not on the whole window: restyling
        the one screen on the glass takes a few ms, every screen built a third of a second."""
        if widget is None:
            return
        wanted = self._stylesheet if self.on else ""
        if widget.styleSheet() != wanted:
            widget.setStyleSheet(wanted)

    def _shown(self, index: int) -> None:
        screen = self.window.stack.widget(index)
        self._style(screen)
        if self.on and screen is not self.window.home:
            self._table_rows(True)  # tables of screens built since the mode was switched on
