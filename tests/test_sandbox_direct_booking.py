"""The credit platform's booking without a prior hold (issue 12, offline per counterpart): what the kiosk queued
while the platform did not answer, sent when it answers. Keyed (sent again: the same booking, the line charged
once), refused like a hold, never a bill booked twice. Read back from the platform's own file."""
from __future__ import annotations

import uuid

import pytest

from sandbox.embedded import EmbeddedServices
from tests.sandbox_fixtures import SignedClient


@pytest.fixture
def credit(tmp_path):
    with EmbeddedServices(tmp_path / "services", city="xiamen") as running, \
            SignedClient(running.url, running.terminal_id, running.secret) as client:
        yield running, client


def body(bill_id: str = "MZV000004", visit_id: str = "V000004", **changes) -> dict:
    b = {"patient_id": "P000004", "account_id": "CA000004", "kind": "outpatient", "setl_ids": ["S1"],
         "total_fen": 10_000, "fund_fen": 6_000, "account_pay_fen": 0, "paid_now_fen": 0, "cash_fen": 0,
         "bills": [{"his_bill_id": bill_id, "visit_id": visit_id, "setl_id": "S1", "total_fen": 10_000,
                    "items": [{"code": "XY1", "name": "药", "cnt": "2", "pric_fen": 5_000, "amount_fen": 10_000,
                               "med_chrgitm_type": "09", "chrgitm_lv": "01"}]}]}
    b.update(changes)
    return b


def used(services) -> int:
    return services.store.account("CA000004")["used_fen"]


def test_sent_again_under_its_key_it_answers_the_same_booking_and_charges_the_line_once(credit):
    services, client = credit
    before = used(services)
    key = uuid.uuid4().hex
    first = client.write("/v1/bookings", body(), key=key)
    assert first.status_code == 200, first.text
    again = client.write("/v1/bookings", body(), key=key)
    assert again.json() == first.json()
    booking = first.json()
    assert booking["booked_fen"] == 4_000 and booking["fund_fen"] == 6_000 and booking["setl_ids"] == ["S1"]
    assert used(services) == before + 4_000
    with services.store.snapshot() as conn:
        rows = conn.execute("SELECT settlement_id FROM booked_bills WHERE his_bill_id = 'MZV000004'").fetchall()
    assert [r[0] for r in rows] == [booking["booking_id"]]


def test_a_bill_already_booked_is_refused_under_another_key(credit):
    services, client = credit
    first = client.write("/v1/bookings", body())
    before = used(services)
    second = client.write("/v1/bookings", body())
    assert second.status_code == 409 and second.json()["error"]["code"] == "bill_already_booked"
    assert second.json()["error"]["details"]["booking_id"] == first.json()["booking_id"]
    assert used(services) == before


def test_more_than_the_line_is_refused_and_nothing_is_held(credit):
    services, client = credit
    before = used(services)
    big = body(total_fen=10_000_000, fund_fen=0)
    big["bills"][0].update(total_fen=10_000_000, items=[])
    refused = client.write("/v1/bookings", big)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "insufficient_line"
    assert used(services) == before
