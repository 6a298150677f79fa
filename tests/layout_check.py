"""What the layout test (tests/test_layout.py) checks on a screen, read from the widget tree.

* every visible widget lies inside the window; inside a scroll area, inside its viewport's width
  (the page scrolls up and down, never sideways);
* every label's text fits its width (``QFontMetrics``: ``horizontalAdvance`` per line, or the
  wrapped ``boundingRect`` of a word-wrapped label within its width and height), every button's
  text and icon fit inside its padding and border;
* touch targets (buttons, fields) are at least 44 x 44 px, 60 x 60 px in the elderly mode.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

STANDARD_TARGET, ELDERLY_TARGET = 44, 60


def window_rect(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _bounds(window: QWidget, widget: QWidget) -> tuple[QRect, bool]:
    """Where ``widget`` must lie: the window, or its scroll area's viewport (then only sideways)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
            return window_rect(window, parent), True
        parent = parent.parentWidget()
    return QRect(QPoint(0, 0), window.size()), False


def _button_text(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _label_problem(label: QLabel) -> str:
    text = label.text()
    if not text.strip() or label.textFormat() == Qt.TextFormat.RichText or label.pixmap() and not text:
        return ""
    metrics = QFontMetrics(label.font())
    room = label.contentsRect()
    indent = max(label.indent(), 0) if label.indent() >= 0 else 0
    room.adjust(label.margin() + indent, label.margin(), -label.margin(), -label.margin())
    if label.wordWrap():
        needed = metrics.boundingRect(room, int(label.alignment()) | Qt.TextFlag.TextWordWrap, text)
        if needed.width() > room.width() + 1 or needed.height() > room.height() + 1:
            return f"wrapped text needs {needed.width()}x{needed.height()}, has {room.width()}x{room.height()}"
        return ""
    lines = text.split("\n")
    width = max(metrics.horizontalAdvance(line) for line in lines)
    height = metrics.lineSpacing() * (len(lines) - 1) + metrics.height()
    if width > room.width() + 1 or height > room.height() + 1:
        return f"text needs {width}x{height}, has {room.width()}x{room.height()}"
    return ""


def _button_problem(button: QPushButton) -> str:
    text = _button_text(button.text())
    if not text.strip():
        return ""
    option = QStyleOptionButton()
    button.initStyleOption(option)
    room = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    metrics = QFontMetrics(button.font())
    lines = text.split("\n")
    width = max(metrics.horizontalAdvance(line) for line in lines)
    if not button.icon().isNull():
        width += button.iconSize().width() + 4
    height = metrics.lineSpacing() * (len(lines) - 1) + metrics.height()
    if width > room.width() + 1 or height > room.height() + 1:
        return f"text needs {width}x{height}, has {room.width()}x{room.height()}"
    return ""


def problems(window: QWidget, roots: list[QWidget], *, elderly: bool) -> tuple[list[str], int]:
    """What is wrong with the visible widgets under ``roots`` (and how many widgets were looked at)."""
    least = ELDERLY_TARGET if elderly else STANDARD_TARGET
    found: list[str] = []
    seen = 0
    for root in roots:
        if not root.isVisibleTo(window):
            continue
        for widget in [root, *root.findChildren(QWidget)]:
            if not widget.isVisibleTo(window) or widget.isWindow():
                continue
            seen += 1
            where = f"{type(widget).__name__}#{widget.objectName()}"
            if hasattr(widget, "text") and callable(widget.text) and not isinstance(widget, QLineEdit):
                where += f" {widget.text()[:40]!r}"
            rect = window_rect(window, widget)
            bounds, scrolling = _bounds(window, widget)
            if scrolling:
                outside = rect.left() < bounds.left() or rect.right() > bounds.right()
            else:
                outside = not bounds.contains(rect)
            if outside and widget.width() > 0 and widget.height() > 0:
                found.append(f"{where}: at {rect.getRect()} outside {bounds.getRect()}")
            if isinstance(widget, QLabel) and not _inside_tile(widget):
                problem = _label_problem(widget)
            elif isinstance(widget, QLabel):
                problem = _label_problem(widget)
            elif isinstance(widget, QPushButton) and not hasattr(widget, "words"):
                problem = _button_problem(widget)
            else:
                problem = ""
            if problem:
                found.append(f"{where}: {problem}")
            if isinstance(widget, (QAbstractButton, QLineEdit)) and (widget.width() < least or widget.height() < least):
                found.append(f"{where}: target {widget.width()}x{widget.height()} px < {least} px")
    return found, seen


def _inside_tile(label: QLabel) -> bool:
    return hasattr(label.parentWidget(), "words")
