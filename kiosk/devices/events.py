"""What a device can tell the kiosk."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class IdCard:
    """The text block of a resident ID card. Personal fields stay out of ``repr``."""

    name: str = field(repr=False)
    sex: str = field(repr=False)
    nation: str = field(repr=False)
    birth_date: str = field(repr=False)
    address: str = field(repr=False)
    id_number: str = field(repr=False)
    issuer: str = field(repr=False)
    valid_from: str = field(repr=False)
    valid_to: str = field(repr=False)


@dataclass(frozen=True)
class CardPresented:
    """An ID or social-security card read on ``device`` (to the UI thread through the device bridge)."""

    device: str
    card: IdCard


@dataclass(frozen=True)
class CardRemoved:
    """The card left ``device``'s field or slot."""

    device: str


@dataclass(frozen=True)
class ReadError:
    """``reason``: a stable code the UI maps to a translated message
    (``bad_card``, ``read_failed``, ``auth_failed``, ``timeout``)."""

    device: str
    reason: str


@dataclass(frozen=True)
class DeviceLost:
    """``device`` stopped answering (unplugged, its worker died): shown as a device problem."""

    device: str


@dataclass(frozen=True)
class DeviceBack:
    """``device`` answers again after a :class:`DeviceLost`."""

    device: str


@dataclass(frozen=True)
class SocialSecurityCard:
    """The cardholder record of a social-security card (SSSE application, EF06).

    ``id_number`` is the social-security number, which is the holder's resident ID
    number: identification goes through the same lookup as an ID card.
    """

    card_number: str = field(repr=False)
    id_number: str = field(repr=False)
    name: str = field(repr=False)


@dataclass(frozen=True)
class TokenPresented:
    """A scanned code the kiosk can identify a patient with.

    ``token_type``: ``insurance_evoucher`` or ``health_card`` (opaque tokens the
    platform resolves), or ``id_number`` (looked up like a card's number).
    """

    device: str
    token_type: str
    token: str = field(repr=False)
