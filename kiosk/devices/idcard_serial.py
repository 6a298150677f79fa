"""The resident ID-card reader on a serial port (SAM protocol, see ``kiosk.devices.sam``).

The worker polls the reader every ``poll_ms``: *find card*; when a card is
found, *select* and *read text*, then ``CardPresented`` once for that
placement. When *find* reports no card again, ``CardRemoved`` (only after a
card was reported). A read that fails is tried again up to ``read_attempts``
times while the card lies there, then reported once as ``ReadError`` until the
card is lifted.

If the port cannot be opened, or disappears (USB unplugged: reads fail with
EIO), or the reader stops answering ``misses_before_lost`` polls in a row, the
device is lost: ``DeviceLost``, and the worker keeps trying to reopen it every
``reopen_ms``; the first good answer afterwards gives ``DeviceBack``.

Note on real readers: some answer *find* with ``80`` (no card) for a card that
was already read until it is lifted. With those, ``CardRemoved`` follows soon
after ``CardPresented``; the kiosk does not act on removals, so nothing breaks.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.devices import sam
from kiosk.devices.base import DeviceWorker
from kiosk.devices.errors import DeviceError
from kiosk.devices.events import CardPresented, CardRemoved, IdCard, ReadError

#: How a driver-level reason reaches the patient's screen.
UI_REASONS = {
    "bad_frame": "read_failed",
    "bad_checksum": "read_failed",
    "timeout": "read_failed",
    "reader_fault": "reader_fault",
}
_RETRYABLE = {"bad_frame", "bad_checksum", "timeout", "read_failed", "no_card"}


class PortGone(Exception):
    """The port failed under us (unplugged, or the other side of a pty closed)."""


class SerialLink:
    """One open serial port speaking SAM frames: request, then the answer within a deadline."""

    def __init__(self, port: str, baudrate: int = 115200):
        import serial

        self._serial_error = serial.SerialException
        try:
            self.port = serial.Serial(port=port, baudrate=baudrate, timeout=0.05, write_timeout=1.0)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceError("port_unavailable", f"{port}: {_short(exc)}") from None
        self.decoder = sam.FrameDecoder()
        self.last_byte_at = 0.0  # monotonic time the last answer completed (benchmarks)

    def close(self) -> None:
        try:
            self.port.close()
        except (self._serial_error, OSError):
            pass

    def transact(self, command: tuple[int, int], timeout_s: float, data: bytes = b"") -> sam.Response:
        """Send a command and wait for one answer frame. ``DeviceError`` for a damaged or
        missing answer, ``PortGone`` when the port itself failed."""
        try:
            if self.port.in_waiting:
                self.port.reset_input_buffer()  # a late answer to an earlier command
            self.decoder.clear()
            self.port.write(sam.encode_command(*command, data))
            deadline = time.monotonic() + timeout_s
            while True:
                body = self.decoder.next_body()
                if body is not None:
                    self.last_byte_at = time.monotonic()
                    return sam.decode_response(body)
                if time.monotonic() >= deadline:
                    raise DeviceError("timeout", f"no complete answer to {command[0]:02X} {command[1]:02X}")
                chunk = self.port.read(max(1, self.port.in_waiting))
                if chunk:
                    self.decoder.feed(chunk)
        except (self._serial_error, OSError) as exc:
            raise PortGone(_short(exc)) from None


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 160 else text[:157] + "..."


def read_card(link: SerialLink, timeout_s: float, read_timeout_s: float) -> IdCard:
    """Select and read the card *find* reported: the parsed text block, or ``DeviceError``."""
    sam.check_status(link.transact(sam.SELECT_CARD, timeout_s), sam.OK)
    answer = sam.check_status(link.transact(sam.READ_TEXT, read_timeout_s), sam.OK)
    text, _photo = sam.split_read_text(answer.data)
    return sam.parse_text_block(text)


class SerialIdCardReader(DeviceWorker):
    kind = "id-reader (serial SAM)"

    def __init__(self, listener: Callable[[object], None], port: str, *, name: str = "id-reader",
                 poll_ms: int = 300, baudrate: int = 115200, answer_timeout_s: float = 0.5,
                 read_timeout_s: float = 3.0, reopen_ms: int = 500, misses_before_lost: int = 3,
                 read_attempts: int = 3):
        super().__init__(name, listener)
        self.port_name = port
        self.poll_s = poll_ms / 1000
        self.baudrate = baudrate
        self.answer_timeout_s = answer_timeout_s
        self.read_timeout_s = read_timeout_s
        self.reopen_s = reopen_ms / 1000
        self.misses_before_lost = misses_before_lost
        self.read_attempts = read_attempts
        self.link: SerialLink | None = None
        self._misses = 0
        self._placement: str | None = None  # None, "reading" or "reported"
        self._attempts = 0
        self._last_reason = ""

    # -- worker ---------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self.link is None and not self._open():
                    self._stop.wait(self.reopen_s)
                    continue
                try:
                    again = self._poll()
                except PortGone as exc:
                    self._drop_link(f"{self.port_name}: {exc}")
                    continue
                if not again:
                    self._stop.wait(self.poll_s)
        finally:
            if self.link is not None:
                self.link.close()
                self.link = None

    def _open(self) -> bool:
        try:
            self.link = SerialLink(self.port_name, self.baudrate)
        except DeviceError as exc:
            self._set_lost(str(exc))
            return False
        self._misses = 0
        return True

    def _drop_link(self, problem: str) -> None:
        if self.link is not None:
            self.link.close()
            self.link = None
        self._forget_card()
        self._set_lost(problem)

    def _forget_card(self) -> None:
        if self._placement == "reported":
            self._emit(CardRemoved(self.name))
        self._placement = None
        self._attempts = 0

    def _poll(self) -> bool:
        """One poll. True to poll again at once (a read to retry)."""
        try:
            found = self.link.transact(sam.FIND_CARD, self.answer_timeout_s)
        except DeviceError as exc:
            self._misses += 1
            if self._misses >= self.misses_before_lost or self.state != "ready":
                self._set_lost(f"{self.port_name}: {exc}")
            return False
        self._misses = 0
        if found.sw3 not in (sam.FIND_OK, 0x80, 0x81):
            self.log.warning("find card: %s", found.meaning)
            return False
        self._set_ready()
        if found.sw3 != sam.FIND_OK:
            if self._placement == "reading" and self._attempts:
                self._report(self._last_reason or "no_card")  # lifted before it could be read
            self._forget_card()
            return False
        if self._placement == "reported":
            return False
        self._placement = "reading"
        try:
            card = read_card(self.link, self.answer_timeout_s, self.read_timeout_s)
        except DeviceError as exc:
            self._attempts += 1
            self._last_reason = exc.reason
            self.log.info("card read failed (attempt %d): %s", self._attempts, exc)
            if exc.reason in _RETRYABLE and self._attempts < self.read_attempts:
                return True
            self._report(exc.reason)
            return False
        self._placement = "reported"
        self._attempts = 0
        self._emit(CardPresented(self.name, card))
        return False

    def _report(self, reason: str) -> None:
        self._placement = "reported"
        self._attempts = 0
        self._emit(ReadError(self.name, UI_REASONS.get(reason, reason)))


def check_reader(port: str, baudrate: int = 115200, timeout_s: float = 1.0) -> str:
    """For ``kiosk-admin devices``: open the port, ask for a card, say what the reader said.
    ``DeviceError`` with the reason if it cannot be used."""
    link = SerialLink(port, baudrate)
    try:
        try:
            answer = link.transact(sam.FIND_CARD, timeout_s)
        except PortGone as exc:
            raise DeviceError("port_unavailable", f"{port}: {exc}") from None
        if answer.sw3 == sam.FIND_OK:
            return "reader answers; a card is on it"
        if answer.sw3 in (0x80, 0x81):
            return "reader answers; no card"
        sam.check_status(answer)
        return f"reader answers: {answer.meaning}"
    finally:
        link.close()


__all__ = ["SerialIdCardReader", "SerialLink", "PortGone", "read_card", "check_reader"]
