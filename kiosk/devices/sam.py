"""The resident ID-card reader's SAM frame protocol (GA 467) and the card's text block.

Pure: bytes in, values out. No I/O, no threads; every problem is a
:class:`~kiosk.devices.errors.DeviceError`.

Frames
------
Both directions use one frame shape::

    AA AA AA 96 69 | LEN_HI LEN_LO | body ............. | CHK
    preamble (5)   | length (2)    | LEN - 1 bytes      | 1

* ``LEN`` is big-endian and counts every byte after the two length bytes,
  the checksum included (so the smallest frame has ``LEN = 1``; a command with
  no data has ``LEN = 3``).
* ``CHK`` is the XOR of the two length bytes and every body byte (the preamble
  is not covered). The classic find-card command is therefore
  ``AA AA AA 96 69 00 03 20 01 22``: ``00 ^ 03 ^ 20 ^ 01 = 22``.
* A command body is ``CMD PARA data``; a response body is ``SW1 SW2 SW3 data``.
  SW1 and SW2 are ``00 00``; SW3 is the status (:data:`STATUS`).

Commands used here: find card ``20 01`` (answer ``9F`` card found, ``80`` none),
select card ``20 02`` (``90``; ``81`` failed), read text and photo ``30 01``
(``90`` with data ``TEXT_LEN(2) PHOTO_LEN(2) text photo``, both lengths big-endian;
the text is the 256-byte block below, the photo a 1,024-byte WLT image the kiosk
does not decode).

Text block (256 bytes, UCS-2 little-endian, fields padded with spaces)::

    name 30 | sex 2 | nation 4 | birth 16 | address 70 | ID number 36 |
    issuer 30 | valid from 16 | valid to 16 | reserved 36

Sex is a GB/T 2261.1 code (``1`` 男, ``2`` 女, ``0`` unknown, ``9`` not stated);
nation a GB/T 3304 code (``01`` 汉 … ``56`` 基诺); dates are ``YYYYMMDD`` and
"valid to" may be ``长期`` (long-term). Dates come out as ISO strings, the way
:class:`~kiosk.devices.events.IdCard` carries them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.devices.errors import DeviceError
from kiosk.devices.events import IdCard
from kiosk.domain.idnumber import InvalidIdNumber, parse_id_number

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_LEN = len(PREAMBLE) + 2
#: Longest body a reader sends: text + photo + fingerprint (``30 10``) is about 2.3 KB.
MAX_LEN = 4096

# Commands (CMD, PARA).
FIND_CARD = (0x20, 0x01)
SELECT_CARD = (0x20, 0x02)
READ_TEXT = (0x30, 0x01)
RESET_SAM = (0x10, 0xFF)
SAM_STATUS = (0x11, 0xFF)

# SW3 status codes.
OK = 0x90
FIND_OK = 0x9F
NO_CONTENT = 0x91
STATUS: dict[int, tuple[str, str]] = {
    # code: (meaning, DeviceError reason)
    0x90: ("success", ""),
    0x9F: ("card found", ""),
    0x91: ("no content", ""),
    0x10: ("frame checksum error (reader side)", "bad_frame"),
    0x11: ("frame length error (reader side)", "bad_frame"),
    0x21: ("unknown command", "reader_fault"),
    0x23: ("operation not allowed", "reader_fault"),
    0x24: ("unknown error", "read_failed"),
    0x31: ("card failed to authenticate the SAM", "auth_failed"),
    0x32: ("SAM failed to authenticate the card", "auth_failed"),
    0x33: ("information check failed", "bad_card"),
    0x40: ("unknown card type", "bad_card"),
    0x41: ("card read failed", "read_failed"),
    0x47: ("random number failure", "read_failed"),
    0x60: ("SAM self-test failed", "reader_fault"),
    0x66: ("SAM not authorised", "reader_fault"),
    0x80: ("no card found", "no_card"),
    0x81: ("card select failed", "no_card"),
}

TEXT_LEN = 256
PHOTO_LEN = 1024
_FIELDS = (  # name, bytes
    ("name", 30), ("sex", 2), ("nation", 4), ("birth_date", 16), ("address", 70),
    ("id_number", 36), ("issuer", 30), ("valid_from", 16), ("valid_to", 16), ("reserved", 36),
)
assert sum(size for _, size in _FIELDS) == TEXT_LEN

SEXES = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}
_SEX_CODES = {"男": "1", "女": "2", "未知": "0", "未说明": "9"}
NATIONS = dict(enumerate((
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西",
    "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌",
    "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
    "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
), start=1))
NATIONS.update({97: "其他", 98: "外国血统中国籍人士"})
_NATION_CODES = {name: code for code, name in NATIONS.items()}
LONG_TERM = "长期"


@dataclass(frozen=True)
class Command:
    """A frame to the ID-card SAM module: command, parameter and data (GA 467 framing)."""

    cmd: int
    para: int
    data: bytes = b""


@dataclass(frozen=True)
class Response:
    """A frame from the SAM module: its status words (SW1 SW2 SW3) and data."""

    sw3: int
    data: bytes = b""
    sw1: int = 0
    sw2: int = 0

    @property
    def meaning(self) -> str:
        return STATUS.get(self.sw3, (f"status 0x{self.sw3:02X}", ""))[0]


# -- frames -------------------------------------------------------------------------
def _xor(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def frame(body: bytes) -> bytes:
    """Wrap a body (command or response) into a frame with its length and checksum."""
    length = len(body) + 1
    if length > MAX_LEN:
        raise DeviceError("bad_frame", f"body of {len(body)} bytes is too long")
    head = length.to_bytes(2, "big")
    return PREAMBLE + head + body + bytes([_xor(head + body)])


def encode_command(cmd: int, para: int, data: bytes = b"") -> bytes:
    return frame(bytes([cmd, para]) + data)


def encode_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return frame(bytes([sw1, sw2, sw3]) + data)


def decode_command(body: bytes) -> Command:
    if len(body) < 2:
        raise DeviceError("bad_frame", "command frame shorter than CMD PARA")
    return Command(body[0], body[1], bytes(body[2:]))


def decode_response(body: bytes) -> Response:
    if len(body) < 3:
        raise DeviceError("bad_frame", "response frame shorter than SW1 SW2 SW3")
    return Response(body[2], bytes(body[3:]), body[0], body[1])


class FrameDecoder:
    """Cuts frames out of a byte stream that may arrive in pieces or with noise.

    ``feed`` the bytes as they come; ``next_body`` returns the body of the next
    complete frame, ``None`` while more bytes are needed, or raises
    ``DeviceError`` for a damaged frame after dropping it, so that the next call
    goes on with the bytes behind it. Bytes before a preamble are skipped.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.skipped = 0  # noise bytes dropped before a preamble

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def clear(self) -> None:
        self._buffer.clear()

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def next_body(self) -> bytes | None:
        buf = self._buffer
        start = buf.find(PREAMBLE)
        if start < 0:
            # Keep a tail that could be the start of a preamble split across reads.
            keep = 0
            for n in range(min(len(PREAMBLE) - 1, len(buf)), 0, -1):
                if buf.endswith(PREAMBLE[:n]):
                    keep = n
                    break
            self.skipped += len(buf) - keep
            del buf[: len(buf) - keep]
            return None
        if start:
            self.skipped += start
            del buf[:start]
        if len(buf) < HEADER_LEN:
            return None
        length = int.from_bytes(buf[5:7], "big")
        if length < 1 or length > MAX_LEN:
            del buf[: len(PREAMBLE)]  # not a frame after all: look for the next preamble
            raise DeviceError("bad_frame", f"length field {length} out of range")
        end = HEADER_LEN + length
        if len(buf) < end:
            return None
        head_and_body = bytes(buf[5 : end - 1])
        checksum = buf[end - 1]
        if _xor(head_and_body) != checksum:
            # Drop only the preamble: the length may be the damaged byte, and a
            # good frame may start inside what it claimed.
            del buf[: len(PREAMBLE)]
            raise DeviceError("bad_checksum")
        del buf[:end]
        return head_and_body[2:]


def check_status(response: Response, *expected: int) -> Response:
    """``response`` if its SW3 is one of ``expected``; else the mapped ``DeviceError``."""
    if response.sw3 in expected:
        return response
    meaning, reason = STATUS.get(response.sw3, (f"status 0x{response.sw3:02X}", "read_failed"))
    raise DeviceError(reason or "read_failed", f"reader says: {meaning} (0x{response.sw3:02X})")


def split_read_text(data: bytes) -> tuple[bytes, bytes]:
    """The data of a ``30 01`` answer → (text block, photo)."""
    if len(data) < 4:
        raise DeviceError("bad_frame", "read-text answer shorter than its length fields")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    if text_len != TEXT_LEN or len(data) != 4 + text_len + photo_len:
        raise DeviceError("bad_frame",
                          f"read-text answer sizes do not add up (text {text_len}, photo {photo_len}, "
                          f"data {len(data)})")
    return bytes(data[4 : 4 + text_len]), bytes(data[4 + text_len :])


# -- text block ----------------------------------------------------------------------
def _iso(yyyymmdd: str, what: str) -> str:
    if len(yyyymmdd) != 8 or not (yyyymmdd.isascii() and yyyymmdd.isdigit()):
        raise DeviceError("bad_card", f"{what} is not a YYYYMMDD date")
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:])).isoformat()
    except ValueError:
        raise DeviceError("bad_card", f"{what} is not a real date") from None


def parse_text_block(block: bytes) -> IdCard:
    """The 256-byte text block → :class:`IdCard`, every field checked.

    The ID number must pass its GB 11643 check digit and agree with the birth
    date; a card that fails any check is ``DeviceError("bad_card")``.
    """
    if len(block) != TEXT_LEN:
        raise DeviceError("bad_card", f"text block of {len(block)} bytes, expected {TEXT_LEN}")
    values: dict[str, str] = {}
    offset = 0
    for name, size in _FIELDS:
        raw = block[offset : offset + size]
        offset += size
        if name == "reserved":
            continue
        try:
            text = raw.decode("utf-16-le")
        except UnicodeDecodeError:
            raise DeviceError("bad_card", f"{name} is not UCS-2 text") from None
        text = text.rstrip(" \x00")
        if any(ord(ch) < 0x20 or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):
            raise DeviceError("bad_card", f"{name} holds control characters")
        values[name] = text

    if not values["name"]:
        raise DeviceError("bad_card", "name is empty")
    if values["sex"] not in SEXES:
        raise DeviceError("bad_card", "sex code unknown")
    nation = values["nation"]
    if len(nation) != 2 or not (nation.isascii() and nation.isdigit()) or int(nation) not in NATIONS:
        raise DeviceError("bad_card", "nation code unknown")
    birth = _iso(values["birth_date"], "birth date")
    try:
        number = parse_id_number(values["id_number"])
    except InvalidIdNumber as exc:
        raise DeviceError("bad_card", f"ID number invalid ({exc.reason})") from None
    if number.value != values["id_number"]:
        raise DeviceError("bad_card", "ID number has spaces or a lower-case x")
    if number.birth_date.isoformat() != birth:
        raise DeviceError("bad_card", "birth date differs from the ID number's")
    valid_from = _iso(values["valid_from"], "valid-from date")
    valid_to = LONG_TERM if values["valid_to"] == LONG_TERM else _iso(values["valid_to"], "valid-to date")
    return IdCard(
        name=values["name"],
        sex=SEXES[values["sex"]],
        nation=NATIONS[int(nation)],
        birth_date=birth,
        address=values["address"],
        id_number=number.value,
        issuer=values["issuer"],
        valid_from=valid_from,
        valid_to=valid_to,
    )


def encode_text_block(card: IdCard) -> bytes:
    """The reverse of :func:`parse_text_block`, for simulators and tests.

    Values that do not fit their field raise ``DeviceError("bad_card")``.
    """
    def compact(iso: str) -> str:
        return iso if iso == LONG_TERM else iso.replace("-", "")

    nation = _NATION_CODES.get(card.nation)
    values = {
        "name": card.name,
        "sex": _SEX_CODES.get(card.sex, card.sex),
        "nation": f"{nation:02d}" if nation is not None else card.nation,
        "birth_date": compact(card.birth_date),
        "address": card.address,
        "id_number": card.id_number,
        "issuer": card.issuer,
        "valid_from": compact(card.valid_from),
        "valid_to": compact(card.valid_to),
        "reserved": "",
    }
    out = bytearray()
    for name, size in _FIELDS:
        raw = values[name].encode("utf-16-le")
        if len(raw) > size:
            raise DeviceError("bad_card", f"{name} longer than {size // 2} characters")
        out += raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)
    return bytes(out)


def read_text_data(text_block: bytes, photo: bytes = bytes(PHOTO_LEN)) -> bytes:
    """The data of a successful ``30 01`` answer."""
    return len(text_block).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text_block + photo
