"""The on-screen phone keypad: big keys for touch, backspace and clear; the keyboard works too."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk.ui.keypad import Keypad

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def keypad(qtbot):
    pad = Keypad(11)
    qtbot.addWidget(pad)
    pad.resize(480, 520)
    pad.show()
    qtbot.waitExposed(pad)
    return pad


def test_keys_are_big_enough_for_a_finger(keypad):
    assert set(keypad.keys) == set("0123456789") | {"back", "clear"}
    for key, button in keypad.keys.items():
        assert button.width() >= 60 and button.height() >= 60, key
        assert button.accessibleName(), key
        assert button.focusPolicy() == Qt.FocusPolicy.NoFocus  # typing keeps reaching the keypad


def test_tapping_digits_backspace_and_clear(qtbot, keypad, taps):
    for digit in "1390":
        taps(keypad.keys[digit])
    assert keypad.text() == "1390"
    assert keypad.display.text() == "139 0"  # grouped 3-4-4 as numbers are read
    taps(keypad.keys["back"])
    assert keypad.text() == "139"
    taps(keypad.keys["clear"])
    assert keypad.text() == ""
    assert not keypad.keys["back"].isEnabled() and not keypad.keys["clear"].isEnabled()
    assert taps.count == 6


def test_no_more_digits_than_a_phone_number_has(qtbot, keypad):
    for _ in range(14):
        qtbot.mouseClick(keypad.keys["8"], LEFT)
    assert keypad.text() == "8" * 11
    assert keypad.display.text() == "888 8888 8888"


def test_the_physical_keyboard_types_deletes_clears_and_submits(qtbot, keypad):
    changes = []
    keypad.changed.connect(changes.append)
    keypad.setFocus()
    qtbot.keyClicks(keypad, "139a-12")  # letters and signs are ignored
    assert keypad.text() == "13912"
    qtbot.keyClick(keypad, Qt.Key.Key_Backspace)
    assert keypad.text() == "1391"
    with qtbot.waitSignal(keypad.submitted) as submitted:
        qtbot.keyClick(keypad, Qt.Key.Key_Return)
    assert submitted.args == ["1391"]
    qtbot.keyClick(keypad, Qt.Key.Key_Escape)
    assert keypad.text() == ""
    assert changes[-1] == "" and "13912" in changes


def test_set_text_keeps_digits_only(keypad):
    keypad.set_text("139-0000 0102")
    assert keypad.text() == "13900000102"
    keypad.clear()
    assert keypad.text() == "" and keypad.display.text() == ""
