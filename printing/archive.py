"""Every document the kiosk prints, kept as a PDF: ``<folder>/<business day>/<name>.pdf``.

What is archived is what went to the printer (the same PDF, or for an ESC/POS printer the
PDF of the same slip), so a dispute about a receipt can be answered from the kiosk. The
documents hold no personal data beyond the masked name and ID (the models refuse anything
else), so the archive needs no more protection than the receipts folder.

Writes are atomic (``PdfFolderBackend``). An archive that cannot be written never stops a
document from printing: :meth:`DocumentArchive.store` logs and returns ``None``.
"""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from kiosk.domain.clock import BUSINESS_TZ

from .backends import PdfFolderBackend
from .base import PrintError

__all__ = ["DocumentArchive"]

log = logging.getLogger("printing.archive")


class DocumentArchive:
    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.failures = 0  # since start, for the fleet status

    def __repr__(self) -> str:
        return f"DocumentArchive({str(self.folder)!r})"

    def store(self, name: str, pdf: bytes, printed_at: datetime) -> Path | None:
        """Keep ``pdf`` as ``name``; the path, or ``None`` if it could not be written."""
        day = printed_at.astimezone(BUSINESS_TZ).date().isoformat()
        try:
            return Path(PdfFolderBackend(self.folder / day).print_document(name, pdf))
        except (PrintError, ValueError) as exc:
            self.failures += 1
            log.error("document %s not archived: %s", name, exc)
            return None

    def find(self, name: str) -> list[Path]:
        """Archived files called ``name`` (one per business day it was printed on)."""
        return sorted(self.folder.glob(f"*/{name}.pdf"))
