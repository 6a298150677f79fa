"""What the national adapter puts on the wire, held against the interface as others published it
(tests/insurance/vectors/published_tables.jsonc: newtouch-cloud/openhis's field and code tables), not
against the sandbox's code: every request of a day's traffic is captured by a wiretap and checked
field by field (names, lengths, required fields, number formats, code values); the TIF gateway's
signature is recomputed with openssl."""
from __future__ import annotations

import json
import re
import subprocess
import time
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from kiosk.domain.clock import BUSINESS_TZ, now
from kiosk.ports.insurance import (
    AdmissionRequest,
    DayTotalsRequest,
    Diagnosis,
    DischargeRequest,
    InpatientSettleRequest,
    Insured,
    OutpatientSettleRequest,
    PersonQuery,
    RegistrationRequest,
    VisitInfo,
)
from sandbox import demo_data
from sandbox.insurance import demo
from tests.insurance import published_tables
from tests.insurance.fixtures import adapter_for, fee_line, insurance, msgids  # noqa: F401
from tests.wiretap import Wiretap

TABLES = published_tables()
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day_of_traffic(port, msgids) -> None:
    """Every transaction the kiosk sends, once or more."""
    patient = demo_data.patient_by_role("tier3")
    port.sign_in(msgids())
    port.person(msgids(), PersonQuery.by_card(demo_data.sscard_number("tier3"), demo.card_sn("tier3")))
    port.person(msgids(), PersonQuery.by_evoucher(demo_data.demo_token("tier3", "insurance_evoucher")))
    query = PersonQuery.by_id_number(patient["id_number"], patient["name"])
    who = Insured.of(port.person(msgids(), query), query)
    diagnosis = Diagnosis("I20.0", "不稳定型心绞痛", "心血管内科", "D030105", "庄立新", now())
    visit = port.register(msgids(), RegistrationRequest(who, now(), "V000003", "D030105", "庄立新", "D03",
                                                         "心血管内科", "A03.04"))
    port.visit_info(msgids(), VisitInfo(who, visit.mdtrt_id, now(), (diagnosis,)))
    lines = (fee_line("1", "GH002"), fee_line("2", "XY103", 2), fee_line("3", "ZC201"))
    port.upload_fees(msgids(), who, visit.mdtrt_id, "B1", lines)
    port.upload_fees(msgids(), who, visit.mdtrt_id, "B2", (fee_line("4", "HY401"),))
    port.cancel_fees(msgids(), who, visit.mdtrt_id, "B2")
    request = OutpatientSettleRequest(who, visit.mdtrt_id, "B1", sum(line.amount_fen for line in lines),
                                      acct_used_flag=True)
    settled = port.settle(msgids(), request.with_split(port.pre_settle(msgids(), request)))
    cancel = msgids()
    port.cancel_settlement(cancel, who, visit.mdtrt_id, settled.setl_id)
    port.reverse(msgids(), who, cancel, "2208")
    stay_patient = Insured.of(port.person(msgids(), q := PersonQuery.by_id_number(
        demo_data.patient_by_role("inpatient")["id_number"])), q)
    stay = port.admit(msgids(), AdmissionRequest(stay_patient, now(), "ZY000001", "D030105", "庄立新", "不稳定型心绞痛",
                                                 "D03", "心血管内科", "07床", "I20.0", "不稳定型心绞痛", (diagnosis,)))
    port.upload_inpatient_fees(msgids(), stay_patient, stay, (fee_line("1", "CW001", 3), fee_line("2", "XY204")))
    port.discharge(msgids(), DischargeRequest(stay_patient, stay, now(), "D03", "心血管内科", (diagnosis,)))
    inpatient = InpatientSettleRequest(stay_patient, stay, 3 * 4500 + 4350)
    settled_stay = port.settle_inpatient(msgids(), inpatient.with_split(port.pre_settle_inpatient(msgids(), inpatient)))
    port.cancel_inpatient_settlement(msgids(), stay_patient, stay, settled_stay.setl_id)
    today = now().date()
    port.day_totals(msgids(), DayTotalsRequest("310", "11", "350200", today, today, 0, 0, 0, 0))
    other = port.register(msgids(), RegistrationRequest(who, now(), "V000013", "D060101", "叶志伟", "D06", "消化内科",
                                                         "A03.03"))
    port.cancel_registration(msgids(), who, other.mdtrt_id, other.ipt_otp_no)
    port.sign_out(msgids())


@pytest.fixture
def captured(insurance, msgids):
    with Wiretap("127.0.0.1", insurance.port) as tap:
        port = adapter_for(insurance, msgids, base=tap.url)
        _day_of_traffic(port, msgids)
        port.close()
        return tap.captured


def _check_number(name: str, value, spec: str) -> None:
    whole, _, places = spec.partition(",")
    text = value if isinstance(value, str) else str(value)
    assert not isinstance(value, float), f"{name}: a float"
    assert re.fullmatch(r"-?\d+(\.\d+)?", text), f"{name}: {text!r} is no number"
    digits, _, decimals = text.lstrip("-").partition(".")
    assert len(decimals) <= int(places or 0), f"{name}: {text} has more than {places or 0} decimals"
    assert len(digits) + len(decimals) <= int(whole), f"{name}: {text} is longer than {spec}"


def _check_fields(where: str, row: dict, fields: dict) -> None:
    unknown = set(row) - set(fields)
    assert not unknown, f"{where}: fields the interface does not have: {sorted(unknown)}"
    for name, spec in fields.items():
        value = row.get(name)
        if spec["required"] == "Y":
            assert value not in (None, ""), f"{where}.{name} is required"
        if value in (None, ""):
            continue
        if spec["type"] == "数值型":
            _check_number(f"{where}.{name}", value, spec["length"])
        elif spec["type"] == "日期时间型":
            assert DATETIME.fullmatch(value), f"{where}.{name}: {value!r} is not yyyy-MM-dd HH:mm:ss"
        elif spec["type"] == "日期型":
            assert DATE.fullmatch(value), f"{where}.{name}: {value!r} is not yyyy-MM-dd"
        elif spec.get("length"):
            assert isinstance(value, str), f"{where}.{name} must be text"
            assert len(value) <= int(spec["length"]), f"{where}.{name} is longer than {spec['length']}"


def test_every_request_has_the_published_fields_lengths_and_nodes(captured):
    envelope_fields = TABLES["envelope"]
    sent = set()
    for request in captured:
        message = json.loads(request.body)
        infno = message["infno"]
        sent.add(infno)
        assert set(message) == set(envelope_fields) | {"input"}, infno
        _check_fields(f"{infno} envelope", {k: v for k, v in message.items() if k != "input"}, envelope_fields)
        nodes = TABLES["inputs"][infno]["nodes"]
        assert set(message["input"]) <= set(nodes), f"{infno}: nodes {sorted(message['input'])}"
        for node, value in message["input"].items():
            rows = value if nodes[node]["list"] else [value]
            assert isinstance(value, list) == nodes[node]["list"], f"{infno}.{node}"
            for row in rows:
                _check_fields(f"{infno}.{node}", row, nodes[node]["fields"])
    assert sent == set(TABLES["inputs"]), sorted(set(TABLES["inputs"]) - sent)  # every transaction, checked


def test_the_code_values_are_the_published_ones(captured):
    codes = {name: set(table["values"]) for name, table in TABLES["codes"].items()}
    seen: dict[str, set] = {}

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in codes and isinstance(value, str):
                    seen.setdefault(key, set()).add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for request in captured:
        walk(json.loads(request.body))
    assert seen["opter_type"] == {"2"}  # 2-自助终端: a self-service kiosk
    for name, values in seen.items():
        assert values <= codes[name], f"{name}: {sorted(values - codes[name])} not in the published table"
    assert {"insutype", "med_type", "mdtrt_cert_type", "recer_sys_code"} <= set(seen)
    assert seen["mdtrt_cert_type"] == {"01", "02", "03"}


def test_msgid_is_fixmedins_code_time_and_sequence_and_never_repeats(captured, insurance):
    messages = [json.loads(r.body) for r in captured]
    msgids = [m["msgid"] for m in messages]
    assert len(set(msgids)) == len(msgids)
    for message in messages:
        msgid = message["msgid"]
        # InputPost1.cs: 定点医药机构编号(12)+时间(14)+顺序号(4), 时间格式 yyyyMMddHHmmss
        assert len(msgid) == 30 and msgid[:12] == insurance.fixmedins_code == message["fixmedins_code"]
        stamp = datetime.strptime(msgid[12:26], "%Y%m%d%H%M%S").replace(tzinfo=BUSINESS_TZ)
        sent = datetime.strptime(message["inf_time"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BUSINESS_TZ)
        assert abs(sent - stamp) < timedelta(seconds=5) and msgid[26:].isdigit()


def test_amounts_go_as_yuan_with_two_decimals_exactly(captured):
    for request in captured:
        message = json.loads(request.body, parse_float=Decimal)
        if message["infno"] == "2207":
            data = message["input"]["data"]
            # GH002 25.00 + XY103 2 × 31.20 + ZC201 26.90 = 114.30
            assert data["medfee_sumamt"] == "114.30" and data["acct_used_flag"] == "1"
        if message["infno"] == "2204" and len(message["input"]["feedetail"]) == 3:
            xy103 = message["input"]["feedetail"][1]
            assert (xy103["cnt"], xy103["pric"], xy103["det_item_fee_sumamt"]) == ("2", "31.2", "62.40")


def test_the_tif_signature_is_sha256_of_timestamp_secret_nonce_timestamp(captured, insurance):
    nonces = set()
    for request in captured:
        timestamp, nonce = request.header("x-tif-timestamp"), request.header("x-tif-nonce")
        assert request.header("x-tif-paasid") == insurance.paasid
        assert abs(int(timestamp) - time.time()) < 60
        nonces.add(nonce)
        text = f"{timestamp}{insurance.secret}{nonce}{timestamp}".encode()
        digest = subprocess.run(["openssl", "dgst", "-sha256", "-r"], input=text, capture_output=True,
                                check=True).stdout.split()[0].decode()
        assert request.header("x-tif-signature") == digest  # lower-case hex, as openssl writes it
    assert len(nonces) == len(captured)
