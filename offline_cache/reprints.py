"""The durable reprint queue: documents that did not print, waiting for the cashier.

A settlement is never undone by a printer. When its receipt cannot be printed (offline,
paper out, a job stuck in the print queue), the document is put here, already rendered as
the copy the cashier will hand over, together with the document's data (JSON of the
masked model, for printers that lay the slip out themselves). The cashier's desk lists the
queue and reprints; a document leaves it once printed.

Only masked documents come here: the printing models refuse an unmasked name or ID number,
and the queue holds nothing but what they produced. No patient id, no account id.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from offline_cache.db import Database

__all__ = ["ReprintItem", "StoredDocument", "ReprintQueue"]

_MIGRATIONS = [
    """
    CREATE TABLE reprints (
        item_id     INTEGER PRIMARY KEY AUTOINCREMENT,
        name        TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL,
        title       TEXT NOT NULL,
        reference   TEXT NOT NULL,
        reason      TEXT NOT NULL,
        last_reason TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 1,
        document    TEXT NOT NULL,
        pdf         BLOB NOT NULL,
        embedded    INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX reprints_created ON reprints(created_at)
    """,
]

_COLUMNS = "item_id, name, kind, title, reference, reason, last_reason, attempts, created_at, updated_at"


@dataclass(frozen=True)
class ReprintItem:
    """One waiting document, without its bytes (for lists)."""

    item_id: int
    name: str  # the document name, e.g. receipt-ST20250501000012
    kind: str  # slip | statement
    title: str
    reference: str
    reason: str  # why it first did not print
    last_reason: str  # why the latest attempt did not print
    attempts: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StoredDocument:
    """A printed document kept for reprint: the item, the document (JSON) and the PDF of its copy."""

    item: ReprintItem
    document: str  # JSON (printing.serialize)
    pdf: bytes  # rendered as the copy
    embedded: bool  # rendered with the embedded CJK face


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _item(row) -> ReprintItem:
    return ReprintItem(
        item_id=row["item_id"], name=row["name"], kind=row["kind"], title=row["title"],
        reference=row["reference"], reason=row["reason"], last_reason=row["last_reason"],
        attempts=row["attempts"], created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


class ReprintQueue:
    def __init__(self, path: Path | str):
        self.db = Database(path, _MIGRATIONS)

    def add(self, *, name: str, kind: str, title: str, reference: str, reason: str, document: str,
            pdf: bytes, embedded: bool = False) -> int:
        """Queue a document (the same ``name`` again replaces it and counts an attempt);
        returns its item id."""
        if not pdf.startswith(b"%PDF-"):
            raise ValueError("the reprint queue stores rendered PDF documents")
        stamp = _now()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO reprints(name, kind, title, reference, reason, last_reason, document, pdf, "
                "embedded, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(name) DO UPDATE SET last_reason = excluded.last_reason, "
                "attempts = attempts + 1, document = excluded.document, pdf = excluded.pdf, "
                "embedded = excluded.embedded, updated_at = excluded.updated_at",
                (name, kind, title, reference, reason, reason, document, pdf, int(embedded), stamp, stamp),
            )
            row = conn.execute("SELECT item_id FROM reprints WHERE name = ?", (name,)).fetchone()
        return row["item_id"]

    def waiting(self) -> list[ReprintItem]:
        """Every waiting document, oldest first."""
        return [_item(r) for r in self.db.query(f"SELECT {_COLUMNS} FROM reprints ORDER BY created_at, item_id")]

    def count(self) -> int:
        return self.db.query("SELECT count(*) FROM reprints")[0][0]

    def load(self, item_id: int) -> StoredDocument | None:
        rows = self.db.query(f"SELECT {_COLUMNS}, document, pdf, embedded FROM reprints WHERE item_id = ?",
                             (item_id,))
        if not rows:
            return None
        row = rows[0]
        return StoredDocument(_item(row), row["document"], bytes(row["pdf"]), bool(row["embedded"]))

    def note_failure(self, item_id: int, reason: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE reprints SET attempts = attempts + 1, last_reason = ?, updated_at = ? "
                         "WHERE item_id = ?", (reason, _now(), item_id))

    def replace_rendering(self, item_id: int, pdf: bytes, embedded: bool) -> None:
        """The copy rendered again (for a printer that needs the other font)."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE reprints SET pdf = ?, embedded = ? WHERE item_id = ?",
                         (pdf, int(embedded), item_id))

    def done(self, item_id: int) -> None:
        """Printed: the document leaves the queue (the archive keeps its copy)."""
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM reprints WHERE item_id = ?", (item_id,))

    def close(self) -> None:
        self.db.close()
