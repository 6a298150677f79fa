"""The kiosk's HIS adapter against the sandbox HIS on loopback, one port method after another, as the
journeys will call them. Amounts are worked out by hand from the demo catalogue (sandbox/demo_data.py)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from kiosk.adapters.his_http import HisHttpAdapter
from kiosk.ports.his import ChannelPayment, HisPort, HisRefused, HisUnavailable, PatientKey
from sandbox.demo_data import demo_token, patient_by_role, sscard_number
from sandbox.store import Refusal
from tests.his.conftest import START, card, pay_on_phone, present


def test_the_adapter_satisfies_the_port(adapter):
    assert isinstance(adapter, HisPort)


# -- patients -------------------------------------------------------------------------------------------

def test_a_card_read_finds_the_patient_masked_with_their_hospital_id(adapter):
    patient = present(adapter, "tier3")
    assert patient.patient_id == "10000003"
    assert patient.name_masked == "黄*强"
    assert patient.id_number == patient_by_role("tier3")["id_number"]
    assert (patient.sex, patient.birth_date) == ("M", date(1972, 11, 5))
    assert patient.phone_masked == "139****0103"
    assert patient.session is not None and patient.session.expires_at > START
    assert "黄志强" not in repr(patient) and patient.id_number not in repr(patient)


def test_the_social_security_card_and_the_e_health_card_find_the_same_patient(adapter):
    by_card = adapter.find_patient(PatientKey("sscard", sscard_number("tier1")))
    by_code = adapter.find_patient(PatientKey("health_card", demo_token("tier1", "health_card")))
    assert by_card.patient_id == by_code.patient_id == "10000001"
    assert by_code.id_number == patient_by_role("tier1")["id_number"]


@pytest.mark.parametrize(("key", "code"), [
    (PatientKey("id_number", "350203199003141229"), "invalid_id_number"),  # check digit off by one
    (PatientKey("id_number", "11010519491231002X"), "patient_not_found"),  # valid, not the hospital's
    (PatientKey("sscard", "E99999999"), "patient_not_found"),
    (PatientKey("health_card", demo_token("tier1", "health_card", expired=True)), "token_expired"),
    (PatientKey("health_card", demo_token("tier1", "insurance_evoucher")), "token_not_found"),  # the 医保's code
])
def test_keys_that_find_nobody_are_refused_with_their_code(adapter, key, code):
    with pytest.raises(HisRefused) as refused:
        adapter.find_patient(key)
    assert refused.value.code == code


def test_a_patient_who_left_can_no_longer_be_read(adapter):
    patient = present(adapter, "tier1")
    assert adapter.open_visits(patient.patient_id)
    assert adapter.end_patient_sessions() == 1
    with pytest.raises(HisRefused) as refused:
        adapter.open_visits(patient.patient_id)
    assert refused.value.code == "patient_not_present"
    assert adapter.end_patient_sessions() == 0  # nothing left to end


# -- visits ---------------------------------------------------------------------------------------------

def test_open_visits_carry_their_charges_in_the_national_codes(adapter):
    patient = present(adapter, "tier3")
    visits = adapter.open_visits(patient.patient_id)
    assert [(v.visit_id, v.bill_id, v.total_fen) for v in visits] == [
        ("V000003", "MZV000003", 2500 + 2 * 3120 + 2500 + 8500 + 16000),
        ("V000013", "MZV000013", 1000 + 2760 + 2000)]
    first = visits[0]
    assert (first.dept_code, first.dept_name, first.doctor_name) == ("D03", "心血管内科", "庄立新")
    drug = next(i for i in first.items if i.medins_list_codg == "XY103")
    assert drug.med_list_codg == "XC08CAA099A001010100103"
    assert (drug.med_chrgitm_type, drug.chrgitm_lv, drug.spec) == ("09", "01", "5mg×28片")
    assert (drug.pric_fen, drug.cnt, drug.det_item_fee_sumamt_fen) == (3120, Decimal(2), 6240)
    assert drug.fee_ocur_time.utcoffset() == timedelta(hours=8)
    assert [i.feedetl_sn for i in first.items] == ["0001", "0002", "0003", "0004", "0005"]


# -- registration -----------------------------------------------------------------------------------------

def test_departments_and_the_days_clinics(adapter):
    assert [d.dept_code for d in adapter.departments()][:3] == ["D01", "D02", "D03"]
    sessions = adapter.sessions("D01", days=1)
    assert [(s.period, s.doctor_name, s.doctor_title, s.fee_fen) for s in sessions] == [
        ("AM", "许文静", "主治医师", 1000), ("PM", "林国栋", "主治医师", 1000)]
    assert sessions[0].date == START.date() and sessions[0].slots_left == 40
    with pytest.raises(HisRefused) as refused:
        adapter.sessions("D99")
    assert refused.value.code == "department_not_found"


def test_a_registration_is_a_place_and_its_fee_an_unpaid_bill(adapter):
    patient = present(adapter, "tier1")
    session = adapter.sessions("D01", days=1)[0]
    registration = adapter.register(session.session_id, patient.patient_id, key="reg-1")
    assert (registration.status, registration.queue_number) == ("booked", 1)
    bill = registration.bill
    assert (bill.kind, bill.status, bill.total_fen) == ("registration", "unpaid", 1000)
    (fee,) = bill.items
    assert (fee.medins_list_codg, fee.med_list_codg, fee.med_chrgitm_type, fee.chrgitm_lv) == (
        "GH001", "001102000010001", "02", "01")
    again = adapter.register(session.session_id, patient.patient_id, key="reg-1")
    assert again == registration  # the same key: the same answer, one place taken
    assert adapter.sessions("D01", days=1)[0].slots_left == 39
    with pytest.raises(HisRefused) as refused:
        adapter.register(session.session_id, patient.patient_id, key="reg-2")
    assert refused.value.code == "already_registered"
    assert [r.registration_id for r in adapter.registrations(patient.patient_id)] == [registration.registration_id]


def test_an_unpaid_registration_cancelled_gives_its_place_back(adapter):
    patient = present(adapter, "tier1")
    session = adapter.sessions("D01", days=1)[0]
    registration = adapter.register(session.session_id, patient.patient_id, key="reg-1")
    cancelled = adapter.cancel_registration(registration.registration_id, key="cancel-1")
    assert (cancelled.status, cancelled.bill.status) == ("cancelled", "cancelled")
    assert adapter.sessions("D01", days=1)[0].slots_left == 40
    with pytest.raises(HisRefused) as refused:
        adapter.cancel_registration(registration.registration_id, key="cancel-2")
    assert refused.value.code == "already_cancelled"


def test_a_paid_registration_is_refunded_before_the_clinic_and_kept_once_it_began(adapter, phone):
    patient = present(adapter, "tier1")
    morning = adapter.sessions("D01", days=1)[0]
    early = adapter.register(morning.session_id, patient.patient_id, key="reg-1")
    adapter.mark_paid([early.bill.bill_id], setl_id="SETL1", booking_id="BK1", payment_id=None, key="mark-1")
    refunded = adapter.cancel_registration(early.registration_id, key="cancel-1")
    assert refunded.bill.status == "refunded" and refunded.bill.setl_id == "SETL1"

    late = adapter.register(morning.session_id, patient.patient_id, key="reg-2")
    adapter.mark_paid([late.bill.bill_id], setl_id="SETL2", booking_id="BK2", payment_id=None, key="mark-2")
    moved = phone.write("/v1/_sandbox/clock", {"advance_s": 45 * 60})  # 08:15: the clinic has begun
    assert moved.status_code == 200, moved.text
    with pytest.raises(HisRefused) as refused:
        adapter.cancel_registration(late.registration_id, key="cancel-2")
    assert refused.value.code == "too_late"


# -- inpatient --------------------------------------------------------------------------------------------

def test_admission_on_the_doctors_order(adapter):
    patient = present(adapter, "tier3")
    (order,) = adapter.admission_orders(patient.patient_id)
    assert (order.order_id, order.adm_dept_name, order.ward, order.dise_codg) == ("RYZ000002", "心血管内科", "九病区",
                                                                                  "I20.0")
    stay = adapter.admit(order.order_id, patient.patient_id, key="admit-1")
    assert (stay.status, stay.ward, stay.bed, stay.doctor_name) == ("admitted", "九病区", "01床", "庄立新")
    assert adapter.admit(order.order_id, patient.patient_id, key="admit-1") == stay
    assert adapter.admission_orders(patient.patient_id) == []  # no pending order left
    with pytest.raises(HisRefused) as refused:
        adapter.admit(order.order_id, patient.patient_id, key="admit-2")
    assert refused.value.code == "admission_order_used"
    assert [s.admission_id for s in adapter.stays(patient.patient_id)] == [stay.admission_id]


def test_anothers_admission_order_answers_as_no_order(adapter):
    patient = present(adapter, "tier1")
    with pytest.raises(HisRefused) as refused:
        adapter.admit("RYZ000002", patient.patient_id, key="admit-x")  # tier3's order
    assert refused.value.code == "admission_order_not_found"


def test_the_discharge_bill_holds_every_charge_and_ends_the_charging(adapter, his):
    patient = present(adapter, "inpatient")
    (summary,) = adapter.stays(patient.patient_id)
    assert (summary.status, summary.items_count, summary.items) == ("admitted", 300, ())
    stay = adapter.stay(summary.admission_id)
    assert len(stay.items) == 300 and stay.total_fen == sum(i.det_item_fee_sumamt_fen for i in stay.items)
    albumin = next(i for i in stay.items if i.medins_list_codg == "XY206")
    assert (albumin.chrgitm_lv, albumin.pric_fen) == ("03", 39800)  # 丙类: outside the fund's list

    bill = adapter.discharge_bill(stay.admission_id, key="bill-1")
    assert (bill.kind, bill.status, bill.total_fen, len(bill.items)) == ("inpatient", "unpaid", stay.total_fen, 300)
    assert adapter.stay(stay.admission_id).status == "billed"
    assert adapter.discharge_bill(stay.admission_id, key="bill-2").bill_id == bill.bill_id  # drawn up once
    with pytest.raises(Refusal) as refused:  # the ward's charge after the bill: refused at the HIS
        his.store.add_stay_charge(stay.admission_id, "HL001")
    assert refused.value.code == "stay_billed"

    adapter.mark_paid([bill.bill_id], setl_id="ZYSETL1", booking_id="BK9", payment_id=None, key="mark-9")
    discharged = adapter.stay(stay.admission_id)
    assert discharged.status == "discharged" and discharged.discharged_at is not None
    adapter.unmark_paid("mark-9")
    assert adapter.stay(stay.admission_id).status == "billed"


# -- bills paid and the payment channel --------------------------------------------------------------------

def test_a_rest_paid_now_is_taken_by_the_mark_and_freed_by_the_unmark(adapter, phone):
    patient = present(adapter, "shortline")
    (visit,) = adapter.open_visits(patient.patient_id)
    payment = adapter.create_payment(patient.patient_id, 2000, "settlement", key="pay-1", reference=visit.bill_id)
    assert (payment.status, payment.amount_fen, payment.used) == ("pending", 2000, False)
    assert payment.qr_payload.startswith("ccpay://pay?")
    with pytest.raises(HisRefused) as refused:
        adapter.mark_paid([visit.bill_id], setl_id="S", booking_id="B", payment_id=payment.payment_id, key="mark-1")
    assert refused.value.code == "payment_not_completed"
    pay_on_phone(phone, payment.payment_id)
    mark = adapter.mark_paid([visit.bill_id], setl_id="S", booking_id="B", payment_id=payment.payment_id,
                             key="mark-1")  # the same key, now that the phone paid: a refusal was not kept
    assert (mark.status, mark.paid_now_fen, mark.total_fen) == ("paid", 2000, visit.total_fen)
    assert adapter.payment(payment.payment_id).used
    assert adapter.open_visits(patient.patient_id) == []

    adapter.unmark_paid("mark-1")
    assert [v.visit_id for v in adapter.open_visits(patient.patient_id)] == [visit.visit_id]
    refunded = adapter.refund_payment(payment.payment_id, "refunded_walked_away", key="refund-1")
    assert (refunded.status, refunded.late) == ("refunded", "refunded_walked_away")


def test_a_payment_cancelled_before_the_phone_paid_it_can_no_longer_be_paid(adapter, phone):
    patient = present(adapter, "tier1")
    payment = adapter.create_payment(patient.patient_id, 500, "settlement", key="pay-1")
    assert adapter.cancel_payment(payment.payment_id, key="cancel-1").status == "cancelled"
    assert phone.write(f"/v1/_sandbox/payments/{payment.payment_id}/complete", {}).json()["error"]["code"] == \
        "payment_cancelled"


def test_a_payment_the_phone_paid_first_comes_back_with_the_refusal_of_the_cancel(adapter, phone):
    patient = present(adapter, "tier1")
    payment = adapter.create_payment(patient.patient_id, 500, "settlement", key="pay-1")
    pay_on_phone(phone, payment.payment_id)
    with pytest.raises(HisRefused) as refused:
        adapter.cancel_payment(payment.payment_id, key="cancel-1")
    assert refused.value.code == "payment_already_paid"
    paid = refused.value.details["payment"]
    assert isinstance(paid, ChannelPayment) and paid.status == "paid"


def test_the_days_marks_for_reconciliation(adapter):
    patient = present(adapter, "tier3")
    first, second = adapter.open_visits(patient.patient_id)
    adapter.mark_paid([first.bill_id], setl_id="S1", booking_id="B1", payment_id=None, key="mark-1")
    adapter.mark_paid([second.bill_id], setl_id="S2", booking_id="B2", payment_id=None, key="mark-2")
    adapter.unmark_paid("mark-2")
    day = adapter.paid_bills(START.date())
    assert [(m.key, m.status, m.bill_ids, m.total_fen) for m in day] == [
        ("mark-1", "paid", ("MZV000003",), 35740), ("mark-2", "unmarked", ("MZV000013",), 5760)]
    assert adapter.paid_bills(START.date() - timedelta(days=1)) == []


# -- no answer --------------------------------------------------------------------------------------------

def test_a_his_that_does_not_answer_is_unavailable_not_a_refusal(tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = HisHttpAdapter.connect(f"http://127.0.0.1:{port}", "KIOSK-DEMO-01", b"k" * 32, timeout_s=1.0, retries=0)
    with pytest.raises(HisUnavailable) as unavailable:
        down.find_patient(card("tier1"))
    assert unavailable.value.code == "his_unavailable"
    down.close()


def test_plain_http_to_another_host_is_refused_before_any_request():
    with pytest.raises(ValueError, match="his_url must use https"):
        HisHttpAdapter.connect("http://his.hospital.example", "KIOSK-DEMO-01", b"k" * 32)
