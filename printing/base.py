"""What the printing modules share: the document job, the error a back-end raises, the
back-end protocol, what printers and queues say about themselves, and the one setting
python-escpos needs before it is imported (used by the ESC/POS layout and back-end).

Its own module so that the back-ends (:mod:`printing.backends`, :mod:`printing.cups`,
:mod:`printing.escpos_backend`) import it and never each other in a circle; the factory
registry is :func:`printing.backends.make_backend`.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

__all__ = ["REASONS", "PrintError", "PrintJob", "PrinterBackend", "PrinterStatus", "QueueState", "send",
           "quiet_capabilities_cache"]

#: The reasons a document may not print, as ``PrintError.reason``.
REASONS = {
    "unavailable": "the folder or device cannot be written",
    "offline": "the printer cannot be reached, or says it is offline",
    "paper_out": "the printer reports its paper roll is empty",
    "cover_open": "the printer reports its cover is open",
    "stuck": "the job did not complete in the print queue in time (cancelled)",
    "unsupported": "this printer cannot print this kind of document (an A4 page on a roll)",
    "document": "the document could not be built or rendered",
    "fault": "the back-end failed unexpectedly (a bug or a library surprise: see the log)",
}


class PrintError(Exception):
    """A document could not be printed.

    ``reason`` is a stable code the UI maps to a translated message, one of
    :data:`REASONS`, e.g. ``unavailable`` (printer or folder cannot be reached or written).
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@runtime_checkable
class PrinterBackend(Protocol):
    def print_document(self, name: str, pdf: bytes) -> str:
        """Print ``pdf``; return a job id (or, for file backends, the path written)."""
        ...


@dataclass(frozen=True)
class PrintJob:
    """One document to print: its PDF and, for a thermal document, the slip it was drawn from."""

    name: str
    pdf: bytes
    slip: Any = None  # printing.documents.Slip, for thermal documents
    width_mm: int = 80
    a4: bool = False  # an A4 page (the statement), not a roll

    def __repr__(self) -> str:
        return f"PrintJob({self.name!r}, {len(self.pdf)} bytes, a4={self.a4})"


@dataclass(frozen=True)
class QueueState:
    """A print queue as CUPS reports it: there, enabled, printing, its jobs and its message (paper out, ...)."""

    exists: bool
    enabled: bool
    printing: bool
    jobs: tuple[str, ...]  # unfinished job ids, oldest first
    message: str  # the printer's state message or disabled reason


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself."""

    online: bool
    paper: str  # ok | low | out
    cover_open: bool = False

    @property
    def state(self) -> str:
        if self.paper == "out":
            return "paper_out"
        if self.cover_open:
            return "cover_open"
        if not self.online:
            return "offline"
        return "paper_low" if self.paper == "low" else "ready"


def send(backend: PrinterBackend, job: PrintJob) -> str:
    """Hand ``job`` to ``backend``: ``print_job`` if it has one, else the PDF."""
    print_job = getattr(backend, "print_job", None)
    if print_job is not None:
        return print_job(job)
    return backend.print_document(job.name, job.pdf)


_capabilities_lock = threading.Lock()


def quiet_capabilities_cache() -> None:
    """python-escpos pickles its printer capabilities into a fresh temporary folder on every
    import unless told where: give it one cache folder."""
    with _capabilities_lock:
        if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
            return
        import platformdirs

        folder = platformdirs.user_cache_dir("credit-care-kiosk", appauthor=False)
        os.makedirs(folder, exist_ok=True)
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = folder
