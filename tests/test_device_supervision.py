"""A device thread that dies is restarted, for every kind of device, and says why meanwhile.

Each driver runs on its real peer (a socat pty with the SAM simulator process, a serial
scanner's pty, pcscd with a virtual card, the in-process simulators) under a real
``DeviceManager``; its loop is made to raise (the way a bug escapes it), or its
simulator process is killed. The supervisor must mark it lost with the reason, restart
it, and the device must work again. The back-off itself is checked against a clock the
test moves (its waits run to 30 s).
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading

import pytest

from kiosk.devices.events import CardPresented, DeviceBack, DeviceLost, TokenPresented
from kiosk.devices.idcard_serial import SerialIdCardReader
from kiosk.devices.manager import DeviceManager
from kiosk.devices.scanner import SerialScanner
from kiosk.devices.simulated import SimulatedIdCardReader
from kiosk.devices.supervisor import DeviceSupervisor, read_live_states
from kiosk.settings import Settings
from tests.devices.fixtures import events, pty_pair, sam_device  # noqa: F401  (fixtures)
from tests.devices.processes import LineProcess, wait_until
from tests.helpers import card

FAST = (0.05, 0.4)  # the supervisor's first and longest wait, in these tests


class Breaker:
    """Makes ``device.<method>`` raise on the worker thread while armed (``once``: one time)."""

    def __init__(self, device, method: str, *, once: bool = True):
        self.device, self.method, self.once = device, method, once
        self.original = getattr(type(device), method)
        self.armed = threading.Event()
        self.raised = 0
        setattr(device, method, self._call)  # shadows the class's method on this device only

    def _call(self, *args, **kwargs):
        if self.armed.is_set():
            if self.once:
                self.armed.clear()
            self.raised += 1
            raise RuntimeError("test: the driver's loop broke")
        return self.original(self.device, *args, **kwargs)


def down_then_back(events, name: str, timeout: float = 10.0) -> None:
    lost = events.next(timeout=timeout, skip=(CardPresented,))
    assert lost == DeviceLost(name), events.all
    assert events.next(timeout=timeout) == DeviceBack(name), events.all


def only(manager) -> object:
    (status,) = manager.status()
    return status


# -- the in-process simulators -----------------------------------------------------------------

def test_the_simulated_reader_refuses_what_is_not_a_card_and_lives_on(events, caplog):
    reader = SimulatedIdCardReader(events)
    reader.start()
    try:
        reader.present(True)  # what a button's clicked(bool) once handed over as "the card"
        reader.present(card("tier1"))
        assert events.next() == CardPresented("id-reader", card("tier1"))
        assert reader.running and reader.state == "ready"
    finally:
        reader.stop()
    assert "refused: bool is not an ID card" in caplog.text


@pytest.mark.parametrize("name", ["id-reader", "sscard", "scanner"])
def test_a_simulator_whose_loop_raises_is_restarted_and_works(events, tmp_path, name):
    manager = DeviceManager(Settings(sscard_reader="simulated", scanner="simulated", data_dir=str(tmp_path)),
                            events, backoff_s=FAST)
    device = manager.device(name)
    breaker = Breaker(device, "_next")
    manager.start()
    try:
        breaker.armed.set()
        device._wake()  # the worker's wait ends: its loop asks for the next item, and raises
        down_then_back(events, name)
        status = next(s for s in manager.status() if s.name == name)
        assert status.state == "ready" and status.restarts == 1
        assert "RuntimeError" in status.last_failure
        if name == "scanner":
            manager.scan(card("tier2").id_number)
            assert events.next() == TokenPresented("scanner", "id_number", card("tier2").id_number)
        else:
            manager.present(card("tier2") if name == "id-reader" else _ss_card("tier2"))
            assert isinstance(events.next(), CardPresented)
    finally:
        manager.stop()
    assert not any(d.running for d in manager.devices)


def _ss_card(role: str):
    from kiosk.devices.events import SocialSecurityCard

    c = card(role)
    return SocialSecurityCard("A" + c.id_number[-8:].replace("X", "0"), c.id_number, c.name)


def test_the_live_states_file_follows_the_device_down_and_back(events, tmp_path):
    manager = DeviceManager(Settings(data_dir=str(tmp_path)), events, backoff_s=(0.3, 0.3))
    reader = manager.device("id-reader")
    breaker = Breaker(reader, "_next", once=False)
    manager.start()
    try:
        path = tmp_path / "devices.json"
        wait_until(lambda: read_live_states(path) is not None, what="devices.json")
        breaker.armed.set()
        reader._wake()
        assert events.next() == DeviceLost("id-reader")
        wait_until(lambda: read_live_states(path).problems(), what="the lost reader in devices.json")
        states = read_live_states(path)
        assert states.live and states.pid == os.getpid()
        (lost,) = states.problems()
        assert lost["name"] == "id-reader" and "RuntimeError" in lost["problem"]
        breaker.armed.clear()
        assert events.next(timeout=10, skip=(DeviceLost,)) == DeviceBack("id-reader")
        wait_until(lambda: not read_live_states(path).problems(), what="the reader back in devices.json")
        (back,) = read_live_states(path).devices
        assert back["state"] == "ready" and back["restarts"] >= 1
    finally:
        manager.stop()
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["running"] is False and not read_live_states(path).live
    assert all(set(d) == {"name", "kind", "state", "problem", "restarts", "last_failure", "last_failure_at"}
               for d in record["devices"])


# -- the back-off, against a clock the test moves ------------------------------------------------

class NeverUp:
    """A device whose worker is never running (each restart ends at once)."""

    name, kind, supervised = "id-reader", "test", True

    def __init__(self):
        self.state, self.problem, self.failure, self.running = "ready", "", "", False
        self.restarted = 0

    def fail(self, problem: str) -> None:
        self.state, self.problem = "lost", problem

    def restart(self) -> None:
        self.restarted += 1


def test_the_back_off_doubles_to_its_cap_and_starts_over_after_a_good_run():
    now = [1000.0]
    device = NeverUp()
    supervisor = DeviceSupervisor([device], first_delay_s=0.5, max_delay_s=30.0, stable_s=60.0,
                                  clock=lambda: now[0])
    supervisor.started(device)
    waits = []
    for _ in range(9):
        due = supervisor.round()  # marks it down: the next restart is due after the back-off
        waits.append(due - now[0])
        now[0] = due - 0.01
        assert supervisor.round() == due and device.restarted == len(waits) - 1  # not yet
        now[0] = due
        supervisor.round()  # restarted now
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    assert device.restarted == 9 and supervisor.watches["id-reader"].restarts == 9
    assert device.state == "lost" and "restarted 9 times" in device.problem

    device.running = True  # this time it stays up
    device.state, device.problem = "ready", ""
    now[0] += 60.0
    assert supervisor.round() is None
    device.running = False  # and fails again, a while later: a fresh failure
    assert supervisor.round() - now[0] == 0.5


class DiesWhileLookedAt:
    """A device whose process ends between the supervisor's reads: alive until ``running``
    is read, and only then is there a reason (as a process killed at that moment)."""

    name, kind, supervised = "id-reader", "test", True

    def __init__(self):
        self.state, self.problem, self.ended = "ready", "", False

    @property
    def running(self) -> bool:
        self.ended = True
        return False

    @property
    def failure(self) -> str:
        return "the simulated reader process ended (killed by signal 9)" if self.ended else ""

    def fail(self, problem: str) -> None:
        self.state, self.problem = "lost", problem


def test_a_device_that_ends_while_it_is_looked_at_is_down_with_its_reason():
    device = DiesWhileLookedAt()
    supervisor = DeviceSupervisor([device], clock=lambda: 1000.0)
    supervisor.started(device)
    supervisor.round()
    assert "killed by signal 9" in supervisor.watches["id-reader"].last_failure
    assert device.state == "lost" and "killed by signal 9" in device.problem


# -- the real drivers on their peers --------------------------------------------------------------

@pytest.mark.slow
def test_the_serial_reader_whose_loop_raises_is_restarted_and_reads_again(pty_pair, sam_device, events,
                                                                         tmp_path):
    driver = SerialIdCardReader(events, pty_pair.kiosk, poll_ms=30, answer_timeout_s=0.3, reopen_ms=50)
    manager = DeviceManager(Settings(data_dir=str(tmp_path)), events, devices=[driver], backoff_s=FAST)
    breaker = Breaker(driver, "_poll")
    manager.start()
    try:
        wait_until(lambda: driver.state == "ready", what="the reader to answer")
        breaker.armed.set()
        down_then_back(events, "id-reader")
        assert only(manager).restarts == 1 and "RuntimeError" in only(manager).last_failure
        sam_device.place(card("tier3"))
        assert events.next() == CardPresented("id-reader", card("tier3"))
    finally:
        manager.stop()
    assert not driver.running


@pytest.mark.slow
def test_the_sam_simulator_process_killed_is_started_again(events, tmp_path):
    manager = DeviceManager(Settings(id_reader="sam-simulator", id_reader_poll_ms=50, data_dir=str(tmp_path)),
                            events, backoff_s=FAST)
    reader = manager.device("id-reader")
    manager.start()
    try:
        wait_until(lambda: reader.state == "ready", timeout=10, what="the simulated SAM reader")
        first = reader.process.proc.pid
        os.kill(first, signal.SIGKILL)
        down_then_back(events, "id-reader", timeout=15)
        assert reader.process.proc.pid != first and reader.process.alive
        assert "killed by signal 9" in only(manager).last_failure
        manager.present(card("minor"))
        assert events.next(timeout=10) == CardPresented("id-reader", card("minor"))
    finally:
        manager.stop()


@pytest.mark.slow
def test_the_serial_scanner_killed_by_a_scan_is_restarted_and_scans_again(pty_pair, events, tmp_path):
    driver = SerialScanner(events, pty_pair.kiosk, reopen_ms=50)
    manager = DeviceManager(Settings(data_dir=str(tmp_path)), events, devices=[driver], backoff_s=FAST)
    breaker = Breaker(driver, "_event")
    manager.start()
    fd = None
    try:
        wait_until(lambda: driver.state == "ready", what="the scanner port")
        fd = os.open(pty_pair.device, os.O_RDWR | os.O_NOCTTY)
        breaker.armed.set()
        os.write(fd, b"ECV:first-scan-trips-a-bug\r")
        down_then_back(events, "scanner")
        number = card("tier1").id_number
        os.write(fd, number.encode() + b"\r")
        assert events.next() == TokenPresented("scanner", "id_number", number)
        assert only(manager).restarts == 1 and breaker.raised == 1
    finally:
        if fd is not None:
            os.close(fd)
        manager.stop()


@pytest.mark.slow
def test_the_pcsc_reader_whose_loop_raises_is_restarted_and_reads_the_card(events, tmp_path,
                                                                          tmp_path_factory):
    from kiosk.devices.sscard import PcscSocialSecurityReader
    from tests.devices.pcsc import READER, Pcscd, wait_until_empty

    daemon = Pcscd(tmp_path_factory.mktemp("pcscd"))
    daemon.start()
    vcard = None
    driver = PcscSocialSecurityReader(events, READER, wait_ms=100, reopen_ms=50)
    manager = DeviceManager(Settings(data_dir=str(tmp_path)), events, devices=[driver], backoff_s=FAST)
    breaker = Breaker(driver, "_read")
    try:
        wait_until_empty()
        vcard = LineProcess([sys.executable, "-m", "tests.devices.vcard", "--port", str(daemon.port)], "vcard")
        vcard.expect("ready")
        manager.start()
        wait_until(lambda: driver.state == "ready", timeout=10, what="the PC/SC reader")
        breaker.armed.set()
        holder = _ss_card("tier4")
        vcard.send("insert " + json.dumps({"card_number": holder.card_number, "id_number": holder.id_number,
                                           "name": holder.name}, ensure_ascii=False))
        down_then_back(events, "sscard", timeout=15)
        assert events.next(timeout=10) == CardPresented("sscard", holder)  # still in: read after the restart
        assert only(manager).restarts == 1
    finally:
        manager.stop()
        if vcard is not None:
            vcard.stop()
        daemon.stop()
