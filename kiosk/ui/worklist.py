"""The cashier's home at the desk: the work list (desk mode's ``home`` screen; a kiosk's is the
patient's welcome, ``kiosk/ui/home.py``).

What waits for the cashier, each a button to the journey that deals with it: the shift (none
open: no money can be taken), payments made offline that the platform refused (conflicts) or
that still wait to be sent (and when the oldest becomes an alert), documents that did not print,
phone payments that came late and were refunded. Below, every desk journey as an action, the
common ones on F-keys (``kiosk/ui/keys.py``). The list is asked for on a worker each time the
screen shows (``Worklist``); a part the platform did not answer is said to be unchecked, the
rest still shown.

The screen offers what the app asks of a home screen (``add_journey``, ``set_ready``,
``buttons``, the language switch; the elderly switch stays hidden: not at the desk).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.ui.base import Screen, set_button_text, set_optional_text
from kiosk.ui.journey import is_refusal, report_bug
from kiosk.ui.keys import JOURNEY_KEYS, give_key
from kiosk.ui.kit import RowLayout, make_button, metrics, secondary_button

log = logging.getLogger("kiosk.ui.worklist")
translate = QCoreApplication.translate

#: The work list's items, in the order shown, and the journey each one opens.
ITEMS = {"shift": "shift", "conflicts": "conflicts", "expired": "conflicts", "queued": "conflicts",
         "reprints": "reprint", "late": "late_payments"}


@dataclass(frozen=True)
class Work:
    """What waits for the cashier; None where it could not be checked."""

    shift_known: bool = False
    shift: object | None = None  # the open Shift, if any
    conflicts: int | None = None
    queued: int | None = None  # payments made offline not yet sent
    expired: int = 0  # ... of them waiting longer than the alert time
    alert_at: datetime | None = None  # when the oldest of them becomes an alert
    expiry_h: float = 0
    reprints: int | None = None
    late: int | None = None  # phone payments that came late (last 7 days), refunded

    @property
    def unchecked(self) -> bool:
        return not self.shift_known or None in (self.conflicts, self.queued, self.reprints, self.late)

    def count(self, item: str) -> int:
        """How many of ``item`` wait (0: nothing, or not known)."""
        if item == "shift":
            return int(self.shift_known and self.shift is None)
        if item == "queued":
            return (self.queued or 0) - self.expired
        return getattr(self, item) or 0


def gather(services) -> Work:
    """On a worker: each part asked on its own, so one that does not answer leaves the others."""
    found: dict = {}

    def ask(name: str, question: Callable[[], object]) -> None:
        try:
            found[name] = question()
        except Exception as error:  # noqa: BLE001 - the part is shown unchecked; a bug is logged too
            if is_refusal(error):
                log.info("work list: %s not checked (%s)", name, type(error).__name__)
            else:
                report_bug(error, f"the work list's {name}")

    ask("shift", services.shifts.current)
    offline = services.offline
    if offline is not None:
        ask("conflicts", lambda: len(offline.conflicts()))
        ask("queue", offline.status)
    ask("reprints", lambda: len(services.printer.waiting()))
    ask("late", lambda: len(services.payments.late()))
    queue = found.get("queue")
    expiry_s = offline.expiry_s if offline is not None else 0
    return Work(
        shift_known="shift" in found, shift=found.get("shift"),
        conflicts=found.get("conflicts", 0 if offline is None else None),
        queued=queue.queued if queue is not None else (0 if offline is None else None),
        expired=queue.expired if queue is not None else 0,
        alert_at=queue.oldest_at + timedelta(seconds=expiry_s) if queue is not None and queue.oldest_at else None,
        expiry_h=expiry_s / 3600, reprints=found.get("reprints"), late=found.get("late"))


def _time(moment: datetime) -> str:
    return moment.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")


def item_text(item: str, work: Work) -> str:
    """One line of the work list, with a sign where it needs doing now (colour is never the only cue)."""
    count = work.count(item)
    if item == "shift":
        return "⚠ " + translate("Worklist", "No shift is open: open it before taking any money.")
    if item == "conflicts":
        return "⚠ " + translate("Worklist", "{count} payment(s) made offline refused by the platform: settle each "
                                "with the patient.").format(count=count)
    if item == "expired":
        return "⚠ " + translate("Worklist", "{count} payment(s) made offline waiting more than {hours} h to be "
                                "sent: call IT.").format(count=count, hours=f"{work.expiry_h:g}")
    if item == "queued":
        return translate("Worklist", "{count} payment(s) made offline still to be sent; the oldest becomes an alert "
                         "at {time}.").format(count=count, time=_time(work.alert_at) if work.alert_at else "—")
    if item == "reprints":
        return translate("Worklist", "{count} document(s) did not print: reprint them as copies.").format(count=count)
    return translate("Worklist", "{count} phone payment(s) came late in the last 7 days and went back to the "
                     "patient: tell whoever asks.").format(count=count)


class WorklistScreen(Screen):
    """The desk's home: the work list, then the journeys."""

    name = "home"
    language_toggled = Signal()
    elderly_toggled = Signal()  # never: the desk has no elderly mode (its switch stays hidden)
    item_chosen = Signal(str)  # the journey's key

    DATA = {"work": None}

    def __init__(self, hospital: str, parent=None):
        super().__init__(parent)
        self.hospital = hospital
        self.language = "zh_CN"
        self._ready = False
        self.buttons: dict[str, QPushButton] = {}
        self._titles: dict[str, Callable[[], str]] = {}
        self.items: dict[str, QPushButton] = {}
        items = QVBoxLayout()
        items.setSpacing(metrics().gap)
        for item in ITEMS:
            button = secondary_button(self, lambda _=False, item=item: self.item_chosen.emit(ITEMS[item]))
            button.hide()
            items.addWidget(button)
            self.items[item] = button
        self.grid = RowLayout()  # the journeys: as many side by side as their words let
        self.grid.setSpacing(metrics().gap)
        self.language_button = secondary_button(self, self.language_toggled)
        self.elderly_button = secondary_button(self, self.elderly_toggled)
        self.elderly_button.hide()
        self.more_button = secondary_button(self)
        self.more_button.hide()
        self.page("state", "status", items, "actions", self.grid, 1,
                  buttons=[self.language_button, (self.elderly_button, 1)])
        self.retranslate()

    # -- what the app asks of a home screen ------------------------------------------------
    def add_journey(self, key: str, title: Callable[[], str], start: Callable[[], None]) -> QPushButton:
        button = make_button(self, "secondary", start)
        if key in JOURNEY_KEYS:
            give_key(button, JOURNEY_KEYS[key])
        self.grid.add(button)
        button.show()  # tappable now, not a loop turn later
        self.buttons[key] = button
        self._titles[key] = title
        self.retranslate()
        return button

    def limit_journeys(self, keys: list[str] | None) -> None:
        """The patient's fewer choices (elderly mode) are not the cashier's: every desk journey stays."""

    def set_elderly(self, on: bool) -> None:
        """Not at the desk."""

    def set_ready(self, ready: bool) -> None:
        self._ready = ready
        self.retranslate()

    # -- the work list ---------------------------------------------------------------------
    def show_work(self, work: Work) -> None:
        self.show_items(work=work)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Desk work list"))
        work = self.work
        shift = work.shift if work is not None else None
        set_optional_text(self.state, self.tr("Shift {number} open since {time}.").format(
            number=shift.number, time=_time(shift.opened_at)) if shift is not None else "")
        for item, button in self.items.items():
            shown = work is not None and work.count(item) > 0
            button.setVisible(shown)
            if shown:
                set_button_text(button, item_text(item, work))
        if not self._ready:
            status = self.tr("Starting, one moment please…")
        elif self.loading:
            status = self.tr("Checking what is waiting…")
        elif work is None:
            status = ""
        elif work.unchecked:
            status = "⚠ " + self.tr("Part of the list could not be checked: the platform is not answering. It is "
                                    "checked again each time you come back here.")
        elif not any(work.count(item) for item in ITEMS):
            status = "✓ " + self.tr("Nothing is waiting.")
        else:
            status = ""
        set_optional_text(self.status, status)
        self.actions.setText(self.tr("Start a journey (its key, or Tab and Enter):"))
        for key, button in self.buttons.items():
            set_button_text(button, self._titles[key]())
        set_button_text(self.language_button, "English" if self.language == "zh_CN" else "中文")


class Worklist(QObject):
    """Asks for the work list each time the desk's home shows with someone at the desk (on a
    worker); an item tapped, or Enter on it, starts its journey as the journey's own button does."""

    loaded = Signal(object)  # Work, for tests

    def __init__(self, ctx):
        super().__init__(ctx.window)
        self.ctx = ctx
        self.screen: WorklistScreen = ctx.window.home
        self.screen.item_chosen.connect(self.open)
        ctx.window.screen_changed.connect(self._shown)

    def _shown(self, name: str) -> None:
        if name == self.screen.name:
            self.refresh()

    def refresh(self) -> None:
        services = self.ctx.services
        if services.desk is None or services.desk.locked:
            return  # nobody at the desk: the login screen follows
        self.screen.show_loading(work=self.screen.work)  # the last list stays while it is asked again
        self.ctx.run(lambda: gather(services), self._loaded, lambda error: self.screen.show_items())

    def _loaded(self, work: Work) -> None:
        self.screen.show_work(work)
        self.loaded.emit(work)

    def open(self, key: str) -> None:
        button = self.screen.buttons.get(key)
        if button is not None and button.isEnabled():
            button.click()
