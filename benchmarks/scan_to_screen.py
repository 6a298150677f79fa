"""``scan_to_screen_p95_ms``: from the last byte of an ID card's frame on the serial line
to the patient's bill screen painted.

One process: the kiosk app (offscreen) against an in-process sandbox on loopback,
its ID-card reader set to ``serial`` on one end of a socat pty pair; a simulated
SAM reader process on the other end. For each sample the app goes to the
identify screen, the simulator is told to lay a card on the reader, and it
reports ``time.monotonic()`` right after writing the last byte of its read-text
answer (the same clock here: both are CLOCK_MONOTONIC on Linux). The sample ends
at the first paint of the bill screen. The reader's poll interval is not in the
figure (it runs before the frame).

Prints one JSON line: ``{"samples_ms": [...], "p95_ms": x, "median_ms": y}``.
Usage: ``python -m benchmarks.scan_to_screen [--samples N]``
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROLES = ("tier1", "tier2", "tier3", "tier4")
WARMUP = 3


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]  # nearest-rank


class Simulator:
    def __init__(self, port: str):
        self.proc = subprocess.Popen([sys.executable, "-m", "kiosk.devices.sam_simulator", "--port", port],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.expect("ready")

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def expect(self, prefix: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.001, deadline - time.monotonic()))
            if line.startswith(prefix):
                return line

    def send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        try:
            self.send("quit")
        except OSError:
            pass
        self.proc.wait(timeout=5)
        self.reader.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scan_to_screen")
    parser.add_argument("--samples", type=int, default=25)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt
    from PySide6.QtTest import QTest

    from kiosk.app import KioskApp
    from kiosk.devices.events import CardRemoved, IdCard
    from kiosk.settings import Settings
    from sandbox.demo_data import demo_card
    from sandbox.server import EmbeddedSandbox
    from sandbox.store.authority import UNBUDGETED

    tmp = Path(tempfile.mkdtemp(prefix="kiosk-bench-scan-"))
    kiosk_tty, device_tty = str(tmp / "ttyKIOSK"), str(tmp / "ttyDEV")
    socat = subprocess.Popen(["socat", f"pty,raw,echo=0,link={kiosk_tty}", f"pty,raw,echo=0,link={device_tty}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sandbox = sim = app = None
    try:
        deadline = time.monotonic() + 10
        while not (os.path.exists(kiosk_tty) and os.path.exists(device_tty)):
            if time.monotonic() > deadline or socat.poll() is not None:
                raise SystemExit("socat did not make its ptys")
            time.sleep(0.01)
        sim = Simulator(device_tty)
        sandbox = EmbeddedSandbox(tmp / "platform.sqlite", authority=UNBUDGETED)  # 28 cards read back to back
        sandbox.start()
        settings = Settings(platform_url=sandbox.url, terminal_id=sandbox.terminal_id,
                            data_dir=str(tmp / "kiosk-data"), printer_pdf_dir=str(tmp / "receipts"),
                            full_screen=False, language="en", id_reader="serial",
                            id_reader_port=kiosk_tty, id_reader_poll_ms=50)
        app = KioskApp(settings, secret=sandbox.secret)
        window = app.window
        qapp = app.qapp

        def wait(condition, what: str, timeout: float = 15.0) -> None:
            limit = time.monotonic() + timeout
            while not condition():
                if time.monotonic() > limit:
                    raise SystemExit(f"timed out waiting for {what} (screen {window.current!r})")
                qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
                time.sleep(0.0005)

        ready = []
        app.ready.connect(lambda: ready.append(True))  # the services and every journey's screens built
        app.show()
        wait(lambda: bool(ready), "the kiosk ready")

        painted: list[float] = []
        removed: list[float] = []

        class PaintWatch(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint and window.current == "bill" and not painted:
                    painted.append(time.monotonic())
                return False

        watch = PaintWatch()
        window.bill.installEventFilter(watch)
        app.bridge.event.connect(lambda e: removed.append(time.monotonic()) if isinstance(e, CardRemoved) else None)

        samples = []
        for i in range(WARMUP + args.samples):
            role = ROLES[i % len(ROLES)]
            QTest.mouseClick(window.home.buttons["pay"], Qt.MouseButton.LeftButton)
            wait(lambda: window.current == "identify", "the identify screen")
            painted.clear()
            sim.send("place " + json.dumps(dataclasses.asdict(IdCard(**demo_card(role))), ensure_ascii=False))
            wait(lambda: bool(painted), "the bill screen painted")
            sent = float(sim.expect("sent read").split()[2])
            if i >= WARMUP:
                samples.append((painted[0] - sent) * 1000)
            count = len(removed)
            sim.send("remove")
            window.go_home()
            wait(lambda count=count: len(removed) > count and window.current == "home", "the card lifted")
        result = {"samples_ms": [round(s, 2) for s in samples], "p95_ms": round(percentile(samples, 95), 2),
                  "median_ms": round(statistics.median(samples), 2)}
        print(json.dumps(result))
        return 0
    finally:
        if app is not None:
            app.shutdown()
        if sim is not None:
            sim.stop()
        if sandbox is not None:
            sandbox.stop()
        socat.terminate()
        socat.wait(timeout=5)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
