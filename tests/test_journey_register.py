"""Credit registration (信用挂号) and cancelling, driven like a patient would, against the
real sandbox on loopback (with its control API: the tests are the patient's phone and
move the platform's clock). The kiosk has the HIS and the insurance platform: it registers
through the HIS's departments and sessions (the registration saga); the credit platform's own
registration is tested on a kiosk with ``registration_saga`` off."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.domain.clock import last_payable_day
from kiosk.domain.money import format_cny
from tests.conftest import boot
from tests.helpers import all_texts, patient, pdf_text, tap_card

# -- a sandbox with its control API, and the app booted on it -------------------------------


@pytest.fixture
def kiosk_app(qtbot, tmp_path, platform, city):
    app = boot(qtbot, tmp_path, platform, city)
    yield app
    app.shutdown()


def write(client, path: str, body: dict) -> dict:
    response = client.post(path, json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 200, response.text
    return response.json()


def pay_by_phone(qtbot, app, client) -> None:
    """What the patient's phone does once the QR code is on the screen: it pays the channel that showed the code
    (the HIS's, for a registration made through the HIS; the credit platform's without the HIS)."""
    from tests.helpers import pay_by_phone as phone_pays

    qtbot.waitUntil(lambda: app.window.current == "payment" and app.ctx.payments.payment_id is not None,
                    timeout=10_000)
    phone_pays(qtbot, app, client)


def platform_now(client) -> datetime:
    return datetime.fromisoformat(client.get("/v1/_sandbox/clock").json()["now"])


def masked(role: str) -> str:
    number = patient(role)["id_number"]
    return number[:4] + "*" * 10 + number[-4:]


GENERAL_PRACTICE = "D01"  # a morning clinic every day of the year, 40 numbers


# -- driving the journey ------------------------------------------------------------------------

def open_departments(qtbot, app, taps, role: str):
    w = app.window
    taps(w.home.buttons["register"])
    assert w.current == "identify"
    tap_card(qtbot, app, role)
    journey = app.ctx.journeys["register"]
    qtbot.waitUntil(lambda: w.current == "register_departments" and bool(journey.departments), timeout=10_000)
    return w, journey


def open_department(qtbot, app, taps, journey, department_id: str):
    index = [d.department_id for d in journey.departments].index(department_id)
    taps(journey.departments_screen.buttons[index])
    qtbot.waitUntil(lambda: bool(journey.sessions), timeout=10_000)
    assert app.window.current == "register_sessions"


def first_open_session(journey) -> int:
    return next(i for i, s in enumerate(journey.sessions) if not s.full)


# -- registering ------------------------------------------------------------------------------

@pytest.mark.parametrize(("city", "day"), [("xiamen", "first"), ("hangzhou", "first"), ("hangzhou", "later"),
                                           ("xiamen", "later")])
def test_register_on_credit_books_the_fee_and_prints_the_slip(qtbot, kiosk_app, client, taps, city, day):
    """``day``: the first open session (today's, or tomorrow's once today's are over), or one on a later day
    (the fee falls due counted from that day's visit, not from the evening it was booked)."""
    app, p = kiosk_app, patient("tier3")
    account_id = client.post("/v1/identity/lookup", json={"id_number": p["id_number"]}).json()["account_id"]
    before = client.get(f"/v1/accounts/{account_id}").json()

    w, journey = open_departments(qtbot, app, taps, "tier3")                       # tap 1
    shown = all_texts(w)
    assert masked("tier3") in shown and p["id_number"] not in shown and p["name"] not in shown
    assert "General Practice" in shown  # department names in the UI language

    open_department(qtbot, app, taps, journey, GENERAL_PRACTICE)                  # tap 2
    if day == "first":
        index = first_open_session(journey)
    else:
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        index = next(i for i, s in enumerate(journey.sessions) if not s.full and s.date > today)
    clinic = journey.sessions[index]
    text = journey.sessions_screen.choices.buttons[index].text()
    for expected in (clinic.doctor, clinic.room, format_cny(clinic.fee_fen), clinic.date.isoformat(),
                     "Morning" if clinic.period == "AM" else "Afternoon", clinic.time_slot,
                     f"{clinic.slots_left} of {clinic.slots_total} numbers left"):
        assert expected in text

    taps(journey.sessions_screen.choices.buttons[index])                             # tap 3
    assert w.current == "register_confirm"
    confirm = journey.confirm_screen
    assert confirm.confirm_button.text() == "Register on credit"
    assert format_cny(clinic.fee_fen) in confirm.fee.text()

    with qtbot.waitSignal(journey.registered, timeout=10_000) as done:
        taps(confirm.confirm_button)                                                 # tap 4
    outcome = done.args[0]
    qtbot.waitUntil(lambda: w.current == "outcome")
    r = outcome.registration
    assert outcome.print_error is None
    assert r.queue_number and r.queue_number in w.outcome.title.text()  # the number, large
    assert clinic.room in w.outcome.details.text()

    after = client.get(f"/v1/accounts/{account_id}").json()
    assert after["used_fen"] == before["used_fen"] + clinic.fee_fen
    assert after["available_fen"] == before["available_fen"] - clinic.fee_fen

    # The due date follows the city: Xiamen 42 days after the visit, Hangzhou 48 hours
    # counted from the next midnight (so the last payable day is two days later).
    due_day = clinic.date + timedelta(days=42 if city == "xiamen" else 2)
    assert last_payable_day(r.due_at) == due_day
    assert due_day.isoformat() in w.outcome.details.text()

    slip = pdf_text(Path(outcome.receipt_job))
    assert "挂号凭条" in slip
    assert masked("tier3") in slip and p["id_number"] not in slip and p["name"] not in slip
    for expected in (r.queue_number, clinic.room, "全科医学科", clinic.doctor, format_cny(clinic.fee_fen),
                     "信用额度记账", format_cny(after["available_fen"]), due_day.isoformat(), r.reference):
        assert expected in slip

    taps(w.outcome.done_button)                                                      # tap 5
    assert w.current == "home"
    assert taps.count <= 6
    assert masked("tier3") not in all_texts(w)
    assert journey.session is None and journey.clinic is None


def test_register_without_credit_service_pays_by_phone(qtbot, kiosk_app, client, taps):
    app = kiosk_app
    w, journey = open_departments(qtbot, app, taps, "nocredit")                      # tap 1
    assert "not opened" in journey.departments_screen.line.text()
    open_department(qtbot, app, taps, journey, GENERAL_PRACTICE)                  # tap 2
    index = first_open_session(journey)
    clinic = journey.sessions[index]
    taps(journey.sessions_screen.choices.buttons[index])                             # tap 3
    confirm = journey.confirm_screen
    assert confirm.confirm_button.text() == f"Pay now {format_cny(clinic.fee_fen)}"
    assert "not opened the credit service" in confirm.notice.text()

    with qtbot.waitSignal(journey.registered, timeout=15_000) as done:
        taps(confirm.confirm_button)                                                 # tap 4
        pay_by_phone(qtbot, app, client)
    outcome = done.args[0]
    r = outcome.registration
    assert r.paid_fen == clinic.fee_fen and r.booked_fen == 0
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert "paid with your phone" in w.outcome.details.text()
    slip = pdf_text(Path(outcome.receipt_job))
    assert r.queue_number in slip and "现场支付" in slip and clinic.room in slip
    assert patient("nocredit")["id_number"] not in slip

    taps(w.outcome.done_button)                                                      # tap 5
    assert taps.count <= 6


def test_suspended_patient_is_offered_to_pay_now_or_repay_first(qtbot, kiosk_app, taps):
    app = kiosk_app
    w, journey = open_departments(qtbot, app, taps, "arrears")
    open_department(qtbot, app, taps, journey, GENERAL_PRACTICE)
    taps(journey.sessions_screen.choices.buttons[first_open_session(journey)])
    confirm = journey.confirm_screen
    assert confirm.confirm_button.text().startswith("Pay now")
    assert "suspended" in confirm.notice.text()
    assert confirm.repay_button.isVisible()
    taps(confirm.repay_button)
    qtbot.waitUntil(lambda: w.current == "repay" and bool(app.ctx.journeys["repay"].screen.debts), timeout=10_000)


@pytest.fixture
def his_desk(platform):
    """The HIS's registration desk (its own terminal): other patients register there."""
    from tests.sandbox_fixtures import SignedClient

    with SignedClient(platform.his.url, platform.his.desk_terminal_id, platform.his.desk_secret) as desk:
        yield desk


def register_at_desk(desk, role: str, session_id: str) -> dict:
    """``role``'s card read at the HIS's registration desk, and the patient registered there for the session."""
    found = desk.post("/v1/patients/find", json={"id_number": patient(role)["id_number"]})
    assert found.status_code == 200, found.text
    made = desk.write("/v1/registrations", {"session_id": session_id, "patient_id": found.json()["patient_id"]})
    assert made.status_code == 200, made.text
    return made.json()


def scarce_session(client, his) -> dict:
    """A clinic of the HIS with two numbers (the experts' clinics run on working days): move the
    services' clock a day at a time until one is listed."""
    for _ in range(10):
        for department in ("D03", "D02"):
            sessions = his.get(f"/v1/departments/{department}/sessions?days=3").json()["sessions"]
            for s in sessions:
                if s["slots_total"] <= 2 and s["slots_left"] == s["slots_total"] \
                        and datetime.fromisoformat(s["starts_at"]) > platform_now(client):
                    return s
        write(client, "/v1/_sandbox/clock", {"advance_s": 86_400})
    raise AssertionError("no expert clinic in ten days")


def test_a_full_session_is_shown_as_full_and_cannot_be_picked(qtbot, kiosk_app, client, his_desk, taps):
    from PySide6.QtCore import Qt

    app = kiosk_app
    full = scarce_session(client, his_desk)
    for role in ("tier1", "tier2"):  # its two numbers taken at the registration desk
        register_at_desk(his_desk, role, full["session_id"])
    w, journey = open_departments(qtbot, app, taps, "tier3")
    open_department(qtbot, app, taps, journey, full["department_id"])
    index = [s.session_id for s in journey.sessions].index(full["session_id"])
    assert journey.sessions[index].full
    button = journey.sessions_screen.choices.buttons[index]
    assert "Full" in button.text()  # in words, not just grey
    assert not button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert w.current == "register_sessions"
    assert journey.clinic is None


# -- cancelling -------------------------------------------------------------------------------

def book(app, role: str, department_id: str = GENERAL_PRACTICE):
    """A registration on credit made earlier at this kiosk (its registration use case, as the journey calls it:
    through the HIS, 2201, the fee booked on the line), for a session that has not started."""
    from kiosk.domain import clock

    services = app.services
    session = services.identify(patient(role)["id_number"])
    registrations = services.registrations
    department = next(d for d in registrations.departments() if d.department_id == department_id)
    now = clock.now()
    clinic = next(s for s in registrations.sessions(department_id) if s.starts_at > now and not s.full)
    made = registrations.register(session, department, clinic)
    assert made.registration is not None and made.registration.booked_fen == clinic.fee_fen
    return made.registration


def open_my_registrations(qtbot, app, taps, role: str):
    w, journey = open_departments(qtbot, app, taps, role)                            # tap 1
    taps(journey.departments_screen.mine_button)                                     # tap 2
    qtbot.waitUntil(lambda: w.current == "register_mine" and bool(journey.booked), timeout=10_000)
    return w, journey


@pytest.mark.parametrize("city", ["xiamen", "hangzhou"])
def test_cancel_returns_the_fee_to_the_credit_line(qtbot, kiosk_app, client, taps, city):
    app = kiosk_app
    booked = book(app, "tier3")
    account_id = booked.account.account_id
    client.present("tier3")  # the patient's card read here: their account may be read
    before = client.get(f"/v1/accounts/{account_id}").json()

    w, journey = open_my_registrations(qtbot, app, taps, "tier3")
    assert [r.registration_id for r in journey.booked] == [booked.registration_id]
    assert format_cny(booked.fee_fen) in journey.mine_screen.choices.buttons[0].text()
    taps(journey.mine_screen.choices.buttons[0])                                     # tap 3
    assert w.current == "register_cancel"
    assert "credit line" in journey.cancel_screen.effect.text()
    with qtbot.waitSignal(journey.cancelled, timeout=10_000) as done:
        taps(journey.cancel_screen.cancel_button)                                    # tap 4
    outcome = done.args[0]
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert outcome.returned_to_line_fen == booked.fee_fen
    assert f"The fee {format_cny(booked.fee_fen)} was returned to your credit line" in w.outcome.details.text()

    client.present("tier3")  # the patient's card read again: their account may be read
    after = client.get(f"/v1/accounts/{account_id}").json()
    assert after["used_fen"] == before["used_fen"] - booked.fee_fen
    slip = pdf_text(Path(outcome.receipt_job))
    assert "退号凭条" in slip and booked.reference in slip and masked("tier3") in slip
    assert format_cny(booked.fee_fen) in slip

    taps(w.outcome.done_button)                                                      # tap 5
    assert taps.count <= 6

    # Cancelled: no longer offered.
    taps.count = 0
    w, journey = open_departments(qtbot, app, taps, "tier3")
    taps(journey.departments_screen.mine_button)
    qtbot.waitUntil(lambda: w.current == "register_mine" and "no registrations" in journey.mine_screen.status.text(),
                    timeout=10_000)
    assert not journey.mine_screen.choices.buttons


def book_at_credit_platform(client, role: str, department_id: str = GENERAL_PRACTICE) -> dict:
    """A registration made earlier at the credit platform's own registration (a kiosk without the HIS), for a
    session that has not started."""
    now = platform_now(client)
    sessions = client.get(f"/v1/departments/{department_id}/sessions?days=3").json()["sessions"]
    session = next(s for s in sessions if datetime.fromisoformat(s["starts_at"]) > now and s["slots_left"])
    return write(client, "/v1/registrations", {"session_id": session["session_id"],
                                               "patient_id": patient(role)["patient_id"], "pay": "credit"})


@pytest.fixture
def credit_only_app(qtbot, kiosk_settings, sandbox):
    """A kiosk that registers at the credit platform alone (``registration_saga`` off)."""
    from tests.conftest import _booted_app

    app = _booted_app(qtbot, kiosk_settings.with_overrides(registration_saga=False), sandbox.secret)
    yield app
    app.shutdown()


def test_cancelling_a_repaid_registration_sends_the_fee_to_the_credit_account(qtbot, credit_only_app, client, taps):
    """Xiamen 000 art. 17 (医疗机构应将就医款项先退还至用户的信用就医账户): the fee, repaid by phone
    already, goes to the credit-care account, paying the account's other open bill; not back
    through the channel. The outcome and the slip say where it went, and the slip adds up. The credit
    platform's own registration (a kiosk without the HIS's): through the HIS, a repaid fee is cancelled at the
    cashier window (``test_a_repaid_fee_is_not_cancelled_at_the_kiosk``)."""
    from tests.printing.arithmetic import check

    app, who = credit_only_app, client.present("tier3")
    booked = book_at_credit_platform(client, "tier3")
    fee, account_id = booked["fee_fen"], booked["account"]["account_id"]
    visit = client.get(f"/v1/patients/{who['patient_id']}/visits?status=open").json()["visits"][0]
    settled = write(client, "/v1/settlements", {"patient_id": who["patient_id"], "account_id": account_id,
                                                "visit_ids": [visit["visit_id"]]})
    bills = client.get(f"/v1/accounts/{account_id}/bills").json()["bills"]
    fee_bill = next(b for b in bills if b["registration_id"] == booked["registration_id"])
    other = next(b for b in bills if b["settlement_id"] == settled["settlement_id"])
    assert fee < other["amount_fen"]
    payment = write(client, "/v1/payments", {"patient_id": who["patient_id"], "amount_fen": fee,
                                             "purpose": "repayment"})
    write(client, f"/v1/_sandbox/payments/{payment['payment_id']}/complete", {})
    write(client, "/v1/repayments", {"account_id": account_id, "amount_fen": fee, "channel": "payment_channel",
                                     "payment_id": payment["payment_id"], "bill_ids": [fee_bill["bill_id"]]})

    w, journey = open_my_registrations(qtbot, app, taps, "tier3")
    taps(journey.mine_screen.choices.buttons[0])
    with qtbot.waitSignal(journey.cancelled, timeout=10_000) as done:
        taps(journey.cancel_screen.cancel_button)
    outcome = done.args[0]
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert (outcome.returned_to_line_fen, outcome.to_bill_fen, outcome.to_other_bills_fen, outcome.to_balance_fen,
            outcome.refunded_to_channel_fen) == (fee, 0, fee, 0, 0)
    assert (f"{format_cny(fee)} went back to your credit-care account: {format_cny(0)} off this registration's "
            f"bill, {format_cny(fee)} off your other bills; the financial institution returns the balance of "
            f"{format_cny(0)} to you.") in w.outcome.details.text()
    assert "refunded to the account you paid from" not in w.outcome.details.text()
    client.present("tier3")
    left = next(b for b in client.get(f"/v1/accounts/{account_id}/bills").json()["bills"]
                if b["bill_id"] == other["bill_id"])
    assert left["outstanding_fen"] == other["amount_fen"] - fee

    slip = pdf_text(Path(outcome.receipt_job))
    checked = check(slip)
    assert (checked.kind, checked.problems) == ("cancellation", []) and checked.equalities >= 6
    squeezed = "".join(slip.split())
    for printed in (f"退回信用账户{format_cny(fee)}", f"冲减其他欠款{format_cny(fee)}",
                    f"退回原支付渠道{format_cny(0)}"):
        assert printed in squeezed, printed


def test_a_repaid_fee_is_not_cancelled_at_the_kiosk(qtbot, kiosk_app, platform, client, taps):
    """Through the HIS, a registration whose fee was repaid meanwhile (in cash at the desk) is not cancelled at the
    kiosk: the credit platform will not void a repaid booking, so nothing is undone anywhere; the patient is told
    to ask at the cashier window, and the registration stays listed."""
    app = kiosk_app
    booked = book(app, "tier2")
    account_id = booked.account.account_id
    platform.store.perform(platform.store.repay, account_id=account_id, amount_fen=booked.fee_fen, channel="cash",
                           operator_id="1001")
    client.present("tier2")
    before = client.get(f"/v1/accounts/{account_id}").json()

    w, journey = open_my_registrations(qtbot, app, taps, "tier2")
    taps(journey.mine_screen.choices.buttons[0])
    taps(journey.cancel_screen.cancel_button)
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    details = w.outcome.details.text()
    assert details.startswith("⚠") and "already repaid" in details and "cashier window" in details
    client.present("tier2")
    assert client.get(f"/v1/accounts/{account_id}").json()["used_fen"] == before["used_fen"]
    taps(w.outcome.done_button)
    w, journey = open_my_registrations(qtbot, app, taps, "tier2")  # still registered
    assert [r.registration_id for r in journey.booked] == [booked.registration_id]


def test_cancel_after_the_session_started_is_refused_with_the_reason(qtbot, kiosk_app, client, taps, monkeypatch):
    """The session begins while the patient is on the cancel screen: the cancel is refused, nothing undone; the
    list then shows the registration as started, not to be tapped."""
    from kiosk.domain import clock

    app = kiosk_app
    booked = book(app, "tier2")
    account_id = booked.account.account_id
    client.present("tier2")  # the patient's card read here: their account may be read
    before = client.get(f"/v1/accounts/{account_id}").json()

    w, journey = open_my_registrations(qtbot, app, taps, "tier2")
    taps(journey.mine_screen.choices.buttons[0])
    later = booked.session.starts_at + timedelta(minutes=5)  # the session begins: the services' clock, the kiosk's
    write(client, "/v1/_sandbox/clock", {"set_to": later.isoformat()})
    monkeypatch.setattr(clock, "now", lambda: later.astimezone(clock.BUSINESS_TZ))
    taps(journey.cancel_screen.cancel_button)
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    details = w.outcome.details.text()
    assert details.startswith("⚠") and "already started" in details
    client.present("tier2")
    assert client.get(f"/v1/accounts/{account_id}").json()["used_fen"] == before["used_fen"]
    taps(w.outcome.done_button)
    assert w.current == "home"

    w, journey = open_my_registrations(qtbot, app, taps, "tier2")  # still registered, shown as started
    assert [r.registration_id for r in journey.booked] == [booked.registration_id]
    button = journey.mine_screen.choices.buttons[0]
    assert "Started: ask at the registration desk" in button.text() and not button.isEnabled()


def test_department_names_follow_the_language(qtbot, kiosk_app, taps):
    from PySide6.QtCore import Qt

    app = kiosk_app
    w, journey = open_departments(qtbot, app, taps, "tier1")
    names = [b.text() for b in journey.departments_screen.buttons]
    assert "General Practice" in names
    app.toggle_language()
    try:
        qtbot.waitUntil(lambda: "全科医学科" in [b.text() for b in journey.departments_screen.buttons])
    finally:
        app.toggle_language()
    qtbot.waitUntil(lambda: "General Practice" in [b.text() for b in journey.departments_screen.buttons])
    qtbot.mouseClick(journey.departments_screen.back_button, Qt.MouseButton.LeftButton)
    assert w.current == "home" and not journey.departments_screen.buttons
