"""The insurance codec against messages recorded by others (tests/insurance/vectors): amounts to
the fen exactly, infcode as a number or as text, the settlement's invariants, refusals kept out of
logs; and the money, msgid and time rules of the interface."""
from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from kiosk.domain import insurance_output as out
from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.insurance import (
    InsuranceAnswerInvalid,
    InsuranceRefused,
    check_answer,
    decode_json,
    encode_json,
    fen_to_yuan,
    inf_time,
    make_msgid,
    parse_answer,
    parse_msgid,
    yuan_to_fen,
)
from tests.insurance import vector, vector_text

# (vector, medfee, fund, psn_part, acct, cash, hosp, setl_id) as the published text writes them, in fen.
SETTLEMENTS = [
    ("2206_reply", 452, 0, 452, 452, 0, 0, ""),
    ("2207_reply", 452, 0, 452, 452, 0, 0, "400125241"),
    ("2208_reply", -2510, 0, -2510, -2510, 0, 0, "400120618"),  # psn_part_amt, hosp_part_amt null
    ("2303_reply", 2344246, 1878539, 415206, 17004, 398202, 50501, ""),
    ("2304_reply", 2344246, 1878539, 415206, 17004, 398202, 50501, "300014497225"),
    ("2305_reply", -337926, -203939, -130701, 0, -130701, -3286, "300001010540"),  # hosp from ownpay_hosp_part
]


@pytest.mark.parametrize("name, medfee, fund, psn_part, acct, cash, hosp, setl_id", SETTLEMENTS)
def test_recorded_settlements_parse_to_the_fen(name, medfee, fund, psn_part, acct, cash, hosp, setl_id):
    answer = check_answer(parse_answer(vector(name)), name[:4])
    settlement = out.parse_settlement(answer.output)
    assert (settlement.medfee_sumamt, settlement.fund_pay_sumamt, settlement.psn_part_amt, settlement.acct_pay,
            settlement.psn_cash_pay, settlement.hosp_part_amt, settlement.setl_id) == (
        medfee, fund, psn_part, acct, cash, hosp, setl_id)


def test_the_inpatient_settlement_keeps_its_split_and_fund_rows():
    settlement = out.parse_settlement(parse_answer(vector("2304_reply")).output)
    assert (settlement.fulamt_ownpay_amt, settlement.overlmt_selfpay, settlement.preselfpay_amt,
            settlement.inscp_scp_amt) == (253397, 139689, 70344, 1880816)
    assert settlement.fund_part("hifob_pay") == 1878539
    assert [(d.fund_pay_type, d.fund_payamt) for d in settlement.details] == [
        ("330101", 1878539), ("999996", 50501), ("310201", 17004)]
    assert (settlement.insutype, settlement.clr_type, settlement.medins_setl_id) == (
        "310", "21", "H50010302473202108270958341146")


def test_infcode_arrives_as_a_number_or_as_text():
    assert parse_answer(vector("9001_reply")).infcode == 0  # "infcode":0
    assert parse_answer(vector("1101_reply_text_infcode")).infcode == 0  # "infcode":"0"
    assert parse_answer(vector("2204_reply_text_infcode")).infcode == 0  # "infcode": "0"
    assert parse_answer(vector("2401_refused")).infcode == -1
    assert '"infcode": "0"' in vector_text("2204_reply_text_infcode") and '"infcode":0' in vector_text("9001_reply")


def test_a_refusal_keeps_err_msg_for_staff_out_of_every_log_line(caplog):
    answer = parse_answer({**vector("2401_refused"), "err_msg": "参保人张三（350203199003140122）未办理入院登记"})
    with pytest.raises(InsuranceRefused) as caught:
        check_answer(answer, "2401")
    refusal = caught.value
    assert (refusal.code, refusal.infcode, refusal.infno) == ("insurance_refused", -1, "2401")
    assert "张三" in refusal.err_msg
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").exception("settlement failed: %s %r %s", refusal, refusal, refusal.details)
    assert "张三" not in caplog.text and "350203199003140122" not in caplog.text
    assert "张三" not in repr(answer)


def test_the_sign_in_and_registration_answers():
    assert out.parse_sign_in(parse_answer(vector("9001_reply")).output) == out.SignIn("359754", "2021-08-29 19:35:27")
    registered = out.parse_registration(parse_answer(vector("2201_reply")).output)
    assert (registered.mdtrt_id, registered.ipt_otp_no) == ("300178725", "2111241810003")


def test_person_information_in_fen_with_personal_fields_out_of_repr():
    person = out.parse_person(parse_answer(vector("1101_reply")).output)
    info = person.insurance()
    assert (info.insutype, info.balc, info.insuplc_admdvs, info.psn_type) == ("310", 4150900, "310115", "116032")
    assert person.insurance("390") is None
    assert "REDACTED" in person.certno and "REDACTED" not in repr(person)


def test_fee_lines_to_the_fen_with_their_classes():
    line, = out.parse_fee_results(parse_answer(vector("2204_reply")).output)
    assert (line.det_item_fee_sumamt, line.preselfpay_amt, line.inscp_scp_amt, line.chrgitm_lv) == (452, 23, 429, "02")
    assert line.selfpay_prop == Decimal("0.05")
    self_paid, listed = out.parse_fee_results(parse_answer(vector("2204_reply_text_infcode")).output)
    assert (self_paid.det_item_fee_sumamt, self_paid.fulamt_ownpay_amt, self_paid.chrgitm_lv) == (150, 150, "03")
    assert (listed.inscp_scp_amt, listed.pric_uplmt_amt) == (200, Decimal("2.000000"))
    inpatient = out.parse_fee_results(parse_answer(vector("2301_reply")).output)
    assert len(inpatient) == 16
    assert sum(r.det_item_fee_sumamt for r in inpatient) == 16500  # 165.00 yuan, the text's lines summed by hand


def test_an_empty_output_is_an_empty_object():
    assert parse_answer(vector("2402_reply")).output == {}


@pytest.mark.parametrize("name, published, changed", [
    ("2304_reply", '"psn_cash_pay":3982.02', '"psn_cash_pay":3982.03'),  # psn_part_amt = acct_pay + psn_cash_pay
    ("2304_reply", '"fund_pay_sumamt":18785.39', '"fund_pay_sumamt":18785.40'),  # medfee = fund + psn + hosp
    ("2207_reply", '"preselfpay_amt":0.23', '"preselfpay_amt":0.24'),  # medfee = the four parts
    ("2204_reply", '"inscp_scp_amt":4.29', '"inscp_scp_amt":4.30'),  # a line = its four parts
    ("2207_reply", '"acct_pay":4.52', '"acct_pay":4.521'),  # three decimals
])
def test_an_answer_whose_amounts_do_not_add_up_is_no_answer(name, published, changed):
    text = vector_text(name)
    assert published in text
    answer = parse_answer(decode_json(text.replace(published, changed)))
    parse = out.parse_fee_results if name.startswith("2204") else out.parse_settlement
    with pytest.raises(InsuranceAnswerInvalid) as caught:
        parse(answer.output)
    assert caught.value.outcome_unknown


def test_the_tables_spelling_pdn_cash_pay_is_read_as_psn_cash_pay():
    text = vector_text("2304_reply").replace('"psn_cash_pay":3982.02', '"pdn_cash_pay":3982.02')
    assert out.parse_settlement(parse_answer(decode_json(text)).output).psn_cash_pay == 398202


def test_an_answer_without_infcode_is_garbled():
    with pytest.raises(InsuranceAnswerInvalid):
        parse_answer({"err_msg": "", "output": {}})
    with pytest.raises(InsuranceAnswerInvalid):
        parse_answer({"infcode": "ok"})


# -- money, msgid, times ------------------------------------------------------------------------


@pytest.mark.parametrize("given, fen", [
    ("123.4", 12340), ("123.40", 12340), ("0.05", 5), ("-25.1", -2510), (9, 900), (Decimal("-25.10"), -2510),
    ("4.520", 452), (Decimal("1E+2"), 10000), ("0", 0),
])
def test_yuan_to_fen_exactly(given, fen):
    assert yuan_to_fen(given) == fen


@pytest.mark.parametrize("given", ["1.005", "0.001", "12.345", "abc", "", "1e2", "NaN", Decimal("NaN"),
                                   Decimal("Infinity"), "1.2.3", "1" * 15])
def test_amounts_the_interface_cannot_carry_are_refused(given):
    with pytest.raises(ValueError):
        yuan_to_fen(given)


@pytest.mark.parametrize("given", [0.1, 1.0, True, None, [1]])
def test_a_float_or_anything_else_is_no_amount(given):
    with pytest.raises(TypeError):
        yuan_to_fen(given)


def test_a_json_number_with_binary_noise_is_refused():
    noisy = decode_json('{"acct_pay": 0.30000000000000004}')["acct_pay"]
    assert isinstance(noisy, Decimal)
    with pytest.raises(ValueError):
        yuan_to_fen(noisy)


def test_fen_to_yuan_writes_two_decimals():
    assert [fen_to_yuan(f) for f in (12340, 5, -5, 0, -2510)] == ["123.40", "0.05", "-0.05", "0.00", "-25.10"]
    with pytest.raises(TypeError):
        fen_to_yuan(1.5)


def test_no_float_gets_into_a_message():
    assert encode_json({"medfee_sumamt": "9.00", "cnt": Decimal("1.5")}) == b'{"medfee_sumamt":"9.00","cnt":"1.5"}'
    with pytest.raises(TypeError):
        encode_json({"medfee_sumamt": 9.0})


def test_msgid_is_fixmedins_code_time_in_shanghai_and_four_digits():
    moment = datetime(2027, 1, 10, 1, 30, 15, tzinfo=UTC)  # 09:30:15 in Shanghai
    msgid = make_msgid("H35020000001", moment, 42)
    assert msgid == "H35020000001" "20270110093015" "0042" and len(msgid) == 30
    assert make_msgid("H35020000001", moment, 10_042) == msgid  # the counter's last four digits
    parsed = parse_msgid(msgid)
    assert (parsed.fixmedins_code, parsed.sequence) == ("H35020000001", 42)
    assert parsed.moment == datetime(2027, 1, 10, 9, 30, 15, tzinfo=BUSINESS_TZ)
    with pytest.raises(ValueError):
        make_msgid("H3502000001", moment, 1)  # 11 characters
    with pytest.raises(ValueError):
        make_msgid("H35020000001", datetime(2027, 1, 10), 1)  # naive
    with pytest.raises(ValueError):
        parse_msgid("H35020000001202701100930150042X")


def test_inf_time_is_shanghai_wall_time():
    assert inf_time(datetime(2027, 1, 9, 16, 0, 0, tzinfo=UTC)) == "2027-01-10 00:00:00"
    with pytest.raises(ValueError):
        inf_time(datetime(2027, 1, 10))
