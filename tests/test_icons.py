"""The icons: Material Design Icons 6 glyphs from qtawesome's font, painted by the kiosk.

Checked against qtawesome's own painting of the same glyphs (the library, imported here only),
and for what the kiosk was changed for: loading them imports no qtpy (whose star imports build
every class of PySide6's QtCore, QtGui, QtWidgets and QtOpenGL: 23 MB and about 0.2 s).
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage

from kiosk.ui import icons

KEYS = ("pay", "register", "printer", "id_card", "back")


@pytest.fixture(scope="module")
def loaded(qapp):
    assert icons.load()
    return icons


def _pixels(image: QImage) -> list[tuple[int, int, int, int]]:
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return [image.pixelColor(x, y).getRgb() for y in range(image.height()) for x in range(image.width())]


@pytest.mark.parametrize("key", KEYS)
def test_each_icon_is_the_glyph_qtawesome_paints(loaded, key):
    import qtawesome  # the library's own painting, as the reference

    ours = _pixels(icons.pixmap(key, 64, "#ffffff").toImage())
    theirs = _pixels(qtawesome.icon(f"mdi6.{icons.ICONS[key]}", color="#ffffff").pixmap(QSize(64, 64)).toImage())
    painted = sum(1 for p in ours if p[3] > 0)
    assert painted > 200  # a glyph, not an empty square
    differing = sum(1 for a, b in zip(ours, theirs, strict=True) if abs(a[3] - b[3]) > 32)
    assert differing <= painted // 50, f"{differing} of {painted} pixels differ from qtawesome's {key}"


def test_a_disabled_button_shows_its_icon_greyed(loaded):
    icon = icons.icon("pay", "#ffffff")
    normal = icon.pixmap(QSize(64, 64), QIcon.Mode.Normal).toImage()
    disabled = icon.pixmap(QSize(64, 64), QIcon.Mode.Disabled).toImage()
    lit = [(x, y) for y in range(64) for x in range(64) if normal.pixelColor(x, y).alpha() == 255]
    assert lit
    x, y = lit[len(lit) // 2]
    assert normal.pixelColor(x, y).name() == "#ffffff"
    assert disabled.pixelColor(x, y).name() == icons.DISABLED


def test_a_widget_named_before_the_font_loads_gets_its_picture(qtbot, monkeypatch):
    from PySide6.QtWidgets import QPushButton

    monkeypatch.setattr(icons, "_font", None)  # as at start-up: the font comes after the home screen
    button = QPushButton("Pay")
    qtbot.addWidget(button)
    icons.set_icon(button, "pay")
    assert button.icon().isNull()
    assert icons.load()
    assert not button.icon().isNull()
    assert button.text() == "Pay"  # the words stay


def test_a_widget_deleted_before_the_font_loads_is_passed_over(qtbot, monkeypatch):
    """A screen rebuilt or a window closed before the icons came: the others still get theirs."""
    from PySide6.QtWidgets import QLabel, QPushButton, QWidget
    from shiboken6 import delete

    monkeypatch.setattr(icons, "_font", None)
    gone = QWidget()
    label = QLabel(gone)  # kept by this reference, its C++ side deleted with its parent below
    icons.set_icon(label, "printer")
    button = QPushButton("Pay")
    qtbot.addWidget(button)
    icons.set_icon(button, "pay")
    delete(gone)
    assert icons.load()
    assert not button.icon().isNull()


def test_loading_the_icons_imports_no_qtpy():
    code = ("import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]); "
            "from kiosk.ui import icons; assert icons.load(); icons.pixmap('pay', 48); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('qtpy', 'qtawesome') "
            "or m.startswith('PySide6.QtOpenGL')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True)
    assert out.stdout.strip() == "[]"
