"""``kiosk demo``: the kiosk on its embedded sandbox, and the scripted tour.

The tour walks the journeys the way a patient would (taps on the real
buttons, cards laid on the simulated reader), saving a screenshot of every
screen and every printed receipt to one folder.
"""
from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from PySide6.QtCore import QObject, QTimer, Qt, Signal
from PySide6.QtTest import QTest

from kiosk.app import KioskApp
from kiosk.settings import Settings

log = logging.getLogger("kiosk.demo")

STEP_TIMEOUT_MS = 30_000


def run_demo(*, tour: bool, out: Path, platform_url: str = "", language: str = "zh_CN",
             data_dir: Path | None = None) -> int:
    import os

    headless = os.environ.get("QT_QPA_PLATFORM") == "offscreen"
    work = data_dir or Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    out = out.resolve()
    if tour:
        out.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        platform_url=platform_url,
        data_dir=str(work),
        printer_pdf_dir=str(out if tour else work / "receipts"),
        language=language,
        full_screen=not (tour or headless),
    )
    app = KioskApp(settings)
    result = {"code": 0}
    if tour:
        runner = Tour(app, out)
        runner.finished.connect(lambda code: (result.update(code=code), app.qapp.quit()))
        runner.start()
    app.boot_failed.connect(lambda why: (print(f"kiosk demo: start-up failed: {why}", file=sys.stderr),
                                         result.update(code=1), app.qapp.quit()))
    app.show()
    code = app.qapp.exec()
    app.shutdown()
    if data_dir is None:
        shutil.rmtree(work, ignore_errors=True)
    if tour and result["code"] == 0:
        shots = sorted(out.glob("*.png"))
        receipts = sorted(out.glob("*.pdf"))
        print(f"Tour done: {len(shots)} screenshots and {len(receipts)} receipts in {out}")
    return result["code"] or code


class Tour(QObject):
    """Runs ``script`` step by step: each ``yield`` gives a condition to wait for."""

    finished = Signal(int)

    def __init__(self, app: KioskApp, out: Path):
        super().__init__(app)
        self.app, self.out = app, out
        self.shots = 0
        self._steps: Iterator[Callable[[], bool]] | None = None
        self._waiting: Callable[[], bool] | None = None
        self._waited_ms = 0
        self._poll = QTimer(self, interval=20, timeout=self._check)

    def start(self) -> None:
        self.app.window.resize(1280, 800)
        self._steps = self.script()
        self._waiting = lambda: self.app.services is not None
        self._poll.start()

    def _check(self) -> None:
        if self._waiting():
            self._waited_ms = 0
            try:
                self._waiting = next(self._steps)
            except StopIteration:
                self._poll.stop()
                self.finished.emit(0)
            except Exception:
                log.exception("tour step failed")
                self._poll.stop()
                self.finished.emit(1)
            return
        self._waited_ms += self._poll.interval()
        if self._waited_ms > STEP_TIMEOUT_MS:
            self._poll.stop()
            print(f"kiosk demo: tour stuck on screen {self.app.window.current!r}", file=sys.stderr)
            self.finished.emit(1)

    # -- helpers -------------------------------------------------------------
    def shot(self, name: str) -> None:
        self.shots += 1
        self.app.window.grab().save(str(self.out / f"{self.shots:02d}-{name}.png"))

    def tap(self, button) -> None:
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    def on(self, screen: str) -> Callable[[], bool]:
        return lambda: self.app.window.current == screen

    def present(self, role: str) -> None:
        services = self.app.services
        card = services.training_cards.get(role) or _demo_card(role)
        services.reader.present(card)

    # -- the journeys ----------------------------------------------------------
    def script(self):
        w = self.app.window
        yield lambda: "pay" in w.home.buttons
        self.shot("home")

        for role, name in (("tier3", "adult"), ("minor", "minor")):
            self.tap(w.home.buttons["pay"])
            yield self.on("identify")
            if role == "tier3":
                self.shot("identify")
            self.present(role)
            yield self.on("bill")
            self.shot(f"bill-{name}")
            self.tap(w.bill.confirm_button)
            yield self.on("outcome")
            self.shot(f"paid-{name}")
            self.tap(w.outcome.done_button)
            yield self.on("home")
            if role == "tier3":
                self.tap(w.home.language_button)  # the second patient reads English
                yield lambda: w.home.language_button.text() == "中文"
                self.shot("home-english")

        self.tap(w.home.language_button)
        yield lambda: w.home.language_button.text() == "English"

        # An account in arrears: refused, saying why, with a way back.
        self.tap(w.home.buttons["pay"])
        yield self.on("identify")
        self.present("arrears")
        yield self.on("bill")
        self.shot("refused-suspended")
        self.tap(w.bill.back_button)
        yield self.on("home")

        # A damaged card: a clear message, and the patient can try again.
        self.tap(w.home.buttons["pay"])
        yield self.on("identify")
        self.present("damaged")
        yield lambda: bool(w.identify.error.text())
        self.shot("card-unreadable")

        # Walk away: the countdown, then the screen is cleared.
        w.idle.configure(timeout_ms=200, warning_ms=3000)
        w.idle.arm()
        yield lambda: w.banner.isVisible()
        self.shot("idle-countdown")
        w.idle.configure(timeout_ms=200, warning_ms=200)
        self.tap(w.banner.button)  # "more time" restarts the wait, now short
        yield self.on("home")
        self.shot("home-after-idle")
        cfg = self.app.settings
        w.idle.configure(cfg.idle_timeout_s * 1000, cfg.idle_warning_s * 1000)


def _demo_card(role: str):
    """Cards for a platform that is not embedded (the same demo data), and a damaged one."""
    from dataclasses import replace

    from kiosk.devices.events import IdCard
    from sandbox.demo_data import demo_card

    if role == "damaged":  # a card whose number fails the check digit
        card = IdCard(**demo_card("tier1"))
        last = card.id_number[-1]
        return replace(card, id_number=card.id_number[:-1] + ("0" if last != "0" else "1"))
    return IdCard(**demo_card(role))
