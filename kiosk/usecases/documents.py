"""Render a document and send it to the printer; a printer fault is reported, never raised.

A transaction is never undone by a printer: callers get ``(job, None)`` or
``(None, reason)`` and tell the patient where to get the document.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger("kiosk.documents")


@dataclass(frozen=True)
class PrintConfig:
    hospital: str
    terminal_id: str
    width_mm: int = 80


class DocumentPrinter:
    def __init__(self, backend, config: PrintConfig):
        self.backend = backend
        self.config = config

    def print_receipt(self, receipt, name: str) -> tuple[str | None, str | None]:
        from printing.receipt import render_receipt

        return self._send(name, lambda: render_receipt(receipt, width_mm=self.config.width_mm))

    def print_slip(self, slip, name: str) -> tuple[str | None, str | None]:
        from printing.receipt import render_slip

        return self._send(name, lambda: render_slip(slip, width_mm=self.config.width_mm))

    def print_statement(self, statement, name: str) -> tuple[str | None, str | None]:
        from printing.statement import render_statement

        return self._send(name, lambda: render_statement(statement))

    def _send(self, name: str, render) -> tuple[str | None, str | None]:
        from printing.backends import PrintError

        try:
            return self.backend.print_document(name, render()), None
        except PrintError as exc:
            log.error("document %s not printed: %s", name, exc.reason)
            return None, exc.reason
