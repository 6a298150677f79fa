"""The discharge saga across the three sandbox services (issue 12): the demo inpatient's stay of 300 charges
settled with the insurance (2401, 2402, six 2301 messages, 2303, 2304), booked on credit and marked paid at the
HIS (the stay discharged), or undone everywhere; each outcome read back from the three databases."""
from __future__ import annotations

import pytest

from kiosk.usecases.settlement_saga import SagaUndone
from offline_cache.crypto import new_key
from sandbox.embedded import EmbeddedServices
from tests.saga_invariant import check
from tests.saga_kiosk import Kiosk


@pytest.fixture
def services(tmp_path):
    with EmbeddedServices(tmp_path / "services", control=True) as running:
        yield running


@pytest.fixture
def kiosk(services, tmp_path):
    k = Kiosk(services, tmp_path / "kiosk", new_key())
    yield k
    k.close()


def stay_status(services, admission_id: str = "A000001") -> str:
    with services.his.store.snapshot() as conn:
        return conn.execute("SELECT status FROM admissions WHERE admission_id = ?", (admission_id,)).fetchone()[0]


def insurance_visits(services) -> list[str]:
    return [r["status"] for r in services.insurance.store.read("SELECT status FROM visits WHERE clr_type = '21'")]


def test_a_stay_of_300_charges_is_settled_everywhere_and_discharged(services, kiosk):
    session = kiosk.session("inpatient")
    stay = kiosk.discharge.current_stay(session)
    assert len(stay.items) == 300
    prepared = kiosk.discharge.prepare(session, stay)
    uploads = [s for s in kiosk.sagas.get(prepared.saga_id).steps if s.step.startswith("upload:")]
    assert len(uploads) == 6 and {s.state for s in uploads} == {"done"}  # at most 50 lines a message
    plan = prepared.plan
    assert plan.fund_fen > 0 and plan.total_fen == stay.total_fen == prepared.stay.total_fen
    assert sum(i.self_paid_fen for i in prepared.stay.items) > 0  # 乙类 first paid and 丙类, as the insurance classed
    settlement, facts = kiosk.discharge.settle(prepared.saga_id, plan)
    assert settlement.booked_fen == plan.on_credit_fen
    state = check(services)[facts["bills"][0]["bill_id"]]
    assert state.everywhere and len(state.insurance_settled) == 1 and state.credit_booked
    assert stay_status(services) == "discharged" and insurance_visits(services) == ["discharged"]


def test_a_stay_left_unconfirmed_is_undone_at_the_insurance_and_can_be_prepared_again(services, kiosk):
    session = kiosk.session("inpatient")
    prepared = kiosk.discharge.prepare(session, kiosk.discharge.current_stay(session))
    assert kiosk.discharge.abandon(prepared.saga_id) == "undone"
    check(services)
    assert insurance_visits(services) == ["cancelled"]  # 2601 of the uploads, the discharge, the admission
    assert stay_status(services) == "billed"  # the bill drawn up stays the bill (asked again: the same)
    again = kiosk.discharge.prepare(session, kiosk.discharge.current_stay(session))
    kiosk.discharge.settle(again.saga_id, again.plan)
    assert stay_status(services) == "discharged"
    check(services)


def test_a_lost_2304_answer_is_reversed_and_the_stay_stays_in(services, tmp_path):
    import requests

    slow = Kiosk(services, tmp_path / "kiosk", new_key(), timeout_s=2.0)
    try:
        session = slow.session("inpatient")
        prepared = slow.discharge.prepare(session, slow.discharge.current_stay(session))
        requests.post(services.insurance.base_url + "/_sandbox/faults", json={"infno": "2304", "mode": "blackhole"},
                      timeout=5).raise_for_status()
        with pytest.raises(SagaUndone):
            slow.discharge.settle(prepared.saga_id, prepared.plan)
        requests.post(services.insurance.base_url + "/_sandbox/faults", json={"infno": "2304", "mode": "none"},
                      timeout=5).raise_for_status()
        states = check(services)
        assert not any(s.insurance_settled for s in states.values())
        assert stay_status(services) == "billed"
    finally:
        slow.close()
