"""The HIS port's models refuse what cannot be right: a line whose amount is not its price times its
quantity, money that is not integer fen, a time without its zone, a code outside the national tables."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.ports.his import ChargeItem, HisPatient, OutpatientVisit, PatientKey

AT = datetime(2026, 12, 8, 9, 0, tzinfo=BUSINESS_TZ)
LINE = ChargeItem(feedetl_sn="0001", med_list_codg="XJ01CAA040E001010100101", medins_list_codg="XY101",
                  med_chrgitm_type="09", chrgitm_lv="01", name="阿莫西林胶囊", spec="0.25g×24粒", pric_fen=1860,
                  cnt=Decimal(2), det_item_fee_sumamt_fen=3720, dept_code="D01", dept_name="全科医学科",
                  doctor_code="D010203", doctor_name="许文静", fee_ocur_time=AT)


def test_a_fractional_quantity_rounds_half_up_to_the_fen():
    half_box = replace(LINE, pric_fen=333, cnt=Decimal("1.5"), det_item_fee_sumamt_fen=500)  # 499.5 fen
    assert half_box.det_item_fee_sumamt_fen == 500
    with pytest.raises(ValueError, match="pric_fen × cnt"):
        replace(LINE, pric_fen=333, cnt=Decimal("1.5"), det_item_fee_sumamt_fen=499)


@pytest.mark.parametrize("change", [
    {"det_item_fee_sumamt_fen": 3721},
    {"pric_fen": 18.6},
    {"cnt": 2.0},
    {"cnt": Decimal(0)},
    {"fee_ocur_time": datetime(2026, 12, 8, 9, 0)},
    {"med_chrgitm_type": "15"},
    {"chrgitm_lv": "04"},
])
def test_a_line_that_cannot_be_right_is_refused(change):
    with pytest.raises(ValueError):
        replace(LINE, **change)


def test_an_unknown_class_is_allowed_as_unknown():
    assert replace(LINE, chrgitm_lv=None).chrgitm_lv is None


def test_a_visit_adds_up():
    visit = OutpatientVisit(visit_id="V1", patient_id="10000001", bill_id="MZV1", dept_code="D01",
                            dept_name="全科医学科", doctor_code="D010203", doctor_name="许文静", started_at=AT,
                            ended_at=None, items=(LINE, LINE), total_fen=7440)
    assert visit.total_fen == 2 * 3720
    with pytest.raises(ValueError, match="do not add up"):
        replace(visit, total_fen=7439)


def test_personal_data_stays_out_of_repr():
    key = PatientKey("id_number", "350211197211050510")
    patient = HisPatient(patient_id="10000003", name_masked="黄*强", id_number="350211197211050510", sex="M",
                         birth_date=date(1972, 11, 5), phone_masked="139****0103")
    assert "350211197211050510" not in repr(key) + repr(patient)
    with pytest.raises(ValueError):
        PatientKey("phone", "13900000103")
