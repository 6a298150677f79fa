"""Operator login at the desk, checked by the platform: roles, lockout after five wrong PINs
(lifted after a quarter of an hour), a new login after the desk stood idle, and the operator
session the platform gives the desk, ended at logout."""
from __future__ import annotations

from dataclasses import replace

import pytest

from tests.helpers import all_texts, patient, tap_card
from tests.sandbox_fixtures import counterparts, error_of


def boot_desk(qtbot, settings, sandbox):
    """The app in desk mode on the platform's desk terminal, on its login screen."""
    from kiosk.app import KioskApp

    app = KioskApp(settings.with_overrides(mode="desk", terminal_id=sandbox.desk_terminal_id,
                                           **counterparts(sandbox, desk=True)),
                   secret=sandbox.desk_secret)
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.ready, timeout=20_000):
        app.show()
    return app


@pytest.fixture
def desk_app(qtbot, kiosk_settings, sandbox, request):
    overrides = getattr(request, "param", {})
    app = boot_desk(qtbot, kiosk_settings.with_overrides(**overrides), sandbox)
    yield app
    app.shutdown()


def test_the_platform_checks_pins_counts_failures_and_locks(desk_client, sandbox):
    sandbox_client = desk_client  # a cashier desk: a kiosk logs in IT staff only (test_attacker.py)
    ok = sandbox_client.post("/v1/operators/login", json={"operator_id": "2001", "pin": "112233"})
    assert ok.status_code == 200 and ok.json()["roles"] == ["cashier", "supervisor"]
    assert ok.json()["session"]["idle_s"] == 900 and len(ok.json()["session"]["token"]) >= 32
    for _ in range(4):
        wrong = sandbox_client.post("/v1/operators/login", json={"operator_id": "1002", "pin": "000000"})
        assert wrong.status_code == 401 and error_of(wrong)["code"] == "operator_login_failed"
    unknown = sandbox_client.post("/v1/operators/login", json={"operator_id": "4711", "pin": "000000"})
    assert unknown.status_code == 401 and error_of(unknown) == error_of(wrong)  # the same answer
    fifth = sandbox_client.post("/v1/operators/login", json={"operator_id": "1002", "pin": "000000"})
    assert fifth.status_code == 423 and error_of(fifth)["code"] == "operator_locked"
    right = sandbox_client.post("/v1/operators/login", json={"operator_id": "1002", "pin": "135791"})
    assert right.status_code == 423  # locked is locked
    unlocked = sandbox_client.write("/v1/_sandbox/operators/1002/unlock", json={})
    assert unlocked.status_code == 200
    sandbox.store.move_clock(advance_s=900)  # the desk's budget of failed attempts (10) fills up again
    assert sandbox_client.post("/v1/operators/login", json={"operator_id": "1002", "pin": "135791"}).status_code == 200
    # A correct PIN resets the count: four more wrong ones do not lock.
    for _ in range(4):
        sandbox_client.post("/v1/operators/login", json={"operator_id": "1002", "pin": "000000"})
    assert sandbox_client.post("/v1/operators/login", json={"operator_id": "1002", "pin": "135791"}).status_code == 200
    # A lock lifts by itself after a quarter of an hour (platform time).
    sandbox.store.move_clock(advance_s=3600)  # the terminal's budget of failures fills up again
    for _ in range(5):
        last = sandbox_client.post("/v1/operators/login", json={"operator_id": "1001", "pin": "000000"})
    assert last.status_code == 423 and error_of(last)["details"]["unlocks_at"] > error_of(last)["details"]["locked_at"]
    sandbox.store.move_clock(advance_s=14 * 60)
    assert sandbox_client.post("/v1/operators/login", json={"operator_id": "1001", "pin": "246810"}).status_code == 423
    sandbox.store.move_clock(advance_s=60)
    assert sandbox_client.post("/v1/operators/login", json={"operator_id": "1001", "pin": "246810"}).status_code == 200


def test_five_wrong_pins_lock_the_operator_and_the_desk_says_so(qtbot, desk_app, taps):
    app, w = desk_app, desk_app.window
    assert w.current == "login"
    screen = w.login
    for n in range(1, 6):
        screen.form.id_field.setText("1001")
        qtbot.keyClicks(screen.form.pin_field, "000000")
        taps(screen.login_button)
        qtbot.waitUntil(lambda: screen.error.isVisible() and not screen.status.isVisible(), timeout=10_000)
        if n < 5:
            assert "wrong" in screen.error.text() and "After 5 wrong PINs" in screen.error.text()
    assert screen.error.text().startswith("⚠") and "locked" in screen.error.text()
    # The right PIN now: still locked, still on the login screen.
    screen.form.id_field.setText("1001")
    qtbot.keyClicks(screen.form.pin_field, "246810")
    taps(screen.login_button)
    qtbot.waitUntil(lambda: screen.error.isVisible() and not screen.status.isVisible(), timeout=10_000)
    assert "locked" in screen.error.text() and w.current == "login"
    assert app.services.desk.operator is None
    refusals = [r.details["code"] for r in app.services.desk.audit.records("login_refused")]
    assert refusals == ["operator_login_failed"] * 4 + ["operator_locked"] * 2


def test_it_staff_cannot_work_the_desk(qtbot, desk_app, taps):
    w = desk_app.window
    w.login.form.id_field.setText("9001")
    qtbot.keyClicks(w.login.form.pin_field, "998877")
    taps(w.login.login_button)
    qtbot.waitUntil(lambda: w.login.error.isVisible(), timeout=10_000)
    assert "may not work at the cashier desk" in w.login.error.text() and w.current == "login"


@pytest.mark.parametrize("desk_app", [{"operator_idle_s": 1}], indirect=True)
def test_an_idle_desk_asks_for_the_login_again(qtbot, desk_app, taps):
    app, w = desk_app, desk_app.window
    w.login.form.id_field.setText("1001")
    qtbot.keyClicks(w.login.form.pin_field, "246810")
    with qtbot.waitSignal(app.desk_login.logged_in, timeout=10_000):
        taps(w.login.login_button)
    # A patient's repayment is on the screen when the cashier walks away.
    taps(w.home.buttons["repay"])
    tap_card(qtbot, app, "arrears")
    qtbot.waitUntil(lambda: w.current == "repay" and bool(app.ctx.journeys["repay"].screen.debts), timeout=10_000)
    masked = app.ctx.journeys["repay"].screen.who.text()
    assert masked
    with qtbot.waitSignal(app.desk_login.logged_out, timeout=10_000) as out:
        pass  # one second without input
    assert out.args == ["idle"]
    assert w.current == "login" and app.services.desk.operator is None
    assert masked not in all_texts(w) and patient("arrears")["name"] not in all_texts(w)
    assert w.header.text() == app.settings.hospital_name
    # The logout's audit record is written on a worker after the signal: wait for it.
    qtbot.waitUntil(lambda: [r.details for r in app.services.desk.audit.records("logout")] == [{"reason": "idle"}],
                    timeout=10_000)
    # The home screen stays out of reach until someone logs in again.
    w.go_home()
    assert w.current == "login"
    w.login.form.id_field.setText("1001")
    qtbot.keyClicks(w.login.form.pin_field, "246810")
    with qtbot.waitSignal(app.desk_login.logged_in, timeout=10_000):
        taps(w.login.login_button)
    assert w.current == "home"


def test_logging_out_from_the_shift_screen_ends_the_session_at_the_platform(qtbot, desk, sandbox, taps):
    w = desk.window
    token = desk.services.platform.operator.token
    assert token and sandbox.store.events("login")[-1]["operator_id"] == "1001"
    taps(w.home.buttons["shift"])
    screen = desk.ctx.journeys["shift"].screen
    qtbot.waitUntil(lambda: screen.close_button.isVisible(), timeout=10_000)
    assert "王丽" in screen.who.text() and "open since" in screen.state.text()  # opened by the fixture
    with qtbot.waitSignal(desk.desk_login.logged_out, timeout=5_000):
        taps(screen.logout_button)
    assert w.current == "login" and desk.services.desk.operator is None
    assert desk.services.platform.operator.token is None  # no request carries it any more
    qtbot.waitUntil(lambda: bool(sandbox.store.events("logout")), timeout=10_000)

    from sandbox.store.authority import token_hash

    with sandbox.store.snapshot() as conn:
        row = conn.execute("SELECT ended_at, end_reason FROM operator_sessions WHERE token_hash = ?",
                           (token_hash(token),)).fetchone()
    assert row["ended_at"] is not None and row["end_reason"] == "logout"


def test_a_refund_over_the_limit_by_a_supervisor_needs_no_second_login(qtbot, kiosk_settings, sandbox,
                                                                       sandbox_client, taps):
    from tests.conftest import open_shift
    from tests.test_desk_shift import settle_at_the_lobby

    settled = settle_at_the_lobby(sandbox_client, "tier4")
    sandbox.store.authority = replace(sandbox.store.authority, refund_supervisor_over_fen=10_000)
    app = boot_desk(qtbot, kiosk_settings, sandbox)
    try:
        w = app.window
        w.login.form.id_field.setText("2001")
        qtbot.keyClicks(w.login.form.pin_field, "112233")
        with qtbot.waitSignal(app.desk_login.logged_in, timeout=10_000):
            taps(w.login.login_button)
        assert app.services.desk.supervisor_over_fen == 10_000  # the platform's limit, given at login
        open_shift(qtbot, app)
        refund = app.ctx.journeys["refund"]
        taps(w.home.buttons["refund"])
        tap_card(qtbot, app, "tier4")
        qtbot.waitUntil(lambda: bool(refund.items), timeout=10_000)
        index = [i.settlement_id for i in refund.items].index(settled["settlement_id"])
        taps(refund.list_screen.choices.buttons[index])
        taps(refund.entry_screen.reason_buttons["other"])
        taps(refund.entry_screen.refund_button)
        assert w.current == "confirm"  # no approval asked: straight to the cashier's confirmation
        with qtbot.waitSignal(refund.refunded, timeout=10_000):
            taps(w.confirm.confirm_button)
        assert not refund.entry_screen.approval.asked
        record = app.services.desk.audit.last("refund")
        assert record.operator_id == "2001" and record.details["approved_by"] == "2001"
    finally:
        app.shutdown()


def test_a_session_the_platform_ended_brings_the_login_back(qtbot, desk, sandbox, taps):
    """Unused for a quarter of an hour at the platform (the desk's own clock did not see it):
    the first request says so, the desk shows the login, and after it the shift goes on."""
    w = desk.window
    sandbox.store.move_clock(advance_s=901)  # platform time: the operator session is over
    taps(w.home.buttons["repay"])
    tap_card(qtbot, desk, "arrears")  # the typed/read ID is an operator's action at a desk: refused
    with qtbot.waitSignal(desk.desk_login.logged_out, timeout=10_000) as out:
        pass
    assert out.args == ["session_ended"] and w.current == "login"
    assert patient("arrears")["name"][0] + "*" not in all_texts(w)  # the patient's data cleared
    # the platform answered nothing about the patient under the ended session (whichever request came first:
    # the lookup, or the work list's refresh)
    assert all(e["outcome"] != "ok" for e in sandbox.store.events("lookup"))
    w.login.form.id_field.setText("1001")
    qtbot.keyClicks(w.login.form.pin_field, "246810")
    with qtbot.waitSignal(desk.desk_login.logged_in, timeout=10_000):
        taps(w.login.login_button)
    repay = desk.ctx.journeys["repay"]
    taps(w.home.buttons["repay"])  # the shift is still open: money goes on
    tap_card(qtbot, desk, "arrears")
    qtbot.waitUntil(lambda: w.current == "repay" and bool(repay.screen.debts), timeout=10_000)
    with qtbot.waitSignal(repay.repaid, timeout=10_000) as done:
        taps(repay.screen.cash_button)
        taps(w.confirm.confirm_button)  # the desk confirms the cash before it is recorded (issue 13)
    assert done.args[0].data["channel"] == "cash"

