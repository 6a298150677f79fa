"""Baseline for ``ready_ratio`` and ``first_paint_ratio``: the cheapest PySide6 window that
reaches the screen.

A QApplication and a QWidget holding a QLabel, shown at the size the kiosk
uses when not full screen (see ``KioskApp.show``), quitting on its first
paint, the same way ``kiosk --exit-after-first-paint`` quits on the home
screen's first paint, and printing when that paint came as the app does
(``kiosk-bench-frame <CLOCK_MONOTONIC seconds>``): the benchmarks time spawn
to that frame, not to the exit. Run as ``python -m benchmarks.bare_window``.
"""
from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

WIDTH, HEIGHT = 1280, 800  # KioskApp.show() when not full screen


class _QuitOnFirstPaint(QObject):
    def __init__(self, app: QApplication):
        super().__init__()
        self._app = app
        self._done = False

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            print(f"kiosk-bench-frame {time.monotonic():.6f}", flush=True)  # as kiosk.__main__ does
            self._app.quit()
        return False  # let the paint happen


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QWidget()
    layout = QVBoxLayout(window)
    layout.addWidget(QLabel("Hello", window))
    quitter = _QuitOnFirstPaint(app)
    window.installEventFilter(quitter)
    window.resize(WIDTH, HEIGHT)
    window.show()
    code = app.exec()
    window.removeEventFilter(quitter)
    return code


if __name__ == "__main__":
    sys.exit(main())
