"""Accessibility, measured on every screen the app registers, at a kiosk and at the desk, in
the standard and in the elderly mode (适老化, MIIT 2021).

What is measured, per screen, on the widgets a patient can see once the screen is shown
(the window at 1280 x 800, after the stylesheets are applied):

* font size: the pixel size of each text widget's resolved font (``QWidget.font()``, which
  the stylesheet sets), in points at the screen's logical DPI: headings (``QLabel#heading``)
  and the other text. Standard mode: 16.5 pt / 30 pt (the kiosk's own 22 px / 40 px).
  Elderly mode: 18 pt / 30 pt;
* line spacing (elderly mode): the font's line spacing (``QFontMetricsF.lineSpacing``, what Qt
  lays plain-text lines out with) over its pixel size, at least 1.3;
* contrast: WCAG's contrast ratio between the text colour and the background colour of the
  widget's palette after the stylesheet was applied (foreground role against background role,
  in the disabled colour group for a disabled widget), at least 4.5:1. Where a stylesheet sets
  a colour the palette carries it; a background image or gradient would not be seen here;
* touch targets: the size of every visible button and text field, at least 44 x 44 px
  (60 x 60 px in elderly mode); rows of a table that reacts to a tap (picking bills) at least
  as high;
* accessible names: every visible button, text field and table has one;
* no pop-ups: no module of the UI uses a dialog, a message box or a menu;
* colour never the only cue: an error message starts with a sign ("⚠"), checked on the
  screens that show one (the outcome screen and the login screen here).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import SIGNAL
from PySide6.QtGui import QFontMetricsF, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QWidget,
)

STANDARD = {"text_pt": 16.5, "heading_pt": 30.0, "target_px": 44, "line_spacing": None}
ELDERLY = {"text_pt": 18.0, "heading_pt": 30.0, "target_px": 60, "line_spacing": 1.3}
CONTRAST = 4.5
CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)


def luminance(colour) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def font_pt(widget: QWidget) -> float:
    font = widget.font()
    dpi = widget.screen().logicalDotsPerInch()
    return font.pixelSize() * 72 / dpi if font.pixelSize() > 0 else font.pointSizeF()


def font_px(widget: QWidget) -> float:
    font = widget.font()
    return font.pixelSize() if font.pixelSize() > 0 else font.pointSizeF() * widget.screen().logicalDotsPerInch() / 72


def has_text(widget: QWidget) -> bool:
    if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
        return bool(widget.text().strip()) or isinstance(widget, QLineEdit)
    return isinstance(widget, (QTableWidget, QHeaderView))


def tappable(table: QTableWidget) -> bool:
    """Rows that do something when tapped (e.g. picking bills to repay) are touch targets."""
    return any(table.receivers(signal) > 0 for signal in (SIGNAL("cellClicked(int,int)"),
                                                           SIGNAL("itemClicked(QTableWidgetItem*)")))


def colours(widget: QWidget):
    palette = widget.palette()
    group = QPalette.ColorGroup.Active if widget.isEnabled() else QPalette.ColorGroup.Disabled
    return palette.color(group, widget.foregroundRole()), palette.color(group, widget.backgroundRole())


def problems_of(window, screen: QWidget, rules: dict, seen: list | None = None) -> list[str]:
    found = []
    for widget in [screen, *screen.findChildren(QWidget)]:
        if not widget.isVisibleTo(window):
            continue
        if seen is not None:
            seen.append(widget)
        name = f"{screen.objectName() or type(screen).__name__}/{type(widget).__name__}#{widget.objectName()}"
        label = name + (f" {widget.text()[:30]!r}" if hasattr(widget, "text") and callable(widget.text) else "")
        if has_text(widget):
            heading = isinstance(widget, QLabel) and widget.objectName() == "heading"
            least = rules["heading_pt"] if heading else rules["text_pt"]
            if font_pt(widget) + 1e-6 < least:
                found.append(f"{label}: text {font_pt(widget):.1f} pt < {least} pt")
            fg, bg = colours(widget)
            if contrast(fg, bg) < CONTRAST:
                found.append(f"{label}: contrast {contrast(fg, bg):.2f} ({fg.name()} on {bg.name()})")
            if rules["line_spacing"] and isinstance(widget, QLabel):
                spacing = QFontMetricsF(widget.font()).lineSpacing() / font_px(widget)
                if spacing + 1e-6 < rules["line_spacing"]:
                    found.append(f"{label}: line spacing {spacing:.2f} < {rules['line_spacing']}")
        if isinstance(widget, (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox)):
            least = rules["target_px"]
            if widget.width() < least or widget.height() < least:
                found.append(f"{label}: target {widget.width()} x {widget.height()} px < {least} px")
        if isinstance(widget, QTableWidget) and tappable(widget):
            row = widget.verticalHeader().defaultSectionSize()
            if row < rules["target_px"]:
                found.append(f"{label}: rows {row} px < {rules['target_px']} px")
        if isinstance(widget, CONTROLS) and not isinstance(widget, QHeaderView) \
                and not widget.accessibleName().strip() and widget.parent() is not None \
                and not isinstance(widget.parent(), QAbstractItemView):
            found.append(f"{label}: no accessible name")
    return found


def walk(app, rules: dict, seen: list) -> list[str]:
    window = app.window
    found = []
    for screen in window.screens.values():
        window.stack.setCurrentWidget(screen)
        QApplication.processEvents()  # layouts and polish of the screen just shown
        found += problems_of(window, screen, rules, seen)
    found += problems_of(window, window.header, rules)
    window.banner.show_seconds(20)
    QApplication.processEvents()
    found += problems_of(window, window.banner, rules)
    window.banner.hide()
    window.go_home()
    return found


def boot(qtbot, settings, sandbox):
    from kiosk.app import KioskApp

    app = KioskApp(settings, secret=sandbox.secret)
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.ready, timeout=20_000):
        app.show()
    return app


@pytest.fixture(params=["kiosk", "desk"])
def any_app(request, qtbot, kiosk_settings, sandbox):
    app = boot(qtbot, kiosk_settings.with_overrides(mode=request.param), sandbox)
    yield app
    app.shutdown()


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
def test_every_screen_meets_the_rules(any_app, elderly):
    app = any_app
    expected = {"home", "identify", "outcome", "payment"} | ({"login", "shift"} if app.settings.mode == "desk"
                                                             else {"notices"})
    assert expected <= set(app.window.screens)
    w = app.window
    app.elderly.set(elderly)
    assert w.property("elderly") is elderly
    seen: list[QWidget] = []
    problems = walk(app, ELDERLY if elderly else STANDARD, seen)
    assert problems == [], "\n".join(problems)
    # Not a walk through nothing: every screen's visible buttons, fields and texts were measured.
    assert len({w.screens[n] for n in w.screens} & set(seen)) == len(w.screens)
    assert sum(isinstance(x, QAbstractButton) for x in seen) > 30 and sum(isinstance(x, QLabel) for x in seen) > 60


def test_the_kiosks_own_screens_locked_down(qtbot, kiosk_settings, sandbox):
    """The IT exit screen exists only on a locked-down (full-screen) kiosk."""
    app = boot(qtbot, kiosk_settings.with_overrides(full_screen=True, touch_screen=False), sandbox)
    try:
        assert "it_exit" in app.window.screens
        app.window.showNormal()
        app.window.resize(1280, 800)
        for elderly, rules in ((False, STANDARD), (True, ELDERLY)):
            app.elderly.set(elderly)
            app.window.stack.setCurrentWidget(app.window.it_exit)
            QApplication.processEvents()
            assert problems_of(app.window, app.window.it_exit, rules) == []
    finally:
        app.shutdown()


def test_elderly_home_shows_four_journeys_and_more(qtbot, kiosk, taps):
    home = kiosk.window.home
    taps(home.elderly_button)
    assert kiosk.elderly.on and home.elderly_button.text() == "Standard text"
    shown = [key for key, button in home.buttons.items() if button.isVisible()]
    assert shown == ["register", "pay", "repay", "query"] and home.more_button.isVisible()
    assert home.grid.count() == 5
    taps(home.more_button)
    assert all(button.isVisible() for button in home.buttons.values()) and not home.more_button.isVisible()
    taps(home.elderly_button)
    assert not kiosk.elderly.on and kiosk.window.styleSheet() == "" and home.elderly_button.text() == "Large text"


def test_elderly_mode_ends_for_the_next_patient(qtbot, kiosk, taps):
    taps(kiosk.window.home.elderly_button)
    kiosk.window.idle.expired.emit()  # the idle timeout cleared the screen
    assert not kiosk.elderly.on and kiosk.window.property("elderly") is False


def test_errors_carry_a_sign_not_only_a_colour(qtbot, desk):
    w = desk.window
    w.outcome.show_problem("unavailable")
    assert w.outcome.details.text().startswith("⚠")
    desk.desk_login.logout("logout")
    w.login.show_error("operator_login_failed")
    assert w.login.error.text().startswith("⚠")


def test_no_pop_ups():
    ui = Path(__file__).resolve().parent.parent / "kiosk" / "ui"
    used = {path.name: re.findall(r"\b(QDialog|QMessageBox|QMenu|QInputDialog|QToolTip\.show)", path.read_text())
            for path in ui.glob("*.py")}
    assert {name: found for name, found in used.items() if found} == {}


@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
def test_screens_with_a_patient_on_them(qtbot, desk, sandbox_client, elderly, taps):
    """The screens again with what a journey puts on them: bills in a table, choices, the
    refund keypad and the supervisor's approval, the shift figures."""
    from tests.helpers import tap_card
    from tests.test_desk_shift import settle_at_the_lobby

    app, w = desk, desk.window
    rules = ELDERLY if elderly else STANDARD
    app.elderly.set(elderly)
    settle_at_the_lobby(sandbox_client, "tier4")
    found = []

    def start(key: str) -> None:
        if not w.home.buttons[key].isVisible():  # elderly mode: behind "More"
            taps(w.home.more_button)
        taps(w.home.buttons[key])

    def check(name: str) -> None:
        w.stack.setCurrentWidget(w.screens[name])
        QApplication.processEvents()
        found.extend(problems_of(w, w.screens[name], rules))

    start("repay")
    tap_card(qtbot, app, "arrears")
    qtbot.waitUntil(lambda: bool(app.ctx.journeys["repay"].screen.debts), timeout=10_000)
    check("repay")
    w.go_home()
    start("register")
    tap_card(qtbot, app, "tier1")
    qtbot.waitUntil(lambda: w.current == "register_departments" and bool(w.register_departments.buttons),
                    timeout=10_000)
    check("register_departments")
    w.go_home()
    refund = app.ctx.journeys["refund"]
    start("refund")
    tap_card(qtbot, app, "tier4")
    qtbot.waitUntil(lambda: bool(refund.items), timeout=10_000)
    check("refund_list")
    taps(refund.list_screen.choices.buttons[0])
    refund.entry_screen.approval.ask("￥200.00")
    check("refund_entry")
    w.go_home()
    shift = app.ctx.journeys["shift"]
    start("shift")
    qtbot.waitUntil(lambda: shift.screen.close_button.isVisible(), timeout=10_000)  # open since the login
    taps(shift.screen.close_button)
    qtbot.keyClicks(shift.screen.count_field, "0")
    check("shift")  # the count asked, before the close
    with qtbot.waitSignal(shift.closed, timeout=20_000):
        taps(shift.screen.confirm_button)
    check("shift")
    assert found == [], "\n".join(found)
