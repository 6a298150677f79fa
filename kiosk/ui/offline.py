"""Offline mode on the screen: the banner, the sync thread's status, the journeys that wait.

The sync engine (``offline_cache/sync.py``) runs on its own thread, started here once the
services are built, and reports a ``SyncStatus`` through ``SyncBridge`` (a queued
signal: the slots run on the GUI thread, which never touches the outbox itself).

The banner sits under the header, like the idle banner:
- offline: the platform is not answering, bills can still be paid on credit within
  limits, and how many payments wait to be sent;
- back online and sending: how many are left; then, for a few seconds, that everything
  was sent;
- at the cashier desk, always: conflicts to resolve and queued writes past their expiry.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout

from kiosk.ui.base import body_text

translate = QCoreApplication.translate

#: Journeys that need the platform: offline, their home button says so instead of starting.
NEEDS_PLATFORM = frozenset({"open", "close", "register", "repay", "refund", "admit", "discharge", "query",
                            "dispute"})
#: ...unless the kiosk settles them with a saga across the HIS and the insurance platform (issue 12): the credit
#: platform down, the part on credit is queued within the offline caps as for an outpatient bill. The journey's
#: use case (an attribute of the services) has its ``saga`` then.
WITH_SAGA = {"register": "registrations", "discharge": "inpatient"}


def waits_for_platform(services, key: str) -> bool:
    """Does the journey ``key`` wait for the (credit) platform while it does not answer?"""
    if key not in NEEDS_PLATFORM:
        return False
    use = getattr(services, WITH_SAGA.get(key, ""), None)
    return getattr(use, "saga", None) is None


def needs_platform_code(services) -> str:
    """The words for a journey that waits for the credit platform (``offline_needs_platform``), as true for this
    kiosk: with the sagas (the HIS and the insurance platform) the bills, the registrations and the discharges still
    queue their part on credit; else (the credit platform alone, or a saga's setting off) the outpatient bills."""
    if all(not waits_for_platform(services, key) for key in WITH_SAGA):
        return "offline_needs_platform"
    return "offline_needs_platform_bills"


SYNCED_NOTICE_MS = 8000
#: The banner's tone (its ``tone`` property, which kiosk.qss colours): amber while anything is
#: wrong, green for "all sent". The ⚠/✓ signs say it too: colour is never the only cue.
TONES = ("alert", "ok")


class SyncBridge(QObject):
    """The sync thread calls ``deliver``; ``status`` is emitted on the GUI thread."""

    status = Signal(object)

    def deliver(self, status) -> None:
        self.status.emit(status)


class OfflineBanner(QFrame):
    status_changed = Signal(object)  # the sync engine's status, each time it comes (the status bar)

    def __init__(self, desk: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.setProperty("tone", "ok")  # the platform answering: no re-polish (QStyle's Python type) for it
        self.desk = desk
        self.status = None
        self._synced_notice = False
        self.text = body_text(self, "offlineText")
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        self._notice_timer = QTimer(self, singleShot=True, interval=SYNCED_NOTICE_MS, timeout=self._end_notice)
        self.hide()

    @property
    def offline(self) -> bool:
        return self.status is not None and not self.status.online

    def show_status(self, status) -> None:
        before = self.status
        if before is not None and before.queued and status.online and not status.queued:
            self._synced_notice = True  # the queue has just been sent
            self._notice_timer.start()
        elif not status.online:
            self._synced_notice = False
        self.status = status
        self.retranslate()
        self.status_changed.emit(status)

    def _end_notice(self) -> None:
        self._synced_notice = False
        self.retranslate()

    def retranslate(self) -> None:
        s = self.status
        lines = []
        if s is not None and not s.online:
            lines.append("⚠ " + translate(
                "OfflineBanner", "Offline: the hospital system is not answering. Bills can still be paid on credit "
                "within limits; {queued} payment(s) waiting to be sent.").format(queued=s.queued))
        elif s is not None and s.queued:
            lines.append(translate("OfflineBanner", "Back online: sending {queued} payment(s) made offline…").format(
                queued=s.queued))
        elif self._synced_notice:
            lines.append("✓ " + translate("OfflineBanner", "Back online: every payment made offline has been sent."))
        if self.desk and s is not None and (s.conflicts or s.expired):
            lines.append("⚠ " + translate(
                "OfflineBanner", "Queue: {conflicts} payment(s) refused by the platform, {expired} waiting too long. "
                "Open \u201cQueue conflicts\u201d.").format(conflicts=s.conflicts, expired=s.expired))
        self.text.setText("\n".join(lines))
        tone = "alert" if lines and lines[0].startswith("⚠") or len(lines) > 1 else "ok"
        if self.property("tone") != tone:
            self.setProperty("tone", tone)
            for widget in (self, self.text):  # the stylesheet's colours for the new tone
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        self.setVisible(bool(lines))

    def changeEvent(self, event):
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def offline_guard(ctx, journey):
    """The home button's action: a journey that needs the platform says so while offline, and one
    that prints says when the printer cannot (``status_bar.printer_notice``)."""

    def start() -> None:
        from kiosk.ui.status_bar import printer_notice

        offline = ctx.services.offline
        if offline is not None and not offline.online and waits_for_platform(ctx.services, journey.key):
            ctx.window.outcome.show_problem(needs_platform_code(ctx.services))
            ctx.window.show_screen("outcome")
            return
        if printer_notice(ctx, journey):  # no paper: said before the patient starts, not after paying
            return
        journey.start()

    return start


def start_sync(app, services) -> SyncBridge | None:
    """Connect the sync engine to the banner and start its thread (stopped by
    ``Services.close``)."""
    offline = services.offline
    if offline is None:
        return None
    bridge = SyncBridge(app)
    bridge.status.connect(app.window.offline_banner.show_status)
    offline.sync.listener = bridge.deliver
    offline.sync.start()
    return bridge
