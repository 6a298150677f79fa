"""ESC/POS thermal printers on real transports: a network printer (a local TCP listener),
a serial printer on a socat pty pair. The captured bytes are decoded back into text
(GB18030), QR codes, raster images, status queries and the cut."""
from __future__ import annotations

import dataclasses
import shutil
import socket
import subprocess
import time

import pytest

from kiosk.domain.money import format_cny
from kiosk.usecases.documents import DocumentPrinter, PrintConfig
from offline_cache.reprints import ReprintQueue
from printing.archive import DocumentArchive
from printing.backends import PrintError, PrintJob
from printing.escpos_backend import EscposBackend, parse_connection
from printing.escpos_layout import COLUMNS, columns
from printing.signing import sign_reference, verify_payload
from tests.printing.escpos_decode import decode
from tests.printing.fixtures import serial_printer, tcp_printer, terminal_secret  # noqa: F401
from tests.test_documents import registration
from tests.test_receipt import FULL_ID, REFERENCE, make_receipt

TERMINAL = "ZZJ-0207"


def _printer(backend, tmp_path, secret: bytes, width_mm: int = 80) -> DocumentPrinter:
    return DocumentPrinter(
        backend, PrintConfig("厦门市第一医院", TERMINAL, width_mm),
        archive=DocumentArchive(tmp_path / "archive"), reprints=ReprintQueue(tmp_path / "reprints.sqlite"),
        signer=lambda reference: sign_reference(secret, TERMINAL, reference))


def _tcp(printer, **options) -> EscposBackend:
    return EscposBackend(f"tcp:127.0.0.1:{printer.port}", status_timeout_s=options.pop("status_timeout_s", 3.0),
                         **options)


def _check_receipt_text(doc, receipt, secret) -> None:
    text = doc.text
    assert receipt.masked_id in text and FULL_ID not in text
    assert receipt.masked_name in text
    for fen in (receipt.total_fen, receipt.fund_fen, receipt.personal_fen, receipt.available_fen):
        assert format_cny(fen) in text  # the full-width ￥ ...
    assert "¥" not in text  # ... never the half-width yen sign
    for line in receipt.lines:
        assert line.name.split()[0] in text
    assert doc.chinese_mode and doc.cuts == 1 and doc.events[-1] == "cut"
    [payload] = doc.qr_codes
    checked = verify_payload(payload, {TERMINAL: secret}.get)
    assert checked.valid and checked.reference == REFERENCE


def test_network_printer_text_mode_prints_the_receipt(tcp_printer, tmp_path, terminal_secret):
    printer = _printer(_tcp(tcp_printer), tmp_path, terminal_secret)
    receipt = make_receipt()
    job, error = printer.print_receipt(receipt, f"receipt-{REFERENCE}")
    assert error is None and job.startswith("tcp:127.0.0.1:")
    [data] = tcp_printer.wait_for_jobs(1)
    doc = decode(data)
    assert doc.status_queries[:2] == [1, 4]  # asked before anything was printed
    assert doc.events.index("status 4") < doc.events.index("init")
    _check_receipt_text(doc, receipt, terminal_secret)
    assert "重打副本" not in doc.text
    # Every line fits the 48 columns of 80 mm paper (double width counts twice).
    for line, style in doc.styled:
        assert columns(line) * (2 if style["size"] & 0x10 else 1) <= COLUMNS[80], line
    # Archived as the PDF of the same slip; nothing waits for a reprint.
    assert len(printer.archive.find(f"receipt-{REFERENCE}")) == 1
    assert printer.reprints.count() == 0
    assert printer.status()["state"] == "ready"
    printer.close()


def test_58mm_text_fits_32_columns(tcp_printer, tmp_path, terminal_secret):
    printer = _printer(_tcp(tcp_printer, width_mm=58), tmp_path, terminal_secret, width_mm=58)
    slip = registration()
    assert printer.print_slip(slip, "registration")[1] is None
    doc = decode(tcp_printer.wait_for_jobs(1)[0])
    for line, style in doc.styled:
        assert columns(line) * (2 if style["size"] & 0x10 else 1) <= COLUMNS[58], line
    assert "就诊序号" in doc.text and "17" in doc.lines
    assert [s for line, s in doc.styled if line == "17"][0]["size"] == 0x11  # the queue number large
    printer.close()


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="needs zbar-tools")
def test_raster_mode_prints_the_pdf_layout_as_an_image(tcp_printer, tmp_path, terminal_secret):
    printer = _printer(_tcp(tcp_printer, mode="raster"), tmp_path, terminal_secret)
    assert printer.print_receipt(make_receipt(), "receipt")[1] is None
    doc = decode(tcp_printer.wait_for_jobs(1)[0])
    assert doc.lines == [] and doc.cuts == 1 and doc.rasters
    image = doc.raster_image()
    assert image.width == 576 and image.height > 800
    png = tmp_path / "raster.png"
    image.save(png)
    scanned = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True,
                             timeout=30).stdout.strip()
    assert verify_payload(scanned, {TERMINAL: terminal_secret}.get).valid
    printer.close()


def test_paper_out_keeps_the_document_for_a_reprint_marked_copy(tcp_printer, tmp_path, terminal_secret):
    tcp_printer.state = "paper_out"
    printer = _printer(_tcp(tcp_printer), tmp_path, terminal_secret)
    receipt = make_receipt()
    assert printer.print_receipt(receipt, f"receipt-{REFERENCE}") == (None, "paper_out")
    [data] = tcp_printer.wait_for_jobs(1)
    assert decode(data).lines == [] and decode(data).cuts == 0  # only the status queries went out
    [item] = printer.waiting()
    assert (item.reference, item.reason, item.title) == (REFERENCE, "paper_out", receipt.title)
    assert printer.status()["state"] == "paper_out"
    assert printer.status()["reprints_waiting"] == 1 and printer.status()["last_error"] == "paper_out"

    tcp_printer.state = "ok"  # the roll is replaced; the cashier reprints
    job, error = printer.reprint(item)
    assert error is None and job
    doc = decode(tcp_printer.wait_for_jobs(4)[-1])
    assert doc.text.count("重打副本 COPY") == 2  # at the top and at the bottom
    _check_receipt_text(doc, receipt, terminal_secret)
    assert printer.waiting() == [] and printer.reprint(item) == (None, "gone")
    assert printer.archive.find(f"receipt-{REFERENCE}-copy")
    printer.close()


def test_cover_open_and_a_silent_printer_are_faults(tcp_printer, tmp_path, terminal_secret):
    tcp_printer.state = "cover_open"
    printer = _printer(_tcp(tcp_printer), tmp_path, terminal_secret)
    assert printer.print_slip(registration(), "r1") == (None, "cover_open")
    tcp_printer.state = "silent"
    silent = _printer(_tcp(tcp_printer, status_timeout_s=0.3), tmp_path / "s", terminal_secret)
    started = time.monotonic()
    assert silent.print_slip(registration(), "r2") == (None, "offline")
    assert time.monotonic() - started < 5
    assert [i.name for i in printer.waiting()] == ["r1"]
    printer.close()
    silent.close()


def test_connection_refused_is_offline(tmp_path, terminal_secret):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    printer = _printer(EscposBackend(f"tcp:127.0.0.1:{port}"), tmp_path, terminal_secret)
    assert printer.print_receipt(make_receipt(), "receipt") == (None, "offline")
    assert printer.status()["state"] == "offline"
    assert printer.reprints.count() == 1
    printer.close()


def test_serial_printer_on_a_pty(serial_printer, tmp_path, terminal_secret):
    backend = EscposBackend(f"serial:{serial_printer.kiosk_port}:115200", status_timeout_s=3.0)
    printer = _printer(backend, tmp_path, terminal_secret)
    receipt = make_receipt()
    assert printer.print_receipt(receipt, "receipt-1")[1] is None
    data = serial_printer.wait_for(lambda b: b.endswith(b"\x1dV\x00"))
    doc = decode(data)
    _check_receipt_text(doc, receipt, terminal_secret)

    serial_printer.state = "paper_out"
    assert printer.print_receipt(receipt, "receipt-2") == (None, "paper_out")
    assert [i.name for i in printer.waiting()] == ["receipt-2"]
    serial_printer.state = "ok"
    assert printer.reprint(printer.waiting()[0])[1] is None
    copy = decode(serial_printer.wait_for(lambda b: b.count(b"\x1dV\x00") == 2)[len(data):])
    assert "重打副本 COPY" in copy.text
    printer.close()


def test_a_missing_serial_device_is_offline(tmp_path, terminal_secret):
    printer = _printer(EscposBackend(f"serial:{tmp_path}/ttyNONE:9600"), tmp_path, terminal_secret)
    assert printer.print_slip(registration(), "r") == (None, "offline")
    assert printer.status()["state"] == "offline"
    printer.close()


def test_an_a4_statement_is_not_forced_onto_the_roll(tcp_printer, tmp_path):
    backend = _tcp(tcp_printer)
    with pytest.raises(PrintError) as raised:
        backend.print_job(PrintJob("statement", b"%PDF-1.4", a4=True))
    assert raised.value.reason == "unsupported"
    assert tcp_printer.connections == 0


@pytest.mark.parametrize("text, expected", [
    ("tcp:192.168.1.50:9100", ("tcp", "192.168.1.50", 9100)),
    ("tcp:printer.local", ("tcp", "printer.local", 9100)),
    ("tcp:[::1]:9101", ("tcp", "::1", 9101)),
    ("serial:/dev/ttyUSB0:9600", ("serial", "/dev/ttyUSB0", 9600)),
    ("serial:/dev/ttyS1", ("serial", "/dev/ttyS1", 9600)),
    ("usb:0416:5011", ("usb", "0416", 0)),
    ("cups:Receipts", ("cups", "Receipts", 0)),
])
def test_connections_parse(text, expected):
    c = parse_connection(text)
    assert (c.kind, c.target, c.number) == expected


@pytest.mark.parametrize("text", ["", "tcp:", "tcp:host:port", "serial:", "serial:/dev/x:12345", "usb:zz:1",
                                  "usb:0416", "cups:", "cups:a b", "lpt1"])
def test_bad_connections_say_why(text):
    with pytest.raises(ValueError):
        parse_connection(text)


def test_copy_slip_from_the_layout_marks_the_copy():
    from printing.escpos_layout import Line, layout

    items = layout(dataclasses.replace(make_receipt().as_slip(), copy=True), 80)
    texts = [i.text for i in items if isinstance(i, Line)]
    assert texts.count("重打副本 COPY") == 2
