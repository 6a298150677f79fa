"""Credit admission: no deposit, the credit line stands as the guarantee."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout

from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text, who_text
from kiosk.ui.i18n import pick
from kiosk.ui.journey import Journey
from kiosk.ui.messages import message_for
from kiosk.ui.outcome import OutcomeText

translate = QCoreApplication.translate


class AdmitScreen(Screen):
    name = "admit"
    department_chosen = Signal(str)
    back_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session = None
        self.departments: list[dict] = []
        self.title = heading(self)
        self.who = body_text(self, "who")
        self.explain = body_text(self)
        self.notice = body_text(self, "error")
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        self.buttons = []
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addWidget(self.explain)
        layout.addWidget(self.notice)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        layout.addLayout(row)
        self.retranslate()

    def show_session(self, session, departments: list[dict], refusal: str | None) -> None:
        self.session, self.departments = session, departments
        for button in self.buttons:
            button.deleteLater()
        self.buttons = []
        if refusal is None:
            for index, dept in enumerate(departments):
                button = big_button(self, "journey")
                button.clicked.connect(lambda _=False, d=dept["department_id"]: self.department_chosen.emit(d))
                self.grid.addWidget(button, index // 3, index % 3)
                self.buttons.append(button)
        set_optional_text(self.notice, "⚠ " + message_for(refusal) if refusal else "")
        self.retranslate()

    def clear(self) -> None:
        self.show_session(None, [], None)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Admission on credit"))
        s = self.session
        self.who.setText(who_text(s.patient if s else None))
        a = s.account if s else None
        self.explain.setText(self.tr(
            "No deposit is needed: your credit line of {line} stands as the guarantee. "
            "Choose the department on your admission notice.").format(line=format_cny(a.line_fen))
            if a else "")
        for button, dept in zip(self.buttons, self.departments):
            set_button_text(button, pick(dept["name"], dept.get("name_en")))
        set_button_text(self.back_button, self.tr("Back to start"))


class AdmitJourney(Journey):
    key = "admit"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.session = None
        self.screen: AdmitScreen = ctx.window.add_screen(AdmitScreen())
        self.screen.back_requested.connect(ctx.window.go_home)
        self.screen.department_chosen.connect(self.admit)
        ctx.window.cleared.connect(self.forget)

    def title(self) -> str:
        return translate("AdmitJourney", "Admission on credit")

    def forget(self) -> None:
        self.session = None

    def begin(self, session) -> None:
        self.session = session
        refusal = None
        if session.account is None:
            refusal = "no_credit_service"
        elif session.account.status != "active":
            refusal = "account_suspended"
        if refusal:
            self.screen.show_session(session, [], refusal)
            self.ctx.window.show_screen("admit")
            return
        self.ctx.run(self.ctx.services.inpatient.departments,
                     lambda departments: self._show(session, departments))

    def _show(self, session, departments) -> None:
        self.screen.show_session(session, departments, None)
        self.ctx.window.show_screen("admit")

    def admit(self, department_id: str) -> None:
        session = self.session
        self.ctx.run(lambda: self.ctx.services.inpatient.admit(session, department_id), self._admitted)

    def _admitted(self, data: dict) -> None:
        self.ctx.window.outcome.show_text(lambda: OutcomeText(
            translate("AdmitJourney", "Admitted"),
            translate("AdmitJourney", "You are admitted without a deposit; your credit line is the guarantee.\n"
                      "Admission number {number}. Please go to the ward with your admission notice.").format(
                number=data["admission_id"])))
        self.ctx.window.show_screen("outcome")
