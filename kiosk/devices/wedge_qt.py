"""The keyboard-wedge scanner: a Qt event filter on the application.

A wedge scanner is a keyboard to the computer, so its "driver" lives where the
keys arrive: on the GUI thread. It does no I/O. Keys are looked at as they
reach a window (before Qt hands them to the focused widget); printable keys
are held back for a moment while they may be part of a scan
(:class:`~kiosk.devices.scanner.BurstDetector`). A scan is swallowed whole and
becomes one event for the listener (``TokenPresented`` or ``ReadError``); keys
a person typed are passed on unchanged, ``hold_ms`` late at most.

Held keys must never be lost nor land late where the person did not type them:

- a mouse press or a touch (the cashier tapping "Refund" right after typing the amount)
  first releases every key held, so the keys reach the field before the tap acts on it
  (held keys used to arrive after the tap: a refund of the prefilled amount, or of
  "30" for a typed "300");
- held keys go to the object that had the keyboard when they were pressed, not to
  whatever has it when they are let go;
- a burst the length of a scan that ends without Enter (a scanner set up with no
  suffix) is a scan all the same: it never types into a field;
- a digit the scanner types twice ("11") while the GUI thread is busy reaches Qt as a
  release and a press of the same key with the same timestamp, both queued: Qt calls
  that a held key's auto-repeat. While keys are held back as a possible scan, such a
  press is a key like the others (it once went to the field, and the scan lost it: an
  ID number scanned on a busy machine was refused as an unknown code).
"""
from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeyEvent, QWindow

from kiosk.devices.scanner import BurstDetector, scan_event

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
#: What a person does with the mouse or a finger: held keys are theirs, let go first.
_POINTER = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.TouchBegin,
            QEvent.Type.TabletPress)
_MODIFIERS = (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
              Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock)


class WedgeScanner(QObject):
    kind = "scanner (keyboard wedge)"
    simulated = False

    def __init__(self, listener: Callable[[object], None], *, name: str = "scanner",
                 min_chars: int = 8, max_gap_ms: float = 30, hold_ms: int = 100, parent=None):
        super().__init__(parent)
        self.name = name
        self.listener = listener
        self.state = "ready"
        self.problem = ""
        self.detector = BurstDetector(min_chars, max_gap_ms)
        self._pending_releases: dict[int, int] = {}
        self._replaying = False
        self._timer = QTimer(self, singleShot=True, interval=hold_ms)
        self._timer.timeout.connect(self._held_too_long)
        self._installed = None

    # -- life cycle (same shape as the threaded drivers) -------------------------
    def start(self) -> None:
        app = QCoreApplication.instance()
        app.installEventFilter(self)
        self._installed = app

    def stop(self) -> None:
        self._timer.stop()
        if self._installed is not None:
            self._installed.removeEventFilter(self)
            self._installed = None
        self._release_held()
        self.state = "stopped"

    @property
    def running(self) -> bool:
        return self._installed is not None

    # -- keys ----------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind in _POINTER:
            if self.detector.holding and not self._replaying:
                self._timer.stop()
                self._release_held()  # the keys before the tap, in the field before the tap acts
            return False
        if self._replaying or kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isinstance(obj, QWindow):
            return False  # the same key again on its way to a widget: decided already
        if kind == QEvent.Type.KeyRelease:
            key = event.key()
            if self._pending_releases.get(key):
                self._pending_releases[key] -= 1
                return True
            return False
        if event.isAutoRepeat() and not self.detector.holding:
            return False  # a key held down by a person (a scan's keys are held back: see below)
        key = event.key()
        if key in _MODIFIERS:
            return False
        when = event.timestamp() or time.monotonic() * 1000
        text = event.text()
        if key in _ENTER or text in ("\r", "\n"):  # Return, keypad Enter, or a Linefeed keysym
            if not self.detector.holding:
                return False
            verdict, value = self.detector.enter(when)
            self._timer.stop()
            if verdict == "scan":
                self._pending_releases[key] = self._pending_releases.get(key, 0) + 1
                self.listener(scan_event(self.name, value))
                return True
            self._replay(value)
            return False
        if not text:
            self._release_held()  # an arrow or function key: a person is at the keyboard
            return False
        record = (obj, QGuiApplication.focusObject(), key, event.modifiers(), text)
        self._replay(self.detector.key(text, when, record))
        self._pending_releases[key] = self._pending_releases.get(key, 0) + 1
        self._timer.start()
        return True

    def _held_too_long(self) -> None:
        """No key for ``hold_ms``: typing, unless the keys were a scan without its Enter."""
        if self.detector.burst():
            self.listener(scan_event(self.name, self.detector.take()))
            return
        self._release_held()

    def _release_held(self) -> None:
        self._replay(self.detector.flush())

    def _replay(self, records) -> None:
        if not records:
            return
        from shiboken6 import isValid

        self._replaying = True
        try:
            for window, target, key, modifiers, text in records:
                if target is not None and isValid(target):
                    receiver = target  # where the person typed it
                elif isValid(window):
                    receiver = window
                else:
                    continue
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QCoreApplication.sendEvent(receiver, QKeyEvent(kind, key, modifiers, text))
        finally:
            self._replaying = False
