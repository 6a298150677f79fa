"""Request signing shared by the platform client and the sandbox platform.

Every request carries ``X-Terminal-Id``, ``X-Timestamp`` (Unix seconds),
``X-Nonce`` and ``X-Signature``: hex HMAC-SHA256 with the terminal secret over::

    METHOD \\n PATH[?QUERY] \\n TIMESTAMP \\n NONCE \\n hex(SHA-256(body))
"""
from __future__ import annotations

import hashlib
import hmac

MAX_SKEW_S = 300

HEADER_TERMINAL = "X-Terminal-Id"
HEADER_TIMESTAMP = "X-Timestamp"
HEADER_NONCE = "X-Nonce"
HEADER_SIGNATURE = "X-Signature"
HEADER_IDEMPOTENCY = "Idempotency-Key"


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join(
        [method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()]
    ).encode()


def sign(secret: bytes, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(secret, canonical(method, path, timestamp, nonce, body), hashlib.sha256).hexdigest()


def verify(secret: bytes, signature: str, method: str, path: str, timestamp: str, nonce: str,
           body: bytes) -> bool:
    return hmac.compare_digest(sign(secret, method, path, timestamp, nonce, body), signature)


def fresh(timestamp: str, now_s: float, max_skew_s: int = MAX_SKEW_S) -> bool:
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    return abs(now_s - ts) <= max_skew_s


def body_digest(body: bytes) -> str:
    """Digest used to tell a replayed idempotent request from a different one."""
    return hashlib.sha256(body).hexdigest()
