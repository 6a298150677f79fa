"""The adapter registry with a real plug-in: a tiny distribution (a ``*.dist-info`` folder with its
``entry_points.txt``, and its module) put on ``sys.path``, found by ``importlib.metadata`` as pip would
leave it installed; the kiosk named the adapter in its settings and never imported it itself."""
from __future__ import annotations

import textwrap

import pytest

from kiosk.adapters.his_http import HisHttpAdapter, set_his_secret
from kiosk.ports.his import HisPort
from kiosk.ports.registry import AdapterError, PortConfig, available, build_adapter, build_his, installed
from kiosk.secrets import SecretMissing
from kiosk.settings import Settings, start_problems
from tests.his.conftest import card

PLUGIN = '''
"""Acme Hospital's HIS adapter for the credit-care kiosk (a test plug-in)."""
from kiosk.adapters.his_http import HisHttpAdapter


class AcmeHis(HisHttpAdapter):
    """Acme's HIS speaks the reference REST API: the reference adapter, as Acme ships it."""


def build(config):
    return AcmeHis.connect(config.url or config.settings.his_url, config.settings.terminal_id, config.secret)


class Half:
    def find_patient(self, key):
        raise NotImplementedError

    def close(self):
        pass


def half(config):
    return Half()


class NoKeys(AcmeHis):
    def mark_paid(self, bill_ids, setl_id, booking_id):  # no payment, no idempotency key
        raise NotImplementedError


def nokeys(config):
    return NoKeys.connect(config.url or config.settings.his_url, config.settings.terminal_id, config.secret)


class Insurance:
    def close(self):
        pass


def insurance(config):
    return Insurance()
'''

ENTRY_POINTS = """
[credit_care_kiosk.his]
acme = acme_his:build
half = acme_his:half
nokeys = acme_his:nokeys
gone = acme_his_missing:build

[credit_care_kiosk.insurance]
acme-insurance = acme_his:insurance
"""


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """Acme's distribution, installed: its module and its dist-info (METADATA, entry_points.txt)."""
    site = tmp_path / "site-packages"
    info = site / "acme_his_adapter-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-his-adapter\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(textwrap.dedent(ENTRY_POINTS), encoding="utf-8")
    (site / "acme_his.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))  # also invalidates the import and metadata caches
    yield site
    import sys

    sys.modules.pop("acme_his", None)


def _settings(his, **changes) -> Settings:
    return Settings(his_url=his.url, terminal_id=his.terminal_id, **changes)


def test_a_hospitals_adapter_named_in_the_settings_is_loaded_from_its_entry_point(plugin, his):
    assert installed("his")["acme"] == "acme_his:build"
    assert available("his")[0] == "sandbox" and "acme" in available("his")
    port = build_his(_settings(his, his_adapter="acme"), secret=his.secret)
    try:
        assert type(port).__name__ == "AcmeHis" and isinstance(port, HisPort)
        assert port.find_patient(card("tier1")).patient_id == "10000001"  # it works against the HIS
    finally:
        port.close()


def test_an_unknown_adapter_is_a_settings_error_naming_what_is_there(plugin, his):
    with pytest.raises(AdapterError) as error:
        build_his(_settings(his, his_adapter="acmee"), secret=his.secret)
    message = str(error.value)
    assert message.startswith("his_adapter = 'acmee': no such his adapter")
    assert "sandbox, acme" in message and "credit_care_kiosk.his" in message


def test_a_broken_plugin_is_a_settings_error(plugin, his):
    with pytest.raises(AdapterError, match=r"his_adapter = 'gone': acme_his_missing:build cannot be loaded "
                                           r"\(ModuleNotFoundError"):
        build_his(_settings(his, his_adapter="gone"), secret=his.secret)


def test_an_adapter_missing_methods_is_a_settings_error_listing_them(plugin, his):
    with pytest.raises(AdapterError) as error:
        build_his(_settings(his, his_adapter="half"), secret=his.secret)
    message = str(error.value)
    assert "does not satisfy HisPort" in message
    assert "open_visits is missing" in message and "mark_paid is missing" in message
    assert "find_patient" not in message


def test_an_adapter_that_cannot_be_called_as_the_port_calls_it_is_refused(plugin, his):
    with pytest.raises(AdapterError) as error:
        build_his(_settings(his, his_adapter="nokeys"), secret=his.secret)
    assert "mark_paid does not take mark_paid(bill_ids: 'list[str]', *, setl_id" in str(error.value)


def test_the_same_registry_serves_the_insurance_port(plugin, his):
    assert "acme-insurance" in available("insurance")
    with pytest.raises(AdapterError, match="insurance_adapter = 'acme-insurance': the adapter does not satisfy "
                                           "InsurancePort: sign_in is missing"):
        build_adapter("insurance", PortConfig(_settings(his)), "acme-insurance")


def test_the_built_in_adapter_takes_the_his_secret_from_the_keyring(his):
    settings = _settings(his)
    assert settings.his_adapter == "sandbox"
    with pytest.raises(SecretMissing, match="his:KIOSK-DEMO-01"):
        build_his(settings)
    set_his_secret(his.terminal_id, his.secret)
    port = build_his(settings)
    try:
        assert isinstance(port, HisHttpAdapter)
        assert [d.dept_code for d in port.departments()][0] == "D01"
    finally:
        port.close()


def test_the_his_settings_are_checked():
    assert Settings().his_adapter == "sandbox" and Settings().validate() == []
    assert "his_url must use https:// (plain http only on loopback), with no user name" in \
        Settings(his_url="http://his.hospital.example").validate()
    assert Settings(his_url="https://his.hospital.example", his_adapter="acme").validate() == []
    assert any(p.startswith("his_adapter must name an adapter") for p in Settings(his_adapter=" ").validate())
    assert start_problems(Settings(his_url="http://10.0.0.5:8080")) == [
        "his_url must use https:// (plain http only on loopback), with no user name"]
