"""A cashier's full shift at the desk, against the real sandbox: log in, open the shift,
serve patients (a cash repayment; a refund over the desk's limit that a supervisor approves on
the refund screen; a receipt that did not print, reprinted), close the shift: the A4
report's figures match the platform's reconciliation to the fen, and the audit log holds
every step, verifies, and shows tampering."""
from __future__ import annotations

import secrets
import sqlite3
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.domain import clock
from kiosk.domain.money import format_cny
from offline_cache.audit import audit_path, verify
from tests.helpers import patient, pdf_text, tap_card
from tests.sandbox_fixtures import SignedClient

CASHIER, CASHIER_PIN = "1001", "246810"
OTHER_CASHIER, OTHER_PIN = "1002", "135791"
SUPERVISOR, SUPERVISOR_PIN = "2001", "112233"
LIMIT_FEN = 10_000  # ￥100: the refund below is over it


@pytest.fixture
def lobby(sandbox):
    """Another terminal of the hospital (a lobby kiosk), where the patient settled earlier."""
    secret = secrets.token_bytes(32)
    sandbox.store.add_terminal("KIOSK-LOBBY-02", secret, sandbox.hospital_name)
    with SignedClient(sandbox.url, "KIOSK-LOBBY-02", secret) as client:
        yield client


@pytest.fixture
def shift_desk(qtbot, desk_settings, sandbox):
    """The desk terminal's app on its login screen; the platform's refund limit is ￥100."""
    from kiosk.app import KioskApp

    sandbox.store.authority = replace(sandbox.store.authority, refund_supervisor_over_fen=LIMIT_FEN)
    app = KioskApp(desk_settings, secret=sandbox.desk_secret)
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.ready, timeout=20_000):
        app.show()
    yield app
    app.shutdown()


def settle_at_the_lobby(lobby, role: str) -> dict:
    p = patient(role)
    account_id = lobby.post("/v1/identity/lookup", json={"id_number": p["id_number"]}).json()["account_id"]
    visit = lobby.get(f"/v1/patients/{p['patient_id']}/visits?status=open").json()["visits"][0]
    answer = lobby.post("/v1/settlements", json={"patient_id": p["patient_id"], "account_id": account_id,
                                                 "visit_ids": [visit["visit_id"]]},
                        headers={"Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 200, answer.text
    return answer.json()


class PrinterOffline:
    def print_document(self, name: str, pdf: bytes) -> str:
        from printing.backends import PrintError

        raise PrintError("offline", "switched off in the test")


def test_a_cashier_runs_a_full_shift(qtbot, shift_desk, sandbox, sandbox_client, lobby, taps):
    app = shift_desk
    w = app.window
    settled = settle_at_the_lobby(lobby, "tier4")  # before the shift, at another terminal

    # -- log in --------------------------------------------------------------------------
    assert w.current == "login" and not w.home.isVisible()
    form = w.login.form
    qtbot.keyClicks(form.id_field, CASHIER)
    qtbot.keyClicks(form.pin_field, CASHIER_PIN)
    with qtbot.waitSignal(app.desk_login.logged_in, timeout=10_000):
        taps(w.login.login_button)
    assert w.current == "home" and app.services.desk.operator.name == "王丽"
    assert "1001 王丽" in w.header.text()
    assert form.pin_field.text() == ""  # the PIN is gone from the screen

    # -- no money before the shift is open: the platform refuses, the desk offers to open it ----
    repay = app.ctx.journeys["repay"]
    taps(w.home.buttons["repay"])
    tap_card(qtbot, app, "arrears")
    qtbot.waitUntil(lambda: w.current == "repay" and bool(repay.screen.debts), timeout=10_000)
    taps(repay.screen.cash_button)
    taps(w.confirm.confirm_button)  # the desk confirms the cash before it is recorded (issue 13)
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert "Open your shift first" in w.outcome.details.text() and w.outcome.details.text().startswith("⚠")
    assert w.outcome.action_button.text() == "Open the shift"
    assert sandbox.store.account("CA000006")["status"] == "suspended"  # nothing taken

    # -- open the shift ----------------------------------------------------------------------
    shift = app.ctx.journeys["shift"]
    taps(w.outcome.action_button)
    qtbot.waitUntil(lambda: shift.screen.open_button.isVisible(), timeout=10_000)
    with qtbot.waitSignal(shift.opened, timeout=10_000):
        taps(shift.screen.open_button)
    assert "open since" in shift.screen.state.text()
    taps(shift.screen.back_button)

    # -- a repayment in cash ----------------------------------------------------------------
    taps(w.home.buttons["repay"])
    tap_card(qtbot, app, "arrears")
    qtbot.waitUntil(lambda: w.current == "repay" and bool(repay.screen.debts), timeout=10_000)
    owed = repay.screen.debt.total_fen
    taps(repay.screen.cash_button)
    with qtbot.waitSignal(repay.repaid, timeout=10_000) as done:
        taps(w.confirm.confirm_button)
    repaid = done.args[0]
    assert repaid.data["channel"] == "cash" and repaid.amount_fen == owed
    qtbot.waitUntil(lambda: w.current == "outcome")
    taps(w.outcome.done_button)

    # -- a refund over the limit: a supervisor approves it on the refund screen -----------------
    refund = app.ctx.journeys["refund"]
    taps(w.home.buttons["refund"])
    tap_card(qtbot, app, "tier4")
    qtbot.waitUntil(lambda: w.current == "refund_list" and bool(refund.items), timeout=10_000)
    index = [i.settlement_id for i in refund.items].index(settled["settlement_id"])
    taps(refund.list_screen.choices.buttons[index])
    entry = refund.entry_screen
    amount = settled["booked_fen"]
    assert amount > LIMIT_FEN and entry.amount_field.text() == format_cny(amount)[1:]
    taps(entry.reason_buttons["charged_in_error"])
    taps(entry.refund_button)
    assert entry.approval.isVisible() and format_cny(LIMIT_FEN) in entry.approval.text.text()
    # another cashier cannot approve it
    qtbot.keyClicks(entry.approval.form.id_field, OTHER_CASHIER)
    qtbot.keyClicks(entry.approval.form.pin_field, OTHER_PIN)
    taps(entry.refund_button)
    qtbot.waitUntil(lambda: entry.notice.isVisible(), timeout=10_000)
    assert "not a supervisor" in entry.notice.text() and entry.notice.text().startswith("⚠")
    assert w.current == "refund_entry" and entry.approval.isVisible()
    # the supervisor can; the receipt printer is out at that moment
    entry.approval.form.id_field.clear()
    qtbot.keyClicks(entry.approval.form.id_field, SUPERVISOR)
    qtbot.keyClicks(entry.approval.form.pin_field, SUPERVISOR_PIN)
    printer = app.services.printer
    working, printer.backend = printer.backend, PrinterOffline()
    try:
        taps(entry.refund_button)
        qtbot.waitUntil(lambda: w.current == "confirm", timeout=10_000)  # approved: the cashier confirms
        assert w.confirm.figures.text() == format_cny(amount)
        with qtbot.waitSignal(refund.refunded, timeout=10_000) as done:
            taps(w.confirm.confirm_button)
    finally:
        printer.backend = working
    refunded = done.args[0]
    assert refunded.amount_fen == amount and refunded.print_error == "offline"
    qtbot.waitUntil(lambda: w.current == "outcome")
    taps(w.outcome.done_button)
    platform_refund = sandbox.store.overview(patient("tier4")["patient_id"])  # what the platform holds
    assert any(b["settlement_id"] == settled["settlement_id"] and b["refunded_fen"] == amount
               for b in platform_refund["bills"])
    # The platform checked the approval itself: the supervisor's, for this refund, spent by it.
    with sandbox.store.snapshot() as conn:
        [approval] = conn.execute("SELECT * FROM approvals").fetchall()
    assert (approval["supervisor_id"], approval["requested_by"], approval["settlement_id"], approval["amount_fen"]) \
        == (SUPERVISOR, CASHIER, settled["settlement_id"], amount)
    assert approval["used_for"] == refunded.data["reference"]

    # -- the refund receipt, reprinted from the queue ---------------------------------------------
    reprinted = None
    if "reprint" in app.ctx.journeys:  # the printing work's journey (kiosk/ui/reprint.py)
        reprint = app.ctx.journeys["reprint"]
        taps(w.home.buttons["reprint"])
        qtbot.waitUntil(lambda: bool(reprint.screen.items) and bool(reprint.screen.reprint_buttons), timeout=10_000)
        with qtbot.waitSignal(reprint.reprinted, timeout=10_000) as done:
            taps(reprint.screen.reprint_buttons[0])
        item, job, error = done.args[0]
        assert error is None and refunded.data["reference"] in item.reference
        reprinted = Path(job)
        assert "重打副本" in pdf_text(reprinted)
        taps(reprint.screen.back_button)

    # -- close the shift ---------------------------------------------------------------------
    taps(w.home.buttons["shift"])
    qtbot.waitUntil(lambda: shift.screen.close_button.isVisible(), timeout=10_000)
    taps(shift.screen.close_button)
    assert shift.screen.count_field.isVisible() and sandbox.store.current_shift(sandbox.desk_terminal_id)
    qtbot.keyClicks(shift.screen.count_field, format_cny(owed)[1:])  # the cash counted: all there
    with qtbot.waitSignal(shift.closed, timeout=20_000) as done:
        taps(shift.screen.confirm_button)
    closed = done.args[0]
    assert closed.agrees and closed.differences == () and closed.print_error is None
    assert "agree completely" in shift.screen.result.text()
    assert closed.counted_cash_fen == closed.expected_cash_fen == owed and "as expected" in shift.screen.cash.text()

    assert sandbox.store.current_shift(sandbox.desk_terminal_id) is None  # closed at the platform too

    # The report's figures are the platform's reconciliation of the desk's day, to the fen.
    day = clock.business_date(clock.now())
    platform = sandbox.store.reconciliation(sandbox.desk_terminal_id, day)["totals"]
    assert closed.kiosk == closed.platform == platform
    assert platform["repayment"] == {"count": 1, "amount_fen": owed, "credit_fen": 0, "channel_fen": 0,
                                     "cash_fen": owed}
    assert platform["refund"]["count"] == 1 and platform["refund"]["amount_fen"] == amount
    report = pdf_text(Path(closed.report_job))
    rows: dict[str, list[str]] = {}
    for line in report.splitlines():
        if line.split():
            rows.setdefault(line.split()[0], line.split()[1:])
    for label, kind in (("还款", "repayment"), ("退费", "refund"), ("门诊结算", "settlement"),
                        ("挂号", "registration")):
        t = platform[kind]
        assert rows[label] == [str(t["count"]), format_cny(t["amount_fen"]), format_cny(t["credit_fen"]),
                               format_cny(t["channel_fen"]), format_cny(t["cash_fen"]), str(t["count"]),
                               format_cny(t["amount_fen"]), "一致"], label
    assert f"应交现金（收入减退出） 本机 {format_cny(owed)}" in report
    assert "核对结果：一致。本窗口统计与平台记录完全一致" in report and closed.audit_head in report
    [counted] = [line for line in report.splitlines() if "实点现金" in line]
    assert f"实点现金 {format_cny(owed)}" in counted and counted.endswith("与应交现金比：相符")
    assert patient("tier4")["name"] not in report and patient("arrears")["id_number"] not in report

    # -- the audit log: every step, verified; then tampered with ------------------------------
    path = audit_path(app.settings.data_path)
    result = verify(path)
    assert result.ok, result.problems
    trail = [(r.operator_id, r.action) for r in app.services.desk.audit.records()]
    assert trail == [(CASHIER, "login"), (CASHIER, "shift_open"), (OTHER_CASHIER, "refund_approval_refused"),
                     (SUPERVISOR, "refund_approval"), (CASHIER, "refund")] + \
        ([(CASHIER, "reprint")] if reprinted else []) + [(CASHIER, "shift_close")]
    record = app.services.desk.audit.last("refund")
    assert record.details["approved_by"] == SUPERVISOR and record.details["amount_fen"] == amount
    assert result.head == closed.audit_head

    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE audit SET details = replace(details, ?, ?) WHERE action = 'refund'",
                     (str(amount), str(amount // 2)))
    conn.close()
    tampered = verify(path)
    assert not tampered.ok
    assert f"record {record.seq}: changed after it was written" in tampered.problems
