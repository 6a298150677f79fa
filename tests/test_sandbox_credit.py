"""The credit service over HTTP: opening (tiers per city, consent, phone, minors), closing,
parents taken on, the account overview."""
from __future__ import annotations

import pytest

from kiosk.policies import load_profile
from sandbox.demo_data import patient_by_role
from tests.sandbox_fixtures import Api, error_of

CITIES = ["xiamen", "hangzhou"]
CONSENT = "2026-10"


def open_body(role: str, **overrides) -> dict:
    body = {"patient_id": patient_by_role(role)["patient_id"], "consent_version": CONSENT,
            "score_authorised": True, "phone": "13812345678"}
    body.update(overrides)
    return body


def set_score(sandbox, role: str, score: int) -> None:
    with sandbox.store.transaction() as conn:
        conn.execute("UPDATE patients SET score = ? WHERE patient_id = ?",
                     (score, patient_by_role(role)["patient_id"]))


def test_consent_text_is_published(api: Api):
    consent = api.get("/v1/consent/current")
    assert consent["version"] == CONSENT
    assert "信用" in consent["text_zh"] and "credit" in consent["text_en"]
    assert consent["published_at"].endswith("+08:00")


@pytest.mark.parametrize("sandbox_control", CITIES, indirect=True)
def test_open_gives_the_line_of_the_score_tier(sandbox_control, api: Api):
    profile = load_profile(sandbox_control.city)
    before = api.who("nocredit")
    assert before["has_credit_service"] is False and before["account_id"] is None
    assert before["insurance_credit_grade"] == "C"

    opened = api.post("/v1/credit/open", open_body("nocredit"))
    tier = profile.tier_for(560)
    assert opened["score"] == 560 and opened["score_name"] == profile.score_name
    assert opened["line_fen"] == tier.line_fen == 100000  # 1,000 yuan in both cities
    assert opened["tier"] == profile.tiers.index(tier) + 1
    assert opened["value_added"] is tier.value_added
    assert opened["consent_version"] == CONSENT
    account = opened["account"]
    assert account["status"] == "active" and account["policy"] == sandbox_control.city
    assert account["line_fen"] == account["available_fen"] == tier.line_fen
    assert account["used_fen"] == 0 and account["consent_version"] == CONSENT

    after = api.who("nocredit")
    assert after["has_credit_service"] is True and after["account_id"] == account["account_id"]
    with sandbox_control.store.snapshot() as conn:  # consent version and time are stored
        row = conn.execute("SELECT consent_version, consented_at, phone FROM accounts "
                           "WHERE account_id = ?", (account["account_id"],)).fetchone()
    assert tuple(row) == (CONSENT, opened["consented_at"], "13812345678")


@pytest.mark.parametrize("sandbox_control, score, line_fen, code", [
    ("xiamen", 300, 50000, None),       # ≤ 500: 500 yuan
    ("xiamen", 650, 300000, None),
    ("xiamen", 700, 300000, None),      # ≥ 651: value-added services too
    ("hangzhou", 549, 0, "score_too_low"),  # the lowest Hangzhou tier has no line
    ("hangzhou", 650, 200000, None),
    ("hangzhou", 720, 300000, None),
], indirect=["sandbox_control"])
def test_tiers_per_city(sandbox_control, api: Api, score, line_fen, code):
    set_score(sandbox_control, "nocredit", score)
    api.present("nocredit")
    r = api.post("/v1/credit/open", open_body("nocredit"), expect=None)
    if code:
        assert error_of(r)["code"] == code and error_of(r)["details"]["lowest_score"] == 550
        assert api.who("nocredit")["has_credit_service"] is False
    else:
        assert r["line_fen"] == line_fen
        assert r["value_added"] is (score >= (651 if sandbox_control.city == "xiamen" else 700))


def test_open_refusals(api: Api):
    api.present("nocredit", "tier1")
    r = api.post("/v1/credit/open", open_body("nocredit", consent_version="2025-01"), 409)
    assert error_of(r)["code"] == "consent_outdated"
    assert error_of(r)["details"] == {"current_version": CONSENT}
    r = api.post("/v1/credit/open", open_body("nocredit", score_authorised=False), 422)
    assert error_of(r)["code"] == "score_not_authorised"
    for phone in ("12812345678", "1381234567", "138123456789", "+8613812345678", "1381234567a"):
        r = api.post("/v1/credit/open", open_body("nocredit", phone=phone), 422)
        assert error_of(r)["code"] == "phone_invalid", phone
    r = api.post("/v1/credit/open", open_body("tier1"), 409)
    assert error_of(r)["code"] == "already_open"
    r = api.post("/v1/credit/open", open_body("nocredit", patient_id="P999999"), 403)
    assert error_of(r)["code"] == "patient_not_present"  # nobody's card was read for it
    assert api.who("nocredit")["has_credit_service"] is False


def test_open_is_idempotent(api: Api):
    api.present("nocredit")
    first = api.client.write("/v1/credit/open", open_body("nocredit"), key="open-1")
    again = api.client.write("/v1/credit/open", open_body("nocredit"), key="open-1")
    assert first.status_code == again.status_code == 200 and first.content == again.content
    other = api.client.write("/v1/credit/open", open_body("nocredit", phone="13900000000"),
                             key="open-1")
    assert other.status_code == 409 and error_of(other)["code"] == "idempotency_key_reused"


def test_a_minor_needs_an_open_guardian_and_shares_the_line(api: Api):
    minor, guardian = api.who("minor"), api.who("tier2")
    assert minor["is_minor"] and minor["account_id"] == guardian["account_id"]
    # Closing a minor's own link only unlinks the minor.
    assert api.post("/v1/credit/close", {"patient_id": minor["patient_id"]}) == {
        "closed_patient_ids": [minor["patient_id"]]}
    assert api.who("minor")["has_credit_service"] is False
    assert api.account(guardian["account_id"])["status"] == "active"

    r = api.post("/v1/credit/open", open_body("minor"), 422)
    assert error_of(r)["code"] == "guardian_required"
    nocredit = api.who("nocredit")["patient_id"]
    r = api.post("/v1/credit/open", open_body("minor", guardian_patient_id=nocredit), 409)
    assert error_of(r)["code"] == "guardian_not_open"
    r = api.post("/v1/credit/open", open_body("minor", guardian_patient_id=minor["patient_id"]),
                 422)
    assert error_of(r)["code"] == "guardian_required"  # a minor cannot be a guardian

    opened = api.post("/v1/credit/open", open_body("minor",
                                                   guardian_patient_id=guardian["patient_id"]))
    assert opened["account"]["account_id"] == guardian["account_id"]  # no line of its own
    assert opened["line_fen"] == api.account(guardian["account_id"])["line_fen"]
    assert api.who("minor")["account_id"] == guardian["account_id"]

    # The minor's visit is booked on the guardian's line.
    visit = api.open_visits(minor["patient_id"])[0]
    api.post("/v1/settlements", {"patient_id": minor["patient_id"],
                                 "account_id": guardian["account_id"],
                                 "visit_ids": [visit["visit_id"]]})
    line = api.account(guardian["account_id"])
    assert line["used_fen"] == visit["personal_fen"]
    [bill] = api.bills(guardian["account_id"])
    assert bill["patient_id"] == minor["patient_id"]


def test_close_is_refused_while_owed_then_allowed_and_closes_minors(api: Api):
    guardian, minor = api.who("tier2"), api.who("minor")
    visit = api.open_visits(guardian["patient_id"])[0]
    settled = api.post("/v1/settlements", {"patient_id": guardian["patient_id"],
                                           "account_id": guardian["account_id"],
                                           "visit_ids": [visit["visit_id"]]})
    r = api.post("/v1/credit/close", {"patient_id": guardian["patient_id"]}, 409)
    error = error_of(r)
    assert error["code"] == "outstanding_balance"
    [bill] = api.bills(guardian["account_id"])
    assert error["details"] == {"outstanding_fen": settled["booked_fen"],
                                "bill_ids": [bill["bill_id"]]}
    assert api.account(guardian["account_id"])["status"] == "active"

    api.repay_all(guardian["account_id"])
    closed = api.post("/v1/credit/close", {"patient_id": guardian["patient_id"]})
    assert closed == {"closed_patient_ids": [guardian["patient_id"], minor["patient_id"]]}
    assert api.account(guardian["account_id"])["status"] == "closed"
    for role in ("tier2", "minor"):
        who = api.who(role)
        assert who["has_credit_service"] is False and who["account_id"] is None
    r = api.post("/v1/credit/close", {"patient_id": guardian["patient_id"]}, 409)
    assert error_of(r)["code"] == "no_credit_service"
    # Reopening is possible; the minor is not relinked by it.
    assert api.post("/v1/credit/open", open_body("tier2"))["account"]["account_id"] == \
        guardian["account_id"]
    assert api.who("minor")["account_id"] is None


def test_an_adult_child_takes_on_a_parent(api: Api):
    child, parent = api.who("tier4"), api.who("elder")
    assert [(r["patient_id"], r["relation"], r["repayment_taken_on"])
            for r in child["relations"]] == [(parent["patient_id"], "parent", False)]
    assert api.get(f"/v1/patients/{child['patient_id']}/overview")["linked"] == []

    # The parent's own card was read here (api.who): their consent.
    card = {"method": "card"}
    taken = api.post("/v1/relations", {"payer_patient_id": child["patient_id"],
                                       "patient_id": parent["patient_id"], "relation": "parent",
                                       "consent": card})
    assert taken["repayment_taken_on"] and taken["account_id"] == parent["account_id"]
    assert taken["name"] == parent["name"] != patient_by_role("elder")["name"]  # masked
    r = api.post("/v1/relations", {"payer_patient_id": child["patient_id"],
                                   "patient_id": parent["patient_id"], "relation": "parent",
                                   "consent": card}, 409)
    assert error_of(r)["code"] == "relation_exists"
    assert api.who("tier4")["relations"][0]["repayment_taken_on"] is True
    assert api.who("elder")["relations"] == [{
        "patient_id": child["patient_id"], "relation": "child", "name": child["name"],
        "account_id": child["account_id"], "repayment_taken_on": True}]

    overview = api.get(f"/v1/patients/{child['patient_id']}/overview")
    [linked] = overview["linked"]
    assert linked["relation"] == "parent" and linked["account"]["account_id"] == \
        parent["account_id"]
    [bill] = linked["bills"]
    assert bill["status"] == "due" and bill["outstanding_fen"] > 0
    # The child pays the parent's bill through the payment channel.
    payment = api.paid(child["patient_id"], bill["outstanding_fen"], "repayment")
    repaid = api.post("/v1/repayments", {"account_id": parent["account_id"],
                                         "amount_fen": bill["outstanding_fen"],
                                         "channel": "payment_channel",
                                         "payment_id": payment})
    assert repaid["bills_paid"] == [bill["bill_id"]]
    after = api.get(f"/v1/patients/{child['patient_id']}/overview")["linked"][0]
    assert after["bills"][0]["status"] == "paid" and after["account"]["used_fen"] == 0

    for payer, code in (("nocredit", "payer_not_open"), ("minor", "relation_invalid")):
        r = api.post("/v1/relations", {"payer_patient_id": api.who(payer)["patient_id"],
                                       "patient_id": parent["patient_id"],
                                       "relation": "parent", "consent": card}, None)
        assert error_of(r)["code"] == code


def test_overview_shows_own_bills_and_linked_minors(api: Api):
    guardian, minor = api.who("tier2"), api.who("minor")
    for who in (guardian, minor):
        visit = api.open_visits(who["patient_id"])[0]
        api.post("/v1/settlements", {"patient_id": who["patient_id"],
                                     "account_id": guardian["account_id"],
                                     "visit_ids": [visit["visit_id"]]})
    overview = api.get(f"/v1/patients/{guardian['patient_id']}/overview")
    assert overview["has_credit_service"] and overview["insurance_credit_grade"] == "A"
    assert overview["account"]["account_id"] == guardian["account_id"]
    assert {b["patient_id"] for b in overview["bills"]} == {guardian["patient_id"],
                                                            minor["patient_id"]}
    [child] = overview["linked"]
    assert child["relation"] == "child" and child["patient_id"] == minor["patient_id"]
    assert [b["patient_id"] for b in child["bills"]] == [minor["patient_id"]]
    mine = api.get(f"/v1/patients/{minor['patient_id']}/overview")
    assert [b["patient_id"] for b in mine["bills"]] == [minor["patient_id"]]
    assert mine["account"]["account_id"] == guardian["account_id"]
    none = api.get(f"/v1/patients/{api.who('nocredit')['patient_id']}/overview")
    assert none["account"] is None and none["bills"] == [] and not none["has_credit_service"]
    assert error_of(api.get("/v1/patients/P999999/overview", expect=403))["code"] == \
        "patient_not_present"
