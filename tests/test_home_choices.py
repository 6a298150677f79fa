"""The kiosk's home screen as a patient reads it: paying a bill and the other everyday journeys
are big tiles; closing the credit service is offered, but not with the same weight (issue 13)."""
from __future__ import annotations


def test_closing_the_service_is_a_plain_button_below_the_tiles(qtbot, kiosk, taps):
    home = kiosk.window.home
    pay, close = home.buttons["pay"], home.buttons["close"]
    qtbot.waitUntil(close.isVisible)
    assert close.objectName() == "secondary" and pay.objectName() == "journey"
    assert close.height() < pay.height() and close.width() < pay.width() * 2  # a line of text, not a tile
    assert close.mapTo(home, close.rect().topLeft()).y() > pay.mapTo(home, pay.rect().bottomLeft()).y()  # below
    assert close.text() == "Close credit service"

    taps(home.elderly_button)  # the elderly mode's four journeys: not this one, until "More"
    assert not close.isVisible() and home.more_button.isVisible()
    taps(home.more_button)
    assert close.isVisible()
