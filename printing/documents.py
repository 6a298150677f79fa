"""What goes on paper: plain, immutable values with no rendering logic.

The constructors refuse data that must never be printed, so a mistake upstream
fails loudly here instead of ending up on a receipt the patient takes home.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# A masked resident ID shows at most the first 4 and last 4 characters.
_MAX_VISIBLE_ID_CHARACTERS = 8


def _check_fen(field: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{field} must be integer fen")


def _check_aware(field: str, value: datetime) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{field} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} must be timezone-aware")


@dataclass(frozen=True)
class ReceiptLine:
    """One itemised charge: ``name`` left, ``quantity`` as printed (e.g. "2盒"), amount in fen."""

    name: str
    quantity: str
    amount_fen: int

    def __post_init__(self) -> None:
        _check_fen("amount_fen", self.amount_fen)


@dataclass(frozen=True)
class Receipt:
    """A credit-settlement slip (凭条).

    ``masked_id`` and ``masked_name`` must already be masked
    (``kiosk.domain.idnumber.mask_id`` / ``mask_name``); a value that still looks
    like a full ID number raises ``ValueError``.
    """

    title: str
    hospital: str
    terminal_id: str
    printed_at: datetime
    masked_id: str
    masked_name: str
    lines: tuple[ReceiptLine, ...]
    total_fen: int
    fund_fen: int
    personal_fen: int
    booked_fen: int
    available_fen: int
    due_at: datetime | None
    reference: str
    copy: bool = False

    def __post_init__(self) -> None:
        visible = sum(1 for ch in self.masked_id if ch.isdigit() or ch in "Xx")
        if visible > _MAX_VISIBLE_ID_CHARACTERS or "*" not in self.masked_id:
            # Deliberately no value in the message: it may be a full ID number.
            raise ValueError("masked_id is not masked")
        if len(self.masked_name) > 1 and "*" not in self.masked_name:
            raise ValueError("masked_name is not masked")
        _check_aware("printed_at", self.printed_at)
        if self.due_at is not None:
            _check_aware("due_at", self.due_at)
        for field in ("total_fen", "fund_fen", "personal_fen", "booked_fen", "available_fen"):
            _check_fen(field, getattr(self, field))
        if not self.reference.strip():
            raise ValueError("reference must not be empty")
        lines = tuple(self.lines)
        if not all(isinstance(line, ReceiptLine) for line in lines):
            raise ValueError("lines must be ReceiptLine values")
        object.__setattr__(self, "lines", lines)

    def __repr__(self) -> str:
        return (
            f"Receipt(reference={self.reference!r}, terminal_id={self.terminal_id!r}, "
            f"masked_id={self.masked_id!r}, lines={len(self.lines)}, total_fen={self.total_fen}, "
            f"copy={self.copy})"
        )
