"""Type and QR helpers shared by the thermal slips and the A4 statements.

Text uses reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1) by default, which
needs no font file and which PDF viewers substitute with a local Song/Ming face. A print
host without a Chinese font prints boxes instead, so documents for a system printer are
laid out and drawn with an embedded TrueType face (:mod:`printing.fonts`): a renderer
runs inside ``using_face(face)`` and every width and ``setFont`` below follows it.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as pdfcanvas

from .qrcodec import qrencoder as _qrencoder

# Page streams are Flate-compressed binary, not also ASCII85-encoded (reportlab's default, for
# 7-bit channels no document travels on): a quarter smaller and, in pure Python, a fifth of a
# statement's rendering time. Process-wide, and printing is the only reportlab user.
rl_config.useA85 = 0

FONT = "STSong-Light"
MM = 72.0 / 25.4
ELLIPSIS = "…"
COPY_MARK = "重打副本 COPY"

_font_lock = threading.Lock()
_font: UnicodeCIDFont | None = None


def ensure_font() -> UnicodeCIDFont:
    """Register the CID font on first use (cheap, but not free at import time)."""
    global _font
    if _font is None:
        with _font_lock:
            if _font is None:
                font = UnicodeCIDFont(FONT)
                pdfmetrics.registerFont(font)
                _font = font
    return _font


@dataclass(frozen=True)
class Face:
    """A registered reportlab font (``name``) and its width function, in points."""

    name: str
    width: Callable[[str, float], float]


# The face of the render running in this thread (None: the CID font). A ContextVar, so
# renders on different worker threads never see each other's face.
_face: ContextVar[Face | None] = ContextVar("printing_face", default=None)


@contextmanager
def using_face(face: Face | None) -> Iterator[None]:
    """Lay out and draw with ``face`` (``None``: the CID font) until the block ends."""
    token = _face.set(face)
    try:
        yield
    finally:
        _face.reset(token)


def font_name() -> str:
    """The reportlab font name of the current face."""
    face = _face.get()
    return FONT if face is None else face.name


def text_width(text: str, size: float) -> float:
    face = _face.get()
    if face is not None:
        return face.width(text, size)
    return (_font or ensure_font()).stringWidth(text, size)


# Line-breaking rules (禁则): closing marks never start a line, opening marks never end
# one, and runs of Latin letters/digits (doses, codes, amounts) stay together if they can.
_OPENING = "（(《「『【〔［“‘<["
_CLOSING = "）)》」』】〕］”’，。、；：！？,.;:!?>]%"
_TOKEN = re.compile(
    "[" + re.escape(_OPENING) + "]*"
    + r"(?:[A-Za-z0-9.\-+/×*#_&']+|[^\s" + re.escape(_OPENING) + "])"
    + "[" + re.escape(_CLOSING) + "]*"
    + r"|\s+"
)


def fit(text: str, size: float, max_width: float) -> int:
    """How many leading characters of ``text`` fit in ``max_width`` (at least one)."""
    used = 0.0
    for i, ch in enumerate(text):
        used += text_width(ch, size)
        if used > max_width:
            return max(i, 1)
    return len(text)


def truncate(text: str, size: float, max_width: float) -> str:
    """``text`` on one line, cut with "…" if it is wider than ``max_width``."""
    text = " ".join(text.split())
    if text_width(text, size) <= max_width:
        return text
    n = fit(text, size, max_width - text_width(ELLIPSIS, size))
    return text[:n].rstrip() + ELLIPSIS


def wrap(text: str, size: float, max_width: float, max_lines: int) -> tuple[list[str], bool]:
    """Break ``text`` into at most ``max_lines`` lines no wider than ``max_width``.

    Returns the lines and whether text was cut (the last line then ends in "…").
    """
    text = " ".join(text.split())
    if not text:
        return [""], False
    if text_width(text, size) <= max_width:  # the common case: one line, nothing to break
        return [text], False
    spans: list[list[int]] = []  # [start, end) of each line in ``text``
    line_start, line_width = 0, 0.0
    for m in _TOKEN.finditer(text):
        token = m.group()
        w = text_width(token, size)
        if token.isspace():
            if line_width > 0:
                line_width += w
            elif m.start() == line_start:
                line_start = m.end()  # no space at the start of a line
            continue
        if line_width > 0 and line_width + w > max_width:
            spans.append([line_start, m.start()])
            line_start, line_width = m.start(), 0.0
        pos = m.start()
        while line_width == 0 and w > max_width:  # a token wider than a whole line
            n = fit(text[pos:m.end()], size, max_width)
            spans.append([line_start, pos + n])
            pos += n
            line_start = pos
            w = text_width(text[pos:m.end()], size)
        line_width += w
    if line_start < len(text):
        spans.append([line_start, len(text)])
    lines = [text[a:b].rstrip() for a, b in spans]
    if len(lines) <= max_lines:
        return lines, False
    rest = text[spans[max_lines - 1][0]:]
    n = fit(rest, size, max_width - text_width(ELLIPSIS, size))
    return lines[: max_lines - 1] + [rest[:n].rstrip() + ELLIPSIS], True


def draw_text(c: pdfcanvas.Canvas, x: float, y: float, text: str, size: float,
              bold: bool = False) -> None:
    """One string at baseline ``y`` (PDF coordinates); the caller has set the font size.

    There is no bold face for the CID font: bold text is filled and stroked.
    """
    if not text:
        return
    if not bold:
        c.drawString(x, y, text)
        return
    t = c.beginText(x, y)
    t.setFont(font_name(), size)
    t.setTextRenderMode(2)
    c.setLineWidth(size * 0.03)
    t.textOut(text)
    t.setTextRenderMode(0)  # Tr outlives ET: reset it for the next string
    c.drawText(t)


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of a QR symbol (error correction M) for ``data``, without quiet zone."""
    qrencoder = _qrencoder()
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    if data.isascii():
        code.addData(data)  # picks numeric / alphanumeric / byte mode
    else:
        code.addData(qrencoder.QR8bitByte(data))  # UTF-8, never Shift-JIS kanji mode
    code.make()
    return code.modules


def draw_qr(c: pdfcanvas.Canvas, x0: float, y_top: float, module: float,
            matrix: Sequence[Sequence[bool]]) -> None:
    """Fill each horizontal run of dark modules as one rectangle, all in a single
    path, so there is one fill operation and no seams between neighbours.

    ``(x0, y_top)`` is the top-left corner of the first module, in PDF coordinates.
    """
    path = c.beginPath()
    for r, row in enumerate(matrix):
        y = y_top - (r + 1) * module
        n = len(row)
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                path.rect(x0 + start * module, y, (col - start) * module, module)
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)
