"""Closing a cashier's shift through the desk's screens: confirmation with the cash counted, then
the desk's journal against the platform's records of that operator's shift, item by item. A shift
with a cash repayment, a discharge and two refunds; then one entry only in the journal and one only
in the platform's records, and the drawer ￥1.00 short: each shows, on the screen and on paper, and
"本窗口统计与平台记录完全一致" does not."""
from __future__ import annotations

from pathlib import Path

from kiosk.domain.money import format_cny
from tests.helpers import pdf_text, tap_card
from tests.test_refund_entry import settle_visit


def repay_in_cash(qtbot, app, taps) -> int:
    w = app.window
    repay = app.ctx.journeys["repay"]
    taps(w.home.buttons["repay"])
    tap_card(qtbot, app, "arrears")
    qtbot.waitUntil(lambda: w.current == "repay" and bool(repay.screen.debts), timeout=10_000)
    with qtbot.waitSignal(repay.repaid, timeout=10_000) as done:
        taps(repay.screen.cash_button)
        taps(w.confirm.confirm_button)  # the desk confirms the cash before it is recorded (issue 13)
    qtbot.waitUntil(lambda: w.current == "outcome")
    taps(w.outcome.done_button)
    return done.args[0].amount_fen


def discharge(qtbot, app, taps) -> dict:
    w = app.window
    journey = app.ctx.journeys["discharge"]
    taps(w.home.buttons["discharge"])
    tap_card(qtbot, app, "inpatient")
    qtbot.waitUntil(lambda: w.current == "discharge" and w.discharge.confirm_button.isVisible(), timeout=10_000)
    taps(w.discharge.confirm_button)
    with qtbot.waitSignal(journey.discharged, timeout=20_000) as done:
        taps(w.confirm.confirm_button)
    qtbot.waitUntil(lambda: w.current == "outcome")
    taps(w.outcome.done_button)
    return done.args[0].data


def refund(qtbot, app, taps, settlement_id: str, key: str) -> dict:
    w = app.window
    journey = app.ctx.journeys["refund"]
    taps(w.home.buttons["refund"])
    tap_card(qtbot, app, "tier1")
    qtbot.waitUntil(lambda: w.current == "refund_list" and bool(journey.items), timeout=10_000)
    taps(journey.list_screen.choices.buttons[[i.settlement_id for i in journey.items].index(settlement_id)])
    taps(journey.entry_screen.keys[key])
    taps(journey.entry_screen.reason_buttons["medicine_returned"])
    taps(journey.entry_screen.refund_button)
    with qtbot.waitSignal(journey.refunded, timeout=10_000) as done:
        taps(w.confirm.confirm_button)
    qtbot.waitUntil(lambda: w.current == "outcome")
    taps(w.outcome.done_button)
    return done.args[0].data


def close_shift(qtbot, app, taps, counted: str):
    w = app.window
    shift = app.ctx.journeys["shift"]
    taps(w.home.buttons["shift"])
    qtbot.waitUntil(lambda: shift.screen.close_button.isVisible(), timeout=10_000)
    taps(shift.screen.close_button)
    assert shift.screen.count_field.isVisible() and w.focusWidget() is shift.screen.count_field
    assert format_cny(0) not in shift.screen.count_label.text()  # a blind count: nothing expected shown yet
    qtbot.keyClicks(shift.screen.count_field, counted)
    with qtbot.waitSignal(shift.closed, timeout=20_000) as done:
        taps(shift.screen.confirm_button)
    return shift.screen, done.args[0]


def test_differences_item_by_item_and_the_cash_short(qtbot, desk, sandbox, client, taps):
    app = desk
    owed = repay_in_cash(qtbot, app, taps)
    discharged = discharge(qtbot, app, taps)
    settled = settle_visit(client, "tier1")  # at the lobby kiosk, before
    first = refund(qtbot, app, taps, settled["settlement_id"], "1")
    second = refund(qtbot, app, taps, settled["settlement_id"], "2")
    desk_id = sandbox.desk_terminal_id

    with sandbox.store.transaction() as conn:
        shift = sandbox.store.open_shift_row(conn, desk_id)
        # The platform lost the first refund's record; it holds a settlement the desk never wrote.
        conn.execute("DELETE FROM ledger WHERE reference = ?", (first["reference"],))
        conn.execute("INSERT INTO ledger (terminal_id, business_date, kind, reference, amount_fen, credit_fen, "
                     "channel_fen, cash_fen, at) SELECT terminal_id, business_date, 'settlement', 'MZ-GHOST-1', "
                     "4200, 4200, 0, 0, at FROM ledger WHERE reference = ?", (second["reference"],))
    assert shift is not None

    screen, closed = close_shift(qtbot, app, taps, format_cny(owed - 100)[1:])  # ￥1.00 short

    assert not closed.agrees
    assert "2 differences" in screen.result.text() and screen.result.text().startswith("⚠")
    lines = screen.differences.text().splitlines()
    assert lines == [
        f"• Refund {first['reference']} (￥1.00): in the desk's journal, not in the platform's records",
        "• Outpatient settlement MZ-GHOST-1 (￥42.00): in the platform's records, not in the desk's journal"]
    assert screen.cash.text() == (f"⚠ Cash counted {format_cny(owed - 100)}, expected {format_cny(owed)}: short by "
                                  "￥1.00. Count again, then tell the supervisor.")
    assert sandbox.store.current_shift(desk_id) is None  # closed at the platform

    # Everything else agrees: the repayment, the discharge and the second refund, to the fen.
    assert closed.kiosk["repayment"] == closed.platform["repayment"]
    assert closed.kiosk["repayment"]["cash_fen"] == owed
    assert closed.kiosk["discharge"] == closed.platform["discharge"]
    assert closed.kiosk["discharge"]["credit_fen"] == discharged["booked_fen"]
    assert (closed.kiosk["refund"]["count"], closed.platform["refund"]["count"]) == (2, 1)

    report = pdf_text(Path(closed.report_job))
    assert "核对结果：不符，共 2 处差异" in report and "完全一致" not in report
    assert f"退费 {first['reference']}：本窗口日志有（￥1.00），平台记录无" in report
    assert "门诊结算 MZ-GHOST-1：平台记录有（￥42.00），本窗口日志无" in report
    [counted] = [line for line in report.splitlines() if "实点现金" in line]
    assert f"实点现金 {format_cny(owed - 100)}" in counted and counted.endswith("短款 ￥1.00")
    record = app.services.desk.audit.last("shift_close")
    assert (record.details["agrees"], record.details["differences"], record.details["counted_cash_fen"],
            record.details["expected_cash_fen"]) == (False, 2, owed - 100, owed)


def test_the_close_asks_first_and_can_be_kept_open(qtbot, desk, sandbox, taps):
    w = desk.window
    shift = desk.ctx.journeys["shift"]
    taps(w.home.buttons["shift"])
    qtbot.waitUntil(lambda: shift.screen.close_button.isVisible(), timeout=10_000)
    taps(shift.screen.close_button)
    taps(shift.screen.confirm_button)  # no count entered: asked for it, nothing closed
    assert "Enter the cash counted" in shift.screen.notice.text()
    assert sandbox.store.current_shift(sandbox.desk_terminal_id) is not None
    taps(shift.screen.keep_button)
    assert shift.screen.close_button.isVisible() and not shift.screen.count_field.isVisible()
    assert sandbox.store.current_shift(sandbox.desk_terminal_id) is not None
