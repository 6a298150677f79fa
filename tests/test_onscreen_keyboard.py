"""The on-screen keyboard of the dispute note (kiosk/ui/onscreen_keyboard.py), tapped as a patient taps:
pinyin letters, a candidate, more letters, punctuation, English letters; the note the platform records
is the one tapped. The index's ranking (kiosk/domain/pinyin.py) is checked on the words a note needs."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from PySide6.QtCore import Qt

from kiosk.ui.kit import ELDERLY_TARGET, LEAST_TARGET
from tests.test_journey_dispute import BILL, account_bills, pick_bill


@pytest.fixture(scope="module")
def index():
    from kiosk.ui.onscreen_keyboard import load_index

    return load_index()


def first_page(index, letters: str, size: int = 8) -> list[str]:
    return [c.text for c in index.candidates(letters)[:size]]


def test_the_pinyin_index_offers_the_words_of_a_note_first(index):
    assert "医" in first_page(index, "yi")
    assert "费" in first_page(index, "fei")
    assert first_page(index, "yiyuan")[0] == "医院"
    assert "医院" in first_page(index, "yiyua")  # a word begun
    assert "收费" in first_page(index, "shoufei") and "检查" in first_page(index, "jiancha")
    assert "重复" in first_page(index, "chongfu")  # read as the phrase reads, not 重's first reading
    assert first_page(index, "lv")[0] == "绿"  # ü typed as v
    assert all(len(c) == 1 for c in first_page(index, "zh"))  # a syllable begun: its characters
    # A character uses up its syllable; the rest of the letters stay to go on with.
    yi = next(c for c in index.candidates("yiyuan") if c.text == "医")
    assert yi.letters == 2
    assert all("\u4e00" <= ch <= "\u9fff" for c in index.candidates("a") for ch in c.text)


def test_the_bundles_gzipped_dictionaries_read_as_the_plain_ones(tmp_path):
    """The frozen bundle carries pypinyin's dictionaries gzipped (build.spec, for its size): gzip's own tool packs
    them here, and the keyboard reads the same readings and phrases as from the JSON files pypinyin ships."""
    import importlib.util
    import shutil
    import subprocess
    from pathlib import Path

    from kiosk.ui.onscreen_keyboard import read_dictionaries

    shipped = Path(importlib.util.find_spec("pypinyin").origin).parent
    for name in ("pinyin_dict.json", "phrases_dict.json"):
        shutil.copy(shipped / name, tmp_path / name)
        subprocess.run(["gzip", "-9", tmp_path / name], check=True)  # leaves only NAME.gz
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phrases_dict.json.gz", "pinyin_dict.json.gz"]
    readings, phrases = read_dictionaries(tmp_path)
    assert readings[ord("医")] == "yī,yì" and phrases["重复"] == [["chóng"], ["fù"]]
    assert (readings, phrases) == read_dictionaries(shipped)


def tap(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), f"cannot tap {button.text()!r}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_letters(qtbot, keyboard, letters: str) -> None:
    for letter in letters:
        tap(qtbot, keyboard.keys[letter])


def candidate(qtbot, keyboard, text: str):
    """The candidate button showing ``text``, turning the pages as a patient would."""
    qtbot.waitUntil(lambda: bool(keyboard.shown_candidates()), timeout=10_000)  # the index built on a worker
    for _ in range(20):
        for slot in keyboard.slots:
            if slot.isVisible() and slot.text() == text:
                return slot
        if not keyboard.keys["next"].isEnabled():
            break
        tap(qtbot, keyboard.keys["next"])
    raise AssertionError(f"{text!r} not among the candidates")


def recorded_note(sandbox, bill_id: str) -> str:
    """The note of the bill's open dispute, read from the credit platform's own file."""
    with closing(sqlite3.connect(f"file:{sandbox.store.path}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT text FROM disputes WHERE bill_id = ? AND status = 'open'", (bill_id,)).fetchone()
    return row[0]


def test_a_note_tapped_on_the_keyboard_reaches_the_platform(qtbot, kiosk, sandbox, sandbox_client, taps):
    w = pick_bill(qtbot, kiosk, taps)
    taps(w.dispute_bill.bill_buttons[0])
    screen = w.dispute_reason
    keyboard = screen.keyboard
    assert keyboard is not None and not keyboard.isVisible()
    qtbot.mouseClick(screen.note, Qt.MouseButton.LeftButton)  # the patient taps the note
    qtbot.waitUntil(keyboard.isVisible)
    assert all(k.height() >= LEAST_TARGET and k.width() >= LEAST_TARGET for k in keyboard.keys.values())
    assert not screen.submit_button.isVisible()  # the keyboard in the buttons' place until Done

    type_letters(qtbot, keyboard, "yi")
    qtbot.waitUntil(lambda: "医" in keyboard.shown_candidates(), timeout=10_000)  # on the first page
    type_letters(qtbot, keyboard, "yuan")
    assert keyboard.spelling.text() == "yiyuan" and screen.note.text() == ""
    assert "医院" in keyboard.shown_candidates()
    tap(qtbot, candidate(qtbot, keyboard, "医院"))
    assert screen.note.text() == "医院" and keyboard.letters == ""

    type_letters(qtbot, keyboard, "shoufei")
    first = candidate(qtbot, keyboard, "收")  # one character: the rest of the letters stay
    tap(qtbot, first)
    assert keyboard.spelling.text() == "fei"
    tap(qtbot, candidate(qtbot, keyboard, "费"))
    type_letters(qtbot, keyboard, "liangci")
    tap(qtbot, candidate(qtbot, keyboard, "两次"))
    tap(qtbot, keyboard.keys["punct1"])  # 。
    assert screen.note.text() == "医院收费两次。"

    tap(qtbot, keyboard.keys["switch"])  # 中 -> English letters, straight into the note
    assert keyboard.keys["switch"].text() == "EN"
    type_letters(qtbot, keyboard, "ct")
    tap(qtbot, keyboard.keys["space"])
    type_letters(qtbot, keyboard, "2")
    tap(qtbot, keyboard.keys["backspace"])
    tap(qtbot, keyboard.keys["1"])
    assert screen.note.text() == "医院收费两次。ct 1"
    tap(qtbot, keyboard.keys["done"])
    assert not keyboard.isVisible() and screen.submit_button.isVisible() and screen.back_button.isVisible()

    taps(screen.reason_buttons["duplicate_charge"])
    with qtbot.waitSignal(kiosk.ctx.journeys["dispute"].raised, timeout=10_000):
        taps(screen.submit_button)
    bill = next(b for b in account_bills(sandbox_client, "CA000006") if b["bill_id"] == BILL)
    assert bill["dispute"]["reason_code"] == "duplicate_charge"
    assert recorded_note(sandbox, BILL) == "医院收费两次。ct 1"  # typed by taps alone
    # The next patient finds no letters and no keyboard.
    assert keyboard.letters == "" and not keyboard.isVisible()


def test_the_keys_are_elderly_sized_in_the_elderly_mode(qtbot, kiosk, taps):
    w = pick_bill(qtbot, kiosk, taps)
    kiosk.elderly.set(True)
    taps(w.dispute_bill.bill_buttons[0])
    screen = w.dispute_reason
    qtbot.mouseClick(screen.note, Qt.MouseButton.LeftButton)
    keyboard = screen.keyboard
    qtbot.waitUntil(keyboard.isVisible)
    type_letters(qtbot, keyboard, "fei")
    qtbot.waitUntil(lambda: "费" in keyboard.shown_candidates(), timeout=10_000)  # on the first page
    shown = [k for k in [*keyboard.keys.values(), *keyboard.slots] if k.isVisible()]
    assert all(k.height() >= ELDERLY_TARGET and k.width() >= ELDERLY_TARGET for k in shown)
    right = keyboard.mapTo(w, keyboard.rect().bottomRight())
    assert right.x() <= w.width() and right.y() <= w.height()


def test_the_physical_keyboard_types_into_the_note_while_the_keyboard_is_up(qtbot, kiosk, taps):
    w = pick_bill(qtbot, kiosk, taps)
    taps(w.dispute_bill.bill_buttons[0])
    screen = w.dispute_reason
    qtbot.mouseClick(screen.note, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(screen.keyboard.isVisible)
    qtbot.keyClicks(screen.note, "X-ray")
    tap(qtbot, screen.keyboard.keys["backspace"])  # the on-screen keys edit what was typed too
    assert screen.note.text() == "X-ra" and screen.keyboard.letters == ""


def test_the_desk_has_no_onscreen_keyboard(qtbot, desk, taps):
    journey = desk.ctx.journeys["dispute"]
    assert journey.reason_screen.keyboard is None
