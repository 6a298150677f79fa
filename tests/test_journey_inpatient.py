"""Credit admission (no deposit) and credit discharge with a 300-item stay and its A4 statement."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from kiosk.domain.money import format_cny
from tests.helpers import all_texts, patient, pay_by_phone, pdf_text, tap_card


def test_admission_on_the_doctors_order_shows_ward_and_bed(qtbot, kiosk, taps, sandbox, sandbox_client):
    w = kiosk.window
    journey = kiosk.ctx.journeys["admit"]
    taps(w.home.buttons["admit"])                                                    # tap 1
    tap_card(qtbot, kiosk, "tier1")
    qtbot.waitUntil(lambda: w.current == "admit" and bool(w.admit.buttons), timeout=10_000)
    assert "No deposit" in w.admit.explain.text()
    [order] = w.admit.orders
    assert (order.department, order.ward, order.doctor) == ("全科医学科", "五病区", "许文静")  # the demo order
    assert "全科医学科 · 五病区" in w.admit.buttons[0].text() and "许文静" in w.admit.buttons[0].text()
    with qtbot.waitSignal(journey.admitted, timeout=10_000) as done:
        taps(w.admit.buttons[0])                                                     # tap 2
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    data = done.args[0]
    assert data["ward"] == "五病区" and data["bed"].endswith("床")
    assert w.outcome.title.text() == f"Admitted: 全科医学科, 五病区, bed {data['bed']}"
    assert "without a deposit" in w.outcome.details.text()
    assert data["admission_id"] not in all_texts(w)  # an internal id is not for the patient
    person = sandbox_client.post("/v1/identity/lookup", json={"id_number": patient("tier1")["id_number"]}).json()
    admissions = sandbox_client.get(f"/v1/patients/{person['patient_id']}/admissions?status=admitted").json()
    assert [(a["deposit_paid_fen"], a["guarantee"], a["ward"]) for a in admissions["admissions"]] == \
        [(0, "credit_line", "五病区")]
    assert sandbox.store.admission_orders(person["patient_id"], "pending") == []  # the order is used
    assert taps.count <= 6


def test_no_admission_order_no_admission(qtbot, kiosk, taps, sandbox):
    """tier2 has no admission order: told to see the doctor first; nothing to tap, nothing admitted."""
    w = kiosk.window
    taps(w.home.buttons["admit"])
    tap_card(qtbot, kiosk, "tier2")
    qtbot.waitUntil(lambda: w.current == "admit" and w.admit.notice.isVisible(), timeout=10_000)
    assert not w.admit.buttons
    assert "see your doctor for an admission order (入院证) first" in w.admit.notice.text()
    assert w.admit.notice.text().startswith("⚠")
    with sandbox.store.snapshot() as conn:
        assert conn.execute("SELECT COUNT(*) FROM admissions WHERE patient_id = ?",
                            (patient("tier2")["patient_id"],)).fetchone()[0] == 0
    taps(w.admit.back_button)
    assert w.current == "home"


def test_suspended_patient_cannot_be_admitted_on_credit(qtbot, kiosk, taps):
    w = kiosk.window
    taps(w.home.buttons["admit"])
    tap_card(qtbot, kiosk, "arrears")
    qtbot.waitUntil(lambda: w.current == "admit", timeout=10_000)
    assert not w.admit.buttons
    assert "suspended" in w.admit.notice.text()


@pytest.mark.parametrize("sandbox", ["xiamen", "hangzhou"], indirect=True)
def test_discharge_books_the_stay_and_prints_receipt_and_statement(qtbot, kiosk, taps, sandbox_client, tmp_path):
    w = kiosk.window
    journey = kiosk.ctx.journeys["discharge"]
    taps(w.home.buttons["discharge"])
    tap_card(qtbot, kiosk, "inpatient")
    qtbot.waitUntil(lambda: w.current == "discharge", timeout=10_000)
    stay, split = journey.stay, journey.split
    assert len(stay.items) == 300 and w.discharge.table.rowCount() == 300
    shown = all_texts(w.discharge)
    assert format_cny(stay.total_fen) in shown and format_cny(split.booked_fen) in shown
    account_before = sandbox_client.get(f"/v1/accounts/{journey.session.account.account_id}").json()

    assert split.booked_fen + split.shortfall_fen == stay.personal_fen - stay.deposit_paid_fen
    taps(w.discharge.confirm_button)
    assert w.current == "confirm"  # a discharge always asks: the amount in figures and in words
    owed = split.booked_fen + split.shortfall_fen
    assert w.confirm.figures.text() == format_cny(owed) and w.confirm.words.text().startswith("In words: 人民币")
    # nothing booked yet (the snapshot's own time and signature aside: a second may have passed)
    unstamped = lambda a: {k: v for k, v in a.items() if k not in ("as_of", "signature")}
    assert unstamped(sandbox_client.get(f"/v1/accounts/{journey.session.account.account_id}").json()) == \
        unstamped(account_before)
    with qtbot.waitSignal(journey.discharged, timeout=20_000) as done:
        taps(w.confirm.confirm_button)
        if split.shortfall_fen:  # more than the line takes: the rest by phone
            assert w.current == "payment"
            pay_by_phone(qtbot, kiosk, sandbox_client)
    outcome = done.args[0]
    assert taps.count <= 6
    d = outcome.data
    assert d["booked_fen"] == split.booked_fen and d["items_count"] == 300
    assert d["paid_fen"] == split.shortfall_fen
    account = sandbox_client.get(f"/v1/accounts/{journey.session.account.account_id}").json()
    assert account["used_fen"] == account_before["used_fen"] + d["booked_fen"]

    statement = Path(outcome.statement_job)
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(statement)], capture_output=True, text=True, check=True).stdout).group(1))
    assert pages > 1
    text = pdf_text(statement)
    assert patient("inpatient")["id_number"] not in text
    assert all(item.name[:6] in text for item in stay.items[:20])
    assert format_cny(stay.total_fen) in text
    receipt = pdf_text(Path(outcome.receipt_job))
    assert format_cny(d["booked_fen"]) in receipt and d["reference"] in receipt


def test_discharge_beyond_the_line_pays_the_rest_by_phone(qtbot, kiosk, taps, sandbox, sandbox_client):
    """Use most of the line first, so the stay needs a spot payment."""
    w = kiosk.window
    journey = kiosk.ctx.journeys["discharge"]
    taps(w.home.buttons["discharge"])
    tap_card(qtbot, kiosk, "inpatient")
    qtbot.waitUntil(lambda: w.current == "discharge", timeout=10_000)
    account_id = journey.session.account.account_id
    w.go_home()
    # The patient has used all but 100 yuan of the line elsewhere (set in the platform's store).
    with sandbox.store.transaction() as conn:
        conn.execute("UPDATE accounts SET used_fen = line_fen - 10000 WHERE account_id = ?", (account_id,))
    taps.count = 0
    taps(w.home.buttons["discharge"])
    tap_card(qtbot, kiosk, "inpatient")
    qtbot.waitUntil(lambda: w.current == "discharge", timeout=10_000)
    split = journey.split
    assert split.booked_fen == 10000 and split.shortfall_fen > 0
    assert "pay the rest" in w.discharge.confirm_button.text()
    taps(w.discharge.confirm_button)
    assert w.current == "confirm" and format_cny(split.shortfall_fen) in w.confirm.purpose.text()
    taps(w.confirm.back_button)  # back: nothing happened
    assert w.current == "discharge" and kiosk.ctx.payments.payment_id is None
    taps.count -= 2  # the look back is not part of the journey's count
    taps(w.discharge.confirm_button)
    with qtbot.waitSignal(journey.discharged, timeout=20_000) as done:
        taps(w.confirm.confirm_button)  # one confirmation: the payment step does not ask again
        assert w.current == "payment"
        pay_by_phone(qtbot, kiosk, sandbox_client)
    assert done.args[0].data["paid_fen"] == split.shortfall_fen
    assert sandbox_client.get(f"/v1/accounts/{account_id}").json()["available_fen"] == 0
    assert taps.count <= 6


def test_no_admission_order_in_chinese(qtbot, kiosk_settings, sandbox):
    from PySide6.QtCore import Qt

    from tests.conftest import _booted_app

    app = _booted_app(qtbot, kiosk_settings.with_overrides(language="zh_CN"), sandbox)
    try:
        w = app.window
        qtbot.mouseClick(w.home.buttons["admit"], Qt.MouseButton.LeftButton)
        tap_card(qtbot, app, "tier2")
        qtbot.waitUntil(lambda: w.current == "admit" and w.admit.notice.isVisible(), timeout=10_000)
        assert "请先到医生处开具入院证" in w.admit.notice.text()
    finally:
        app.shutdown()
