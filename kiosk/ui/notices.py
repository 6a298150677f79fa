"""Hospital notices while the kiosk stands idle on its home screen.

After ``notices_after_s`` without a touch on the home screen, the notices (one per line of
the ``notices`` setting, or the built-in ones) are shown in turn, ``notice_rotate_s`` each,
large. A tap anywhere goes back to the home screen.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from kiosk.ui.base import Screen
from kiosk.ui.idle import IdleGuard

translate = QCoreApplication.translate


def builtin_notices() -> list[str]:
    return [
        translate("Notices", "Credit-based care: see the doctor first, pay afterwards. Open the service here with "
                             "your ID card."),
        translate("Notices", "Repay on time to keep your credit line: at this kiosk, on your phone or at the "
                             "cashier window."),
        translate("Notices", "Large text for older patients: tap \"Large text\" on the start screen."),
        translate("Notices", "Never tell anyone your payment codes. Hospital staff will never ask for them."),
    ]


class NoticesScreen(Screen):
    name = "notices"
    tapped = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.texts: list[str] = []
        self.index = 0
        self.page(1, "notice:notice", "position:status", 1, "hint:subtitle", density="poster", centred=True,
                  scroll=False)
        self.setAccessibleName(translate("NoticesScreen", "Hospital notices"))
        self.retranslate()

    def show_notices(self, texts: list[str]) -> None:
        self.texts, self.index = texts, 0
        self.retranslate()

    def next(self) -> None:
        if self.texts:
            self.index = (self.index + 1) % len(self.texts)
            self.retranslate()

    def mousePressEvent(self, event) -> None:
        self.tapped.emit()
        event.accept()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Hospital notices"))
        self.notice.setText(self.texts[self.index] if self.texts else "")
        self.position.setText(self.tr("Notice {n} of {count}").format(n=self.index + 1, count=len(self.texts))
                              if len(self.texts) > 1 else "")
        self.hint.setText(self.tr("Tap anywhere to start"))


class Notices(QObject):
    """Shows the notices screen after the home screen stood idle; a tap goes home."""

    shown = Signal()

    def __init__(self, window, settings, parent=None):
        super().__init__(parent or window)
        self.window = window
        self.configured = [line.strip() for line in settings.notices.splitlines() if line.strip()]
        self.screen: NoticesScreen = window.add_screen(NoticesScreen())
        self.screen.tapped.connect(window.go_home)
        self.guard = IdleGuard(settings.notices_after_s * 1000, 1000, self)  # its warning is our cue
        self.guard.warning.connect(self.show)
        self.rotate = QTimer(self, interval=settings.notice_rotate_s * 1000, timeout=self.screen.next)
        window.screen_changed.connect(self._screen_changed)

    def start(self) -> None:
        """Once the journeys are there; from then on, every time the home screen shows."""
        self._screen_changed(self.window.current)

    def _screen_changed(self, name: str) -> None:
        if name == "home":
            self.guard.arm()
        else:
            self.guard.disarm()
        if name != NoticesScreen.name:
            self.rotate.stop()

    def show(self) -> None:
        self.guard.disarm()
        self.screen.show_notices(self.configured or builtin_notices())
        self.window.show_screen(NoticesScreen.name)
        self.window.idle.disarm()  # no patient data here: no countdown either
        self.rotate.start()
        self.shown.emit()

    def shutdown(self) -> None:
        self.guard.disarm()
        self.rotate.stop()
