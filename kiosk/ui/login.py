"""Operator login at the cashier's desk, and the pieces the other operator checks share:
the staff number and PIN form (with an on-screen keypad where there is no keyboard) and the
supervisor's approval on the refund screen.

The platform checks the PIN and counts failures (``kiosk.usecases.operators``) and gives
the desk an operator session, ended at logout. In desk mode with ``operator_login`` on, the
login screen is shown at start, whenever the window is cleared while nobody is logged in,
and after ``operator_idle_s`` without input (the operator is logged out, the patient's data
cleared). A money operation the platform refuses for want of an open shift offers to open
it; one refused because the session ended offers to log in again.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.ui.base import Screen, body_text, set_button_text, set_problem
from kiosk.ui.idle import IdleGuard
from kiosk.ui.journey import error_code
from kiosk.ui.kit import make_button, metrics, primary_button

log = logging.getLogger("kiosk.ui.login")
translate = QCoreApplication.translate

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


class LoginScreen(Screen):
    name = "login"
    login_requested = Signal(str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = CredentialsForm(keypad=False, parent=self)
        self.form.submitted.connect(self._submit)
        self.clear_with(self.form)
        self.login_button = primary_button(self, self._submit)
        self.page("instructions", 1, self.form, "error", "status", self.login_button, 2, density="form")
        self.instructions.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retranslate()

    def _submit(self) -> None:
        if not self.busy:
            operator_id, pin = self.form.take()
            self.login_requested.emit(operator_id, pin)

    def show_error(self, code: str) -> None:
        super().show_error(code)
        self.form.pin_field_focus()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Cashier login"))
        self.instructions.setText(self.tr("Enter your staff number and PIN. The desk logs you out after a while "
                                          "without use."))
        set_problem(self.error, self.error_code)
        self.say_status(self.tr("Checking, please wait…"))
        set_button_text(self.login_button, self.tr("Log in"))
        self.login_button.setEnabled(not self.busy)


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
        layout.setContentsMargins(12, 8, 12, 8)
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


class DeskLogin(QObject):
    """The desk's operator session on the screen: login, idle logout, the operator in the
    header. ``logged_in(operator)`` / ``logged_out(reason)`` for the shift screen and tests."""

    logged_in = Signal(object)
    logged_out = Signal(str)
    _session_ended = Signal(str)  # from a worker: the platform ended the operator's session

    def __init__(self, ctx, idle_s: int):
        super().__init__(ctx.window)
        self.ctx = ctx
        self.desk = ctx.services.desk
        w = ctx.window
        self.hospital = w.header.text()
        self.screen: LoginScreen = w.add_screen(LoginScreen())
        self.screen.login_requested.connect(self.login)
        self.idle = IdleGuard(idle_s * 1000, 1000, self)  # its warning is our cue: no countdown
        self.idle.warning.connect(lambda: self.logout("idle"))
        w.cleared.connect(self._cleared)
        self._session_ended.connect(self._ended_at_the_platform)  # queued: emitted on a worker
        self._listener = self._session_ended.emit
        ctx.services.platform.operator.listeners.append(self._listener)
        log_in_again = (lambda: translate("DeskLogin", "Log in again"), lambda: self.logout("session_ended"))
        ctx.problem_actions.update({
            "shift_not_open": (lambda: translate("DeskLogin", "Open the shift"), self._open_shift),
            "operator_session_expired": log_in_again,
            "operator_session_required": log_in_again,
        })

    def start(self) -> None:
        """After boot: the login screen unless login is off."""
        if self.desk.locked:
            self._show_login()

    def login(self, operator_id: str, pin: str) -> None:
        self.screen.set_busy(True)
        self.ctx.run(lambda: self.desk.authenticate(operator_id, pin), self._logged_in,
                     lambda error: self.screen.show_error(error_code(error)))

    def _logged_in(self, operator) -> None:
        self.desk.operator = operator
        self.screen.clear()
        self.ctx.window.header.setText(f"{self.hospital}  ·  {operator.operator_id} {operator.name}")
        self.idle.arm()
        self.ctx.window.go_home()
        self.logged_in.emit(operator)

    def logout(self, reason: str = "logout") -> None:
        """The operator leaves (or was idle): the patient's data cleared, the login screen shown."""
        self.idle.disarm()
        operator, self.desk.operator = self.desk.operator, None
        if operator is None:
            return
        self.ctx.window.header.setText(self.hospital)
        token = self.desk.end_session()  # no request carries it from now on
        self.ctx.tasks.run(lambda: self.desk.logout(reason, operator.operator_id, token),
                           lambda _none: None, lambda error: log.error("logout not recorded: %s", error))
        self.ctx.window.go_home()  # cleared: shows the login screen
        self.logged_out.emit(reason)

    def _ended_at_the_platform(self, code: str) -> None:
        """The platform says the session has ended (unused too long there, or replaced): the
        login screen, as after the desk's own idle time."""
        if self.desk.operator is not None:
            log.info("operator session ended at the platform: %s", code)
            self.logout("session_ended")

    def _open_shift(self) -> None:
        journeys = getattr(self.ctx, "journeys", None)
        if journeys is not None and "shift" in journeys:
            journeys["shift"].start()

    def _cleared(self) -> None:
        if self.desk.locked:
            self._show_login()

    def _show_login(self) -> None:
        w = self.ctx.window
        w.show_screen(LoginScreen.name)
        w.idle.disarm()  # nothing of a patient's on this screen: no "are you still there?"
        self.screen.form.id_field.setFocus()

    def shutdown(self) -> None:
        self.idle.disarm()
        listeners = self.ctx.services.platform.operator.listeners
        if self._listener in listeners:
            listeners.remove(self._listener)
