"""Where rendered documents go: a printer, or (for demos, tests and archiving) a folder.

Every back-end takes finished PDF bytes (``print_document``). A back-end that lays the
document out itself (the ESC/POS text mode needs the :class:`~printing.documents.Slip`, not
its PDF) also has ``print_job(job)``, given a :class:`PrintJob` with both. Every document is
drawn with the embedded CJK face (:mod:`printing.fonts`), whatever the back-end: each says so
with ``embeds_font = True``, which tells ``services`` to load the face on its worker before
the first document. ``status()`` (optional) answers the printer's state for the fleet
heartbeat.

This module is the one registry of back-ends (:data:`KINDS`, :func:`make_backend`):
``pdf-folder`` (here), ``cups`` (:mod:`printing.cups`), ``escpos``
(:mod:`printing.escpos_backend`), each built by a factory in ``_FACTORIES`` that imports its
module only when asked for. The types every back-end shares (:class:`PrintError`,
:class:`PrintJob`, the protocol, printer and queue states) live in :mod:`printing.base`, so
no back-end imports this module or another back-end's in return: the printing modules form
no import cycle (``tests/test_import_cycles.py``).
"""
from __future__ import annotations

import inspect
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .base import REASONS, PrinterBackend, PrintError, PrintJob, send

__all__ = ["KINDS", "PrintError", "PrintJob", "PrinterBackend", "PdfFolderBackend", "make_backend", "send",
           "REASONS"]


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
    embeds_font = True  # like every document: the PDF carries its CJK face (printing.fonts)

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
#: The back-end kinds, in the order the settings document them.
KINDS = tuple(_FACTORIES)


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
