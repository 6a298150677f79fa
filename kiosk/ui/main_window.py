"""The window: the status bar, the idle, offline and device banners, and one screen at a time.

Only the home screen is built before the first paint; the other screens are
added once the kiosk is usable (``add_screen``; ``KioskApp._finish_boot``).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.base import Screen
from kiosk.ui.device_notice import DeviceNotice
from kiosk.ui.home import HomeScreen
from kiosk.ui.idle import IdleBanner, IdleGuard
from kiosk.ui.offline import OfflineBanner
from kiosk.ui.status_bar import StatusBar


class MainWindow(QMainWindow):
    screen_changed = Signal(str)
    first_paint = Signal()
    cleared = Signal()

    def __init__(self, settings, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("kioskWindow")
        self._painted = False
        self.generation = 0  # +1 each time the window is cleared; late answers for older ones are dropped
        self.close_guard = None  # kiosk lockdown (ui/lockdown.py): a callable saying whether the window may close

        # The status bar (ui/status_bar.py): hospital, terminal, devices, printer, network, time left, clock.
        self.header = StatusBar(settings.hospital_name, settings.terminal_id, self)
        self.banner = IdleBanner(self)
        self.offline_banner = OfflineBanner(settings.mode == "desk", self)  # offline mode (ui/offline.py)
        self.device_notice = DeviceNotice(settings.mode == "desk", self)  # a reader down (ui/device_notice.py)
        self.stack = QStackedWidget(self)
        self.screens: dict[str, Screen] = {}
        self.home = self.add_screen(self._home_screen(settings))

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.device_notice)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.idle = IdleGuard(settings.idle_timeout_s * 1000, settings.idle_warning_s * 1000, self)
        self.idle.warning.connect(self.banner.show_seconds)
        self.idle.activity.connect(self.banner.hide)
        self.idle.expired.connect(self.go_home)
        self.banner.more_time.connect(self.idle.arm)
        self.header.follow_idle(self.idle, self)
        self.device_notice.statuses_changed.connect(self.header.show_devices)
        self.offline_banner.status_changed.connect(self.header.show_sync)
        self.home.installEventFilter(self)
        self.retranslate()

    def services_ready(self, services, tasks) -> None:
        """The services are built: the status bar asks the printer (on ``tasks``' workers), and the
        icons are loaded in the next idle turn (ui/icons.py: the library's import is not paid
        before the kiosk is usable)."""
        from PySide6.QtCore import QTimer

        from kiosk.ui import icons

        self.header.watch_printer(services.printer, tasks)
        QTimer.singleShot(0, icons.load)

    @staticmethod
    def _home_screen(settings) -> Screen:
        """Where every journey starts and ends: the patient's welcome at a kiosk, the cashier's
        work list at the desk (``kiosk/ui/worklist.py``)."""
        if settings.mode == "desk":
            from kiosk.ui.worklist import WorklistScreen

            return WorklistScreen(settings.hospital_name)
        return HomeScreen(settings.hospital_name)

    def add_bar(self, bar: QWidget) -> None:
        """A bar above the screens, on every one of them (the desk's: who is logged in, Log out)."""
        layout = self.centralWidget().layout()
        layout.insertWidget(layout.indexOf(self.stack), bar)

    def add_screen(self, screen: Screen) -> Screen:
        self.stack.addWidget(screen)
        self.screens[screen.name] = screen
        setattr(self, screen.name, screen)
        return screen

    @property
    def current(self) -> str:
        return self.stack.currentWidget().name

    def show_screen(self, name: str) -> None:
        self.stack.setCurrentWidget(self.screens[name])
        if name == "home":
            self.idle.disarm()
            self.banner.hide()
        else:
            self.idle.arm()
        self.screen_changed.emit(name)

    def go_home(self) -> None:
        """Back to the start, leaving none of the patient's data in any widget."""
        self.generation += 1
        for screen in self.screens.values():
            screen.clear()
        self.show_screen("home")
        self.cleared.emit()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Credit-based care kiosk"))

    def changeEvent(self, event):
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched, event):
        if watched is self.home and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self.home.removeEventFilter(self)
            self.first_paint.emit()  # after this paint: the home screen is on the glass
        return False

    def closeEvent(self, event):
        if self.close_guard is not None and not self.close_guard():
            event.ignore()  # Alt+F4 or the window manager's close: the kiosk stays
            return
        self.idle.disarm()
        self.header.stop()
        super().closeEvent(event)
