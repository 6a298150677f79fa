"""The system printer through a real CUPS scheduler (private, started by the tests): a
cups-pdf queue (output read back with pdftotext, fonts with pdffonts), a raw queue to a
local TCP listener standing in for a network receipt printer, and stuck jobs."""
from __future__ import annotations

import socket
import subprocess
import time

from kiosk.domain.money import yuan
from kiosk.usecases.documents import DocumentPrinter, PrintConfig
from offline_cache.reprints import ReprintQueue
from printing.archive import DocumentArchive
from printing.cups import CupsBackend, parse_lpstat
from printing.escpos_backend import EscposBackend
from printing.signing import sign_reference, verify_payload
from tests.printing.escpos_decode import decode
from tests.printing.fixtures import (  # noqa: F401
    _raw_queue_name,
    cups_server,
    pdf_queue,
    raw_queue,
    tcp_printer,
    terminal_secret,
)
from tests.printing.pictures import assert_same_pictures, decode_qr, render_pages
from tests.test_receipt import FULL_ID, REFERENCE, make_receipt
from tests.test_statement import make_lines, make_statement

TERMINAL = "ZZJ-0207"


def _printer(backend, tmp_path, secret: bytes) -> DocumentPrinter:
    return DocumentPrinter(
        backend, PrintConfig("厦门市第一医院", TERMINAL),
        archive=DocumentArchive(tmp_path / "archive"), reprints=ReprintQueue(tmp_path / "reprints.sqlite"),
        signer=lambda reference: sign_reference(secret, TERMINAL, reference))


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True, timeout=30).stdout


def _fonts(path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True, timeout=30).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def _assert_embedded_cjk_subset(path, unicode: bool = False) -> None:
    """pdffonts lists the WenQuanYi face as an embedded subset (``XXXXXX+`` name, emb and
    sub ``yes``); ``unicode``: with its Unicode map (lost in Ghostscript's round trip)."""
    fonts = _fonts(path)
    cjk = [f for f in fonts if "WenQuanYi" in f[0]]
    assert cjk, fonts
    assert not [f for f in fonts if f[-5] != "yes"], f"a font is not embedded: {fonts}"
    for f in cjk:
        assert "+" in f[0] and f[-5:-3] == ["yes", "yes"], f
        assert f[-3] == "yes" or not unicode, f


def test_receipt_and_statement_through_cups_pdf(cups_server, pdf_queue, tmp_path, terminal_secret):
    backend = CupsBackend(pdf_queue, server=cups_server.socket, job_timeout_s=60)
    printer = _printer(backend, tmp_path, terminal_secret)
    receipt = make_receipt()
    name = f"receipt-{REFERENCE}"
    job, error = printer.print_receipt(receipt, name)
    assert error is None and job.startswith(pdf_queue + "-")
    statement = make_statement(make_lines(70))
    s_name = f"statement-{statement.reference}"
    s_job, s_error = printer.print_statement(statement, s_name)
    assert s_error is None
    [sent] = printer.archive.find(name)  # the archive keeps exactly what went to CUPS
    [s_sent] = printer.archive.find(s_name)
    _assert_embedded_cjk_subset(sent, unicode=True)

    # cups-pdf re-renders through Ghostscript: compare text, not bytes. The ASCII survives as
    # text; the Chinese glyphs survive but not their Unicode mapping (see
    # tests/printing/pictures.py), so they are compared as pictures.
    printed = cups_server.pdf_for_job(job)
    text = _text(printed)
    assert receipt.masked_id in text and FULL_ID not in text
    assert REFERENCE in text and "2025-05-01 10:03:04" in text
    for fen in (receipt.fund_fen, receipt.personal_fen, receipt.available_fen):  # (bold lines become outlines)
        assert yuan(fen) in text
    _assert_embedded_cjk_subset(printed)
    assert_same_pictures(sent, printed)
    assert verify_payload(decode_qr(printed), {TERMINAL: terminal_secret}.get).valid

    s_printed = cups_server.pdf_for_job(s_job)
    assert len(render_pages(s_printed)) == 2
    s_text = _text(s_printed)
    assert statement.reference in s_text and statement.masked_id in s_text
    _assert_embedded_cjk_subset(s_printed)
    assert_same_pictures(s_sent, s_printed)
    assert printer.reprints.count() == 0
    assert backend.status()["state"] == "ready"
    printer.close()


def test_a_paused_queue_is_reported_stuck_the_job_cancelled_and_the_reprint_says_copy(
        cups_server, pdf_queue, tmp_path, terminal_secret):
    backend = CupsBackend(pdf_queue, server=cups_server.socket, job_timeout_s=20)
    printer = _printer(backend, tmp_path, terminal_secret)
    cups_server.disable(pdf_queue)
    try:
        started = time.monotonic()
        assert printer.print_receipt(make_receipt(), f"receipt-{REFERENCE}") == (None, "stuck")
        assert time.monotonic() - started < 10  # a paused queue is seen at once, not at the timeout
        assert cups_server.jobs(pdf_queue) == []  # cancelled: it cannot come out later
        assert backend.status()["state"] == "stopped"
        [item] = printer.waiting()
        assert item.reason == "stuck" and item.reference == REFERENCE
    finally:
        cups_server.enable(pdf_queue)
    job, error = printer.reprint(item)
    assert error is None
    printed = cups_server.pdf_for_job(job)
    assert make_receipt().masked_id in _text(printed)
    [copy] = printer.archive.find(f"receipt-{REFERENCE}-copy")
    assert _text(copy).count("重打副本 COPY") == 2  # the PDF as sent, readable as text ...
    assert_same_pictures(copy, printed)  # ... and what came out (the bold mark is outlines there)
    assert printer.waiting() == []
    printer.close()


def test_a_job_that_does_not_complete_in_time_is_stuck(cups_server, raw_queue, tmp_path, terminal_secret):
    """The queue is enabled but its printer does not take the data (nothing listens on the
    port): the job waits in CUPS; after job_timeout_s it is cancelled and queued for reprint."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    cups_server.set_uri(raw_queue, cups_server.raw_uri(dead_port))
    backend = EscposBackend(f"cups:{raw_queue}", cups_server=cups_server.socket, job_timeout_s=2)
    printer = _printer(backend, tmp_path, terminal_secret)
    started = time.monotonic()
    assert printer.print_receipt(make_receipt(), "receipt-stuck") == (None, "stuck")
    assert 2 <= time.monotonic() - started < 12
    assert cups_server.jobs(raw_queue) == []
    assert [i.reason for i in printer.waiting()] == ["stuck"]
    printer.close()


def test_raw_queue_delivers_escpos_to_the_network_printer(cups_server, raw_queue, tcp_printer, tmp_path,
                                                        terminal_secret):
    backend = EscposBackend(f"cups:{raw_queue}", cups_server=cups_server.socket, job_timeout_s=30)
    printer = _printer(backend, tmp_path, terminal_secret)
    receipt = make_receipt()
    job, error = printer.print_receipt(receipt, f"receipt-{REFERENCE}")
    assert error is None and job.startswith(raw_queue + "-")
    data = tcp_printer.wait_for(lambda b: b.endswith(b"\x1dV\x00"))
    doc = decode(data)
    assert doc.status_queries == []  # no way back through CUPS
    assert receipt.masked_id in doc.text and FULL_ID not in doc.text
    for fen in (receipt.total_fen, receipt.personal_fen, receipt.available_fen):
        assert "￥" + yuan(fen) in doc.text
    assert "¥" not in doc.text and doc.cuts == 1
    assert doc.qr_codes and doc.qr_codes[0].startswith(f"CC1:{TERMINAL}:{REFERENCE}:")
    printer.close()


def test_a_missing_queue_or_scheduler_is_offline(cups_server, tmp_path, terminal_secret):
    printer = _printer(CupsBackend("NoSuchQueue", server=cups_server.socket), tmp_path, terminal_secret)
    assert printer.print_receipt(make_receipt(), "r") == (None, "offline")
    assert printer.status()["state"] == "offline"
    gone = CupsBackend("Any", server=str(tmp_path / "no-cupsd.sock"))
    assert gone.status()["state"] == "offline"
    printer.close()


def test_lpstat_output_is_read():
    text = ("printer Q now printing Q-7.  enabled since Wed 01 Jan 2025 10:00:00 AM CST\n"
            "\tWaiting for printer to become available.\n"
            "Q-7                     root             5120   Wed 01 Jan 2025 10:00:00 AM CST\n"
            "Q-8                     root             1024   Wed 01 Jan 2025 10:00:01 AM CST\n")
    state = parse_lpstat("Q", text)
    assert state.exists and state.enabled and state.printing
    assert state.jobs == ("Q-7", "Q-8") and "Waiting for printer" in state.message
    paused = parse_lpstat("Q", "printer Q disabled since Wed 01 Jan 2025 -\n\tPaused\n")
    assert paused.exists and not paused.enabled and paused.message == "Paused" and paused.jobs == ()
    assert not parse_lpstat("Q", "").exists
