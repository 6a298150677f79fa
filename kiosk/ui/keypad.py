"""An on-screen numeric keypad for a phone number: big keys, backspace, clear.

Touch first (keys of at least 80 x 80 px, WCAG asks 44), the physical keyboard
works too: digits type, Backspace deletes, Delete/Escape clears, Enter submits.
The keys never take the focus, so typed keys keep reaching the keypad.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui.base import set_button_text
from kiosk.ui.kit import metrics


class Keypad(QWidget):
    changed = Signal(str)
    submitted = Signal(str)

    def __init__(self, max_length: int = 11, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("keypad")
        self.max_length = max_length
        self._text = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        m = metrics()

        self.display = QLabel(self)
        self.display.setObjectName("keypadDisplay")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setMinimumHeight(m.keypad_key)
        self.display.setTextFormat(Qt.TextFormat.PlainText)
        self.display.setStyleSheet("font-size: 40px; font-weight: bold; letter-spacing: 4px; "
                                   "border: 2px solid #0b5394; border-radius: 8px; background: #ffffff;")

        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(m.gap)
        layout = ["123", "456", "789", ("clear", "0", "back")]
        for row, keys in enumerate(layout):
            for col, key in enumerate(keys):
                button = QPushButton(self)
                button.setObjectName("secondary" if key in ("clear", "back") else "keypadKey")
                button.setMinimumSize(m.keypad_key, m.keypad_key)
                button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.setAutoRepeat(key == "back")
                button.clicked.connect(lambda _=False, k=key: self._press(k))
                grid.addWidget(button, row, col)
                self.keys[key] = button

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(m.gap)
        box.addWidget(self.display)
        box.addLayout(grid)
        self.retranslate()

    # -- the number ---------------------------------------------------------------
    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        digits = "".join(c for c in text if c.isascii() and c.isdigit())[: self.max_length]
        if digits != self._text:
            self._text = digits
            self.changed.emit(digits)
        self._show()

    def clear(self) -> None:
        self.set_text("")

    def _press(self, key: str) -> None:
        if key == "back":
            self.set_text(self._text[:-1])
        elif key == "clear":
            self.clear()
        elif len(self._text) < self.max_length:
            self.set_text(self._text + key)

    def _show(self) -> None:
        t = self._text
        # Grouped 3-4-4 as people read phone numbers aloud.
        self.display.setText(" ".join(p for p in (t[:3], t[3:7], t[7:]) if p))
        self.display.setAccessibleName(t)
        self.keys["back"].setEnabled(bool(t))
        self.keys["clear"].setEnabled(bool(t))

    # -- the physical keyboard -------------------------------------------------------
    def keyPressEvent(self, event) -> None:
        key, text = event.key(), event.text()
        if text and text.isascii() and text.isdigit():
            self._press(text)
        elif key == Qt.Key.Key_Backspace:
            self._press("back")
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Escape):
            self._press("clear")
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit(self._text)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        for key in "0123456789":
            set_button_text(self.keys[key], key)
        set_button_text(self.keys["clear"], self.tr("Clear"))
        self.keys["back"].setText("⌫ " + self.tr("Delete"))
        self.keys["back"].setAccessibleName(self.tr("Delete last digit"))
        self.keys["back"].setToolTip(self.tr("Delete last digit"))
        self.setAccessibleName(self.tr("Phone number keypad"))
        self._show()
