"""The cashier's desk at keyboard speed, against the real sandbox: the desk's home is its work
list; a whole refund and a repayment with the keyboard alone, the login, the shift and each
confirmation included, every key counted; a mistyped ID number keeps its digits with the
suspect one marked; Esc goes back, F12 logs out from any screen.

The keys go where a keyboard sends them: to the widget that has the keyboard focus (the window
when none has), one QTest key click per key; no mouse event reaches the app in these tests.
"""
from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.domain.money import format_cny
from tests.conftest import CASHIER, CASHIER_PIN, _booted_app
from tests.helpers import patient

K = Qt.Key


class Keyboard:
    """The cashier's keyboard: each key to whatever has the keyboard focus, counted."""

    def __init__(self, window):
        self.window = window
        self.count = 0

    def _target(self):
        return self.window.focusWidget() or self.window

    def press(self, *keys) -> None:
        for key in keys:
            QTest.keyClick(self._target(), key)
            self.count += 1

    def type(self, text: str) -> None:
        for char in text:
            QTest.keyClick(self._target(), char)
            self.count += 1


class NoMouse(QObject):
    """Counts every mouse press or touch the application sees."""

    def __init__(self):
        super().__init__()
        self.presses = 0

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.TouchBegin):
            self.presses += 1
        return False


@pytest.fixture
def no_mouse():
    watch = NoMouse()
    QApplication.instance().installEventFilter(watch)
    yield watch
    QApplication.instance().removeEventFilter(watch)
    assert watch.presses == 0, "a mouse press reached the app: the desk must work from the keyboard alone"


@pytest.fixture
def desk_at_login(qtbot, desk_settings, sandbox):
    """The desk terminal's app on its login screen (nobody logged in, no shift open)."""
    app = _booted_app(qtbot, desk_settings, sandbox.desk_secret)
    app.window.activateWindow()
    yield app
    app.shutdown()


def write(client, path: str, body: dict) -> dict:
    response = client.post(path, json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 200, response.text
    return response.json()


def settle_visit(client, role: str) -> dict:
    """The patient's open visit settled on credit earlier, at a kiosk."""
    p = patient(role)
    account_id = client.post("/v1/identity/lookup", json={"id_number": p["id_number"]}).json()["account_id"]
    visit = client.get(f"/v1/patients/{p['patient_id']}/visits?status=open").json()["visits"][0]
    return write(client, "/v1/settlements", {"patient_id": p["patient_id"], "account_id": account_id,
                                             "visit_ids": [visit["visit_id"]]})


def log_in(qtbot, app, keys: Keyboard) -> None:
    """Staff number, Enter, PIN, Enter: 12 keys."""
    assert app.window.current == "login"
    keys.type(CASHIER)
    keys.press(K.Key_Return)  # on to the PIN
    keys.type(CASHIER_PIN)
    with qtbot.waitSignal(app.desk_login.logged_in, timeout=10_000):
        keys.press(K.Key_Return)
    assert app.window.current == "home"


def open_shift(qtbot, app, keys: Keyboard) -> None:
    """F11, Enter (Open shift), Esc: 3 keys."""
    w, shift = app.window, app.ctx.journeys["shift"]
    keys.press(K.Key_F11)
    assert w.current == "shift"
    qtbot.waitUntil(lambda: shift.screen.open_button.isVisible() and shift.screen.open_button.isEnabled(),
                    timeout=10_000)
    assert shift.screen.open_button.text() == "Open shift"
    with qtbot.waitSignal(shift.opened, timeout=10_000):
        keys.press(K.Key_Return)
    keys.press(K.Key_Escape)
    assert w.current == "home"


def test_a_refund_and_a_repayment_with_the_keyboard_alone(qtbot, desk_at_login, client, no_mouse):
    """Budget, stated: the login 12 keys (4 + Enter + 6 + Enter), the shift 3, a refund of ￥5.00 of
    one settlement 26 (F2, the 18 characters of the ID, Enter, Enter on the settlement, "5", F6 for the
    reason, Enter, Enter to confirm, Enter on the outcome), a cash repayment of all that is owed 23 (F3,
    18, Enter, Enter for cash, Enter to confirm, Enter on the outcome), logging out 1: 65 keys, 36 of
    them the two ID numbers."""
    app, w = desk_at_login, desk_at_login.window
    keys = Keyboard(w)
    settled = settle_visit(client, "tier1")
    refund_account = client.get(f"/v1/accounts/{settled['account_id']}").json()
    arrears = client.post("/v1/identity/lookup", json={"id_number": patient("arrears")["id_number"]}).json()
    owed_before = client.get(f"/v1/accounts/{arrears['account_id']}").json()

    log_in(qtbot, app, keys)
    assert keys.count == 12
    assert w.home.buttons["refund"].text() == "F2 Refund" and w.home.buttons["repay"].text() == "F3 Repay"
    open_shift(qtbot, app, keys)
    assert keys.count == 15

    # -- the refund ---------------------------------------------------------------------------
    refund = app.ctx.journeys["refund"]
    keys.press(K.Key_F2)
    assert w.current == "identify" and w.focusWidget() is w.identify.id_field  # the field has the keyboard
    keys.type(patient("tier1")["id_number"])
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: w.current == "refund_list" and bool(refund.items), timeout=10_000)
    index = [i.settlement_id for i in refund.items].index(settled["settlement_id"])
    assert index == 0  # the newest settlement first, with the keyboard on it
    assert w.focusWidget() is refund.list_screen.choices.buttons[0]
    keys.press(K.Key_Return)
    entry = refund.entry_screen
    assert w.current == "refund_entry" and w.focusWidget() is entry.amount_field
    assert entry.amount_field.text() == format_cny(settled["booked_fen"])[1:]  # all of it, selected
    keys.type("5")  # replaces it
    assert entry.amount_field.text() == "5"
    assert entry.reason_buttons["medicine_returned"].text() == "F6 Medicine returned"
    keys.press(K.Key_F6)
    assert entry.reason == "medicine_returned" and w.focusWidget() is entry.amount_field
    keys.press(K.Key_Return)
    assert w.current == "confirm" and "Refund ￥5.00 to the credit-care account" in w.confirm.purpose.text()
    assert client.get(f"/v1/accounts/{settled['account_id']}").json()["used_fen"] == refund_account["used_fen"]
    with qtbot.waitSignal(refund.refunded, timeout=10_000) as done:
        keys.press(K.Key_Return)
    assert (done.args[0].amount_fen, done.args[0].to_credit_fen) == (500, 500)
    qtbot.waitUntil(lambda: w.current == "outcome")
    keys.press(K.Key_Return)  # Done
    assert w.current == "home"
    assert client.get(f"/v1/accounts/{settled['account_id']}").json()["used_fen"] == \
        refund_account["used_fen"] - 500
    assert keys.count == 15 + 26

    # -- the repayment ------------------------------------------------------------------------
    repay = app.ctx.journeys["repay"]
    keys.press(K.Key_F3)
    assert w.focusWidget() is w.identify.id_field
    keys.type(patient("arrears")["id_number"])
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: w.current == "repay" and bool(repay.screen.debts), timeout=10_000)
    owed = repay.screen.amount_fen
    assert owed == owed_before["outstanding_fen"] > 0
    assert repay.screen.cash_button.text() == f"F5 Cash {format_cny(owed)}"
    keys.press(K.Key_Return)  # cash: recorded only after the confirmation
    assert w.current == "confirm" and f"Repayment of {format_cny(owed)} received in cash" in w.confirm.purpose.text()
    assert client.get(f"/v1/accounts/{arrears['account_id']}").json()["used_fen"] == owed_before["used_fen"]
    with qtbot.waitSignal(repay.repaid, timeout=10_000) as done:
        keys.press(K.Key_Return)
    assert done.args[0].data["channel"] == "cash" and done.args[0].amount_fen == owed
    qtbot.waitUntil(lambda: w.current == "outcome")
    keys.press(K.Key_Return)
    assert w.current == "home"
    after = client.get(f"/v1/accounts/{arrears['account_id']}").json()
    assert after["used_fen"] == owed_before["used_fen"] - owed and after["status"] == "active"
    assert keys.count == 15 + 26 + 23

    with qtbot.waitSignal(app.desk_login.logged_out, timeout=5_000):
        keys.press(K.Key_F12)
    assert w.current == "login" and app.services.desk.operator is None
    assert keys.count == 65


def test_a_mistyped_id_number_keeps_its_digits_and_marks_the_check_character(qtbot, desk_at_login, no_mouse):
    """GB 11643's check only says the 18 characters disagree: the digits stay, the check character is
    selected (typing replaces it) and the words say to compare every digit with the card."""
    app, w = desk_at_login, desk_at_login.window
    keys = Keyboard(w)
    log_in(qtbot, app, keys)
    number = patient("tier1")["id_number"]
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    keys.press(K.Key_F4)  # pay an outpatient bill: identify first
    field = w.identify.id_field
    assert w.current == "identify" and w.focusWidget() is field
    keys.type(wrong)
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: w.identify.hint.isVisible(), timeout=10_000)
    assert w.current == "identify" and field.text() == wrong  # all 18 kept
    assert (field.selectionStart(), field.selectedText()) == (17, wrong[17])
    assert w.focusWidget() is field
    hint = w.identify.hint.text()
    assert hint.startswith("⚠") and "last character" in hint and "compare each digit" in hint
    assert number[17] not in hint.replace(wrong, "")  # the "right" check character is never offered
    keys.type(number[17])  # the cashier finds the typo was there: one key
    assert field.text() == number
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: w.current != "identify", timeout=10_000)
    assert not w.identify.hint.isVisible() or w.identify.hint.text() == ""


def test_a_typo_in_the_digits_marks_the_check_character_and_a_bad_date_its_digits(qtbot, desk_at_login):
    app, w = desk_at_login, desk_at_login.window
    keys = Keyboard(w)
    log_in(qtbot, app, keys)
    field = w.identify.id_field
    number = patient("tier1")["id_number"]
    keys.press(K.Key_F3)
    typo = number[:3] + str((int(number[3]) + 1) % 10) + number[4:]  # the 4th digit mistyped
    keys.type(typo)
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: w.identify.hint.isVisible(), timeout=10_000)
    assert field.text() == typo and field.selectedText() == typo[17]  # where MOD 11-2 notices, not a guess
    field.clear()
    bad_date = number[:10] + "13" + number[12:]  # month 13
    keys.type(bad_date)
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: "birth date" in w.identify.hint.text(), timeout=10_000)
    assert field.text() == bad_date and (field.selectionStart(), field.selectedText()) == (6, bad_date[6:14])
    keys.press(K.Key_Escape)  # back to the work list
    assert w.current == "home" and field.text() == ""


def test_the_desk_home_is_the_work_list(qtbot, desk_at_login, client, no_mouse):
    """No shift open and a late phone payment: both on the work list, each a key away from its journey;
    opening the shift takes its line off."""
    app, w = desk_at_login, desk_at_login.window
    keys = Keyboard(w)
    client.present("tier1")
    paid = write(client, "/v1/payments", {"patient_id": patient("tier1")["patient_id"], "amount_fen": 1234,
                                           "purpose": "repayment"})
    write(client, f"/v1/_sandbox/payments/{paid['payment_id']}/complete", {})
    write(client, f"/v1/payments/{paid['payment_id']}/refund", {"late": "refunded_after_cancel"})

    worklist = app.desk_login.worklist
    with qtbot.waitSignal(worklist.loaded, timeout=10_000):
        log_in(qtbot, app, keys)
    home = w.home
    assert home.title.text() == "Desk work list" and "Welcome" not in home.title.text()
    assert home.items["shift"].isVisible() and "No shift is open" in home.items["shift"].text()
    assert home.items["late"].isVisible() and home.items["late"].text().startswith("1 phone payment(s) came late")
    assert not home.items["conflicts"].isVisible() and not home.items["reprints"].isVisible()
    assert app.desk_login.bar.isVisible() and app.desk_login.bar.logout_button.text() == "F12 Log out"

    keys.press(K.Key_Tab)  # the first line of the list, then Enter: its journey
    assert w.focusWidget() is home.items["shift"]
    keys.press(K.Key_Tab)
    assert w.focusWidget() is home.items["late"]
    keys.press(K.Key_Return)
    late = app.ctx.journeys["late_payments"]
    qtbot.waitUntil(lambda: w.current == "late_payments" and bool(late.screen.items), timeout=10_000)
    assert late.screen.table.item(0, 1).text() == format_cny(1234)
    with qtbot.waitSignal(worklist.loaded, timeout=10_000):
        keys.press(K.Key_Return)  # nothing to confirm on the list: Enter goes back
    assert w.current == "home"

    open_shift(qtbot, app, keys)
    qtbot.waitUntil(lambda: not worklist.screen.loading and not home.items["shift"].isVisible(), timeout=10_000)
    assert home.state.text().startswith("Shift ") and "open since" in home.state.text()


def test_esc_goes_back_where_safe_and_f12_logs_out_from_any_screen(qtbot, desk_at_login, client, no_mouse):
    app, w = desk_at_login, desk_at_login.window
    keys = Keyboard(w)
    log_in(qtbot, app, keys)
    open_shift(qtbot, app, keys)
    settled = settle_visit(client, "tier1")
    refund = app.ctx.journeys["refund"]
    keys.press(K.Key_F2)
    keys.type(patient("tier1")["id_number"])
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: w.current == "refund_list" and bool(refund.items), timeout=10_000)
    keys.press(K.Key_Return)
    keys.press(K.Key_F5)  # a reason
    keys.press(K.Key_Return)
    assert w.current == "confirm"
    keys.press(K.Key_Escape)  # nothing written: back to the amount
    assert w.current == "refund_entry" and w.focusWidget() is refund.entry_screen.amount_field
    keys.press(K.Key_Escape)
    assert w.current == "refund_list"
    before = client.get(f"/v1/accounts/{settled['account_id']}").json()["used_fen"]
    with qtbot.waitSignal(app.desk_login.logged_out, timeout=5_000):
        keys.press(K.Key_F12)
    assert w.current == "login" and app.services.desk.operator is None
    assert patient("tier1")["name"][0] + "*" not in w.refund_list.who.text()  # the patient's data went with it
    assert client.get(f"/v1/accounts/{settled['account_id']}").json()["used_fen"] == before
    assert not app.desk_login.bar.isVisible()
    keys.press(K.Key_F2)  # nobody logged in: the keys do nothing
    assert w.current == "login"
