"""Late phone payments (desk only): payments the patient's phone completed after they tapped
Cancel at a kiosk, or as the idle guard cleared the screen. Nothing used them: each was refunded
through the payment channel at once (``kiosk.usecases.payments``). The desk sees them here, to
tell the patient who comes asking where their money went. Home(1) back(2).
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Signal

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_optional_text
from kiosk.ui.journey import Journey, error_code
from kiosk.ui.kit import back_button
from kiosk.ui.messages import message_for
from kiosk.ui.widgets import item_table, set_row

translate = QCoreApplication.translate


def late_text(late: str) -> str:
    return {"refunded_after_cancel": translate("LatePayments", "Paid just after the patient cancelled: refunded "
                                                               "through the payment channel"),
            "refunded_walked_away": translate("LatePayments", "Paid as the patient walked away: refunded through "
                                                              "the payment channel")}.get(late, late)


class LatePaymentsScreen(Screen):
    name = "late_payments"
    back_requested = Signal()

    DATA = {"items": ()}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = item_table(self, 5, "latePayments", stretch=(4,))
        self.back_button = back_button(self, self.back_requested)
        self.page("status", (self.table, 1), buttons=[self.back_button])
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Late phone payments"))
        if self.loading:
            status = self.tr("Loading, please wait…")
        elif self.error_code:
            status = "⚠ " + message_for(self.error_code)
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
            set_row(self.table, row, (moment, format_cny(p["amount_fen"]), p["patient_masked_name"],
                                      p["terminal_id"] or "", late_text(p["late"])))
        set_button_text(self.back_button, self.tr("Back to start"))


class LatePaymentsJourney(Journey):
    key = "late_payments"
    needs_identity = False
    desk_only = True

    def __init__(self, ctx):
        super().__init__(ctx)
        self.screen: LatePaymentsScreen = self.add_screen(LatePaymentsScreen())

    def title(self) -> str:
        return translate("LatePaymentsJourney", "Late phone payments")

    def begin(self, session) -> None:
        self.screen.show_loading()
        self.show(self.screen)
        self.ctx.run(self.ctx.services.payments.late, lambda items: self.screen.show_items(items=tuple(items)),
                     lambda error: self.screen.show_error(error_code(error)))
