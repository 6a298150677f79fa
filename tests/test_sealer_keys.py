"""The sealer's sub-keys (offline_cache.crypto): HKDF-SHA256 from the standard library's HMAC,
checked against RFC 5869's own test vectors and against what the kiosk sealed before with
``cryptography``'s HKDF (queued writes sealed by an earlier release still open). AES-GCM's
library loads at the first seal or open, not with the kiosk."""
from __future__ import annotations

import subprocess
import sys

from benchmarks.common import ROOT
from offline_cache.crypto import Sealer, hkdf_sha256


def test_rfc_5869_test_cases_1_to_3():
    ikm = bytes.fromhex("0b" * 22)
    salt, info = bytes.fromhex("000102030405060708090a0b0c"), bytes.fromhex("f0f1f2f3f4f5f6f7f8f9")
    assert hkdf_sha256(ikm, info, 42, salt=salt) == bytes.fromhex(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    case2 = hkdf_sha256(bytes(range(0x00, 0x50)), bytes(range(0xb0, 0x100)), 82, salt=bytes(range(0x60, 0xb0)))
    assert case2 == bytes.fromhex(
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
        "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87")
    assert hkdf_sha256(ikm, b"", 42) == bytes.fromhex(
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")


def test_what_was_sealed_with_cryptographys_hkdf_still_opens():
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = bytes(range(32))
    earlier = AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"credit-care seal v1").derive(key))
    nonce = bytes(12)
    blob = b"\x01" + nonce + earlier.encrypt(nonce, '{"who":"陈志明"}'.encode(), b"key-1")
    sealer = Sealer(key)
    assert sealer.open(blob, b"key-1") == '{"who":"陈志明"}'.encode()
    index = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"credit-care blind index v1").derive(key)
    import hashlib
    import hmac

    assert sealer.blind("350203198001010019") == hmac.new(index, b"350203198001010019", hashlib.sha256).hexdigest()


def test_cryptography_loads_with_the_first_seal_not_with_the_sealer():
    probe = ("import sys\n"
             "from offline_cache.crypto import Sealer\n"
             "s = Sealer(bytes(32)); b = s.blind('x')\n"
             "print('cryptography' in sys.modules)\n"
             "assert s.open(s.seal(b'a', b'k'), b'k') == b'a'\n"
             "print('cryptography' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True)
    assert out.stdout.split() == ["False", "True"]
