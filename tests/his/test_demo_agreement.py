"""The HIS's demo data agrees with today's credit platform sandbox, both running on loopback and read
through their APIs: the same people, every open visit with the same items and totals, the same stay
and admission orders; so the integration step can switch the kiosk's reads to the HIS without changing
any amount."""
from __future__ import annotations

import pytest

from kiosk.ports.his import PatientKey
from sandbox import demo_data
from sandbox.his.server import EmbeddedHis
from sandbox.store.presence import PresenceConfig
from tests.his.conftest import START, present

#: Both services live on the same business day; the platform under either city's profile.
pytestmark = pytest.mark.parametrize("sandbox_control", [{"city": "xiamen", "start_at": START},
                                                         {"city": "hangzhou", "start_at": START}],
                                     indirect=True, ids=["xiamen", "hangzhou"])


@pytest.fixture
def his(tmp_path):
    """The HIS on the same day, reading every demo card twice over (more than a kiosk's lookup budget)."""
    with EmbeddedHis(tmp_path / "his.sqlite", control=True, start_at=START,
                     presence=PresenceConfig(lookup_burst=100)) as running:
        yield running


def _platform_patient(client, role: str) -> dict:
    """The patient's card read at the platform's kiosk (a patient session there): its lookup."""
    answer = client.post("/v1/identity/lookup", json={"id_number": demo_data.patient_by_role(role)["id_number"]})
    assert answer.status_code == 200, answer.text
    return answer.json()


def _platform_get(client, path: str) -> dict:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_same_people(control_client, adapter):
    for person in demo_data.DEMO_PATIENTS:
        at_platform = _platform_patient(control_client, person["role"])
        at_his = adapter.find_patient(PatientKey("id_number", person["id_number"]))
        assert (at_his.name_masked, at_his.sex, at_his.birth_date.isoformat(), at_his.phone_masked) == (
            at_platform["name"], at_platform["sex"], at_platform["birth_date"], at_platform["phone_masked"]), \
            person["role"]
        at_his_by_card = adapter.find_patient(PatientKey("sscard", demo_data.sscard_number(person["role"])))
        assert at_his_by_card.patient_id == at_his.patient_id


def test_every_open_visit_has_the_same_items_and_total(control_client, adapter):
    roles = sorted({v["role"] for v in demo_data.DEMO_VISITS})
    compared = 0
    for role in roles:
        platform_id = _platform_patient(control_client, role)["patient_id"]
        platform_visits = _platform_get(control_client, f"/v1/patients/{platform_id}/visits?status=open")["visits"]
        his_visits = adapter.open_visits(present(adapter, role).patient_id)
        assert [v.visit_id for v in his_visits] == sorted(v["visit_id"] for v in platform_visits), role
        for visit in his_visits:
            theirs = next(v for v in platform_visits if v["visit_id"] == visit.visit_id)
            assert visit.total_fen == theirs["total_fen"], visit.visit_id
            assert [(i.medins_list_codg, i.name, int(i.cnt), i.pric_fen, i.det_item_fee_sumamt_fen)
                    for i in visit.items] == [
                (i["code"], i["name"], i["quantity"], i["unit_price_fen"], i["amount_fen"]) for i in theirs["items"]]
            assert (visit.dept_name, visit.doctor_name) == (theirs["department"], theirs["doctor"])
            compared += 1
    assert compared == len(demo_data.DEMO_VISITS) == 11


def test_a_visits_total_worked_out_by_hand(control_client, adapter):
    """V000001 (林雅婷): 普通门诊诊查费 ￥10.00, 阿莫西林胶囊 2 × ￥18.60, 血细胞分析 ￥20.00, C反应蛋白 ￥35.00."""
    platform_id = _platform_patient(control_client, "tier1")["patient_id"]
    (theirs,) = _platform_get(control_client, f"/v1/patients/{platform_id}/visits?status=open")["visits"]
    (ours,) = adapter.open_visits(present(adapter, "tier1").patient_id)
    assert theirs["total_fen"] == ours.total_fen == 1000 + 2 * 1860 + 2000 + 3500


def test_the_same_stay_charge_by_charge(control_client, adapter):
    _platform_patient(control_client, "inpatient")
    theirs = _platform_get(control_client, "/v1/admissions/A000001")
    (summary,) = adapter.stays(present(adapter, "inpatient").patient_id)
    ours = adapter.stay(summary.admission_id)
    assert (ours.admission_id, ours.total_fen, ours.items_count) == ("A000001", theirs["total_fen"], 300)
    assert (ours.dept_name, ours.ward, ours.bed) == (theirs["department"], theirs["ward"], theirs["bed"])
    assert [(i.medins_list_codg, int(i.cnt), i.pric_fen, i.det_item_fee_sumamt_fen, i.fee_ocur_time.date().isoformat(),
             i.med_chrgitm_type, i.chrgitm_lv) for i in ours.items] == [
        (i["code"], i["quantity"], i["unit_price_fen"], i["amount_fen"], i["date"], i["med_chrgitm_type"],
         i["chrgitm_lv"]) for i in theirs["items"]]


def test_the_same_admission_orders(control_client, adapter):
    for role in sorted({o["role"] for o in demo_data.ADMISSION_ORDERS}):
        platform_id = _platform_patient(control_client, role)["patient_id"]
        theirs = _platform_get(control_client, f"/v1/patients/{platform_id}/admission-orders?status=pending")["orders"]
        ours = adapter.admission_orders(present(adapter, role).patient_id)
        fields = ("order_id", "med_type", "adm_dept_codg", "adm_dept_name", "ward", "atddr_no", "chfpdr_name",
                  "adm_diag_dscr", "dise_codg", "status")
        assert [tuple(getattr(o, f) for f in fields) for o in ours] == [tuple(o[f] for f in fields) for o in theirs]
