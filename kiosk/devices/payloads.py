"""What a scanned QR or barcode means to the kiosk (pure).

Three kinds are accepted:

* **Medical-insurance e-voucher** (医保电子凭证): the code the patient's insurance app
  shows. Its content is an opaque, short-lived token that only the platform can
  resolve (``POST /v1/identity/resolve-token``). Recognised here by the prefix
  ``ECV:``; real deployments configure the issuer's own prefix.
* **E-health card** (电子健康卡): likewise opaque, prefix ``EHC:``.
* **An 18-character resident ID number** (the barcode on some hospital cards, or
  an ID typed by a wedge scanner): checked (GB 11643) and looked up like a card.

A token after its prefix is 16 to 256 characters of ``A-Z a-z 0-9 . _ - ~ + / =``
(URL-safe and standard base64, JWT-like dotted forms). Anything else is refused
with ``DeviceError("unknown_code")``; an ID number that fails its checks keeps
the ID number's own reason (``checksum``, ``birth_date``...), which says more.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kiosk.devices.errors import DeviceError
from kiosk.domain.idnumber import InvalidIdNumber, parse_id_number

EVOUCHER = "insurance_evoucher"
HEALTH_CARD = "health_card"
ID_NUMBER = "id_number"
PREFIXES = {"ECV:": EVOUCHER, "EHC:": HEALTH_CARD}
MAX_LENGTH = 512
_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]{16,256}")
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")


@dataclass(frozen=True)
class Payload:
    """What a scanned code is (``kind``: a 医保电子凭证, an e-health card QR or a typed ID number) and its text."""

    kind: str  # EVOUCHER, HEALTH_CARD or ID_NUMBER
    value: str = field(repr=False)


def clean(text: str) -> str:
    """Drop control and format characters (a scanner's prefix/suffix bytes, GS separators,
    zero-width marks) and surrounding spaces."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs")).strip()


def classify(text: str) -> Payload:
    """The meaning of one scan, or ``DeviceError``."""
    if not isinstance(text, str):
        raise DeviceError("unknown_code", "not text")
    if len(text) > MAX_LENGTH * 2:
        raise DeviceError("unknown_code", f"{len(text)} characters is too long for a code")
    value = clean(text)
    if not value or len(value) > MAX_LENGTH:
        raise DeviceError("unknown_code", "empty" if not value else "too long")
    for prefix, kind in PREFIXES.items():
        if value[: len(prefix)].upper() == prefix:
            token = value[len(prefix):]
            if not _TOKEN.fullmatch(token):
                raise DeviceError("unknown_code", f"{kind} token malformed")
            return Payload(kind, token)
    if _ID_SHAPE.fullmatch(value):
        try:
            number = parse_id_number(value)
        except InvalidIdNumber as exc:
            raise DeviceError(exc.reason, "scanned ID number") from None
        return Payload(ID_NUMBER, number.value)
    raise DeviceError("unknown_code", f"{len(value)} characters, no known prefix")
