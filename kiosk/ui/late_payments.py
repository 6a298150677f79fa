"""Late phone payments (desk only): payments the patient's phone completed after they tapped
Cancel at a kiosk, or as the idle guard cleared the screen. Nothing used them: each was refunded
through the payment channel at once (``kiosk.usecases.payments``). The desk sees them here, to
tell the patient who comes asking where their money went. Home(1) back(2).
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text
from kiosk.ui.journey import Journey, error_code
from kiosk.ui.messages import message_for

translate = QCoreApplication.translate


def late_text(late: str) -> str:
    return {"refunded_after_cancel": translate("LatePayments", "Paid just after the patient cancelled: refunded "
                                                               "through the payment channel"),
            "refunded_walked_away": translate("LatePayments", "Paid as the patient walked away: refunded through "
                                                              "the payment channel")}.get(late, late)


class LatePaymentsScreen(Screen):
    name = "late_payments"
    back_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: tuple = ()
        self._loading = False
        self.error: str | None = None
        self.title = heading(self)
        self.status = body_text(self, "status")
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("latePayments")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.back_button)
        self.retranslate()

    def show_loading(self) -> None:
        self.items, self._loading, self.error = (), True, None
        self.retranslate()

    def show_items(self, items) -> None:
        self.items, self._loading, self.error = tuple(items), False, None
        self.retranslate()

    def show_error(self, code: str) -> None:
        self._loading, self.error = False, code
        self.retranslate()

    def clear(self) -> None:
        self.items, self._loading, self.error = (), False, None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Late phone payments"))
        if self._loading:
            status = self.tr("Loading, please wait…")
        elif self.error:
            status = "⚠ " + message_for(self.error)
        elif not self.items:
            status = self.tr("No phone payment came late in the last 7 days.")
        else:
            status = self.tr("Each was refunded through the payment channel. Tell the patient it reaches their "
                             "payment account within a few days.")
        set_optional_text(self.status, status)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Amount"), self.tr("Patient"),
                                              self.tr("Terminal"), self.tr("What happened")])
        self.table.setAccessibleName(self.tr("Late phone payments"))
        self.table.setRowCount(len(self.items))
        for row, p in enumerate(self.items):
            moment = datetime.fromisoformat(p["late_at"]).astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")
            cells = (moment, format_cny(p["amount_fen"]), p["patient_masked_name"], p["terminal_id"] or "",
                     late_text(p["late"]))
            for column, text in enumerate(cells):
                item = self.table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, column, item)
                item.setText(text)
        set_button_text(self.back_button, self.tr("Back to start"))


class LatePaymentsJourney(Journey):
    key = "late_payments"
    needs_identity = False
    desk_only = True

    def __init__(self, ctx):
        super().__init__(ctx)
        self.screen: LatePaymentsScreen = ctx.window.add_screen(LatePaymentsScreen())
        self.screen.back_requested.connect(ctx.window.go_home)

    def title(self) -> str:
        return translate("LatePaymentsJourney", "Late phone payments")

    def begin(self, session) -> None:
        self.screen.show_loading()
        self.ctx.window.show_screen(LatePaymentsScreen.name)
        self.ctx.run(self.ctx.services.payments.late, self.screen.show_items,
                     lambda error: self.screen.show_error(error_code(error)))
