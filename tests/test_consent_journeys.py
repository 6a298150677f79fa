"""Consent at the kiosk, tapped as patients do: a parent consents to being taken on with the code
the platform texts to their phone (or their own card: tests/test_journey_query.py), never
without; a child reaches an adult's line only through the household the platform records; the
phone on file is used without the kiosk ever holding it."""
from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from kiosk.domain.idnumber import mask_phone
from tests.helpers import all_texts, patient, tap_card

LEFT = Qt.MouseButton.LeftButton


def sms_code(sandbox_client, role: str) -> str:
    """What the parent's phone received (the sandbox's SMS gateway, its control API)."""
    messages = sandbox_client.get(f"/v1/_sandbox/sms/{patient(role)['patient_id']}").json()["messages"]
    assert messages and "验证码" in messages[-1]["text"]
    return messages[-1]["code"]


def listed_parent(qtbot, app, taps):
    """tier4's account query → the listed parent (elder) → "Take on repayment": the consent step."""
    w = app.window
    qtbot.waitUntil(w.home.buttons["query"].isVisible)
    taps(w.home.buttons["query"])
    tap_card(qtbot, app, "tier4")
    qtbot.waitUntil(lambda: w.current == "credit_account" and bool(w.credit_account.take_on_buttons),
                    timeout=10_000)
    taps(w.credit_account.take_on_buttons[0])
    assert w.current == "credit_parent" and w.credit_parent.mode == "consent"
    return w


def type_code(taps, screen, code: str) -> None:
    for digit in code:
        taps(screen.keypad.keys[digit])


def taken_on(sandbox) -> bool:
    with sandbox.store.snapshot() as conn:
        row = conn.execute("SELECT repayment_taken_on FROM parents WHERE child_patient_id = ? "
                           "AND parent_patient_id = ?",
                           (patient("tier4")["patient_id"], patient("elder")["patient_id"])).fetchone()
    return bool(row and row[0])


def test_a_parent_consents_with_the_code_sent_to_their_phone(qtbot, kiosk, sandbox, sandbox_client, taps):
    elder = patient("elder")
    w = listed_parent(qtbot, kiosk, taps)
    screen = w.credit_parent
    assert "must agree" in screen.explanation.text()
    assert not screen.confirm_button.isVisible()  # nothing to confirm before the parent consents
    taps(screen.code_button)
    qtbot.waitUntil(lambda: screen.mode == "code" and screen.keypad.isVisible(), timeout=10_000)
    assert mask_phone(elder["phone"]) in screen.explanation.text() and elder["phone"] not in all_texts(w)
    code = sms_code(sandbox_client, "elder")

    # A wrong code: told so on the spot, nothing taken on; the right one then.
    wrong = "000000" if code != "000000" else "111111"
    type_code(taps, screen, wrong)
    taps(screen.confirm_button)
    qtbot.waitUntil(lambda: screen.error_text.isVisible(), timeout=10_000)
    assert screen.error_text.text().startswith("⚠") and "not right" in screen.error_text.text()
    assert w.current == "credit_parent" and screen.keypad.text() == "" and not taken_on(sandbox)

    type_code(taps, screen, code)
    assert not screen.error_text.isVisible()
    with qtbot.waitSignal(kiosk.ctx.journeys["query"].shown, timeout=10_000) as shown:
        taps(screen.confirm_button)
    assert w.current == "credit_account" and [p.relation for p in shown.args[0].linked] == ["parent"]
    masked = elder["name"][0] + "*" + elder["name"][-1]
    assert "You now repay for " + masked in all_texts(w) and taken_on(sandbox)
    assert [e["outcome"] for e in sandbox.store.events("relation_consent")] == ["sms"]


def test_the_card_of_someone_else_is_not_the_parents_consent(qtbot, kiosk, sandbox, taps):
    w = listed_parent(qtbot, kiosk, taps)
    taps(w.credit_parent.continue_button)  # "Parent: place your ID card"
    assert w.current == "identify"
    tap_card(qtbot, kiosk, "tier1")  # not the parent chosen
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert w.outcome.details.text().startswith("⚠") and "not the card of the parent" in w.outcome.details.text()
    assert not taken_on(sandbox)


def test_an_expired_code_is_sent_again(qtbot, kiosk, sandbox, sandbox_client, taps):
    sandbox.store.authority = replace(sandbox.store.authority, consent_code_s=60)  # a minute, for the test
    w = listed_parent(qtbot, kiosk, taps)
    screen = w.credit_parent
    taps(screen.code_button)
    qtbot.waitUntil(lambda: screen.mode == "code", timeout=10_000)
    stale = sms_code(sandbox_client, "elder")
    sandbox.store.move_clock(advance_s=61)  # the parent answers too late
    type_code(taps, screen, stale)
    taps(screen.confirm_button)
    qtbot.waitUntil(lambda: screen.error_text.isVisible(), timeout=10_000)
    assert "expired" in screen.error_text.text() and screen.code_button.isVisible()
    taps(screen.code_button)  # sent again
    qtbot.waitUntil(lambda: len(sandbox.store.sms_sent(patient("elder")["patient_id"])) == 2
                    and screen.keypad.isEnabled(), timeout=10_000)
    assert not screen.error_text.isVisible()
    fresh = sms_code(sandbox_client, "elder")
    type_code(taps, screen, fresh)
    with qtbot.waitSignal(kiosk.ctx.journeys["query"].shown, timeout=10_000):
        taps(screen.confirm_button)
    assert taken_on(sandbox)


def test_the_training_button_types_the_demo_phones_code(qtbot):
    from kiosk.ui.query import ParentScreen

    screen = ParentScreen(training=True)
    qtbot.addWidget(screen)
    screen.show()
    screen.show_consent(None, "吴*福")
    assert not screen.training_button.isVisible()
    screen.show_code("139****0108")
    assert screen.training_button.isVisible() and screen.training_button.text().startswith("Training")
    with qtbot.waitSignal(screen.training_code_requested):
        qtbot.mouseClick(screen.training_button, LEFT)
    screen.fill_code("123456")
    with qtbot.waitSignal(screen.confirm_requested) as confirmed:
        qtbot.mouseClick(screen.confirm_button, LEFT)
    assert confirmed.args == ["123456"]
    assert not ParentScreen().training_button.isVisible()  # never at a real kiosk


@pytest.fixture
def minor_without_a_guardian_on_record(sandbox, sandbox_client):
    """The child's service closed, and no guardian on the hospital's record: only the household
    the platform holds tells who may open it for them."""
    sandbox_client.present("minor")
    closed = sandbox_client.write("/v1/credit/close", {"patient_id": patient("minor")["patient_id"]})
    assert closed.status_code == 200, closed.text
    with sandbox.store.transaction() as conn:
        conn.execute("UPDATE patients SET guardian_patient_id = NULL WHERE patient_id = ?",
                     (patient("minor")["patient_id"],))


def open_for_the_child(qtbot, app, taps, guardian_role: str):
    w = app.window
    qtbot.waitUntil(w.home.buttons["open"].isVisible)
    taps(w.home.buttons["open"])
    tap_card(qtbot, app, "minor")
    qtbot.waitUntil(lambda: w.current == "credit_guardian", timeout=10_000)
    taps(w.credit_guardian.continue_button)
    tap_card(qtbot, app, guardian_role)
    qtbot.waitUntil(lambda: w.current == "credit_consent" and w.credit_consent.agree_button.isEnabled(),
                    timeout=10_000)
    taps(w.credit_consent.agree_button)
    assert w.current == "credit_phone"
    taps(w.credit_phone.use_button)
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    return w


def test_an_adult_outside_the_household_cannot_open_the_childs_service(qtbot, kiosk, sandbox, taps,
                                                                      minor_without_a_guardian_on_record):
    w = open_for_the_child(qtbot, kiosk, taps, "tier3")
    text = w.outcome.details.text()
    assert text.startswith("⚠") and "does not record this adult as the child's guardian" in text
    assert sandbox.store.find_patient(patient_id=patient("minor")["patient_id"])["account_id"] is None
    assert taps.count <= 6


def test_the_households_guardian_opens_it_with_the_phone_on_file_unseen(qtbot, kiosk, sandbox, taps,
                                                                       minor_without_a_guardian_on_record):
    guardian = patient("tier2")
    w = open_for_the_child(qtbot, kiosk, taps, "tier2")
    assert "now uses the guardian's credit line" in w.outcome.details.text()
    assert mask_phone(guardian["phone"]) in w.outcome.note.text()
    with sandbox.store.snapshot() as conn:
        phone = conn.execute("SELECT phone FROM credit_links WHERE patient_id = ?",
                             (patient("minor")["patient_id"],)).fetchone()[0]
    assert phone == guardian["phone"]  # the number on file, chosen by a tap...
    details = kiosk.ctx.journeys["open"].details
    assert details is None or guardian["phone"] not in repr(details.__dict__)  # ...never held by the kiosk
