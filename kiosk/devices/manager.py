"""The device manager: builds the configured devices, starts and stops them, keeps their live state.

Settings (``kiosk.settings``) name the devices:

=================  ===============================================================
``id_reader``      ``simulated`` (training buttons), ``serial`` (a SAM reader on
                   ``id_reader_port``), ``sam-simulator`` (the real serial driver
                   talking to a simulated SAM reader process on a pty: the demo of
                   the real protocol, with the training buttons)
``sscard_reader``  ``""`` (none), ``pcsc`` (reader named like ``sscard_reader_name``),
                   ``simulated``
``scanner``        ``""`` (none), ``wedge`` (a keyboard-wedge scanner), ``serial``
                   (on ``scanner_port``), ``simulated``
=================  ===============================================================

Every device reports to one listener (the Qt bridge). Each keeps its live
state (``starting``, ``ready``, ``lost`` with the problem in words, ``stopped``);
``status()`` collects them for a status display, with how often each was restarted.
A device whose thread dies is restarted by the supervisor
(``kiosk.devices.supervisor``), which also writes the states to ``devices.json`` in the
data folder for ``kiosk-admin`` (selftest, logs bundle). ``check(settings)``
is what ``kiosk-admin devices`` runs: it opens each configured device once and
says OK or why not.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass

from kiosk.devices.errors import DeviceError
from kiosk.devices.events import DeviceBack, DeviceLost, IdCard, SocialSecurityCard
from kiosk.devices.supervisor import DeviceSupervisor, live_states_path, write_live_states

log = logging.getLogger("kiosk.devices.manager")

ID_READERS = ("simulated", "serial", "sam-simulator")
SSCARD_READERS = ("", "pcsc", "simulated")
SCANNERS = ("", "wedge", "serial", "simulated")


@dataclass(frozen=True)
class DeviceStatus:
    """A configured device as the heartbeat, selftest and support bundle report it: its state, its problem in
    words and its restarts."""

    name: str
    kind: str
    state: str  # starting, ready, lost, stopped
    problem: str = ""
    restarts: int = 0  # how often the supervisor restarted it since the kiosk started
    last_failure: str = ""  # why it last went down ("" if it never did)
    last_failure_at: str = ""


@dataclass(frozen=True)
class CheckResult:
    """A device's answer to ``kiosk-admin selftest``'s check."""

    name: str
    kind: str
    ok: bool
    detail: str


class SamSimulatorReader:
    """``id_reader = "sam-simulator"``: the real serial driver on the pty of a simulator process.

    Down (for the supervisor) when the driver's thread died or the simulator process ended;
    a restart starts a new process on the same link, then the driver again."""

    name = "id-reader"
    kind = "id-reader (serial SAM, simulated reader process)"
    simulated = True
    supervised = True

    def __init__(self, listener: Callable[[object], None], poll_ms: int):
        from kiosk.devices.idcard_serial import SerialIdCardReader
        from kiosk.devices.sam_simulator import SimulatorProcess

        self._folder = tempfile.mkdtemp(prefix="kiosk-sam-")
        self.process = SimulatorProcess(f"{self._folder}/ttyID")
        self.driver = SerialIdCardReader(listener, self.process.link, poll_ms=poll_ms)

    @property
    def state(self) -> str:
        return self.driver.state

    @property
    def problem(self) -> str:
        return self.driver.problem

    @property
    def running(self) -> bool:
        return self.driver.running and self.process.alive

    @property
    def failure(self) -> str:
        return self.driver.failure or self.process.ended()

    def fail(self, problem: str) -> None:
        self.driver.fail(problem)

    def start(self) -> None:
        self.process.start()
        self.driver.start()

    def restart(self) -> None:
        self.driver.halt()
        self.process.stop()
        self.process.start()
        self.driver.start()

    def stop(self) -> None:
        self.driver.stop()
        self.process.stop()
        shutil.rmtree(self._folder, ignore_errors=True)

    def present(self, card: IdCard) -> None:
        self.process.place(card)

    def remove(self) -> None:
        self.process.remove()


def build_devices(settings, listener: Callable[[object], None]) -> list:
    """The configured devices, not started. ``ValueError`` for a setting that names none."""
    devices = []
    if settings.id_reader == "simulated":
        from kiosk.devices.simulated import SimulatedIdCardReader

        devices.append(SimulatedIdCardReader(listener))
    elif settings.id_reader == "serial":
        from kiosk.devices.idcard_serial import SerialIdCardReader

        devices.append(SerialIdCardReader(listener, settings.id_reader_port, poll_ms=settings.id_reader_poll_ms))
    elif settings.id_reader == "sam-simulator":
        devices.append(SamSimulatorReader(listener, settings.id_reader_poll_ms))
    else:
        raise ValueError(f"id_reader must be one of: {', '.join(ID_READERS)}")

    if settings.sscard_reader == "pcsc":
        from kiosk.devices.sscard import PcscSocialSecurityReader

        devices.append(PcscSocialSecurityReader(listener, settings.sscard_reader_name))
    elif settings.sscard_reader == "simulated":
        from kiosk.devices.simulated import SimulatedSocialSecurityReader

        devices.append(SimulatedSocialSecurityReader(listener))
    elif settings.sscard_reader:
        raise ValueError(f"sscard_reader must be one of: {', '.join(map(repr, SSCARD_READERS))}")

    if settings.scanner == "serial":
        from kiosk.devices.scanner import SerialScanner

        devices.append(SerialScanner(listener, settings.scanner_port))
    elif settings.scanner == "simulated":
        from kiosk.devices.simulated import SimulatedScanner

        devices.append(SimulatedScanner(listener))
    elif settings.scanner == "wedge":
        devices.append(_WedgePlaceholder(listener))
    elif settings.scanner:
        raise ValueError(f"scanner must be one of: {', '.join(map(repr, SCANNERS))}")
    return devices


class _WedgePlaceholder:
    """The wedge scanner is a Qt event filter: it is made on the GUI thread, at ``start``."""

    name = "scanner"
    kind = "scanner (keyboard wedge)"
    simulated = False
    supervised = False  # a Qt event filter on the GUI thread: no thread of its own to die
    state = "starting"
    problem = ""
    running = False

    def __init__(self, listener):
        self.listener = listener
        self.filter = None

    def start(self) -> None:
        from kiosk.devices.wedge_qt import WedgeScanner  # the Qt adapter, only when configured

        self.filter = WedgeScanner(self.listener, name=self.name)
        self.filter.start()
        self.state, self.running = "ready", True

    def stop(self) -> None:
        if self.filter is not None:
            self.filter.stop()
            self.filter.deleteLater()
            self.filter = None
        self.state, self.running = "stopped", False


class DeviceManager:
    """Owns the configured devices. ``start``/``stop`` run on the GUI thread (the wedge
    filter needs it); each driver's I/O runs on its own thread, and the supervisor's
    thread restarts a driver whose thread died (``backoff_s``: its first and longest wait)."""

    def __init__(self, settings, listener: Callable[[object], None], devices: list | None = None, *,
                 backoff_s: tuple[float, float] = (0.5, 30.0)):
        self.settings = settings
        self.listener = listener
        self.devices = devices if devices is not None else build_devices(settings, self._relay)
        self.supervisor = DeviceSupervisor(self.devices, first_delay_s=backoff_s[0], max_delay_s=backoff_s[1],
                                           on_round=self._write_states)
        self.states_path = live_states_path(settings)
        self._written: list[dict] | None = None

    def _relay(self, event: object) -> None:
        self.listener(event)
        if isinstance(event, (DeviceLost, DeviceBack)):
            self.supervisor.wake()  # a change of state: written down (and a dead thread seen) at once

    def start(self) -> None:
        for device in self.devices:
            try:
                device.start()
            except DeviceError as exc:
                log.error("%s did not start: %s", device.name, exc)
                self.supervisor.started(device, f"it did not start ({exc.reason})")
            else:
                self.supervisor.started(device)
        self.supervisor.start()

    def stop(self) -> None:
        self.supervisor.stop()
        for device in reversed(self.devices):
            device.stop()
        self._write_states(running=False)

    def device(self, name: str):
        for device in self.devices:
            if device.name == name:
                return device
        return None

    # -- training and demo --------------------------------------------------------
    @property
    def can_present(self) -> bool:
        """Whether the ID reader takes training cards (simulated or the simulator process)."""
        reader = self.device("id-reader")
        return reader is not None and hasattr(reader, "present")

    def present(self, card) -> None:
        """Lay a card on the simulated reader of its kind (ID card or social-security card)."""
        if not isinstance(card, (IdCard, SocialSecurityCard)):
            log.error("refused: %s is not a card", type(card).__name__)
            return
        name = "sscard" if isinstance(card, SocialSecurityCard) else "id-reader"
        device = self.device(name)
        if device is None or not hasattr(device, "present"):
            log.warning("no simulated %s to present a card to", name)
            return
        device.present(card)

    def remove(self, name: str = "id-reader") -> None:
        device = self.device(name)
        if device is not None and hasattr(device, "remove"):
            device.remove()

    def scan(self, text: str) -> None:
        device = self.device("scanner")
        if device is not None and hasattr(device, "scan"):
            device.scan(text)

    # -- status -----------------------------------------------------------------
    def status(self) -> list[DeviceStatus]:
        """Every device's live state (attributes only: cheap, and safe on the GUI thread)."""
        statuses = []
        for d in self.devices:
            watch = self.supervisor.watches[d.name]
            statuses.append(DeviceStatus(d.name, d.kind, d.state, d.problem, watch.restarts,
                                         watch.last_failure, watch.last_failure_at))
        return statuses

    def _write_states(self, running: bool = True) -> None:
        """``devices.json`` for kiosk-admin, when anything changed (the supervisor's thread)."""
        if self.states_path is None:
            return
        states = [asdict(s) for s in self.status()]
        if running and states == self._written:
            return
        try:
            write_live_states(self.states_path, states, running=running)
        except OSError as exc:
            log.warning("device states not written to %s: %s", self.states_path, exc.strerror)
            return
        self._written = states


def check(settings) -> list[CheckResult]:
    """Open each configured device once and read its status (``kiosk-admin devices``)."""
    results = []

    def run(name: str, kind: str, probe: Callable[[], str]) -> None:
        try:
            results.append(CheckResult(name, kind, True, probe()))
        except DeviceError as exc:
            results.append(CheckResult(name, kind, False, str(exc)))
        except ImportError as exc:
            results.append(CheckResult(name, kind, False, f"driver not installed: {exc.name}"))

    if settings.id_reader == "serial":
        from kiosk.devices.idcard_serial import check_reader

        if not settings.id_reader_port:
            results.append(CheckResult("id-reader", "serial SAM", False, "id_reader_port is not set"))
        else:
            run("id-reader", f"serial SAM on {settings.id_reader_port}",
                lambda: check_reader(settings.id_reader_port))
    elif settings.id_reader == "sam-simulator":
        run("id-reader", "serial SAM, simulated reader process", lambda: _check_simulator())
    else:
        results.append(CheckResult("id-reader", settings.id_reader, True, "simulated (training)"))

    if settings.sscard_reader == "pcsc":
        from kiosk.devices.sscard import check_pcsc

        run("sscard", f"PC/SC {settings.sscard_reader_name or '(first reader)'}",
            lambda: check_pcsc(settings.sscard_reader_name))
    elif settings.sscard_reader:
        results.append(CheckResult("sscard", settings.sscard_reader, True, "simulated (training)"))

    if settings.scanner == "serial":
        from kiosk.devices.scanner import check_serial_scanner

        if not settings.scanner_port:
            results.append(CheckResult("scanner", "serial", False, "scanner_port is not set"))
        else:
            run("scanner", f"serial on {settings.scanner_port}",
                lambda: check_serial_scanner(settings.scanner_port))
    elif settings.scanner == "wedge":
        results.append(CheckResult("scanner", "keyboard wedge", True,
                                   "nothing to open: it types as a keyboard; scan a code at the kiosk"))
    elif settings.scanner:
        results.append(CheckResult("scanner", settings.scanner, True, "simulated (training)"))
    return results


def _check_simulator() -> str:
    from kiosk.devices.idcard_serial import check_reader
    from kiosk.devices.sam_simulator import SimulatorProcess

    folder = tempfile.mkdtemp(prefix="kiosk-sam-check-")
    process = SimulatorProcess(f"{folder}/ttyID")
    try:
        process.start()
        return "simulated reader process " + check_reader(process.link)
    finally:
        process.stop()
        shutil.rmtree(folder, ignore_errors=True)
