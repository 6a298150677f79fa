"""The payment channel at the platform: a cancelled payment can no longer be paid, a cancel after
the phone paid answers so, a paid payment nobody will use goes back through the channel and can pay
for nothing afterwards, and the desk sees the late ones."""
from __future__ import annotations

from sandbox.demo_data import patient_by_role
from tests.sandbox_fixtures import SignedClient

PATIENT = "P000001"


def start(client: SignedClient, amount_fen: int = 1234) -> dict:
    r = client.write("/v1/payments", {"patient_id": PATIENT, "amount_fen": amount_fen, "purpose": "settlement"})
    assert r.status_code == 200, r.text
    return r.json()


def phone_pays(client: SignedClient, payment_id: str):
    return client.write(f"/v1/_sandbox/payments/{payment_id}/complete", {})


def test_a_cancelled_payment_cannot_be_paid(control_client):
    payment = start(control_client)
    r = control_client.write(f"/v1/payments/{payment['payment_id']}/cancel", {})
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["cancelled_at"]
    paid = phone_pays(control_client, payment["payment_id"])
    assert paid.status_code == 409 and paid.json()["error"]["code"] == "payment_cancelled"
    assert control_client.get(f"/v1/payments/{payment['payment_id']}").json()["status"] == "cancelled"


def test_a_cancel_after_the_phone_paid_answers_so(control_client):
    payment = start(control_client)
    assert phone_pays(control_client, payment["payment_id"]).status_code == 200
    r = control_client.write(f"/v1/payments/{payment['payment_id']}/cancel", {})
    assert r.status_code == 409 and r.json()["error"]["code"] == "payment_already_paid"
    assert r.json()["error"]["details"]["payment"]["status"] == "paid"


def test_a_refunded_payment_pays_for_nothing_and_the_desk_sees_it(control_client, desk_control_client, sandbox_control):
    payment = start(control_client, 9630)
    phone_pays(control_client, payment["payment_id"])
    r = control_client.write(f"/v1/payments/{payment['payment_id']}/refund", {"late": "refunded_walked_away"})
    assert r.status_code == 200 and r.json()["status"] == "refunded" and r.json()["used"] is False
    again = control_client.write(f"/v1/payments/{payment['payment_id']}/refund", {"late": "refunded_walked_away"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "payment_not_paid"  # never twice
    # It can no longer pay for a settlement.
    control_client.present("tier1")
    visit = control_client.get(f"/v1/patients/{PATIENT}/visits?status=open").json()["visits"][0]
    settle = control_client.write("/v1/settlements", {"patient_id": PATIENT, "account_id": None,
                                                      "visit_ids": [visit["visit_id"]],
                                                      "payment_id": payment["payment_id"]})
    assert settle.status_code == 409, settle.text

    assert control_client.get("/v1/payments/late").json()["error"]["code"] == "desk_only"
    desk_control_client.log_in("1001", "246810")
    late = desk_control_client.get("/v1/payments/late").json()["payments"]
    assert [(p["payment_id"], p["amount_fen"], p["late"], p["status"]) for p in late] == \
        [(payment["payment_id"], 9630, "refunded_walked_away", "refunded")]
    assert late[0]["terminal_id"] == sandbox_control.terminal_id and "*" in late[0]["patient_masked_name"]
    assert patient_by_role("tier1")["name"] not in str(late)


def test_only_the_terminal_that_started_it_may_cancel(control_client, desk_control_client):
    payment = start(control_client)
    desk_control_client.log_in("1001", "246810")
    r = desk_control_client.write(f"/v1/payments/{payment['payment_id']}/cancel", {})
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_this_terminal"
