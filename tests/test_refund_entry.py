"""The desk's refund amount with a keyboard-wedge scanner configured: every digit a cashier
types lands in the amount field (fast or slow, tapping Refund right after), a scan never
does, the field has the keyboard when the screen shows, and nothing is written before the
cashier confirms "退 ￥X 至 信用就医账户"."""
from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent

from tests.conftest import CASHIER, CASHIER_PIN, _booted_app, log_in, open_shift
from tests.helpers import card, patient, tap_card


@pytest.fixture
def wedge_desk(qtbot, desk_settings, sandbox):
    """The desk with a keyboard-wedge scanner configured, cashier logged in, shift open."""
    app = _booted_app(qtbot, desk_settings.with_overrides(scanner="wedge"), sandbox.desk_secret)
    log_in(qtbot, app, CASHIER, CASHIER_PIN)
    open_shift(qtbot, app)
    yield app
    app.shutdown()


class Keyboard:
    """Keys as the window system delivers them to the window (where the wedge filter looks),
    each carrying its own press time: ``gap_ms`` apart by that time. The burst rule reads these
    times, not the clock of a busy test machine."""

    def __init__(self, window):
        self.window = window.windowHandle()
        self.when = 5_000_000

    def type(self, text: str, gap_ms: int) -> None:
        for char in text:
            key = Qt.Key.Key_Period if char == "." else Qt.Key(ord(char.upper()))
            self._key(key, char)
            self.when += gap_ms

    def enter(self) -> None:
        self._key(Qt.Key.Key_Return, "\r")
        self.when += 5

    def _key(self, key, char: str) -> None:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            event.setTimestamp(self.when)
            QCoreApplication.sendEvent(self.window, event)


def settle_visit(client, role: str) -> dict:
    p = patient(role)
    account_id = client.post("/v1/identity/lookup", json={"id_number": p["id_number"]}).json()["account_id"]
    visit = client.get(f"/v1/patients/{p['patient_id']}/visits?status=open").json()["visits"][0]
    answer = client.post("/v1/settlements", json={"patient_id": p["patient_id"], "account_id": account_id,
                                                  "visit_ids": [visit["visit_id"]]},
                         headers={"Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 200, answer.text
    return answer.json()


def to_entry(qtbot, app, taps, client, role="tier1"):
    settled = settle_visit(client, role)
    w = app.window
    journey = app.ctx.journeys["refund"]
    taps(w.home.buttons["refund"])
    tap_card(qtbot, app, role)
    qtbot.waitUntil(lambda: w.current == "refund_list" and bool(journey.items), timeout=10_000)
    index = [i.settlement_id for i in journey.items].index(settled["settlement_id"])
    taps(journey.list_screen.choices.buttons[index])
    assert w.current == "refund_entry"
    return journey, journey.entry_screen, settled


def wedge(app):
    return next(d for d in app.services.reader.devices if d.name == "scanner").filter


def test_the_amount_field_has_the_keyboard_when_shown_and_keeps_it(qtbot, wedge_desk, client, taps):
    journey, entry, settled = to_entry(qtbot, wedge_desk, taps, client)
    w = wedge_desk.window
    qtbot.waitUntil(lambda: w.focusWidget() is entry.amount_field, timeout=2_000)
    assert entry.amount_field.selectedText() == entry.amount_field.text()  # the first key replaces it
    taps(entry.reason_buttons["medicine_returned"])
    taps(entry.keys["⌫"])
    assert w.focusWidget() is entry.amount_field  # a tap leaves the keyboard where the amount is typed
    taps(entry.back_button)
    taps(journey.list_screen.choices.buttons[0])
    assert w.focusWidget() is entry.amount_field


@pytest.mark.parametrize("enter", [True, False], ids=["with Enter", "without a suffix"])
def test_a_scan_never_lands_in_the_amount_field(qtbot, wedge_desk, client, taps, enter):
    journey, entry, settled = to_entry(qtbot, wedge_desk, taps, client)
    prefilled = entry.amount_field.text()
    keyboard = Keyboard(wedge_desk.window)
    keyboard.type(card("tier3").id_number, 4)  # a scanner: 18 digits, 4 ms apart
    if enter:
        keyboard.enter()
    scanner = wedge(wedge_desk)
    qtbot.waitUntil(lambda: not scanner.detector.holding, timeout=2_000)
    assert entry.amount_field.text() == prefilled
    assert wedge_desk.window.current == "refund_entry"


@pytest.mark.parametrize("gap_ms", [5, 150], ids=["wedge speed", "human speed"])
def test_every_digit_typed_lands_even_when_refund_is_tapped_at_once(qtbot, wedge_desk, client, sandbox, taps,
                                                                    gap_ms):
    """The cashier taps the reason, types 3 0 . 0 5 and taps Refund straight after the last key. (Before:
    the held keys reached the field after the tap: ￥37.66, all that was prefilled, was refunded at wedge
    speed, and ￥30.00 at human speed, the last key held.)"""
    journey, entry, settled = to_entry(qtbot, wedge_desk, taps, client)
    w = wedge_desk.window
    taps(entry.reason_buttons["charged_in_error"])
    keyboard = Keyboard(w)
    keyboard.type("30.05", gap_ms)
    taps(entry.refund_button)  # no wait: the finger follows the keys
    assert w.current == "confirm"
    assert w.confirm.figures.text() == "￥30.05" and w.confirm.words.text() == "In words: 人民币叁拾元零伍分"
    assert "Refund ￥30.05 to the credit-care account" in w.confirm.purpose.text()
    with qtbot.waitSignal(journey.refunded, timeout=10_000) as done:
        taps(w.confirm.confirm_button)
    assert done.args[0].amount_fen == 3005
    refunds = sandbox.store.overview(patient("tier1")["patient_id"])["bills"]
    assert [b["refunded_fen"] for b in refunds if b["settlement_id"] == settled["settlement_id"]] == [3005]



def test_the_confirmation_in_chinese(qtbot, desk_settings, sandbox, client, taps):
    """The desk in its default language: "退 ￥X 至 信用就医账户", with the amount in 大写."""
    app = _booted_app(qtbot, desk_settings.with_overrides(language="zh_CN"), sandbox.desk_secret)
    try:
        log_in(qtbot, app, CASHIER, CASHIER_PIN)
        open_shift(qtbot, app)
        journey, entry, settled = to_entry(qtbot, app, taps, client)
        taps(entry.keys["5"])
        taps(entry.reason_buttons["other"])
        taps(entry.refund_button)
        w = app.window
        assert w.current == "confirm"
        assert w.confirm.purpose.text() == "退 ￥5.00 至 信用就医账户"
        assert w.confirm.words.text() == "大写：人民币伍元整"
        taps(w.confirm.back_button)
        assert w.current == "refund_entry" and entry.amount_field.text() == "5"
        w.go_home()
    finally:
        app.shutdown()
