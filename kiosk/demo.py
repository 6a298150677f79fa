"""``kiosk demo``: the kiosk on its embedded sandbox, and the scripted tour.

The tour walks the journeys the way a patient would (taps on the real
buttons; a card is laid on the simulated reader by tapping its training card,
as staff do), saving a screenshot of every screen and every printed receipt to
one folder.
"""
from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtTest import QTest

from kiosk.app import KioskApp
from kiosk.settings import load as load_settings

log = logging.getLogger("kiosk.demo")

STEP_TIMEOUT_MS = 30_000


def run_demo(*, tour: bool, out: Path, platform_url: str = "", language: str = "zh_CN",
             data_dir: Path | None = None) -> int:
    work = data_dir or Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    out = out.resolve()
    if tour:
        out.mkdir(parents=True, exist_ok=True)
    # The settings file still counts (devices: simulated or real, the city's profile...);
    # the demo brings its own platform, folders, paper and window.
    settings = load_settings().with_overrides(
        platform_url=platform_url,
        data_dir=str(work),
        printer_backend="pdf-folder",
        printer_pdf_dir=str(out if tour else work / "receipts"),
        language=language,
        mode="kiosk",
        full_screen=False,  # a window, not a locked-down kiosk: staff leave a demo as they like
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

    def tap_ready(self, button):
        """Wait until the button can be used (its screen may still be loading), then tap it."""
        yield lambda: button.isVisible() and button.isEnabled()
        self.tap(button)

    def on(self, screen: str) -> Callable[[], bool]:
        return lambda: self.app.window.current == screen

    def tap_card(self, role: str):
        """Tap the patient's training card on the identify screen, as staff do in training."""
        button = self.app.window.identify.training_buttons.get(role)
        if button is None:
            raise RuntimeError(f"no training card {role!r}: the tour needs a simulated ID reader "
                               "(id_reader = \"simulated\" or \"sam-simulator\")")
        yield from self.tap_ready(button)

    # -- the journeys ----------------------------------------------------------
    def journey(self, key: str, role: str):
        """Tap the journey's home button, then the patient's training card."""
        w = self.app.window
        self.tap(w.home.buttons[key])
        yield self.on("identify")
        yield from self.tap_card(role)

    def pay_by_phone(self):
        """On the payment screen: the demo phone pays (the sandbox's stand-in for the patient's)."""
        w = self.app.window
        yield lambda: w.current in ("payment", "confirm")
        if w.current == "confirm":  # above confirm_above_fen: the amount confirmed first
            yield from self.tap_ready(w.confirm.confirm_button)
        yield lambda: w.current == "payment" and self.app.ctx.payments.payment_id is not None
        self.shot("payment-qr")
        yield from self.tap_ready(w.payment.training_button)

    def done(self):
        w = self.app.window
        self.tap(w.outcome.done_button)
        yield self.on("home")

    def script(self):
        w = self.app.window
        journeys = lambda: self.app.ctx.journeys
        yield lambda: "pay" in w.home.buttons
        self.shot("home")

        # Pay outpatient bills on credit: an adult with two visits, then a minor in English.
        yield from self.journey("pay", "tier3")
        yield self.on("bill")
        self.shot("bill-adult")
        yield from self.tap_ready(w.bill.confirm_button)
        yield self.on("outcome")
        self.shot("paid-adult")
        yield from self.done()
        self.tap(w.home.language_button)
        yield lambda: w.home.language_button.text() == "中文"
        self.shot("home-english")
        yield from self.journey("pay", "minor")
        yield self.on("bill")
        self.shot("bill-minor")
        yield from self.tap_ready(w.bill.confirm_button)
        yield self.on("outcome")
        self.shot("paid-minor")
        yield from self.done()
        self.tap(w.home.language_button)
        yield lambda: w.home.language_button.text() == "English"

        # A bill beyond the line: the rest paid by phone.
        yield from self.journey("pay", "shortline")
        yield self.on("bill")
        self.shot("bill-beyond-line")
        yield from self.tap_ready(w.bill.confirm_button)
        yield from self.pay_by_phone()
        yield self.on("outcome")
        self.shot("paid-with-phone")
        yield from self.done()

        # A suspended service: refused, saying why, and the offer to repay at once.
        yield from self.journey("pay", "arrears")
        yield self.on("bill")
        self.shot("refused-suspended")
        yield from self.tap_ready(w.bill.repay_button)
        repay = journeys()["repay"]
        yield lambda: w.current == "repay" and bool(repay.screen.debts)
        self.shot("repay")
        yield from self.tap_ready(repay.screen.pay_button)
        yield from self.pay_by_phone()
        yield self.on("outcome")
        self.shot("repaid")
        yield from self.done()

        # Credit registration (信用挂号) with its slip: through the HIS's departments and sessions (the saga).
        register = journeys()["register"]
        yield from self.journey("register", "tier1")
        yield lambda: w.current == "register_departments" and bool(register.departments)
        self.shot("register-departments")
        self.tap(register.departments_screen.buttons[0])
        yield lambda: w.current == "register_sessions" and bool(register.sessions)
        self.shot("register-sessions")
        self.tap(register.sessions_screen.choices.buttons[next(
            i for i, s in enumerate(register.sessions) if not s.full)])
        yield self.on("register_confirm")
        yield from self.tap_ready(register.confirm_screen.confirm_button)
        yield self.on("outcome")
        self.shot("registered")
        yield from self.done()

        # Open the credit service: consent, phone, the line by tier.
        yield from self.journey("open", "nocredit")
        yield self.on("credit_consent")
        self.shot("open-consent")
        yield from self.tap_ready(w.credit_consent.agree_button)
        yield self.on("credit_phone")
        self.shot("open-phone")
        yield from self.tap_ready(w.credit_phone.use_button)
        yield self.on("outcome")
        self.shot("opened")
        yield from self.done()

        # Account query: own line and bills, the linked child's.
        query = journeys()["query"]
        yield from self.journey("query", "tier2")
        yield lambda: w.current == "credit_account" and query.overview is not None
        self.shot("query")
        yield from self.tap_ready(w.credit_account.done_button)
        yield self.on("home")

        # Dispute a bill.
        yield from self.journey("dispute", "tier3")
        yield lambda: w.current == "dispute_bill" and bool(w.dispute_bill.bill_buttons)
        self.shot("dispute-bill")
        self.tap(w.dispute_bill.bill_buttons[0])
        yield self.on("dispute_reason")
        self.tap(next(iter(w.dispute_reason.reason_buttons.values())))
        yield from self.tap_ready(w.dispute_reason.submit_button)
        yield self.on("outcome")
        self.shot("disputed")
        yield from self.done()

        # Admission without a deposit, then a discharge with its A4 statement.
        yield from self.journey("admit", "tier4")
        yield lambda: w.current == "admit" and bool(w.admit.buttons)
        self.shot("admit")
        self.tap(w.admit.buttons[0])
        yield self.on("outcome")
        self.shot("admitted")
        yield from self.done()
        discharge = journeys()["discharge"]
        yield from self.journey("discharge", "inpatient")
        yield self.on("discharge")
        self.shot("discharge")
        yield from self.tap_ready(w.discharge.confirm_button)
        yield self.on("confirm")  # a discharge is always confirmed: the amount in figures and in words
        yield from self.tap_ready(w.confirm.confirm_button)
        if discharge.split and discharge.split.shortfall_fen:
            yield from self.pay_by_phone()
        yield self.on("outcome")
        self.shot("discharged")
        yield from self.done()

        # Closing is refused while something is owed (tier1's registration fee).
        yield from self.journey("close", "tier1")
        yield self.on("credit_close")
        yield from self.tap_ready(w.credit_close.confirm_button)
        yield self.on("outcome")
        self.shot("close-refused")
        yield from self.done()

        # Offline (docs/offline.md): the link to the embedded platform is cut (services.link, training
        # only); a bill is paid on credit from the signed snapshot seen a moment ago, queued, and sent
        # once the link is back.
        services = self.app.services
        yield from self.journey("pay", "tier4")  # online: the kiosk keeps the signed snapshot
        yield self.on("bill")
        self.tap(w.bill.back_button)
        yield self.on("home")
        services.link.break_link()
        services.offline.sync.check_now()
        yield lambda: w.offline_banner.offline and w.offline_banner.isVisible()
        yield from self.journey("pay", "tier4")
        yield lambda: w.current == "bill" and w.bill.refusal is None
        self.shot("offline-bill")
        yield from self.tap_ready(w.bill.confirm_button)
        yield self.on("outcome")
        self.shot("settled-offline")
        yield from self.done()
        services.link.restore()
        services.offline.sync.check_now()
        banner = w.offline_banner
        yield lambda: banner.status.online and not banner.status.queued and banner.isVisible()
        self.shot("synced")

        # A damaged card: a clear message, and the patient can try again.
        self.tap(w.home.buttons["pay"])
        yield self.on("identify")
        self.shot("identify")
        yield from self.tap_card("damaged")
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

