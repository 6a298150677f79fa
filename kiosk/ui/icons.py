"""Icons from a kept icon library: qtawesome's Material Design Icons 6 set (one font of its bundle).

Every icon the screens show is named here by what it stands for (a journey, what a button does,
a device, a card); :func:`set_icon` gives a button, a label or a tile its icon. Importing
qtawesome costs about 0.2 s (it imports much of Qt through qtpy), so the kiosk loads it after the
home screen is usable (:func:`load`, from the status bar's start): until then a widget keeps the
name of its icon and gets the picture when the library is loaded. Only the ``mdi6`` font is
loaded (16 ms) and bundled (1.5 MB with its character map; ``build.spec``).
"""
from __future__ import annotations

import logging
import weakref

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

log = logging.getLogger("kiosk.ui.icons")

FONT = ("mdi6", "materialdesignicons6-webfont-6.9.96.ttf", "materialdesignicons6-webfont-charmap-6.9.96.json")

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

_font = None
_waiting: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # widget -> (icon key, colour, size)


def loaded() -> bool:
    return _font is not None


def load() -> bool:
    """Load the icon font (once) and give every widget waiting for its icon the picture."""
    global _font
    if _font is None:
        try:
            from qtawesome.iconic_font import IconicFont
        except ImportError:  # the library missing from a bundle: words without pictures, said once
            log.warning("icons off: qtawesome is not installed")
            return False
        _font = IconicFont(FONT)
    for widget, (key, colour, size) in list(_waiting.items()):
        _apply(widget, key, colour, size)
    _waiting.clear()
    return True


def icon(key: str, colour: str = "#ffffff") -> QIcon:
    """The icon standing for ``key`` (an empty icon before :func:`load`)."""
    if _font is None:
        return QIcon()
    return _font.icon(f"mdi6.{ICONS.get(key, key)}", color=QColor(colour),
                      color_disabled=QColor("#4d4d4d"))


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
