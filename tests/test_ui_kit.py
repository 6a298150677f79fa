"""The kit the screens are built from (kiosk/ui/kit.py, kiosk/ui/base.py), as a patient meets it:
long content scrolls while the buttons stay on the screen, every size follows the one Metrics
object, the way on takes twice the width of the way back, and clearing leaves nothing behind."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Signal
from PySide6.QtWidgets import QScrollArea

from kiosk.ui.base import Screen, set_button_text
from kiosk.ui.identify import IdentifyScreen
from kiosk.ui.kit import Metrics, back_button, metrics, primary_button, use_metrics


class LongScreen(Screen):
    """A screen with far more lines than fit, and the two usual buttons."""

    name = "long"
    back_requested = Signal()
    LINES = 40

    def __init__(self, parent=None):
        super().__init__(parent)
        self.back_button = back_button(self, self.back_requested)
        self.go_button = primary_button(self)
        self.page("who", *[f"line{i}" for i in range(self.LINES)], buttons=[self.back_button, self.go_button])
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText("A long screen")
        self.who.setText("陈*远  ID 3502**********3414")
        for i in range(self.LINES):
            getattr(self, f"line{i}").setText(f"Line {i} of a bill that goes on and on")
        set_button_text(self.back_button, "Back")
        set_button_text(self.go_button, "Pay")


@pytest.fixture
def long_screen(qtbot):
    screen = LongScreen()
    qtbot.addWidget(screen)
    screen.resize(1024, 600)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def inside(screen, widget) -> bool:
    top_left = widget.mapTo(screen, QPoint(0, 0))
    return QRect(QPoint(0, 0), screen.size()).contains(QRect(top_left, widget.size()))


def test_long_content_scrolls_and_the_buttons_stay_on_the_screen(qtbot, long_screen):
    screen = long_screen
    assert screen.size().height() == 600  # the screen did not grow past the window to fit its lines
    bar = screen.findChild(QScrollArea, "pageScroll").verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # the lines scroll...
    for button in (screen.back_button, screen.go_button):  # ...the buttons do not
        assert button.isVisible() and inside(screen, button)
        assert button.visibleRegion().boundingRect().size() == button.size()
    last = screen.line39
    assert last.visibleRegion().isEmpty()  # below the fold...
    screen.findChild(QScrollArea, "pageScroll").ensureWidgetVisible(last)
    assert bar.value() > 0 and not last.visibleRegion().isEmpty()  # ...until scrolled to


def test_the_way_on_takes_twice_the_width_of_the_way_back(long_screen):
    back, go = long_screen.back_button.width(), long_screen.go_button.width()
    assert abs(go - 2 * back) <= 2 * metrics().page("standard")[2]  # within a gap either way


def test_every_size_follows_the_one_metrics_object(qtbot):
    before = metrics()
    use_metrics(Metrics().scaled(1.5))
    try:
        screen = LongScreen()
        qtbot.addWidget(screen)
        assert screen.back_button.minimumHeight() == 108 and screen.go_button.minimumHeight() == 108  # 72 x 1.5
        margins = screen.layout().contentsMargins()
        assert (margins.left(), margins.top(), screen.layout().spacing()) == (72, 48, 24)  # 48, 32, 16 x 1.5
        bar = screen.findChild(QScrollArea, "pageScroll").verticalScrollBar()
        assert bar.minimumWidth() == 48  # a finger's width, 32 x 1.5
    finally:
        use_metrics(before)
    assert LongScreen().back_button.minimumHeight() == 72


def test_clearing_leaves_nothing_of_the_patient_behind(qtbot):
    screen = IdentifyScreen(desk_mode=True)
    qtbot.addWidget(screen)
    screen.id_field.setText("350206198507223414")
    screen.set_busy(True)
    assert screen.status.text() and not screen.lookup_button.isEnabled()
    screen.show_error("checksum")
    assert screen.error.text().startswith("⚠ This ID number is not valid") and screen.lookup_button.isEnabled()
    screen.clear()
    assert screen.id_field.text() == ""
    assert screen.error.text() == "" and screen.status.text() == ""
    assert screen.lookup_button.isEnabled()
