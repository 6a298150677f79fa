"""Where rendered documents go: a printer, or (for demos, tests and archiving) a folder.

Every back-end takes finished PDF bytes (``print_document``). A back-end that lays the
document out itself (the ESC/POS text mode needs the :class:`~printing.documents.Slip`, not
its PDF) also has ``print_job(job)``, given a :class:`PrintJob` with both. A back-end whose
PDF goes to another machine's renderer sets ``embeds_font = True``: its documents are drawn
with the embedded CJK face (:mod:`printing.fonts`). ``status()`` (optional) answers the
printer's state for the fleet heartbeat.

Kinds: ``pdf-folder`` (here), ``cups`` (:mod:`printing.cups`), ``escpos``
(:mod:`printing.escpos_backend`); each registers a factory in ``_FACTORIES``.
"""
from __future__ import annotations

import inspect
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

__all__ = ["PrintError", "PrintJob", "PrinterBackend", "PdfFolderBackend", "make_backend", "REASONS"]

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


_FORBIDDEN_IN_NAME = set('/\\:*?"<>|\0')


def _check_name(name: str) -> None:
    """A document name becomes a file name: no separators, no hidden or relative names."""
    if (
        not name
        or name != name.strip()
        or name.startswith(".")
        or any(ch in _FORBIDDEN_IN_NAME or ord(ch) < 32 for ch in name)
    ):
        raise ValueError(f"unusable document name {name!r}")


class PdfFolderBackend:
    """Writes each document to ``<folder>/<name>.pdf``, atomically.

    Readers never see a half-written file: the bytes go to a temporary file in the
    same folder, are flushed to disk, then renamed over the target. An existing
    document of the same name is replaced.
    """

    kind = "pdf-folder"

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"PdfFolderBackend({str(self.folder)!r})"

    def status(self) -> dict:
        """``ready`` if the folder (or the nearest folder above it) can be written."""
        probe = self.folder
        while not probe.exists() and probe.parent != probe:
            probe = probe.parent
        ok = probe.is_dir() and os.access(probe, os.W_OK)
        return {"state": "ready" if ok else "unavailable", "detail": "" if ok else f"{probe} not writable"}

    def print_document(self, name: str, pdf: bytes) -> str:
        _check_name(name)
        target = self.folder / f"{name}.pdf"
        tmp_path: str | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp_path = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(pdf)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp_path, target)
            tmp_path = None
            _fsync_directory(self.folder)
        except OSError as exc:
            raise PrintError("unavailable", f"{type(exc).__name__}: {exc.strerror or exc}") from exc
        finally:
            if tmp_path is not None:
                try:
                    os.unlink(tmp_path)
                except OSError:
                    pass
        return str(target)


def _fsync_directory(folder: Path) -> None:
    """Make the rename durable (POSIX; directories cannot be opened on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pdf_folder(folder: Path | str | None = None) -> PrinterBackend:
    if folder is None or str(folder) == "":
        raise ValueError("pdf-folder backend needs a folder")
    return PdfFolderBackend(Path(folder))


def _cups(queue: str = "", server: str | None = None, job_timeout_s: float = 30.0) -> PrinterBackend:
    from .cups import CupsBackend

    return CupsBackend(queue, server=server, job_timeout_s=job_timeout_s)


def _escpos(connection: str = "", mode: str = "text", width_mm: int = 80,
            status_timeout_s: float = 2.0, cups_server: str | None = None,
            job_timeout_s: float = 30.0) -> PrinterBackend:
    from .escpos_backend import EscposBackend

    return EscposBackend(connection, mode=mode, width_mm=width_mm, status_timeout_s=status_timeout_s,
                         cups_server=cups_server, job_timeout_s=job_timeout_s)


_FACTORIES: dict[str, Callable[..., PrinterBackend]] = {
    "pdf-folder": _pdf_folder,
    "cups": _cups,
    "escpos": _escpos,
}


def make_backend(kind: str, **options: Any) -> PrinterBackend:
    """Build a backend from configuration, e.g. ``make_backend("pdf-folder", folder=path)``."""
    try:
        factory = _FACTORIES[kind]
    except KeyError:
        raise ValueError(f"unknown printer backend {kind!r}; known: {', '.join(_FACTORIES)}") from None
    try:
        inspect.signature(factory).bind(**options)
    except TypeError as exc:  # unknown or missing option names
        raise ValueError(f"bad options for printer backend {kind!r}: {exc}") from None
    return factory(**options)


def send(backend: PrinterBackend, job: PrintJob) -> str:
    """Hand ``job`` to ``backend``: ``print_job`` if it has one, else the PDF."""
    print_job = getattr(backend, "print_job", None)
    if print_job is not None:
        return print_job(job)
    return backend.print_document(job.name, job.pdf)
