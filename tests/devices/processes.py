"""Real peers for device tests: socat pty pairs, the SAM simulator process, an event sink.

Every wait has a deadline and polls a condition; nothing sleeps for a fixed time
to let something happen.
"""
from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, timeout: float = 5.0, interval: float = 0.01, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (make test installs it)")
    return path


class PtyPair:
    """``socat`` joining two ptys: the kiosk opens ``kiosk``, the simulated device ``device``.

    ``unplug`` kills socat (both ptys vanish, as a USB serial adapter pulled out);
    ``plug`` starts it again at the same link paths.
    """

    def __init__(self, folder: Path):
        self.kiosk = str(folder / "ttyKIOSK")
        self.device = str(folder / "ttyDEV")
        self.proc: subprocess.Popen | None = None

    def plug(self) -> None:
        socat = need("socat")
        for link in (self.kiosk, self.device):
            if os.path.lexists(link):
                os.unlink(link)
        self.proc = subprocess.Popen(
            [socat, f"pty,raw,echo=0,link={self.kiosk}", f"pty,raw,echo=0,link={self.device}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_until(lambda: os.path.exists(self.kiosk) and os.path.exists(self.device)
                       or self.proc.poll() is not None, what="socat's pty links")
        except AssertionError:
            self.unplug()
            raise
        if self.proc.poll() is not None:
            raise RuntimeError(f"socat exited: {self.proc.stderr.read().decode(errors='replace')}")

    def unplug(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc.stderr.close()
        self.proc = None

    @property
    def plugged(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class LineProcess:
    """A child process driven by lines on stdin, answering lines on stdout."""

    def __init__(self, argv: list[str], name: str, env: dict[str, str] | None = None):
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, name=f"{name}-stdout", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, prefix: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line starting {prefix!r} within {timeout:g} s; saw {self.seen[-5:]}")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(line)
            if line.startswith(prefix):
                return line
            if line.startswith("error"):
                raise AssertionError(line)

    def next_line(self, timeout: float = 10.0) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line within {timeout:g} s; saw {self.seen[-5:]}") from None
        self.seen.append(line)
        return line

    def send(self, line: str, answer: str = "ok") -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.expect(answer)

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        for stream in (self.proc.stdin, self.proc.stderr):
            try:
                stream.close()
            except (BrokenPipeError, OSError):
                pass
        self._reader.join(timeout=5)
        self.proc.stdout.close()

    def stderr_text(self) -> str:
        return self.proc.stderr.read() if self.proc.poll() is not None else ""


class SamSimulatorProcess(LineProcess):
    """``python -m kiosk.devices.sam_simulator`` on the device end of a pty pair."""

    def __init__(self, port: str):
        super().__init__([sys.executable, "-m", "kiosk.devices.sam_simulator", "--port", port], "sam-sim")
        self.expect("ready")

    def place(self, card) -> None:
        import dataclasses
        import json

        self.send("place " + json.dumps(dataclasses.asdict(card), ensure_ascii=False))

    def remove(self) -> None:
        self.send("remove")

    def fault(self, kind: str, target: str = "read", count: int = 1) -> None:
        self.send(f"fault {kind} {target} {count}")


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """Xvfb on a display number it picks itself (``-displayfd``): ``(process, ":N")``."""
    xvfb = need("Xvfb")
    read_end, write_end = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write_end), "-nolisten", "tcp",
                             "-screen", "0", "1024x768x24"], pass_fds=(write_end,),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        number = b""
        deadline = time.monotonic() + 20
        while not number.endswith(b"\n"):
            import select

            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("Xvfb did not start")
            if select.select([read_end], [], [], 0.2)[0]:
                chunk = os.read(read_end, 16)
                if not chunk:
                    raise RuntimeError("Xvfb did not say its display")
                number += chunk
    except BaseException:
        stop_process(proc)
        raise
    finally:
        os.close(read_end)
    return proc, f":{number.decode().strip()}"


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


class EventSink:
    """A driver's listener that tests can wait on."""

    def __init__(self):
        self.events: queue.Queue = queue.Queue()
        self.all: list[object] = []

    def __call__(self, event: object) -> None:
        self.events.put(event)

    def next(self, timeout: float = 5.0, *, skip: tuple[type, ...] = ()) -> object:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no device event within {timeout:g} s; had {self.all[-6:]}")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            self.all.append(event)
            if not isinstance(event, skip):
                return event

    def wait_for(self, kind: type, timeout: float = 5.0) -> object:
        deadline = time.monotonic() + timeout
        while True:
            event = self.next(max(0.0, deadline - time.monotonic()))
            if isinstance(event, kind):
                return event

    def quiet(self, seconds: float) -> list[object]:
        """Events that arrive within ``seconds`` (to show that nothing more happens)."""
        got = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                got.append(self.events.get(timeout=left))
            except queue.Empty:
                break
        self.all.extend(got)
        return got
