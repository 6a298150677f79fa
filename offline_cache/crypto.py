"""Personal data at rest: AES-GCM sealing and blind index keys.

One 32-byte data key (kept in the OS keyring by ``kiosk.secrets.data_key``) gives two
sub-keys through HKDF-SHA256, so that no key does two jobs:

- ``seal``/``open``: AES-256-GCM with a random 96-bit nonce per message; the row's own
  key (an idempotency key, a cache index) is the associated data, so a sealed blob moved
  to another row no longer opens.
- ``blind``: HMAC-SHA256 of an ID number, the cache's lookup key; the plain number is
  never stored, and without the data key a blind key cannot be tested against a guess.
"""
from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
VERSION = b"\x01"  # first byte of every sealed blob: the format, should it ever change


class SealBroken(Exception):
    """A sealed blob did not open: another data key, or the bytes were altered."""


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"credit-care " + purpose).derive(key)


class Sealer:
    def __init__(self, key: bytes):
        if len(key) != KEY_BYTES:
            raise ValueError("the data key has 32 bytes")
        self._aead = AESGCM(_derive(key, b"seal v1"))
        self._index = _derive(key, b"blind index v1")

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return VERSION + nonce + self._aead.encrypt(nonce, plaintext, aad)

    def open(self, blob: bytes, aad: bytes) -> bytes:
        if not blob or blob[:1] != VERSION:
            raise SealBroken("unknown format")
        nonce, body = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, body, aad)
        except InvalidTag:
            raise SealBroken("does not open with this key") from None

    def blind(self, text: str) -> str:
        return hmac.new(self._index, text.encode(), hashlib.sha256).hexdigest()


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)
