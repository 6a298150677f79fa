"""A real window under X with the wedge scanner installed, driven by ``xdotool`` from a test.

Prints ``ready WINID`` when shown, ``typed TEXT`` when the line edit gets Enter
(a person typing), ``event KIND TOKEN_TYPE VALUE`` for every scanner event.
``busy MS`` keeps the GUI thread busy for MS milliseconds; ``quit`` on stdin ends it.
"""
from __future__ import annotations

import sys
import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from kiosk.devices.events import ReadError, TokenPresented
from kiosk.devices.wedge_qt import WedgeScanner


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def on_event(event) -> None:
    if isinstance(event, TokenPresented):
        say(f"event token {event.token_type} {event.token}")
    elif isinstance(event, ReadError):
        say(f"event error {event.reason} -")


class Control(QObject):
    """Lines from stdin, read on a thread of their own, handed to the GUI thread."""

    line = Signal(str)

    def start(self) -> None:
        threading.Thread(target=self._read, name="control", daemon=True).start()

    def _read(self) -> None:
        for text in sys.stdin:
            self.line.emit(text.strip())
        self.line.emit("quit")


def busy(ms: int) -> None:
    """The GUI thread busy for ``ms`` (a screen being built, a slow repaint): keys typed meanwhile wait in the
    queue, as they do on a loaded kiosk. Says ``busy`` first, so the test types while it is."""
    say("busy")
    QTimer.singleShot(0, lambda: time.sleep(ms / 1000))


def main() -> int:
    app = QApplication(sys.argv[:1] + ["-platform", "xcb"])
    window = QWidget()
    window.setWindowTitle("kiosk-wedge-test")
    field = QLineEdit(window)
    field.returnPressed.connect(lambda: (say(f"typed {field.text()}"), field.clear()))
    QVBoxLayout(window).addWidget(field)
    window.resize(400, 100)
    scanner = WedgeScanner(on_event, parent=app)
    scanner.start()
    window.show()
    field.setFocus()
    control = Control()

    def on_line(line: str) -> None:
        if line == "quit":
            app.quit()
        elif line == "focus":
            say(f"focus {int(field.hasFocus())}")
        elif line.startswith("busy "):
            busy(int(line.split()[1]))

    control.line.connect(on_line)
    control.start()
    app.processEvents()
    say(f"ready {int(window.winId())}")
    code = app.exec()
    scanner.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
