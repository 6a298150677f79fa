"""The one error type drivers and their parsers raise.

``reason`` is a stable code: the UI turns it into a translated message
(``kiosk.ui.messages``), ``kiosk-admin devices`` prints ``str(error)``, which
says in plain words what a person can do about it.
"""
from __future__ import annotations

#: reason -> what IT staff read (``kiosk-admin devices``, logs). Patients see the
#: translated text of the same reason instead.
HINTS: dict[str, str] = {
    "bad_frame": "the reader sent a damaged answer; check the cable and the baud rate",
    "bad_checksum": "the reader's answer failed its checksum; check the cable and the baud rate",
    "timeout": "the reader did not answer in time; check that it is powered and on this port",
    "no_card": "no card on the reader",
    "bad_card": "the card's data is not readable or not valid; the card may be damaged",
    "read_failed": "the reader could not read the card; place it flat and still",
    "auth_failed": "the card or the reader's SAM module failed authentication",
    "reader_fault": "the reader reported an internal fault; restart or replace it",
    "card_removed_early": "the card was taken away before it was read",
    "not_ss_card": "the card has no social-security (SSSE) application",
    "unknown_code": "the scanned code is not an e-voucher, e-health card or ID number",
    "port_unavailable": "the serial port cannot be opened; check the cable and the port setting",
    "reader_missing": "the smart-card reader is not connected or not known to pcscd",
    "pcsc_unavailable": "the PC/SC service (pcscd) is not running",
    "length": "the ID number does not have 18 characters",
    "characters": "the ID number has characters other than 17 digits and a digit or X",
    "birth_date": "the birth date inside the ID number is not a real date",
    "checksum": "the ID number fails its check digit",
}


class DeviceError(Exception):
    """A device, a card or a scanned code that cannot be used. ``reason`` is the stable code."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        self.detail = detail
        hint = HINTS.get(reason, reason)
        super().__init__(f"{hint} ({detail})" if detail else hint)
