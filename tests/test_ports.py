"""The kiosk's three counterparts built from its settings (issue 12): the credit platform, the HIS and the
insurance platform, each an adapter the registry builds by name (built in, or a hospital's entry point),
each with its own secret from the keyring; the insurance messages numbered from a sequence the kiosk stores.
Against the three sandbox services on loopback."""
from __future__ import annotations

import re
import textwrap
from datetime import datetime

import pytest

from kiosk.adapters.credit_platform import CreditPlatform
from kiosk.adapters.his_http import HisHttpAdapter, set_his_secret
from kiosk.adapters.insurance_national import NationalInsurance
from kiosk.domain.insurance import parse_msgid
from kiosk.platform import PlatformClient
from kiosk.ports.credit import BookingBill, BookingRequest, CreditRefused, HoldRequest
from kiosk.ports.his import PatientKey
from kiosk.ports.insurance import PersonQuery
from kiosk.ports.registry import AdapterError
from kiosk.secrets import SecretMissing, set_insurance_secret
from kiosk.settings import Settings
from offline_cache.crypto import Sealer, new_key
from offline_cache.journal import Journal
from sandbox.demo_data import patient_by_role
from sandbox.embedded import EmbeddedServices
from tests.sandbox_fixtures import counterparts

PLUGIN = '''
"""Acme Hospital's insurance adapter: the national interface behind the hospital's own front-end (a test plug-in)."""
from kiosk.adapters import insurance_national


def build(config):
    return insurance_national.build(config)


class Half:
    def person(self, msgid, query):
        raise NotImplementedError

    def close(self):
        pass


def half(config):
    return Half()
'''
ENTRY_POINTS = """
[credit_care_kiosk.insurance]
acme-insurance = acme_insurance:build
half-insurance = acme_insurance:half
"""


@pytest.fixture
def services(tmp_path):
    with EmbeddedServices(tmp_path / "services", control=True) as running:
        yield running


@pytest.fixture
def journal(tmp_path):
    outbox = Journal(tmp_path / "journal.sqlite", Sealer(new_key()))
    yield outbox
    outbox.close()


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """Acme's insurance adapter, installed as pip would leave it (a dist-info with its entry points)."""
    site = tmp_path / "site-packages"
    info = site / "acme_insurance-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-insurance\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(textwrap.dedent(ENTRY_POINTS), encoding="utf-8")
    (site / "acme_insurance.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))


def settings_for(services, tmp_path, **changes) -> Settings:
    return Settings(platform_url=services.url, terminal_id=services.terminal_id, data_dir=str(tmp_path / "data"),
                    **counterparts(services), **changes)


def ports_of(settings, services, journal):
    from kiosk.services import build_ports

    client = PlatformClient(services.url, services.terminal_id, services.secret, timeout_s=5.0)
    return build_ports(settings, client, journal)


def test_three_ports_from_the_settings_each_with_its_own_secret(services, journal, tmp_path):
    ports = ports_of(settings_for(services, tmp_path), services, journal)
    try:
        assert isinstance(ports.credit, CreditPlatform) and isinstance(ports.his, HisHttpAdapter)
        assert isinstance(ports.insurance, NationalInsurance)
        number = patient_by_role("tier3")["id_number"]
        assert ports.credit.lookup_identity(number).account_id == "CA000003"
        assert ports.his.find_patient(PatientKey("id_number", number)).patient_id == "10000003"
        person = ports.insurance.person(ports.msgids(), PersonQuery.by_id_number(number))
        assert person.insurance("310") is not None  # an employee, insured here
    finally:
        ports.close()
        ports.credit.close()


def test_a_counterpart_secret_missing_from_the_keyring_stops_the_start(services, journal, tmp_path):
    settings = settings_for(services, tmp_path)
    set_insurance_secret(services.terminal_id, "x")  # then gone: another terminal's entry only
    import keyring

    keyring.delete_password("credit-care-kiosk", f"insurance:{services.terminal_id}")
    with pytest.raises(SecretMissing, match=f"insurance:{services.terminal_id}"):
        ports_of(settings, services, journal)
    set_insurance_secret(services.terminal_id, "not-the-gateways")
    ports = ports_of(settings, services, journal)
    try:  # a wrong secret is the gateway's refusal, named as such
        with pytest.raises(Exception, match="insurance_gateway_refused|gateway refused"):
            ports.insurance.person(ports.msgids(), PersonQuery.by_id_number(patient_by_role("tier1")["id_number"]))
    finally:
        ports.close()
        ports.credit.close()
    set_his_secret(services.terminal_id, services.secret)  # the credit platform's secret is not the HIS's
    ports = ports_of(settings, services, journal)
    try:
        with pytest.raises(Exception, match="bad_signature"):
            ports.his.find_patient(PatientKey("id_number", patient_by_role("tier1")["id_number"]))
    finally:
        ports.close()
        ports.credit.close()


def test_a_hospitals_insurance_plugin_is_taken_through_the_registry(services, journal, tmp_path, plugin):
    settings = settings_for(services, tmp_path, insurance_adapter="acme-insurance")
    assert settings.validate() == []  # not refused for not being 'national': the registry decides
    ports = ports_of(settings, services, journal)
    try:
        assert type(ports.insurance).__name__ == "NationalInsurance"
        number = patient_by_role("tier2")["id_number"]
        assert ports.insurance.person(ports.msgids(), PersonQuery.by_id_number(number)).psn_name
    finally:
        ports.close()
        ports.credit.close()
    with pytest.raises(AdapterError, match="insurance_adapter = 'half-insurance': the adapter does not satisfy "
                                           "InsurancePort: sign_in is missing"):
        ports_of(settings_for(services, tmp_path, insurance_adapter="half-insurance"), services, journal)
    with pytest.raises(AdapterError, match="credit_adapter = 'nowhere': no such credit adapter"):
        ports_of(settings_for(services, tmp_path, credit_adapter="nowhere"), services, journal)


def test_msgids_come_from_a_stored_sequence_never_repeated_across_restarts(tmp_path):
    from kiosk.usecases.msgids import Msgids, terminal_start

    path, key = tmp_path / "journal.sqlite", new_key()
    issued = []
    for _restart in range(3):
        journal = Journal(path, Sealer(key))
        numbered = Msgids(journal, "H35020000001", "KIOSK-DEMO-01")
        issued += [numbered() for _ in range(4)]
        journal.close()
    assert len(set(issued)) == 12
    for msgid in issued:
        assert re.fullmatch(r"H35020000001\d{14}\d{4}", msgid)
        assert parse_msgid(msgid).moment.tzinfo is not None
    sequence = [parse_msgid(m).sequence for m in issued]
    start = terminal_start("KIOSK-DEMO-01")
    assert sequence == [(start + n) % 10_000 for n in range(1, 13)]  # one after the other, across restarts
    assert terminal_start("KIOSK-DEMO-02") != start  # two kiosks of one hospital start apart


def test_the_credit_port_holds_books_and_releases(services, journal, tmp_path):
    ports = ports_of(settings_for(services, tmp_path), services, journal)
    credit = ports.credit
    try:
        patient = credit.lookup_identity(patient_by_role("tier3")["id_number"])
        before = credit.account(patient.account_id)
        hold = credit.hold(HoldRequest(patient.patient_id, patient.account_id, "outpatient", 5000, ("MZV000003",)),
                           key="hold-1")
        assert hold.status == "held" and hold.available_fen == before.available_fen - 5000
        assert credit.hold(HoldRequest(patient.patient_id, patient.account_id, "outpatient", 5000, ("MZV000003",)),
                           key="hold-1") == hold  # the same key: the same hold
        booking = credit.book(hold.hold_id, BookingRequest(
            setl_ids=("S1",), total_fen=8000, fund_fen=3000, account_pay_fen=0, paid_now_fen=0,
            bills=(BookingBill("MZV000003", 8000, visit_id="V000003", setl_id="S1"),),
            ended_at=datetime.fromisoformat("2026-12-01T10:00:00+08:00")), key="book-1")
        assert (booking.booked_fen, booking.fund_fen, booking.personal_fen) == (5000, 3000, 5000)
        with pytest.raises(CreditRefused) as refused:
            credit.release(hold.hold_id, key="release-1")
        assert refused.value.code == "hold_booked"
        assert [b.booking_id for b in credit.bookings(booking.settled_at.date())] == [booking.booking_id]
        assert credit.void(booking.booking_id, key="void-1").status == "voided"
        assert credit.account(patient.account_id).available_fen == before.available_fen
    finally:
        ports.close()
        credit.close()
