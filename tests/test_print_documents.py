"""The printing pieces without a printer: QR signatures, documents as JSON, the reprint queue,
the archive, the embedded font, and DocumentPrinter's promise never to raise."""
from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import threading
from datetime import date

import pytest

from kiosk.usecases.documents import DocumentPrinter, PrintConfig
from offline_cache.reprints import ReprintQueue
from printing import serialize
from printing.archive import DocumentArchive
from printing.backends import PdfFolderBackend, PrintError
from printing.fonts import embedded_face, find_font_file
from printing.receipt import render_slip
from printing.signing import parse_payload, sign_reference, verify_payload
from printing.statement import render_statement
from tests.printing.pictures import assert_same_pictures
from tests.test_documents import (
    cancellation,
    discharge,
    dispute,
    refund,
    registration,
    repayment,
)
from tests.test_receipt import FULL_ID, REFERENCE, make_receipt
from tests.test_statement import classed_statement, make_lines, make_statement

SECRET = b"k" * 32
TERMINAL = "KIOSK-DEMO-01"


def _pdftext(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=30).stdout


def _pdffonts(path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True, timeout=30).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


# -- signatures ----------------------------------------------------------------------------
def test_a_signed_payload_verifies_and_a_tampered_one_does_not():
    payload = sign_reference(SECRET, TERMINAL, REFERENCE)
    assert payload.startswith(f"CC1:{TERMINAL}:{REFERENCE}:") and len(payload) < 80
    secrets = {TERMINAL: SECRET}.get
    assert verify_payload(payload, secrets).valid
    assert parse_payload(payload)[:2] == (TERMINAL, REFERENCE)
    forged = payload.replace(REFERENCE, REFERENCE[:-1] + "9")
    checked = verify_payload(forged, secrets)
    assert not checked.valid and checked.reference == REFERENCE[:-1] + "9"
    assert not verify_payload(payload, {TERMINAL: b"other"}.get).valid
    assert not verify_payload(payload.replace(TERMINAL, "KIOSK-X"), secrets).valid  # unknown terminal
    for garbage in ("", REFERENCE, "CC1:a:b", "CC2" + payload[3:], "x" * 1000):
        assert verify_payload(garbage, secrets) == verify_payload("", secrets)
        assert not verify_payload(garbage, secrets).valid
    with pytest.raises(ValueError):
        sign_reference(SECRET, "A:B", REFERENCE)
    with pytest.raises(ValueError):
        sign_reference(b"", TERMINAL, REFERENCE)


def test_the_payload_uses_the_qr_alphanumeric_set():
    allowed = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert set(sign_reference(SECRET, TERMINAL, REFERENCE)) <= allowed


# -- documents as JSON ---------------------------------------------------------------------
@pytest.mark.parametrize("build", [registration, cancellation, repayment, refund, discharge, dispute,
                                   lambda: make_receipt().as_slip()])
def test_slips_survive_the_round_trip(build):
    slip = dataclasses.replace(build(), copy=True, qr_payload="CC1:T:R:" + "A" * 24)
    again = serialize.loads(serialize.dumps(slip))
    assert again == slip
    assert render_slip(again) == render_slip(slip)


def test_statements_survive_the_round_trip():
    statement = make_statement(make_lines(12))
    assert serialize.loads(serialize.dumps(statement)) == statement
    classed = classed_statement(12)
    assert serialize.loads(serialize.dumps(classed)) == classed
    assert {line.insurance_class for line in classed.lines} == {"甲", "乙", "丙"}


def test_a_statement_queued_before_lines_had_classes_still_loads():
    """A reprint queued by the previous release: its lines have 7 fields, no class."""
    stored = serialize.dumps(make_statement(make_lines(3)))
    old = re.sub(r',"",0\]', "]", stored)  # drop each line's class and self-paid part
    assert old != stored
    assert serialize.loads(old) == make_statement(make_lines(3))


def test_stored_documents_are_checked_again():
    text = serialize.dumps(registration()).replace(registration().masked_id, FULL_ID)
    with pytest.raises(ValueError, match="masked"):
        serialize.loads(text)
    with pytest.raises(ValueError):
        serialize.loads('{"kind": "fax", "v": 1, "doc": {}}')


# -- the reprint queue -----------------------------------------------------------------------
def test_the_reprint_queue_is_durable(tmp_path):
    pdf = render_slip(registration())
    queue = ReprintQueue(tmp_path / "reprints.sqlite")
    first = queue.add(name="registration-1", kind="slip", title="挂号凭条", reference="GH1", reason="paper_out",
                      document=serialize.dumps(registration()), pdf=pdf)
    queue.add(name="statement-1", kind="statement", title="住院费用清单", reference="ZY1", reason="stuck",
              document="{}", pdf=pdf)
    again = queue.add(name="registration-1", kind="slip", title="挂号凭条", reference="GH1", reason="offline",
                      document=serialize.dumps(registration()), pdf=pdf)
    assert again == first
    queue.close()

    queue = ReprintQueue(tmp_path / "reprints.sqlite")  # after a restart
    items = queue.waiting()
    assert [(i.name, i.reason, i.last_reason, i.attempts) for i in items] == [
        ("registration-1", "paper_out", "offline", 2), ("statement-1", "stuck", "stuck", 1)]
    stored = queue.load(first)
    assert stored.pdf == pdf and serialize.loads(stored.document) == registration()
    queue.note_failure(first, "cover_open")
    assert queue.waiting()[0].attempts == 3 and queue.waiting()[0].last_reason == "cover_open"
    queue.done(first)
    assert queue.count() == 1 and queue.load(first) is None
    with pytest.raises(ValueError):
        queue.add(name="x", kind="slip", title="t", reference="r", reason="offline", document="{}", pdf=b"text")
    queue.close()


# -- DocumentPrinter ---------------------------------------------------------------------------
class Broken:
    kind = "broken"

    def __init__(self, error: Exception):
        self.error = error
        self.calls = 0

    def print_document(self, name, pdf):
        self.calls += 1
        raise self.error


def _printer(backend, tmp_path, **kw) -> DocumentPrinter:
    return DocumentPrinter(backend, PrintConfig("厦门市第一医院", TERMINAL),
                           archive=DocumentArchive(tmp_path / "archive"),
                           reprints=ReprintQueue(tmp_path / "reprints.sqlite"),
                           signer=lambda ref: sign_reference(SECRET, TERMINAL, ref), **kw)


def test_an_unwritable_folder_queues_the_copy_and_archives_the_original(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    printer = _printer(PdfFolderBackend(blocker / "receipts"), tmp_path)
    assert printer.print_receipt(make_receipt(), f"receipt-{REFERENCE}") == (None, "unavailable")
    [archived] = printer.archive.find(f"receipt-{REFERENCE}")
    assert "重打副本" not in _pdftext(archived) and make_receipt().masked_id in _pdftext(archived)
    [item] = printer.waiting()
    stored = printer.reprints.load(item.item_id)
    copy_pdf = tmp_path / "copy.pdf"
    copy_pdf.write_bytes(stored.pdf)
    assert _pdftext(copy_pdf).count("重打副本 COPY") == 2
    assert FULL_ID not in stored.document and FULL_ID not in _pdftext(copy_pdf)
    status = printer.status()
    assert status["backend"] == "pdf-folder" and status["state"] == "unavailable"
    assert status["reprints_waiting"] == 1 and status["last_error"] == "unavailable"

    printer.backend = PdfFolderBackend(tmp_path / "printed")  # the cashier fixed the folder
    job, error = printer.reprint(item.item_id)
    assert error is None and _pdftext(job).count("重打副本 COPY") == 2
    assert printer.waiting() == [] and printer.status()["state"] == "ready"
    printer.close()


def test_a_backend_bug_is_reported_never_raised(tmp_path):
    backend = Broken(RuntimeError("boom"))
    printer = _printer(backend, tmp_path)
    assert printer.print_slip(registration(), "registration") == (None, "fault")
    assert printer.print_statement(make_statement(make_lines(3)), "statement") == (None, "fault")
    assert [i.name for i in printer.waiting()] == ["registration", "statement"]
    backend.error = PrintError("offline", "unplugged")
    assert printer.reprint(printer.waiting()[0]) == (None, "offline")
    assert printer.waiting()[0].attempts == 2
    printer.close()


def test_a_document_that_cannot_be_rendered_is_reported(tmp_path, monkeypatch):
    printer = _printer(Broken(AssertionError("not called")), tmp_path)
    monkeypatch.setattr("printing.receipt._build", lambda *a: 1 / 0)
    assert printer.print_slip(registration(), "registration") == (None, "document")
    assert printer.reprints.count() == 0
    printer.close()


def test_the_qr_is_signed_unless_the_document_brings_its_own(tmp_path):
    printer = _printer(PdfFolderBackend(tmp_path / "printed"), tmp_path)
    job, _ = printer.print_slip(registration(), "registration")
    assert sign_reference(SECRET, TERMINAL, registration().reference)
    own = dataclasses.replace(registration(), qr_payload="SELF")
    assert printer._signed(own).qr_payload == "SELF"
    assert printer._signed(registration()).qr_payload == sign_reference(SECRET, TERMINAL, registration().reference)
    printer.close()


def test_an_a4_printer_takes_the_statements(tmp_path):
    thermal, a4 = Broken(AssertionError("not for A4")), PdfFolderBackend(tmp_path / "a4")
    printer = _printer(thermal, tmp_path, a4_backend=a4)
    job, error = printer.print_statement(make_statement(make_lines(3)), "statement")
    assert error is None and job.startswith(str(tmp_path / "a4")) and thermal.calls == 0
    printer.close()


# -- the embedded font --------------------------------------------------------------------------
def test_the_embedded_face_is_a_subset_and_prints_the_same_text(tmp_path):
    assert find_font_file() is not None, "fonts-wqy-microhei is not installed (make debs)"
    faces = []
    threads = [threading.Thread(target=lambda: faces.append(embedded_face())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(f) for f in faces}) == 1  # loaded once
    slip = dataclasses.replace(registration(), copy=True)
    embedded = tmp_path / "embedded.pdf"
    embedded.write_bytes(render_slip(slip, face=embedded_face()))
    assert render_slip(slip) == embedded.read_bytes()  # the default face is the embedded one
    fonts = _pdffonts(embedded)
    assert fonts and all(f[0].split("+")[1].startswith("WenQuanYiMicroHei") for f in fonts)
    assert all(f[-5:-2] == ["yes", "yes", "yes"] for f in fonts)  # embedded, subset, with Unicode map
    text = _pdftext(embedded)
    for expected in ("挂号凭条", "重打副本 COPY", "就诊序号", registration().masked_id, "￥25.00"):
        assert expected in text
    assert embedded.stat().st_size < 120_000  # a subset, not the 5 MB collection

    statement = make_statement(make_lines(40))
    a4 = tmp_path / "statement.pdf"
    a4.write_bytes(render_statement(statement))
    assert "住院费用清单" in _pdftext(a4) and all(f[-5:-2] == ["yes", "yes", "yes"] for f in _pdffonts(a4))


def test_without_a_font_file_documents_still_print_with_the_cid_font_and_say_so(tmp_path):
    """The one case a PDF does not embed its font: no font file at all. It still prints (the
    money has moved), and the log says why."""
    script = ("import logging, sys; logging.basicConfig(stream=sys.stderr, level=logging.INFO)\n"
              "from tests.test_documents import registration\n"
              "from printing.receipt import render_slip\n"
              "sys.stdout.buffer.write(render_slip(registration()))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60,
                          env={**os.environ, "KIOSK_CJK_FONT": str(tmp_path / "no-such-font.ttc")})
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    pdf = tmp_path / "cid.pdf"
    pdf.write_bytes(done.stdout)
    assert [f[0] for f in _pdffonts(pdf)] == ["STSong-Light"]
    assert "挂号凭条" in _pdftext(pdf)
    assert "without an embedded CJK font" in done.stderr.decode()


def test_the_picture_check_sees_a_missing_line(tmp_path):
    """The check the CUPS tests rely on for Chinese text fails when glyphs are missing."""
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(render_slip(registration(), face=embedded_face()))
    bad.write_bytes(render_slip(dataclasses.replace(registration(), title="□□□□"), face=embedded_face()))
    assert_same_pictures(good, good)
    with pytest.raises(AssertionError, match="pixels differ"):
        assert_same_pictures(good, bad)


# -- settings -----------------------------------------------------------------------------------
@pytest.mark.parametrize("changes, problem", [
    ({"printer_backend": "cups"}, "printer_queue"),
    ({"printer_backend": "cups", "printer_queue": "a b"}, "printer_queue"),
    ({"printer_backend": "escpos", "escpos_connection": "com3"}, "escpos connection"),
    ({"printer_backend": "escpos", "escpos_connection": "tcp:1.2.3.4", "escpos_mode": "ink"}, "escpos_mode"),
    ({"printer_job_timeout_s": 0.0}, "printer_job_timeout_s"),
    ({"printer_a4_queue": "x/y"}, "printer_a4_queue"),
])
def test_printer_settings_are_checked(changes, problem):
    from kiosk.settings import Settings

    assert any(problem in p for p in Settings(**changes).validate())


def test_good_printer_settings_pass():
    from kiosk.settings import Settings

    for changes in ({"printer_backend": "cups", "printer_queue": "Receipts"},
                    {"printer_backend": "escpos", "escpos_connection": "serial:/dev/ttyUSB0:115200",
                     "escpos_mode": "raster"},
                    {"printer_backend": "escpos", "escpos_connection": "usb:0416:5011", "printer_a4_queue": "A4"}):
        assert Settings(**changes).validate() == []


def test_dates_in_rows_stay_dates():
    slip = dataclasses.replace(registration(), rows=(("日期", date(2025, 5, 6)), ("金额", 2500)))
    again = serialize.loads(serialize.dumps(slip))
    assert again.rows[0].value == date(2025, 5, 6) and again.rows[1].value == 2500
