"""What printing costs the kiosk's memory: a receipt (its QR code included) is drawn with
reportlab's QR encoder alone (``printing.qrcodec``), not reportlab's whole barcode package
(every barcode kind with its widgets and charts, 6 MB), and its QR code still reads back."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from benchmarks.common import ROOT

PROBE = """
import sys
from tests.test_receipt import make_receipt
from printing.receipt import render_receipt
open(sys.argv[1], "wb").write(render_receipt(make_receipt()))
print(sorted(m for m in sys.modules if m.startswith("reportlab.graphics")))
"""


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="poppler-utils, zbar-tools")
def test_a_receipt_draws_its_qr_code_without_reportlabs_barcode_package(tmp_path):
    from tests.test_receipt import REFERENCE

    pdf = tmp_path / "receipt.pdf"
    out = subprocess.run([sys.executable, "-c", PROBE, str(pdf)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True)
    assert "reportlab.graphics.barcode" not in out.stdout, out.stdout
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=30)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "page.png")], capture_output=True,
                             text=True, timeout=30)
    assert decoded.stdout.strip() == REFERENCE
