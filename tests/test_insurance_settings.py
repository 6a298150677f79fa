"""The insurance settings: checked against the interface at start, and enough to reach a 医保 gateway."""
from __future__ import annotations

import pytest

from kiosk.adapters.insurance_national import NoGateway, TifGateway, adapter_from_settings
from kiosk.domain.insurance import OpterType
from kiosk.ports.insurance import PersonQuery
from kiosk.settings import Settings, load, save, start_problems
from sandbox import demo_data
from tests.insurance.fixtures import insurance, msgids  # noqa: F401


@pytest.mark.parametrize("changes, problem", [
    ({"insurance_fixmedins_code": "H3502000001"}, "insurance_fixmedins_code"),  # 11 characters
    ({"insurance_admdvs": "3502"}, "insurance_admdvs"),
    ({"insurance_recer_sys_code": "YBXT-TOO-LONG"}, "insurance_recer_sys_code"),
    ({"insurance_gateway_style": "csb"}, "insurance_gateway_style"),
    ({"insurance_path_style": "query"}, "insurance_path_style"),
    ({"insurance_adapter": " "}, "insurance_adapter"),  # a name is needed; which, the registry checks
    ({"credit_adapter": ""}, "credit_adapter"),
    ({"insurance_infver": "V1.0.0.1"}, "insurance_infver"),
    ({"insurance_url": "https://ybj.example.cn/fsi"}, "insurance_paasid"),  # the TIF gateway needs its paasid
])
def test_settings_the_interface_cannot_carry_are_named(changes, problem):
    assert Settings().validate() == []
    assert any(problem in p for p in Settings(**changes).validate())


def test_an_insurance_gateway_in_clear_refuses_the_start():
    assert start_problems(Settings(insurance_url="http://10.35.0.8/fsi/api/rsfComIfsService/callService"))
    assert not start_problems(Settings(insurance_url="http://127.0.0.1:8752/fsi/api/rsfComIfsService/callService"))


def test_the_settings_file_keeps_the_insurance_settings(tmp_path):
    path = tmp_path / "settings.toml"
    wanted = Settings(insurance_url="https://ybj.example.cn/fsi", insurance_paasid="H35020000001_kiosk",
                      insurance_path_style="infno", insurance_admdvs="330100")
    save(wanted, path)
    assert load(path) == wanted


def test_a_kiosk_set_up_by_its_settings_reaches_the_platform(insurance, msgids):
    settings = Settings(insurance_url=insurance.url, insurance_paasid=insurance.paasid, terminal_id="KIOSK-DEMO-01")
    port = adapter_from_settings(settings, secret=insurance.secret, next_msgid=msgids)
    assert isinstance(port.gateway, TifGateway) and port.opter_type is OpterType.SELF_SERVICE
    person = port.person(msgids(), PersonQuery.by_id_number(demo_data.patient_by_role("tier2")["id_number"]))
    assert person.psn_name == demo_data.patient_by_role("tier2")["name"]
    port.close()
    desk = adapter_from_settings(Settings(mode="desk", insurance_gateway_style="none"), secret="",
                                 next_msgid=msgids, url=insurance.url)
    assert isinstance(desk.gateway, NoGateway) and desk.opter_type is OpterType.STAFF
    desk.close()
