"""Identify the patient: a card on the reader, a code under the scanner, or an ID number typed at the desk.

The screen names every medium the terminal's devices read (``kiosk.domain.media``: the resident ID
card, the social-security card, the medical-insurance e-voucher and the e-health card's QR codes),
each with its picture and where it goes; at a kiosk with an ID-card reader a picture shows the card
laid on the reader, moving while the screen waits (``kiosk/ui/card_animation.py``).
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QWidget

from kiosk.domain.idnumber import suspect_span
from kiosk.ui.base import Screen, body_text, set_button_text, set_optional_text, set_problem
from kiosk.ui.kit import OUTLINE, RowLayout, back_button, button_row, make_button, metrics, primary_button

#: Each medium's name, and where it goes (kiosk.domain.media's keys).
MEDIA_NAMES = {
    "id_card": QT_TRANSLATE_NOOP("IdentifyScreen", "Resident ID card"),
    "ss_card": QT_TRANSLATE_NOOP("IdentifyScreen", "Social-security card"),
    "insurance_qr": QT_TRANSLATE_NOOP("IdentifyScreen", "Medical-insurance e-voucher (QR code)"),
    "health_qr": QT_TRANSLATE_NOOP("IdentifyScreen", "E-health card (QR code)"),
}
MEDIA_PLACES = {
    "id_card": QT_TRANSLATE_NOOP("IdentifyScreen", "Lay it on the card reader below the screen"),
    "ss_card": QT_TRANSLATE_NOOP("IdentifyScreen", "Put it in the social-security card reader"),
    "insurance_qr": QT_TRANSLATE_NOOP("IdentifyScreen", "Hold the code on your phone under the scanner window"),
    "health_qr": QT_TRANSLATE_NOOP("IdentifyScreen", "Hold the code on your phone under the scanner window"),
}
#: The picture of where each medium goes (kiosk/ui/icons.py).
MEDIA_PLACE_ICONS = {"id_card": "reader", "ss_card": "reader", "insurance_qr": "scan", "health_qr": "scan"}

#: What each training card stands for (the demo roles, sandbox/demo_data.py), in the
#: screen's language. A role missing here shows its key: tests/test_training_cards.py
#: fails for it first.
TRAINING_ROLES = {
    "tier1": QT_TRANSLATE_NOOP("TrainingCards", "tier 1 credit"),
    "tier2": QT_TRANSLATE_NOOP("TrainingCards", "tier 2, guardian"),
    "tier3": QT_TRANSLATE_NOOP("TrainingCards", "tier 3, two visits"),
    "tier4": QT_TRANSLATE_NOOP("TrainingCards", "tier 4, extras"),
    "minor": QT_TRANSLATE_NOOP("TrainingCards", "child (guardian)"),
    "arrears": QT_TRANSLATE_NOOP("TrainingCards", "overdue, suspended"),
    "nocredit": QT_TRANSLATE_NOOP("TrainingCards", "credit not opened"),
    "elder": QT_TRANSLATE_NOOP("TrainingCards", "aged 70+, bill due"),
    "inpatient": QT_TRANSLATE_NOOP("TrainingCards", "in hospital"),
    "shortline": QT_TRANSLATE_NOOP("TrainingCards", "line nearly used"),
    "teen": QT_TRANSLATE_NOOP("TrainingCards", "turns 18 soon"),
    "damaged": QT_TRANSLATE_NOOP("TrainingCards", "damaged card"),
}


# Narrow padding: more two-line labels side by side (a RowLayout re-flows them), also in elderly type.
_TRAINING_STYLE = "QPushButton { padding: 4px 8px; min-width: 0px; }"


def training_card_text(role: str) -> str:
    """A training card's label in the current language: what the card stands for. No name,
    not even masked: what the screen shows of a patient is only ever the patient's own."""
    translate = QCoreApplication.translate
    what = translate("TrainingCards", TRAINING_ROLES[role]) if role in TRAINING_ROLES else role
    return translate("TrainingCards", "Demo card:\n{role}").format(role=what)


#: An ID number refused for what it is (kiosk.domain.idnumber): at the desk the typed digits stay,
#: the suspect ones marked (``suspect_span``).
ID_REFUSALS = frozenset({"length", "characters", "birth_date", "checksum"})


class IdentifyScreen(Screen):
    """The card, or at the desk the ID number typed: the field has the keyboard when the screen
    opens, Enter looks the number up, and a number refused for what it is keeps its digits with
    the suspect ones selected (typing replaces them) and said in words."""

    name = "identify"
    id_submitted = Signal(str)
    back_requested = Signal()
    training_card_tapped = Signal(str)  # the demo role of the card

    #: ``typed``: the number last sent from the field; ``marked``: the refusal shown on it
    DATA = {"typed": "", "marked": None}

    def __init__(self, desk_mode: bool, parent=None, media: tuple[str, ...] = ("id_card",)):
        super().__init__(parent)
        self.desk_mode = desk_mode
        self.media = tuple(m for m in media if m in MEDIA_NAMES)
        self.id_field = QLineEdit(self)
        self.id_field.setObjectName("idField")
        self.id_field.setMaxLength(18)
        self.id_field.setValidator(QRegularExpressionValidator(r"[0-9]{0,17}[0-9Xx]?", self.id_field))
        self.id_field.setEchoMode(QLineEdit.EchoMode.Normal)
        self.id_field.returnPressed.connect(self._submit_typed)
        self.clear_with(self.id_field)
        self.lookup_button = primary_button(self, self._submit_typed)
        self.back_button = back_button(self, self.back_requested)

        self.training = QGroupBox(self)
        self.training.setObjectName("training")
        self.training.setStyleSheet(_TRAINING_STYLE)
        self.training_layout = RowLayout(self.training)  # as many side by side as their words let
        self.training.hide()
        self.training_buttons: dict[str, object] = {}  # role -> button (objectName trainingCard-<role>)

        self.animation = None
        if not desk_mode and "id_card" in self.media:  # patients are shown where the card goes
            from kiosk.ui.card_animation import CardAnimation

            self.animation = CardAnimation(self)
        self.media_box = self._media_list()

        typed = button_row([(self.id_field, 3), (self.lookup_button, 1)])
        parts = ["instructions", self.media_box, typed, "hint:error", "status", "error", 1, self.training]
        if self.animation is not None:
            parts.insert(1, self.animation)
        self.page(*parts, density="airy", centred=True, buttons=[self.back_button])
        self.id_field.setVisible(desk_mode)
        self.lookup_button.setVisible(desk_mode)
        self.retranslate()

    def _media_list(self) -> QWidget:
        """One row per medium: its picture, its name, the picture of where it goes, and the words."""
        from kiosk.ui.icons import set_icon

        box = QWidget(self)
        box.setObjectName("mediaList")
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(metrics().gap)
        grid.setVerticalSpacing(metrics().gap)
        side = round(metrics().button * 0.6)
        self.media_names: dict[str, QLabel] = {}
        self.media_places: dict[str, QLabel] = {}
        for row, medium in enumerate(self.media):
            picture = QLabel(box)
            picture.setObjectName(f"mediumIcon-{medium}")
            set_icon(picture, medium, OUTLINE, size=side)
            place = QLabel(box)
            place.setObjectName(f"placeIcon-{medium}")
            set_icon(place, MEDIA_PLACE_ICONS[medium], OUTLINE, size=side)
            name, where = body_text(box, "media"), body_text(box, "media")
            name.setObjectName("mediumName")
            self.media_names[medium], self.media_places[medium] = name, where
            grid.addWidget(picture, row, 0)
            grid.addWidget(name, row, 1)
            grid.addWidget(place, row, 2)
            grid.addWidget(where, row, 3)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 3)
        return box

    def named_media(self) -> list[str]:
        """The media's names as the screen shows them, in order (what a patient reads)."""
        return [self.media_names[m].text() for m in self.media if self.media_names[m].isVisibleTo(self)]

    def add_training_card(self, role: str) -> None:
        """Staff training and demo: a button that lays the demo card of ``role`` on the
        simulated reader (``training_card_tapped``)."""
        # clicked(bool) passes ``checked``: swallowed here, so the role is always the role.
        button = make_button(self.training, f"trainingCard-{role}",
                             lambda _checked=False, role=role: self.training_card_tapped.emit(role),
                             height=metrics().training_card)  # two lines: "Demo card:", then what it stands for
        self.training_layout.add(button)
        self.training_buttons[role] = button
        self._label_training_card(role)
        self.training.show()

    def set_training_enabled(self, enabled: bool) -> None:
        """Off while the ID reader is down: a card laid on it now would not be read."""
        for button in self.training_buttons.values():
            button.setEnabled(enabled)

    def _label_training_card(self, role: str) -> None:
        button = self.training_buttons[role]
        text = training_card_text(role)
        button.setText(text)
        button.setAccessibleName(text.replace("\n", " "))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.desk_mode:
            self.id_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _submit_typed(self) -> None:
        if not self.busy:
            self.typed = self.id_field.text()
            self.id_submitted.emit(self.typed)

    def show_error(self, code: str) -> None:
        """A typed number refused for what it is: its digits stay, the suspect ones selected."""
        typed = self.desk_mode and code in ID_REFUSALS and bool(self.typed) and self.id_field.text() == self.typed
        self.marked = code if typed else None
        super().show_error(code)
        if typed:
            start, length = suspect_span(self.typed, code)
            self.id_field.setFocus(Qt.FocusReason.OtherFocusReason)
            if length:
                self.id_field.setSelection(start, length)  # typing replaces them
            else:
                self.id_field.setCursorPosition(start)

    def _hint(self) -> str:
        """What is wrong with the typed number, and where to look (desk)."""
        if self.marked == "checksum":
            return self.tr("The last character (selected) does not agree with the other 17. A mistake in any "
                           "of the 18 shows up there: compare each digit with the card, correct it, press Enter.")
        if self.marked == "birth_date":
            return self.tr("The birth date (digits 7 to 14, selected) is not a real date. Compare them with the "
                           "card, correct them, press Enter.")
        if self.marked == "length":
            return self.tr("{count} of the 18 characters typed. Type the rest, then press Enter.").format(
                count=len(self.typed))
        if self.marked == "characters":
            return self.tr("The selected character does not belong there: 17 digits, then a digit or X.")
        return ""

    def retranslate(self) -> None:
        self.title.setText(self.tr("Identify yourself"))
        if self.desk_mode:
            self.instructions.setText(
                self.tr("Place the patient's ID card on the reader, or type the ID number.")
            )
        elif len(self.media) > 1:
            self.instructions.setText(self.tr("Use any one of these:"))
        else:
            self.instructions.setText(self.tr("Place your resident ID card on the reader below the screen."))
        translate = QCoreApplication.translate
        for medium in self.media:
            self.media_names[medium].setText(translate("IdentifyScreen", MEDIA_NAMES[medium]))
            self.media_places[medium].setText(translate("IdentifyScreen", MEDIA_PLACES[medium]))
        self.id_field.setPlaceholderText(self.tr("18-character ID number"))
        self.id_field.setAccessibleName(self.tr("ID number"))
        set_button_text(self.lookup_button, self.tr("Look up"))
        set_button_text(self.back_button, self.tr("Back to start"))
        self.training.setTitle(self.tr("Training: demo cards"))
        for role in self.training_buttons:
            self._label_training_card(role)
        self.say_status(self.tr("Reading your details, please wait…"))
        hint = self._hint() if self.error_code == self.marked else ""
        set_optional_text(self.hint, "⚠ " + hint if hint else "")  # a warning sign besides the colour
        set_problem(self.error, None if hint else self.error_code)  # never colour alone
        self.lookup_button.setEnabled(not self.busy)
