"""What every screen shares: a name, re-translation on language change, its page, its state.

A screen is built from the kit (``kiosk/ui/kit.py``): ``self.page(...)`` lays it out (the
heading, the standard lines, the body in a scroll area, the button row), ``DATA`` names the
patient data it shows, and the state helper (``show_loading``, ``show_items``, ``set_busy``,
``show_error``, ``clear``) sets that data and the loading, busy and problem states, then
renders the screen again (``retranslate``).
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget, QVBoxLayout, QWidget

from kiosk.ui.kit import lay_out_page, make_button

#: The look (object name in the stylesheet) of the standard lines a page makes by name.
LINE_STYLES = {"who": "who", "status": "status", "notice": "error", "error": "error"}


class Screen(QWidget):
    """One screen of the journey. Subclasses set ``name`` and implement ``retranslate``.

    ``clear`` must drop every piece of patient data the screen holds or shows: the data named
    in ``DATA`` is set back to its empty value there; a screen clears its widgets' own data
    (fields, tables) in its ``clear`` before calling this one.
    """

    name = "screen"
    #: The data the screen shows, attribute -> its value when there is none (what ``clear`` restores).
    DATA: ClassVar[dict[str, Any]] = {}

    _UNBUILT = object()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._clear_with: tuple = ()
        self._built_from = self._UNBUILT
        self._empty()

    def _empty(self) -> None:
        self.loading = False  # the data is on its way
        self.busy = False  # a write is on its way
        self.error_code: str | None = None  # a problem to correct on the spot
        for attr, empty in self.DATA.items():
            setattr(self, attr, copy.copy(empty))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        raise NotImplementedError

    def built_from(self) -> Any:
        """The data the screen's own widgets are made from (one button per department, per
        document): ``build`` makes them again whenever it changes. None: nothing to build."""
        return None

    def build(self) -> None:
        """Make again the widgets that follow the data (``built_from``)."""

    def render(self) -> None:
        """Show the state: the widgets made from the data made again if it changed, then the words."""
        data = self.built_from()
        if self._built_from is self._UNBUILT or data != self._built_from:
            self._built_from = data
            self.build()
        self.retranslate()

    # -- the page -----------------------------------------------------------------------------
    def page(self, *parts, buttons: Sequence = (), density: str = "standard", centred: bool = False,
             scroll: bool = True) -> QVBoxLayout:
        """Lay the screen out: its heading (``self.title``), then ``parts`` top to bottom, then
        the ``buttons`` row (or rows: a list of lists). A part is a widget, a layout, a stretch
        (an int), ``(part, stretch)``, or the name of a line of text the page makes as
        ``self.<name>``: ``who``, ``status``, ``notice``/``error`` (a problem), any other name
        plain text, or ``"name:look"`` for another look (``"fee:who"``). ``centred``: those
        lines centred. The parts scroll when they do not fit (``scroll``), the buttons never."""
        self.title = heading(self)
        laid = []
        for part in parts:
            if isinstance(part, str):
                attr, _, look = part.partition(":")
                line = body_text(self, look or LINE_STYLES.get(attr, "body"))
                if centred:
                    line.setAlignment(Qt.AlignmentFlag.AlignCenter)
                setattr(self, attr, line)
                part = line
            laid.append(part)
        return lay_out_page(self, self.title, laid, buttons, density=density, scroll=scroll)

    # -- the state ----------------------------------------------------------------------------
    def set_state(self, **values) -> None:
        """Set these attributes and render the screen again."""
        for attr, value in values.items():
            setattr(self, attr, value)
        self.render()

    def show_loading(self, **data) -> None:
        """Nothing shown but ``data`` (whom the screen is for), and "loading" until ``show_items``."""
        self._empty()
        self.set_state(loading=True, **data)

    def show_items(self, **data) -> None:
        """The data has come: shown, and the screen no longer loading, busy or showing a problem."""
        self.set_state(loading=False, busy=False, error_code=None, **data)

    def set_busy(self, busy: bool = True) -> None:
        """A write is on its way (the screen says so and waits) or has ended. A new try hides the
        last problem."""
        self.set_state(busy=busy, error_code=None if busy else self.error_code)

    def show_error(self, code: str) -> None:
        """A problem the person at the screen corrects on the spot, said on the screen."""
        self.set_state(error_code=code, busy=False, loading=False)

    def clear_with(self, *widgets: QWidget) -> None:
        """Widgets that hold patient data of their own (a field, a table, a keypad): emptied by
        ``clear`` with the screen's data."""
        self._clear_with += widgets

    def clear(self) -> None:
        for widget in self._clear_with:
            if isinstance(widget, QTableWidget):
                widget.clearContents()
                widget.setRowCount(0)
            else:
                widget.clear()
        self._empty()
        self.render()

    def say_status(self, busy: str = "", empty: str = "", *, nothing: bool = False, loading: str = "") -> None:
        """The status line (``self.status``): "loading" (``loading``, or the kit's words), ``busy``
        while busy, ``empty`` when there is ``nothing`` to show, else nothing and no room taken."""
        if self.loading:
            text = loading or QCoreApplication.translate("Screen", "Loading, please wait…")
        elif self.busy:
            text = busy
        else:
            text = empty if nothing else ""
        set_optional_text(self.status, text)


def heading(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("heading")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def body_text(parent: QWidget | None = None, name: str = "body") -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def who_text(patient) -> str:
    """Masked name and ID: all any screen ever shows of who is at the kiosk ('' for nobody)."""
    if patient is None:
        return ""
    return QCoreApplication.translate("Screen", "{name}  ID {masked_id}").format(
        name=patient.masked_name, masked_id=patient.masked_id)


def set_optional_text(label: QLabel, text: str) -> None:
    """A message line that takes no room while it has nothing to say."""
    label.setText(text)
    label.setVisible(bool(text))


def set_problem(label: QLabel, code: str | None) -> None:
    """A problem's translated words with a warning sign (colour is never the only cue), or
    nothing and no room taken."""
    from kiosk.ui.messages import message_for

    set_optional_text(label, "⚠ " + message_for(code) if code else "")


def big_button(parent: QWidget | None = None, name: str = "primary") -> QPushButton:
    return make_button(parent, name)


def set_button_text(button: QPushButton, text: str) -> None:
    """Text and accessible name together, so screen readers say what the button does; a desk
    button's key first ("F2 Refund", ``kiosk/ui/keys.py``)."""
    key = button.property("key")
    text = f"{key} {text}" if key else text
    button.setText(text)
    button.setAccessibleName(text.replace("&", ""))
