"""The register journey on the registration saga (issue 12; setting ``registration_saga``): the patient taps
through the HIS's departments and sessions, registers on credit, and later cancels, as at the kiosk; after each,
the three services' own databases agree: the HIS's registration and its fee's bill, the insurance platform's
visit (2201, then 2202), the credit platform's booking of kind registration (then voided, the fee back on the
line)."""
from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.domain import clock
from kiosk.domain.money import format_cny
from tests.conftest import _booted_app
from tests.helpers import pdf_text
from tests.saga_invariant import check, check_registrations
from tests.test_journey_register import open_department, open_departments, open_my_registrations


@pytest.fixture
def kiosk_app(qtbot, kiosk_settings, sandbox):
    app = _booted_app(qtbot, kiosk_settings.with_overrides(registration_saga=True), sandbox.secret)
    yield app
    app.shutdown()


def registration_at_his(sandbox, registration_id: str) -> dict:
    with sandbox.his.store.snapshot() as conn:
        return dict(conn.execute(
            "SELECT r.status, r.queue_number, b.bill_id, b.status AS bill_status, b.booking_id, b.payment_id, "
            "b.total_fen FROM "
            "registrations r JOIN bills b ON b.registration_id = r.registration_id WHERE r.registration_id = ?",
            (registration_id,)).fetchone())


def insurance_visit(sandbox, registration_id: str) -> str:
    return sandbox.insurance.store.read("SELECT status FROM visits WHERE ipt_otp_no = ?", (registration_id,))[0][
        "status"]


def line_used(sandbox, role: str) -> int:
    from sandbox.demo_data import patient_by_role

    with sandbox.store.snapshot() as conn:
        account_id = conn.execute("SELECT a.account_id FROM accounts a JOIN patients p ON p.patient_id = "
                                  "a.holder_patient_id WHERE p.id_number = ?",
                                  (patient_by_role(role)["id_number"],)).fetchone()[0]
    return sandbox.store.account(account_id)["used_fen"]


@pytest.mark.parametrize("city", ["xiamen", "hangzhou"])
def test_register_on_credit_then_cancel_everywhere(qtbot, kiosk_app, sandbox, taps, city):
    app = kiosk_app
    used = line_used(sandbox, "tier3")
    w, journey = open_departments(qtbot, app, taps, "tier3")
    his_departments = [d.dept_code for d in app.services.ports.his.departments()]
    assert [d.department_id for d in journey.departments] == his_departments  # the HIS's departments
    open_department(qtbot, app, taps, journey, his_departments[0])
    now = clock.now()
    index = next(i for i, s in enumerate(journey.sessions) if not s.full and s.starts_at > now)  # to cancel later
    clinic = journey.sessions[index]
    taps(journey.sessions_screen.choices.buttons[index])
    confirm = journey.confirm_screen
    assert confirm.confirm_button.text() == "Register on credit"
    with qtbot.waitSignal(journey.registered, timeout=15_000) as done:
        taps(confirm.confirm_button)
    outcome = done.args[0]
    qtbot.waitUntil(lambda: w.current == "outcome")
    r = outcome.registration
    his = registration_at_his(sandbox, r.registration_id)
    assert (his["status"], his["bill_status"], his["total_fen"]) == ("booked", "paid", clinic.fee_fen)
    assert r.queue_number == str(his["queue_number"]) and r.queue_number in w.outcome.title.text()
    assert insurance_visit(sandbox, r.registration_id) == "open"
    assert his["booking_id"] and line_used(sandbox, "tier3") == used + clinic.fee_fen
    assert "挂号凭条" in pdf_text(Path(outcome.receipt_job))
    check(sandbox, {his["bill_id"]: False})
    check_registrations(sandbox)
    taps(w.outcome.done_button)

    w, journey = open_my_registrations(qtbot, app, taps, "tier3")
    assert [b.registration_id for b in journey.booked] == [r.registration_id]
    taps(journey.mine_screen.choices.buttons[0])
    with qtbot.waitSignal(journey.cancelled, timeout=15_000) as done:
        taps(journey.cancel_screen.cancel_button)
    cancelled = done.args[0]
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert cancelled.returned_to_line_fen == clinic.fee_fen
    assert f"The fee {format_cny(clinic.fee_fen)} was returned to your credit line" in w.outcome.details.text()
    his = registration_at_his(sandbox, r.registration_id)
    assert his["status"] == "cancelled" and his["bill_status"] != "paid"
    assert insurance_visit(sandbox, r.registration_id) == "cancelled"
    assert line_used(sandbox, "tier3") == used
    check_registrations(sandbox)


def test_without_credit_service_the_fee_is_paid_by_phone_through_the_his(qtbot, kiosk_app, sandbox, taps):
    from tests.sandbox_fixtures import SignedClient

    app = kiosk_app
    w, journey = open_departments(qtbot, app, taps, "nocredit")
    open_department(qtbot, app, taps, journey, journey.departments[0].department_id)
    index = next(i for i, s in enumerate(journey.sessions) if not s.full and s.starts_at > clock.now())
    clinic = journey.sessions[index]
    taps(journey.sessions_screen.choices.buttons[index])
    with qtbot.waitSignal(journey.registered, timeout=15_000) as done:
        taps(journey.confirm_screen.confirm_button)
        qtbot.waitUntil(lambda: w.current == "payment" and app.ctx.payments.payment_id is not None, timeout=10_000)
        with SignedClient(sandbox.his.url, sandbox.his.terminal_id, sandbox.his.secret) as phone:  # the phone pays
            paid = phone.write(f"/v1/_sandbox/payments/{app.ctx.payments.payment_id}/complete", {})
            assert paid.status_code == 200, paid.text
    r = done.args[0].registration
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert (r.booked_fen, r.paid_fen) == (0, clinic.fee_fen)
    assert f"Fee {format_cny(clinic.fee_fen)} paid with your phone." in w.outcome.details.text()
    his = registration_at_his(sandbox, r.registration_id)
    assert (his["status"], his["bill_status"], his["booking_id"]) == ("booked", "paid", None) and his["payment_id"]
    check_registrations(sandbox)
    taps(w.outcome.done_button)

    w, journey = open_my_registrations(qtbot, app, taps, "nocredit")  # cancelled: the fee back to the phone
    taps(journey.mine_screen.choices.buttons[0])
    assert journey.cancel_screen.effect.text() == \
        f"The fee {format_cny(clinic.fee_fen)} goes back to the account you paid from."
    with qtbot.waitSignal(journey.cancelled, timeout=15_000) as done:
        taps(journey.cancel_screen.cancel_button)
    assert done.args[0].refunded_to_channel_fen == clinic.fee_fen
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert f"{format_cny(clinic.fee_fen)} will be refunded to the account you paid from." in w.outcome.details.text()
    assert app.services.ports.his.payment(his["payment_id"]).status == "refunded"
    check_registrations(sandbox)
