"""Operator login at the cashier's desk. The staff number and PIN form it shares with the
IT exit and the supervisor's approval on the refund screen is in ``kiosk/ui/widgets.py``.

The platform checks the PIN and counts failures (``kiosk.usecases.operators``) and gives
the desk an operator session, ended at logout. In desk mode with ``operator_login`` on, the
login screen is shown at start, whenever the window is cleared while nobody is logged in,
and after ``operator_idle_s`` without input (the operator is logged out, the patient's data
cleared). A money operation the platform refuses for want of an open shift offers to open
it; one refused because the session ended offers to log in again.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout

from kiosk.ui.base import Screen, body_text, set_button_text, set_problem
from kiosk.ui.idle import IdleGuard
from kiosk.ui.journey import error_code
from kiosk.ui.keys import LOGOUT_KEY, DeskKeys, give_key
from kiosk.ui.kit import metrics, primary_button, secondary_button
from kiosk.ui.widgets import CredentialsForm
from kiosk.ui.worklist import Worklist

log = logging.getLogger("kiosk.ui.login")
translate = QCoreApplication.translate

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


class DeskBar(QFrame):
    """Above every desk screen while someone is logged in: who, and Log out (its key too)."""

    logout_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("deskBar")
        self.operator = None
        self.who = body_text(self, "status")
        self.logout_button = give_key(secondary_button(self, self.logout_requested), LOGOUT_KEY)
        self.logout_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stays in the screen
        row = QHBoxLayout(self)
        side, _, gap = metrics().page("standard")
        row.setContentsMargins(side, gap // 2, side, 0)
        row.addWidget(self.who, 1)
        row.addWidget(self.logout_button)
        self.hide()
        self.retranslate()

    def show_operator(self, operator) -> None:
        self.operator = operator
        self.setVisible(operator is not None)
        self.retranslate()

    def retranslate(self) -> None:
        o = self.operator
        self.who.setText(self.tr("Cashier {name} (staff number {operator_id})").format(
            name=o.name, operator_id=o.operator_id) if o is not None else "")
        set_button_text(self.logout_button, self.tr("Log out"))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.LanguageChange:
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
        # The desk at keyboard speed: its keys, its home's work list, Log out on every screen.
        self.worklist = Worklist(ctx)
        self.bar = DeskBar()
        self.bar.logout_requested.connect(lambda: self.logout("logout"))
        w.add_bar(self.bar)
        self.keys = DeskKeys(w, lambda: self.logout("logout"), lambda: self.desk.operator is not None)

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
        self.bar.show_operator(operator)
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
        self.bar.show_operator(None)
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
        self.keys.shutdown()
        listeners = self.ctx.services.platform.operator.listeners
        if self._listener in listeners:
            listeners.remove(self._listener)
