"""Where rendered documents go: a printer, or (for demos, tests and archiving) a folder.

Backends take finished PDF bytes; they never see a :class:`~printing.documents.Receipt`.
New kinds (CUPS, ESC/POS) register a factory in ``_FACTORIES``.
"""
from __future__ import annotations

import inspect
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Protocol, runtime_checkable

__all__ = ["PrintError", "PrinterBackend", "PdfFolderBackend", "make_backend"]


class PrintError(Exception):
    """A document could not be printed.

    ``reason`` is a stable code the UI maps to a translated message, e.g.
    ``unavailable`` (printer or folder cannot be reached or written).
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

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"PdfFolderBackend({str(self.folder)!r})"

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


_FACTORIES: dict[str, Callable[..., PrinterBackend]] = {
    "pdf-folder": _pdf_folder,
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
