"""Widgets and words more than one journey shows, so that no journey imports another: a
scrolling column, a list of big choices, a read-only table, a grid of figures, the step
that only needs someone identified, the staff number and PIN form (the desk's login, the IT
exit, a supervisor's approval on the refund screen), and the words for a bill's kind and state.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.money import format_cny
from kiosk.ui.base import body_text, set_button_text
from kiosk.ui.kit import WrapButton, make_button, metrics, touch_scroll

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class CardStep:
    """A journey step that only needs someone identified: ``ctx.identification.start(CardStep(fn))``.

    The shared identification calls ``begin(session)`` as it does for a journey.
    """

    def __init__(self, on_identified: Callable[[object], None]):
        self._on_identified = on_identified

    def begin(self, session) -> None:
        self._on_identified(session)


class ScrollColumn(QScrollArea):
    """Widgets one below the other that scroll with a finger (``always``: the bar always shown).
    ``add`` shows a widget at once; ``empty`` removes them all at once (no patient data is left
    behind until the next turn of the event loop)."""

    def __init__(self, parent=None, *, always: bool = False):
        super().__init__(parent)
        touch_scroll(self, always=always)
        self.content = QWidget()
        self.setWidget(self.content)
        self.column = QVBoxLayout(self.content)
        self.column.setSpacing(metrics().gap)

    def add(self, widget: QWidget) -> QWidget:
        self.column.addWidget(widget)
        widget.show()  # at once, not at the next turn of the event loop (a tap may come first)
        return widget

    def label(self, text: str, look: str = "body") -> QLabel:
        label = body_text(self.content, look)
        label.setText(text)
        return self.add(label)

    def empty(self) -> None:
        while self.column.count():
            item = self.column.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().setParent(None)


class ChoiceList(ScrollColumn):
    """A scrolling column of big buttons, one per choice; ``chosen(index)`` on a tap.

    A choice can be shown but not pickable (a full session): it is disabled *and* its
    text says why, so grey is never the only cue.
    """

    chosen = Signal(int)

    def __init__(self, parent=None, name: str = "secondary", lines: int = 3):
        super().__init__(parent)
        m = metrics()
        self._name, self._height = name, m.choice_base + m.choice_line * lines
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.addStretch(1)
        self.buttons: list[QPushButton] = []

    def set_choices(self, texts: Sequence[str], enabled: Sequence[bool] | None = None) -> None:
        """Same number of choices: texts are updated in place (language change)."""
        enabled = enabled if enabled is not None else [True] * len(texts)
        if len(texts) != len(self.buttons):
            for button in self.buttons:
                button.hide()
                button.deleteLater()
            self.buttons = []
            for index in range(len(texts)):
                button = WrapButton(self.content, self._name, lambda _=False, i=index: self.chosen.emit(i),
                                    height=self._height)  # a long choice wraps, never cut
                self.column.insertWidget(index, button)
                button.show()  # a layout would show it only later (queued): taps come at once
                self.buttons.append(button)
        for button, text, ok in zip(self.buttons, texts, enabled):
            set_button_text(button, text)
            button.setEnabled(ok)


def item_table(parent: QWidget, columns: int, name: str, *, row: int | None = None,
               stretch: Sequence[int] = (), fit: Sequence[int] = ()) -> QTableWidget:
    """A table to read (``read_only``) of ``columns`` columns."""
    return read_only(QTableWidget(0, columns, parent), name, row=row, stretch=stretch, fit=fit)


def read_only(table: QTableWidget, name: str, *, row: int | None = None, stretch: Sequence[int] = (),
              fit: Sequence[int] = ()) -> QTableWidget:
    """``table`` to read, not to edit or select in: ``row`` its rows' height, ``stretch`` the
    columns that share the width, ``fit`` the ones as wide as their content (all the others
    when ``fit`` is not given)."""
    table.setObjectName(name)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(row if row is not None else metrics().table_row)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    header = table.horizontalHeader()
    if stretch and not fit:
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in fit:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


def set_row(table: QTableWidget, row: int, cells: Sequence[str], right: Sequence[int] = ()) -> None:
    """One row's texts, in place (a language change keeps the rows); ``right``: the columns of
    amounts, aligned right."""
    for column, text in enumerate(cells):
        item = table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            if column in right:
                item.setTextAlignment(RIGHT)
            table.setItem(row, column, item)
        item.setText(text)


def set_rows(table: QTableWidget, rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> None:
    """All of a table's rows, anew (``set_row`` for each)."""
    table.clearContents()
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        set_row(table, row, cells, right)


class Figures(QGridLayout):
    """Amounts with what they are, in ``pairs`` columns of (words, amount): a bill's total,
    the fund's part, the patient's part..."""

    def __init__(self, parent: QWidget, count: int, pairs: int = 1):
        super().__init__()
        self.labels = [body_text(parent) for _ in range(count)]
        self.values = [body_text(parent, "amount") for _ in range(count)]
        for index, (label, value) in enumerate(zip(self.labels, self.values)):
            value.setAlignment(RIGHT)
            self.addWidget(label, index // pairs, (index % pairs) * 2)
            self.addWidget(value, index // pairs, (index % pairs) * 2 + 1)

    def show_rows(self, rows: Sequence[tuple[str, int]]) -> None:
        """``(words, fen)`` for the first lines; the others empty."""
        for index, (label, value) in enumerate(zip(self.labels, self.values)):
            text, fen = rows[index] if index < len(rows) else ("", None)
            label.setText(text)
            value.setText(format_cny(fen) if fen is not None else "")


# -- staff number and PIN ----------------------------------------------------------------------
#: Refusals the person at the screen corrects on the spot (the form stays, with the message).
LOGIN_REFUSALS = frozenset({"operator_login_failed", "operator_locked", "pin_required", "not_a_cashier",
                            "not_a_supervisor", "not_it_staff", "unavailable"})


class CredentialsForm(QWidget):
    """Staff number and PIN. ``keypad``: on-screen digit keys typing into the field last
    tapped (the kiosk has no keyboard); Enter in the staff number moves to the PIN, Enter
    in the PIN submits."""

    submitted = Signal()
    KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back")

    def __init__(self, keypad: bool = False, parent=None):
        super().__init__(parent)
        self.id_label = body_text(self)
        self.id_field = QLineEdit(self)
        self.id_field.setObjectName("operatorField")
        self.id_field.setMaxLength(16)
        self.id_field.setValidator(QRegularExpressionValidator(r"[A-Za-z0-9-]{0,16}", self.id_field))
        self.id_field.returnPressed.connect(self.pin_field_focus)
        self.pin_label = body_text(self)
        self.pin_field = QLineEdit(self)
        self.pin_field.setObjectName("pinField")
        self.pin_field.setMaxLength(12)
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.setValidator(QRegularExpressionValidator(r"[0-9]{0,12}", self.pin_field))
        self.pin_field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
        self.pin_field.returnPressed.connect(self.submitted)
        self._target = self.id_field
        for field in (self.id_field, self.pin_field):
            field.installEventFilter(self)

        m = metrics()
        fields = QGridLayout()
        fields.setSpacing(m.gap)
        if keypad:  # labels above the fields: the keypad takes the width
            for row, widget in enumerate((self.id_label, self.id_field, self.pin_label, self.pin_field)):
                fields.addWidget(widget, row, 0)
            fields.setRowStretch(4, 1)
        else:
            fields.addWidget(self.id_label, 0, 0)
            fields.addWidget(self.id_field, 0, 1)
            fields.addWidget(self.pin_label, 1, 0)
            fields.addWidget(self.pin_field, 1, 1)
            fields.setColumnStretch(1, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(m.section_gap)
        layout.addLayout(fields, 3)
        self.keys: dict[str, object] = {}
        if keypad:
            grid = QGridLayout()
            grid.setSpacing(m.key_gap)
            for index, key in enumerate(self.KEYS):
                button = make_button(self, "secondary", lambda _=False, k=key: self.press(k), height=m.credentials_key)
                button.setMinimumWidth(m.credentials_key)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing goes on in the field
                grid.addWidget(button, index // 3, index % 3)
                self.keys[key] = button
            layout.addLayout(grid, 2)
        self.retranslate()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == event.Type.FocusIn and watched in (self.id_field, self.pin_field):
            self._target = watched
        return False

    def pin_field_focus(self) -> None:
        self._target = self.pin_field
        self.pin_field.setFocus()

    def press(self, key: str) -> None:
        field = self._target
        if key == "clear":
            field.clear()
        elif key == "back":
            field.backspace()
        elif len(field.text()) < field.maxLength():
            field.insert(key)

    def credentials(self) -> tuple[str, str]:
        return self.id_field.text().strip(), self.pin_field.text()

    def take(self) -> tuple[str, str]:
        """The credentials, and the PIN gone from the field."""
        found = self.credentials()
        self.pin_field.clear()
        return found

    def clear(self) -> None:
        self.id_field.clear()
        self.pin_field.clear()
        self._target = self.id_field

    def retranslate(self) -> None:
        self.id_label.setText(self.tr("Staff number"))
        self.id_field.setAccessibleName(self.tr("Staff number"))
        self.pin_label.setText(self.tr("PIN"))
        self.pin_field.setAccessibleName(self.tr("PIN"))
        for key, button in self.keys.items():
            if key == "clear":
                set_button_text(button, self.tr("Clear"))
            elif key == "back":
                button.setText("⌫")
                button.setAccessibleName(self.tr("Delete the last digit"))
            else:
                set_button_text(button, key)

    def changeEvent(self, event) -> None:
        if event.type() == event.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class SupervisorApproval(QFrame):
    """On the refund screen: a supervisor's staff number and PIN for a refund over the limit.
    Hidden until asked for."""

    submitted = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("approval")
        self.asked = False
        self._limit_text = ""
        self.text = body_text(self, "status")
        self.form = CredentialsForm(keypad=False, parent=self)
        self.form.submitted.connect(self.submitted)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(metrics().gap, metrics().key_gap, metrics().gap, metrics().key_gap)
        layout.addWidget(self.text)
        layout.addWidget(self.form)
        self.hide()
        self.retranslate()

    def ask(self, limit_text: str) -> None:
        self.asked, self._limit_text = True, limit_text
        self.retranslate()
        self.show()
        self.form.id_field.setFocus()

    def take(self) -> tuple[str, str]:
        return self.form.take()

    def reset(self) -> None:
        self.asked = False
        self.form.clear()
        self.hide()

    clear = reset  # for the screen's clear_with

    def retranslate(self) -> None:
        self.text.setText(self.tr("A refund over {limit} needs a supervisor: the supervisor enters their staff "
                                  "number and PIN, then taps Refund.").format(limit=self._limit_text))

    def changeEvent(self, event) -> None:
        if event.type() == event.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


# -- words for bills (colour is never the only cue) ---------------------------------------------
def bill_status_text(bill) -> str:
    if bill.status == "disputed":
        if bill.dispute_answer_due:
            return translate("CreditWords", "disputed (answer by {date})").format(
                date=bill.dispute_answer_due.isoformat())
        return translate("CreditWords", "disputed")
    return {
        "due": translate("CreditWords", "due"),
        "overdue": "⚠ " + translate("CreditWords", "overdue"),
        "paid": "✓ " + translate("CreditWords", "paid"),
    }.get(bill.status, bill.status)


def bill_kind_text(kind: str) -> str:
    return {
        "registration": translate("CreditWords", "Registration"),
        "outpatient": translate("CreditWords", "Outpatient"),
        "inpatient": translate("CreditWords", "Inpatient"),
    }.get(kind, kind)


def money_back_text(template: str, credit_fen: int, outcome) -> str:
    """Where money given back to the credit-care account went (000 art. 17): ``template`` (a
    translated text) with the amount back to the account, off this bill, off the other bills,
    and the balance the financial institution returns."""
    return template.format(credit=format_cny(credit_fen), bill=format_cny(outcome.to_bill_fen),
                           others=format_cny(outcome.to_other_bills_fen), balance=format_cny(outcome.to_balance_fen))
