"""A bill paid online is never offered again offline, and the desk never sees a false conflict.

The cashier desk types the patient's ID number (QTest keys) and pays their bills online
with taps; the network to the platform is then cut (the fault proxy severs every
connection); the same patient comes back: the kiosk, now working from the cache of what
it last saw (a snapshot taken *before* the payment, bills still open in it), must not
offer the paid bills. Another patient pays offline meanwhile, so the queue really goes
to the platform when the network is back; the desk's conflicts journey then lists
nothing: a conflict there would invite a "Payment collected" that charges twice.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk.settings import Settings
from tests.faultproxy import FaultProxy
from tests.helpers import all_texts, patient

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def proxy(sandbox):
    with FaultProxy("127.0.0.1", sandbox.port) as running:
        yield running


@pytest.fixture
def desk_app(qtbot, proxy, sandbox, tmp_path):
    from kiosk.app import KioskApp

    settings = Settings(platform_url=proxy.url, terminal_id=sandbox.terminal_id, data_dir=str(tmp_path / "kiosk-data"),
                        printer_pdf_dir=str(tmp_path / "receipts"), full_screen=False, language="en",
                        request_timeout_s=2.0, health_probe_s=1, mode="desk", operator_login=False)
    app = KioskApp(settings, secret=sandbox.secret)
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.ready, timeout=20_000):
        app.show()
    yield app
    app.shutdown()


def open_bill(qtbot, app, role: str) -> None:
    """Home → "Pay outpatient bill" → the ID number typed at the desk → the bill screen."""
    w = app.window
    qtbot.mouseClick(w.home.buttons["pay"], LEFT)
    assert w.current == "identify"
    qtbot.keyClicks(w.identify.id_field, patient(role)["id_number"])
    qtbot.keyClick(w.identify.id_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)


def settled_by_tap(qtbot, app):
    w = app.window
    with qtbot.waitSignal(app.ctx.journeys["pay"].settled, timeout=10_000) as settled:
        qtbot.mouseClick(w.bill.confirm_button, LEFT)
    qtbot.waitUntil(lambda: w.current == "outcome")
    outcome = settled.args[0]
    qtbot.mouseClick(w.outcome.done_button, LEFT)
    assert w.current == "home"
    return outcome


def test_a_bill_paid_online_is_not_offered_offline_and_the_desk_sees_no_conflict(qtbot, desk_app, proxy, sandbox):
    app, w = desk_app, desk_app.window
    banner = w.offline_banner

    open_bill(qtbot, app, "tier4")  # seen online (cached), leaves without paying
    qtbot.mouseClick(w.bill.back_button, LEFT)

    open_bill(qtbot, app, "tier3")  # two open visits, both on the bill
    paid_visits = {v.visit_id for v in app.ctx.journeys["pay"].visits}
    assert paid_visits == {"V000003", "V000013"}
    online = settled_by_tap(qtbot, app)
    assert online.settlement is not None and not online.offline  # paid online, with a reference
    assert sandbox.store.bill_count("CA000003") == 1

    proxy.cut("reset")  # the network goes: kept-alive connections too
    qtbot.waitUntil(lambda: banner.isVisible() and banner.offline, timeout=10_000)

    open_bill(qtbot, app, "tier3")  # the same patient again, from the cache
    journey = app.ctx.journeys["pay"]
    assert journey.session.offline
    assert not {v.visit_id for v in journey.visits} & paid_visits  # the paid bills are not offered
    assert w.bill.refusal == "no_open_visits" and not w.bill.confirm_button.isVisible()
    # The line offered offline is the platform's after the payment, not the snapshot's from before it.
    assert journey.session.account.available_fen == online.settlement.available_fen
    assert "You have no unpaid outpatient bills: there is nothing to pay now. Tap Done to finish." in all_texts(w.bill)
    qtbot.mouseClick(w.bill.back_button, LEFT)

    open_bill(qtbot, app, "tier4")  # someone who has not paid: offline, on credit, queued
    assert app.ctx.journeys["pay"].session.offline and w.bill.confirm_button.isVisible()
    offline = settled_by_tap(qtbot, app)
    assert offline.offline and offline.settlement is None
    qtbot.waitUntil(lambda: banner.status is not None and banner.status.queued == 1, timeout=10_000)

    proxy.cut("pass")  # back: the health probe finds it and the queue is sent
    qtbot.waitUntil(lambda: banner.status.online and banner.status.queued == 0, timeout=15_000)
    assert sandbox.store.bill_count("CA000004") == 1 and sandbox.store.bill_count("CA000003") == 1
    assert banner.status.conflicts == 0

    qtbot.mouseClick(w.home.buttons["conflicts"], LEFT)  # the desk's list of refused payments: empty
    conflicts = app.ctx.journeys["conflicts"]
    qtbot.waitUntil(lambda: w.current == "conflicts" and not conflicts.list_screen.loading, timeout=10_000)
    assert conflicts.conflicts == ()
    assert "No conflicts" in conflicts.list_screen.status.text()
    assert not app.services.journal.conflicts(status=None)
    with sandbox.store.snapshot() as conn:
        settled = conn.execute("SELECT visit_id, COUNT(*) FROM settlement_visits WHERE visit_id IN "
                               f"({','.join('?' * len(paid_visits))}) GROUP BY visit_id", tuple(paid_visits)).fetchall()
    assert {tuple(r) for r in settled} == {(v, 1) for v in paid_visits}  # once each, by the online payment


def test_a_sagas_booking_counts_against_a_snapshot_taken_before_it(tmp_path):
    """The settlement saga books on the credit platform without the outbox: its booking still counts against
    the line an older snapshot of the account shows (real journal file, the sagas as the saga writes them)."""
    from datetime import UTC, date, datetime, timedelta

    from offline_cache.crypto import Sealer, new_key
    from offline_cache.journal import Journal
    from offline_cache.sagas import Sagas

    journal = Journal(tmp_path / "journal.sqlite", Sealer(new_key()))
    sagas = Sagas(journal)
    before = datetime.now(UTC) - timedelta(seconds=5)

    def settled(account_id: str, booked: dict | None, state: str = "settled") -> None:
        plan = {"total_fen": 10_000, "fund_fen": 6_000, "account_fen": 0, "personal_cash_fen": 4_000,
                "on_credit_fen": 4_000, "paid_now_fen": 0, "cash_fen": 0}
        saga_id = sagas.begin("outpatient", lane=account_id, facts={"account_id": account_id, "plan": plan},
                              private=None, business_date=date.today())
        if booked is not None:
            sagas.answered(saga_id, sagas.sent(saga_id, "book", "k-" + saga_id), "done", booked)
        sagas.update(saga_id, state=state)

    settled("CA000003", {"booking_id": "BK1", "booked_fen": 3_500})  # the insurance left less for the line
    settled("CA000003", {"booking_id": "BK2"})  # the answer without the amount: the plan's part on credit
    settled("CA000003", None)  # nothing on credit: no booking
    settled("CA000003", {"booking_id": "BK3", "booked_fen": 900}, state="undone")  # voided: not on the line
    settled("CA000004", {"booking_id": "BK4", "booked_fen": 2_000})  # another account

    assert sagas.booked_since("CA000003", before) == 3_500 + 4_000
    assert sagas.booked_since("CA000003", datetime.now(UTC) + timedelta(seconds=5)) == 0  # a newer snapshot
    journal.close()
