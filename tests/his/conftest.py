"""Fixtures of the HIS tests: the sandbox HIS on loopback (its own port and SQLite file) and the
kiosk's reference adapter on it, as the kiosk terminal and as the cashier desk."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from kiosk.adapters.his_http import HisHttpAdapter
from kiosk.domain.clock import BUSINESS_TZ
from kiosk.ports.his import HisPatient, PatientKey
from sandbox.demo_data import patient_by_role
from sandbox.his.server import EmbeddedHis
from tests.sandbox_fixtures import SignedClient

#: The HIS's business day in these tests: a Tuesday, a working day, before the morning clinics open
#: (全科医学科 AM: 许文静, 主治医师, ￥10.00, 08:00-12:00).
START = datetime(2026, 12, 8, 7, 30, tzinfo=BUSINESS_TZ)


@pytest.fixture
def his(tmp_path) -> Iterator[EmbeddedHis]:
    """A seeded sandbox HIS with its control API, its clock at :data:`START`, stopped afterwards."""
    with EmbeddedHis(tmp_path / "his.sqlite", control=True, start_at=START) as running:
        yield running


@pytest.fixture
def adapter(his) -> Iterator[HisHttpAdapter]:
    """The kiosk's HIS adapter, as the kiosk terminal."""
    port = HisHttpAdapter.connect(his.url, his.terminal_id, his.secret, timeout_s=5.0)
    yield port
    port.close()


@pytest.fixture
def desk_adapter(his) -> Iterator[HisHttpAdapter]:
    """The HIS adapter of the cashier desk beside the kiosk (its own secret at the HIS)."""
    port = HisHttpAdapter.connect(his.url, his.desk_terminal_id, his.desk_secret, timeout_s=5.0)
    yield port
    port.close()


@pytest.fixture
def phone(his) -> Iterator[SignedClient]:
    """The sandbox control API: completes a channel payment as the patient's phone would."""
    with SignedClient(his.url, his.terminal_id, his.secret) as client:
        yield client


def card(role: str) -> PatientKey:
    """The demo patient's ID card laid on the reader."""
    return PatientKey("id_number", patient_by_role(role)["id_number"])


def present(adapter: HisHttpAdapter, role: str) -> HisPatient:
    """The demo patient's card read at this terminal: found, present here."""
    return adapter.find_patient(card(role))


def pay_on_phone(phone: SignedClient, payment_id: str) -> None:
    answer = phone.write(f"/v1/_sandbox/payments/{payment_id}/complete", {})
    assert answer.status_code == 200, answer.text
