"""A private pcscd with vsmartcard's vpcd driver, for tests.

pcscd keeps its socket and pid file at fixed paths (``/run/pcscd``), so only one
runs per machine. If one is already running (another test run's, most likely),
the fixture waits for it to end, then starts its own; it skips if that takes
too long.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.devices.processes import stop_process, wait_until

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
READER = "Virtual PCD 00 00"


def _other_pcscds(mine: int | None = None) -> list[int]:
    """Running pcscd processes other than ``mine`` (from /proc: the pid file can be stale)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == mine:
            continue
        try:
            if (entry / "comm").read_text().strip() == "pcscd" and "Z" not in (entry / "stat").read_text().split()[2]:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        try:
            with socket.socket() as second:
                second.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        return port
    raise RuntimeError("no two free neighbouring ports")


def readers() -> list[str]:
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return []
    try:
        hresult, names = scard.SCardListReaders(context, [])
        return list(names or []) if hresult == scard.SCARD_S_SUCCESS else []
    finally:
        scard.SCardReleaseContext(context)


class Pcscd:
    def __init__(self, folder: Path):
        self.folder = folder
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log = folder / "pcscd.log"

    def start(self, patience_s: float = 45.0) -> None:
        pcscd = shutil.which("pcscd") or ("/usr/sbin/pcscd" if os.path.exists("/usr/sbin/pcscd") else None)
        if pcscd is None or not VPCD_DRIVER.exists():
            pytest.skip("pcscd or vsmartcard-vpcd is not installed (make test installs them)")
        deadline = time.monotonic() + patience_s
        while True:
            # Another test run's pcscd (one per machine): wait for it to finish.
            while _other_pcscds():
                if time.monotonic() > deadline:
                    pytest.skip("a pcscd not started by these tests keeps running")
                time.sleep(0.2)
            if self._try_start(pcscd):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"pcscd did not start:\n{self.log.read_text(errors='replace')[-2000:]}")

    def _try_start(self, pcscd: str) -> bool:
        """Start ours; False if it lost a race with another run's pcscd."""
        self.port = _free_port_pair()
        conf = self.folder / "reader.conf.d"
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "vpcd").write_text(
            'FRIENDLYNAME "Virtual PCD"\n'
            f"DEVICENAME   /dev/null:0x{self.port:04X}\n"
            f"LIBPATH      {VPCD_DRIVER}\n"
            f"CHANNELID    0x{self.port:04X}\n")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([pcscd, "--foreground", "--info", "-c", str(conf)],
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: self.proc.poll() is not None or not _other_pcscds(self.proc.pid)
                       and READER in readers(), timeout=20, interval=0.1,
                       what="pcscd to list the vpcd reader")
        except BaseException:
            self.stop()
            raise
        if self.proc.poll() is not None:
            self.proc = None
            return False
        return True

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
            self.proc = None


def card_present(reader: str = READER) -> bool | None:
    """Whether pcscd sees a card in ``reader`` (None: no answer)."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return None
    try:
        hresult, states = scard.SCardGetStatusChange(context, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        if hresult != scard.SCARD_S_SUCCESS:
            return None
        return bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(context)


def wait_until_empty(reader: str = READER) -> None:
    """vpcd notices a card process hanging up on its next poll: wait for that before the
    next card connects, or the two are taken for one."""
    wait_until(lambda: card_present(reader) is False, timeout=10, interval=0.02,
               what="pcscd to see the reader empty")
