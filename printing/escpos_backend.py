"""ESC/POS thermal receipt printers through python-escpos: USB, serial, network (port 9100),
or a raw CUPS queue.

Two modes, from the same :class:`~printing.documents.Slip`:

* ``text``: the slip laid out in the printer's character grid and sent as GB18030 text in
  the printer's Chinese mode, the QR code drawn by the printer, then its cut command
  (:mod:`printing.escpos_layout`). Small and fast; the printer's own font.
* ``raster``: the PDF slip's layout drawn as an image (:mod:`printing.raster`) and sent as
  ``GS v 0`` bit-image bands: exactly the PDF's look, for printers without a Chinese font.

Before a document is sent, the printer is asked for its real-time status (``DLE EOT 1``,
then ``DLE EOT 4`` for the paper sensor, ``DLE EOT 2`` for the cause when it is offline):
paper out, cover open or offline raise :class:`PrintError` and nothing is sent, so the
document waits in the reprint queue instead of being lost in a printer that cannot print
it. A printer that does not answer within ``status_timeout_s`` is treated as offline
(a serial line into a switched-off printer swallows everything without an error).
Through a CUPS queue there is no way back from the printer: no status, and CUPS's own
follow-up (``printing.cups``: a stuck job is cancelled and reported).

Connections (``escpos_connection`` in the settings):
``usb:VID:PID`` (hex, e.g. ``usb:0416:5011``; needs pyusb), ``serial:/dev/ttyUSB0:9600``,
``tcp:192.168.1.50:9100``, ``cups:QUEUE`` (a raw queue).

Every device is opened for one document and closed after it, under a lock: a printer
unplugged and plugged back in is found again, and two workers never interleave bytes.
"""
from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass

from .base import PrintError, PrinterStatus, PrintJob, quiet_capabilities_cache

__all__ = ["EscposBackend", "Connection", "parse_connection", "MODES", "PrinterStatus",
           "read_status_byte"]

log = logging.getLogger("printing.escpos")

MODES = ("text", "raster")
DLE_EOT = b"\x10\x04"


@dataclass(frozen=True)
class Connection:
    """Where an ESC/POS printer is: a USB device, a serial port, a network address or a CUPS queue."""

    kind: str  # usb | serial | tcp | cups
    target: str  # "0416:5011", "/dev/ttyUSB0", "host", "QUEUE"
    number: int = 0  # baud rate (serial) or port (tcp)
    product: int = 0  # USB product id (target holds the vendor id for usb)

    def __str__(self) -> str:
        if self.kind == "serial":
            return f"serial:{self.target}:{self.number}"
        if self.kind == "tcp":
            return f"tcp:{self.target}:{self.number}"
        return f"{self.kind}:{self.target}"


def parse_connection(text: str) -> Connection:
    """``usb:VID:PID`` | ``serial:PATH[:BAUD]`` | ``tcp:HOST[:PORT]`` | ``cups:QUEUE``;
    ``ValueError`` saying what is wrong otherwise."""
    kind, _, rest = (text or "").partition(":")
    if kind == "usb":
        vid, _, pid = rest.partition(":")
        try:
            vendor, product = int(vid, 16), int(pid, 16)
        except ValueError:
            raise ValueError("usb connection must be usb:VID:PID in hex, e.g. usb:0416:5011") from None
        if not (0 < vendor <= 0xFFFF and 0 < product <= 0xFFFF):
            raise ValueError("usb vendor and product ids must be 1..FFFF")
        return Connection("usb", f"{vendor:04x}", 0, product)
    if kind == "serial":
        path, baud = rest, 9600
        head, sep, tail = rest.rpartition(":")
        if sep and tail.isdigit():
            path, baud = head, int(tail)
        if not path:
            raise ValueError("serial connection must be serial:/dev/ttyUSB0[:9600]")
        if baud not in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200):
            raise ValueError("serial baud rate must be a standard rate (e.g. 9600 or 115200)")
        return Connection("serial", path, baud)
    if kind == "tcp":
        host, port = rest, 9100
        if rest.startswith("["):  # [IPv6]:port
            end = rest.find("]")
            host, tail = rest[1:end], rest[end + 1:]
            if tail:
                if not tail.startswith(":") or not tail[1:].isdigit():
                    raise ValueError("tcp connection must be tcp:HOST[:PORT]")
                port = int(tail[1:])
        elif ":" in rest:
            host, _, tail = rest.rpartition(":")
            if not tail.isdigit():
                raise ValueError("tcp connection must be tcp:HOST[:PORT]")
            port = int(tail)
        if not host or not 0 < port < 65536:
            raise ValueError("tcp connection must be tcp:HOST[:PORT], e.g. tcp:192.168.1.50:9100")
        return Connection("tcp", host, port)
    if kind == "cups":
        if not rest or any(ch.isspace() or ch in "/#" for ch in rest):
            raise ValueError("cups connection must be cups:QUEUE (a raw queue)")
        return Connection("cups", rest)
    raise ValueError("escpos connection must start with usb:, serial:, tcp: or cups:")


def _valid(byte: int) -> bool:
    """A real-time status byte has bits 1 and 4 set, bits 0 and 7 clear."""
    return byte & 0x93 == 0x12


class EscposBackend:
    kind = "escpos"
    embeds_font = True  # the archived PDF of each slip carries its CJK face; text mode prints with the printer's own

    def __init__(self, connection: str, *, mode: str = "text", width_mm: int = 80,
                 status_timeout_s: float = 2.0, connect_timeout_s: float = 5.0,
                 cups_server: str | None = None, job_timeout_s: float = 30.0):
        if mode not in MODES:
            raise ValueError(f"escpos mode must be one of {MODES}")
        if width_mm not in (58, 80):
            raise ValueError("escpos paper width must be 58 or 80 mm")
        self.connection = parse_connection(connection)
        self.mode = mode
        self.width_mm = width_mm
        self.status_timeout_s = status_timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.cups_server = cups_server
        self.job_timeout_s = job_timeout_s
        self._lock = threading.Lock()
        self._jobs = itertools.count(1)

    def __repr__(self) -> str:
        return f"EscposBackend({str(self.connection)!r}, mode={self.mode!r}, width_mm={self.width_mm})"

    # -- documents --------------------------------------------------------------------
    def compose(self, slip) -> bytes:
        """The ESC/POS bytes of ``slip`` in this back-end's mode."""
        if self.mode == "raster":
            from .escpos_layout import ESC, FS
            from .raster import raster_commands, render_slip_image

            quiet_capabilities_cache()
            from escpos.printer import Dummy

            p = Dummy()
            p._raw(ESC + b"@" + FS + b".")  # initialise; Chinese mode off (no text follows)
            p._raw(raster_commands(render_slip_image(slip, self.width_mm)))
            p.cut()
            return bytes(p.output)
        from .escpos_layout import encode, layout

        return encode(layout(slip, self.width_mm), self.width_mm)

    def print_document(self, name: str, pdf: bytes) -> str:
        raise PrintError("unsupported", "an ESC/POS printer prints slips, not PDF pages")

    def print_job(self, job: PrintJob) -> str:
        if job.a4 or job.slip is None:
            raise PrintError("unsupported", "A4 documents need a system printer")
        data = self.compose(job.slip)
        if self.connection.kind == "cups":
            from .cups import CupsBackend

            queue = CupsBackend(self.connection.target, server=self.cups_server,
                                job_timeout_s=self.job_timeout_s)
            return queue.submit(data, job.name, raw=True)
        with self._lock:
            printer = self._open()
            try:
                status = self._status(printer)
                if status.state not in ("ready", "paper_low"):
                    raise PrintError(status.state, f"printer on {self.connection} reports {status.state}")
                if status.paper == "low":
                    log.warning("printer on %s: paper roll nearly empty", self.connection)
                if self.connection.kind == "tcp":  # a busy printer takes a long raster slowly
                    printer.device.settimeout(self.job_timeout_s)
                printer._raw(data)
                _flush(printer)
            except OSError as exc:
                raise PrintError("offline", f"{type(exc).__name__}: {exc}") from exc
            finally:
                _close(printer)
        number = next(self._jobs)
        log.info("%s printed on %s (%d bytes)", job.name, self.connection, len(data))
        return f"{self.connection}#{number}"

    # -- status -------------------------------------------------------------------------
    def status(self) -> dict:
        """For the fleet heartbeat: ``state`` is ``ready``, ``paper_low``, ``paper_out``,
        ``cover_open``, ``offline`` (no answer, no device) or, through CUPS, the queue's."""
        if self.connection.kind == "cups":
            from .cups import CupsBackend

            return CupsBackend(self.connection.target, server=self.cups_server).status()
        with self._lock:
            try:
                printer = self._open()
            except PrintError as exc:
                return {"state": "offline", "detail": exc.detail, "connection": str(self.connection)}
            try:
                status = self._status(printer)
            except (PrintError, OSError) as exc:
                return {"state": "offline", "detail": str(exc), "connection": str(self.connection)}
            finally:
                _close(printer)
        return {"state": status.state, "detail": "", "connection": str(self.connection)}

    def _status(self, printer) -> PrinterStatus:
        online_byte = self._ask(printer, 1)
        online = not online_byte & 0x08
        paper_byte = self._ask(printer, 4)
        paper = "out" if paper_byte & 0x60 else "low" if paper_byte & 0x0C else "ok"
        cover_open = False
        if not online and paper != "out":
            cause = self._ask(printer, 2)
            cover_open = bool(cause & 0x04)
            if cause & 0x20:
                paper = "out"
        return PrinterStatus(online, paper, cover_open)

    def _ask(self, printer, n: int) -> int:
        byte = read_status_byte(printer, n, self.status_timeout_s)
        if byte is None:
            raise PrintError("offline", f"no status answer from {self.connection} "
                                        f"within {self.status_timeout_s:g} s")
        return byte

    # -- devices -------------------------------------------------------------------------
    def _open(self):
        """A python-escpos printer for the connection, opened; ``PrintError("offline")`` if
        the device is missing or refuses the connection."""
        quiet_capabilities_cache()
        from escpos import printer as escpos_printer
        from escpos.exceptions import DeviceNotFoundError

        c = self.connection
        if c.kind == "tcp":
            # Connected here, not by Network.open(), which leaks the socket when refused.
            import socket

            try:
                sock = socket.create_connection((c.target, c.number), timeout=self.connect_timeout_s)
            except OSError as exc:
                raise PrintError("offline", f"{c}: {type(exc).__name__}: {_one_line(exc)}") from exc
            printer = escpos_printer.Network(c.target, port=c.number, timeout=self.connect_timeout_s)
            printer.device = sock
            return printer
        try:
            if c.kind == "serial":
                printer = escpos_printer.Serial(c.target, baudrate=c.number, timeout=self.status_timeout_s,
                                                dsrdtr=False)
            else:
                printer = escpos_printer.Usb(int(c.target, 16), c.product, timeout=int(self.connect_timeout_s * 1000))
            printer.open()
        except DeviceNotFoundError as exc:
            raise PrintError("offline", _one_line(exc)) from exc
        except (OSError, RuntimeError) as exc:  # RuntimeError: pyusb or pyserial missing
            raise PrintError("offline", f"{type(exc).__name__}: {_one_line(exc)}") from exc
        if c.kind == "serial":
            printer.device.reset_input_buffer()  # nothing stale answers our status query
        return printer


def read_status_byte(printer, n: int, timeout_s: float) -> int | None:
    """Send ``DLE EOT n`` and read the one-byte answer; ``None`` if none comes in time
    (or what comes is not a status byte)."""
    import socket

    printer._raw(DLE_EOT + bytes([n]))
    device = printer.device
    try:
        if isinstance(device, socket.socket):
            device.settimeout(timeout_s)
            data = device.recv(1)
        elif hasattr(device, "reset_input_buffer"):  # pyserial: read(1) honours its timeout
            device.timeout = timeout_s
            data = device.read(1)
        else:
            data = bytes(printer._read())[:1]
    except TimeoutError:
        return None
    if not data or not _valid(data[0]):
        return None
    return data[0]


def _flush(printer) -> None:
    device = printer.device
    if hasattr(device, "flush") and hasattr(device, "reset_input_buffer"):
        device.flush()  # pyserial: wait until the bytes are out


def _close(printer) -> None:
    try:
        printer.close()
    except (OSError, AttributeError) as exc:
        log.debug("closing %s: %s", printer, exc)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
