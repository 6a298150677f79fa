"""Stand-ins for ESC/POS receipt printers: a TCP listener (a network printer on port 9100,
or the far end of a raw CUPS queue) and the device end of a socat pty pair (a serial
printer). They keep every byte received and answer ``DLE EOT n`` status queries the way a
printer in the chosen ``state`` would.

Each runs one thread, stopped and joined by ``close()`` (the fixtures do it).
"""
from __future__ import annotations

import os
import select
import socket
import threading
import time

# Real-time status answers (Epson ESC/POS): bits 1 and 4 always set.
ANSWERS = {
    "ok": {1: 0x12, 2: 0x12, 4: 0x12},
    "paper_low": {1: 0x12, 2: 0x12, 4: 0x1E},  # near-end sensor (bits 2, 3)
    "paper_out": {1: 0x1A, 2: 0x32, 4: 0x72},  # offline (bit 3); stopped by paper end; paper end (5, 6)
    "cover_open": {1: 0x1A, 2: 0x16, 4: 0x12},  # offline; cover open (bit 2)
    "silent": {},  # never answers
}


class _Printer:
    def __init__(self, state: str = "ok", answer_status: bool = True):
        self.state = state
        self.answer_status = answer_status
        self.received = bytearray()
        self.jobs: list[bytes] = []  # bytes per connection (TCP) or per burst (pty: all in one)
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _answers(self, chunk: bytes, tail: bytes) -> bytes:
        """Answers to the DLE EOT n in ``tail + chunk`` (``tail``: the previous chunk's last bytes)."""
        data = tail + chunk
        out = bytearray()
        start = 0
        while True:
            at = data.find(b"\x10\x04", start)
            if at < 0 or at + 2 >= len(data):
                break
            if at + 2 >= len(tail):  # not already answered with the previous chunk
                answer = ANSWERS[self.state].get(data[at + 2])
                if answer is not None and self.answer_status:
                    out.append(answer)
            start = at + 3
        return bytes(out)

    def _got(self, chunk: bytes) -> None:
        with self._changed:
            self.received += chunk
            self._changed.notify_all()

    def wait_for(self, predicate, timeout: float = 10.0) -> bytes:
        """Wait until ``predicate(received bytes)`` holds; the bytes, or AssertionError."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(bytes(self.received)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"printer did not receive what was expected in {timeout} s "
                                         f"({len(self.received)} bytes so far)")
                self._changed.wait(remaining)
            return bytes(self.received)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            assert not self._thread.is_alive(), "fake printer thread did not stop"


class TcpPrinter(_Printer):
    """Listens on 127.0.0.1 (a free port); one connection at a time, like port 9100."""

    def __init__(self, state: str = "ok", answer_status: bool = True):
        super().__init__(state, answer_status)
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.05)
        self.port = self._server.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, name="fake-printer-tcp", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    conn, _ = self._server.accept()
                except TimeoutError:
                    continue
                with conn:
                    self.connections += 1
                    conn.settimeout(0.05)
                    job, tail = bytearray(), b""
                    while not self._stop.is_set():
                        try:
                            chunk = conn.recv(65536)
                        except TimeoutError:
                            continue
                        except OSError:
                            break
                        if not chunk:
                            break
                        answer = self._answers(chunk, tail)
                        if answer:
                            conn.sendall(answer)
                        tail = (tail + chunk)[-2:]
                        job += chunk
                        self._got(chunk)
                    with self._changed:
                        self.jobs.append(bytes(job))
                        self._changed.notify_all()
        finally:
            self._server.close()

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.jobs) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} connections' jobs, got {len(self.jobs)}")
                self._changed.wait(remaining)
            return list(self.jobs)


class PtyPrinter(_Printer):
    """Reads the device end of a socat pty pair (``path``) and answers on it."""

    def __init__(self, path: str, state: str = "ok", answer_status: bool = True):
        super().__init__(state, answer_status)
        import termios
        import tty

        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(self.fd, termios.TCSANOW)
        self._thread = threading.Thread(target=self._serve, name="fake-printer-pty", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        tail = b""
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([self.fd], [], [], 0.05)
                if not ready:
                    continue
                try:
                    chunk = os.read(self.fd, 65536)
                except BlockingIOError:
                    continue
                except OSError:  # the other end went away
                    break
                if not chunk:
                    continue
                answer = self._answers(chunk, tail)
                if answer:
                    os.write(self.fd, answer)
                tail = (tail + chunk)[-2:]
                self._got(chunk)
        finally:
            os.close(self.fd)
