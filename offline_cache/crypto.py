"""Personal data at rest: AES-GCM sealing and blind index keys.

One 32-byte data key (kept in the OS keyring by ``kiosk.secrets.data_key``) gives two
sub-keys through HKDF-SHA256, so that no key does two jobs:

- ``seal``/``open``: AES-256-GCM with a random 96-bit nonce per message; the row's own
  key (an idempotency key, a cache index) is the associated data, so a sealed blob moved
  to another row no longer opens.
- ``blind``: HMAC-SHA256 of an ID number, the cache's lookup key; the plain number is
  never stored, and without the data key a blind key cannot be tested against a guess.

The sub-keys are derived with the standard library's HMAC (HKDF is two HMACs, RFC 5869);
``cryptography``, whose AES-GCM seals, is imported at the first seal or open, not when the
kiosk starts (its import and its 7 MB of code come with the first sealed write or read).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import threading

KEY_BYTES = 32
NONCE_BYTES = 12
VERSION = b"\x01"  # first byte of every sealed blob: the format, should it ever change


class SealBroken(Exception):
    """A sealed blob did not open: another data key, or the bytes were altered."""


def hkdf_sha256(key: bytes, info: bytes, length: int = 32, salt: bytes = b"") -> bytes:
    """HKDF-SHA256 (RFC 5869): extract with ``salt`` (none: a block of zeros), expand with ``info``."""
    if not 0 < length <= 255 * 32:
        raise ValueError("HKDF-SHA256 gives 1 to 8160 bytes")
    prk = hmac.new(salt or bytes(32), key, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def _derive(key: bytes, purpose: bytes) -> bytes:
    return hkdf_sha256(key, b"credit-care " + purpose)


class Sealer:
    def __init__(self, key: bytes):
        if len(key) != KEY_BYTES:
            raise ValueError("the data key has 32 bytes")
        self._seal_key = _derive(key, b"seal v1")
        self._index = _derive(key, b"blind index v1")
        self._aead_made = None  # cryptography's AESGCM, at the first seal or open
        self._making = threading.Lock()

    @property
    def _aead(self):
        if self._aead_made is None:
            with self._making:
                if self._aead_made is None:
                    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

                    self._aead_made = AESGCM(self._seal_key)
        return self._aead_made

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return VERSION + nonce + self._aead.encrypt(nonce, plaintext, aad)

    def open(self, blob: bytes, aad: bytes) -> bytes:
        if not blob or blob[:1] != VERSION:
            raise SealBroken("unknown format")
        from cryptography.exceptions import InvalidTag

        nonce, body = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, body, aad)
        except InvalidTag:
            raise SealBroken("does not open with this key") from None

    def blind(self, text: str) -> str:
        return hmac.new(self._index, text.encode(), hashlib.sha256).hexdigest()


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)
