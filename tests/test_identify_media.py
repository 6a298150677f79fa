"""The identification screen names the media the terminal's devices read, in the screen's language, and
shows the card moving onto the reader while it waits (only then: no animation runs on other screens)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractAnimation

from kiosk.domain.media import media_for
from tests.conftest import _booted_app

ONLY_ID = {"en": ["Resident ID card"], "zh_CN": ["居民身份证"]}
EVERY = {"en": ["Resident ID card", "Social-security card", "Medical-insurance e-voucher (QR code)",
                "E-health card (QR code)"],
         "zh_CN": ["居民身份证", "社保卡", "医保电子凭证（二维码）", "电子健康卡（二维码）"]}


def test_the_media_follow_the_devices():
    assert media_for("simulated") == ("id_card",)
    assert media_for("serial", "pcsc") == ("id_card", "ss_card")
    assert media_for("serial", "", "wedge") == ("id_card", "insurance_qr", "health_qr")
    assert media_for("serial", "pcsc", "serial") == ("id_card", "ss_card", "insurance_qr", "health_qr")


def open_identify(qtbot, app, taps) -> None:
    w = app.window
    qtbot.waitUntil(lambda: w.current == "home" and w.home.buttons["pay"].isEnabled())
    taps(w.home.buttons["pay"])
    qtbot.waitUntil(lambda: w.current == "identify")


def named_in_both_languages(qtbot, app, taps) -> dict[str, list[str]]:
    """The media named on the identify screen, in English, then after the switch on the home screen in Chinese."""
    w = app.window
    named = {}
    for language in ("en", "zh_CN"):
        if app.languages.current != language:
            taps(w.home.language_button)
            qtbot.waitUntil(lambda lang=language: app.languages.current == lang)
        open_identify(qtbot, app, taps)
        named[language] = w.identify.named_media()
        assert all(w.identify.media_places[m].text() for m in w.identify.media)  # and where each goes
        taps(w.identify.back_button)
        qtbot.waitUntil(lambda: w.current == "home")
    return named


@pytest.mark.parametrize(("devices", "expected"), [({}, ONLY_ID),
                                                    ({"sscard_reader": "simulated", "scanner": "simulated"}, EVERY)],
                         ids=["id-reader-only", "every-device"])
def test_the_identify_screen_names_the_configured_media(qtbot, kiosk_settings, sandbox, taps, devices, expected):
    app = _booted_app(qtbot, kiosk_settings.with_overrides(**devices), sandbox.secret)
    try:
        named = named_in_both_languages(qtbot, app, taps)
        assert named == expected
        if not devices:  # a terminal without a code scanner does not name the codes
            assert "QR" not in " ".join(named["en"]) and "二维码" not in " ".join(named["zh_CN"])
    finally:
        app.shutdown()


def test_the_desk_names_the_media_and_keeps_the_typed_id(qtbot, desk, taps):
    open_identify(qtbot, desk, taps)
    screen = desk.window.identify
    assert screen.named_media() == ONLY_ID["en"]
    assert screen.id_field.isVisible() and screen.lookup_button.isVisible()
    assert screen.animation is None  # the cashier needs no picture


def test_the_card_moves_while_the_screen_waits_and_stops_when_it_is_left(qtbot, kiosk, taps):
    w = kiosk.window
    picture = w.identify.animation
    assert picture is not None and not picture.running  # built, not started: the screen is not shown
    open_identify(qtbot, kiosk, taps)
    assert picture.isVisible() and picture.running
    first = picture.card_position
    qtbot.waitUntil(lambda: picture.card_position != first, timeout=3_000)  # the card moved between frames
    moved = picture.card_position
    qtbot.waitUntil(lambda: picture.card_position != moved, timeout=3_000)  # and goes on moving

    taps(w.identify.back_button)
    qtbot.waitUntil(lambda: w.current == "home")
    assert not picture.running
    running = [a for a in w.findChildren(QAbstractAnimation) if a.state() != QAbstractAnimation.State.Stopped]
    assert running == []  # nothing animates on the home screen
    left = picture.animation.currentTime()
    qtbot.wait(200)  # a few frames' time: a stopped animation does not advance
    assert picture.animation.currentTime() == left

    # The elderly mode: the same, more slowly.
    kiosk.elderly.set(True)
    open_identify(qtbot, kiosk, taps)
    assert picture.running and picture.animation.duration() > 2000
    taps(w.identify.back_button)
    qtbot.waitUntil(lambda: w.current == "home")
    assert not picture.running
