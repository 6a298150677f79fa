"""Turn captured ESC/POS bytes back into what the printer would do: text lines (GB18030),
styles, QR codes, raster images, status queries and cuts.

Strict: a command the kiosk is not expected to send raises, so a stray byte in the output
fails the test instead of printing garbage on a real roll.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Decoded:
    lines: list[str] = field(default_factory=list)  # text lines as printed, GB18030 decoded
    styled: list[tuple[str, dict]] = field(default_factory=list)  # (line, style at its start)
    qr_codes: list[str] = field(default_factory=list)
    rasters: list[tuple[int, int, bytes]] = field(default_factory=list)  # (width dots, rows, data)
    status_queries: list[int] = field(default_factory=list)  # n of each DLE EOT n
    cuts: int = 0
    events: list[str] = field(default_factory=list)  # every command in order, by name
    chinese_mode: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def raster_image(self):
        """All raster bands stacked into one Pillow image (mode 1, black = 0)."""
        from PIL import Image, ImageOps

        if not self.rasters:
            return None
        width = self.rasters[0][0]
        height = sum(rows for _, rows, _ in self.rasters)
        image = Image.new("1", (width, height), 1)
        top = 0
        for w, rows, data in self.rasters:
            assert w == width, "raster bands of different widths"
            band = Image.frombytes("1", (w, rows), data)  # 1 bits = black dots
            image.paste(ImageOps.invert(band.convert("L")).convert("1"), (0, top))
            top += rows
        return image


class DecodeError(ValueError):
    pass


def decode(data: bytes) -> Decoded:
    out = Decoded()
    style = {"align": 0, "bold": False, "size": 0}
    text = bytearray()
    line_style: dict | None = None
    i, n = 0, len(data)

    def need(count: int) -> bytes:
        if i + count > n:
            raise DecodeError(f"truncated command at byte {i}")
        return data[i:i + count]

    def flush_line() -> None:
        nonlocal line_style
        line = bytes(text).decode("gb18030")
        out.lines.append(line)
        out.styled.append((line, dict(line_style or style)))
        text.clear()
        line_style = None

    while i < n:
        b = data[i]
        if b == 0x0A:  # LF: print the line
            flush_line()
            i += 1
        elif b == 0x1B:  # ESC
            cmd = need(2)[1]
            if cmd == 0x40:  # ESC @
                out.events.append("init")
                style = {"align": 0, "bold": False, "size": 0}
                out.chinese_mode = False
                i += 2
            elif cmd == 0x61:  # ESC a n
                style = {**style, "align": need(3)[2] % 48}
                out.events.append(f"align {style['align']}")
                i += 3
            elif cmd == 0x45:  # ESC E n
                style = {**style, "bold": bool(need(3)[2] & 1)}
                out.events.append(f"bold {int(style['bold'])}")
                i += 3
            elif cmd == 0x21:  # ESC ! n (python-escpos' set(): font/size for ASCII)
                out.events.append(f"mode {need(3)[2]}")
                i += 3
            elif cmd == 0x64:  # ESC d n: print and feed n lines
                if text:
                    flush_line()
                out.events.append(f"feed {need(3)[2]}")
                i += 3
            else:
                raise DecodeError(f"unexpected ESC {cmd:#04x} at byte {i}")
        elif b == 0x1D:  # GS
            cmd = need(2)[1]
            if cmd == 0x21:  # GS ! n: character size
                style = {**style, "size": need(3)[2]}
                out.events.append(f"size {style['size']:#04x}")
                i += 3
            elif cmd == 0x56:  # GS V m [n]: cut
                m = need(3)[2]
                out.cuts += 1
                out.events.append("cut")
                i += 4 if m in (65, 66, 97, 98, 103, 104) else 3
            elif cmd == 0x28 and need(3)[2] == 0x6B:  # GS ( k pL pH cn fn ...: 2D code
                length = int.from_bytes(need(5)[3:5], "little")
                body = need(5 + length)[5:]
                cn, fn = body[0], body[1]
                if cn != 0x31:
                    raise DecodeError("2D code other than QR")
                if fn == 0x50:  # store data: m, then the data
                    out.qr_codes.append(body[3:].decode("utf-8"))
                    out.events.append("qr data")
                elif fn == 0x51:
                    out.events.append("qr print")
                i += 5 + length
            elif cmd == 0x76 and need(3)[2] == 0x30:  # GS v 0 m xL xH yL yH data
                head = need(8)
                width_bytes = int.from_bytes(head[4:6], "little")
                rows = int.from_bytes(head[6:8], "little")
                size = width_bytes * rows
                out.rasters.append((width_bytes * 8, rows, bytes(need(8 + size)[8:])))
                out.events.append("raster")
                i += 8 + size
            else:
                raise DecodeError(f"unexpected GS {cmd:#04x} at byte {i}")
        elif b == 0x1C:  # FS
            cmd = need(2)[1]
            if cmd == 0x26:
                out.chinese_mode = True
                out.events.append("chinese on")
            elif cmd == 0x2E:
                out.chinese_mode = False
                out.events.append("chinese off")
            else:
                raise DecodeError(f"unexpected FS {cmd:#04x} at byte {i}")
            i += 2
        elif b == 0x10:  # DLE EOT n: real-time status
            if need(3)[1] != 0x04:
                raise DecodeError(f"unexpected DLE {data[i + 1]:#04x} at byte {i}")
            out.status_queries.append(data[i + 2])
            out.events.append(f"status {data[i + 2]}")
            i += 3
        elif b < 0x20:
            raise DecodeError(f"unexpected control byte {b:#04x} at byte {i}")
        else:
            if not text:
                line_style = dict(style)
            text.append(b)
            i += 1
    if text:
        flush_line()
    return out


def status_queries_in(data: bytes) -> list[tuple[int, int]]:
    """``(offset, n)`` of each ``DLE EOT n`` outside text: what a fake printer answers."""
    found = []
    start = 0
    while True:
        at = data.find(b"\x10\x04", start)
        if at < 0 or at + 2 >= len(data):
            return found
        found.append((at, data[at + 2]))
        start = at + 3
