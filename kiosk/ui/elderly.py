"""Elderly mode (适老化), switched from the home screen, and voice prompts.

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

Voice prompts read each screen's title aloud in elderly mode where Qt's text-to-speech is
installed: PySide6.QtTextToSpeech is in PySide6-Addons, not in PySide6-Essentials (which
this project depends on), so without it the prompts are off and that is logged once.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QTableWidget

from kiosk.ui.kit import metrics

log = logging.getLogger("kiosk.ui.elderly")



def elderly_stylesheet() -> str:
    """``resources/styles/elderly.qss`` written for the screen's sizes (``kiosk/ui/theme.py``)."""
    from kiosk.ui.theme import stylesheet

    return stylesheet("elderly")


class VoicePrompts:
    """``say(text)``: spoken where QtTextToSpeech exists; otherwise nothing (logged once)."""

    def __init__(self, language: str = "zh_CN"):
        self._engine = None
        self._missing_logged = False
        self.language = language

    @property
    def available(self) -> bool:
        return self._load() is not None

    def _load(self):
        if self._engine is None and not self._missing_logged:
            try:
                from PySide6.QtTextToSpeech import QTextToSpeech  # PySide6-Addons
            except ImportError:
                self._missing_logged = True
                log.info("voice prompts off: PySide6.QtTextToSpeech is not installed (it comes with "
                         "PySide6-Addons)")
                return None
            self._engine = QTextToSpeech()
        return self._engine

    def say(self, text: str) -> bool:
        engine = self._load()
        if engine is None or not text:
            return False
        from PySide6.QtCore import QLocale

        engine.setLocale(QLocale(self.language))
        engine.say(text)
        return True


class ElderlyMode(QObject):
    changed = Signal(bool)

    def __init__(self, window, settings, languages=None):
        super().__init__(window)
        self.window = window
        self.on = False
        self.journeys = [k.strip() for k in settings.elderly_journeys.split(",") if k.strip()][:4]
        self.voice = VoicePrompts() if settings.voice_on else None  # 'off' is a word, not False
        self.languages = languages
        self._stylesheet: str | None = None
        self._rows: dict[QTableWidget, int] = {}
        window.setProperty("elderly", False)
        window.home.elderly_toggled.connect(self.toggle)
        window.idle.expired.connect(lambda: self.set(False))
        window.screen_changed.connect(self._screen_changed)
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
        if on:
            self._speak(w.home)

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

    def _screen_changed(self, name: str) -> None:
        if self.on:
            self._speak(self.window.screens.get(name))

    def _speak(self, screen) -> None:
        if self.voice is None or screen is None:
            return
        title = next((label.text() for label in screen.findChildren(QLabel)
                      if label.objectName() == "heading" and label.text()), "")
        if self.languages is not None:
            self.voice.language = self.languages.current
        self.voice.say(title)
