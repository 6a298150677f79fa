"""Compare what came out of a print chain with what was sent, as pictures.

CUPS turns the PDF into PostScript with Ghostscript and cups-pdf turns it back into a PDF:
the glyphs of the embedded Chinese face survive, but not their mapping to Unicode (the
TrueType subset is re-encoded), so ``pdftotext`` reads the ASCII parts of the output
(masked ID, reference, amounts' digits) and garbage for the Chinese. Whether the Chinese
printed right is checked on the picture: the inked area of each page, rendered by poppler
at the same resolution, must match the sent document's, pixel for pixel up to anti-aliasing.
A missing font prints boxes or nothing there, which this catches.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

DPI = 150


def render_pages(pdf: Path, dpi: int = DPI):
    """Each page of ``pdf`` as a greyscale Pillow image."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), f"{folder}/page"], check=True,
                       capture_output=True, timeout=60)
        pages = []
        for path in sorted(Path(folder).glob("page-*.pgm")):
            with Image.open(path) as image:
                pages.append(image.copy())
        return pages


def ink(image):
    """The image cropped to its inked area (anything darker than light grey)."""
    from PIL import ImageOps

    box = ImageOps.invert(image).point(lambda v: 255 if v > 64 else 0).getbbox()
    assert box is not None, "blank page"
    return image.crop(box)


def difference(sent, printed) -> float:
    """Share of the inked pixels of either picture with no ink within one pixel in the other
    (Ghostscript may place the page a fraction of a pixel away: edges may move by one)."""
    from PIL import ImageChops, ImageFilter

    a, b = ink(sent), ink(printed)
    assert abs(a.width - b.width) <= 3 and abs(a.height - b.height) <= 3, (a.size, b.size)
    b = b.resize(a.size)
    dark_a = a.point(lambda v: 255 if v < 128 else 0)
    dark_b = b.point(lambda v: 255 if v < 128 else 0)
    near_a = dark_a.filter(ImageFilter.MaxFilter(3))
    near_b = dark_b.filter(ImageFilter.MaxFilter(3))
    lost = ImageChops.subtract(dark_a, near_b)  # ink sent, nothing printed near it
    added = ImageChops.subtract(dark_b, near_a)  # ink printed where none was sent
    inked = dark_a.histogram()[255] + dark_b.histogram()[255]
    return (lost.histogram()[255] + added.histogram()[255]) / max(inked, 1)


def assert_same_pictures(sent: Path, printed: Path, tolerance: float = 0.002) -> None:
    sent_pages, printed_pages = render_pages(sent), render_pages(printed)
    assert len(sent_pages) == len(printed_pages), (len(sent_pages), len(printed_pages))
    for number, (a, b) in enumerate(zip(sent_pages, printed_pages), 1):
        share = difference(a, b)
        assert share <= tolerance, f"page {number}: {share:.2%} of the pixels differ"


def decode_qr(pdf: Path) -> str:
    """The QR code on the last page of ``pdf``, read with zbarimg."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", str(pdf), f"{folder}/page"], check=True,
                       capture_output=True, timeout=60)
        last = sorted(Path(folder).glob("page-*.png"))[-1]
        out = subprocess.run(["zbarimg", "--quiet", "--raw", str(last)], capture_output=True, text=True,
                             timeout=60)
    return out.stdout.strip()
