"""Patients present: the HIS lets a terminal read a patient's data only after a card read there, and a
guessed patient id is refused exactly as a real one is (the ids are sequential numbers)."""
from __future__ import annotations

import pytest

from kiosk.ports.his import HisRefused
from sandbox.demo_data import patient_by_role
from sandbox.his.server import EmbeddedHis
from sandbox.store.presence import PresenceConfig
from tests.his.conftest import card, present
from tests.sandbox_fixtures import SignedClient

READS = ["/v1/patients/{}/visits", "/v1/patients/{}/registrations", "/v1/patients/{}/admission-orders",
         "/v1/patients/{}/admissions"]


@pytest.fixture
def client(his):
    with SignedClient(his.url, his.terminal_id, his.secret) as signed:
        yield signed


@pytest.mark.parametrize("path", READS)
def test_a_guessed_id_is_refused_as_a_real_one_is(client, path):
    real = client.get(path.format("10000003"))  # tier3 exists; nobody read their card here
    guessed = client.get(path.format("10000099"))  # nobody
    assert real.status_code == guessed.status_code == 403
    assert real.json() == guessed.json()
    assert real.json()["error"]["code"] == "patient_not_present"


def test_a_card_read_lets_this_terminal_read_that_patient_only(adapter, desk_adapter):
    tier3 = present(adapter, "tier3")
    assert adapter.open_visits(tier3.patient_id)
    with pytest.raises(HisRefused) as refused:  # another patient, next to them in the numbering
        adapter.open_visits("10000004")
    assert refused.value.code == "patient_not_present"
    with pytest.raises(HisRefused) as refused:  # the desk beside the kiosk: nobody read a card there
        desk_adapter.open_visits(tier3.patient_id)
    assert refused.value.code == "patient_not_present"


def test_a_guardian_present_reads_the_minors_bills(adapter):
    present(adapter, "tier2")  # the guardian's card; the child (陈乐乐, 10000005) is with them
    (visit,) = adapter.open_visits("10000005")
    assert visit.visit_id == "V000005"


def test_a_stay_named_by_its_id_needs_its_patient_present(adapter):
    present(adapter, "tier1")
    with pytest.raises(HisRefused) as refused:
        adapter.stay("A000001")  # the inpatient's stay
    assert refused.value.code == "patient_not_present"
    with pytest.raises(HisRefused) as refused:
        adapter.discharge_bill("A000001", key="bill-1")
    assert refused.value.code == "patient_not_present"


def test_registering_or_admitting_needs_the_patient_here(adapter):
    sessions = adapter.sessions("D01", days=1)
    with pytest.raises(HisRefused) as refused:
        adapter.register(sessions[0].session_id, "10000001", key="reg-1")
    assert refused.value.code == "patient_not_present"
    with pytest.raises(HisRefused) as refused:
        adapter.admit("RYZ000001", "10000001", key="admit-1")
    assert refused.value.code == "patient_not_present"
    present(adapter, "tier1")
    assert adapter.register(sessions[0].session_id, "10000001", key="reg-1").status == "booked"


def test_lookups_are_budgeted_per_terminal(tmp_path):
    config = PresenceConfig(lookup_burst=2, lookup_refill_s=3600)
    with EmbeddedHis(tmp_path / "his.sqlite", presence=config) as his, \
            SignedClient(his.url, his.terminal_id, his.secret) as client:
        body = {"id_number": patient_by_role("tier1")["id_number"]}
        assert [client.post("/v1/patients/find", json=body).status_code for _ in range(2)] == [200, 200]
        limited = client.post("/v1/patients/find", json=body)
        assert limited.status_code == 429 and limited.json()["error"]["code"] == "too_many_lookups"
        assert int(limited.headers["Retry-After"]) > 0
        with SignedClient(his.url, his.desk_terminal_id, his.desk_secret) as desk:  # its own budget
            assert desk.post("/v1/patients/find", json=body).status_code == 200


def test_an_unsigned_or_wrongly_signed_request_is_refused(his, client):
    import requests

    assert requests.get(his.url + "/v1/departments", timeout=5).json()["error"]["code"] == "unknown_terminal"
    wrong = client.post("/v1/patients/find", json={"id_number": card("tier1").value}, secret=b"x" * 32)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "bad_signature")
