"""What every screen shares: a name, re-translation on language change, clearing."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget


class Screen(QWidget):
    """One screen of the journey. Subclasses set ``name`` and implement ``retranslate``.

    ``clear`` must drop every piece of patient data the screen holds or shows.
    """

    name = "screen"

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        """Screens without patient data have nothing to clear."""


def heading(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("heading")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def body_text(parent: QWidget | None = None, name: str = "body") -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def who_text(patient) -> str:
    """Masked name and ID: all any screen ever shows of who is at the kiosk ('' for nobody)."""
    if patient is None:
        return ""
    return QCoreApplication.translate("Screen", "{name}  ID {masked_id}").format(
        name=patient.masked_name, masked_id=patient.masked_id)


def set_optional_text(label: QLabel, text: str) -> None:
    """A message line that takes no room while it has nothing to say."""
    label.setText(text)
    label.setVisible(bool(text))


def big_button(parent: QWidget | None = None, name: str = "primary") -> QPushButton:
    button = QPushButton(parent)
    button.setObjectName(name)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    button.setMinimumHeight(72)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


def set_button_text(button: QPushButton, text: str) -> None:
    """Text and accessible name together, so screen readers say what the button does."""
    button.setText(text)
    button.setAccessibleName(text.replace("&", ""))
