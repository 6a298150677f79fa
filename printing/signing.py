"""The QR payload printed on every document: its reference, signed by the terminal.

Anyone can scan a receipt; only the platform, which holds each terminal's secret, can tell
a genuine one from a forgery (``POST /v1/documents/verify``)::

    CC1:<terminal id>:<reference>:<signature>

``signature`` is the first 15 bytes of HMAC-SHA256 with the terminal secret over
``credit-care/document/v1 \\n terminal id \\n reference``, in base32 (24 characters, no
padding). The domain label keeps it apart from the request signatures made with the same
secret. Every character is in the QR alphanumeric set when the terminal id and reference
are upper-case, which keeps the symbol small.

Standard library only: the sandbox platform verifies with this module too.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["PREFIX", "sign_reference", "parse_payload", "verify_payload", "Verification"]

PREFIX = "CC1"
_DOMAIN = b"credit-care/document/v1"
_MAC_BYTES = 15  # 120 bits: 24 base32 characters
_SIG_CHARS = 24
MAX_PAYLOAD_CHARS = 256


def _mac(secret: bytes, terminal_id: str, reference: str) -> str:
    message = b"\n".join((_DOMAIN, terminal_id.encode("utf-8"), reference.encode("utf-8")))
    digest = hmac.new(secret, message, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.b32encode(digest).decode("ascii")


def _check_part(field: str, value: str) -> None:
    if not isinstance(value, str) or not value or ":" in value or not value.isprintable() \
            or value != value.strip():
        raise ValueError(f"{field} cannot go into a document signature")


def sign_reference(secret: bytes, terminal_id: str, reference: str) -> str:
    """The QR payload for ``reference`` printed by ``terminal_id``."""
    if not secret:
        raise ValueError("a terminal secret is needed to sign documents")
    _check_part("terminal_id", terminal_id)
    _check_part("reference", reference)
    return f"{PREFIX}:{terminal_id}:{reference}:{_mac(secret, terminal_id, reference)}"


def parse_payload(payload: str) -> tuple[str, str, str]:
    """``(terminal_id, reference, signature)``; ``ValueError`` if it is not a document payload."""
    if not isinstance(payload, str) or len(payload) > MAX_PAYLOAD_CHARS:
        raise ValueError("not a document payload")
    parts = payload.split(":")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise ValueError("not a document payload")
    _, terminal_id, reference, signature = parts
    if not terminal_id or not reference or len(signature) != _SIG_CHARS:
        raise ValueError("not a document payload")
    return terminal_id, reference, signature


@dataclass(frozen=True)
class Verification:
    """A printed document's signature checked: valid or not, and what it names."""

    valid: bool
    reference: str | None
    terminal_id: str | None


def verify_payload(payload: str, secret_for: Callable[[str], bytes | None]) -> Verification:
    """Check ``payload`` with the secret of the terminal it names (``secret_for(terminal_id)``,
    ``None`` for an unknown terminal). A payload that cannot be parsed names nothing."""
    try:
        terminal_id, reference, signature = parse_payload(payload)
    except ValueError:
        return Verification(False, None, None)
    secret = secret_for(terminal_id)
    valid = bool(secret) and hmac.compare_digest(_mac(secret, terminal_id, reference), signature)
    return Verification(valid, reference, terminal_id)
