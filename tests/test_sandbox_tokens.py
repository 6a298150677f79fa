"""Scanned e-voucher and e-health-card codes resolved by the platform."""
from __future__ import annotations

import pytest

from sandbox.demo_data import demo_token, patient_by_role


@pytest.mark.parametrize("token_type", ["insurance_evoucher", "health_card"])
def test_a_demo_code_names_its_patient_and_the_minor_the_guardians_account(sandbox_client, token_type):
    answer = sandbox_client.post("/v1/identity/resolve-token",
                                 json={"token_type": token_type, "token": demo_token("minor", token_type)})
    assert answer.status_code == 200
    body = answer.json()
    assert body["id_number"] == patient_by_role("minor")["id_number"]
    assert body["is_minor"] and body["account_id"] == "CA000002"


def test_an_expired_code_and_a_code_of_the_other_kind_are_refused(sandbox_client):
    expired = sandbox_client.post("/v1/identity/resolve-token", json={
        "token_type": "health_card", "token": demo_token("tier1", "health_card", expired=True)})
    assert (expired.status_code, expired.json()["error"]["code"]) == (409, "token_expired")
    wrong_kind = sandbox_client.post("/v1/identity/resolve-token", json={
        "token_type": "health_card", "token": demo_token("tier1", "insurance_evoucher")})
    assert (wrong_kind.status_code, wrong_kind.json()["error"]["code"]) == (404, "token_not_found")
