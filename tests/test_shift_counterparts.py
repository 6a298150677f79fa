"""The desk's shift close also reconciles the business day so far with the insurance platform, the credit platform
and the HIS (issue 12): shown on the shift screen and printed on the report, apart from the shift's own figures.
A discharge settled at the desk through the saga; then its bill shown unpaid again at the HIS behind the desk's
back: the close names it, with what a supervisor does, on the screen and on paper."""
from __future__ import annotations

from pathlib import Path

from kiosk.domain import clock
from offline_cache.sagas import Sagas
from tests.helpers import pdf_text
from tests.test_shift_close import close_shift, discharge


def test_the_day_at_the_three_counterparts_on_the_screen_and_on_paper(qtbot, desk, sandbox, taps):
    app = desk
    discharged = discharge(qtbot, app, taps)
    saga, = [s for s in Sagas(app.services.journal).of_day(clock.business_date(clock.now())) if s.state == "settled"]
    assert saga.kind == "discharge" and discharged["booked_fen"] > 0
    bill_id = saga.facts["bills"][0]["bill_id"]
    with sandbox.his.store.snapshot() as conn:
        total_fen = conn.execute("SELECT total_fen FROM bills WHERE bill_id = ?", (bill_id,)).fetchone()[0]
    app.services.ports.his.unmark_paid(saga.last("mark").key)  # the HIS's staff undid the payment

    screen, closed = close_shift(qtbot, app, taps, "0")

    assert closed.counterparts_checked == ("insurance", "credit", "his")
    lines = screen.day.text().splitlines()
    assert lines[0] == ("⚠ The day so far at the insurance platform, the credit platform and the HIS: 1 differences. "
                        "A supervisor deals with each one:")
    from kiosk.domain.money import format_cny

    assert lines[1] == (f"• HIS, bills {bill_id} ({format_cny(total_fen)}, saga {saga.saga_id[:12]}): unpaid again at "
                        "the HIS, while settled at the insurance and on credit. A supervisor marks the bills paid at "
                        "the HIS again (with the settlement and the booking), or cancels the settlement at the "
                        "insurance and voids the booking.")
    assert len(lines) == 2
    report = pdf_text(Path(closed.report_job))
    assert "当日与医保、信用平台、HIS 对账：1 处差异" in report
    assert "HIS显示未缴费，本机为已结算" in report and saga.saga_id[:12] in report


def test_a_day_that_agrees_says_so(qtbot, desk, taps):
    discharge(qtbot, desk, taps)
    screen, closed = close_shift(qtbot, desk, taps, "0")
    assert closed.counterparts == ()
    assert screen.day.text() == ("✓ The day so far agrees with the insurance platform, the credit platform and the "
                                 "HIS, to the fen.")
    assert "当日与医保、信用平台、HIS 对账：一致。" in pdf_text(Path(closed.report_job))
