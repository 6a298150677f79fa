"""Opening the credit service at the kiosk, driven like a patient would, against the real sandbox."""
from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt

from kiosk.domain import signing
from kiosk.domain.idnumber import mask_phone
from kiosk.domain.money import format_cny
from kiosk.policies import load_profile
from sandbox.demo_data import demo_score
from tests.helpers import all_texts, patient, tap_card

LEFT = Qt.MouseButton.LeftButton


def lookup(sandbox_client, role: str) -> dict:
    response = sandbox_client.post("/v1/identity/lookup", json={"id_number": patient(role)["id_number"]})
    assert response.status_code == 200, response.text
    return response.json()


def start(qtbot, app, taps, role: str):
    w = app.window
    qtbot.waitUntil(w.home.buttons["open"].isVisible)
    taps(w.home.buttons["open"])
    assert w.current == "identify"
    tap_card(qtbot, app, role)
    return w


def wait_for_consent(qtbot, w):
    qtbot.waitUntil(lambda: w.current == "credit_consent" and w.credit_consent.agree_button.isEnabled(),
                    timeout=10_000)


@pytest.mark.parametrize("city", ["xiamen", "hangzhou"])
def test_patient_without_credit_opens_it_and_gets_the_line_of_their_tier(qtbot, kiosk, sandbox_client, taps,
                                                                         city):
    app, p = kiosk, patient("nocredit")
    profile = load_profile(city)
    score = demo_score(p, city)
    assert score == 560
    w = start(qtbot, app, taps, "nocredit")
    wait_for_consent(qtbot, w)
    consent = sandbox_client.get("/v1/consent/current").json()
    assert consent["version"] in w.credit_consent.version.text()
    assert w.credit_consent.text.toPlainText() == consent["text_en"]  # the UI language (tests run in English)
    assert w.credit_consent.title.text() == "Consent to the credit service"
    assert p["id_number"] not in all_texts(w) and p["name"] not in all_texts(w)

    taps(w.credit_consent.agree_button)
    assert w.current == "credit_phone"
    assert w.credit_phone.number.text() == mask_phone(p["phone"])
    assert p["phone"] not in all_texts(w)  # masked on screen
    assert w.credit_phone.use_button.isVisible() and w.credit_phone.other_button.isVisible()

    with qtbot.waitSignal(app.ctx.journeys["open"].opened, timeout=10_000) as opened:
        taps(w.credit_phone.use_button)
    qtbot.waitUntil(lambda: w.current == "outcome")
    result = opened.args[0]
    assert not result.pending and result.consent_version == consent["version"]
    tier = profile.tier_index(score)
    expected = f"Your credit line: {format_cny(profile.line_for(score))} ({profile.score_name} tier {tier})"
    assert expected == f"Your credit line: ￥1000.00 ({profile.score_name} tier 2)"
    shown = w.outcome.details.text()
    assert expected in shown
    assert "Consent version {}".format(consent["version"]) in shown
    assert "value-added" not in shown  # tier 2 has none
    assert mask_phone(p["phone"]) in w.outcome.note.text()
    assert taps.count <= 6

    after = lookup(sandbox_client, "nocredit")
    assert after["has_credit_service"] and after["account_id"]
    account = sandbox_client.get(f"/v1/accounts/{after['account_id']}").json()
    assert account["line_fen"] == profile.line_for(score) and account["status"] == "active"
    assert app.services.journal.pending() == []  # the "consent" write went through the journal and is done

    taps(w.outcome.done_button)
    assert w.current == "home"
    assert mask_phone(p["phone"]) not in all_texts(w)


def test_value_added_tier_is_told_so(qtbot, kiosk, sandbox_client, taps):
    # Close tier4 (nothing owed) and open again: score 651 is the value-added tier in Xiamen.
    sandbox_client.present("tier4")  # at the kiosk, their card read
    closed = sandbox_client.post("/v1/credit/close", json={"patient_id": patient("tier4")["patient_id"]},
                                 headers={signing.HEADER_IDEMPOTENCY: uuid.uuid4().hex})
    assert closed.status_code == 200, closed.text
    w = start(qtbot, kiosk, taps, "tier4")
    wait_for_consent(qtbot, w)
    taps(w.credit_consent.agree_button)
    with qtbot.waitSignal(kiosk.ctx.journeys["open"].opened, timeout=10_000):
        taps(w.credit_phone.use_button)
    text = w.outcome.details.text()
    assert "￥3000.00" in text and "value-added" in text
    assert taps.count <= 6


def test_consent_is_shown_in_chinese_by_default(qtbot, kiosk_settings, sandbox, sandbox_client, taps):
    from kiosk.app import KioskApp

    app = KioskApp(kiosk_settings.with_overrides(language="zh_CN"), secret=sandbox.secret)
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.ready, timeout=20_000):
        app.show()
    try:
        w = start(qtbot, app, taps, "nocredit")
        wait_for_consent(qtbot, w)
        consent = sandbox_client.get("/v1/consent/current").json()
        assert w.credit_consent.text.toPlainText() == consent["text_zh"]
        assert consent["version"] in w.credit_consent.version.text()
        assert w.credit_consent.title.text() == consent["title"]
        taps(w.credit_consent.back_button)
        assert w.current == "home"
        assert w.credit_consent.text.toPlainText() == ""  # cleared
    finally:
        app.languages.set("en")  # the translator is installed on the shared QApplication: take it off
        app.shutdown()


def test_patient_with_the_service_already_open_is_told_so(qtbot, kiosk, taps):
    w = start(qtbot, kiosk, taps, "tier1")
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert w.outcome.title.text() == "Credit service already open"
    assert "￥500.00" in w.outcome.details.text()
    assert taps.count <= 6


def test_a_mistyped_phone_number_is_refused_before_anything_is_sent(qtbot, kiosk, sandbox_client, taps,
                                                                    monkeypatch):
    app, p = kiosk, patient("nocredit")
    w = start(qtbot, app, taps, "nocredit")
    wait_for_consent(qtbot, w)
    taps(w.credit_consent.agree_button)
    taps(w.credit_phone.other_button)
    assert w.credit_phone.keypad.isVisible() and w.credit_phone.confirm_button.isVisible()

    calls = []
    request = app.services.platform.request
    monkeypatch.setattr(app.services.platform, "request",
                        lambda method, path, *a, **k: calls.append((method, path)) or request(method, path, *a, **k))
    keys = 0
    for digit in "12345678901":  # 11 digits, but a mobile number starts 13-19
        qtbot.mouseClick(w.credit_phone.keypad.keys[digit], LEFT)
        keys += 1
    taps(w.credit_phone.confirm_button)
    # Refused on the spot: no waiting, no platform call.
    assert w.current == "credit_phone"
    error = w.credit_phone.error.text()
    assert error.startswith("⚠") and "11 digits starting with 1" in error
    assert calls == []
    assert not lookup(sandbox_client, "nocredit")["has_credit_service"]

    # The patient corrects it with the keyboard of the desk (or the keypad) and confirms.
    w.credit_phone.keypad.clear()
    assert not w.credit_phone.error.isVisible()
    w.credit_phone.keypad.setFocus()
    qtbot.keyClicks(w.credit_phone.keypad, "13712345678")
    with qtbot.waitSignal(app.ctx.journeys["open"].opened, timeout=10_000):
        qtbot.keyClick(w.credit_phone.keypad, Qt.Key.Key_Return)
    assert ("POST", "/v1/credit/open") in calls
    assert "137****5678" in w.outcome.note.text()
    assert lookup(sandbox_client, "nocredit")["has_credit_service"]
    # Buttons within the limit; a typed number adds its key taps (here 11), see the report.
    assert taps.count <= 6 and keys == 11
    assert p["phone"] != "13712345678"


def test_minor_opens_through_the_guardian_and_uses_the_guardians_line(qtbot, kiosk, sandbox_client, taps):
    app, child, guardian = kiosk, patient("minor"), patient("tier2")
    # The child's service was closed earlier: it must be opened again, by the guardian.
    sandbox_client.present("minor")  # at the kiosk, the child's card read
    closed = sandbox_client.post("/v1/credit/close", json={"patient_id": child["patient_id"]},
                                 headers={signing.HEADER_IDEMPOTENCY: uuid.uuid4().hex})
    assert closed.status_code == 200, closed.text
    assert not lookup(sandbox_client, "minor")["has_credit_service"]

    w = start(qtbot, app, taps, "minor")
    qtbot.waitUntil(lambda: w.current == "credit_guardian", timeout=10_000)
    assert "under 18" in w.credit_guardian.explanation.text()
    assert child["name"][0] + "*" in w.credit_guardian.who.text()
    taps(w.credit_guardian.continue_button)
    assert w.current == "identify"  # the guardian's own card now
    tap_card(qtbot, app, "tier2")
    wait_for_consent(qtbot, w)
    assert "Guardian" in w.credit_consent.who.text()
    taps(w.credit_consent.agree_button)
    assert w.credit_phone.number.text() == mask_phone(guardian["phone"])
    with qtbot.waitSignal(app.ctx.journeys["open"].opened, timeout=10_000) as opened:
        taps(w.credit_phone.use_button)
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert opened.args[0].for_minor
    text = w.outcome.details.text()
    assert "now uses the guardian's credit line" in text
    consent = sandbox_client.get("/v1/consent/current").json()
    assert "Consent version {}".format(consent["version"]) in text
    assert taps.count <= 6

    after = lookup(sandbox_client, "minor")
    assert after["has_credit_service"] and after["account_id"] == lookup(sandbox_client, "tier2")["account_id"]


def test_someone_else_cannot_consent_for_a_minor(qtbot, kiosk, sandbox_client, taps):
    sandbox_client.present("minor")  # at the kiosk, the child's card read
    sandbox_client.post("/v1/credit/close", json={"patient_id": patient("minor")["patient_id"]},
                        headers={signing.HEADER_IDEMPOTENCY: uuid.uuid4().hex})
    w = start(qtbot, kiosk, taps, "minor")
    qtbot.waitUntil(lambda: w.current == "credit_guardian", timeout=10_000)
    taps(w.credit_guardian.continue_button)
    tap_card(qtbot, kiosk, "tier3")  # not the registered guardian
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert w.outcome.details.text().startswith("⚠")
    assert "guardian registered for this child" in w.outcome.details.text()
    assert not lookup(sandbox_client, "minor")["has_credit_service"]
    assert taps.count <= 6


def test_guardian_without_the_service_is_offered_to_open_their_own_first(qtbot, kiosk, sandbox_client, taps):
    # The guardian closed their service (which closed the child's too).
    sandbox_client.present("tier2")  # at the kiosk, their card read
    closed = sandbox_client.post("/v1/credit/close", json={"patient_id": patient("tier2")["patient_id"]},
                                 headers={signing.HEADER_IDEMPOTENCY: uuid.uuid4().hex})
    assert closed.status_code == 200, closed.text
    w = start(qtbot, kiosk, taps, "minor")
    qtbot.waitUntil(lambda: w.current == "credit_guardian", timeout=10_000)
    taps(w.credit_guardian.continue_button)
    tap_card(qtbot, kiosk, "tier2")
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert w.outcome.details.text().startswith("⚠") and "open their own service first" in w.outcome.details.text()
    taps(w.outcome.action_button)
    wait_for_consent(qtbot, w)
    assert "Guardian" not in w.credit_consent.who.text()  # now for the guardian's own service
    taps(w.credit_consent.agree_button)
    with qtbot.waitSignal(kiosk.ctx.journeys["open"].opened, timeout=10_000):
        taps(w.credit_phone.use_button)
    assert "Your credit line: ￥1000.00" in w.outcome.details.text()
    assert lookup(sandbox_client, "tier2")["has_credit_service"]
    assert not lookup(sandbox_client, "minor")["has_credit_service"]  # the child's turn comes next
    assert taps.count <= 6
