"""Offline, per counterpart (issue 12): the credit platform does not answer, the HIS and the insurance platform do.

An insured patient still pays: the fund part settles online (2207 with the insurance, the HIS marks the bill paid),
the personal part is queued for the credit platform within the offline caps, and sent once it answers again
(keyed: booked once); the HIS is then told the booking. Refused by the platform then: a conflict the cashier sees
in the desk's conflicts journey, the fund part still standing. Driven as the cashier does it (the ID number typed,
the bill confirmed with a tap), a fault proxy in front of the credit platform only; the outcome read back from the
three services' own databases (``tests/saga_invariant.py``) and from the printed receipt.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.settings import Settings
from tests.faultproxy import FaultProxy
from tests.helpers import all_texts, patient, pdf_text
from tests.saga_invariant import bill_states, check
from tests.sandbox_fixtures import counterparts

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def city() -> str:
    return "xiamen"


@pytest.fixture
def proxy(sandbox):
    with FaultProxy("127.0.0.1", sandbox.port) as running:
        yield running


def boot(qtbot, sandbox, tmp_path, platform_url: str, **overrides):
    """The app at the desk (the ID number typed), on the three services; ``overrides``: another address."""
    from kiosk.app import KioskApp

    settings = Settings(platform_url=platform_url, terminal_id=sandbox.terminal_id,
                        data_dir=str(tmp_path / "kiosk-data"), printer_pdf_dir=str(tmp_path / "receipts"),
                        full_screen=False, language="en", request_timeout_s=2.0, health_probe_s=1, mode="desk",
                        operator_login=False, policy=sandbox.city, **{**counterparts(sandbox), **overrides})
    running = KioskApp(settings, secret=sandbox.secret)
    qtbot.addWidget(running.window)
    with qtbot.waitSignal(running.ready, timeout=20_000):
        running.show()
    return running


@pytest.fixture
def app(qtbot, proxy, sandbox, tmp_path):
    running = boot(qtbot, sandbox, tmp_path, proxy.url)
    yield running
    running.shutdown()


def open_bill(qtbot, app, role: str) -> None:
    """Home → "Pay outpatient bill" → the ID number typed at the desk → the bill, prepared with the insurance."""
    w = app.window
    qtbot.mouseClick(w.home.buttons["pay"], LEFT)
    qtbot.keyClicks(w.identify.id_field, patient(role)["id_number"])
    qtbot.keyClick(w.identify.id_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.current == "bill" and w.bill.confirm_button.isVisible(), timeout=15_000)


def confirm(qtbot, app):
    w = app.window
    with qtbot.waitSignal(app.ctx.journeys["pay"].settled, timeout=15_000) as settled:
        qtbot.mouseClick(w.bill.confirm_button, LEFT)
    qtbot.waitUntil(lambda: w.current == "outcome")
    return settled.args[0]


def cut_credit(qtbot, app, proxy) -> None:
    proxy.cut("reset")  # the credit platform unreachable (kept-alive connections too); the HIS and insurance not
    banner = app.window.offline_banner
    qtbot.waitUntil(lambda: banner.isVisible() and banner.offline, timeout=10_000)


def saga_of(app, bill_id: str):
    sagas = app.services.sagas.engine.sagas
    for state in ("prepared", "confirmed", "settled", "undone", "stuck", "undoing"):
        for saga in sagas.of_day(_today(), (state,)):
            if [b["bill_id"] for b in saga.facts["bills"]] == [bill_id]:
                return saga
    return None


def _today():
    from kiosk.domain import clock

    return clock.business_date(clock.now())


def queued_booking(app):
    entries = [e for e in app.services.journal.entries(("pending",)) if e.kind == "booking"]
    assert len(entries) == 1
    return entries[0]


def receipt_text(tmp_path: Path) -> str:
    pdfs = sorted((tmp_path / "receipts").glob("*.pdf"))
    assert pdfs, "no receipt printed"
    return pdf_text(pdfs[-1])


def test_credit_down_at_the_hold_the_fund_part_settles_and_the_personal_part_is_booked_once_it_answers(
        qtbot, app, proxy, sandbox, tmp_path):
    w = app.window
    open_bill(qtbot, app, "tier2")  # identified online; the bill uploaded and pre-settled with the insurance
    plan = app.ctx.journeys["pay"].split
    assert plan.fund_fen > 0 and plan.on_credit_fen > 0 and plan.paid_now_fen == 0
    before = sandbox.store.account("CA000002")

    cut_credit(qtbot, app, proxy)  # the patient is reading the bill; the credit platform goes
    outcome = confirm(qtbot, app)

    assert outcome.credit_queued and outcome.settlement.booked_fen == plan.on_credit_fen
    text = all_texts(w.outcome)
    assert "pending confirmation by the credit platform" in text and "never be charged twice" in text
    receipt = receipt_text(tmp_path)
    assert "待信用平台确认" in receipt and "剩余可用额度" not in receipt  # no line figure the platform never gave
    state = bill_states(sandbox)["MZV000002"]
    assert state.his_status == "paid" and len(state.insurance_settled) == 1  # the fund part settled online
    assert not state.credit_booked and state.his_booking_id is None  # the personal part waits, queued
    queued = queued_booking(app)
    assert queued.credit_fen == plan.on_credit_fen and queued.payload["body"]["setl_ids"] == list(
        state.insurance_settled)
    assert sandbox.store.account("CA000002")["used_fen"] == before["used_fen"]
    qtbot.mouseClick(w.outcome.done_button, LEFT)

    proxy.cut("pass")  # back: the queue goes, then the sweep names the booking at the HIS
    banner = w.offline_banner
    qtbot.waitUntil(lambda: banner.status is not None and banner.status.online and banner.status.queued == 0,
                    timeout=20_000)
    qtbot.waitUntil(lambda: saga_of(app, "MZV000002").state == "settled", timeout=30_000)
    state = check(sandbox)["MZV000002"]  # settled everywhere, once
    assert state.everywhere and len(state.credit_booked) == 1 and state.his_booking_id == state.credit_booked[0]
    assert state.insurance_ever == 1
    assert sandbox.store.account("CA000002")["used_fen"] == before["used_fen"] + plan.on_credit_fen
    assert banner.status.conflicts == 0
    # the day's reconciliation with the credit platform agrees to the fen: the queued booking counted once
    from kiosk.usecases.reconciliation import Reconcile

    report = Reconcile(app.services.platform, app.services.journal)(_today())
    assert report.agrees, report.differences
    settled = report.platform["settlement"]
    assert settled["count"] == 1 and settled["credit_fen"] == plan.on_credit_fen


def test_credit_down_at_identification_the_bill_is_paid_from_the_cache_within_the_offline_caps(
        qtbot, app, proxy, sandbox, tmp_path):
    w = app.window
    open_bill(qtbot, app, "tier4")  # seen online (the signed snapshot cached); leaves
    qtbot.mouseClick(w.bill.back_button, LEFT)
    cut_credit(qtbot, app, proxy)
    qtbot.mouseClick(w.home.buttons["open"], LEFT)  # opening the service waits; the sagas' journeys do not
    assert w.current == "outcome"
    assert "Paying outpatient bills, registering for a clinic and discharge on credit still work here" in \
        w.outcome.details.text()
    qtbot.mouseClick(w.outcome.done_button, LEFT)

    open_bill(qtbot, app, "tier4")  # from the cache; the bill from the HIS, pre-settled with the insurance
    journey = app.ctx.journeys["pay"]
    assert journey.session.offline and journey.prepared is not None
    plan = journey.split
    assert plan.fund_fen > 0 and 0 < plan.on_credit_fen <= app.services.offline.limits.txn_cap_fen
    outcome = confirm(qtbot, app)
    assert outcome.credit_queued and not outcome.offline  # not the old credit-only offline settlement
    state = bill_states(sandbox)["MZV000004"]
    assert state.his_status == "paid" and len(state.insurance_settled) == 1 and not state.credit_booked
    assert "待信用平台确认" in receipt_text(tmp_path)
    qtbot.mouseClick(w.outcome.done_button, LEFT)

    open_bill_again = patient("tier4")["id_number"]  # the same patient again, still offline: nothing to pay
    qtbot.mouseClick(w.home.buttons["pay"], LEFT)
    qtbot.keyClicks(w.identify.id_field, open_bill_again)
    qtbot.keyClick(w.identify.id_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.current == "bill", timeout=15_000)
    assert not w.bill.confirm_button.isVisible()
    qtbot.mouseClick(w.bill.back_button, LEFT)

    proxy.cut("pass")
    qtbot.waitUntil(lambda: saga_of(app, "MZV000004").state == "settled", timeout=30_000)
    state = check(sandbox)["MZV000004"]
    assert state.everywhere and len(state.credit_booked) == 1 and state.his_booking_id == state.credit_booked[0]


def test_a_queued_booking_the_platform_refuses_is_a_conflict_for_the_cashier(qtbot, app, proxy, sandbox, tmp_path):
    w = app.window
    open_bill(qtbot, app, "tier4")
    qtbot.mouseClick(w.bill.back_button, LEFT)
    cut_credit(qtbot, app, proxy)
    open_bill(qtbot, app, "tier4")
    booked = confirm(qtbot, app).settlement.booked_fen
    qtbot.mouseClick(w.outcome.done_button, LEFT)
    # meanwhile, elsewhere, the account is suspended at the platform: the booking will be refused
    store = sandbox.store
    with store.transaction() as conn:
        conn.execute("UPDATE accounts SET status = 'suspended' WHERE account_id = 'CA000004'")

    proxy.cut("pass")
    banner = w.offline_banner
    qtbot.waitUntil(lambda: banner.status is not None and banner.status.online and banner.status.conflicts == 1,
                    timeout=20_000)
    qtbot.waitUntil(lambda: saga_of(app, "MZV000004").state == "settled", timeout=30_000)
    saga = saga_of(app, "MZV000004")
    assert saga.facts["credit_conflict"] == "account_suspended"
    state = check(sandbox)["MZV000004"]  # the fund part stands; nothing on credit; never half
    assert state.his_status == "paid" and len(state.insurance_settled) == 1 and not state.credit_booked

    qtbot.mouseClick(w.home.buttons["conflicts"], LEFT)  # the desk's refused payments: this one, masked
    conflicts = app.ctx.journeys["conflicts"]
    qtbot.waitUntil(lambda: w.current == "conflicts" and not conflicts.list_screen.loading, timeout=10_000)
    assert len(conflicts.conflicts) == 1
    c = conflicts.conflicts[0]
    assert c.credit_fen == booked and c.visits == ("V000004",) and c.kind == "booking"
    assert patient("tier4")["id_number"] not in all_texts(w)
    assert "account suspended or closed meanwhile" in all_texts(conflicts.list_screen)


@pytest.mark.parametrize("city", ["xiamen", "hangzhou"])
def test_the_insurance_platform_down_an_insured_bill_is_refused_with_the_reason(qtbot, city, sandbox, tmp_path):
    """Neither city's profile lets an insured bill be settled as self-paid while the insurance platform is down:
    the kiosk says why and what to do, and nothing is settled anywhere."""
    with FaultProxy("127.0.0.1", sandbox.insurance.port, mode="reset") as insurance:
        app = boot(qtbot, sandbox, tmp_path, sandbox.url, insurance_url=insurance.url)
        try:
            w = app.window
            qtbot.mouseClick(w.home.buttons["pay"], LEFT)
            qtbot.keyClicks(w.identify.id_field, patient("tier2")["id_number"])
            qtbot.keyClick(w.identify.id_field, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: w.current == "outcome", timeout=20_000)
            text = all_texts(w.outcome)
            assert "The medical insurance platform is not answering" in text and "Nothing was charged" in text
            assert "Please try again shortly or go to the cashier window." in text
            state = check(sandbox)["MZV000002"]
            assert state.his_status == "unpaid" and not state.credit_booked and state.insurance_ever == 0
        finally:
            app.shutdown()


def test_a_kiosk_closed_while_the_booking_waits_sends_it_once_when_started_again(qtbot, proxy, sandbox, tmp_path):
    first = boot(qtbot, sandbox, tmp_path, proxy.url)
    try:
        w = first.window
        open_bill(qtbot, first, "tier2")
        cut_credit(qtbot, first, proxy)
        assert confirm(qtbot, first).credit_queued
        qtbot.mouseClick(w.outcome.done_button, LEFT)
    finally:
        first.shutdown()  # closed for the night with the booking still queued
    assert not bill_states(sandbox)["MZV000002"].credit_booked

    proxy.cut("pass")
    again = boot(qtbot, sandbox, tmp_path, proxy.url)  # the same data folder and keyring: the same journal
    try:
        qtbot.waitUntil(lambda: saga_of(again, "MZV000002").state == "settled", timeout=30_000)
        state = check(sandbox)["MZV000002"]
        assert state.everywhere and len(state.credit_booked) == 1 and state.his_booking_id == state.credit_booked[0]
        assert not again.services.journal.entries(("pending", "conflict"))
    finally:
        again.shutdown()


def test_a_hold_whose_answer_was_lost_is_given_back_once_the_platform_answers(qtbot, app, proxy, sandbox):
    """The platform took the hold but its answer never came (black-holed): the personal part is queued all the
    same; once the platform answers, the queued booking is made and the lost hold given back, never left
    reserving the patient's line."""
    w = app.window
    open_bill(qtbot, app, "tier2")
    plan = app.ctx.journeys["pay"].split
    before = sandbox.store.account("CA000002")["used_fen"]
    proxy.trigger = b"/v1/holds"
    proxy.cut("blackhole")  # the hold reaches the platform; its answer is swallowed
    outcome = confirm(qtbot, app)
    assert outcome.credit_queued
    with sandbox.store.snapshot() as conn:
        held = conn.execute("SELECT status FROM holds WHERE account_id = 'CA000002'").fetchall()
    assert [r[0] for r in held].count("held") == 1  # the platform did hold it (once: the retries under its key)
    qtbot.mouseClick(w.outcome.done_button, LEFT)

    proxy.trigger = None
    proxy.cut("pass")
    qtbot.waitUntil(lambda: saga_of(app, "MZV000002").state == "settled", timeout=30_000)
    state = check(sandbox)["MZV000002"]
    assert state.everywhere and len(state.credit_booked) == 1
    def holds() -> list[str]:
        with sandbox.store.snapshot() as conn:
            return sorted(r[0] for r in conn.execute("SELECT status FROM holds WHERE account_id = 'CA000002'"))

    # the queue's booking (held and booked at once); the lost one given back by the sweep, maybe a moment later
    qtbot.waitUntil(lambda: holds() == ["booked", "released"], timeout=30_000)
    assert sandbox.store.account("CA000002")["used_fen"] == before + plan.on_credit_fen


# -- a registration's fee refused at sync, then the registration cancelled --------------------------------------

def identify_for_registration(qtbot, app, role: str):
    """Home → "Register for a clinic" → the ID number typed at the desk → the departments."""
    w = app.window
    journey = app.ctx.journeys["register"]
    qtbot.mouseClick(w.home.buttons["register"], LEFT)
    qtbot.keyClicks(w.identify.id_field, patient(role)["id_number"])
    qtbot.keyClick(w.identify.id_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.current == "register_departments" and bool(journey.departments), timeout=15_000)
    return journey


def registration_at_his(sandbox, registration_id: str) -> dict:
    with sandbox.his.store.snapshot() as conn:
        return dict(conn.execute(
            "SELECT r.status, b.bill_id, b.status AS bill_status, b.booking_id FROM registrations r JOIN bills b "
            "ON b.registration_id = r.registration_id WHERE r.registration_id = ?", (registration_id,)).fetchone())


def registration_bookings(sandbox, account_id: str) -> list[dict]:
    with sandbox.store.snapshot() as conn:
        return [dict(r) for r in conn.execute("SELECT * FROM bills WHERE account_id = ? AND kind = 'registration'",
                                              (account_id,))]


def test_a_registration_whose_queued_fee_the_platform_refused_is_cancelled_and_its_conflict_closed(
        qtbot, proxy, sandbox, tmp_path):
    """The credit platform down at the hold: the registration is made, its fee queued. The platform then refuses the
    fee (the account suspended meanwhile): a conflict for the cashier. The patient cancels the registration: it is
    cancelled everywhere, the patient is told the fee was never charged, and the conflict is closed by the cancel
    (the cashier's list says so, with nothing left to collect and no "Payment collected" to press)."""
    from kiosk.domain import clock
    from tests.saga_invariant import check_registrations

    app = boot(qtbot, sandbox, tmp_path, proxy.url, registration_saga=True)
    try:
        w = app.window
        account_id = "CA000003"
        used_before = sandbox.store.account(account_id)["used_fen"]
        journey = identify_for_registration(qtbot, app, "tier3")
        qtbot.mouseClick(journey.departments_screen.buttons[0], LEFT)
        qtbot.waitUntil(lambda: bool(journey.sessions), timeout=15_000)
        index = next(i for i, s in enumerate(journey.sessions) if not s.full and s.starts_at > clock.now())
        clinic = journey.sessions[index]
        qtbot.mouseClick(journey.sessions_screen.choices.buttons[index], LEFT)
        cut_credit(qtbot, app, proxy)  # the patient is reading the confirmation; the credit platform goes
        assert journey.confirm_screen.confirm_button.text() == "Register on credit"
        with qtbot.waitSignal(journey.registered, timeout=30_000) as done:
            qtbot.mouseClick(journey.confirm_screen.confirm_button, LEFT)
        r = done.args[0].registration
        assert r.credit_pending and r.booked_fen == clinic.fee_fen
        qtbot.waitUntil(lambda: w.current == "outcome")
        qtbot.mouseClick(w.outcome.done_button, LEFT)
        assert registration_at_his(sandbox, r.registration_id)["bill_status"] == "paid"  # marked; the fee queued

        with sandbox.store.transaction() as conn:  # meanwhile the account is suspended: the fee will be refused
            conn.execute("UPDATE accounts SET status = 'suspended' WHERE account_id = ?", (account_id,))
        proxy.cut("pass")
        banner = w.offline_banner
        qtbot.waitUntil(lambda: banner.status is not None and banner.status.online and banner.status.conflicts == 1,
                        timeout=30_000)
        sagas = app.services.sagas.engine.sagas  # the sweep has seen the refusal: the saga ends, settled without it
        saga_id = sagas.find("registration", "registration_id", r.registration_id)
        qtbot.waitUntil(lambda: sagas.get(saga_id).state == "settled", timeout=30_000)
        assert sagas.get(saga_id).facts["credit_conflict"] == "account_suspended"
        qtbot.mouseClick(w.home.buttons["conflicts"], LEFT)  # the cashier's list: the registration's fee refused
        conflicts = app.ctx.journeys["conflicts"]
        qtbot.waitUntil(lambda: w.current == "conflicts" and not conflicts.list_screen.loading, timeout=10_000)
        assert [c.credit_fen for c in conflicts.conflicts] == [clinic.fee_fen]
        qtbot.mouseClick(conflicts.list_screen.back_button, LEFT)
        qtbot.waitUntil(lambda: w.current == "home")

        journey = identify_for_registration(qtbot, app, "tier3")  # the patient cancels the registration
        qtbot.mouseClick(journey.departments_screen.mine_button, LEFT)
        qtbot.waitUntil(lambda: w.current == "register_mine" and bool(journey.booked), timeout=15_000)
        assert [b.registration_id for b in journey.booked] == [r.registration_id]
        qtbot.mouseClick(journey.mine_screen.choices.buttons[0], LEFT)
        assert "was never charged" in all_texts(journey.cancel_screen)
        with qtbot.waitSignal(journey.cancelled, timeout=30_000) as done:
            qtbot.mouseClick(journey.cancel_screen.cancel_button, LEFT)
        cancelled = done.args[0]
        qtbot.waitUntil(lambda: w.current == "outcome")
        text = all_texts(w.outcome)
        assert "Registration cancelled" in text and "was never charged" in text and "returned" not in text
        assert cancelled.returned_to_line_fen == 0 and cancelled.refunded_to_channel_fen == 0

        # the three systems: cancelled at the HIS (its fee's bill unpaid), the insurance visit cancelled, no booking
        his = registration_at_his(sandbox, r.registration_id)
        assert his["status"] == "cancelled" and his["bill_status"] != "paid" and his["booking_id"] is None
        assert sandbox.insurance.store.read("SELECT status FROM visits WHERE ipt_otp_no = ?",
                                            (r.registration_id,))[0]["status"] == "cancelled"
        assert registration_bookings(sandbox, account_id) == []
        assert sandbox.store.account(account_id)["used_fen"] == used_before
        check_registrations(sandbox)

        qtbot.mouseClick(w.outcome.done_button, LEFT)  # the cashier's list: nothing left to resolve, and why
        qtbot.waitUntil(lambda: banner.status.conflicts == 0, timeout=10_000)
        qtbot.mouseClick(w.home.buttons["conflicts"], LEFT)
        qtbot.waitUntil(lambda: w.current == "conflicts" and not conflicts.list_screen.loading, timeout=10_000)
        assert conflicts.conflicts == ()
        listed = all_texts(conflicts.list_screen)
        assert "Registration cancelled at the kiosk: nothing to collect" in listed
        assert "account suspended or closed meanwhile" in listed
        (row,) = conflicts.list_screen.choices.buttons
        assert not row.isEnabled()  # nothing to choose: no "Payment collected" for a registration that is gone
        (record,) = app.services.desk.audit.records("conflict_cancelled")
        assert record.details["credit_fen"] == clinic.fee_fen and record.details["cancelled"] == "registration"
    finally:
        app.shutdown()
