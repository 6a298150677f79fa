"""The CJK font embedded in every document the kiosk prints or archives.

reportlab's CID font (``STSong-Light``) is not embedded: a viewer or print host without a
Chinese font shows boxes, a CUPS chain that re-renders the PDF (Ghostscript) loses the text,
and an archived receipt would depend on the fonts of whoever opens it years later. Every
document (every back-end, the archive, the reprint queue) is therefore laid out and drawn
with a freely licensed TrueType face, which reportlab embeds as a subset (only the glyphs
used): WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``, Apache-2.0 or GPLv3 with the
font exception). :func:`default_face` is what the renderers use when given no face; the CID
font remains only as the fallback of a machine without the font file (logged).

The face is loaded once, on first use, by whichever worker thread needs it first
(:func:`embedded_face`), never at import and never on the GUI thread; ``services`` warms it
on its worker when the configured back-end will need it. reportlab's own loader reads the
whole 5 MB ``.ttc`` into memory and keeps a dictionary entry per character (34,000) and a
tuple per glyph (49,000): 22 MB of the kiosk's memory for as long as it runs, and a fifth
of a second to build. :class:`LeanTTFont` is reportlab's ``TTFont`` with the same face
read lean: the file mapped (only the pages read are in memory: the tables and, per
document, the glyphs it uses), the character map and the metrics in arrays. The same
subsets are embedded, byte for byte, and text measures the same (``tests/test_printed_fonts.py``);
a font whose character map it does not read (a format other than 0, 4, 6 or 12) is loaded
by reportlab's loader.
"""
from __future__ import annotations

import logging
import mmap
import os
import sys
import threading
import time
from array import array
from dataclasses import dataclass
from pathlib import Path
from struct import unpack_from

from ._common import Face

__all__ = ["FontFile", "FontUnavailable", "EMBEDDED_FONT_NAME", "LeanTTFont", "find_font_file", "embedded_face",
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
    """A font file and the face's index in it (a .ttc holds several)."""

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
                try:
                    font = LeanTTFont(EMBEDDED_FONT_NAME, str(found.path), subfont_index=found.index)
                except _NotLean as exc:
                    log.info("%s: %s; read by reportlab's loader", found.path, exc)
                    font = TTFont(EMBEDDED_FONT_NAME, str(found.path), subfontIndex=found.index)
            except (OSError, ValueError, TTFError) as exc:
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


# -- the lean face --------------------------------------------------------------------------------

class _NotLean(Exception):
    """A font the lean reader does not read (its character map's format)."""


def LeanTTFont(name: str, path: str, subfont_index: int = 0):
    """reportlab's ``TTFont`` (registered, measured and embedded as reportlab does) over a
    lean face (its classes are made with the first one: reportlab is never imported at import)."""
    return _lean_classes()[0](name, path, subfont_index)


_classes: tuple | None = None


def _lean_classes() -> tuple:
    global _classes
    if _classes is None:
        _classes = _make_lean_classes()
    return _classes


def _make_lean_classes() -> tuple:
    from weakref import WeakKeyDictionary

    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFont, TTFontFace, TTFontFile

    class LeanFace(TTFontFace):
        """``TTFontFace`` without the file nor a Python object per character in memory:
        ``_ttf_data`` is the mapped file; ``charToGlyph``, ``charWidths`` and ``hmetrics`` are
        views over arrays, answering as reportlab's dictionaries and list do."""

        def __init__(self, path: str, subfont_index: int):
            pdfmetrics.TypeFace.__init__(self, None)
            TTFontFile.__init__(self, _MappedFile(path), charInfo=0, validate=0, subfontIndex=subfont_index)
            _read_char_info(self)

        def get_table(self, tag):
            if tag == "glyf":  # the glyphs a subset copies are sliced out; the table is not copied whole
                offset, length = self.get_table_pos(tag)
                return _Window(self._ttf_data, offset, length)
            return super().get_table(tag)

    class Lean(TTFont):
        """``TTFont`` over a :class:`LeanFace`: embedded as a subset like any ``TTFont``."""

        def __init__(self, name: str, path: str, subfont_index: int = 0):
            self.fontName = name
            self.face = LeanFace(path, subfont_index)
            self.encoding = TTEncoding()
            self.state = WeakKeyDictionary()
            self._asciiReadable = rl_config.ttfAsciiReadable
            self.shapable = False  # no shaping: reportlab shapes only with uharfbuzz, never installed here

        def stringWidth(self, text, size, encoding="utf8"):
            """As reportlab measures a ``TTFont`` string: the characters' widths in 1/1000 em
            (a character the font lacks: the missing glyph's), summed, times size / 1000."""
            if not isinstance(text, str):
                text = text.decode(encoding or "utf8")
            return 0.001 * size * sum(map(self.face.charWidths.get_code, map(ord, text)))

    return Lean, LeanFace


class _MappedFile:
    """A font file for reportlab's parser: ``read()`` gives the file mapped read-only."""

    def __init__(self, path: str):
        self.name = path
        self._path = path

    def read(self):
        with open(self._path, "rb") as f:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


class _Window:
    """Bytes ``offset .. offset + length`` of ``data``, sliced on demand (no copy of the whole)."""

    def __init__(self, data, offset: int, length: int):
        self._data, self._offset, self._length = data, offset, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            if step != 1:
                raise ValueError("a window is sliced with step 1")
            return self._data[self._offset + start:self._offset + max(start, stop)]
        if not -self._length <= index < self._length:
            raise IndexError(index)
        return self._data[self._offset + (index % self._length)]


class _CharMap:
    """``charToGlyph``: character code -> glyph, for the codes the font's map names (with
    glyph 0 too, as reportlab keeps them). The Basic Multilingual Plane in an array (-1: not
    named), other planes in a dictionary."""

    def __init__(self, bmp: array, other: dict[int, int]):
        self._bmp, self._other = bmp, other

    def __contains__(self, code) -> bool:
        if isinstance(code, int) and 0 <= code < 0x10000:
            return self._bmp[code] >= 0
        return code in self._other

    def __getitem__(self, code: int) -> int:
        if isinstance(code, int) and 0 <= code < 0x10000:
            glyph = self._bmp[code]
            if glyph < 0:
                raise KeyError(code)
            return glyph
        return self._other[code]

    def get(self, code, default=None):
        try:
            return self[code]
        except KeyError:
            return default

    def __setitem__(self, code: int, glyph: int) -> None:
        if 0 <= code < 0x10000:
            self._bmp[code] = glyph
        else:
            self._other[code] = glyph

    def keys(self):
        return [code for code in range(0x10000) if self._bmp[code] >= 0] + list(self._other)

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return sum(1 for glyph in self._bmp if glyph >= 0) + len(self._other)

    def __bool__(self) -> bool:
        return True


class _CharWidths:
    """``charWidths``: character code -> its glyph's advance in 1/1000 em, for the codes the
    map names (``get_code``: any code, the missing glyph's advance for the others)."""

    def __init__(self, chars: _CharMap, advances: array):
        self._chars, self._advances = chars, advances
        self._set: dict[int, float] = {}  # widths reportlab assigns itself (private-use glyphs)

    def get_code(self, code: int) -> float:
        if self._set and code in self._set:
            return self._set[code]
        glyph = self._chars.get(code)
        return self._advances[0 if glyph is None else glyph]

    def get(self, code, default=None):
        if code in self._set:
            return self._set[code]
        glyph = self._chars.get(code)
        return default if glyph is None else self._advances[glyph]

    def __getitem__(self, code):
        width = self.get(code)
        if width is None:
            raise KeyError(code)
        return width

    def __contains__(self, code) -> bool:
        return code in self._set or code in self._chars

    def __setitem__(self, code: int, width: float) -> None:
        self._set[code] = width


class _HMetrics:
    """``hmetrics``: per glyph ``(advance, left side bearing)`` as reportlab lists them (the
    glyphs past ``numberOfHMetrics`` take the last advance, in 1/1000 em as reportlab has it)."""

    def __init__(self, advances: array, bearings: array, full: int, last):
        self._advances, self._bearings, self._full, self._last = advances, bearings, full, last

    def __len__(self) -> int:
        return len(self._bearings)

    def __getitem__(self, glyph: int) -> tuple:
        if glyph < self._full:
            return self._advances[glyph], self._bearings[glyph]
        return self._last, self._bearings[glyph]


def _ushorts(data, offset: int, count: int, code: str = "H") -> array:
    values = array(code)
    values.frombytes(data[offset:offset + 2 * count])
    if values.itemsize != 2:
        raise _NotLean("unexpected array item size")
    if sys.byteorder == "little":
        values.byteswap()
    return values


def _read_char_info(face) -> None:
    """What reportlab's ``extractInfo(charInfo=1)`` sets, read into arrays: ``charToGlyph``,
    ``charWidths``, ``defaultWidth``, ``hmetrics``, ``glyphPos``. The same character map
    (the same choice of subtable), widths (scaled as reportlab scales them) and positions."""
    data = face._ttf_data
    scale = face._pdfScale
    head = face.get_table_pos("head")[0]
    index_to_loc = face.get_ushort(head + 50)
    num_glyphs = face.get_ushort(face.get_table_pos("maxp")[0] + 4)
    full = face.get_ushort(face.get_table_pos("hhea")[0] + 34)
    if not 0 < full <= num_glyphs:
        raise _NotLean("bad numberOfHMetrics")

    chars = _read_cmap(face, num_glyphs)

    # hmtx: full pairs, then the left side bearings of the rest
    at = face.get_table_pos("hmtx")[0]
    pairs = _ushorts(data, at, 2 * full)
    advances_raw, bearings = pairs[0::2], array("H", pairs[1::2])
    bearings.extend(_ushorts(data, at + 4 * full, num_glyphs - full))
    advances = array("d", map(scale, advances_raw))
    last = advances[full - 1]
    advances.extend([last] * (num_glyphs - full))
    face.hmetrics = _HMetrics(advances_raw, bearings, full, last)
    face.defaultWidth = advances[0]
    face.charWidths = _CharWidths(chars, advances)
    face.charToGlyph = chars
    face.glyphToChar = {}  # reportlab fills it only for private-use glyphs it adds
    face.numGlyphs = num_glyphs

    at = face.get_table_pos("loca")[0]
    if index_to_loc == 0:
        face.glyphPos = array("I", (offset << 1 for offset in _ushorts(data, at, num_glyphs + 1)))
    elif index_to_loc == 1:
        positions = array("I")
        positions.frombytes(data[at:at + 4 * (num_glyphs + 1)])
        if sys.byteorder == "little":
            positions.byteswap()
        face.glyphPos = positions
    else:
        raise _NotLean(f"unknown location format {index_to_loc}")


def _read_cmap(face, num_glyphs: int) -> _CharMap:
    """The subtable reportlab chooses (the last of platform 3, or 0 but not 0/5, or 1/1; 1/0
    only failing those), formats 0, 4, 6 and 12; then space and no-break space share a glyph."""
    data = face._ttf_data
    cmap = face.get_table_pos("cmap")[0]
    version, count = face.get_ushort(cmap), face.get_ushort(cmap + 2)
    if count == 0 and version != 0:
        count = version
    chosen, kind = None, 0
    for n in range(count):
        platform, encoding = face.get_ushort(cmap + 4 + 8 * n), face.get_ushort(cmap + 6 + 8 * n)
        offset = face.get_ulong(cmap + 8 + 8 * n)
        if platform == 3 or (platform == 0 and encoding != 5) or (platform == 1 and encoding == 1):
            chosen, kind = offset, 1
        elif platform == 1 and encoding == 0 and kind != 1:
            chosen, kind = offset, 2
    if chosen is None:
        raise _NotLean("no usable character map")
    at = cmap + chosen
    fmt = face.get_ushort(at)
    bmp = array("i", [-1]) * 0x10000
    other: dict[int, int] = {}
    if fmt == 12:
        groups = face.get_ulong(at + 12)
        for n in range(groups):
            start, end, first = unpack_from(">LLL", data, at + 16 + 12 * n)
            for code in range(start, min(end, 0x10FFFF) + 1):
                glyph = code + first - start
                if code < 0x10000:
                    bmp[code] = glyph
                else:
                    other[code] = glyph
    elif fmt == 4:
        length = face.get_ushort(at + 2)
        limit = at + length
        segments = face.get_ushort(at + 6) // 2
        ends = _ushorts(data, at + 14, segments)
        starts = _ushorts(data, at + 16 + 2 * segments, segments)
        deltas = _ushorts(data, at + 16 + 4 * segments, segments, "h")
        ranges_at = at + 16 + 6 * segments
        ranges = _ushorts(data, ranges_at, segments)
        for n in range(segments):
            for code in range(starts[n], ends[n] + 1):
                if ranges[n] == 0:
                    glyph = (code + deltas[n]) & 0xFFFF
                else:
                    offset = ranges_at + 2 * n + (code - starts[n]) * 2 + ranges[n]
                    glyph = 0 if offset >= limit else face.get_ushort(offset)
                    if glyph:
                        glyph = (glyph + deltas[n]) & 0xFFFF
                bmp[code] = glyph
    elif fmt == 6:
        first, entries = face.get_ushort(at + 6), face.get_ushort(at + 8)
        for n in range(entries):
            bmp[first + n] = face.get_ushort(at + 10 + 2 * n)
    elif fmt == 0:
        length = face.get_ushort(at + 2)
        for code in range(min(256, num_glyphs, length - 6)):
            bmp[code] = data[at + 6 + code]
    else:
        raise _NotLean(f"character map format {fmt}")
    if bmp[0x20] >= 0:
        bmp[0xA0] = bmp[0x20]
    elif bmp[0xA0] >= 0:
        bmp[0x20] = bmp[0xA0]
    return _CharMap(bmp, other)
