"""Resident identity numbers (GB 11643-1999, ISO 7064 MOD 11-2)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.domain import age
from kiosk.domain.errors import Refusal

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_CHECK = "10X98765432"


class InvalidIdNumber(Refusal, ValueError):
    """The text is not a valid 18-character resident ID number.

    ``reason`` (also its ``code``) is a stable code the UI maps to a translated message:
    ``length``, ``characters``, ``birth_date`` or ``checksum``.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_character(first17: str) -> str:
    """The check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise InvalidIdNumber("characters")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


@dataclass(frozen=True)
class IdNumber:
    """A resident ID number (GB 11643, 18 characters; checked by :func:`parse_id_number`) and what
    it says: birth date and sex."""

    value: str

    @property
    def birth_date(self) -> date:
        v = self.value
        return date(int(v[6:10]), int(v[10:12]), int(v[12:14]))

    @property
    def sex(self) -> str:
        """'M' or 'F' from the parity of the 17th digit."""
        return "M" if int(self.value[16]) % 2 else "F"

    def age_on(self, day: date) -> int:
        """Full years (周岁) on the business date ``day``: one more from each birthday itself
        (``kiosk.domain.age``)."""
        return age.age_on(self.birth_date, day)

    def is_minor_on(self, day: date, adult_age: int = age.ADULT_AGE) -> bool:
        return not age.is_adult_on(self.birth_date, day, adult_age)

    @property
    def masked(self) -> str:
        return mask_id(self.value)

    def __repr__(self) -> str:  # never leak the full number into logs or tracebacks
        return f"IdNumber({self.masked!r})"

    __str__ = __repr__


def parse_id_number(text: str, today: date | None = None) -> IdNumber:
    """Validate typed or read text; tolerates surrounding spaces and a lower-case x.

    With ``today``, a birth date after it is refused too."""
    v = text.strip().upper()
    if len(v) != 18:
        raise InvalidIdNumber("length")
    if not (v[:17].isascii() and v[:17].isdigit()) or v[17] not in "0123456789X":
        raise InvalidIdNumber("characters")
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise InvalidIdNumber("birth_date") from None
    if born.year < 1880 or (today is not None and born > today):
        raise InvalidIdNumber("birth_date")
    if check_character(v[:17]) != v[17]:
        raise InvalidIdNumber("checksum")
    return IdNumber(v)


#: The 18 characters' parts (0-based index, length): the birth date and the check character.
BIRTH_DATE = (6, 8)
CHECK_CHARACTER = (17, 1)


def suspect_span(text: str, reason: str) -> tuple[int, int]:
    """The characters of ``text`` (a number as typed, refused for ``reason``) to mark for the
    person who typed it: ``(index, length)``, length 0 for a place in the text rather than a
    character.

    ``checksum``: the check character (the 18th). ISO 7064 MOD 11-2 proves only that the 18
    characters disagree, not which one is wrong: for a mistyped number a different digit at
    almost every one of the first 17 positions would make it agree as well as a different check
    character would, so no digit among them can be named; the check character is marked and the
    screen says to compare every digit with the card. The check character the first 17 would
    need is never offered: "correcting" it turns a typo among them into a valid number, someone
    else's. ``birth_date``: the date's eight digits (7th-14th). ``characters``: the first
    character not allowed where it stands. ``length``: the end of the text (18 are needed).
    """
    if reason == "checksum":
        return CHECK_CHARACTER
    if reason == "birth_date":
        return BIRTH_DATE
    if reason == "characters":
        typed = text.upper()
        for index, char in enumerate(typed):
            if not (char.isascii() and char.isdigit()) and not (index == 17 and char == "X"):
                return index, 1
    return len(text), 0


def mask_id(value: str) -> str:
    """First 4 and last 4 characters shown: ``3502**********1234``."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_name(name: str) -> str:
    """Surname kept; a two-character name shows ``张*``, longer ones keep the last character."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) == 11 else "*" * len(phone)
