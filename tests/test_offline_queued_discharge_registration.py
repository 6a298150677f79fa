"""Offline, per counterpart (issue 12), for a discharge and a registration: the credit platform does not answer, the
HIS and the insurance platform do. As for an outpatient bill (``tests/test_offline_credit_queued.py``): the insurance
and the HIS's parts are done online, the part on credit is queued in the outbox as a keyed direct booking within the
offline caps, the patient is told it is pending the platform's confirmation (the screen, the slip, the statement),
and it is sent once when the platform answers, a kiosk restart in between or not.

Driven at the kiosk as a patient does it (the card laid on the reader, the taps), a fault proxy in front of the
credit platform only; the outcome read back from the three services' own databases. Expected figures come from the
counterparts (the insurance's settlement, the HIS's fee) and the city's rule (Xiamen: due 42 days after the visit),
never from the kiosk's own sums.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.domain import clock
from tests.conftest import _booted_app
from tests.helpers import all_texts, pdf_text, tap_card
from tests.saga_invariant import check, check_registrations
from tests.test_journey_register import open_department, open_departments
from tests.test_journey_register_saga import registration_at_his as registration_of
from tests.test_offline_credit_queued import city, cut_credit, proxy  # noqa: F401  (fixtures: xiamen, the proxy)

#: Xiamen (000 art. 23): at least 42 days interest-free, counted from the visit's (the stay's, the session's) day.
XIAMEN_DAYS = 42


@pytest.fixture
def settings(kiosk_settings, proxy):
    """The kiosk on the three services, the credit platform behind the fault proxy. The per-settlement offline cap
    raised to the line (¥3 000) so that the demo stay's personal part goes on credit whole (the default ¥500 sends
    the rest to the phone: ``test_a_discharge_over_the_offline_cap_pays_the_rest_by_phone``)."""
    return kiosk_settings.with_overrides(platform_url=proxy.url, request_timeout_s=2.0, health_probe_s=1,
                                         registration_saga=True, offline_txn_cap_fen=300_000)


def boot(qtbot, settings, sandbox):
    return _booted_app(qtbot, settings, sandbox.secret)


def seen_online(qtbot, app, taps, role: str) -> None:
    """The patient identified once while the platform answers (the signed snapshot cached), then leaves."""
    w = app.window
    taps(w.home.buttons["query"])
    tap_card(qtbot, app, role)
    qtbot.waitUntil(lambda: w.current == "credit_account", timeout=10_000)
    app.window.go_home()
    qtbot.waitUntil(lambda: w.current == "home")


def credit_bills(sandbox, account_id: str, kind: str) -> list[dict]:
    with sandbox.store.snapshot() as conn:
        return [dict(r) for r in conn.execute(
            "SELECT b.*, s.voided_at FROM bills b JOIN settlements s ON s.settlement_id = b.settlement_id "
            "WHERE b.account_id = ? AND b.kind = ?", (account_id, kind))]


def used(sandbox, account_id: str) -> int:
    return sandbox.store.account(account_id)["used_fen"]


def pending_bookings(app) -> list:
    return [e for e in app.services.journal.entries(("pending",)) if e.kind == "booking"]


def saga_state(app, kind: str) -> str:
    sagas = app.services.sagas.engine.sagas
    found = [s for state in ("prepared", "confirmed", "settled", "undone", "stuck", "undoing")
             for s in sagas.of_day(clock.business_date(clock.now()), (state,)) if s.kind == kind]
    assert len(found) == 1, found
    return found[0].state


def drained(qtbot, app, proxy, kind: str) -> None:
    proxy.cut("pass")  # the platform answers again: the queue goes, then the sweep names the booking at the HIS
    banner = app.window.offline_banner
    qtbot.waitUntil(lambda: banner.status is not None and banner.status.online and banner.status.queued == 0,
                    timeout=30_000)
    qtbot.waitUntil(lambda: saga_state(app, kind) == "settled", timeout=30_000)
    assert banner.status.conflicts == 0
    # the day's reconciliation with each counterpart agrees to the fen: the queued booking counted once, named
    from kiosk.usecases.counterparts import ReconcileCounterparts

    report = ReconcileCounterparts(app.services.ports, app.services.sagas.engine.sagas)(
        clock.business_date(clock.now()))
    assert report.findings == [] and report.agrees, report.findings


def last_payable_day(due_at: str):
    """The last day to pay: the day before the due instant (00:00 of the day after the last one)."""
    return (datetime.fromisoformat(due_at) - timedelta(seconds=1)).date()


# -- discharge ---------------------------------------------------------------------------------------------------

def insurance_personal_part(sandbox) -> int:
    """What the insurance's inpatient settlement (2304) left to the patient: the part on credit, as it said it."""
    rows = sandbox.insurance.store.read("SELECT s.cash_fen FROM settlements s JOIN visits v ON v.mdtrt_id = s.mdtrt_id "
                                        "WHERE s.kind = 'settle' AND s.status = 'settled' AND v.ipt_otp_no = 'A000001'")
    assert len(rows) == 1
    return rows[0]["cash_fen"]


def discharge_offline(qtbot, app, taps, proxy, sandbox, at_the_hold: bool = False):
    """Seen online, the credit platform goes, the inpatient discharges: the amounts, the confirmation, the outcome.
    ``at_the_hold``: the stay is shown while the platform answers and it goes while the patient reads it (the hold
    gets no answer: the part on credit queued within the caps computed when the stay was shown)."""
    w = app.window
    if not at_the_hold:
        seen_online(qtbot, app, taps, "inpatient")
        cut_credit(qtbot, app, proxy)
    journey = app.ctx.journeys["discharge"]
    taps(w.home.buttons["discharge"])  # no longer "needs the platform": the saga queues the part on credit
    tap_card(qtbot, app, "inpatient")
    qtbot.waitUntil(lambda: w.current == "discharge" and w.discharge.confirm_button.isVisible(), timeout=30_000)
    assert journey.session.offline != at_the_hold
    if at_the_hold:
        cut_credit(qtbot, app, proxy)
    split = journey.split
    assert split.booked_fen > 0 and split.shortfall_fen == 0
    from kiosk.domain.money import format_cny

    shown = all_texts(w.discharge)
    assert format_cny(journey.stay.total_fen) in shown and format_cny(split.booked_fen) in shown
    taps(w.discharge.confirm_button)
    assert w.current == "confirm"
    with qtbot.waitSignal(journey.discharged, timeout=30_000) as done:
        taps(w.confirm.confirm_button)
    qtbot.waitUntil(lambda: w.current == "outcome")
    return done.args[0]


def assert_discharged_pending(app, sandbox, outcome, used_before: int) -> int:
    w = app.window
    personal = insurance_personal_part(sandbox)
    d = outcome.data
    assert d["credit_pending"] and d["booked_fen"] == personal
    text = all_texts(w.outcome)
    assert "Discharged, credit pending confirmation" in text
    assert "pending confirmation by the credit platform" in text and "never be charged twice" in text
    receipt, statement = pdf_text(Path(outcome.receipt_job)), pdf_text(Path(outcome.statement_job))
    assert "待信用平台确认" in receipt and "剩余可用额度" not in receipt and "还款截止" not in receipt
    assert "待信用平台确认" in statement
    states = check(sandbox)
    bill_id = next(b for b, s in states.items() if s.his_status == "paid" and s.insurance_settled)
    state = states[bill_id]
    assert len(state.insurance_settled) == 1 and not state.credit_booked and state.his_booking_id is None
    with sandbox.his.store.snapshot() as conn:  # the HIS discharged the stay
        assert conn.execute("SELECT status FROM admissions WHERE admission_id = 'A000001'").fetchone()[0] \
            == "discharged"
    assert credit_bills(sandbox, "CA000009", "inpatient") == [] and used(sandbox, "CA000009") == used_before
    (queued,) = pending_bookings(app)
    assert queued.credit_fen == personal
    return personal


def assert_booked_once(sandbox, personal: int, used_before: int) -> None:
    states = check(sandbox)
    (state,) = [s for s in states.values() if s.credit_booked]
    assert state.everywhere and len(state.credit_booked) == 1 and state.his_booking_id == state.credit_booked[0]
    assert state.insurance_ever == 1
    (bill,) = credit_bills(sandbox, "CA000009", "inpatient")
    assert bill["amount_fen"] == personal and bill["voided_at"] is None
    # due counted from the discharge (today), not from when the queue was sent
    assert last_payable_day(bill["due_at"]) == clock.business_date(clock.now()) + timedelta(days=XIAMEN_DAYS)
    assert used(sandbox, "CA000009") == used_before + personal


WHEN = pytest.mark.parametrize("when", ["identification", "at_the_hold", "restarted"])


@WHEN
def test_a_discharge_with_the_credit_platform_down_is_queued_and_booked_once_it_answers(
        qtbot, settings, sandbox, proxy, taps, when):
    """The platform down from the identification on (the signed snapshot cached a moment before), or gone at the
    hold; ``restarted``: the kiosk stops while the booking waits (the credit platform still down) and starts again
    on the same data directory (the outbox and the journal on disk) before the platform comes back."""
    restart = when == "restarted"
    app = boot(qtbot, settings, sandbox)
    try:
        before = used(sandbox, "CA000009")
        outcome = discharge_offline(qtbot, app, taps, proxy, sandbox, at_the_hold=when == "at_the_hold")
        personal = assert_discharged_pending(app, sandbox, outcome, before)
        taps(app.window.outcome.done_button)
        if restart:
            app.shutdown()
            assert credit_bills(sandbox, "CA000009", "inpatient") == []
            app = boot(qtbot, settings, sandbox)
            assert len(pending_bookings(app)) == 1
        drained(qtbot, app, proxy, "discharge")
        assert_booked_once(sandbox, personal, before)
        assert pending_bookings(app) == []
    finally:
        app.shutdown()


def test_a_discharge_over_the_offline_cap_pays_the_rest_by_phone(qtbot, settings, sandbox, proxy, taps):
    """The default per-settlement cap (¥500): the part on credit is the cap, the rest paid now through the HIS's
    channel (which does not need the credit platform), as an outpatient bill's."""
    from tests.helpers import pay_by_phone

    cap = 50_000
    app = boot(qtbot, settings.with_overrides(offline_txn_cap_fen=cap), sandbox)
    try:
        w = app.window
        journey = app.ctx.journeys["discharge"]
        seen_online(qtbot, app, taps, "inpatient")
        cut_credit(qtbot, app, proxy)
        taps(w.home.buttons["discharge"])
        tap_card(qtbot, app, "inpatient")
        qtbot.waitUntil(lambda: w.current == "discharge" and w.discharge.confirm_button.isVisible(), timeout=30_000)
        split = journey.split
        assert split.booked_fen == cap and split.shortfall_fen > 0
        taps(w.discharge.confirm_button)
        with qtbot.waitSignal(journey.discharged, timeout=30_000) as done:
            taps(w.confirm.confirm_button)
            assert w.current == "payment"
            pay_by_phone(qtbot, app, None)
        d = done.args[0].data
        personal = insurance_personal_part(sandbox)
        assert d["credit_pending"] and d["booked_fen"] == cap and d["paid_fen"] == personal - cap
        (queued,) = pending_bookings(app)
        assert queued.credit_fen == cap
        taps(w.outcome.done_button)
        drained(qtbot, app, proxy, "discharge")
        (bill,) = credit_bills(sandbox, "CA000009", "inpatient")
        assert bill["amount_fen"] == cap
        check(sandbox)
    finally:
        app.shutdown()


# -- registration ------------------------------------------------------------------------------------------------

def choose_session(qtbot, app, taps, role: str):
    """Home → Register → the card → the first department → its first open session: the confirmation."""
    w, journey = open_departments(qtbot, app, taps, role)
    open_department(qtbot, app, taps, journey, journey.departments[0].department_id)
    now = clock.now()
    index = next(i for i, s in enumerate(journey.sessions) if not s.full and s.starts_at > now)
    clinic = journey.sessions[index]
    taps(journey.sessions_screen.choices.buttons[index])
    return w, journey, clinic


def register_offline(qtbot, app, taps, proxy, role: str, at_the_hold: bool = False):
    """``at_the_hold``: the session chosen while the platform answers, it goes before the tap on "Register on
    credit" (the hold gets no answer)."""
    if not at_the_hold:
        seen_online(qtbot, app, taps, role)
        cut_credit(qtbot, app, proxy)
    w, journey, clinic = choose_session(qtbot, app, taps, role)
    assert journey.session.offline != at_the_hold
    if at_the_hold:
        cut_credit(qtbot, app, proxy)
    confirm = journey.confirm_screen
    assert confirm.confirm_button.text() == "Register on credit"
    with qtbot.waitSignal(journey.registered, timeout=30_000) as done:
        taps(confirm.confirm_button)
    qtbot.waitUntil(lambda: w.current == "outcome")
    return done.args[0], clinic


def assert_registered_pending(app, sandbox, outcome, clinic, account_id: str, used_before: int) -> None:
    w = app.window
    r = outcome.registration
    his = registration_of(sandbox, r.registration_id)
    assert (his["status"], his["bill_status"], his["total_fen"]) == ("booked", "paid", clinic.fee_fen)
    assert his["booking_id"] is None and his["payment_id"] is None  # the fee waits for the credit platform
    assert r.queue_number == str(his["queue_number"]) and r.queue_number in w.outcome.title.text()
    assert r.credit_pending and r.booked_fen == clinic.fee_fen
    text = all_texts(w.outcome)
    assert "pending confirmation by the credit platform" in text and "Credit available now" not in text
    slip = pdf_text(Path(outcome.receipt_job))
    assert "挂号凭条" in slip and "待信用平台确认" in slip and "还款截止" not in slip
    assert sandbox.insurance.store.read("SELECT status FROM visits WHERE ipt_otp_no = ?",
                                        (r.registration_id,))[0]["status"] == "open"  # 2201 made online
    assert credit_bills(sandbox, account_id, "registration") == [] and used(sandbox, account_id) == used_before
    (queued,) = pending_bookings(app)
    assert queued.credit_fen == clinic.fee_fen


def assert_fee_booked_once(sandbox, outcome, clinic, account_id: str, used_before: int) -> None:
    r = outcome.registration
    (bill,) = credit_bills(sandbox, account_id, "registration")
    assert bill["amount_fen"] == clinic.fee_fen and bill["voided_at"] is None
    assert bill["registration_id"] is None or bill["registration_id"] == r.registration_id
    # due counted from the clinic session's day (the visit), as an online registration's
    assert last_payable_day(bill["due_at"]) == clinic.date + timedelta(days=XIAMEN_DAYS)
    assert used(sandbox, account_id) == used_before + clinic.fee_fen
    his = registration_of(sandbox, r.registration_id)
    assert his["booking_id"] == bill["settlement_id"]
    check(sandbox)
    check_registrations(sandbox)


@WHEN
def test_a_registration_with_the_credit_platform_down_is_queued_and_booked_once_it_answers(
        qtbot, settings, sandbox, proxy, taps, when):
    restart = when == "restarted"
    account_id = "CA000003"
    app = boot(qtbot, settings, sandbox)
    try:
        before = used(sandbox, account_id)
        outcome, clinic = register_offline(qtbot, app, taps, proxy, "tier3", at_the_hold=when == "at_the_hold")
        assert_registered_pending(app, sandbox, outcome, clinic, account_id, before)
        taps(app.window.outcome.done_button)
        if restart:
            app.shutdown()
            assert credit_bills(sandbox, account_id, "registration") == []
            app = boot(qtbot, settings, sandbox)
            assert len(pending_bookings(app)) == 1
        drained(qtbot, app, proxy, "registration")
        assert_fee_booked_once(sandbox, outcome, clinic, account_id, before)
    finally:
        app.shutdown()


@pytest.mark.parametrize("over", [0, 1], ids=["at_the_cap", "one_fen_over"])
def test_a_registration_fee_at_the_offline_cap_goes_on_credit_one_fen_over_is_paid_by_phone(
        qtbot, settings, sandbox, proxy, taps, over):
    """The per-settlement offline cap set to the fee (less one fen): at the cap the fee is queued on credit; one fen
    over, the confirmation offers to pay it by phone (the HIS's channel), saying why, and nothing is queued."""
    from tests.test_journey_register import pay_by_phone

    fee = first_fee(sandbox)
    app = boot(qtbot, settings.with_overrides(offline_txn_cap_fen=fee - over), sandbox)
    try:
        seen_online(qtbot, app, taps, "tier3")
        cut_credit(qtbot, app, proxy)
        w, journey, clinic = choose_session(qtbot, app, taps, "tier3")
        assert clinic.fee_fen == fee
        confirm = journey.confirm_screen
        if not over:
            assert confirm.confirm_button.text() == "Register on credit"
            with qtbot.waitSignal(journey.registered, timeout=30_000) as done:
                taps(confirm.confirm_button)
            assert done.args[0].registration.credit_pending
            (queued,) = pending_bookings(app)
            assert queued.credit_fen == fee
            return
        assert confirm.confirm_button.text().startswith("Pay now")
        assert "over the amount that can be paid on credit offline" in confirm.notice.text()
        assert "pay it now with your phone" in confirm.notice.text()
        with qtbot.waitSignal(journey.registered, timeout=30_000) as done:
            taps(confirm.confirm_button)
            pay_by_phone(qtbot, app, None)
        r = done.args[0].registration
        assert r.paid_fen == fee and not r.credit_pending and pending_bookings(app) == []
        his = registration_of(sandbox, r.registration_id)
        assert his["bill_status"] == "paid" and his["payment_id"]
    finally:
        app.shutdown()


def first_fee(sandbox) -> int:
    """The fee of the session ``choose_session`` takes, as the HIS's own store lists it (its first department's
    first session still to begin with a slot left)."""
    from sandbox import reference_data as ref

    now = clock.now()
    sessions = [s for s in sandbox.his.store.sessions(next(iter(ref.DEPARTMENTS)), 3)
                if s["slots_left"] > 0 and datetime.fromisoformat(s["starts_at"]) > now]
    return min(sessions, key=lambda s: (datetime.fromisoformat(s["starts_at"]), s["doctor"]))["fee_fen"]


def test_a_registration_whose_fee_waits_cannot_be_cancelled_until_it_is_booked(qtbot, settings, sandbox, proxy,
                                                                               taps):
    """While the fee waits in the queue the cancel is refused with the reason and what to do (nothing changed);
    once the platform booked it, the cancel voids the booking and the fee is back on the line."""
    from tests.test_journey_register import open_my_registrations

    account_id = "CA000003"
    app = boot(qtbot, settings, sandbox)
    try:
        before = used(sandbox, account_id)
        outcome, clinic = register_offline(qtbot, app, taps, proxy, "tier3")
        r = outcome.registration
        taps(app.window.outcome.done_button)

        w, journey = open_my_registrations(qtbot, app, taps, "tier3")  # still offline: the fee waits
        (mine,) = journey.booked
        assert mine.registration_id == r.registration_id and mine.booked_fen == clinic.fee_fen and mine.paid_fen == 0
        taps(journey.mine_screen.choices.buttons[0])
        taps(journey.cancel_screen.cancel_button)
        qtbot.waitUntil(lambda: w.current == "outcome", timeout=15_000)
        text = all_texts(w.outcome)
        assert "its fee is still waiting to be confirmed" in text and "cannot be cancelled yet" in text
        assert "try again once the credit platform answers" in text
        his = registration_of(sandbox, r.registration_id)
        assert (his["status"], his["bill_status"]) == ("booked", "paid")  # nothing changed
        assert len(pending_bookings(app)) == 1
        taps(w.outcome.done_button)

        drained(qtbot, app, proxy, "registration")
        assert used(sandbox, account_id) == before + clinic.fee_fen

        w, journey = open_my_registrations(qtbot, app, taps, "tier3")  # booked now: cancelled as any other
        taps(journey.mine_screen.choices.buttons[0])
        with qtbot.waitSignal(journey.cancelled, timeout=15_000) as done:
            taps(journey.cancel_screen.cancel_button)
        assert done.args[0].returned_to_line_fen == clinic.fee_fen
        his = registration_of(sandbox, r.registration_id)
        assert his["status"] == "cancelled" and his["bill_status"] != "paid"
        (bill,) = credit_bills(sandbox, account_id, "registration")
        assert bill["voided_at"] is not None and used(sandbox, account_id) == before
        check_registrations(sandbox)
    finally:
        app.shutdown()
