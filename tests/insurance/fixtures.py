"""Pytest fixtures of the insurance tests: the sandbox insurance service on loopback and the national
adapter pointed at it (directly, or through a fault proxy or a wiretap)."""
from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from kiosk.adapters.insurance_national import NationalInsurance, TifGateway
from kiosk.domain.clock import now
from kiosk.domain.insurance import make_msgid
from kiosk.ports.insurance import FeeLine, Insured, PersonQuery
from sandbox import demo_data
from sandbox.insurance.app import BASE_PATH
from sandbox.insurance.server import EmbeddedInsurance


@pytest.fixture
def insurance(tmp_path):
    """The sandbox insurance service (Xiamen, control API on, TIF gateway)."""
    with EmbeddedInsurance(tmp_path / "insurance.sqlite", control=True) as service:
        yield service


class Msgids:
    """The kiosk's stored counter, in memory: msgid = fixmedins_code + now + the next value."""

    def __init__(self, fixmedins_code: str):
        self.fixmedins_code = fixmedins_code
        self._counter = itertools.count(1)
        self.issued: list[str] = []

    def __call__(self) -> str:
        msgid = make_msgid(self.fixmedins_code, now(), next(self._counter))
        self.issued.append(msgid)
        return msgid


def adapter_for(service: EmbeddedInsurance, msgids: Msgids, *, base: str | None = None, timeout_s: float = 5.0,
                secret: str | None = None, **options) -> NationalInsurance:
    """The national adapter posting to ``service`` (or to ``base`` + the interface's path: a proxy)."""
    url = (base + BASE_PATH) if base else service.url
    return NationalInsurance(url, fixmedins_code=service.fixmedins_code, fixmedins_name=service.fixmedins_name,
                             admdvs=service.admdvs, opter="KIOSK-DEMO-01", opter_name="自助机", next_msgid=msgids,
                             gateway=TifGateway(service.paasid, secret or service.secret), timeout_s=timeout_s,
                             **options)


@pytest.fixture
def msgids(insurance) -> Msgids:
    return Msgids(insurance.fixmedins_code)


@pytest.fixture
def port(insurance, msgids):
    adapter = adapter_for(insurance, msgids)
    yield adapter
    adapter.close()


def insured(port, msgids, role: str) -> Insured:
    """The demo person ``role`` looked up by ID number (1101), as the port answers."""
    query = PersonQuery.by_id_number(demo_data.patient_by_role(role)["id_number"])
    return Insured.of(port.person(msgids(), query), query)


def fee_line(sn: str, code: str, quantity: int = 1) -> FeeLine:
    """A line of the hospital's charge code ``code`` as the HIS bills it (demo_data's catalogues)."""
    if code in demo_data.CATALOGUE:
        _name, price, _category = demo_data.CATALOGUE[code]
    else:
        _name, price, _kind, _level = demo_data.INPATIENT_CATALOGUE[code]
    return FeeLine(sn, now(), demo_data.NATIONAL_LIST[code][0], code, Decimal(quantity), Decimal(price) / 100,
                   quantity * price, "D01", "全科医学科", "D010203", "许文静")
