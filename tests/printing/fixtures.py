"""Pytest fixtures for the printing tests (imported by the ``tests/test_print_*.py`` modules):
a private CUPS scheduler with a cups-pdf queue and a raw queue, fake ESC/POS printers on
TCP and on a socat pty pair, the terminal secret for QR signatures."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.devices.processes import PtyPair
from tests.printing.cupsd import PrivateCups, available
from tests.printing.fake_printer import PtyPrinter, TcpPrinter


@pytest.fixture(scope="session")
def cups_server(tmp_path_factory):
    reason = available()
    if reason:
        pytest.skip(reason)
    # Not under pytest's temporary folder: that is private to root (0700), and cupsd runs
    # its filters as lp, which must reach the spool.
    root = Path(tempfile.mkdtemp(prefix="kiosk-cups-"))
    server = PrivateCups(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pdf_queue(cups_server) -> str:
    return cups_server.add_pdf_queue("kioskpdf")


@pytest.fixture(scope="session")
def _raw_queue_name(cups_server) -> str:
    return cups_server.add_raw_queue(f"KioskRaw{cups_server.tag}", 9)


@pytest.fixture
def tcp_printer():
    printer = TcpPrinter()
    yield printer
    printer.close()


@pytest.fixture
def raw_queue(cups_server, _raw_queue_name, tcp_printer) -> str:
    """The raw queue, delivering to this test's ``tcp_printer``; left empty and enabled."""
    cups_server.set_uri(_raw_queue_name, cups_server.raw_uri(tcp_printer.port))
    cups_server.enable(_raw_queue_name)
    yield _raw_queue_name
    cups_server.cancel_all(_raw_queue_name)
    cups_server.enable(_raw_queue_name)


@pytest.fixture
def serial_printer(tmp_path):
    """A serial printer: socat joins the kiosk's pty to the fake printer's."""
    pair = PtyPair(tmp_path)
    pair.plug()
    printer = PtyPrinter(pair.device)
    printer.kiosk_port = pair.kiosk
    yield printer
    printer.close()
    pair.unplug()


@pytest.fixture
def terminal_secret() -> bytes:
    return os.urandom(32)
