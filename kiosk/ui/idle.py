"""Idle timeout (WCAG 2.2.1): warn with a countdown and a button for more time,
then clear the patient's data and return home."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout

from kiosk.ui.base import big_button, body_text, set_button_text

_ACTIVITY = {
    QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin,
    QEvent.Type.Wheel, QEvent.Type.TabletPress,
}


class IdleGuard(QObject):
    """Watches user input application-wide while armed.

    ``warning(seconds_left)`` is emitted when the countdown starts and every
    second of it; ``activity`` when a touch ends it; ``expired`` at its end.
    """

    warning = Signal(int)
    activity = Signal()
    expired = Signal()

    def __init__(self, timeout_ms: int, warning_ms: int, parent=None):
        super().__init__(parent)
        self.timeout_ms, self.warning_ms = timeout_ms, warning_ms
        self._armed = False
        self._left_ms = 0
        self._idle = QTimer(self, singleShot=True, timeout=self._start_warning)
        # Precise: a coarse timer's deadline may lie 5 % late, and the status bar shows the time left from it.
        self._idle.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick = QTimer(self, interval=1000, timeout=self._count)

    def configure(self, timeout_ms: int, warning_ms: int) -> None:
        self.timeout_ms, self.warning_ms = timeout_ms, warning_ms

    @property
    def warning_active(self) -> bool:
        return self._tick.isActive()

    def arm(self) -> None:
        """Watch input application-wide. The filter is installed only while armed: on the
        home screen (and at start-up) no event pays for a trip through Python."""
        if not self._armed:
            QApplication.instance().installEventFilter(self)
        self._armed = True
        self._restart()

    def disarm(self) -> None:
        if self._armed:
            QApplication.instance().removeEventFilter(self)
        self._armed = False
        self._idle.stop()
        self._tick.stop()

    def _restart(self) -> None:
        was_warning = self._tick.isActive()
        self._tick.stop()
        self._idle.start(self.timeout_ms)
        if was_warning:
            self.activity.emit()

    def _start_warning(self) -> None:
        self._left_ms = self.warning_ms
        self._tick.setInterval(min(1000, self.warning_ms))
        self._tick.start()
        self.warning.emit(self._seconds_left())

    def seconds_left(self) -> int | None:
        """Seconds until the screen is cleared (the wait, then the countdown); None while disarmed."""
        if self._tick.isActive():
            return self._seconds_left()
        if self._idle.isActive():
            return max(0, -(-(self._idle.remainingTime() + self.warning_ms) // 1000))
        return None

    def _seconds_left(self) -> int:
        return max(0, -(-self._left_ms // 1000))

    def _count(self) -> None:
        self._left_ms -= self._tick.interval()
        if self._left_ms <= 0:
            self.disarm()
            self.expired.emit()
        else:
            self.warning.emit(self._seconds_left())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._armed and event.type() in _ACTIVITY:
            self._restart()
        return False


class IdleBanner(QFrame):
    """The countdown shown inside the window (no pop-up), with a big button for more time."""

    more_time = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("idleBanner")
        self._seconds = 0
        self.text = body_text(self, "idleText")
        self.button = big_button(self, "primary")
        self.button.clicked.connect(self.more_time)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 3)
        layout.addWidget(self.button)  # as wide as its words; the text takes the rest
        self.hide()

    def show_seconds(self, seconds: int) -> None:
        self._seconds = seconds
        self.retranslate()
        self.show()

    def retranslate(self) -> None:
        self.text.setText(self.tr("Are you still there? For your privacy this screen will be cleared "
                                  "in {seconds} seconds.").format(seconds=self._seconds))
        set_button_text(self.button, self.tr("I need more time"))

    def changeEvent(self, event):
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
