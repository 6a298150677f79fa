"""Fleet health: the kiosk's heartbeat (off the GUI thread, tolerant of missing parts) and
the platform keeping each terminal's latest report (``/v1/fleet``)."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from kiosk import __version__
from kiosk.heartbeat import Heartbeat, collect, start_heartbeat
from kiosk.settings import Settings
from sandbox.demo_data import DEMO_PATIENTS
from tests.sandbox_fixtures import SignedClient, error_of

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone(timedelta(hours=8)))


def report(sent_at: datetime = NOW, **changes) -> dict:
    body = {"version": "0.1.0", "sent_at": sent_at.isoformat(), "started_at": NOW.isoformat(),
            "mode": "kiosk", "training": False,
            "queue": {"length": 2, "oldest_at": (NOW - timedelta(minutes=7)).isoformat()},
            "printer": {"state": "paper_out", "detail": "roll empty"},
            "devices": [{"name": "id-reader", "kind": "serial SAM", "state": "ready", "problem": ""}]}
    body.update(changes)
    return body


# -- the platform side ----------------------------------------------------------------------

def test_the_platform_keeps_the_latest_report_per_terminal(sandbox, sandbox_client):
    assert sandbox_client.get("/v1/fleet").json() == {"terminals": []}
    first = sandbox_client.post("/v1/fleet/heartbeat", json=report())
    assert first.status_code == 200 and first.json()["stored"] is True

    later = report(NOW + timedelta(minutes=5), printer={"state": "ready", "detail": ""})
    assert sandbox_client.post("/v1/fleet/heartbeat", json=later).json()["stored"] is True

    sandbox.store.add_terminal("KIOSK-XM-02", b"\x01" * 32, "厦门市示范医院")
    with SignedClient(sandbox.url, "KIOSK-XM-02", b"\x01" * 32) as other:
        assert other.post("/v1/fleet/heartbeat", json=report(mode="desk")).status_code == 200
        assert other.get("/v1/fleet/me").json()["last_heartbeat_at"] is not None

    fleet = sandbox_client.get("/v1/fleet").json()["terminals"]
    assert [t["terminal_id"] for t in fleet] == ["KIOSK-DEMO-01", "KIOSK-XM-02"]
    mine = fleet[0]
    assert mine["heartbeat"]["printer"] == {"state": "ready", "detail": "", "last_error": None,
                                            "reprints_waiting": 0}
    assert mine["heartbeat"]["queue"]["length"] == 2
    assert mine["heartbeat"]["devices"][0]["state"] == "ready"
    assert 0 <= mine["age_s"] < 60
    assert fleet[1]["heartbeat"]["mode"] == "desk"


def test_an_older_report_arriving_late_is_dropped(sandbox_client):
    sandbox_client.post("/v1/fleet/heartbeat", json=report(NOW + timedelta(minutes=5)))
    late = sandbox_client.post("/v1/fleet/heartbeat", json=report(NOW, version="0.0.9"))
    assert late.status_code == 200 and late.json()["stored"] is False
    assert sandbox_client.get("/v1/fleet").json()["terminals"][0]["heartbeat"]["version"] == "0.1.0"


def test_reports_need_the_signature_and_a_valid_body(sandbox, sandbox_client):
    import requests

    with requests.post(sandbox.url + "/v1/fleet/heartbeat", json=report(), timeout=10) as unsigned:
        assert unsigned.status_code == 401
    naive = sandbox_client.post("/v1/fleet/heartbeat", json=report(sent_at=NOW.replace(tzinfo=None)))
    assert naive.status_code == 422 and error_of(naive)["code"] == "invalid_request"
    extra = sandbox_client.post("/v1/fleet/heartbeat", json={**report(), "id_number": "x"})
    assert extra.status_code == 422  # no field for anything personal


def test_fleet_me_names_the_calling_terminal(sandbox_client):
    assert sandbox_client.get("/v1/fleet/me").json() == {"terminal_id": "KIOSK-DEMO-01",
                                                         "last_heartbeat_at": None}


# -- the kiosk side ----------------------------------------------------------------------------

def test_beats_at_start_on_request_and_stops_cleanly():
    sent, sent_event = [], threading.Event()

    def send(body):
        assert threading.current_thread().name == "kiosk-heartbeat"
        sent.append(body)
        sent_event.set()

    beat = Heartbeat(lambda: {"n": len(sent)}, send, interval_s=3600).start()
    try:
        assert sent_event.wait(10) and sent == [{"n": 0}]  # the first report at once
        sent_event.clear()
        beat.beat_now()
        assert sent_event.wait(10) and sent[-1] == {"n": 1}
    finally:
        beat.stop()
    assert not beat.running and beat.sent == 2


def test_a_failing_send_is_logged_once_and_counted(caplog):
    failures = threading.Semaphore(0)

    def send(body):
        failures.release()
        raise ConnectionError("platform down")

    beat = Heartbeat(dict, send, interval_s=3600).start()
    try:
        for _ in range(3):
            assert failures.acquire(timeout=10)
            if _ < 2:
                beat.beat_now()
    finally:
        beat.stop()
    assert beat.failed == 3 and beat.sent == 0
    assert [r.getMessage() for r in caplog.records if r.name == "kiosk.heartbeat"] == [
        "heartbeat not sent: ConnectionError: platform down"]


def test_an_interval_of_zero_starts_nothing():
    assert start_heartbeat(object(), Settings(heartbeat_interval_s=0)) is None


def test_collect_tolerates_missing_and_broken_parts(caplog):
    class Bare:  # no journal, printer or reader at all
        pass

    body = collect(Bare(), started_at=NOW, now=lambda: NOW)
    assert body == {"version": __version__, "sent_at": NOW.isoformat(), "started_at": NOW.isoformat(),
                    "mode": "kiosk", "training": False, "queue": None, "printer": None, "devices": []}

    class BrokenPrinter:
        def status(self):
            raise OSError("cups gone")

    @dataclass
    class Printer:
        backend: object

    class Broken:
        printer = Printer(BrokenPrinter())

        def queue_state(self):
            raise RuntimeError("db locked")

    body = collect(Broken(), started_at=NOW)
    assert body["queue"] is None
    assert body["printer"] == {"state": "unknown", "detail": "status failed: OSError"}


def test_collect_reads_the_queue_printer_and_devices():
    from kiosk.devices.manager import DeviceStatus

    @dataclass
    class Entry:
        created_at: datetime

    class Outbox:
        def pending(self):
            return [Entry(NOW - timedelta(minutes=3)), Entry(NOW - timedelta(minutes=9))]

        def conflicts(self):
            return ["one"]

    class Printer:
        def status(self):
            return {"state": "paper_out", "detail": "roll empty", "last_error": "paper_out",
                    "reprints_waiting": 2, "last_printed_at": "never sent"}

    class Reader:
        def status(self):
            return [DeviceStatus("id-reader", "serial SAM", "lost", "unplugged")]

    class Services:
        settings = Settings(mode="desk")
        training = True
        journal = Outbox()
        printer = Printer()
        reader = Reader()

    body = collect(Services(), started_at=NOW)
    assert body["mode"] == "desk" and body["training"] is True
    assert body["queue"] == {"length": 2, "oldest_at": (NOW - timedelta(minutes=9)).isoformat(),
                             "conflicts": 1}
    assert body["printer"] == {"state": "paper_out", "detail": "roll empty", "last_error": "paper_out",
                               "reprints_waiting": 2}
    assert body["devices"] == [{"name": "id-reader", "kind": "serial SAM", "state": "lost",
                                "problem": "unplugged"}]


def test_the_app_reports_to_its_platform_and_stops_on_shutdown(qtbot, kiosk, sandbox, sandbox_client):
    beat = kiosk.heartbeat
    assert beat is not None and beat.running
    qtbot.waitUntil(lambda: beat.sent >= 1, timeout=10_000)
    terminals = sandbox_client.get("/v1/fleet").json()["terminals"]
    assert [t["terminal_id"] for t in terminals] == [sandbox.terminal_id]
    health = terminals[0]["heartbeat"]
    assert health["version"] == __version__
    assert health["printer"]["state"] == "ready"
    assert {d["name"] for d in health["devices"]} >= {"id-reader"}
    assert health["queue"] is not None and health["queue"]["length"] == 0
    text = str(health)
    assert not any(p["id_number"] in text or p["name"] in text for p in DEMO_PATIENTS)
    kiosk.shutdown()
    assert not beat.running


def test_the_interval_setting_is_checked():
    assert Settings(heartbeat_interval_s=0).validate() == []
    assert Settings(heartbeat_interval_s=60).validate() == []
    assert any("heartbeat_interval_s" in p for p in Settings(heartbeat_interval_s=5).validate())
