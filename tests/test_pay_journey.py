"""The "pay outpatient bill" journey, driven like a patient would, against the real sandbox."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.domain.money import format_cny
from tests.helpers import all_texts, patient, pdf_text, tap_card
from tests.saga_invariant import check

LEFT = Qt.MouseButton.LeftButton


def open_bill(qtbot, app, role: str):
    w = app.window
    qtbot.mouseClick(w.home.buttons["pay"], LEFT)
    assert w.current == "identify"
    tap_card(qtbot, app, role)
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    return w


@pytest.mark.parametrize("sandbox", ["xiamen", "hangzhou"], indirect=True)
def test_adult_pays_outpatient_bill_on_credit_and_gets_a_receipt(qtbot, kiosk, sandbox, sandbox_client, tmp_path):
    app, p = kiosk, patient("tier2")
    sandbox_client.present("tier2")  # the patient's card read here: their account may be read
    before = sandbox_client.get("/v1/accounts/CA000002").json()
    w = open_bill(qtbot, app, "tier2")

    shown = all_texts(w)
    visit = app.ctx.journeys["pay"].visits[0]
    assert p["id_number"] not in shown and p["name"] not in shown  # only masked
    assert p["id_number"][:4] + "*" * 10 + p["id_number"][-4:] in shown
    for item in visit.items:
        assert item.name in shown
    for amount in (visit.total_fen, visit.fund_fen, visit.personal_fen, before["available_fen"]):
        assert format_cny(amount) in shown

    with qtbot.waitSignal(app.ctx.journeys["pay"].settled, timeout=10_000) as settled:
        qtbot.mouseClick(w.bill.confirm_button, LEFT)
    outcome = settled.args[0]
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert outcome.settlement is not None and outcome.print_error is None
    assert outcome.settlement.reference in w.outcome.details.text()

    after = sandbox_client.get("/v1/accounts/CA000002").json()
    assert after["used_fen"] == before["used_fen"] + visit.personal_fen
    bills = sandbox_client.get("/v1/accounts/CA000002/bills").json()["bills"]
    assert [b["visit_id"] for b in bills] == [visit.visit_id]

    receipt = Path(outcome.receipt_job)
    assert receipt.parent == tmp_path / "receipts"
    text = pdf_text(receipt)
    assert p["id_number"] not in text
    assert p["id_number"][:4] in text and p["id_number"][-4:] in text
    for expected in (format_cny(visit.fund_fen), format_cny(visit.personal_fen),
                     format_cny(after["available_fen"]), outcome.settlement.reference):
        assert expected in text

    qtbot.mouseClick(w.outcome.done_button, LEFT)
    assert w.current == "home"
    assert p["name"][0] + "*" not in all_texts(w)  # cleared on the way home
    # settled everywhere: the insurance's settlement, the credit booking, the HIS's bill paid (issue 12)
    state = check(sandbox)["MZ" + visit.visit_id]
    assert state.his_status == "paid" and state.insurance_settled and state.credit_booked


def test_minor_pays_on_the_guardians_line(qtbot, kiosk, sandbox_client):
    app = kiosk
    w = open_bill(qtbot, app, "minor")
    assert app.ctx.journeys["pay"].session.account.account_id == "CA000002"  # the guardian's
    assert "minor" in w.bill.who.text()
    with qtbot.waitSignal(app.ctx.journeys["pay"].settled, timeout=10_000):
        qtbot.mouseClick(w.bill.confirm_button, LEFT)
    bills = sandbox_client.get("/v1/accounts/CA000002/bills").json()["bills"]
    assert len(bills) == 1


@pytest.mark.parametrize("sandbox", ["xiamen", "hangzhou"], indirect=True)
def test_suspended_account_is_refused_with_the_reason_and_a_way_back(qtbot, kiosk, sandbox_client):
    app = kiosk
    w = open_bill(qtbot, app, "arrears")
    assert w.bill.confirm_button.isHidden()
    assert "overdue" in w.bill.notice.text()
    assert w.bill.notice.text().startswith("⚠")  # not colour alone
    qtbot.mouseClick(w.bill.back_button, LEFT)
    assert w.current == "home"
    sandbox_client.present("arrears")  # the card read again (home ended the patient's session)
    bills = sandbox_client.get("/v1/accounts/CA000006/bills").json()["bills"]
    assert all(b["status"] != "due" for b in bills)  # nothing new booked


def test_damaged_card_gives_a_clear_message_and_the_patient_can_retry(qtbot, kiosk):
    app, w = kiosk, kiosk.window
    qtbot.mouseClick(w.home.buttons["pay"], LEFT)
    tap_card(qtbot, app, "damaged")  # the tier-1 card with a wrong check digit
    qtbot.waitUntil(lambda: w.identify.error.isVisible())
    assert "could not be read" in w.identify.error.text()
    assert w.current == "identify"
    tap_card(qtbot, app, "tier1")
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    assert not w.identify.error.isVisible() or w.identify.error.text() == ""


def test_cashier_types_an_id_number_checked_before_any_lookup(qtbot, desk, sandbox_client):
    w = desk.window
    qtbot.mouseClick(w.home.buttons["pay"], LEFT)
    assert w.identify.id_field.isVisible()
    number = patient("tier4")["id_number"]
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    qtbot.keyClicks(w.identify.id_field, wrong)
    qtbot.mouseClick(w.identify.lookup_button, LEFT)
    # Issue 13: the digits stay, the check character is marked and the hint says where to look.
    qtbot.waitUntil(lambda: w.identify.hint.isVisible())
    assert "does not agree with the other 17" in w.identify.hint.text()
    assert w.identify.id_field.text() == wrong and w.identify.id_field.selectedText() == wrong[-1]

    w.identify.id_field.clear()
    qtbot.keyClicks(w.identify.id_field, number.lower())  # a lower-case x is accepted too
    qtbot.keyClick(w.identify.id_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    assert w.bill.confirm_button.isEnabled()


def test_unknown_patient_is_told_where_to_go(qtbot, desk):
    from kiosk.domain.idnumber import check_character

    w = desk.window
    qtbot.mouseClick(w.home.buttons["pay"], LEFT)
    stranger = "35020319700101999"
    qtbot.keyClicks(w.identify.id_field, stranger + check_character(stranger))
    qtbot.mouseClick(w.identify.lookup_button, LEFT)
    qtbot.waitUntil(lambda: w.identify.error.isVisible(), timeout=10_000)
    assert "registration desk" in w.identify.error.text()


def test_chinese_by_default_and_english_on_request(qtbot, kiosk_settings, sandbox):
    from kiosk.app import KioskApp
    from kiosk.settings import Settings

    assert Settings().language == "zh_CN"
    app = KioskApp(kiosk_settings.with_overrides(language=Settings().language), secret=sandbox.secret)
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.ready, timeout=20_000):
        app.show()
    w = app.window
    assert w.home.buttons["pay"].text() == "门诊缴费"
    qtbot.mouseClick(w.home.language_button, LEFT)
    assert w.home.buttons["pay"].text() == "Pay outpatient bill"
    assert w.home.language_button.text() == "中文"
    qtbot.mouseClick(w.home.language_button, LEFT)
    assert w.home.buttons["pay"].text() == "门诊缴费"
    app.shutdown()
