"""The three sandbox services embedded together (``sandbox.embedded``): each on its own loopback port and
SQLite file, one business clock (the credit platform's), the same demo people everywhere."""
from __future__ import annotations

from datetime import datetime, timedelta

import requests

from kiosk.domain.clock import BUSINESS_TZ
from sandbox.demo_data import patient_by_role
from sandbox.embedded import EmbeddedServices
from tests.sandbox_fixtures import SignedClient


def test_three_services_three_ports_three_files_one_clock(tmp_path):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=BUSINESS_TZ)
    with EmbeddedServices(tmp_path, control=True, start_at=start) as s:
        ports = {s.credit.port, s.his.port, s.insurance.port}
        assert len(ports) == 3
        assert {p.name for p in tmp_path.glob("*.sqlite")} == {"platform.sqlite", "his.sqlite", "insurance.sqlite"}
        assert requests.get(s.url + "/v1/health", timeout=5).json()["status"] == "ok"
        his_time = requests.get(s.his.url + "/v1/health", timeout=5).json()["time"]
        assert datetime.fromisoformat(his_time).date() == start.date()
        # the credit platform's clock moves: the HIS's and the insurance service's with it
        with SignedClient(s.url, s.terminal_id, s.secret) as credit:
            moved = credit.post("/v1/_sandbox/clock", json={"advance_s": 86_400},
                                headers={"Idempotency-Key": "clock-1"})
            assert moved.status_code == 200, moved.text
        his_time = requests.get(s.his.url + "/v1/health", timeout=5).json()["time"]
        assert datetime.fromisoformat(his_time).date() == start.date() + timedelta(days=1)
        assert s.insurance.store.now().date() == start.date() + timedelta(days=1)
        # the same people: a card read at the HIS and at the credit platform names the same person
        number = patient_by_role("tier3")["id_number"]
        with SignedClient(s.his.url, s.his.terminal_id, s.his.secret) as his:
            found = his.post("/v1/patients/find", json={"id_number": number})
        assert found.status_code == 200 and found.json()["id_number"] == number
        assert s.credit.secret != s.his.secret  # one secret per counterpart
