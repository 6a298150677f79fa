"""The device manager: devices built from settings, live state, ``kiosk-admin devices``,
and the identification step fed by every kind of device, in the real app."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.devices.events import CardPresented, CardRemoved, DeviceLost, SocialSecurityCard, TokenPresented
from kiosk.devices.manager import DeviceManager, check
from kiosk.settings import Settings
from tests.devices.fixtures import events, pty_pair, sam_device  # noqa: F401  (fixtures)
from tests.devices.processes import wait_until
from tests.helpers import card

LEFT = Qt.MouseButton.LeftButton
ADMIN = Path(sys.executable).with_name("kiosk-admin")


def test_default_settings_give_the_simulated_id_reader_only(events):
    manager = DeviceManager(Settings(), events)
    assert [(d.name, d.simulated) for d in manager.devices] == [("id-reader", True)]
    assert manager.can_present
    manager.start()
    try:
        manager.present(card("tier1"))
        assert events.next().card == card("tier1")
        assert [s.state for s in manager.status()] == ["ready"]
    finally:
        manager.stop()


def test_every_kind_simulated(events):
    settings = Settings(sscard_reader="simulated", scanner="simulated")
    manager = DeviceManager(settings, events)
    assert [d.name for d in manager.devices] == ["id-reader", "sscard", "scanner"]
    manager.start()
    try:
        ss = SocialSecurityCard("A00000001", card("minor").id_number, card("minor").name)
        manager.present(ss)
        event = events.next()
        assert isinstance(event, CardPresented) and event.device == "sscard" and event.card == ss
        manager.scan("ECV:demo-tier1-7f3a9c2e5b1d4068")
        assert events.next() == TokenPresented("scanner", "insurance_evoucher", "demo-tier1-7f3a9c2e5b1d4068")
    finally:
        manager.stop()
    assert all(not d.running for d in manager.devices)


@pytest.mark.slow
def test_the_sam_simulator_setting_runs_the_real_driver_on_a_simulated_reader(events):
    manager = DeviceManager(Settings(id_reader="sam-simulator", id_reader_poll_ms=50), events)
    reader = manager.device("id-reader")
    manager.start()
    try:
        wait_until(lambda: reader.state == "ready", what="the simulated SAM reader")
        manager.present(card("tier3"))
        assert events.next().card == card("tier3")
        manager.present(card("minor"))  # the next patient's card: the first one is lifted
        assert isinstance(events.next(), CardRemoved)
        assert events.next().card == card("minor")
    finally:
        manager.stop()
    assert reader.process.proc is None and not os.path.exists(reader.process.link)


@pytest.mark.slow
def test_a_missing_serial_port_shows_as_lost_with_the_reason(events, tmp_path):
    manager = DeviceManager(Settings(id_reader="serial", id_reader_port=str(tmp_path / "ttyUSB9")), events)
    manager.start()
    try:
        assert isinstance(events.next(), DeviceLost)
        (status,) = manager.status()
        assert status.state == "lost" and "cannot be opened" in status.problem
    finally:
        manager.stop()


def test_check_without_devices_to_open():
    results = check(Settings(scanner="wedge", sscard_reader="simulated"))
    assert [(r.name, r.ok) for r in results] == [("id-reader", True), ("sscard", True), ("scanner", True)]
    results = check(Settings(scanner="serial"))
    assert results[-1].ok is False and "scanner_port is not set" in results[-1].detail


def _admin_devices(config: str) -> subprocess.CompletedProcess:
    path = Path(os.environ["KIOSK_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config, encoding="utf-8")
    return subprocess.run([str(ADMIN), "devices"], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ))


@pytest.mark.slow
def test_kiosk_admin_devices_opens_each_device(pty_pair, sam_device, tmp_path):
    sam_device.place(card("tier1"))
    done = _admin_devices(f'id_reader = "serial"\nid_reader_port = "{pty_pair.kiosk}"\nscanner = "wedge"\n')
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("OK   id-reader") and "a card is on it" in lines[0]
    assert lines[1].startswith("OK   scanner")

    done = _admin_devices(f'id_reader = "serial"\nid_reader_port = "{tmp_path / "ttyNONE"}"\n'
                          f'scanner = "serial"\nscanner_port = "{pty_pair.kiosk}"\n')
    assert done.returncode == 1
    first, second = done.stdout.splitlines()
    assert first.startswith("FAIL id-reader") and "cannot be opened" in first
    assert second.startswith("OK   scanner")


# -- the identification step, in the real app against the sandbox -------------------------------
def boot(qtbot, settings, sandbox):
    from kiosk.app import KioskApp

    app = KioskApp(settings, secret=sandbox.secret)
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.ready, timeout=20_000):
        app.show()
    return app


@pytest.fixture
def app(qtbot, kiosk_settings, sandbox):
    booted = boot(qtbot, kiosk_settings.with_overrides(sscard_reader="simulated", scanner="simulated"), sandbox)
    yield booted
    booted.shutdown()


def to_identify(qtbot, app):
    qtbot.mouseClick(app.window.home.buttons["pay"], LEFT)
    assert app.window.current == "identify"


def test_a_minors_social_security_card_leads_to_the_guardians_line(qtbot, app):
    to_identify(qtbot, app)
    minor = card("minor")
    app.services.reader.present(SocialSecurityCard("A00000005", minor.id_number, minor.name))
    qtbot.waitUntil(lambda: app.window.current == "bill", timeout=10_000)
    assert app.ctx.journeys["pay"].session.account.account_id == "CA000002"  # the guardian's


def test_a_scanned_id_number_identifies_like_a_card(qtbot, app):
    to_identify(qtbot, app)
    app.services.reader.scan(card("tier1").id_number + "\r")
    qtbot.waitUntil(lambda: app.window.current == "bill", timeout=10_000)
    assert app.ctx.journeys["pay"].session.patient.patient_id == "P000001"


def test_an_unknown_code_is_refused_with_words(qtbot, app):
    to_identify(qtbot, app)
    app.services.reader.scan("6901234567892")
    qtbot.waitUntil(lambda: bool(app.window.identify.error.text()), timeout=10_000)
    assert "cannot be used here" in app.window.identify.error.text()
    assert app.window.current == "identify"


def _has_resolve_endpoint(sandbox_client) -> bool:
    return sandbox_client.post("/v1/identity/resolve-token", json={}).status_code != 404


def test_a_scanned_evoucher_is_resolved_by_the_platform(qtbot, app, sandbox_client):
    if not _has_resolve_endpoint(sandbox_client):
        pytest.skip("the sandbox has no /v1/identity/resolve-token yet")
    try:
        from sandbox.demo_data import demo_token  # (role, token_type) -> the demo token
    except ImportError:
        pytest.skip("sandbox.demo_data has no demo_token(role, token_type) yet")

    to_identify(qtbot, app)
    app.services.reader.scan("ECV:" + demo_token("minor", "insurance_evoucher"))
    qtbot.waitUntil(lambda: app.window.current == "bill", timeout=10_000)
    assert app.ctx.journeys["pay"].session.account.account_id == "CA000002"


@pytest.mark.slow
def test_the_real_serial_driver_in_the_app(qtbot, kiosk_settings, sandbox, pty_pair, sam_device):
    settings = kiosk_settings.with_overrides(id_reader="serial", id_reader_port=pty_pair.kiosk,
                                             id_reader_poll_ms=50)
    booted = boot(qtbot, settings, sandbox)
    try:
        assert booted.window.identify.training.isHidden()  # a real reader: no demo-card buttons
        to_identify(qtbot, booted)
        sam_device.place(card("tier4"))
        qtbot.waitUntil(lambda: booted.window.current == "bill", timeout=10_000)
        assert booted.ctx.journeys["pay"].session.patient.patient_id == "P000004"
    finally:
        booted.shutdown()


def test_the_resolve_token_use_case_asks_the_platform_and_reads_the_account():
    from kiosk.usecases.identify import IdentifyPatient

    class FakePlatform:  # the sandbox's endpoint may not exist yet: the request it gets is checked here
        def __init__(self):
            self.calls = []

        def request(self, method, path, body=None, *, key=None):
            self.calls.append((method, path, body))
            return {"patient_id": "P000005", "name": "陈乐乐", "sex": "F", "birth_date": "2015-06-01",
                    "phone": "13900000102", "is_minor": True, "guardian_patient_id": "P000002",
                    "account_id": "CA000002"}

        def account(self, account_id):
            self.calls.append(("account", account_id))
            return "account"

        def open_visits(self, patient_id):
            self.calls.append(("visits", patient_id))
            return []

    platform = FakePlatform()
    session = IdentifyPatient(platform).resolve_token("health_card", "demo-minor-0123456789")
    assert platform.calls[0] == ("POST", "/v1/identity/resolve-token",
                                 {"token_type": "health_card", "token": "demo-minor-0123456789"})
    assert session.patient.is_minor and session.patient.id_number == ""
    assert platform.calls[1:] == [("account", "CA000002"), ("visits", "P000005")]


def scanner_types(window, text: str, *, gap_ms: int = 5) -> None:
    """Keys as a wedge scanner types them: ``gap_ms`` apart by their own event times (the
    window system's, which the burst rule reads), then Return. Not QTest.keyClick: its keys
    carry no time, so the rule would read the clock of a busy test machine instead."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtGui import QKeyEvent

    when = 1_000_000
    for key, char in [(Qt.Key(ord(c.upper())), c) for c in text] + [(Qt.Key.Key_Return, "\r")]:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            event.setTimestamp(when)
            QCoreApplication.sendEvent(window, event)
        when += gap_ms


def test_the_wedge_scanner_in_the_app(qtbot, kiosk_settings, sandbox):
    booted = boot(qtbot, kiosk_settings.with_overrides(scanner="wedge"), sandbox)
    try:
        to_identify(qtbot, booted)
        scanner_types(booted.window.windowHandle(), card("tier3").id_number)
        qtbot.waitUntil(lambda: booted.window.current == "bill", timeout=10_000)
        assert booted.ctx.journeys["pay"].session.patient.patient_id == "P000003"
    finally:
        booted.shutdown()
    assert booted.services is None
