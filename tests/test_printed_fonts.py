"""Every PDF embeds its fonts: one document of every kind, from every back-end, read with
``pdffonts`` (poppler), which must list each font as embedded (``emb yes``).

Kinds: the outpatient receipt, the registration, cancellation, repayment, refund, discharge
and dispute slips, the A4 statement, the shift report. Back-ends: the pdf-folder printer
(the default), the archive beside it, an ESC/POS printer (a fake network printer: the PDF is
what is archived), CUPS with a cups-pdf queue (the PDF after Ghostscript's re-rendering), and
the reprint queue's stored copy.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.usecases.documents import DocumentPrinter, PrintConfig
from offline_cache.reprints import ReprintQueue
from printing.archive import DocumentArchive
from printing.backends import PdfFolderBackend, PrintError, PrintJob, send
from printing.cups import CupsBackend
from printing.escpos_backend import EscposBackend
from printing.shift_report import KINDS, KindFigures, ShiftSheet, render_shift_report
from tests.printing.fixtures import cups_server, pdf_queue, tcp_printer  # noqa: F401
from tests.test_documents import cancellation, discharge, dispute, refund, registration, repayment
from tests.test_receipt import make_receipt
from tests.test_statement import classed_statement

TERMINAL = "ZZJ-0207"
SLIPS = {"registration": registration, "cancellation": cancellation, "repayment": repayment, "refund": refund,
         "discharge": discharge, "dispute": dispute}
KIND_NAMES = ("receipt", *SLIPS, "statement", "shift")


def fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True, timeout=30).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def assert_embedded(path: Path, unicode: bool = True) -> None:
    """Every font embedded (a subset); ``unicode``: with its Unicode map (pdftotext reads it)."""
    found = fonts(path)
    assert found, f"{path.name}: no fonts"
    for font in found:
        name, emb, sub, uni = font[0], font[-5], font[-4], font[-3]
        assert emb == "yes", f"{path.name}: {name} is not embedded ({found})"
        assert "+" in name and sub == "yes", f"{path.name}: {name} is not a subset"
        assert uni == "yes" or not unicode, f"{path.name}: {name} has no Unicode map"


def shift_sheet() -> ShiftSheet:
    now = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    repay = {"count": 1, "amount_fen": 12_886, "credit_fen": 0, "channel_fen": 0, "cash_fen": 12_886}
    rows = tuple(KindFigures(kind, repay if kind == "repayment" else {}, repay if kind == "repayment" else {})
                 for kind, _ in KINDS)
    return ShiftSheet("厦门市示范医院", "DESK-03", "1001", "王*", 7, now - timedelta(hours=8), now, rows, (),
                      "ab12" * 16, now)


def print_every_kind(printer: DocumentPrinter) -> dict[str, tuple[str | None, str | None]]:
    """One of each kind through ``printer``; the shift report as ``kiosk.usecases.shift`` sends it."""
    jobs = {"receipt": printer.print_receipt(make_receipt(paid_fen=1_000, booked_fen=make_receipt().booked_fen - 1_000,
                                                         channel="扫码支付"), "receipt")}
    for kind, make in SLIPS.items():
        jobs[kind] = printer.print_slip(make(), kind)
    jobs["statement"] = printer.print_statement(classed_statement(60), "statement")
    sheet = shift_sheet()
    pdf = render_shift_report(sheet)
    printer.archive.store("shift", pdf, sheet.printed_at)
    backend = printer.a4_backend or printer.backend
    try:
        jobs["shift"] = send(backend, PrintJob("shift", pdf, a4=True)), None
    except PrintError as exc:
        jobs["shift"] = None, exc.reason
    return jobs


def _printer(backend, tmp_path: Path, **options) -> DocumentPrinter:
    return DocumentPrinter(backend, PrintConfig("厦门市第一医院", TERMINAL),
                           archive=DocumentArchive(tmp_path / "archive"),
                           reprints=ReprintQueue(tmp_path / "reprints.sqlite"), **options)


def _archived(printer: DocumentPrinter, name: str) -> Path:
    [path] = printer.archive.find(name)
    return path


def test_the_pdf_folder_printer_and_the_archive_embed_every_kind(tmp_path):
    printer = _printer(PdfFolderBackend(tmp_path / "printed"), tmp_path)
    jobs = print_every_kind(printer)
    assert {kind: error for kind, (_, error) in jobs.items() if error} == {}
    for kind in KIND_NAMES:
        printed = Path(jobs[kind][0])
        assert printed == tmp_path / "printed" / f"{kind}.pdf"
        assert_embedded(printed)
        assert_embedded(_archived(printer, kind))
    printer.close()


def test_an_escpos_printer_archives_every_kind_with_its_fonts(tmp_path, tcp_printer):
    """Slips go to the printer as ESC/POS; the A4 ones wait for a desk with an A4 printer.
    The PDF of every one is archived, and queued copies are stored as PDFs too: all embed."""
    printer = _printer(EscposBackend(f"tcp:127.0.0.1:{tcp_printer.port}", status_timeout_s=3.0), tmp_path)
    jobs = print_every_kind(printer)
    assert {kind: error for kind, (_, error) in jobs.items() if error} == {
        "statement": "unsupported", "shift": "unsupported"}
    for kind in KIND_NAMES:
        assert_embedded(_archived(printer, kind))
    [queued] = printer.waiting()  # the statement (the shift report is not queued: see kiosk.usecases.shift)
    stored = printer.reprints.load(queued.item_id)
    copy = tmp_path / "queued-copy.pdf"
    copy.write_bytes(stored.pdf)
    assert stored.embedded
    assert_embedded(copy)
    printer.close()


def test_cups_pdf_prints_every_kind_with_its_fonts_embedded(tmp_path, cups_server, pdf_queue):
    """After Ghostscript's round trip the fonts are still embedded (their Unicode map is not:
    docs/printing.md); what was sent is the archived PDF, which keeps it."""
    printer = _printer(CupsBackend(pdf_queue, server=cups_server.socket, job_timeout_s=60), tmp_path)
    jobs = print_every_kind(printer)
    assert {kind: error for kind, (_, error) in jobs.items() if error} == {}
    for kind in KIND_NAMES:
        assert_embedded(_archived(printer, kind))
        assert_embedded(cups_server.pdf_for_job(jobs[kind][0]), unicode=False)
    printer.close()


def test_every_kind_the_product_prints_is_covered_here():
    """The kinds above are those the arithmetic check requires, and the dispute slip."""
    from tests.test_printed_documents_add_up import PRINTED_BY

    assert {*PRINTED_BY, "dispute"} == {"shift_report" if kind == "shift" else kind for kind in KIND_NAMES}


# -- the face itself: reportlab's, read lean ---------------------------------------------------------

def test_the_lean_face_embeds_and_measures_as_reportlabs_own_loader():
    """The face every document uses (``printing.fonts.LeanTTFont``) against reportlab's own
    ``TTFont`` of the same file: the same glyph for every character, the same widths, and the
    same embedded subsets, byte for byte."""
    import random

    from reportlab.pdfbase.ttfonts import TTFont

    from printing.fonts import LeanTTFont, find_font_file

    found = find_font_file()
    assert found is not None, "fonts-wqy-microhei is not installed (make debs)"
    theirs = TTFont("Reference", str(found.path), subfontIndex=found.index)
    ours = LeanTTFont("Lean", str(found.path), subfont_index=found.index)
    codes = range(0x110000)
    assert [c for c in codes if c in theirs.face.charToGlyph] == [c for c in codes if c in ours.face.charToGlyph]
    assert all(theirs.face.charToGlyph[c] == ours.face.charToGlyph[c] for c in theirs.face.charToGlyph)
    rng = random.Random(7)
    mapped = sorted(theirs.face.charToGlyph)
    texts = ["厦门市示范医院 门诊收费票据 ￥1,234.56", "测试患者　身份证 3502**********1234 \u00a0€ 😀",
             "".join(chr(rng.choice(mapped)) for _ in range(400))]
    for text in texts:
        for size in (6.5, 8, 9, 10.5, 14):
            assert ours.stringWidth(text, size) == theirs.stringWidth(text, size)
    for _ in range(10):
        subset = [0, *rng.sample(mapped, 150), 0x1F600]
        assert ours.face.makeSubset(subset) == theirs.face.makeSubset(subset)


def test_the_embedded_face_costs_the_kiosk_little_memory():
    """Loading the face for the first document grows the kiosk's resident memory by a couple of
    megabytes (the file is mapped, not read; its maps and metrics are arrays): reportlab's own
    loader kept the 5 MB file and a Python object per character, 22 MB."""
    probe = ("import printing.receipt, printing.statement\n"
             "def rss(): return int([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])\n"
             "before = rss()\n"
             "from printing.fonts import embedded_face\n"
             "embedded_face()\n"
             "print(rss() - before)\n")
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True, timeout=120)
    grown_kib = int(out.stdout.split()[-1])
    assert grown_kib < 6 * 1024, f"the face took {grown_kib / 1024:.1f} MB"
