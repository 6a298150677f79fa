"""What the screen says agrees with the buttons it shows (issue 13): driven by taps, against the sandbox.

The Chinese is what a patient reads at a kiosk in the hall; the desk's wording is checked in English,
the language its tests read in.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk.domain.money import format_cny
from tests.conftest import _booted_app
from tests.helpers import all_texts, pay_by_phone, tap_card

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def zh_kiosk(qtbot, kiosk_settings, sandbox):
    """The kiosk in Chinese, as it starts in a hospital."""
    app = _booted_app(qtbot, kiosk_settings.with_overrides(language="zh_CN"), sandbox.secret)
    yield app
    app.shutdown()


def open_bill(qtbot, app, role: str):
    w = app.window
    qtbot.mouseClick(w.home.buttons["pay"], LEFT)
    tap_card(qtbot, app, role)
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    return w, w.bill


def shown_buttons(screen) -> list[str]:
    from PySide6.QtWidgets import QPushButton

    return [b.text() for b in screen.findChildren(QPushButton) if b.isVisible()]


def test_a_suspended_patient_is_told_to_repay_here_with_the_button_that_does_it(qtbot, zh_kiosk):
    w, bill = open_bill(qtbot, zh_kiosk, "arrears")
    notice = bill.notice.text()
    assert notice.startswith("⚠") and "信用就医服务已暂停" in notice  # why
    assert "“立即还款”" in notice and "手机" in notice  # what to do: the button shown, by phone, here
    assert "收费窗口" not in notice  # not sent to the window while the kiosk offers to repay
    assert "立即还款" in shown_buttons(bill) and not bill.confirm_button.isVisible()

    qtbot.mouseClick(bill.repay_button, LEFT)  # the button the words name does what they say
    qtbot.waitUntil(lambda: w.current == "repay", timeout=10_000)
    repay = w.screens["repay"]
    qtbot.waitUntil(lambda: repay.pay_button.isVisible(), timeout=10_000)
    assert not repay.cash_button.isVisible()  # at a kiosk: by phone


def test_at_the_desk_the_same_patient_is_told_cash_or_card_and_the_repay_screen_offers_them(qtbot, desk):
    w, bill = open_bill(qtbot, desk, "arrears")
    assert "Repay now" in shown_buttons(bill)
    notice = bill.notice.text()
    assert 'Tap "Repay now"' in notice and "cash or by bank card" in notice
    assert "cashier window" not in notice and "phone" not in notice

    qtbot.mouseClick(bill.repay_button, LEFT)
    qtbot.waitUntil(lambda: w.current == "repay", timeout=10_000)
    repay = w.screens["repay"]
    qtbot.waitUntil(lambda: repay.cash_button.isVisible() and repay.card_button.isVisible(), timeout=10_000)
    assert not repay.pay_button.isVisible()


def test_a_patient_without_the_credit_service_is_told_why_and_offered_to_open_it(qtbot, zh_kiosk):
    w, bill = open_bill(qtbot, zh_kiosk, "nocredit")
    shown = all_texts(bill)
    personal = sum(v.personal_fen for v in zh_kiosk.ctx.journeys["pay"].visits)
    assert "信用支付，差额现场支付" not in shown_buttons(bill)  # nothing can go on credit
    assert "记入信用额度" not in shown  # no ￥0.00 "on credit" row for a line that does not exist
    assert bill.confirm_button.text() == "现在全额支付"
    assert bill.open_button.isVisible() and bill.open_button.text() == "开通信用就医"
    why = bill.why.text()
    assert "尚未开通信用就医" in why and "“开通信用就医”" in why and "全额支付" in why  # why, and both ways on
    assert not bill.notice.isVisible()  # an explanation, not an error
    assert format_cny(personal) in shown

    qtbot.mouseClick(bill.open_button, LEFT)  # into the open-service journey, with the same patient
    qtbot.waitUntil(lambda: w.current == "credit_consent", timeout=10_000)
    consent = w.screens["credit_consent"]
    qtbot.waitUntil(lambda: consent.agree_button.isEnabled() and consent.consent is not None, timeout=10_000)
    assert "周*玲" in consent.who.text()


def test_a_patient_without_the_credit_service_pays_in_full_now(qtbot, kiosk, sandbox_client):
    w, bill = open_bill(qtbot, kiosk, "nocredit")
    journey = kiosk.ctx.journeys["pay"]
    personal = sum(v.personal_fen for v in journey.visits)
    assert bill.confirm_button.text() == "Pay in full now"
    assert "not opened the credit service" in bill.why.text() and 'Tap "Open the credit service"' in bill.why.text()
    qtbot.mouseClick(bill.confirm_button, LEFT)
    qtbot.waitUntil(lambda: w.current == "payment", timeout=10_000)
    qtbot.waitUntil(lambda: format_cny(personal) in all_texts(w.screens["payment"]), timeout=10_000)
    with qtbot.waitSignal(journey.settled, timeout=15_000) as settled:
        pay_by_phone(qtbot, kiosk, sandbox_client)
    assert settled.args[0].settlement.paid_fen == personal
    assert settled.args[0].settlement.booked_fen == 0


def test_no_bills_to_pay_is_a_calm_state_with_done(qtbot, zh_kiosk):
    w, bill = open_bill(qtbot, zh_kiosk, "inpatient")  # a stay on the ward, no outpatient bill
    assert not zh_kiosk.ctx.journeys["pay"].visits
    assert not bill.notice.isVisible() and "⚠" not in all_texts(bill)  # no problem said
    assert not bill.table.isVisible()  # and no empty table
    assert bill.status.isVisible() and "没有待缴的门诊账单" in bill.status.text()
    assert shown_buttons(bill) == ["完成"]  # one calm way on
    qtbot.mouseClick(bill.done_button, LEFT)
    assert w.current == "home"
