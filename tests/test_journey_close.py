"""Closing the credit service: refused while anything is owed (with a repay offer); a guardian's close
closes the linked minor's service too."""
from __future__ import annotations

import pytest

from kiosk.domain.money import format_cny
from tests.helpers import all_texts, patient, tap_card


class StubRepay:
    def __init__(self):
        self.sessions = []

    def begin(self, session):
        self.sessions.append(session)


def lookup(sandbox_client, role: str) -> dict:
    return sandbox_client.post("/v1/identity/lookup", json={"id_number": patient(role)["id_number"]}).json()


def confirm_screen(qtbot, app, taps, role: str):
    w = app.window
    qtbot.waitUntil(w.home.buttons["close"].isVisible)
    taps(w.home.buttons["close"])
    tap_card(qtbot, app, role)
    qtbot.waitUntil(lambda: w.current == "credit_close" and w.credit_close.confirm_button.isEnabled(),
                    timeout=10_000)
    return w


@pytest.mark.parametrize("city", ["xiamen", "hangzhou"])
def test_close_is_refused_while_money_is_owed_and_repaying_is_offered(qtbot, kiosk, sandbox_client, taps,
                                                                     monkeypatch, city):
    stub = StubRepay()
    monkeypatch.setitem(kiosk.ctx.journeys, "repay", stub)
    sandbox_client.present("arrears")  # the patient's card read here: their bills may be read
    bills = sandbox_client.get("/v1/accounts/CA000006/bills").json()["bills"]
    owed = sum(b["outstanding_fen"] for b in bills)
    assert owed > 0
    w = confirm_screen(qtbot, kiosk, taps, "arrears")
    assert "closes too" not in all_texts(w)  # no linked minors
    taps(w.credit_close.confirm_button)
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    text = w.outcome.details.text()
    assert w.outcome.title.text() == "Not closed"
    assert text.startswith("⚠") and "only when nothing is owed" in text
    assert "Still owed: " + format_cny(owed) in text
    assert w.outcome.action_button.text() == "Repay now"
    taps(w.outcome.action_button)
    assert [s.patient.patient_id for s in stub.sessions] == [patient("arrears")["patient_id"]]
    assert lookup(sandbox_client, "arrears")["has_credit_service"]  # still open
    assert taps.count <= 6


def test_clean_account_is_closed(qtbot, kiosk, sandbox_client, taps):
    p = patient("tier1")
    w = confirm_screen(qtbot, kiosk, taps, "tier1")
    with qtbot.waitSignal(kiosk.ctx.journeys["close"].closed, timeout=10_000) as closed:
        taps(w.credit_close.confirm_button)
    qtbot.waitUntil(lambda: w.current == "outcome")
    assert closed.args[0].closed_patient_ids == (p["patient_id"],)
    assert w.outcome.title.text() == "Credit service closed"
    assert "You ({})".format(p["name"][0] + "*" + p["name"][-1]) in w.outcome.details.text()
    assert not lookup(sandbox_client, "tier1")["has_credit_service"]
    assert sandbox_client.get("/v1/accounts/CA000001").json()["status"] == "closed"
    assert taps.count <= 6


def test_guardians_close_closes_the_linked_minor_too(qtbot, kiosk, sandbox_client, taps):
    child = patient("minor")
    masked_child = child["name"][0] + "*" + child["name"][-1]
    w = confirm_screen(qtbot, kiosk, taps, "tier2")
    assert masked_child in w.credit_close.minors.text() and "closes too" in w.credit_close.minors.text()
    assert w.credit_close.minors.isVisible()
    taps(w.credit_close.confirm_button)
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    text = w.outcome.details.text()
    assert masked_child + " (linked child)" in text and "You (" in text
    assert not lookup(sandbox_client, "minor")["has_credit_service"]
    assert not lookup(sandbox_client, "tier2")["has_credit_service"]
    overview = sandbox_client.get("/v1/patients/{}/overview".format(child["patient_id"])).json()
    assert overview["has_credit_service"] is False and overview["account"] is None
    assert taps.count <= 6


def test_back_leaves_the_service_open(qtbot, kiosk, sandbox_client, taps):
    w = confirm_screen(qtbot, kiosk, taps, "tier3")
    taps(w.credit_close.back_button)
    assert w.current == "home"
    assert lookup(sandbox_client, "tier3")["has_credit_service"]
    assert taps.count <= 6


def test_nothing_to_close_without_the_service(qtbot, kiosk, taps):
    w = kiosk.window
    qtbot.waitUntil(w.home.buttons["close"].isVisible)
    taps(w.home.buttons["close"])
    tap_card(qtbot, kiosk, "nocredit")
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert "nothing to close" in w.outcome.details.text()
    assert taps.count <= 6


def test_repay_now_opens_the_repay_journey_for_the_same_patient(qtbot, kiosk, taps):
    if "repay" not in kiosk.ctx.journeys:
        pytest.skip("the repay journey is not registered")
    repay = kiosk.ctx.journeys["repay"]
    w = confirm_screen(qtbot, kiosk, taps, "arrears")
    taps(w.credit_close.confirm_button)
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    taps(w.outcome.action_button)
    qtbot.waitUntil(lambda: w.current == repay.screen.name, timeout=10_000)  # no second card
    assert repay.session.patient.patient_id == patient("arrears")["patient_id"]
    assert taps.count <= 6
