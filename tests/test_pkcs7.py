"""The Secret Service's secrets come AES-128-CBC encrypted with PKCS #7 padding
(``kiosk.secrets.pkcs7_unpadded``): checked against ``openssl enc``, which pads by the same
standard (RFC 5652, 6.3), and against the answers a broken or hostile service could give."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from kiosk.secrets import pkcs7_unpadded

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")

KEY, IV = "000102030405060708090a0b0c0d0e0f", "f0e0d0c0b0a090807060504030201000"


def openssl(args: list[str], data: bytes) -> bytes:
    return subprocess.run(["openssl", "enc", "-aes-128-cbc", "-K", KEY, "-iv", IV, *args], input=data,
                           capture_output=True, check=True).stdout


@pytest.mark.parametrize("secret", [b"", b"a", b"ab" * 7 + b"c", b"x" * 16, b"\x10" * 16, "终端密钥".encode() * 5])
def test_what_openssl_padded_comes_back_whole(secret):
    padded = openssl(["-d", "-nopad"], openssl([], secret))  # openssl's padding, left on by -nopad
    assert len(padded) % 16 == 0 and len(padded) > len(secret)
    assert pkcs7_unpadded(padded) == secret


@pytest.mark.parametrize("answer", [b"", b"x" * 15, b"x" * 15 + b"\x00", b"x" * 15 + b"\x11",
                                    b"x" * 14 + b"\x01\x02", b"x" * 12 + b"\x03\x04\x04\x04"])
def test_an_answer_that_is_not_padded_is_refused(answer):
    with pytest.raises(ValueError):
        pkcs7_unpadded(answer)
