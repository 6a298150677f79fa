"""QR and barcode scanners: the serial kind here; the keyboard-wedge kind is a Qt
event filter (``kiosk.devices.wedge_qt``), since its "port" is the keyboard.

Both turn one scan into one event with :func:`scan_event`: ``TokenPresented``
for a code the kiosk can identify a patient with, ``ReadError`` otherwise.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.devices.base import DeviceWorker
from kiosk.devices.errors import DeviceError
from kiosk.devices.events import ReadError, TokenPresented
from kiosk.devices.payloads import classify

MAX_LINE = 1024
#: A scanner sends a code in one burst: a partial line older than this is noise.
STALE_S = 1.0


def scan_event(device: str, text: str) -> TokenPresented | ReadError:
    try:
        payload = classify(text)
    except DeviceError as exc:
        return ReadError(device, exc.reason)
    return TokenPresented(device, payload.kind, payload.value)


class LineSplitter:
    """Bytes in, lines out: CR, LF or CR LF end a line; empty lines are dropped;
    an over-long or stale partial line is thrown away (returned as ``None``)."""

    def __init__(self, max_line: int = MAX_LINE, stale_s: float = STALE_S):
        self.max_line = max_line
        self.stale_s = stale_s
        self._buffer = bytearray()
        self._overflow = False
        self._since = 0.0

    def feed(self, data: bytes, now: float) -> list[bytes | None]:
        out: list[bytes | None] = []
        if (self._buffer or self._overflow) and now - self._since > self.stale_s:
            self._buffer.clear()
            self._overflow = False
        if not self._buffer:
            self._since = now
        for byte in data:
            if byte in (0x0D, 0x0A):
                if self._overflow:
                    out.append(None)
                elif self._buffer:
                    out.append(bytes(self._buffer))
                self._buffer.clear()
                self._overflow = False
                self._since = now
            elif self._overflow:
                continue
            elif len(self._buffer) >= self.max_line:
                self._buffer.clear()
                self._overflow = True
            else:
                self._buffer.append(byte)
        return out


class SerialScanner(DeviceWorker):
    kind = "scanner (serial)"

    def __init__(self, listener: Callable[[object], None], port: str, *, name: str = "scanner",
                 baudrate: int = 9600, reopen_ms: int = 500):
        super().__init__(name, listener)
        self.port_name = port
        self.baudrate = baudrate
        self.reopen_s = reopen_ms / 1000
        self._port = None

    def _run(self) -> None:
        import serial

        splitter = LineSplitter()
        try:
            while not self._stop.is_set():
                if self._port is None:
                    try:
                        self._port = serial.Serial(self.port_name, self.baudrate, timeout=0.1)
                    except (serial.SerialException, OSError, ValueError) as exc:
                        self._set_lost(str(DeviceError("port_unavailable", f"{self.port_name}: {exc}")))
                        self._stop.wait(self.reopen_s)
                        continue
                    self._set_ready()
                try:
                    data = self._port.read(max(1, self._port.in_waiting))
                except (serial.SerialException, OSError) as exc:
                    self._port.close()
                    self._port = None
                    self._set_lost(f"{self.port_name}: {exc}")
                    continue
                if data:
                    for line in splitter.feed(data, time.monotonic()):
                        self._emit(self._event(line))
        finally:
            if self._port is not None:
                self._port.close()
                self._port = None

    def _event(self, line: bytes | None):
        if line is None:
            return ReadError(self.name, "unknown_code")
        return scan_event(self.name, line.decode("utf-8", errors="replace"))


def check_serial_scanner(port: str, baudrate: int = 9600) -> str:
    """For ``kiosk-admin devices``: the port opens (a scanner says nothing until it scans)."""
    import serial

    try:
        serial.Serial(port, baudrate, timeout=0).close()
    except (serial.SerialException, OSError, ValueError) as exc:
        raise DeviceError("port_unavailable", f"{port}: {exc}") from None
    return "port opens; scan a code to test the scanner"


class BurstDetector:
    """Tells a keyboard-wedge scanner's burst from a person typing, by inter-key timing.

    A scanner types a whole code in a few milliseconds per character and ends it
    with Enter; a person leaves 80 ms or more between keys. A *scan* is at least
    ``min_chars`` characters, each following the previous one (and Enter the last
    one) within ``max_gap_ms``. Times are in milliseconds (the window system's
    event time where there is one: it is taken when the key was pressed, not when
    a busy GUI thread got round to it).

    The caller holds keys back while they might be part of a scan: ``key`` returns
    the held keys to pass on when a gap shows they were typed by a person;
    ``enter`` returns ``("scan", text)`` or ``("pass", held)``; ``flush`` gives
    back whatever is held (called when no key came for a while).
    """

    def __init__(self, min_chars: int = 8, max_gap_ms: float = 30):
        self.min_chars = min_chars
        self.max_gap_ms = max_gap_ms
        self._held: list[tuple[float, str, object]] = []  # (time, text, caller's key record)
        self._regular = True

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def key(self, text: str, when: float, record: object = None) -> list[object]:
        released: list[object] = []
        if self._held and not 0 <= when - self._held[-1][0] < self.max_gap_ms:
            released = self.flush()
        self._held.append((when, text, record))
        return released

    def enter(self, when: float) -> tuple[str, object]:
        held = self._held
        burst = (len(held) >= self.min_chars
                 and 0 <= when - held[-1][0] < self.max_gap_ms
                 and all(0 <= b[0] - a[0] < self.max_gap_ms for a, b in zip(held, held[1:])))
        if burst:
            self._held = []
            return "scan", "".join(text for _, text, _ in held)
        return "pass", self.flush()

    def burst(self) -> bool:
        """The keys held so far are a scan by their timing (``min_chars`` or more, each within
        ``max_gap_ms`` of the one before), whether or not an Enter ends them."""
        held = self._held
        return len(held) >= self.min_chars and all(0 <= b[0] - a[0] < self.max_gap_ms
                                                   for a, b in zip(held, held[1:]))

    def take(self) -> str:
        """The held keys' text, no longer held (a scan that came without its Enter)."""
        text = "".join(text for _, text, _ in self._held)
        self._held = []
        return text

    def flush(self) -> list[object]:
        released = [record for _, _, record in self._held]
        self._held = []
        return released
