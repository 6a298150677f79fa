"""Disputing a bill: pick the bill, pick a reason, get the answer date; the query then shows it disputed."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.domain import signing
from kiosk.domain.clock import business_date
from kiosk.domain.money import format_cny
from tests.helpers import all_texts, patient, pdf_text, tap_card

BILL = "BIL000900"  # the arrears patient's overdue bill


def answer_day(text: str) -> date:
    return date.fromisoformat(text) if len(text) == 10 else business_date(datetime.fromisoformat(text))


def pick_bill(qtbot, app, taps, role: str = "arrears"):
    w = app.window
    qtbot.waitUntil(w.home.buttons["dispute"].isVisible)
    taps(w.home.buttons["dispute"])
    tap_card(qtbot, app, role)
    qtbot.waitUntil(lambda: w.current == "dispute_bill" and bool(w.dispute_bill.bill_buttons), timeout=10_000)
    return w


def bill_button(w, reference: str):
    return next(b for b in w.dispute_bill.bill_buttons if b.text().startswith(reference))


def account_bills(sandbox_client, account_id: str, holder: str = "arrears") -> list[dict]:
    sandbox_client.present(holder)  # the holder's card read here: their bills may be read
    return sandbox_client.get(f"/v1/accounts/{account_id}/bills").json()["bills"]


@pytest.mark.parametrize("city", ["xiamen", "hangzhou"])
def test_dispute_gives_the_answer_date_and_the_query_shows_the_bill_disputed(qtbot, kiosk, sandbox_client,
                                                                             taps, city):
    app = kiosk
    reasons = sandbox_client.get("/v1/dispute-reasons").json()["reasons"]
    bill = next(b for b in account_bills(sandbox_client, "CA000006") if b["bill_id"] == BILL)
    w = pick_bill(qtbot, app, taps)
    assert patient("arrears")["name"] not in all_texts(w)
    taps(bill_button(w, bill["reference"]))
    assert w.current == "dispute_reason"
    screen = w.dispute_reason
    assert [b.text() for b in screen.reason_buttons.values()] == [r["text_en"] for r in reasons]
    assert all(b.height() >= 60 for b in screen.reason_buttons.values())
    assert not screen.submit_button.isEnabled()  # a reason first; the note stays optional
    taps(screen.reason_buttons["wrong_amount"])
    assert screen.reason_buttons["wrong_amount"].text().startswith("✓")  # not colour alone
    with qtbot.waitSignal(app.ctx.journeys["dispute"].raised, timeout=10_000) as raised:
        taps(screen.submit_button)
    qtbot.waitUntil(lambda: w.current == "outcome")

    after = next(b for b in account_bills(sandbox_client, "CA000006") if b["bill_id"] == BILL)
    assert after["status"] == "disputed"
    due = answer_day(after["dispute"]["answer_due"])
    assert raised.args[0].answer_due == due
    assert f"answer by {due.isoformat()}" in w.outcome.details.text()
    assert "5 working days" in w.outcome.details.text()
    assert "Your acknowledgement is printing. Please take it." in w.outcome.note.text()

    # The acknowledgement on paper: the bill, what is disputed and why (in the hall's language), the answer date.
    paper = " ".join(pdf_text(Path(raised.args[0].receipt_job)).split())
    assert "异议受理回执" in paper and raised.args[0].dispute_id in paper
    assert f"账单编号 {bill['reference']}" in paper
    outstanding = bill["amount_fen"] - bill["paid_fen"] - bill["refunded_fen"]
    assert f"异议金额 {format_cny(outstanding)}" in paper
    assert next(r["text_zh"] for r in reasons if r["code"] == "wrong_amount") in paper
    assert f"答复期限 {due.isoformat()}" in paper
    assert patient("arrears")["name"] not in paper and patient("arrears")["id_number"] not in paper

    # "Show my account": the query screen, the bill marked disputed in words.
    taps(w.outcome.action_button)
    qtbot.waitUntil(lambda: w.current == "credit_account" and app.ctx.journeys["query"].overview is not None,
                    timeout=10_000)
    assert f"disputed (answer by {due.isoformat()})" in all_texts(w)
    assert taps.count <= 6


def test_optional_note_is_sent_and_limited_to_200_characters(qtbot, kiosk, sandbox_client, taps):
    w = pick_bill(qtbot, kiosk, taps)
    taps(w.dispute_bill.bill_buttons[0])
    screen = w.dispute_reason
    assert screen.note.maxLength() == 200
    qtbot.keyClicks(screen.note, "x" * 210)
    assert len(screen.note.text()) == 200
    screen.note.clear()
    qtbot.keyClicks(screen.note, "Charged for an X-ray I did not have")
    taps(screen.reason_buttons["not_received"])
    with qtbot.waitSignal(kiosk.ctx.journeys["dispute"].raised, timeout=10_000):
        taps(screen.submit_button)
    bill = next(b for b in account_bills(sandbox_client, "CA000006") if b["bill_id"] == BILL)
    assert bill["dispute"]["reason_code"] == "not_received"
    assert taps.count <= 6


def test_a_disputed_bill_is_marked_and_cannot_be_picked(qtbot, kiosk, sandbox_client, taps):
    sandbox_client.present("arrears")  # a dispute is raised for a patient present (sandbox/authority.py)
    response = sandbox_client.post("/v1/disputes", json={"bill_id": BILL, "reason_code": "other"},
                                   headers={signing.HEADER_IDEMPOTENCY: uuid.uuid4().hex})
    assert response.status_code == 200, response.text
    w = pick_bill(qtbot, kiosk, taps)
    [button] = w.dispute_bill.bill_buttons
    assert "already disputed" in button.text() and "disputed (answer by" in button.text()
    assert not button.isEnabled()
    taps(w.dispute_bill.back_button)
    assert w.current == "home"
    assert taps.count <= 6


def test_a_second_dispute_on_the_same_bill_is_refused_with_a_clear_message(qtbot, kiosk, sandbox_client, taps):
    w = pick_bill(qtbot, kiosk, taps)
    taps(w.dispute_bill.bill_buttons[0])
    taps(w.dispute_reason.reason_buttons["duplicate_charge"])
    # Meanwhile the same bill is disputed from the patient's phone.
    response = sandbox_client.post("/v1/disputes", json={"bill_id": BILL, "reason_code": "other"},
                                   headers={signing.HEADER_IDEMPOTENCY: uuid.uuid4().hex})
    assert response.status_code == 200, response.text
    taps(w.dispute_reason.submit_button)
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    text = w.outcome.details.text()
    assert text.startswith("⚠") and "already disputed" in text
    assert w.outcome.done_button.isVisible()  # the way back
    assert taps.count <= 6


def test_nothing_to_dispute(qtbot, kiosk, taps):
    w = kiosk.window
    qtbot.waitUntil(w.home.buttons["dispute"].isVisible)
    taps(w.home.buttons["dispute"])
    tap_card(qtbot, kiosk, "tier1")
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert "no unpaid bills to dispute" in w.outcome.details.text()
    assert taps.count <= 6
