"""Request signing shared by the platform client and the sandbox platform.

Every request carries ``X-Terminal-Id``, ``X-Timestamp`` (Unix seconds),
``X-Nonce`` and ``X-Signature``: hex HMAC-SHA256 with the terminal secret over::

    METHOD \\n PATH[?QUERY] \\n TIMESTAMP \\n NONCE \\n hex(SHA-256(body)) \\n IDEMPOTENCY_KEY \\n OPERATOR_SESSION

IDEMPOTENCY_KEY is the ``Idempotency-Key`` header exactly as sent, OPERATOR_SESSION the
``X-Operator-Session`` header (the desk operator's session token) exactly as sent; each
line is empty when the request has no such header, and always there: a key or a session
swapped, added or removed on a signed request breaks the signature. The header values are
ASCII on the wire; a signature that is not ASCII never matches (it is refused, not a crash).
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
HEADER_OPERATOR_SESSION = "X-Operator-Session"


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes, *,
              idempotency_key: str | None, operator_session: str | None = None) -> bytes:
    """The bytes signed. ``idempotency_key``, ``operator_session``: the headers' values, ``None``
    (or empty) when absent.

    Both are taken as their bytes on the wire (HTTP header values are Latin-1 octets), so a
    value that is not ASCII is still signed as sent and reaches the platform's own checks."""
    lines = [method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()]
    return ("\n".join(lines).encode() + b"\n" + (idempotency_key or "").encode("latin-1")
            + b"\n" + (operator_session or "").encode("latin-1"))


def sign(secret: bytes, method: str, path: str, timestamp: str, nonce: str, body: bytes, *,
         idempotency_key: str | None, operator_session: str | None = None) -> str:
    message = canonical(method, path, timestamp, nonce, body, idempotency_key=idempotency_key,
                        operator_session=operator_session)
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify(secret: bytes, signature: str, method: str, path: str, timestamp: str, nonce: str,
           body: bytes, *, idempotency_key: str | None, operator_session: str | None = None) -> bool:
    """Constant-time check of ``signature`` (as received). A signature with any non-ASCII
    character cannot be a hex digest: ``False``, never an exception."""
    if not signature.isascii():
        return False
    expected = sign(secret, method, path, timestamp, nonce, body, idempotency_key=idempotency_key,
                    operator_session=operator_session)
    return hmac.compare_digest(expected.encode(), signature.encode())


def fresh(timestamp: str, now_s: float, max_skew_s: int = MAX_SKEW_S) -> bool:
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    return abs(now_s - ts) <= max_skew_s


def body_digest(body: bytes) -> str:
    """Digest used to tell a replayed idempotent request from a different one."""
    return hashlib.sha256(body).hexdigest()


# -- signed snapshots (offline mode) ------------------------------------------------------
# The platform signs the account and overview answers it gives a terminal, so that a kiosk
# can tell, offline, a snapshot the platform gave it from one edited on its disk. The key
# is derived from the terminal secret (one key per terminal, never the request-signing key
# itself): HMAC-SHA256(secret, "credit-care snapshot v1"). The signature is hex
# HMAC-SHA256 over the canonical JSON of the answer without its ``signature`` field.
SNAPSHOT_KEY_INFO = b"credit-care snapshot v1"


def snapshot_key(secret: bytes) -> bytes:
    return hmac.new(secret, SNAPSHOT_KEY_INFO, hashlib.sha256).digest()


def canonical_json(obj) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the same bytes for the same data on both sides."""
    import json

    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign_snapshot(key: bytes, snapshot: dict) -> str:
    unsigned = {k: v for k, v in snapshot.items() if k != "signature"}
    return hmac.new(key, canonical_json(unsigned), hashlib.sha256).hexdigest()


def verify_snapshot(key: bytes, snapshot: dict) -> bool:
    signature = snapshot.get("signature")
    return isinstance(signature, str) and hmac.compare_digest(sign_snapshot(key, snapshot), signature)
