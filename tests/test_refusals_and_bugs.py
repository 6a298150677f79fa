"""Refusals and bugs are told apart by type: a refusal (``kiosk.domain.errors.Refusal``) shows
its own message and leaves no traceback in the log; anything else is a bug: the patient sees
the generic message (nothing was charged twice, ask staff) and the log has the traceback."""
from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt

from kiosk.domain.errors import Refusal
from tests.helpers import tap_card

LEFT = Qt.MouseButton.LeftButton
GENERIC = "Something went wrong here. Nothing was charged twice. Please ask a member of staff for help."


def open_bill(qtbot, app, role: str):
    w = app.window
    qtbot.mouseClick(w.home.buttons["pay"], LEFT)
    tap_card(qtbot, app, role)
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    return w


def tracebacks(caplog) -> list[str]:
    return [caplog.handler.formatter.formatException(r.exc_info) if caplog.handler.formatter else
            logging.Formatter().formatException(r.exc_info) for r in caplog.records if r.exc_info]


def test_a_bug_in_the_use_case_shows_the_generic_message_and_is_logged_with_its_traceback(
        qtbot, kiosk, sandbox_client, caplog, monkeypatch):
    def settle_reading_a_broken_answer(session, visits_or_prepared, *rest):
        b"\xff\xfe answer".decode("utf-8")  # a bug: it has a ``reason`` attribute, and is no refusal

    w = open_bill(qtbot, kiosk, "tier2")
    # the settlement's use case: the saga's entry (the kiosk has the HIS and the insurance, issue 12)
    monkeypatch.setattr(kiosk.services.settle, "settle_saga", settle_reading_a_broken_answer)
    before = sandbox_client.get("/v1/accounts/CA000002").json()["used_fen"]
    with caplog.at_level(logging.INFO, logger="kiosk"):
        qtbot.mouseClick(w.bill.confirm_button, LEFT)
        qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)

    assert w.outcome.details.text() == "⚠ " + GENERIC
    assert "UnicodeDecodeError" not in w.outcome.details.text()
    logged = tracebacks(caplog)
    assert len(logged) == 1
    assert "settle_reading_a_broken_answer" in logged[0] and "UnicodeDecodeError" in logged[0]
    assert sandbox_client.get("/v1/accounts/CA000002").json()["used_fen"] == before
    qtbot.mouseClick(w.outcome.done_button, LEFT)
    assert w.current == "home"


def test_a_refusal_shows_its_own_message_and_logs_no_traceback(qtbot, kiosk, sandbox, sandbox_client, caplog):
    w = open_bill(qtbot, kiosk, "tier2")
    visit = kiosk.ctx.journeys["pay"].visits[0]
    # the cashier window was quicker: the hospital's bill paid there (the HIS marks it, under the desk's key)
    sandbox.his.store.mark_paid(sandbox.desk_terminal_id, "desk-1", "d", bill_ids=["MZ" + visit.visit_id],
                                setl_id=None, booking_id=None, payment_id=None)
    with caplog.at_level(logging.INFO, logger="kiosk"):
        qtbot.mouseClick(w.bill.confirm_button, LEFT)
        qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)

    assert w.outcome.details.text() == ("⚠ This bill has already been paid. "
                                        "If you need its receipt, please ask at the cashier window.")
    assert tracebacks(caplog) == []
    assert "refused: bill_already_paid" in caplog.messages
    bills = sandbox_client.get("/v1/accounts/CA000002/bills").json()["bills"]
    assert bills == []  # nothing booked by the kiosk: its saga was undone everywhere


def test_every_problem_that_carries_a_code_is_a_refusal():
    from kiosk.domain.idnumber import InvalidIdNumber
    from kiosk.domain.settlement import CannotUseCredit
    from kiosk.platform import PlatformError, PlatformUnavailable
    from kiosk.usecases.credit import CreditRefused, OutstandingBalance
    from kiosk.usecases.offline import NotSeenOffline, OfflineRefused
    from kiosk.usecases.repayment import Refused
    from kiosk.usecases.writes import NeedsPlatform

    problems = [InvalidIdNumber("checksum"), CannotUseCredit("repay_first"), PlatformError("too_late", "", 409),
                PlatformUnavailable("timeout"), CreditRefused("phone_invalid"), OutstandingBalance(100),
                NotSeenOffline(), OfflineRefused("offline_over_line"), Refused("nothing_owed"), NeedsPlatform()]
    for problem in problems:
        assert isinstance(problem, Refusal), type(problem).__name__
        assert isinstance(problem.code, str) and problem.code, type(problem).__name__
    assert InvalidIdNumber("length").reason == "length" and isinstance(InvalidIdNumber("length"), ValueError)


@pytest.mark.parametrize("bug", [
    UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),  # has .reason (a str)
    OSError(5, "I/O error"),  # has .errno and .strerror
    KeyError("patient_id"),
    type("Coded", (Exception,), {"code": "visit_already_settled"})(),  # a code by accident
])
def test_the_ui_never_takes_a_bug_for_a_refusal(bug):
    from kiosk.ui.journey import error_code, is_refusal

    assert not is_refusal(bug) and error_code(bug) == "internal"
    assert error_code(Refusal("too_late")) == "too_late"
