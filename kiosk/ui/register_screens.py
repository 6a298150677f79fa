"""The screens of credit registration: department, session, confirm; my registrations and
cancelling one. Screens show what they are given and emit what the patient chose; the
journey (``kiosk/ui/register.py``) does the rest.
"""
from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton

from kiosk.domain import clock
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_optional_text, who_text
from kiosk.ui.i18n import pick
from kiosk.ui.kit import WrapButton, back_button, metrics, primary_button, secondary_button
from kiosk.ui.messages import PAY_PHONE, message_for
from kiosk.ui.widgets import ChoiceList

translate = QCoreApplication.translate


# -- words ---------------------------------------------------------------------------------------

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


# -- 1. department ----------------------------------------------------------------------------

class DepartmentScreen(Screen):
    name = "register_departments"
    department_chosen = Signal(int)
    mine_requested = Signal()
    back_requested = Signal()
    DATA = {"session": None, "departments": ()}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = QGridLayout()
        self.grid.setSpacing(metrics().wide_gap)
        self.buttons: list[QPushButton] = []
        self.back_button = back_button(self, self.back_requested)
        self.mine_button = secondary_button(self, self.mine_requested)
        self.page("who", "line", "status", self.grid, 1, buttons=[self.back_button, self.mine_button])
        self.render()

    def show_departments(self, session, departments) -> None:
        self.show_items(session=session, departments=tuple(departments))

    def built_from(self):
        return self.departments

    def build(self) -> None:
        """One button per department."""
        for button in self.buttons:
            button.hide()
            button.deleteLater()
        self.buttons = []
        for index, _ in enumerate(self.departments):
            button = WrapButton(self, "primary", lambda _=False, i=index: self.department_chosen.emit(i),
                                height=metrics().grid_choice)  # a long name wraps (English, elderly type)
            self.grid.addWidget(button, index // 3, index % 3)
            button.show()
            self.buttons.append(button)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Choose a department"))
        self.who.setText(who_text(self.session.patient if self.session else None))
        self.line.setText(line_text(self.session.account) if self.session else "")
        for button, dept in zip(self.buttons, self.departments):
            set_button_text(button, pick(dept.name, dept.name_en))
        self.say_status()
        set_button_text(self.back_button, self.tr("Back to start"))
        set_button_text(self.mine_button, self.tr("My registrations (cancel)"))


# -- 2. session -------------------------------------------------------------------------------

class SessionScreen(Screen):
    name = "register_sessions"
    session_chosen = Signal(int)
    back_requested = Signal()
    home_requested = Signal()
    DATA = {"department": None, "sessions": ()}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choices = ChoiceList(self)
        self.choices.chosen.connect(self._chosen)
        self.back_button = back_button(self, self.back_requested)
        self.home_button = back_button(self, self.home_requested)
        self.page("status", (self.choices, 1), buttons=[self.home_button, self.back_button])
        self.retranslate()

    def show_sessions(self, department, sessions) -> None:
        self.show_items(department=department, sessions=tuple(sessions))

    def _chosen(self, index: int) -> None:
        if 0 <= index < len(self.sessions) and not self.sessions[index].full:
            self.session_chosen.emit(index)

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
        self.say_status(empty=self.tr("No clinic sessions in the next three days. Please choose another "
                                      "department."), nothing=d is not None and not self.sessions)
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
    DATA = {"session": None, "department": None, "clinic": None, "pay": "credit", "reason": None,
            "can_repay": False, "can_open": False}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.confirm_button = primary_button(self, self._confirm)
        self.repay_button = secondary_button(self, self.repay_requested)
        self.open_button = secondary_button(self, self.open_requested)
        self.back_button = back_button(self, self.back_requested)
        self.page("who", "details", "fee:who", "line", "notice:status", "status", 1,
                  buttons=[self.back_button, self.repay_button, self.open_button, self.confirm_button])
        self.retranslate()

    def show_choice(self, session, department, clinic, pay: str, reason: str | None, can_repay: bool,
                    can_open: bool = False) -> None:
        """``reason``: why the fee is paid now. ``guardian_line_ended`` (come of age) also offers
        to open their own service (``can_open``)."""
        self.show_items(session=session, department=department, clinic=clinic, pay=pay, reason=reason,
                        can_repay=can_repay, can_open=can_open)

    def _confirm(self) -> None:
        if not self.busy and self.clinic is not None:
            self.confirm_requested.emit()

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
        if self.pay == "channel" and self.reason and self.reason.startswith("offline_"):
            return message_for(self.reason, PAY_PHONE)  # the credit platform down: the offline caps, as for a bill
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
        self.say_status(self.tr("Registering, please wait…"))
        if self.pay == "credit":
            set_button_text(self.confirm_button, self.tr("Register on credit"))
        else:
            set_button_text(self.confirm_button, self.tr("Pay now {fee}").format(
                fee=format_cny(c.fee_fen) if c else ""))
        self.confirm_button.setEnabled(c is not None and not self.busy)
        set_button_text(self.repay_button, self.tr("Repay first"))
        self.repay_button.setVisible(self.can_repay and self.reason in ("account_suspended", "repay_first"))
        set_button_text(self.open_button, self.tr("Open my own credit service"))
        self.open_button.setVisible(self.can_open and self.reason == "guardian_line_ended")
        self.open_button.setEnabled(not self.busy)
        set_button_text(self.back_button, self.tr("Back"))
        self.back_button.setEnabled(not self.busy)


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
    DATA = {"registrations": (), "departments": ()}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choices = ChoiceList(self)
        self.choices.chosen.connect(self.registration_chosen)
        self.back_button = back_button(self, self.back_requested)
        self.page("explain", "status", (self.choices, 1), buttons=[self.back_button])
        self.retranslate()

    def show_registrations(self, registrations, departments=()) -> None:
        self.show_items(registrations=tuple(registrations), departments=tuple(departments))

    def retranslate(self) -> None:
        self.title.setText(self.tr("My registrations"))
        self.explain.setText(self.tr("Tap a registration to cancel it. A registration can be cancelled until "
                                     "its session starts."))
        self.say_status(empty=self.tr("You have no registrations to cancel."), nothing=not self.registrations)
        self.choices.set_choices([registration_text(r, self.departments) for r in self.registrations],
                                 [not started(r) for r in self.registrations])
        set_button_text(self.back_button, self.tr("Back"))


class CancelScreen(Screen):
    name = "register_cancel"
    cancel_requested = Signal()
    back_requested = Signal()
    DATA = {"registration": None, "departments": ()}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.cancel_button = primary_button(self, self._cancel)
        self.back_button = back_button(self, self.back_requested)
        self.page("details", "effect:who", "status", 1, buttons=[self.back_button, (self.cancel_button, 1)])
        self.retranslate()

    def show_registration(self, registration, departments=()) -> None:
        self.show_items(registration=registration, departments=tuple(departments))

    def _cancel(self) -> None:
        if not self.busy and self.registration is not None:
            self.cancel_requested.emit()

    def retranslate(self) -> None:
        r = self.registration
        self.title.setText(self.tr("Cancel this registration?"))
        self.details.setText(registration_text(r, self.departments) if r else "")
        if r is None:
            effect = ""
        elif r.credit_refused:
            effect = self.tr("The fee {fee} was never charged: the credit platform refused it. Nothing is given "
                             "back, and nothing is left to pay.").format(fee=format_cny(r.fee_fen))
        elif r.paid_fen and not r.booked_fen:
            effect = self.tr("The fee {fee} goes back to the account you paid from.").format(
                fee=format_cny(r.fee_fen))
        else:
            effect = self.tr("The fee {fee} goes back to your credit line.").format(fee=format_cny(r.fee_fen))
        self.effect.setText(effect)
        self.say_status(self.tr("Cancelling, please wait…"))
        set_button_text(self.cancel_button, self.tr("Cancel registration"))
        self.cancel_button.setEnabled(r is not None and not self.busy)
        set_button_text(self.back_button, self.tr("Keep it"))
        self.back_button.setEnabled(not self.busy)
