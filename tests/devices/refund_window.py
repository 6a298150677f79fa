"""The desk's real refund amount screen under X with the wedge scanner installed, driven by
``xdotool`` from a test (tests/test_wedge_xvfb.py).

Prints ``ready WINID X Y`` when shown (X Y: the Refund button's centre in the window),
``refund AMOUNT`` when the screen asks for a refund (the amount text as it was then),
``event KIND ...`` for every scanner event, and ``field TEXT`` when asked ``field``.
``reset`` shows the settlement again (the amount prefilled); ``quit`` ends it.
"""
from __future__ import annotations

import sys
from datetime import UTC, datetime

from PySide6.QtWidgets import QApplication

from kiosk.devices.wedge_qt import WedgeScanner
from kiosk.ui.refund import RefundEntryScreen
from kiosk.usecases.refund import REASONS, Refundable
from tests.devices.wedge_window import Control, on_event, say

ITEM = Refundable("STL-X", "MZ20261125000001", "outpatient", datetime(2026, 11, 25, 2, 0, tzinfo=UTC),
                  16750, 0, 16750)  # ￥167.50 refundable, prefilled


def main() -> int:
    app = QApplication(sys.argv[:1] + ["-platform", "xcb"])
    screen = RefundEntryScreen(REASONS)
    screen.setWindowTitle("kiosk-refund-test")
    screen.resize(900, 700)
    screen.refund_requested.connect(lambda amount, reason: say(f"refund {amount}"))
    scanner = WedgeScanner(on_event, parent=app)
    scanner.start()

    def reset() -> None:
        screen.show_item(ITEM)
        screen.choose_reason("charged_in_error")

    reset()
    screen.show()
    control = Control()

    def on_line(line: str) -> None:
        if line == "quit":
            app.quit()
        elif line == "field":
            say(f"field {screen.amount_field.text()}")
        elif line == "reset":
            reset()
            say("ok")

    control.line.connect(on_line)
    control.start()
    app.processEvents()
    centre = screen.refund_button.mapTo(screen, screen.refund_button.rect().center())
    say(f"ready {int(screen.winId())} {centre.x()} {centre.y()}")
    code = app.exec()
    scanner.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
