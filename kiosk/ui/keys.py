"""The cashier's desk at keyboard speed (desk mode only: a kiosk has no keyboard).

* :func:`give_key` gives a desk button an F-key: the key presses it, and ``set_button_text``
  (``kiosk/ui/base.py``) shows the key first on it ("F2 退费"). Only desk screens give keys, so
  a patient at a kiosk never reads "F2".
* :class:`DeskKeys` watches the keys that reach the window (those no field or button used):
  an F-key presses the button of the screen shown that has it; F12 logs out from any screen;
  Enter presses the button the cashier moved to (Tab, arrows), else the screen's way on (the
  one button whose ``action`` is ``primary``, ``kiosk/ui/kit.py``); Esc presses the way back
  (``action`` ``back``) unless the screen is busy or leaving it would do something (the phone
  payment's Cancel asks the channel). A field with its own Enter (the ID's look-up, the
  amount's Refund, the PIN's Log in) keeps it: the key stops there, so an Enter that changed
  the screen never acts on the next one too. A key held down acts once (auto-repeat is
  ignored): a key left down never confirms a payment.
* On every change of screen the keyboard goes to the screen's field (the screen put it
  there), or to what the screen offers (``keyboard_focus()``: a list's first choice), else
  to the screen itself: Enter never presses a button that Qt happened to move the focus to.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import SIGNAL, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QWidget

log = logging.getLogger("kiosk.ui.keys")

#: Logs the cashier out, from every desk screen.
LOGOUT_KEY = "F12"
#: The desk's journeys on F-keys, the commonest at a cashier's window first; the others are
#: reached with Tab or the arrows and Enter.
JOURNEY_KEYS = {"refund": "F2", "repay": "F3", "pay": "F4", "register": "F5", "admit": "F6", "discharge": "F7",
                "reprint": "F8", "conflicts": "F9", "late_payments": "F10", "shift": "F11"}
#: Keys for the choices on one screen (a refund's reasons, cash or card): F5 onwards.
CHOICE_KEYS = ("F5", "F6", "F7", "F8")
#: Screens whose way back does something besides going back: Esc leaves them alone.
ESC_UNSAFE = frozenset({"payment"})

_F_KEYS = {getattr(Qt.Key, f"Key_F{n}"): f"F{n}" for n in range(1, 13)}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_RETURN_PRESSED = SIGNAL("returnPressed()")


def give_key(button: QAbstractButton, key: str) -> QAbstractButton:
    """``key`` ("F2") presses ``button`` at the desk; its label says so from its next text."""
    button.setProperty("key", key)
    return button


def focus_first(screen: QWidget, buttons) -> None:
    """A list's first choice takes the keyboard (Enter picks it, the arrows move on), unless the
    keyboard is in a field of the screen or the screen is not shown."""
    shown = [b for b in buttons if b.isVisible() and b.isEnabled()]
    if not shown or not screen.isVisible():
        return
    holder = screen.window().focusWidget()
    if isinstance(holder, QLineEdit) and screen.isAncestorOf(holder):
        return
    if holder is None or holder is screen or not screen.isAncestorOf(holder) or not holder.isVisible():
        shown[0].setFocus(Qt.FocusReason.OtherFocusReason)


def _shown(screen: QWidget, test: Callable[[QAbstractButton], bool]) -> list[QAbstractButton]:
    return [b for b in screen.findChildren(QAbstractButton) if test(b) and b.isVisible() and b.isEnabled()]


class DeskKeys(QObject):
    """The desk's keys on ``window``: ``logout()`` for F12 while ``logged_in()``."""

    def __init__(self, window, logout: Callable[[], None], logged_in: Callable[[], bool]):
        super().__init__(window)
        self.window = window
        self.logout = logout
        self.logged_in = logged_in
        self.bar: QWidget | None = None  # the desk's bar (its logout button): outside the screens
        window.installEventFilter(self)
        window.screen_changed.connect(self._screen_changed)
        self._screen_changed(window.current)

    def shutdown(self) -> None:
        self.window.removeEventFilter(self)

    # -- the screen's keyboard --------------------------------------------------------------
    def _screen_changed(self, name: str) -> None:
        screen = self.window.screens.get(name)
        if screen is None:
            return
        for field in screen.findChildren(QLineEdit):
            field.installEventFilter(self)  # its own Enter stops at the field (once, however often)
        holder = self.window.focusWidget()
        if isinstance(holder, QLineEdit) and screen.isAncestorOf(holder) and holder.isVisible():
            return  # the screen gave its field the keyboard
        offered = getattr(screen, "keyboard_focus", None)
        target = offered() if callable(offered) else None
        (target if target is not None and target.isVisible() else screen).setFocus(Qt.FocusReason.OtherFocusReason)

    # -- keys -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        if isinstance(watched, QLineEdit):  # a field, before it sees the key
            if key in _ENTER and watched.receivers(_RETURN_PRESSED) > 0:
                if not event.isAutoRepeat():
                    watched.event(event)  # the field's own Enter (returnPressed)...
                event.accept()  # ...and no further: a line edit leaves Enter to its parents
                return True
            return False
        if watched is not self.window:
            return False
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.NoModifier
        if key in _F_KEYS and plain:
            done = event.isAutoRepeat() or self.press_key(_F_KEYS[key])
        elif key in _ENTER and plain:
            done = event.isAutoRepeat() or self.enter()
        elif key == Qt.Key.Key_Escape and plain:
            done = event.isAutoRepeat() or self.back()
        else:
            return False
        if done:
            event.accept()
        return done

    def _screen(self):
        return self.window.screens.get(self.window.current)

    def press_key(self, key: str) -> bool:
        if key == LOGOUT_KEY and self.logged_in():
            self.logout()
            return True
        screen = self._screen()
        found = _shown(screen, lambda b: b.property("key") == key) if screen is not None else []
        if len(found) == 1:
            found[0].click()
            return True
        if found:
            log.warning("key %s is on %d buttons of screen %s: none pressed", key, len(found), screen.name)
        return False

    def enter(self) -> bool:
        """The button the cashier moved to, else the screen's one way on, else (a screen with
        nothing to confirm) its one way back."""
        screen = self._screen()
        if screen is None:
            return False
        holder = self.window.focusWidget()
        if isinstance(holder, QAbstractButton) and screen.isAncestorOf(holder) and holder.isVisible() \
                and holder.isEnabled():
            holder.click()
            return True
        primary = _shown(screen, lambda b: b.property("action") == "primary")
        if len(primary) == 1:
            primary[0].click()
            return True
        if not primary:
            every = _shown(screen, lambda b: True)
            if len(every) == 1 and every[0].property("action") == "back":
                every[0].click()
                return True
        return False

    def back(self) -> bool:
        screen = self._screen()
        if screen is None or screen.name in ESC_UNSAFE or getattr(screen, "busy", False):
            return False
        found = _shown(screen, lambda b: b.property("action") == "back")
        if len(found) == 1:
            found[0].click()
            return True
        return False
