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
``status()`` collects them for a status display. ``check(settings)``
is what ``kiosk-admin devices`` runs: it opens each configured device once and
says OK or why not.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.devices.errors import DeviceError
from kiosk.devices.events import IdCard, SocialSecurityCard

log = logging.getLogger("kiosk.devices.manager")

ID_READERS = ("simulated", "serial", "sam-simulator")
SSCARD_READERS = ("", "pcsc", "simulated")
SCANNERS = ("", "wedge", "serial", "simulated")


@dataclass(frozen=True)
class DeviceStatus:
    name: str
    kind: str
    state: str  # starting, ready, lost, stopped
    problem: str = ""


@dataclass(frozen=True)
class CheckResult:
    name: str
    kind: str
    ok: bool
    detail: str


class SamSimulatorReader:
    """``id_reader = "sam-simulator"``: the real serial driver on the pty of a simulator process."""

    name = "id-reader"
    kind = "id-reader (serial SAM, simulated reader process)"
    simulated = True

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
        return self.driver.running

    def start(self) -> None:
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
    filter needs it); each driver's I/O runs on its own thread."""

    def __init__(self, settings, listener: Callable[[object], None], devices: list | None = None):
        self.settings = settings
        self.devices = devices if devices is not None else build_devices(settings, listener)

    def start(self) -> None:
        for device in self.devices:
            try:
                device.start()
            except DeviceError as exc:
                log.error("%s did not start: %s", device.name, exc)

    def stop(self) -> None:
        for device in reversed(self.devices):
            device.stop()

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
        return [DeviceStatus(d.name, d.kind, d.state, d.problem) for d in self.devices]


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
