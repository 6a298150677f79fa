"""The CJK font embedded in every document the kiosk prints or archives.

reportlab's CID font (``STSong-Light``) is not embedded: a viewer or print host without a
Chinese font shows boxes, a CUPS chain that re-renders the PDF (Ghostscript) loses the text,
and an archived receipt would depend on the fonts of whoever opens it years later. Every
document (every back-end, the archive, the reprint queue) is therefore laid out and drawn
with a freely licensed TrueType face, which reportlab embeds as a subset (only the glyphs
used): WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``, Apache-2.0 or GPLv3 with the
font exception). :func:`default_face` is what the renderers use when given no face; the CID
font remains only as the fallback of a machine without the font file (logged).

Parsing the 5 MB ``.ttc`` takes from a tenth of a second to seconds on a slow kiosk, so it
is loaded once, on first use, by whichever worker thread needs it first
(:func:`embedded_face`), never at import and never on the GUI thread; ``services`` warms it
on its worker when the configured back-end will need it.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ._common import Face

__all__ = ["FontFile", "FontUnavailable", "EMBEDDED_FONT_NAME", "find_font_file", "embedded_face",
           "default_face", "font_file"]

log = logging.getLogger("printing.fonts")

EMBEDDED_FONT_NAME = "WQYMicroHei"

#: ``KIOSK_CJK_FONT`` may name another file (``path`` or ``path#index`` for a collection).
ENV_VAR = "KIOSK_CJK_FONT"
_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian / Ubuntu fonts-wqy-microhei
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",  # Fedora
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",  # Arch
)


class FontUnavailable(RuntimeError):
    """No embeddable CJK font file was found."""


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0  # the face within a .ttc collection


def find_font_file() -> FontFile | None:
    """The font file to embed: ``$KIOSK_CJK_FONT``, else the first known location that exists."""
    configured = os.environ.get(ENV_VAR, "")
    if configured:
        path, _, index = configured.partition("#")
        return FontFile(Path(path), int(index or 0))
    bundled = Path(__file__).resolve().parent.parent / "resources" / "fonts" / "wqy-microhei.ttc"
    for candidate in (bundled, *map(Path, _CANDIDATES)):
        if candidate.is_file():
            return FontFile(candidate)
    return None


_lock = threading.Lock()
_face: Face | None = None
_file: FontFile | None = None


def embedded_face() -> Face:
    """The embedded face, loaded and registered with reportlab on first use (thread-safe).

    Raises :class:`FontUnavailable` if no font file is found or it cannot be read.
    """
    global _face, _file
    if _face is not None:
        return _face
    with _lock:
        if _face is None:
            found = find_font_file()
            if found is None:
                raise FontUnavailable(
                    f"no CJK TrueType font found (install fonts-wqy-microhei or set {ENV_VAR})")
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFError, TTFont

            started = time.perf_counter()
            try:
                font = TTFont(EMBEDDED_FONT_NAME, str(found.path), subfontIndex=found.index)
            except (OSError, TTFError) as exc:
                raise FontUnavailable(f"{found.path}: {exc}") from exc
            pdfmetrics.registerFont(font)
            log.info("embedded font %s loaded from %s in %.0f ms", EMBEDDED_FONT_NAME, found.path,
                     (time.perf_counter() - started) * 1000)
            _file = found
            _face = Face(EMBEDDED_FONT_NAME, font.stringWidth)
    return _face


_fallback_logged = False


def default_face() -> Face | None:
    """The face documents are drawn with: the embedded one; ``None`` (the CID font, not
    embedded) only when no font file can be read, which is logged once."""
    global _fallback_logged
    try:
        return embedded_face()
    except FontUnavailable as exc:
        if not _fallback_logged:
            _fallback_logged = True
            log.error("documents are printed without an embedded CJK font: %s", exc)
        return None


def font_file() -> FontFile:
    """The file behind :func:`embedded_face` (loading it if needed): the raster back-end
    draws with the same face through Pillow."""
    embedded_face()
    assert _file is not None
    return _file
