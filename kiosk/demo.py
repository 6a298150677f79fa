"""``kiosk demo``: the kiosk on its embedded sandbox, and the scripted tour.

The tour walks the journeys the way a patient would (taps on the real
buttons; a card is laid on the simulated reader by tapping its training card,
as staff do), then the cashier's desk (login, shift, refund, reprints, the queue,
late payments), saving a screenshot of every screen and every printed receipt to
one folder. It runs at each size of ``DEMO_SIZES`` (a portrait floor-standing kiosk
and a landscape one): ``1080x1920-07-bill-beyond-line.png``,
``1920x1080-desk-03-refund-list.png``. ``tests/test_layout.py`` walks the same tour
and checks every screen it shows at four sizes, both languages and both modes.
"""
from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtTest import QTest

from kiosk.app import KioskApp
from kiosk.settings import load as load_settings

log = logging.getLogger("kiosk.demo")

STEP_TIMEOUT_MS = 30_000
#: The sizes the tour shows every screen at: a portrait floor-standing kiosk, a landscape one.
DEMO_SIZES: tuple[tuple[int, int], ...] = ((1080, 1920), (1920, 1080))
#: The demo cashier of the sandbox's demo data.
DEMO_CASHIER = ("1001", "246810")


def demo_settings(*, out: Path, work: Path, platform_url: str = "", language: str = "zh_CN",
                  size: tuple[int, int] | None = None, mode: str = "kiosk", tour: bool = True):
    """The settings file's, with the demo's own platform, folders, paper and window."""
    # The settings file still counts (devices: simulated or real, the city's profile...).
    overrides = dict(
        platform_url=platform_url,
        data_dir=str(work),
        printer_backend="pdf-folder",
        printer_pdf_dir=str(out if tour else work / "receipts"),
        language=language,
        mode=mode,
        full_screen=False,  # a window, not a locked-down kiosk: staff leave a demo as they like
    )
    if tour:  # the scripted tour runs unattended (often headless, with no sound card): nobody to speak to
        overrides["voice_prompts"] = "off"
    if size is not None:
        overrides["window_size"] = f"{size[0]}x{size[1]}"
    return load_settings().with_overrides(**overrides)


def run_demo(*, tour: bool, out: Path, platform_url: str = "", language: str = "zh_CN",
             data_dir: Path | None = None, sizes: Sequence[tuple[int, int]] = DEMO_SIZES,
             modes: Sequence[str] = ("kiosk", "desk")) -> int:
    out = out.resolve()
    if not tour:
        return _run(out=out, platform_url=platform_url, language=language, data_dir=data_dir, tour=False)
    out.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        for mode in modes:
            code = _run(out=out, platform_url=platform_url, language=language, data_dir=data_dir, tour=True,
                        size=size, mode=mode)
            if code:
                return code
    shots = sorted(out.glob("*.png"))
    receipts = sorted(out.glob("*.pdf"))
    print(f"Tour done: {len(shots)} screenshots and {len(receipts)} receipts in {out}")
    return 0


def _run(*, out: Path, platform_url: str, language: str, data_dir: Path | None, tour: bool,
         size: tuple[int, int] | None = None, mode: str = "kiosk") -> int:
    work = data_dir or Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    settings = demo_settings(out=out, work=work, platform_url=platform_url, language=language, size=size,
                             mode=mode, tour=tour)
    app = KioskApp(settings)
    result = {"code": 0}
    if tour:
        prefix = f"{size[0]}x{size[1]}-" + ("desk-" if mode == "desk" else "") if size else ""
        runner = Tour(app, out, prefix=prefix)
        runner.finished.connect(lambda code: (result.update(code=code), app.qapp.quit()))
        runner.start()
    app.boot_failed.connect(lambda why: (print(f"kiosk demo: start-up failed: {why}", file=sys.stderr),
                                         result.update(code=1), app.qapp.quit()))
    app.show()
    code = app.qapp.exec()
    app.shutdown()
    if data_dir is None:
        shutil.rmtree(work, ignore_errors=True)
    return result["code"] or code


class Tour(QObject):
    """Runs ``script`` step by step: each ``yield`` gives a condition to wait for."""

    finished = Signal(int)

    def __init__(self, app: KioskApp, out: Path | None, *, prefix: str = "",
                 on_shot: Callable[[str], None] | None = None):
        super().__init__(app)
        self.app, self.out, self.prefix = app, out, prefix
        self.on_shot = on_shot  # instead of saving a picture: tests/test_layout.py checks the screen
        self.shots = 0
        self._steps: Iterator[Callable[[], bool]] | None = None
        self._waiting: Callable[[], bool] | None = None
        self._waited_ms = 0
        self._poll = QTimer(self, interval=20, timeout=self._check)

    def start(self) -> None:
        self._steps = self.desk_script() if self.app.settings.mode == "desk" else self.script()
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
        if self.on_shot is not None:
            self.on_shot(f"{self.prefix}{self.shots:02d}-{name}")
        else:
            self.app.window.grab().save(str(self.out / f"{self.prefix}{self.shots:02d}-{name}.png"))

    def tap(self, button) -> None:
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    def tap_ready(self, button):
        """Wait until the button can be used (its screen may still be loading), then tap it."""
        yield lambda: button.isVisible() and button.isEnabled()
        self.tap(button)

    def language(self, language: str):
        """The home screen's language switch tapped if the screen is not in ``language`` already."""
        if self.app.languages.current != language:
            self.tap(self.app.window.home.language_button)
        yield lambda: self.app.languages.current == language

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
        yield from self.language("en")
        self.shot("home-english")
        yield from self.journey("pay", "minor")
        yield self.on("bill")
        self.shot("bill-minor")
        yield from self.tap_ready(w.bill.confirm_button)
        yield self.on("outcome")
        self.shot("paid-minor")
        yield from self.done()
        yield from self.language("zh_CN")

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
        keyboard = w.dispute_reason.keyboard
        if keyboard is not None:  # a kiosk: the note tapped on the on-screen keyboard, in pinyin
            self.tap(w.dispute_reason.note)
            yield keyboard.isVisible
            for key in "yiyuan":
                self.tap(keyboard.keys[key])
            yield lambda: bool(keyboard.shown_candidates())  # the index is built on a worker
            self.shot("dispute-note")
            self.tap(keyboard.slots[0])
            self.tap(keyboard.keys["done"])
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

    # -- the cashier's desk ----------------------------------------------------------
    def desk_script(self):
        w = self.app.window
        journeys = lambda: self.app.ctx.journeys
        yield lambda: w.current == "login" and self.app.desk_login is not None
        self.shot("login")
        form = w.login.form
        form.id_field.setText(DEMO_CASHIER[0])
        form.pin_field.setText(DEMO_CASHIER[1])
        QTest.keyClick(form.pin_field, Qt.Key.Key_Return)
        yield lambda: w.current == "home" and w.home.buttons["shift"].isEnabled()
        self.shot("home")

        # The day begins: the shift opened.
        shift = journeys()["shift"]
        self.tap(w.home.buttons["shift"])
        yield lambda: shift.screen.open_button.isVisible() and shift.screen.open_button.isEnabled()
        self.shot("shift-closed")
        self.tap(shift.screen.open_button)
        yield lambda: shift.screen.close_button.isVisible() and shift.screen.close_button.isEnabled()
        self.shot("shift-open")
        self.tap(shift.screen.back_button)
        yield self.on("home")

        # An ID number typed wrong, then a bill paid at the window and refunded.
        self.tap(w.home.buttons["pay"])
        yield self.on("identify")
        QTest.keyClicks(w.identify.id_field, "350206198507223415")
        QTest.keyClick(w.identify.id_field, Qt.Key.Key_Return)
        yield lambda: bool(w.identify.hint.text())  # the digits kept, the suspect one marked
        self.shot("identify-typed-wrong")
        w.go_home()
        yield from self.journey("pay", "tier4")
        yield self.on("bill")
        yield from self.tap_ready(w.bill.confirm_button)
        yield self.on("outcome")
        yield from self.done()
        refund = journeys()["refund"]
        yield from self.journey("refund", "tier4")
        yield lambda: w.current == "refund_list" and bool(refund.items)
        self.shot("refund-list")
        self.tap(refund.list_screen.choices.buttons[0])
        yield self.on("refund_entry")
        self.shot("refund-entry")
        refund.entry_screen.approval.ask("￥200.00")  # over the desk's limit: the supervisor's number and PIN
        self.shot("refund-supervisor")
        w.go_home()
        yield self.on("home")

        # The lists the desk keeps.
        for key, screen in (("reprint", "reprint"), ("conflicts", "conflicts"), ("late_payments", "late_payments")):
            self.tap(w.home.buttons[key])
            yield lambda screen=screen: w.current == screen and not w.screens[screen].loading
            self.shot(screen.replace("_", "-"))
            w.go_home()
            yield self.on("home")

        # The day ends: the cash counted, the shift closed, its report.
        self.tap(w.home.buttons["shift"])
        yield lambda: shift.screen.close_button.isVisible() and shift.screen.close_button.isEnabled()
        self.tap(shift.screen.close_button)
        yield lambda: shift.screen.count_field.isVisible()
        QTest.keyClicks(shift.screen.count_field, "0")
        self.shot("shift-count")
        self.tap(shift.screen.confirm_button)
        yield lambda: shift.screen.open_button.isVisible() and shift.screen.open_button.isEnabled()
        self.shot("shift-report")
