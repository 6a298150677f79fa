"""Phone payments through the UI: Cancel cancels at the channel (the code can no longer be paid); a
payment the phone completed just before the Cancel, or just before the idle guard cleared the screen,
is never lost: it goes back through the channel at once, and the desk's late payments list shows it.
Against the real sandbox; the patient taps, the sandbox's control API plays their phone."""
from __future__ import annotations

import uuid

import pytest

from kiosk.domain.money import format_cny
from tests.helpers import patient, tap_card

ROLE = "tier1"


def channel_of(sandbox, payment_id: str):
    """The service whose channel took the payment: the HIS's (the rest of a bill, issue 12), else the credit
    platform's."""
    his = getattr(sandbox, "his", None)
    if his is not None and his.store.payment(payment_id) is not None:
        return his
    return sandbox


def phone_pays(sandbox, payment_id: str):
    from tests.sandbox_fixtures import SignedClient

    service = channel_of(sandbox, payment_id)
    with SignedClient(service.url, service.terminal_id, service.secret) as client:
        return client.post(f"/v1/_sandbox/payments/{payment_id}/complete", json={},
                           headers={"Idempotency-Key": uuid.uuid4().hex})


def payment(sandbox, payment_id: str) -> dict:
    return channel_of(sandbox, payment_id).store.payment(payment_id)


def payments_made(sandbox) -> int:
    count = 0
    for store in (sandbox.store, getattr(getattr(sandbox, "his", None), "store", None)):
        if store is not None:
            with store.snapshot() as conn:
                count += conn.execute("SELECT COUNT(*) FROM payments").fetchone()[0]
    return count


def to_payment(qtbot, app, sandbox, taps) -> str:
    """Home → pay → card → bill (the line has ￥1.00 left, so the rest is paid by phone) → Confirm."""
    with sandbox.store.transaction() as conn:
        conn.execute("UPDATE accounts SET used_fen = line_fen - 100 WHERE holder_patient_id = ?",
                     (patient(ROLE)["patient_id"],))
    w = app.window
    taps(w.home.buttons["pay"])
    tap_card(qtbot, app, ROLE)
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    assert app.ctx.journeys["pay"].split.shortfall_fen > 0
    taps(w.bill.confirm_button)
    qtbot.waitUntil(lambda: w.current == "payment" and app.ctx.payments.payment_id is not None, timeout=10_000)
    return app.ctx.payments.payment_id


def late_payments(sandbox) -> list[dict]:
    stores = [sandbox.store] + ([sandbox.his.store] if getattr(sandbox, "his", None) is not None else [])
    return [p for store in stores for p in store.late_payments(store.now().replace(year=2000))]


def test_cancel_cancels_at_the_channel(qtbot, kiosk, sandbox, sandbox_client, taps):
    w = kiosk.window
    payment_id = to_payment(qtbot, kiosk, sandbox, taps)
    with qtbot.waitSignal(kiosk.ctx.payments.abandoned, timeout=10_000) as ended:
        taps(w.payment.cancel_button)
    assert ended.args[0]["status"] == "cancelled"
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)  # back to the bill, as before
    refused = phone_pays(sandbox, payment_id)  # the patient's phone tries afterwards
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "payment_cancelled"
    assert payment(sandbox, payment_id)["status"] == "cancelled"
    assert late_payments(sandbox) == []


def test_paid_just_before_cancel_is_refunded_and_the_patient_told(qtbot, kiosk, sandbox, sandbox_client, taps):
    w = kiosk.window
    kiosk.ctx.payments.poll_ms = 3_600_000  # the kiosk has not asked the channel since the phone paid
    payment_id = to_payment(qtbot, kiosk, sandbox, taps)
    kiosk.ctx.payments._poll.stop()
    assert phone_pays(sandbox, payment_id).status_code == 200
    amount = payment(sandbox, payment_id)["amount_fen"]
    with qtbot.waitSignal(kiosk.ctx.payments.abandoned, timeout=10_000):
        taps(w.payment.cancel_button)
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert "refunded" in w.outcome.details.text() and "nothing was charged" in w.outcome.details.text()
    assert payment(sandbox, payment_id)["status"] == "refunded"
    with sandbox.store.snapshot() as conn:  # nothing was settled with it
        assert conn.execute("SELECT COUNT(*) FROM settlements WHERE payment_id = ?", (payment_id,)).fetchone()[0] == 0
    with sandbox.his.store.snapshot() as conn:  # nor any bill paid with it
        assert conn.execute("SELECT COUNT(*) FROM bills WHERE payment_id = ?", (payment_id,)).fetchone()[0] == 0
    [late] = late_payments(sandbox)
    assert (late["payment_id"], late["amount_fen"], late["late"]) == (payment_id, amount, "refunded_after_cancel")


@pytest.mark.parametrize("phone_paid", [False, True], ids=["still pending", "paid just before"])
def test_the_idle_timeout_on_the_payment_screen(qtbot, kiosk, sandbox, sandbox_client, taps, phone_paid):
    """Decided: when the idle guard clears the payment screen, the payment is cancelled at the channel; one
    the phone paid just before is refunded through the channel (no settlement is made for a patient who
    has gone) and listed for the desk. The next patient sees nothing of it."""
    w = kiosk.window
    kiosk.ctx.payments.poll_ms = 3_600_000
    payment_id = to_payment(qtbot, kiosk, sandbox, taps)
    kiosk.ctx.payments._poll.stop()
    if phone_paid:
        assert phone_pays(sandbox, payment_id).status_code == 200
    w.idle.configure(50, 50)  # the patient walks away: the real guard, with short times
    w.idle.arm()
    with qtbot.waitSignal(kiosk.ctx.payments.abandoned, timeout=10_000) as ended:
        qtbot.waitUntil(lambda: w.current == "home", timeout=10_000)
    assert w.payment.amount.text() == ""
    expected = "refunded" if phone_paid else "cancelled"
    assert ended.args[0]["status"] == expected and payment(sandbox, payment_id)["status"] == expected
    if not phone_paid:
        assert phone_pays(sandbox, payment_id).json()["error"]["code"] == "payment_cancelled"
        assert late_payments(sandbox) == []
    else:
        assert [p["late"] for p in late_payments(sandbox)] == ["refunded_walked_away"]


def test_the_desk_sees_the_late_payments(qtbot, kiosk, desk, sandbox, sandbox_client, taps):
    """A patient walks away from a kiosk just after their phone paid; the cashier opens the desk's list."""
    w = kiosk.window
    kiosk.ctx.payments.poll_ms = 3_600_000
    payment_id = to_payment(qtbot, kiosk, sandbox, taps)
    kiosk.ctx.payments._poll.stop()
    phone_pays(sandbox, payment_id)
    amount = payment(sandbox, payment_id)["amount_fen"]
    with qtbot.waitSignal(kiosk.ctx.payments.abandoned, timeout=10_000):
        w.go_home()  # "Back to start" on the kiosk, as the idle guard does

    d = desk.window
    journey = desk.ctx.journeys["late_payments"]
    taps(d.home.buttons["late_payments"])
    qtbot.waitUntil(lambda: bool(journey.screen.items), timeout=10_000)
    table = journey.screen.table
    row = [table.item(0, c).text() for c in range(5)]
    assert row[1] == format_cny(amount) and row[3] == sandbox.terminal_id
    assert "walked away" in row[4] and "*" in row[2] and patient(ROLE)["name"] not in row[2]
    taps(journey.screen.back_button)
    assert d.current == "home"


def test_a_payment_above_the_setting_is_confirmed_first(qtbot, kiosk_settings, sandbox, taps):
    """confirm_above_fen = 0: every payment asks, with the amount in figures and words; Back creates nothing."""
    from tests.conftest import _booted_app

    app = _booted_app(qtbot, kiosk_settings.with_overrides(confirm_above_fen=0), sandbox)
    try:
        w = app.window
        with sandbox.store.transaction() as conn:
            conn.execute("UPDATE accounts SET used_fen = line_fen - 100 WHERE holder_patient_id = ?",
                         (patient(ROLE)["patient_id"],))
        taps(w.home.buttons["pay"])
        tap_card(qtbot, app, ROLE)
        qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
        shortfall = app.ctx.journeys["pay"].split.shortfall_fen
        taps(w.bill.confirm_button)
        assert w.current == "confirm" and w.confirm.figures.text() == format_cny(shortfall)
        assert w.confirm.words.text().startswith("In words: 人民币") and "phone" in w.confirm.purpose.text()
        taps(w.confirm.back_button)
        assert w.current == "bill"
        assert payments_made(sandbox) == 0
        taps(w.bill.confirm_button)
        taps(w.confirm.confirm_button)
        qtbot.waitUntil(lambda: w.current == "payment" and app.ctx.payments.payment_id is not None, timeout=10_000)
        payment_id = app.ctx.payments.payment_id
        assert payment(sandbox, payment_id)["amount_fen"] == shortfall
        with qtbot.waitSignal(app.ctx.payments.abandoned, timeout=10_000):
            w.go_home()  # the patient leaves without paying: closed at the channel
        assert payment(sandbox, payment_id)["status"] == "cancelled"
    finally:
        app.shutdown()
