"""Reprints at the cashier's desk (desk only): the documents that did not print (printer
offline, out of paper, stuck in the print queue) wait in the reprint queue; the cashier
sees each one's title, reference, time and reason, and taps "Reprint" to print it as a
copy ("重打副本 COPY"). A printed copy leaves the list. Home(1) reprint(2).
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text, set_optional_text
from kiosk.ui.journey import Journey
from kiosk.ui.messages import message_for

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

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: tuple = ()
        self._loading = False
        self._busy: int | None = None  # item id being reprinted
        self._result: tuple[str, str] | None = None  # (kind, text): printed | failed
        self.title = heading(self)
        self.status = body_text(self, "status")
        self.result = body_text(self)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("reprints")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setDefaultSectionSize(64)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.reprint_buttons: list[QPushButton] = []
        self.refresh_button = big_button(self, "secondary")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.back_button = big_button(self, "secondary")
        self.back_button.clicked.connect(self.back_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result)
        row = QHBoxLayout()
        row.addWidget(self.back_button, 1)
        row.addWidget(self.refresh_button, 1)
        layout.addLayout(row)
        self.retranslate()

    # -- data ------------------------------------------------------------------------------
    def show_loading(self) -> None:
        self._loading = True
        self.retranslate()

    def show_items(self, items) -> None:
        self.items, self._loading, self._busy = tuple(items), False, None
        self._rebuild()

    def show_result(self, kind: str, text: str) -> None:
        self._result = (kind, text)
        self._busy = None
        self.retranslate()

    def set_busy(self, item_id: int | None) -> None:
        self._busy = item_id
        self._result = None
        self.retranslate()

    def clear(self) -> None:
        self.items, self._loading, self._busy, self._result = (), False, None, None
        self._rebuild()

    def _rebuild(self) -> None:
        for button in self.reprint_buttons:
            button.deleteLater()
        self.reprint_buttons = []
        self.table.clearContents()
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            button = QPushButton(self.table)
            button.setObjectName("reprint_button")
            button.setMinimumHeight(56)
            button.clicked.connect(lambda _=False, item_id=item.item_id: self._request(item_id))
            self.table.setCellWidget(row, 4, button)
            self.reprint_buttons.append(button)
        self.retranslate()

    def _request(self, item_id: int) -> None:
        if self._busy is None:
            self.reprint_requested.emit(item_id)

    # -- words -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(self.tr("Reprint queue"))
        if self._loading:
            status = self.tr("Loading, please wait…")
        elif self._busy is not None:
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
            cells = [item.title, item.reference,
                     item.created_at.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M"), "⚠ " + reason]
            for column, text in enumerate(cells):
                cell = self.table.item(row, column)
                if cell is None:
                    cell = QTableWidgetItem()
                    self.table.setItem(row, column, cell)
                cell.setText(text)
        for button in self.reprint_buttons:
            set_button_text(button, self.tr("Reprint"))
            button.setEnabled(self._busy is None)
        if self._result is None:
            set_optional_text(self.result, "")
        else:
            kind, text = self._result
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
        self.screen: ReprintScreen = ctx.window.add_screen(ReprintScreen())
        self.screen.back_requested.connect(ctx.window.go_home)
        self.screen.refresh_requested.connect(self.load)
        self.screen.reprint_requested.connect(self.reprint)

    def title(self) -> str:
        return translate("ReprintJourney", "Reprints")

    def begin(self, session) -> None:
        self.ctx.window.show_screen(ReprintScreen.name)
        self.load()

    def load(self) -> None:
        self.screen.show_loading()
        printer = self.ctx.services.printer
        self.ctx.run(printer.waiting, self.screen.show_items)

    def reprint(self, item_id: int) -> None:
        item = next((i for i in self.screen.items if i.item_id == item_id), None)
        if item is None:
            return
        self.screen.set_busy(item_id)
        printer, desk = self.ctx.services.printer, self.ctx.services.desk

        def reprint():
            result = printer.reprint(item_id)
            # A cashier action: to the desk's audit log (offline_cache/audit.py), printed or not.
            desk.record("reprint", {"reference": item.reference, "title": item.title, "error": result[1]})
            return result, printer.waiting()

        self.ctx.run(reprint, lambda answer: self._reprinted(item, *answer), self._failed)

    def _reprinted(self, item, result, waiting) -> None:
        job, error = result
        self.screen.show_items(waiting)
        if error is None:
            self.screen.show_result("printed", translate("ReprintJourney", "A copy of {title} {reference} was printed.")
                                    .format(title=item.title, reference=item.reference))
        else:
            self.screen.show_result("failed", message_for("print_" + error))
        self.reprinted.emit((item, job, error))

    def _failed(self, error) -> None:
        self.screen.set_busy(None)
        self.ctx.fail(error)
