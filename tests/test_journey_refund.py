"""Refunds at the cashier's desk: back to the credit account first, the rest to the
original payment channel; against the real sandbox."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from kiosk.domain.money import format_cny
from tests.conftest import boot
from tests.helpers import all_texts, patient, pdf_text, tap_card


@pytest.fixture
def desk_app(qtbot, tmp_path, platform, city):
    app = boot(qtbot, tmp_path, platform, city, "desk")
    yield app
    app.shutdown()


def write(client, path: str, body: dict) -> dict:
    response = client.post(path, json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 200, response.text
    return response.json()


def settle_visit(client, role: str) -> dict:
    """The patient's open visit settled on credit earlier (at a kiosk)."""
    p = patient(role)
    account_id = client.post("/v1/identity/lookup", json={"id_number": p["id_number"]}).json()["account_id"]
    visit = client.get(f"/v1/patients/{p['patient_id']}/visits?status=open").json()["visits"][0]
    return write(client, "/v1/settlements", {"patient_id": p["patient_id"], "account_id": account_id,
                                             "visit_ids": [visit["visit_id"]]})


def bill_of(client, role: str, settlement_id: str) -> dict:
    overview = client.get(f"/v1/patients/{patient(role)['patient_id']}/overview").json()
    return next(b for b in overview["bills"] if b["settlement_id"] == settlement_id)


def open_refund(qtbot, app, taps, role: str, settlement_id: str):
    w = app.window
    taps(w.home.buttons["refund"])                                                   # tap 1
    tap_card(qtbot, app, role)
    journey = app.ctx.journeys["refund"]
    qtbot.waitUntil(lambda: w.current == "refund_list" and bool(journey.items), timeout=10_000)
    index = [i.settlement_id for i in journey.items].index(settlement_id)
    taps(journey.list_screen.choices.buttons[index])                                 # tap 2
    assert w.current == "refund_entry"
    return w, journey


def test_refund_is_a_desk_journey(qtbot, tmp_path, platform, city):
    app = boot(qtbot, tmp_path, platform, city, "kiosk")
    try:
        assert "refund" not in app.window.home.buttons and "refund" not in app.ctx.journeys
    finally:
        app.shutdown()


def test_partial_refund_goes_back_to_the_credit_account(qtbot, desk_app, client, taps):
    app = desk_app
    settled = settle_visit(client, "tier1")
    account_id = settled["account_id"]
    before = client.get(f"/v1/accounts/{account_id}").json()
    bill_before = bill_of(client, "tier1", settled["settlement_id"])

    w, journey = open_refund(qtbot, app, taps, "tier1", settled["settlement_id"])   # taps 1-2
    entry = journey.entry_screen
    assert entry.amount_field.text() == format_cny(settled["booked_fen"])[1:]  # prefilled: all of it
    assert settled["reference"] in entry.details.text()
    taps(entry.keys["5"])                                                            # tap 3: replaces it
    assert entry.amount_field.text() == "5"
    taps(entry.reason_buttons["medicine_returned"])                                  # tap 4
    taps(entry.refund_button)                                                        # tap 5
    assert w.current == "confirm" and "Refund ￥5.00 to the credit-care account" in w.confirm.purpose.text()
    assert account_id and client.get(f"/v1/accounts/{account_id}").json()["used_fen"] == before["used_fen"]
    with qtbot.waitSignal(journey.refunded, timeout=10_000) as done:
        taps(w.confirm.confirm_button)                                               # tap 6
    outcome = done.args[0]
    assert (outcome.amount_fen, outcome.to_credit_fen, outcome.to_channel_fen) == (500, 500, 0)
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert ("￥5.00 back to the credit-care account: ￥5.00 off this bill, ￥0.00 off other bills; the financial "
            "institution returns the balance of ￥0.00 to the patient.") in w.outcome.details.text()
    assert "No cash is paid out" in w.outcome.details.text()

    after = client.get(f"/v1/accounts/{account_id}").json()
    assert after["used_fen"] == before["used_fen"] - 500
    assert bill_of(client, "tier1", settled["settlement_id"])["outstanding_fen"] == bill_before["outstanding_fen"] - 500
    receipt = pdf_text(Path(outcome.receipt_job))
    assert "退费凭条" in receipt and settled["reference"] in receipt and "退药" in receipt
    assert "退回信用账户" in receipt and "退回原支付渠道" in receipt and "￥5.00" in receipt
    assert patient("tier1")["id_number"] not in receipt

    taps(w.outcome.done_button)                                                      # tap 7
    assert taps.count <= 7  # six from home to the refund, and Done


@pytest.mark.parametrize("city", ["hangzhou"])
def test_refund_of_a_partly_repaid_bill_goes_to_the_credit_account_not_out_in_cash(qtbot, desk_app, client, taps,
                                                                                 city):
    """000 art. 17: back to the credit account first. ￥3.00 was still owed: it comes off the bill; what
    the phone had repaid is the account's balance, which the financial institution returns. Nothing
    goes out through the channel, nothing in cash (it used to: the repaid part was paid out)."""
    app = desk_app
    settled = settle_visit(client, "tier2")
    booked, account_id = settled["booked_fen"], settled["account_id"]
    repaid = booked - 300  # all but ￥3.00 repaid from the patient's phone
    payment = write(client, "/v1/payments", {"patient_id": patient("tier2")["patient_id"], "amount_fen": repaid,
                                             "purpose": "repayment"})
    write(client, f"/v1/_sandbox/payments/{payment['payment_id']}/complete", {})
    write(client, "/v1/repayments", {"account_id": account_id, "amount_fen": repaid, "channel": "payment_channel",
                                     "payment_id": payment["payment_id"]})
    before = client.get(f"/v1/accounts/{account_id}").json()

    w, journey = open_refund(qtbot, app, taps, "tier2", settled["settlement_id"])   # taps 1-2
    entry = journey.entry_screen
    taps(entry.reason_buttons["not_performed"])                                      # tap 3
    taps(entry.refund_button)                                                        # tap 4: all of it
    with qtbot.waitSignal(journey.refunded, timeout=10_000) as done:
        taps(w.confirm.confirm_button)                                               # tap 5
    outcome = done.args[0]
    assert outcome.amount_fen == booked
    assert (outcome.to_credit_fen, outcome.to_channel_fen) == (booked, 0)
    assert (outcome.to_bill_fen, outcome.to_other_bills_fen, outcome.to_balance_fen) == (300, 0, repaid)
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert (f"{format_cny(booked)} back to the credit-care account: {format_cny(300)} off this bill, ￥0.00 off other "
            f"bills; the financial institution returns the balance of {format_cny(repaid)} to the patient."
            in w.outcome.details.text())
    assert "payment channel" not in w.outcome.details.text()
    after = client.get(f"/v1/accounts/{account_id}").json()
    assert after["used_fen"] == before["used_fen"] - 300
    bill = bill_of(client, "tier2", settled["settlement_id"])
    assert (bill["outstanding_fen"], bill["refunded_fen"], bill["paid_fen"]) == (0, booked, 0)
    receipt = pdf_text(Path(outcome.receipt_job))
    assert re.search(rf"冲减本笔欠款\s+{re.escape(format_cny(300))}", receipt)
    assert re.search(rf"余额由金融机构退还\s+{re.escape(format_cny(repaid))}", receipt)
    assert re.search(r"退回原支付渠道\s+￥0\.00", receipt) and "原路退回" not in receipt and "现金" not in receipt
    taps(w.outcome.done_button)                                                      # tap 6
    assert taps.count <= 6


def test_the_part_paid_by_phone_goes_back_to_the_phone_only_after_the_credit_part(qtbot, desk_app, client, taps):
    """A bill beyond the line: ￥50.00 on credit, the rest paid by phone. Refunded in full at the
    desk: the credit part to the credit account first (000 art. 17), the phone's part back through
    the channel it came from; the desk offers all of it."""
    app = desk_app
    p = patient("shortline")
    account_id = client.post("/v1/identity/lookup", json={"id_number": p["id_number"]}).json()["account_id"]
    visit = client.get(f"/v1/patients/{p['patient_id']}/visits?status=open").json()["visits"][0]
    shortfall = visit["personal_fen"] - 5_000
    payment = write(client, "/v1/payments", {"patient_id": p["patient_id"], "amount_fen": shortfall,
                                             "purpose": "settlement"})
    write(client, f"/v1/_sandbox/payments/{payment['payment_id']}/complete", {})
    settled = write(client, "/v1/settlements", {"patient_id": p["patient_id"], "account_id": account_id,
                                                "visit_ids": [visit["visit_id"]], "payment_id": payment["payment_id"]})
    assert (settled["booked_fen"], settled["paid_fen"]) == (5_000, shortfall)

    w, journey = open_refund(qtbot, app, taps, "shortline", settled["settlement_id"])  # taps 1-2
    entry = journey.entry_screen
    assert entry.amount_field.text() == format_cny(visit["personal_fen"])[1:]  # the phone's part too
    taps(entry.reason_buttons["not_performed"])                                      # tap 3
    taps(entry.refund_button)                                                        # tap 4
    with qtbot.waitSignal(journey.refunded, timeout=10_000) as done:
        taps(w.confirm.confirm_button)                                               # tap 5
    outcome = done.args[0]
    assert (outcome.to_credit_fen, outcome.to_bill_fen, outcome.to_channel_fen) == (5_000, 5_000, shortfall)
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert f"{format_cny(shortfall)} goes back to the payment channel it was paid with." in w.outcome.details.text()
    receipt = pdf_text(Path(outcome.receipt_job))
    assert re.search(rf"退回原支付渠道\s+{re.escape(format_cny(shortfall))}", receipt)
    assert re.search(r"原支付渠道\s+扫码支付", receipt) and "现金" not in receipt
    taps(w.outcome.done_button)                                                      # tap 6
    assert taps.count <= 6


def test_over_refund_is_refused_with_a_clear_message(qtbot, desk_app, client, taps):
    app = desk_app
    settled = settle_visit(client, "tier1")
    w, journey = open_refund(qtbot, app, taps, "tier1", settled["settlement_id"])
    entry = journey.entry_screen
    too_much = settled["booked_fen"] // 100 + 1
    entry.amount_field.selectAll()
    qtbot.keyClicks(entry.amount_field, str(too_much))  # the desk's keyboard works too
    taps(entry.reason_buttons["charged_in_error"])
    taps(entry.refund_button)
    assert w.current == "refund_entry"
    assert entry.notice.isVisible() and entry.notice.text().startswith("⚠")
    assert "more than what can still be refunded" in entry.notice.text()
    assert bill_of(client, "tier1", settled["settlement_id"])["refunded_fen"] == 0

    # Nor zero, nor without a reason.
    for key in ("⌫",) * 6 + ("0",):
        entry.press(key)
    taps(entry.refund_button)
    assert "greater than zero" in entry.notice.text()
    taps(entry.back_button)
    assert w.current == "refund_list"
    taps(journey.list_screen.back_button)
    assert w.current == "home" and patient("tier1")["name"][0] + "*" not in all_texts(w)


def test_a_refund_needs_a_reason(qtbot, desk_app, client, taps):
    app = desk_app
    settled = settle_visit(client, "tier1")
    w, journey = open_refund(qtbot, app, taps, "tier1", settled["settlement_id"])
    taps(journey.entry_screen.refund_button)
    assert "choose the reason" in journey.entry_screen.notice.text()
    assert w.current == "refund_entry"
