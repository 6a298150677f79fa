"""The status bar around every screen (kiosk/ui/status_bar.py), as a patient sees it: the time
left on every screen of a journey, not only in the last warning; none on the home screen."""
from __future__ import annotations

import re

from tests.helpers import tap_card

TIME_LEFT = re.compile(r"Time left (\d+):(\d\d)")


def seconds_shown(window) -> int | None:
    label = window.header.countdown
    found = TIME_LEFT.fullmatch(label.text()) if label.isVisible() else None
    return int(found.group(1)) * 60 + int(found.group(2)) if found else None


def test_every_journey_screen_shows_the_time_left_and_home_does_not(qtbot, kiosk, kiosk_settings, taps):
    w = kiosk.window
    whole = kiosk_settings.idle_timeout_s + kiosk_settings.idle_warning_s  # the settings the test gave
    assert w.current == "home" and seconds_shown(w) is None

    taps(w.home.buttons["pay"])
    assert w.current == "identify"
    qtbot.waitUntil(lambda: seconds_shown(w) is not None, timeout=3_000)
    assert whole - 3 <= seconds_shown(w) <= whole

    tap_card(qtbot, kiosk, "tier3")
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    qtbot.waitUntil(lambda: seconds_shown(w) is not None, timeout=3_000)
    first = seconds_shown(w)
    assert whole - 10 <= first <= whole
    qtbot.waitUntil(lambda: seconds_shown(w) < first, timeout=3_000)  # it counts down, once a second

    taps(w.bill.back_button)
    qtbot.waitUntil(lambda: w.current == "home", timeout=5_000)
    qtbot.waitUntil(lambda: seconds_shown(w) is None, timeout=3_000)


def test_a_printer_out_of_paper_is_told_before_the_patient_starts(qtbot, kiosk_settings, sandbox, taps):
    """An ESC/POS printer answering DLE EOT with paper end (tests/printing/fake_printer.py): the
    bar says so on the home screen, and a journey that prints offers to go on without a receipt
    before anything is paid."""
    from tests.conftest import _booted_app
    from tests.printing.fake_printer import TcpPrinter

    printer = TcpPrinter(state="paper_out")
    app = _booted_app(qtbot, kiosk_settings.with_overrides(
        printer_backend="escpos", escpos_connection=f"tcp:127.0.0.1:{printer.port}"), sandbox)
    try:
        w = app.window
        qtbot.waitUntil(lambda: w.header.printer.text() == "⚠ Printer: out of paper", timeout=10_000)
        assert w.current == "home" and w.header.printer.isVisible()

        taps(w.home.buttons["pay"])
        assert w.current == "outcome"
        assert "The printer has run out of paper" in w.outcome.title.text()
        assert w.outcome.action_button.text() == "Go on without a receipt"
        taps(w.outcome.action_button)
        assert w.current == "identify"  # the patient chose to go on
    finally:
        app.shutdown()
        printer.close()
