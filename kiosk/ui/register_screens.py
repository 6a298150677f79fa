"""The screens of credit registration: department, session, confirm; my registrations and
cancelling one. Screens show what they are given and emit what the patient chose; the
journey (``kiosk/ui/register.py``) does the rest.
"""
from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain import clock
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text, who_text
from kiosk.ui.i18n import pick
from kiosk.ui.messages import message_for

translate = QCoreApplication.translate


# -- shared pieces ----------------------------------------------------------------------------

class ChoiceList(QScrollArea):
    """A scrolling column of big buttons, one per choice; ``chosen(index)`` on a tap.

    A choice can be shown but not pickable (a full session): it is disabled *and* its
    text says why, so grey is never the only cue.
    """

    chosen = Signal(int)

    def __init__(self, parent=None, name: str = "secondary", lines: int = 3):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._name, self._height = name, 40 + 34 * lines
        self._inner = QWidget(self)
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(12)
        self._layout.addStretch(1)
        self.setWidget(self._inner)
        self.buttons: list[QPushButton] = []

    def set_choices(self, texts: list[str], enabled: list[bool] | None = None) -> None:
        """Same number of choices: texts are updated in place (language change)."""
        enabled = enabled if enabled is not None else [True] * len(texts)
        if len(texts) != len(self.buttons):
            for button in self.buttons:
                button.hide()
                button.deleteLater()
            self.buttons = []
            for index in range(len(texts)):
                button = big_button(self._inner, self._name)
                button.setMinimumHeight(self._height)
                button.clicked.connect(lambda _=False, i=index: self.chosen.emit(i))
                self._layout.insertWidget(index, button)
                button.show()  # a layout would show it only later (queued): taps come at once
                self.buttons.append(button)
        for button, text, ok in zip(self.buttons, texts, enabled):
            set_button_text(button, text)
            button.setEnabled(ok)


def period_text(period: str) -> str:
    return translate("Register", "Morning") if period == "AM" else translate("Register", "Afternoon")


def day_text(day) -> str:
    today = clock.business_date(clock.now())
    if day == today:
        return translate("Register", "Today")
    if day == today + timedelta(days=1):
        return translate("Register", "Tomorrow")
    names = (translate("Register", "Monday"), translate("Register", "Tuesday"), translate("Register", "Wednesday"),
             translate("Register", "Thursday"), translate("Register", "Friday"), translate("Register", "Saturday"),
             translate("Register", "Sunday"))
    return names[day.weekday()]


def when_text(s) -> str:
    return translate("Register", "{day} {date} · {period} {time}").format(
        day=day_text(s.date), date=s.date.isoformat(), period=period_text(s.period), time=s.time_slot)


def doctor_text(s) -> str:
    return translate("Register", "Dr {doctor} · {title}").format(doctor=s.doctor, title=s.doctor_title) \
        if s.doctor_title else translate("Register", "Dr {doctor}").format(doctor=s.doctor)


def line_text(account) -> str:
    if account is None:
        return translate("Register", "Credit service not opened")
    if account.status != "active":
        return translate("Register", "Credit service suspended · available {available}").format(
            available=format_cny(account.available_fen))
    return translate("Register", "Credit available {available} of {line}").format(
        available=format_cny(account.available_fen), line=format_cny(account.line_fen))


def _page(screen: Screen):
    layout = QVBoxLayout(screen)
    layout.setContentsMargins(48, 32, 48, 32)
    layout.setSpacing(16)
    return layout


# -- 1. department ----------------------------------------------------------------------------

class DepartmentScreen(Screen):
    name = "register_departments"
    department_chosen = Signal(int)
    mine_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session = None
        self.departments: tuple = ()
        self._loading = False
        self.title = heading(self)
        self.who = body_text(self, "who")
        self.line = body_text(self)
        self.status = body_text(self, "status")
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        self.buttons: list[QPushButton] = []
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        self.mine_button = big_button(self, "secondary")
        self.mine_button.clicked.connect(self.mine_requested)
        layout = _page(self)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addWidget(self.line)
        layout.addWidget(self.status)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.back_button, 1)
        row.addWidget(self.mine_button, 1)
        layout.addLayout(row)
        self.retranslate()

    def show_loading(self, session) -> None:
        self.session, self.departments, self._loading = session, (), True
        self._build()

    def show_departments(self, session, departments) -> None:
        self.session, self.departments, self._loading = session, tuple(departments), False
        self._build()

    def _build(self) -> None:
        for button in self.buttons:
            button.hide()
            button.deleteLater()
        self.buttons = []
        for index, _ in enumerate(self.departments):
            button = big_button(self, "primary")
            button.setMinimumHeight(96)
            button.clicked.connect(lambda _=False, i=index: self.department_chosen.emit(i))
            self.grid.addWidget(button, index // 3, index % 3)
            button.show()
            self.buttons.append(button)
        self.retranslate()

    def clear(self) -> None:
        self.session, self.departments, self._loading = None, (), False
        self._build()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Choose a department"))
        self.who.setText(who_text(self.session.patient if self.session else None))
        self.line.setText(line_text(self.session.account) if self.session else "")
        for button, dept in zip(self.buttons, self.departments):
            set_button_text(button, pick(dept.name, dept.name_en))
        set_optional_text(self.status, self.tr("Loading, please wait…") if self._loading else "")
        set_button_text(self.back_button, self.tr("Back to start"))
        set_button_text(self.mine_button, self.tr("My registrations (cancel)"))


# -- 2. session -------------------------------------------------------------------------------

class SessionScreen(Screen):
    name = "register_sessions"
    session_chosen = Signal(int)
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.department = None
        self.sessions: tuple = ()
        self._loading = False
        self.title = heading(self)
        self.status = body_text(self, "status")
        self.choices = ChoiceList(self)
        self.choices.chosen.connect(self._chosen)
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        self.home_button = big_button(self, "secondary")
        self.home_button.clicked.connect(self.home_requested)
        layout = _page(self)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.choices, 1)
        row = QHBoxLayout()
        row.addWidget(self.home_button, 1)
        row.addWidget(self.back_button, 1)
        layout.addLayout(row)
        self.retranslate()

    def show_loading(self, department) -> None:
        self.department, self.sessions, self._loading = department, (), True
        self.retranslate()

    def show_sessions(self, department, sessions) -> None:
        self.department, self.sessions, self._loading = department, tuple(sessions), False
        self.retranslate()

    def _chosen(self, index: int) -> None:
        if 0 <= index < len(self.sessions) and not self.sessions[index].full:
            self.session_chosen.emit(index)

    def clear(self) -> None:
        self.department, self.sessions, self._loading = None, (), False
        self.retranslate()

    def session_text(self, s) -> str:
        first = doctor_text(s)
        second = when_text(s) + "  " + self.tr("Room {room}").format(room=s.room)
        if s.full:
            third = self.tr("Full — no numbers left · fee {fee}").format(fee=format_cny(s.fee_fen))
        else:
            third = self.tr("Fee {fee} · {left} of {total} numbers left").format(
                fee=format_cny(s.fee_fen), left=s.slots_left, total=s.slots_total)
        return "\n".join((first, second, third))

    def retranslate(self) -> None:
        d = self.department
        self.title.setText(self.tr("{department}: choose a doctor and time").format(
            department=pick(d.name, d.name_en)) if d else self.tr("Choose a doctor and time"))
        if self._loading:
            status = self.tr("Loading, please wait…")
        elif d is not None and not self.sessions:
            status = self.tr("No clinic sessions in the next three days. Please choose another department.")
        else:
            status = ""
        set_optional_text(self.status, status)
        self.choices.set_choices([self.session_text(s) for s in self.sessions], [not s.full for s in self.sessions])
        set_button_text(self.back_button, self.tr("Other department"))
        set_button_text(self.home_button, self.tr("Back to start"))


# -- 3. confirm -------------------------------------------------------------------------------

class ConfirmScreen(Screen):
    name = "register_confirm"
    confirm_requested = Signal()
    repay_requested = Signal()
    open_requested = Signal()  # come of age: open their own credit service
    back_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session = None
        self.department = None
        self.clinic = None
        self.pay = "credit"
        self.reason: str | None = None
        self._busy = False
        self._can_repay = False
        self._can_open = False
        self.title = heading(self)
        self.who = body_text(self, "who")
        self.details = body_text(self)
        self.fee = body_text(self, "who")
        self.line = body_text(self)
        self.notice = body_text(self, "status")
        self.status = body_text(self, "status")
        self.confirm_button = big_button(self, "primary")
        self.confirm_button.clicked.connect(self._confirm)
        self.repay_button = big_button(self, "secondary")
        self.repay_button.clicked.connect(self.repay_requested)
        self.open_button = big_button(self, "secondary")
        self.open_button.clicked.connect(self.open_requested)
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        layout = _page(self)
        for w in (self.title, self.who, self.details, self.fee, self.line, self.notice, self.status):
            layout.addWidget(w)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.back_button, 1)
        row.addWidget(self.repay_button, 1)
        row.addWidget(self.open_button, 1)
        row.addWidget(self.confirm_button, 2)
        layout.addLayout(row)
        self.retranslate()

    def show_choice(self, session, department, clinic, pay: str, reason: str | None, can_repay: bool,
                    can_open: bool = False) -> None:
        """``reason``: why the fee is paid now. ``guardian_line_ended`` (come of age) also offers
        to open their own service (``can_open``)."""
        self.session, self.department, self.clinic = session, department, clinic
        self.pay, self.reason, self._can_repay, self._can_open, self._busy = pay, reason, can_repay, can_open, False
        self.retranslate()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.retranslate()

    def _confirm(self) -> None:
        if not self._busy and self.clinic is not None:
            self.confirm_requested.emit()

    def clear(self) -> None:
        self.session = self.department = self.clinic = None
        self.pay, self.reason, self._busy, self._can_repay, self._can_open = "credit", None, False, False, False
        self.retranslate()

    def _reason_text(self) -> str:
        texts = {
            "no_credit_service": self.tr("You have not opened the credit service, so the fee is paid now "
                                         "with your phone."),
            "account_suspended": self.tr("Your credit service is suspended because a bill is overdue, so the fee "
                                         "is paid now with your phone. You can also repay first."),
            "repay_first": self.tr("Your credit line is used up or a bill is overdue, so the fee is paid now "
                                   "with your phone. You can also repay first."),
            "insufficient_line": self.tr("Your available credit is less than the fee, so the fee is paid now "
                                         "with your phone."),
            "guardian_line_ended": message_for("guardian_line_ended"),  # as the bill says it
        }
        return texts.get(self.reason, "") if self.pay == "channel" else ""

    def retranslate(self) -> None:
        self.title.setText(self.tr("Confirm your registration"))
        c, d = self.clinic, self.department
        self.who.setText(who_text(self.session.patient if self.session else None))
        self.details.setText("\n".join((
            pick(d.name, d.name_en), doctor_text(c), when_text(c),
            self.tr("Room {room}").format(room=c.room))) if c and d else "")
        self.fee.setText(self.tr("Registration fee {fee}").format(fee=format_cny(c.fee_fen)) if c else "")
        self.line.setText(line_text(self.session.account) if self.session else "")
        set_optional_text(self.notice, self._reason_text())
        set_optional_text(self.status, self.tr("Registering, please wait…") if self._busy else "")
        if self.pay == "credit":
            set_button_text(self.confirm_button, self.tr("Register on credit"))
        else:
            set_button_text(self.confirm_button, self.tr("Pay now {fee}").format(
                fee=format_cny(c.fee_fen) if c else ""))
        self.confirm_button.setEnabled(c is not None and not self._busy)
        set_button_text(self.repay_button, self.tr("Repay first"))
        self.repay_button.setVisible(self._can_repay and self.reason in ("account_suspended", "repay_first"))
        set_button_text(self.open_button, self.tr("Open my own credit service"))
        self.open_button.setVisible(self._can_open and self.reason == "guardian_line_ended")
        self.open_button.setEnabled(not self._busy)
        set_button_text(self.back_button, self.tr("Back"))
        self.back_button.setEnabled(not self._busy)


# -- my registrations, cancelling one ------------------------------------------------------

def started(r) -> bool:
    return r.session is not None and r.session.starts_at <= clock.now()


def registration_text(r, departments=()) -> str:
    """``departments``: to name the department in the UI language (the platform lists
    registrations with the Chinese name only)."""
    s = r.session
    parts = []
    if s is not None:
        names = {d.department_id: pick(d.name, d.name_en) for d in departments}
        parts.append(when_text(s))
        parts.append(" · ".join(p for p in (names.get(s.department_id, r.department), doctor_text(s)) if p))
    else:  # listed from its bill: no session details
        parts.append(translate("Register", "Registration {reference}").format(reference=r.reference))
        if r.registered_at is not None:
            parts.append(translate("Register", "Registered on {when}").format(
                when=r.registered_at.astimezone(clock.BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")))
    details = [translate("Register", "Fee {fee}").format(fee=format_cny(r.fee_fen))]
    if r.queue_number:
        details.insert(0, translate("Register", "No. {queue}").format(queue=r.queue_number))
    if started(r):  # in words, not just a grey button
        details.append(translate("Register", "Started: ask at the registration desk"))
    parts.append(" · ".join(details))
    return "\n".join(parts)


class MyRegistrationsScreen(Screen):
    name = "register_mine"
    registration_chosen = Signal(int)
    back_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.registrations: tuple = ()
        self.departments: tuple = ()
        self._loading = False
        self.title = heading(self)
        self.explain = body_text(self)
        self.status = body_text(self, "status")
        self.choices = ChoiceList(self)
        self.choices.chosen.connect(self.registration_chosen)
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        layout = _page(self)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        layout.addWidget(self.status)
        layout.addWidget(self.choices, 1)
        layout.addWidget(self.back_button)
        self.retranslate()

    def show_loading(self) -> None:
        self.registrations, self._loading = (), True
        self.retranslate()

    def show_registrations(self, registrations, departments=()) -> None:
        self.registrations, self.departments, self._loading = tuple(registrations), tuple(departments), False
        self.retranslate()

    def clear(self) -> None:
        self.registrations, self.departments, self._loading = (), (), False
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("My registrations"))
        self.explain.setText(self.tr("Tap a registration to cancel it. A registration can be cancelled until "
                                     "its session starts."))
        if self._loading:
            status = self.tr("Loading, please wait…")
        elif not self.registrations:
            status = self.tr("You have no registrations to cancel.")
        else:
            status = ""
        set_optional_text(self.status, status)
        self.choices.set_choices([registration_text(r, self.departments) for r in self.registrations],
                                 [not started(r) for r in self.registrations])
        set_button_text(self.back_button, self.tr("Back"))


class CancelScreen(Screen):
    name = "register_cancel"
    cancel_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.registration = None
        self.departments: tuple = ()
        self._busy = False
        self.title = heading(self)
        self.details = body_text(self)
        self.effect = body_text(self, "who")
        self.status = body_text(self, "status")
        self.cancel_button = big_button(self, "primary")
        self.cancel_button.clicked.connect(self._cancel)
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        layout = _page(self)
        for w in (self.title, self.details, self.effect, self.status):
            layout.addWidget(w)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.back_button, 1)
        row.addWidget(self.cancel_button, 1)
        layout.addLayout(row)
        self.retranslate()

    def show_registration(self, registration, departments=()) -> None:
        self.registration, self.departments, self._busy = registration, tuple(departments), False
        self.retranslate()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.retranslate()

    def _cancel(self) -> None:
        if not self._busy and self.registration is not None:
            self.cancel_requested.emit()

    def clear(self) -> None:
        self.registration, self.departments, self._busy = None, (), False
        self.retranslate()

    def retranslate(self) -> None:
        r = self.registration
        self.title.setText(self.tr("Cancel this registration?"))
        self.details.setText(registration_text(r, self.departments) if r else "")
        if r is None:
            effect = ""
        elif r.paid_fen and not r.booked_fen:
            effect = self.tr("The fee {fee} goes back to the account you paid from.").format(
                fee=format_cny(r.fee_fen))
        else:
            effect = self.tr("The fee {fee} goes back to your credit line.").format(fee=format_cny(r.fee_fen))
        self.effect.setText(effect)
        set_optional_text(self.status, self.tr("Cancelling, please wait…") if self._busy else "")
        set_button_text(self.cancel_button, self.tr("Cancel registration"))
        self.cancel_button.setEnabled(r is not None and not self._busy)
        set_button_text(self.back_button, self.tr("Keep it"))
        self.back_button.setEnabled(not self._busy)
