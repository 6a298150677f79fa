"""What a patient may identify with at a terminal: the media its devices read.

* ``id_card``: the resident ID card (居民身份证), on the ID-card reader (``id_reader``);
* ``ss_card``: the social-security card (社保卡), in its PC/SC reader (``sscard_reader``);
* ``insurance_qr``: the medical-insurance e-voucher (医保电子凭证), a QR code on the patient's phone,
  and ``health_qr``: the e-health card (电子健康卡), a QR code too, both under the code scanner
  (``scanner``: it reads either; the platform tells them apart).

A device's setting empty means the terminal has none: its media are not offered. Pure.
"""
from __future__ import annotations

#: Each medium, in the order the identification screen names them, and the device that reads it.
MEDIA: tuple[tuple[str, str], ...] = (
    ("id_card", "id_reader"),
    ("ss_card", "sscard_reader"),
    ("insurance_qr", "scanner"),
    ("health_qr", "scanner"),
)


def media_for(id_reader: str = "", sscard_reader: str = "", scanner: str = "") -> tuple[str, ...]:
    """The media a terminal with these devices (the settings' values; empty: none) reads."""
    devices = {"id_reader": id_reader, "sscard_reader": sscard_reader, "scanner": scanner}
    return tuple(medium for medium, device in MEDIA if devices[device])
