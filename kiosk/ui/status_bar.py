"""The status bar along the top of every screen: where the patient is and what works.

Left, the hospital's name (at the desk also the cashier logged in: ``setText``/``text`` as the
old header label had); then the terminal's number; the state of each reader the terminal has
(the device manager's states, as the device notice hears them), of the printer (its paper: the
printing back-end's status, asked on a worker every ``PRINTER_POLL_MS`` and when a patient is
about to start), and of the network (the sync engine's online state); on a journey's screens the
time left before the screen is cleared (the idle guard's); and the clock (Asia/Shanghai, to the
minute, woken once a minute at the minute's turn: no timer runs in between).

Every state is words with a sign (✓ works, ⚠ does not): colour is never the only cue. The items
re-flow onto a second line when the window is too narrow for one (``kit.RowLayout``).
"""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy

from kiosk.ui.kit import RowLayout, metrics

log = logging.getLogger("kiosk.ui.status_bar")
translate = QCoreApplication.translate

SHANGHAI = ZoneInfo("Asia/Shanghai")
PRINTER_POLL_MS = 30_000

#: The printer back-ends' states (``printing``: ``EscposBackend.status``, ``CupsBackend.status``,
#: ``PdfFolderBackend.status``) as the patient is told them: ok, no paper, or not working.
PAPER_OUT = frozenset({"paper_out"})
PRINTER_OK = frozenset({"ready", "paper_low", "printing", "unknown"})

_DEVICES = {
    "id-reader": QT_TRANSLATE_NOOP("StatusBar", "ID card reader"),
    "sscard": QT_TRANSLATE_NOOP("StatusBar", "Social-security card reader"),
    "scanner": QT_TRANSLATE_NOOP("StatusBar", "Code scanner"),
}


class StatusBar(QFrame):
    """``paper_changed(bool)``: the printer has run out of paper (True) or has paper again."""

    paper_changed = Signal(bool)

    def __init__(self, place: str, terminal: str, parent=None):
        super().__init__(parent)
        self.setObjectName("header")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.terminal_id = terminal
        self.devices: list = []  # the device manager's DeviceStatus list
        self.printer_state = ""  # the back-end's state, '' before the first answer
        self.online: bool | None = None  # the sync engine's, None before its first word
        self.seconds_left: int | None = None
        self._printer_source = None
        self._tasks = None
        self._asking = False

        m = metrics()
        self.place = self._label("place", place)
        self.terminal = self._label("terminal")
        self.device_labels: dict[str, QLabel] = {}
        self.printer = self._label("printer")
        self.network = self._label("network")
        self.countdown = self._label("countdown")
        self.clock = self._label("clock")
        self.items = RowLayout()
        self.items.setSpacing(m.section_gap)
        layout = QHBoxLayout(self)
        side, _, _ = m.page("standard")
        layout.setContentsMargins(side // 2, m.gap // 2, side // 2, m.gap // 2)
        layout.setSpacing(m.section_gap)
        layout.addWidget(self.place)
        layout.addLayout(self.items, 1)
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._lay_out_items()

        self._minute = QTimer(self, singleShot=True, timeout=self._tick_clock)
        self._printer_timer = QTimer(self, interval=PRINTER_POLL_MS, timeout=self.ask_printer)
        self._idle = None
        self._second = QTimer(self, interval=1000, timeout=self._tick_countdown)
        self._tick_clock()
        self.retranslate()

    def _label(self, name: str, text: str = "") -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        return label

    def _lay_out_items(self) -> None:
        while self.items.count():
            self.items.takeAt(0)
        for label in [self.terminal, *self.device_labels.values(), self.printer, self.network, self.countdown,
                      self.clock]:
            self.items.add(label, 0)

    # -- the old header's interface (the desk's login names the cashier here) ---------------
    def text(self) -> str:
        return self.place.text()

    def setText(self, text: str) -> None:
        self.place.setText(text)

    # -- what it hears ------------------------------------------------------------------------
    def show_devices(self, statuses: list) -> None:
        """The device manager's states (every change, from the device notice)."""
        self.devices = list(statuses)
        names = [s.name for s in self.devices]
        if names != list(self.device_labels):
            for label in self.device_labels.values():
                label.deleteLater()
            self.device_labels = {name: self._label("device") for name in names}
            self._lay_out_items()
        self.retranslate()

    def show_sync(self, status) -> None:
        """The sync engine's status (the offline banner's)."""
        self.online = bool(status.online)
        self.retranslate()

    def watch_printer(self, printer, tasks) -> None:
        """Ask ``printer.status()`` (the services' DocumentPrinter) on ``tasks``' workers now and
        every ``PRINTER_POLL_MS``."""
        self._printer_source, self._tasks = printer, tasks
        self._printer_timer.start()
        self.ask_printer()

    def ask_printer(self) -> None:
        if self._printer_source is None or self._asking:
            return
        self._asking = True
        try:
            self._tasks.run(self._printer_source.status, self._printer_answered, self._printer_failed)
        except RuntimeError:  # shutting down: the pool is closed
            self._asking = False

    def _printer_answered(self, status: dict) -> None:
        self._asking = False
        self.show_printer(str(status.get("state", "unknown")))

    def _printer_failed(self, error: BaseException) -> None:
        self._asking = False
        log.warning("printer status not read: %s", type(error).__name__)
        self.show_printer("unknown")

    def show_printer(self, state: str) -> None:
        was_out = self.paper_out
        self.printer_state = state
        self.retranslate()
        if self.paper_out != was_out:
            self.paper_changed.emit(self.paper_out)

    @property
    def paper_out(self) -> bool:
        return self.printer_state in PAPER_OUT

    @property
    def printer_down(self) -> bool:
        """Out of paper, or not printing for another reason (offline, cover open, stopped)."""
        return bool(self.printer_state) and self.printer_state not in PRINTER_OK

    def follow_idle(self, idle, window) -> None:
        """Show ``idle``'s time left on every screen but home (``window.screen_changed``)."""
        self._idle = idle
        window.screen_changed.connect(self._screen_changed)

    def _screen_changed(self, name: str) -> None:
        if name == "home":
            self.ask_printer()  # the next patient sees the paper's state before starting
        if name == "home" or self._idle is None:
            self._second.stop()
            self.seconds_left = None
        else:
            self._second.start()
            self.seconds_left = self._idle.seconds_left()
        self.retranslate()

    def _tick_countdown(self) -> None:
        left = self._idle.seconds_left() if self._idle is not None else None
        if left is None:
            self._second.stop()
        self.seconds_left = left
        self._say_countdown()

    def _tick_clock(self) -> None:
        now = datetime.now(SHANGHAI)
        self.clock.setText(now.strftime("%H:%M"))
        self.clock.setAccessibleName(now.strftime("%Y-%m-%d %H:%M"))
        self._minute.start((60 - now.second) * 1000 - now.microsecond // 1000 + 20)  # just past the turn

    def stop(self) -> None:
        for timer in (self._minute, self._printer_timer, self._second):
            timer.stop()
        self._printer_source = None

    # -- the words ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.terminal.setText(translate("StatusBar", "Terminal {id}").format(id=self.terminal_id))
        for status in self.devices:
            label = self.device_labels.get(status.name)
            if label is None:
                continue
            what = translate("StatusBar", _DEVICES.get(status.name, status.name))
            if status.state == "lost":
                self._set(label, translate("StatusBar", "⚠ {device}: not working").format(device=what), alert=True)
            elif status.state == "ready":
                self._set(label, translate("StatusBar", "✓ {device}").format(device=what))
            else:
                self._set(label, translate("StatusBar", "{device}: starting").format(device=what))
        if not self.printer_state:
            self._set(self.printer, "")
        elif self.paper_out:
            self._set(self.printer, translate("StatusBar", "⚠ Printer: out of paper"), alert=True)
        elif self.printer_down:
            self._set(self.printer, translate("StatusBar", "⚠ Printer: not working"), alert=True)
        else:
            self._set(self.printer, translate("StatusBar", "✓ Printer"))
        if self.online is None:
            self._set(self.network, "")
        elif self.online:
            self._set(self.network, translate("StatusBar", "✓ Network"))
        else:
            self._set(self.network, translate("StatusBar", "⚠ Network: offline"), alert=True)
        self._say_countdown()

    def _say_countdown(self) -> None:
        left = self.seconds_left
        if left is None:
            self._set(self.countdown, "")
            return
        minutes, seconds = divmod(max(0, left), 60)
        self._set(self.countdown, translate("StatusBar", "Time left {m}:{s:02d}").format(m=minutes, s=seconds))
        self.countdown.setObjectName("countdown")

    def _set(self, label: QLabel, text: str, *, alert: bool = False) -> None:
        if label not in (self.countdown, self.clock, self.terminal, self.place):
            name = "deviceAlert" if alert else "device"
            if label.objectName() != name:
                label.setObjectName(name)
                if label.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):  # else polished when first shown
                    label.style().unpolish(label)
                    label.style().polish(label)
        label.setText(text)
        label.setAccessibleName(text.replace("✓ ", "").replace("⚠ ", ""))
        label.setVisible(bool(text))
        self.items.invalidate()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


#: The journeys that print (a receipt, a slip, a statement): offered without paper only with a word.
PRINTS = frozenset({"pay", "register", "repay", "admit", "discharge", "refund", "shift"})


def printer_notice(ctx, journey) -> bool:
    """Before a journey that prints starts at a kiosk whose printer cannot print: the outcome
    screen says so and offers to go on without a receipt (the service desk prints it later); its
    Done goes back home. True when the notice was shown (the journey waits for the patient)."""
    window = ctx.window
    if journey.key not in PRINTS or not window.header.printer_down or window.settings.mode != "kiosk":
        return False
    from kiosk.ui.outcome import OutcomeText

    out_of_paper = window.header.paper_out

    def render() -> OutcomeText:
        title = (translate("StatusBar", "The printer has run out of paper") if out_of_paper
                 else translate("StatusBar", "The printer is not working"))
        return OutcomeText(title, translate(
            "StatusBar", "This kiosk cannot print your receipt now. You can go on without a paper receipt: the "
            "service desk prints it for you later. Or use another kiosk."), ok=False)

    window.outcome.show_text(render, (lambda: translate("StatusBar", "Go on without a receipt"), journey.start))
    window.show_screen("outcome")
    return True
