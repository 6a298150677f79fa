"""The PDF slip's layout drawn as a 1-bit image for a thermal print head (203 dpi).

No PDF rasteriser is needed: ``printing.receipt.layout_slip`` gives the very drawing
operations the PDF is made of, laid out with the embedded TrueType face, and Pillow draws
them with the same face from the same font file. The image is the printable width of the
paper (72 mm = 576 dots on 80 mm paper, 48 mm = 384 dots on 58 mm) and as tall as the slip.

:func:`raster_commands` turns the image into ``GS v 0`` raster bit-image bands.
"""
from __future__ import annotations

import math
import threading

from .documents import Slip

__all__ = ["DPI", "render_slip_image", "raster_commands", "PRINTABLE_DOTS"]

DPI = 203
PRINTABLE_DOTS = {80: 576, 58: 384}
_SCALE = DPI / 72.0  # dots per point
_BAND_ROWS = 256  # rows per GS v 0 command (small printer buffers)

_fonts_lock = threading.Lock()
_fonts: dict[float, object] = {}


def _font(size_dots: float):
    from PIL import ImageFont

    from .fonts import font_file

    key = round(size_dots, 1)
    with _fonts_lock:
        font = _fonts.get(key)
        if font is None:
            file = font_file()
            font = _fonts[key] = ImageFont.truetype(str(file.path), key, index=file.index)
    return font


def render_slip_image(s: Slip, width_mm: int = 80):
    """The slip as a Pillow image, mode ``1`` (0 = black), ``PRINTABLE_DOTS[width_mm]`` wide."""
    from PIL import Image, ImageDraw

    from .fonts import embedded_face
    from .receipt import layout_slip

    layout = layout_slip(s, width_mm, embedded_face())
    margin = layout.paper.margin
    width = PRINTABLE_DOTS[width_mm]
    height = math.ceil(layout.y * _SCALE)
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)

    def x_dots(x: float) -> float:
        return (x - margin) * _SCALE

    for op in layout.ops:
        kind = op[0]
        if kind == "text":
            _, x, baseline, text, size, bold = op
            if text:
                draw.text((x_dots(x), baseline * _SCALE), text, font=_font(size * _SCALE), fill=0,
                          anchor="ls", stroke_width=1 if bold else 0, stroke_fill=0)
        elif kind == "rule":
            _, x1, x2, y, dashed = op
            top = round(y * _SCALE) - 1
            if not dashed:
                draw.rectangle((x_dots(x1), top, x_dots(x2), top + 1), fill=0)
                continue
            on, off = 2 * _SCALE, 1.5 * _SCALE
            start = x_dots(x1)
            while start < x_dots(x2):
                draw.rectangle((start, top, min(start + on, x_dots(x2)) - 1, top + 1), fill=0)
                start += on + off
        elif kind == "box":
            _, x, top, w, h, line_width = op
            draw.rectangle((x_dots(x), top * _SCALE, x_dots(x + w) - 1, (top + h) * _SCALE), outline=0,
                           width=max(1, round(line_width * _SCALE)))
        elif kind == "qr":
            _, x0, top, module, matrix = op
            m = module * _SCALE  # whole dots: the layout sizes modules in print-head dots
            left, upper = x_dots(x0), top * _SCALE
            for r, row in enumerate(matrix):
                for c, dark in enumerate(row):
                    if dark:
                        draw.rectangle((round(left + c * m), round(upper + r * m),
                                        round(left + (c + 1) * m) - 1, round(upper + (r + 1) * m) - 1), fill=0)
    return image


def raster_commands(image) -> bytes:
    """``GS v 0`` bands of at most 256 rows (1 = a black dot, rows MSB first)."""
    from PIL import ImageOps

    if image.width % 8:
        raise ValueError("raster width must be a multiple of 8 dots")
    black = ImageOps.invert(image.convert("L")).convert("1")  # 1 bits where the dots burn
    width_bytes = image.width // 8
    out = bytearray()
    for top in range(0, image.height, _BAND_ROWS):
        band = black.crop((0, top, image.width, min(top + _BAND_ROWS, image.height)))
        out += b"\x1dv0\x00" + width_bytes.to_bytes(2, "little") + band.height.to_bytes(2, "little")
        out += band.tobytes()
    return bytes(out)

