"""The teen who has come of age, at the kiosk, pressing what a patient presses.

The demo teen (born 2009-01-10) is on the tier3 guardian's line until the day before the 18th
birthday and an adult from the birthday itself, 2027-01-10 (``kiosk/domain/age.py``, issue 11's
rule). From then on the bill screen says why the
guardian's line cannot be used and offers the two ways on: open their own credit service, or
pay in full now. The platform starts on the day the test needs; its clock moves as the
patient's evening turns into the next day.
"""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.money import format_cny
from sandbox.server import EmbeddedSandbox
from tests.conftest import boot
from tests.helpers import all_texts, patient, pay_by_phone, tap_card
from tests.sandbox_fixtures import SignedClient

LEFT = Qt.MouseButton.LeftButton
REASON = "You are 18 now and can no longer use your guardian's credit line."


@pytest.fixture
def platform_on(tmp_path):
    """``platform_on(moment)``: a seeded sandbox whose business clock starts at ``moment``."""
    running = []

    def start(moment: datetime, city: str = "xiamen") -> EmbeddedSandbox:
        sandbox = EmbeddedSandbox(tmp_path / f"platform-{len(running)}.sqlite", city=city, control=True,
                                  start_at=moment)
        sandbox.__enter__()
        running.append(sandbox)
        return sandbox

    yield start
    for sandbox in running:
        sandbox.__exit__(None, None, None)


@pytest.fixture
def booted(qtbot, tmp_path):
    apps = []

    def start(platform, city: str = "xiamen"):
        app = boot(qtbot, tmp_path, platform, city)
        apps.append(app)
        return app

    yield start
    for app in apps:
        app.shutdown()


def open_bill(qtbot, app, taps):
    w = app.window
    taps(w.home.buttons["pay"])
    tap_card(qtbot, app, "teen")
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    return w


@pytest.mark.parametrize("city", ["xiamen", "hangzhou"])
def test_come_of_age_the_bill_says_why_and_the_teen_pays_in_full(qtbot, platform_on, booted, taps, city):
    platform = platform_on(datetime(2027, 1, 10, 9, 0, tzinfo=BUSINESS_TZ), city)  # the 18th birthday
    app = booted(platform, city)
    w = open_bill(qtbot, app, taps)                                                  # taps 1-2 (card)
    bill = w.bill
    assert bill.notice.isVisible() and bill.notice.text().startswith("⚠ " + REASON)
    assert "open your own credit service, or pay in full now" in bill.notice.text()
    assert bill.open_button.isVisible() and bill.open_button.text() == "Open my own credit service"
    assert bill.confirm_button.isVisible() and bill.confirm_button.text() == "Pay in full now"
    assert "minor" not in bill.who.text()
    visits = app.ctx.journeys["pay"].visits
    personal = sum(v.personal_fen for v in visits)
    assert "Booked on your credit line" in all_texts(w) and format_cny(personal) in all_texts(w)

    journey = app.ctx.journeys["pay"]
    with qtbot.waitSignal(journey.settled, timeout=20_000) as done:
        taps(bill.confirm_button)                                                    # tap 2
        qtbot.waitUntil(lambda: w.current == "payment", timeout=10_000)
        with SignedClient(platform.url, platform.terminal_id, platform.secret) as client:
            pay_by_phone(qtbot, app, client)
    settlement = done.args[0].settlement
    assert (settlement.booked_fen, settlement.paid_fen) == (0, personal)
    with SignedClient(platform.url, platform.terminal_id, platform.secret) as client:
        client.present("tier3")
        guardian_bills = client.get("/v1/accounts/CA000003/bills").json()["bills"]
    assert [b for b in guardian_bills if b["patient_id"] == patient("teen")["patient_id"]] == []
    qtbot.waitUntil(lambda: w.current == "outcome")
    taps(w.outcome.done_button)                                                      # tap 3
    assert taps.count <= 6


def test_come_of_age_the_teen_opens_their_own_service_from_the_bill(qtbot, platform_on, booted, taps):
    platform = platform_on(datetime(2027, 1, 10, 9, 0, tzinfo=BUSINESS_TZ))  # the 18th birthday
    app = booted(platform)
    w = open_bill(qtbot, app, taps)                                                  # tap 1
    taps(w.bill.open_button)                                                         # tap 2
    qtbot.waitUntil(lambda: w.current == "credit_consent" and w.credit_consent.agree_button.isEnabled(),
                    timeout=10_000)
    assert patient("teen")["name"][0] + "*" in w.credit_consent.who.text()  # for the teen, not a guardian
    taps(w.credit_consent.agree_button)                                              # tap 3
    assert w.current == "credit_phone"
    taps(w.credit_phone.use_button)                                                  # tap 4
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert format_cny(100_000) in w.outcome.details.text()  # 白鹭分 520: the 501-600 tier's line
    taps(w.outcome.done_button)                                                      # tap 5
    assert taps.count <= 6

    # Back to pay: now on the teen's own line.
    w = open_bill(qtbot, app, taps)
    assert w.bill.confirm_button.text() == "Pay on credit" and not w.bill.open_button.isVisible()
    assert w.bill.notice.text() == "" or not w.bill.notice.isVisible()


def test_shown_before_midnight_paid_after_it_the_bill_comes_back_with_the_reason(qtbot, platform_on, booted, taps):
    """The bill shown at 23:59 the day before the 18th birthday; "Pay on credit" tapped after
    midnight. The platform refuses the guardian's line (its day is the birthday); nothing is
    booked, and the screen says why and offers the two ways on."""
    platform = platform_on(datetime(2027, 1, 9, 23, 59, tzinfo=BUSINESS_TZ))
    app = booted(platform)
    w = open_bill(qtbot, app, taps)
    assert platform.store.now() < datetime(2027, 1, 10, tzinfo=BUSINESS_TZ)  # shown the day before
    journey = app.ctx.journeys["pay"]
    assert journey.session.account.account_id == "CA000003" and "minor" in w.bill.who.text()
    assert w.bill.confirm_button.text() == "Pay on credit"
    platform.store.move_clock(set_to=datetime(2027, 1, 10, 0, 0, 20, tzinfo=BUSINESS_TZ))
    taps(w.bill.confirm_button)
    qtbot.waitUntil(lambda: w.bill.open_button.isVisible(), timeout=10_000)
    assert w.current == "bill" and w.bill.notice.text().startswith("⚠ " + REASON)
    assert w.bill.confirm_button.text() == "Pay in full now"
    with platform.store.snapshot() as db:
        teen_bills = db.execute("SELECT COUNT(*) FROM bills WHERE patient_id = ?",
                                (patient("teen")["patient_id"],)).fetchone()[0]
    assert teen_bills == 0


def test_the_kiosk_checks_its_own_day_before_any_write(qtbot, platform_on, booted, taps, monkeypatch):
    """The kiosk's clock past midnight, the platform's not yet: the kiosk does not offer the
    guardian's line on the new day, and nothing is sent (the platform would still have taken it)."""
    from kiosk.domain import clock

    platform = platform_on(datetime(2027, 1, 9, 23, 58, tzinfo=BUSINESS_TZ))
    monkeypatch.setattr(clock, "now", lambda: datetime(2027, 1, 9, 23, 58, tzinfo=BUSINESS_TZ))
    app = booted(platform)
    w = open_bill(qtbot, app, taps)
    assert w.bill.confirm_button.text() == "Pay on credit"
    monkeypatch.setattr(clock, "now", lambda: datetime(2027, 1, 10, 0, 0, 5, tzinfo=BUSINESS_TZ))
    taps(w.bill.confirm_button)
    assert w.current == "bill" and w.bill.notice.text().startswith("⚠ " + REASON)  # at once: nothing sent
    assert w.bill.open_button.isVisible() and w.bill.confirm_button.text() == "Pay in full now"
    with platform.store.snapshot() as db:
        assert db.execute("SELECT COUNT(*) FROM settlements WHERE patient_id = ?",
                          (patient("teen")["patient_id"],)).fetchone()[0] == 0


# -- registration: the same reason and the same offer ------------------------------------------

def choose_a_clinic(qtbot, app, taps):
    from tests.test_journey_register import GENERAL_PRACTICE, first_open_session, open_department, open_departments

    w, journey = open_departments(qtbot, app, taps, "teen")
    open_department(qtbot, app, taps, journey, GENERAL_PRACTICE)
    index = first_open_session(journey)
    taps(journey.sessions_screen.choices.buttons[index])
    assert w.current == "register_confirm"
    return w, journey, journey.sessions[index]


def test_come_of_age_registration_says_why_and_offers_their_own_service_or_paying_now(qtbot, platform_on, booted,
                                                                                     taps):
    platform = platform_on(datetime(2027, 1, 10, 9, 0, tzinfo=BUSINESS_TZ))  # the 18th birthday
    app = booted(platform)
    w, journey, clinic = choose_a_clinic(qtbot, app, taps)
    confirm = journey.confirm_screen
    assert confirm.notice.isVisible() and confirm.notice.text().startswith(REASON)
    assert confirm.open_button.isVisible() and confirm.open_button.text() == "Open my own credit service"
    assert confirm.confirm_button.text() == f"Pay now {format_cny(clinic.fee_fen)}"

    with qtbot.waitSignal(journey.registered, timeout=20_000) as done:
        taps(confirm.confirm_button)
        qtbot.waitUntil(lambda: w.current == "payment", timeout=10_000)
        with SignedClient(platform.url, platform.terminal_id, platform.secret) as client:
            pay_by_phone(qtbot, app, client)
    r = done.args[0].registration
    assert (r.booked_fen, r.paid_fen) == (0, clinic.fee_fen)

    # The other way on: their own service, from the same screen.
    qtbot.waitUntil(lambda: w.current == "outcome")
    taps(w.outcome.done_button)
    w, journey, clinic = choose_a_clinic(qtbot, app, taps)
    taps(journey.confirm_screen.open_button)
    qtbot.waitUntil(lambda: w.current == "credit_consent" and w.credit_consent.agree_button.isEnabled(),
                    timeout=10_000)
    assert patient("teen")["name"][0] + "*" in w.credit_consent.who.text()  # for the teen, not a guardian


def test_registration_shown_before_midnight_confirmed_after_it_comes_back_with_the_reason(qtbot, platform_on,
                                                                                         booted, taps):
    """'Register on credit' shown at 23:59 the day before the 18th birthday, tapped after
    midnight: the platform refuses the guardian's line; nothing is booked, and the screen says
    why and offers their own service or paying now."""
    platform = platform_on(datetime(2027, 1, 9, 23, 59, tzinfo=BUSINESS_TZ))
    app = booted(platform)
    w, journey, clinic = choose_a_clinic(qtbot, app, taps)
    assert platform.store.now() < datetime(2027, 1, 10, tzinfo=BUSINESS_TZ)  # shown the day before
    confirm = journey.confirm_screen
    assert confirm.confirm_button.text() == "Register on credit" and not confirm.open_button.isVisible()
    platform.store.move_clock(set_to=datetime(2027, 1, 10, 0, 0, 20, tzinfo=BUSINESS_TZ))
    taps(confirm.confirm_button)
    qtbot.waitUntil(lambda: confirm.open_button.isVisible(), timeout=10_000)
    assert w.current == "register_confirm" and confirm.notice.text().startswith(REASON)
    assert confirm.confirm_button.text() == f"Pay now {format_cny(clinic.fee_fen)}"
    with platform.store.snapshot() as db:
        assert db.execute("SELECT COUNT(*) FROM registrations WHERE patient_id = ?",
                          (patient("teen")["patient_id"],)).fetchone()[0] == 0


def test_registration_the_kiosk_checks_its_own_day_before_the_write(qtbot, platform_on, booted, taps, monkeypatch):
    from kiosk.domain import clock

    platform = platform_on(datetime(2027, 1, 9, 23, 58, tzinfo=BUSINESS_TZ))
    monkeypatch.setattr(clock, "now", lambda: datetime(2027, 1, 9, 23, 58, tzinfo=BUSINESS_TZ))
    app = booted(platform)
    w, journey, clinic = choose_a_clinic(qtbot, app, taps)
    assert journey.confirm_screen.confirm_button.text() == "Register on credit"
    monkeypatch.setattr(clock, "now", lambda: datetime(2027, 1, 10, 0, 0, 5, tzinfo=BUSINESS_TZ))
    taps(journey.confirm_screen.confirm_button)
    assert w.current == "register_confirm" and journey.confirm_screen.open_button.isVisible()  # at once
    assert journey.confirm_screen.notice.text().startswith(REASON)
    with platform.store.snapshot() as db:
        assert db.execute("SELECT COUNT(*) FROM registrations WHERE patient_id = ?",
                          (patient("teen")["patient_id"],)).fetchone()[0] == 0


# -- admission: the reason, and their own service ----------------------------------------------

def test_come_of_age_admission_says_why_and_offers_their_own_service(qtbot, platform_on, booted, taps):
    platform = platform_on(datetime(2027, 1, 10, 9, 0, tzinfo=BUSINESS_TZ))  # the 18th birthday
    platform.store.add_admission_order(patient_id=patient("teen")["patient_id"], adm_dept_codg="D01")
    app = booted(platform)
    w = app.window
    taps(w.home.buttons["admit"])
    tap_card(qtbot, app, "teen")
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert w.outcome.title.text() == "Not done" and w.outcome.details.text().startswith("⚠ " + REASON)
    assert w.outcome.action_button.isVisible() and w.outcome.action_button.text() == "Open my own credit service"
    taps(w.outcome.action_button)
    qtbot.waitUntil(lambda: w.current == "credit_consent" and w.credit_consent.agree_button.isEnabled(),
                    timeout=10_000)
    assert patient("teen")["name"][0] + "*" in w.credit_consent.who.text()  # for the teen, as an adult


def test_admission_shown_before_midnight_tapped_after_it_says_why(qtbot, platform_on, booted, taps):
    """The teen's admission order listed at 23:59 the day before the 18th birthday, tapped after
    midnight: the platform refuses the guardian's line; not admitted; the reason and the offer."""
    platform = platform_on(datetime(2027, 1, 9, 23, 59, tzinfo=BUSINESS_TZ))
    platform.store.add_admission_order(patient_id=patient("teen")["patient_id"], adm_dept_codg="D01")
    app = booted(platform)
    w = app.window
    taps(w.home.buttons["admit"])
    tap_card(qtbot, app, "teen")
    qtbot.waitUntil(lambda: w.current == "admit" and bool(w.admit.buttons), timeout=10_000)
    assert platform.store.now() < datetime(2027, 1, 10, tzinfo=BUSINESS_TZ)  # listed the day before
    platform.store.move_clock(set_to=datetime(2027, 1, 10, 0, 0, 20, tzinfo=BUSINESS_TZ))
    taps(w.admit.buttons[0])
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert w.outcome.details.text().startswith("⚠ " + REASON)
    assert w.outcome.action_button.text() == "Open my own credit service"
    with platform.store.snapshot() as db:
        assert db.execute("SELECT COUNT(*) FROM admissions WHERE patient_id = ?",
                          (patient("teen")["patient_id"],)).fetchone()[0] == 0


def test_come_of_age_discharge_says_why_and_offers_their_own_service(qtbot, platform_on, booted, taps):
    """Admitted on the guardian's line the day before the 18th birthday, discharged on the birthday: the stay
    cannot be settled on the guardian's line; the screen says why and offers the button its words name."""
    platform = platform_on(datetime(2027, 1, 9, 10, 0, tzinfo=BUSINESS_TZ))
    platform.store.add_admission_order(patient_id=patient("teen")["patient_id"], adm_dept_codg="D01")
    app = booted(platform)
    w = app.window
    taps(w.home.buttons["admit"])
    tap_card(qtbot, app, "teen")
    qtbot.waitUntil(lambda: w.current == "admit" and bool(w.admit.buttons), timeout=10_000)
    with qtbot.waitSignal(app.ctx.journeys["admit"].admitted, timeout=10_000):
        taps(w.admit.buttons[0])
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    taps(w.outcome.done_button)
    qtbot.waitUntil(lambda: w.current == "home")

    with platform.store.transaction() as conn:  # the ward's charge for the night
        [admission_id] = conn.execute("SELECT admission_id FROM admissions WHERE patient_id = ?",
                                      (patient("teen")["patient_id"],)).fetchone()
        conn.execute("INSERT INTO admission_items (admission_id, line_no, code, name, category, day, quantity, "
                     "unit_price_fen, amount_fen) VALUES (?, 1, 'CW001', '普通病房床位费(三人间)', '01', "
                     "'2027-01-09', 1, 4500, 4500)", (admission_id,))
    platform.store.move_clock(set_to=datetime(2027, 1, 10, 9, 0, tzinfo=BUSINESS_TZ))  # the birthday
    taps(w.home.buttons["discharge"])
    tap_card(qtbot, app, "teen")
    screen = app.ctx.journeys["discharge"].screen
    qtbot.waitUntil(lambda: w.current == "discharge" and screen.notice.isVisible(), timeout=10_000)
    assert screen.notice.text() == ("⚠ " + REASON + " Tap \"Open my own credit service\" to open it here now; "
                                    "then your stay can be settled on your own line.")
    assert not screen.confirm_button.isVisible()
    assert screen.open_button.isVisible() and screen.open_button.text() == "Open my own credit service"
    taps(screen.open_button)
    qtbot.waitUntil(lambda: w.current == "credit_consent" and w.credit_consent.agree_button.isEnabled(),
                    timeout=10_000)
    assert patient("teen")["name"][0] + "*" in w.credit_consent.who.text()
