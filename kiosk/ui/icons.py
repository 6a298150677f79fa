"""Icons from a kept icon library: qtawesome's Material Design Icons 6 set (one font of its bundle).

Every icon the screens show is named here by what it stands for (a journey, what a button does,
a device, a card); :func:`set_icon` gives a button, a label or a tile its icon. The kiosk takes
the set's font and character map from the qtawesome package (``fonts/``) and paints each glyph
itself (:class:`_GlyphEngine`, as qtawesome's own icon engine does), without importing
qtawesome's Python code: that goes through qtpy, whose modules star-import all of PySide6's
QtCore, QtGui and QtWidgets (and QtOpenGL), which makes PySide6 build every one of their classes
and enums: 23 MB of memory and about 0.2 s for a dozen names. The font is loaded after the home
screen is usable (:func:`load`, from the main window's first idle turn): until then a widget
keeps the name of its icon and gets the picture when the font is there. Only the ``mdi6`` font
is loaded (16 ms) and bundled (1.5 MB with its character map; ``build.spec``).
"""
from __future__ import annotations

import importlib.util
import json
import logging
import sys
import weakref
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from shiboken6 import isValid

log = logging.getLogger("kiosk.ui.icons")

FONT = ("mdi6", "materialdesignicons6-webfont-6.9.96.ttf", "materialdesignicons6-webfont-charmap-6.9.96.json")
#: The glyph's height in the icon's square (qtawesome's own proportion).
GLYPH_SCALE = 0.875
DISABLED = "#4d4d4d"

#: What each icon stands for -> its name in the set.
ICONS = {
    # the journeys (home tiles)
    "register": "calendar-plus", "pay": "cash-register", "repay": "hand-coin-outline",
    "open": "account-check-outline", "query": "account-details-outline", "dispute": "file-question-outline",
    "close": "account-cancel-outline", "admit": "bed", "discharge": "home-export-outline",
    "refund": "cash-refund", "reprint": "printer-outline", "shift": "clipboard-clock-outline",
    "conflicts": "sync-alert", "late_payments": "cellphone-message", "more": "dots-horizontal-circle-outline",
    # what a button does (kit.primary_button, kit.back_button)
    "primary": "check-circle-outline", "back": "arrow-left",
    # the status bar
    "id-reader": "card-account-details-outline", "sscard": "credit-card-chip-outline", "scanner": "qrcode-scan",
    "printer": "printer", "printer-off": "printer-alert", "online": "lan-connect", "offline": "lan-disconnect",
    "countdown": "timer-sand", "clock": "clock-outline", "hospital": "hospital-building",
    # the identification screen's media, and where they go
    "id_card": "card-account-details", "ss_card": "credit-card-chip-outline", "insurance_qr": "qrcode",
    "health_qr": "heart-pulse", "reader": "contactless-payment", "scan": "qrcode-scan", "down": "arrow-down-bold",
    "type": "form-textbox",
}

_font: _Font | None = None
_waiting: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # widget -> (icon key, colour, size)


class _Font:
    """The set's font in the application's font database, and its character map (name -> code point)."""

    def __init__(self, folder: Path):
        font_id = QFontDatabase.addApplicationFont(str(folder / FONT[1]))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            raise OSError(f"the icon font {FONT[1]} could not be loaded from {folder}")
        self.family = families[0]
        with open(folder / FONT[2], encoding="utf-8") as f:
            self.codes = {name: chr(int(code, 16)) for name, code in json.load(f).items()}

    def char(self, name: str) -> str:
        return self.codes.get(name, "")


class _GlyphEngine(QIconEngine):
    """Paints one glyph of the set at whatever size is asked, in its colour (greyed when disabled)."""

    def __init__(self, family: str, char: str, colour: QColor, disabled: QColor):
        super().__init__()
        self.family, self.char, self.colour, self.disabled = family, char, colour, disabled

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.save()
        font = QFont(self.family)
        font.setPixelSize(max(1, round(GLYPH_SCALE * rect.height())))
        painter.setFont(font)
        painter.setPen(self.disabled if mode == QIcon.Mode.Disabled else self.colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.char)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        picture = QPixmap(size)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        try:
            self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        finally:
            painter.end()
        return picture

    def clone(self) -> QIconEngine:
        return _GlyphEngine(self.family, self.char, self.colour, self.disabled)


def font_folder() -> Path | None:
    """Where the set's font is: beside the qtawesome package (found, not imported), or in the bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "qtawesome" / "fonts"
    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "fonts"


def loaded() -> bool:
    return _font is not None


def load() -> bool:
    """Load the icon font (once) and give every widget waiting for its icon the picture."""
    global _font
    if _font is None:
        folder = font_folder()
        try:
            if folder is None:
                raise OSError("qtawesome is not installed")
            _font = _Font(folder)
        except (OSError, ValueError) as exc:  # the font missing: words without pictures, said once
            log.warning("icons off: %s", exc)
            return False
    for widget, (key, colour, size) in list(_waiting.items()):
        if isValid(widget):  # not deleted meanwhile (a screen rebuilt, a window closed)
            _apply(widget, key, colour, size)
    _waiting.clear()
    return True


def icon(key: str, colour: str = "#ffffff") -> QIcon:
    """The icon standing for ``key`` (an empty icon before :func:`load`)."""
    if _font is None:
        return QIcon()
    char = _font.char(ICONS.get(key, key))
    if not char:
        log.warning("no icon %r in the set", key)
        return QIcon()
    return QIcon(_GlyphEngine(_font.family, char, QColor(colour), QColor(DISABLED)))


def pixmap(key: str, size: int, colour: str = "#ffffff") -> QPixmap:
    return icon(key, colour).pixmap(QSize(size, size))


def set_icon(widget: QWidget, key: str, colour: str = "#ffffff", size: int = 0) -> None:
    """``widget`` shows the icon of ``key`` (``size``: its side; 0, the widget's type size x 1.2),
    now or once the library is loaded. A button keeps its words; a label shows the picture."""
    widget.setProperty("icon", key)
    if _font is None:
        _waiting[widget] = (key, colour, size)
    else:
        _apply(widget, key, colour, size)


def _apply(widget: QWidget, key: str, colour: str, size: int) -> None:
    side = size or round(widget.fontMetrics().height() * 1.2)
    if isinstance(widget, QAbstractButton):
        widget.setIcon(icon(key, colour))
        widget.setIconSize(QSize(side, side))
    elif isinstance(widget, QLabel):
        widget.setPixmap(pixmap(key, side, colour))
