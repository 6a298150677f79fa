"""Languages: Chinese by default, English switchable at any time.

Source strings are English; ``resources/translations/kiosk_zh_CN.ts`` holds the
Chinese, built to ``.qm`` by ``make translations``. Qt's own ``qtbase`` strings
are installed too, before any widget exists.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from kiosk.resources import resource_dir

log = logging.getLogger("kiosk.i18n")


class Languages:
    def __init__(self, app: QCoreApplication):
        self.app = app
        self.current = "en"
        self._installed: list[QTranslator] = []

    def set(self, language: str) -> None:
        for translator in self._installed:
            self.app.removeTranslator(translator)
        self._installed.clear()
        self.current = language
        self.app.setProperty("kiosk_language", language)
        if language == "en":
            return
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in ((f"qtbase_{language}", qt_dir),
                             (f"kiosk_{language}", str(resource_dir() / "translations"))):
            translator = QTranslator(self.app)
            if translator.load(name, folder):
                self.app.installTranslator(translator)
                self._installed.append(translator)
            elif name.startswith("kiosk"):
                log.error("translation %s missing in %s (run `make translations`)", name, folder)

    def toggle(self) -> str:
        self.set("en" if self.current != "en" else "zh_CN")
        return self.current


def current_language() -> str:
    """'zh_CN' or 'en': for data the platform sends in both languages (department names...)."""
    return QCoreApplication.instance().property("kiosk_language") or "zh_CN"


def pick(chinese: str, english: str | None) -> str:
    """The platform's text in the interface language (Chinese when no English is given)."""
    return english if english and current_language() == "en" else chinese
