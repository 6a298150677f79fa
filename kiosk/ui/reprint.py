"""Reprints at the cashier's desk (desk only): the documents that did not print (printer
offline, out of paper, stuck in the print queue) wait in the reprint queue; the cashier
sees each one's title, reference, time and reason, and taps "Reprint" to print it as a
copy ("重打副本 COPY"). A printed copy leaves the list. Home(1) reprint(2).
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QPushButton

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.ui.base import Screen, set_button_text, set_optional_text
from kiosk.ui.journey import Journey
from kiosk.ui.keys import CHOICE_KEYS, focus_first, give_key
from kiosk.ui.kit import back_button, make_button, metrics, secondary_button
from kiosk.ui.messages import message_for
from kiosk.ui.widgets import item_table, set_row

translate = QCoreApplication.translate


def reason_text(reason: str) -> str:
    """Why a document did not print, in a few words (colour is never the only cue)."""
    return {
        "offline": translate("Reprint", "Printer offline"),
        "paper_out": translate("Reprint", "Out of paper"),
        "cover_open": translate("Reprint", "Printer cover open"),
        "stuck": translate("Reprint", "Stuck in the print queue"),
        "unavailable": translate("Reprint", "Printer not reachable"),
        "unsupported": translate("Reprint", "Needs an A4 printer"),
        "document": translate("Reprint", "Document could not be made"),
        "fault": translate("Reprint", "Printer fault"),
    }.get(reason, reason)


class ReprintScreen(Screen):
    name = "reprint"
    reprint_requested = Signal(int)  # item id
    refresh_requested = Signal()
    back_requested = Signal()

    #: ``outcome``: (kind, text) of the last reprint, printed or failed
    DATA = {"items": (), "outcome": None}

    def __init__(self, parent=None):
        super().__init__(parent)
        m = metrics()
        self.table = item_table(self, 5, "reprints", row=m.cell_button_row, stretch=(0,))
        self.reprint_buttons: list[QPushButton] = []
        self.refresh_button = give_key(secondary_button(self, self.refresh_requested), CHOICE_KEYS[0])
        self.back_button = back_button(self, self.back_requested)
        self.page("status", (self.table, 1), "result:body", buttons=[self.back_button, self.refresh_button])
        self.render()

    # -- data ------------------------------------------------------------------------------
    def show_loading(self, **data) -> None:
        self.set_state(loading=True, **data)  # the list stays while it is asked again

    def show_result(self, kind: str, text: str) -> None:
        self.set_state(outcome=(kind, text), busy=False)

    def set_busy(self, busy: bool = True) -> None:
        """A copy is printing (the list waits), or not; the last one's words go either way."""
        self.outcome = None
        super().set_busy(busy)

    def built_from(self):
        return self.items

    def build(self) -> None:
        """A Reprint button in each document's row."""
        for button in self.reprint_buttons:
            button.deleteLater()
        self.reprint_buttons = []
        self.table.clearContents()
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            button = make_button(self.table, "reprint_button", lambda _=False, item_id=item.item_id:
                                 self._request(item_id), height=metrics().cell_button)
            self.table.setCellWidget(row, 4, button)
            self.reprint_buttons.append(button)

    def keyboard_focus(self):
        """The desk's keyboard on the first document's Reprint: Enter prints it, Tab moves on."""
        return self.reprint_buttons[0] if self.reprint_buttons else None

    def _request(self, item_id: int) -> None:
        if not self.busy:
            self.reprint_requested.emit(item_id)

    # -- words -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(self.tr("Reprint queue"))
        if self.loading:
            status = self.tr("Loading, please wait…")
        elif self.busy:
            status = self.tr("Printing a copy, please wait…")
        elif not self.items:
            status = self.tr("Nothing is waiting to be reprinted.")
        else:
            status = self.tr("{count} document(s) did not print. Reprint each as a copy for the patient.").format(
                count=len(self.items))
        set_optional_text(self.status, status)
        self.table.setAccessibleName(self.tr("Documents waiting to be reprinted"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Document"), self.tr("Reference"), self.tr("Time"), self.tr("Reason"), ""])
        for row, item in enumerate(self.items):
            reason = reason_text(item.last_reason)
            if item.attempts > 1:
                reason += " " + self.tr("({count} attempts)").format(count=item.attempts)
            when = item.created_at.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")
            set_row(self.table, row, [item.title, item.reference, when, "⚠ " + reason])
        for button in self.reprint_buttons:
            set_button_text(button, self.tr("Reprint"))
            button.setEnabled(not self.busy)
        focus_first(self, self.reprint_buttons)
        if self.outcome is None:
            set_optional_text(self.result, "")
        else:
            kind, text = self.outcome
            set_optional_text(self.result, ("✓ " if kind == "printed" else "⚠ ") + text)
        set_button_text(self.refresh_button, self.tr("Refresh"))
        set_button_text(self.back_button, self.tr("Back to start"))


class ReprintJourney(Journey):
    key = "reprint"
    needs_identity = False
    desk_only = True
    reprinted = Signal(object)  # (item, job, error), for tests

    def __init__(self, ctx):
        super().__init__(ctx)
        self.screen: ReprintScreen = self.add_screen(ReprintScreen())
        self.screen.refresh_requested.connect(self.load)
        self.screen.reprint_requested.connect(self.reprint)

    def title(self) -> str:
        return translate("ReprintJourney", "Reprints")

    def begin(self, session) -> None:
        self.show(self.screen)
        self.load()

    def load(self) -> None:
        self.screen.show_loading()
        printer = self.ctx.services.printer
        self.ctx.run(printer.waiting, lambda items: self.screen.show_items(items=tuple(items)))

    def reprint(self, item_id: int) -> None:
        item = next((i for i in self.screen.items if i.item_id == item_id), None)
        if item is None:
            return
        self.screen.set_busy(True)
        printer, desk = self.ctx.services.printer, self.ctx.services.desk

        def reprint():
            result = printer.reprint(item_id)
            # A cashier action: to the desk's audit log (offline_cache/audit.py), printed or not.
            desk.record("reprint", {"reference": item.reference, "title": item.title, "error": result[1]})
            return result, printer.waiting()

        self.ctx.run(reprint, lambda answer: self._reprinted(item, *answer), self.failed)

    def _reprinted(self, item, result, waiting) -> None:
        job, error = result
        self.screen.show_items(items=tuple(waiting))
        if error is None:
            self.screen.show_result("printed", translate("ReprintJourney", "A copy of {title} {reference} was printed.")
                                    .format(title=item.title, reference=item.reference))
        else:
            self.screen.show_result("failed", message_for("print_" + error))
        self.reprinted.emit((item, job, error))
