"""The window: a header, the idle, offline and device banners, and one screen at a time.

Only the home screen is built before the first paint; the other screens are
added when the services are ready (``add_screen``).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.base import Screen
from kiosk.ui.device_notice import DeviceNotice
from kiosk.ui.home import HomeScreen
from kiosk.ui.idle import IdleBanner, IdleGuard
from kiosk.ui.offline import OfflineBanner


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

        self.header = QLabel(settings.hospital_name, self)
        self.header.setObjectName("header")
        self.banner = IdleBanner(self)
        self.offline_banner = OfflineBanner(settings.mode == "desk", self)  # offline mode (ui/offline.py)
        self.device_notice = DeviceNotice(settings.mode == "desk", self)  # a reader down (ui/device_notice.py)
        self.stack = QStackedWidget(self)
        self.screens: dict[str, Screen] = {}
        self.home = self.add_screen(HomeScreen(settings.hospital_name))

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
        self.home.installEventFilter(self)
        self.retranslate()

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
        super().closeEvent(event)
