"""The national adapter against the sandbox insurance service on loopback, as the kiosk will use
them: sign-in, who the vouchers name, outpatient and inpatient settlement and their cancels, a
lost settlement answer reversed by its msgid, a reused msgid, the day's totals, the gateway.

Expected amounts are worked out by hand in the comments from the demo prices (sandbox/demo_data.py)
and the sandbox's published rule (sandbox/insurance/policy.py: 310 outpatient deductible 50.00 a
year then 70 %, inpatient 800.00 then 90 %; 390 outpatient 30.00 then 50 %; 乙类 10 % first
self-paid; the fund rounded down to the fen)."""
from __future__ import annotations

import pytest
import requests

from kiosk.domain.clock import now
from kiosk.domain.insurance import InsuranceRefused, InsuranceSystemError, SignInRenewed
from kiosk.ports.insurance import (
    AdmissionRequest,
    DayTotalsRequest,
    DischargeRequest,
    InpatientSettleRequest,
    InsurancePort,
    Insured,
    NotInsured,
    OutpatientSettleRequest,
    PersonQuery,
    RegistrationRequest,
    fee_uploads,
)
from sandbox import demo_data
from sandbox.insurance import demo
from tests.faultproxy import FaultProxy
from tests.insurance.fixtures import adapter_for, fee_line, insurance, insured, msgids, port  # noqa: F401

TIER1_VISIT = [("GH001", 1), ("XY101", 2), ("HY401", 1), ("HY402", 1)]  # 10.00 + 37.20 + 20.00 + 35.00, all 甲类


def _visit(port, msgids, who: Insured, items, batch="B1"):
    registered = port.register(msgids(), RegistrationRequest(who, now(), "V000001", "D010203", "许文静", "D01",
                                                              "全科医学科", "A03"))
    lines = tuple(fee_line(f"{batch}-{n}", code, qty) for n, (code, qty) in enumerate(items, 1))
    results = port.upload_fees(msgids(), who, registered.mdtrt_id, batch, lines)
    request = OutpatientSettleRequest(who, registered.mdtrt_id, batch, sum(line.amount_fen for line in lines))
    return registered, results, request


def _split(s):
    return s.medfee_sumamt, s.fund_pay_sumamt, s.psn_part_amt, s.acct_pay, s.psn_cash_pay


def test_the_adapter_is_the_port_and_signs_in_at_first_use(port, msgids, insurance):
    assert isinstance(port, InsurancePort)
    assert not insurance.store.read("SELECT * FROM sign_ins")
    insured(port, msgids, "tier1")
    (sign_in,) = insurance.store.read("SELECT * FROM sign_ins")
    assert sign_in["opter"] == "KIOSK-DEMO-01" and sign_in["day"] == insurance.store.now().date().isoformat()
    assert port.sign_in(msgids()).sign_no != sign_in["sign_no"]  # a sign-in asked for is a new one


@pytest.mark.parametrize("voucher", ["id_number", "card", "evoucher"])
def test_each_voucher_names_the_same_insured_person(port, msgids, voucher):
    patient = demo_data.patient_by_role("tier3")
    query = {"id_number": PersonQuery.by_id_number(patient["id_number"]),
             "card": PersonQuery.by_card(demo_data.sscard_number("tier3"), demo.card_sn("tier3")),
             "evoucher": PersonQuery.by_evoucher(demo_data.demo_token("tier3", "insurance_evoucher"))}[voucher]
    person = port.person(msgids(), query)
    assert (person.psn_name, person.certno) == (patient["name"], patient["id_number"])
    who = Insured.of(person, query)
    assert (who.insutype, who.insuplc_admdvs, who.balance_fen) == ("310", "350200", 230_000)


def test_a_voucher_the_platform_does_not_take_is_refused(port, msgids):
    with pytest.raises(InsuranceRefused):  # the expired e-voucher code
        port.person(msgids(), PersonQuery.by_evoucher(demo_data.demo_token("tier1", "insurance_evoucher", True)))
    with pytest.raises(InsuranceRefused):  # a card whose 卡识别码 is not this card's
        port.person(msgids(), PersonQuery.by_card(demo_data.sscard_number("tier1"), demo.card_sn("tier2")))


def test_the_uninsured_and_the_insured_elsewhere(port, msgids):
    query = PersonQuery.by_id_number(demo_data.patient_by_role(demo.UNINSURED_ROLE)["id_number"])
    with pytest.raises(NotInsured):
        Insured.of(port.person(msgids(), query), query)
    assert insured(port, msgids, demo.ELSEWHERE_ROLE).insuplc_admdvs == "330100"  # insured in Hangzhou


def test_outpatient_upload_pre_settle_settle_cancel(port, msgids, insurance):
    who = insured(port, msgids, "tier1")
    registered, results, request = _visit(port, msgids, who, TIER1_VISIT)
    assert [r.chrgitm_lv for r in results] == ["01", "01", "01", "01"]
    pre = port.pre_settle(msgids(), request)
    # 102.20 in scope; 50.00 deductible; the fund 70 % of 52.20 = 36.54; the patient 65.66, all cash
    assert pre.setl_id == "" and _split(pre) == (10220, 3654, 6566, 0, 6566)
    settled = port.settle(msgids(), request.with_split(pre))
    assert settled.setl_id and _split(settled) == (10220, 3654, 6566, 0, 6566)
    assert [(d.fund_pay_type, d.fund_payamt) for d in settled.details] == [("310100", 3654)]
    with pytest.raises(InsuranceRefused):  # nothing left to settle: never settled twice
        port.pre_settle(msgids(), request)
    cancel = port.cancel_settlement(msgids(), who, registered.mdtrt_id, settled.setl_id)
    assert cancel.setl_id not in ("", settled.setl_id) and _split(cancel) == (-10220, -3654, -6566, 0, -6566)
    again = port.pre_settle(msgids(), request)  # the cancel gave the year's deductible back
    assert _split(again) == (10220, 3654, 6566, 0, 6566)


def test_the_personal_account_pays_first_when_asked_and_gets_it_back_on_cancel(port, msgids):
    who = insured(port, msgids, "tier3")
    items = [("GH002", 1), ("XY103", 2), ("JC303", 1), ("HY404", 1), ("JC302", 1)]  # 357.40, all 甲类
    registered, _, request = _visit(port, msgids, who, items)
    request = OutpatientSettleRequest(who, request.mdtrt_id, request.chrg_bchno, request.medfee_sumamt,
                                      acct_used_flag=True)
    pre = port.pre_settle(msgids(), request)
    # the fund 70 % of (357.40 - 50.00) = 215.18; the patient 142.22 from the account (2,300.00)
    assert _split(pre) == (35740, 21518, 14222, 14222, 0) and pre.balc == 215_778
    settled = port.settle(msgids(), request.with_split(pre))
    assert insured(port, msgids, "tier3").balance_fen == 215_778
    port.cancel_settlement(msgids(), who, registered.mdtrt_id, settled.setl_id)
    assert insured(port, msgids, "tier3").balance_fen == 230_000


def test_class_b_pays_a_share_first_and_a_resident_fund_rounds_down(port, msgids):
    who = insured(port, msgids, "minor")
    assert who.insutype == "390" and who.balance_fen == 0
    _, results, request = _visit(port, msgids, who, [("GH001", 1), ("XY102", 1), ("HY401", 1), ("ZL502", 2)])
    assert [(r.chrgitm_lv, r.preselfpay_amt, r.inscp_scp_amt) for r in results][1] == ("02", 235, 2115)
    pre = port.pre_settle(msgids(), OutpatientSettleRequest(who, request.mdtrt_id, "B1", 8350, acct_used_flag=True))
    # 83.50: 2.35 first self-paid, 81.15 in scope; 30.00 deductible; 50 % of 51.15 = 25.575 -> 25.57
    assert _split(pre) == (8350, 2557, 5793, 0, 5793)


def test_inpatient_admit_upload_discharge_settle_cancel(port, msgids):
    who = insured(port, msgids, "inpatient")
    mdtrt_id = port.admit(msgids(), AdmissionRequest(
        who, now(), "ZY000001", "D030105", "庄立新", "不稳定型心绞痛", "D03", "心血管内科", "07床", "I20.0",
        "不稳定型心绞痛"))
    lines = (fee_line("1", "CW001", 2), fee_line("2", "JC402", 4), fee_line("3", "XY206", 1))  # 甲, 乙, 丙
    results = port.upload_inpatient_fees(msgids(), who, mdtrt_id, lines)
    assert [r.chrgitm_lv for r in results] == ["01", "02", "03"]
    request = InpatientSettleRequest(who, mdtrt_id, 152_800)
    with pytest.raises(InsuranceRefused):  # not discharged yet
        port.pre_settle_inpatient(msgids(), request)
    port.discharge(msgids(), DischargeRequest(who, mdtrt_id, now(), "D03", "心血管内科"))
    pre = port.pre_settle_inpatient(msgids(), request)
    # 1,528.00: 398.00 丙类 self-paid, 104.00 乙类 first self-paid, 1,026.00 in scope;
    # 800.00 deductible; the fund 90 % of 226.00 = 203.40; the patient 1,324.60
    assert (pre.fulamt_ownpay_amt, pre.preselfpay_amt, pre.inscp_scp_amt) == (39_800, 10_400, 102_600)
    assert _split(pre) == (152_800, 20_340, 132_460, 0, 132_460)
    settled = port.settle_inpatient(msgids(), request.with_split(pre))
    assert settled.clr_type == "21" and _split(settled) == _split(pre)
    cancel = port.cancel_inpatient_settlement(msgids(), who, mdtrt_id, settled.setl_id)
    assert _split(cancel) == (-152_800, -20_340, -132_460, 0, -132_460)


def test_a_lost_settlement_answer_is_reversed_by_its_msgid(insurance, msgids, port):
    who = insured(port, msgids, "tier1")
    _, _, request = _visit(port, msgids, who, TIER1_VISIT)
    pre = port.pre_settle(msgids(), request)
    with FaultProxy("127.0.0.1", insurance.port, mode="blackhole", trigger=b'"infno":"2207"') as proxy:
        lossy = adapter_for(insurance, msgids, base=proxy.url, timeout_s=1.0)
        lost = msgids()
        with pytest.raises(InsuranceSystemError) as caught:
            lossy.settle(lost, request.with_split(pre))
        assert caught.value.outcome_unknown and proxy.triggered == 1
        # the platform did settle: nothing is left to pre-settle
        with pytest.raises(InsuranceRefused):
            lossy.pre_settle(msgids(), request)
        lossy.reverse(msgids(), who, lost, "2207")
        assert _split(lossy.pre_settle(msgids(), request)) == (10220, 3654, 6566, 0, 6566)  # undone, deductible back
        lossy.reverse(msgids(), who, lost, "2207")  # reversing it again changes nothing
        lossy.reverse(msgids(), who, msgids(), "2207")  # a message that never arrived: nothing to undo
        with pytest.raises(InsuranceRefused):
            lossy.reverse(msgids(), who, msgids.issued[-3], "2208")  # not that message's transaction
        lossy.close()
    settled = port.settle(msgids(), request.with_split(pre))  # the retry is a new message
    assert _split(settled) == (10220, 3654, 6566, 0, 6566)


def test_a_reversed_cancel_lets_the_settlement_stand_again(port, msgids):
    who = insured(port, msgids, "tier1")
    registered, _, request = _visit(port, msgids, who, TIER1_VISIT)
    settled = port.settle(msgids(), request.with_split(port.pre_settle(msgids(), request)))
    cancel_msgid = msgids()
    port.cancel_settlement(cancel_msgid, who, registered.mdtrt_id, settled.setl_id)
    port.reverse(msgids(), who, cancel_msgid, "2208")
    with pytest.raises(InsuranceRefused):  # settled again: nothing to pre-settle
        port.pre_settle(msgids(), request)
    assert _split(port.cancel_settlement(msgids(), who, registered.mdtrt_id, settled.setl_id))[0] == -10220


def test_a_reused_msgid_is_refused_and_settles_nothing(port, msgids, insurance):
    query = PersonQuery.by_id_number(demo_data.patient_by_role("tier1")["id_number"])
    once = msgids()
    port.person(once, query)
    with pytest.raises(InsuranceRefused):
        port.person(once, query)
    who = Insured.of(port.person(msgids(), query), query)
    _, _, request = _visit(port, msgids, who, TIER1_VISIT)
    pre = port.pre_settle(msgids(), request)
    with pytest.raises(InsuranceRefused):
        port.settle(once, request.with_split(pre))
    assert not insurance.store.read("SELECT * FROM settlements")
    assert port.settle(msgids(), request.with_split(pre)).setl_id


def test_day_totals_agree_to_the_fen_or_say_what_differs(port, msgids, insurance):
    tier1 = insured(port, msgids, "tier1")
    registered, _, request = _visit(port, msgids, tier1, TIER1_VISIT)
    first = port.settle(msgids(), request.with_split(port.pre_settle(msgids(), request)))
    port.cancel_settlement(msgids(), tier1, registered.mdtrt_id, first.setl_id)
    port.settle(msgids(), request.with_split(port.pre_settle(msgids(), request)))
    tier3 = insured(port, msgids, "tier3")
    _, _, other = _visit(port, msgids, tier3, [("GH002", 1), ("XY103", 2), ("JC303", 1), ("HY404", 1), ("JC302", 1)])
    other = OutpatientSettleRequest(tier3, other.mdtrt_id, "B1", other.medfee_sumamt, acct_used_flag=True)
    port.settle(msgids(), other.with_split(port.pre_settle(msgids(), other)))
    today = insurance.store.now().date()
    # 102.20 - 102.20 + 102.20 + 357.40; fund 36.54 - 36.54 + 36.54 + 215.18; account 142.22; 3 settled, 1 cancelled
    ours = DayTotalsRequest("310", "11", "350200", today, today, 45_960, 25_172, 14_222, 2)
    assert port.day_totals(msgids(), ours).agrees
    off = port.day_totals(msgids(), DayTotalsRequest("310", "11", "350200", today, today, 45_961, 25_172, 14_222, 2))
    assert off.stmt_rslt == "1" and "medfee_sumamt" in off.stmt_rslt_dscr and "459.60" in off.stmt_rslt_dscr


def test_a_wrong_gateway_secret_is_turned_away_before_the_platform(insurance, msgids):
    stranger = adapter_for(insurance, msgids, secret="not-the-secret")
    with pytest.raises(InsuranceSystemError) as caught:
        stranger.sign_in(msgids())
    assert caught.value.code == "insurance_gateway_refused" and not caught.value.outcome_unknown
    assert not insurance.store.read("SELECT * FROM messages")
    stranger.close()


def test_an_expired_sign_in_is_renewed(port, msgids, insurance):
    who = insured(port, msgids, "tier1")
    insurance.store.advance_clock(24 * 3600)  # the platform's day ends; the kiosk's sign_no is yesterday's
    assert insured(port, msgids, "tier1").psn_no == who.psn_no  # a read goes through on a new sign-in
    insurance.store.advance_clock(24 * 3600)
    registration = RegistrationRequest(who, now(), "V000001", "D010203", "许文静", "D01", "全科医学科", "A03")
    with pytest.raises(SignInRenewed):  # a write is not sent twice: nothing processed, send it anew
        port.register(msgids(), registration)
    assert port.register(msgids(), registration).mdtrt_id
    assert len(insurance.store.read("SELECT * FROM sign_ins")) == 3


def test_a_failing_transaction_at_the_platform(port, msgids, insurance):
    who = insured(port, msgids, "tier1")
    _, _, request = _visit(port, msgids, who, TIER1_VISIT)
    control = insurance.base_url + "/_sandbox/faults"
    assert requests.post(control, json={"infno": "2206", "mode": "fail"}, timeout=5).status_code == 200
    with pytest.raises(InsuranceRefused) as caught:
        port.pre_settle(msgids(), request)
    assert caught.value.infcode == -1
    requests.post(control, json={"infno": "2206", "mode": "none"}, timeout=5)
    assert port.pre_settle(msgids(), request).medfee_sumamt == 10220


def test_posting_per_transaction_path(insurance, msgids):
    per_infno = adapter_for(insurance, msgids, path_style="infno")
    assert insured(per_infno, msgids, "tier2").insutype == "310"
    per_infno.close()


@pytest.mark.parametrize("mode, processed", [("blackhole", True), ("hold", False)])
def test_the_platform_withholding_its_answer(insurance, msgids, port, mode, processed):
    who = insured(port, msgids, "tier1")
    _, _, request = _visit(port, msgids, who, TIER1_VISIT)
    pre = port.pre_settle(msgids(), request)
    control = insurance.base_url + "/_sandbox/faults"
    requests.post(control, json={"infno": "2207", "mode": mode}, timeout=5).raise_for_status()
    impatient = adapter_for(insurance, msgids, timeout_s=1.0)
    lost = msgids()
    with pytest.raises(InsuranceSystemError) as caught:
        impatient.settle(lost, request.with_split(pre))
    assert caught.value.outcome_unknown  # the kiosk cannot tell: it reverses
    requests.post(control, json={"infno": "2207", "mode": "none"}, timeout=5).raise_for_status()
    assert bool(insurance.store.read("SELECT * FROM settlements")) is processed
    impatient.reverse(msgids(), who, lost, "2207")
    assert _split(port.pre_settle(msgids(), request)) == (10220, 3654, 6566, 0, 6566)
    impatient.close()


def test_a_long_stay_is_uploaded_in_messages_of_fifty_lines_and_settled_whole(port, msgids, insurance):
    who = insured(port, msgids, "inpatient")
    stay = port.admit(msgids(), AdmissionRequest(who, now(), "ZY000001", "D030105", "庄立新", "不稳定型心绞痛", "D03",
                                                 "心血管内科", "07床", "I20.0", "不稳定型心绞痛"))
    charges = demo_data.inpatient_lines(6, 300)  # the demo inpatient's 300 lines over 6 days
    lines = tuple(fee_line(f"ZY-{n:03d}", c["code"], c["quantity"]) for n, c in enumerate(charges, 1))
    with pytest.raises(ValueError):  # one message cannot carry them all
        port.upload_inpatient_fees(msgids(), who, stay, lines)
    uploads = fee_uploads(lines)
    assert [len(chunk) for chunk in uploads] == [50] * 6
    for chunk in uploads:
        port.upload_inpatient_fees(msgids(), who, stay, chunk)
    port.discharge(msgids(), DischargeRequest(who, stay, now(), "D03", "心血管内科"))
    total = sum(c["amount_fen"] for c in charges)
    pre = port.pre_settle_inpatient(msgids(), InpatientSettleRequest(who, stay, total))
    assert pre.medfee_sumamt == total and len(insurance.store.read("SELECT * FROM messages WHERE infno = '2301'")) == 6
