"""The window: a header, the idle banner, and one screen at a time."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.base import Screen
from kiosk.ui.bill import BillScreen
from kiosk.ui.home import HomeScreen
from kiosk.ui.identify import IdentifyScreen
from kiosk.ui.idle import IdleBanner, IdleGuard
from kiosk.ui.result import ResultScreen


class MainWindow(QMainWindow):
    screen_changed = Signal(str)
    first_paint = Signal()
    cleared = Signal()

    def __init__(self, settings, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("kioskWindow")
        self._painted = False

        self.header = QLabel(settings.hospital_name, self)
        self.header.setObjectName("header")
        self.banner = IdleBanner(self)
        self.stack = QStackedWidget(self)
        self.home = HomeScreen(settings.hospital_name)
        self.identify = IdentifyScreen(desk_mode=settings.mode == "desk")
        self.bill = BillScreen()
        self.result = ResultScreen()
        self.screens: dict[str, Screen] = {}
        for screen in (self.home, self.identify, self.bill, self.result):
            self.stack.addWidget(screen)
            self.screens[screen.name] = screen

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.idle = IdleGuard(settings.idle_timeout_s * 1000, settings.idle_warning_s * 1000, self)
        QApplication.instance().installEventFilter(self.idle)
        self.idle.warning.connect(self.banner.show_seconds)
        self.idle.activity.connect(self.banner.hide)
        self.idle.expired.connect(self.go_home)
        self.banner.more_time.connect(self.idle.arm)
        self.home.installEventFilter(self)
        self.retranslate()

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
        QApplication.instance().removeEventFilter(self.idle)
        super().closeEvent(event)
