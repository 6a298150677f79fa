"""Kiosk lockdown inside the application: frameless full screen, the keyboard's ways out
swallowed, the window's close refused, the cursor hidden on a touch screen, and a hidden
exit for IT staff.

Active in kiosk mode on a full screen (``kiosk --windowed`` is for IT and training). What
the application cannot stop (Ctrl+Alt+Del, the window manager's own keys, a text console)
is locked by the operating system: ``docs/deployment.md``, "Locking the kiosk down".

The hidden exit: five taps in the top-left corner within three seconds open the IT exit
screen, which asks for an IT staff number and PIN. The platform checks them like any
operator login (role ``it``; locked after five wrong PINs; audited), so there is no shared
exit PIN on the kiosks to leak, and a leaver's PIN is revoked in one place. Without the
platform the app cannot be left this way: IT then uses the operating system's way
(``docs/deployment.md``).
"""
from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QApplication

from kiosk.ui.base import Screen, set_button_text, set_problem
from kiosk.ui.journey import error_code
from kiosk.ui.kit import back_button, metrics, primary_button
from kiosk.ui.widgets import CredentialsForm

log = logging.getLogger("kiosk.ui.lockdown")

EXIT_TAPS = 5
EXIT_WINDOW_S = 3.0

_KEYS = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride}
_PRESSES = {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin}
_CTRL = Qt.KeyboardModifier.ControlModifier
_ALT = Qt.KeyboardModifier.AltModifier


def is_way_out(key: int, modifiers) -> bool:
    """Alt+F4, Ctrl+F4, Ctrl+Q, Ctrl+W and Escape: keys that close windows or leave screens."""
    if key == Qt.Key.Key_Escape:
        return True
    if key == Qt.Key.Key_F4 and modifiers & (_ALT | _CTRL):
        return True
    return key in (Qt.Key.Key_Q, Qt.Key.Key_W) and bool(modifiers & _CTRL)


class Lockdown(QObject):
    """Installed on the application; ``exit_requested`` after the corner taps."""

    exit_requested = Signal()

    def __init__(self, window, *, touch_screen: bool, clock: Callable[[], float] = time.monotonic):
        super().__init__(window)
        self.window = window
        self.clock = clock
        self.released = False
        self._taps: deque[float] = deque(maxlen=EXIT_TAPS)
        self._last_press: tuple | None = None
        self._cursor_hidden = touch_screen
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.close_guard = lambda: self.released
        QApplication.instance().installEventFilter(self)
        if touch_screen:
            QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))

    def shutdown(self) -> None:
        self.release()

    def release(self) -> None:
        """The IT exit (or shutdown): keys and the close button work again."""
        if self.released:
            return
        self.released = True
        QApplication.instance().removeEventFilter(self)
        if self._cursor_hidden:
            QGuiApplication.restoreOverrideCursor()
            self._cursor_hidden = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _KEYS:
            if is_way_out(event.key(), event.modifiers()):
                return True  # swallowed before any widget or shortcut sees it
        elif kind in _PRESSES:
            self._press(event)
        return False

    def _press(self, event) -> None:
        points = getattr(event, "points", None)
        if event.type() == QEvent.Type.TouchBegin and points:
            where = points()[0].globalPosition()
        else:
            where = event.globalPosition()
        # The same press reaches each parent in turn: count it once.
        stamp = (event.timestamp(), round(where.x()), round(where.y()))
        if stamp == self._last_press:
            return
        self._last_press = stamp
        local = self.window.mapFromGlobal(where.toPoint())
        corner = metrics().exit_corner
        if not QRect(0, 0, corner, corner).contains(local):
            self._taps.clear()
            return
        now = self.clock()
        self._taps.append(now)
        if len(self._taps) == EXIT_TAPS and now - self._taps[0] <= EXIT_WINDOW_S:
            self._taps.clear()
            log.info("IT exit asked for")
            self.exit_requested.emit()


class ItExitScreen(Screen):
    """Staff number and PIN of an IT operator, typed on the on-screen keypad."""

    name = "it_exit"
    exit_requested = Signal(str, str)
    back_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = CredentialsForm(keypad=True, parent=self)
        self.form.submitted.connect(self._submit)
        self.clear_with(self.form)
        self.exit_button = primary_button(self, self._submit)
        self.back_button = back_button(self, self.back_requested)
        self.page("instructions", (self.form, 1), "error", "status", density="compact",
                  buttons=[self.back_button, (self.exit_button, 1)])
        self.retranslate()

    def _submit(self) -> None:
        if not self.busy:
            self.exit_requested.emit(*self.form.take())

    def retranslate(self) -> None:
        self.title.setText(self.tr("IT staff: leave the kiosk"))
        self.instructions.setText(self.tr("Enter an IT staff number and PIN. Patients: please tap Back."))
        set_problem(self.error, self.error_code)
        self.say_status(self.tr("Checking, please wait…"))
        set_button_text(self.exit_button, self.tr("Leave the kiosk"))
        self.exit_button.setEnabled(not self.busy)
        set_button_text(self.back_button, self.tr("Back to start"))


class ItExit(QObject):
    """The IT exit screen and what it does: check the IT login, then close the window."""

    exited = Signal()

    def __init__(self, ctx, lockdown: Lockdown):
        super().__init__(ctx.window)
        self.ctx = ctx
        self.lockdown = lockdown
        w = ctx.window
        self.screen: ItExitScreen = w.add_screen(ItExitScreen())
        self.screen.back_requested.connect(w.go_home)
        self.screen.exit_requested.connect(self.check)
        lockdown.exit_requested.connect(self.ask)

    def ask(self) -> None:
        self.ctx.window.go_home()  # whatever a patient left on the screen goes first
        self.ctx.window.show_screen(ItExitScreen.name)

    def check(self, operator_id: str, pin: str) -> None:
        self.screen.set_busy(True)
        desk = self.ctx.services.desk
        self.ctx.run(lambda: desk.authenticate(operator_id, pin, role="it", purpose="it_exit"), self._allowed,
                     lambda error: self.screen.show_error(error_code(error)))

    def _allowed(self, operator) -> None:
        log.info("IT exit by %s", operator.operator_id)
        self.lockdown.release()
        self.exited.emit()
        self.ctx.window.close()
