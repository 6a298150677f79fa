"""The social-security card (社会保障卡) in a PC/SC contact reader (pyscard, pcscd).

What is read
------------
1. ``SELECT`` the SSSE application **by DF name** (``00 A4 04 00 04 73 73 73 45``):
   the name is the four ASCII bytes of ``sssE``, as the ministry's card
   specification names the application. A card without it (a bank card, an ID
   card in a contact reader) answers ``6A82``: ``not_ss_card``.
2. ``SELECT`` the cardholder file **EF06** by file id (``00 A4 02 00 02 EF 06``).
3. ``READ RECORD`` by record number, P2 = ``04`` (absolute), Le = ``00``
   (``00 B2 nn 04 00``), for these records, each answered as ``tag len value``
   with the tag equal to the record number:

   ==== ====================================== ================================
   tag  field                                  value
   ==== ====================================== ================================
   07   card number (社会保障卡卡号)            9 ASCII letters/digits
   08   social-security number (社会保障号码)  18 ASCII: the resident ID number
   09   name (姓名)                            up to 30 bytes GBK, padded with
                                               00 or spaces
   ==== ====================================== ================================

   The project's domain digest places all three in EF06 and that is what is read
   first. Cards that follow the ministry layout keep the card number in EF05
   (record 07 there): when EF06 has no record 07 (``6A83``), it is read from EF05.

The social-security number must pass GB 11643; the event carries it as
``id_number``, so identification is the same lookup as for an ID card (and a
minor's card leads to the guardian's account the same way).

A card pulled out mid-read makes ``SCardTransmit`` fail (removed, reset, no
card) or return an answer without a status word (vpcd does that):
``ReadError("card_removed_early")``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.devices.base import DeviceWorker
from kiosk.devices.errors import DeviceError
from kiosk.devices.events import CardPresented, CardRemoved, ReadError, SocialSecurityCard
from kiosk.domain.idnumber import InvalidIdNumber, parse_id_number

SSSE_AID = b"sssE"
SELECT_SSSE = bytes([0x00, 0xA4, 0x04, 0x00, len(SSSE_AID)]) + SSSE_AID
SELECT_EF06 = bytes.fromhex("00A4020002EF06")
SELECT_EF05 = bytes.fromhex("00A4020002EF05")
TAG_CARD_NUMBER, TAG_SSN, TAG_NAME = 0x07, 0x08, 0x09
_CARD_NUMBER = re.compile(r"[A-Z0-9]{9}")


def read_record(tag: int) -> bytes:
    return bytes([0x00, 0xB2, tag, 0x04, 0x00])


@dataclass(frozen=True)
class Answer:
    """A smart card's APDU answer: the data and the status word (SW1 SW2, 0x9000 when all is well)."""

    data: bytes
    sw: int

    @classmethod
    def of(cls, raw: bytes) -> Answer:
        if len(raw) < 2:
            raise DeviceError("bad_card", "answer shorter than its status word")
        return cls(bytes(raw[:-2]), (raw[-2] << 8) | raw[-1])


def tlv_value(answer: Answer, tag: int) -> bytes:
    """The value of the record ``tag``: checks the status, the tag and the length."""
    if answer.sw != 0x9000:
        raise DeviceError("bad_card", f"record {tag:02X}: status {answer.sw:04X}")
    data = answer.data
    if len(data) < 2 or data[0] != tag or data[1] != len(data) - 2:
        raise DeviceError("bad_card", f"record {tag:02X} is not a '{tag:02X} len value' record")
    return data[2:]


def parse_card_number(value: bytes) -> str:
    text = value.rstrip(b"\x00 ").decode("ascii", errors="replace")
    if not _CARD_NUMBER.fullmatch(text):
        raise DeviceError("bad_card", "card number is not 9 letters or digits")
    return text


def parse_ssn(value: bytes) -> str:
    text = value.rstrip(b"\x00 ").decode("ascii", errors="replace")
    try:
        number = parse_id_number(text)
    except InvalidIdNumber as exc:
        raise DeviceError("bad_card", f"social-security number invalid ({exc.reason})") from None
    return number.value


def parse_name(value: bytes) -> str:
    if len(value) > 30:
        raise DeviceError("bad_card", "name longer than 30 bytes")
    try:
        text = value.rstrip(b"\x00 ").decode("gbk")
    except UnicodeDecodeError:
        raise DeviceError("bad_card", "name is not GBK text") from None
    if not text or any(ord(ch) < 0x20 for ch in text):
        raise DeviceError("bad_card", "name empty or holding control characters")
    return text


def read_ssse(transmit: Callable[[bytes], bytes]) -> SocialSecurityCard:
    """The APDU dialogue, over any ``transmit(apdu) -> response + SW``."""
    selected = Answer.of(transmit(SELECT_SSSE))
    if selected.sw in (0x6A82, 0x6A86, 0x6D00, 0x6E00):
        raise DeviceError("not_ss_card", f"SELECT sssE: {selected.sw:04X}")
    if selected.sw != 0x9000 and selected.sw >> 8 != 0x61:
        raise DeviceError("bad_card", f"SELECT sssE: {selected.sw:04X}")
    if Answer.of(transmit(SELECT_EF06)).sw != 0x9000:
        raise DeviceError("bad_card", "no cardholder file EF06")
    ssn = parse_ssn(tlv_value(Answer.of(transmit(read_record(TAG_SSN))), TAG_SSN))
    name = parse_name(tlv_value(Answer.of(transmit(read_record(TAG_NAME))), TAG_NAME))
    answer = Answer.of(transmit(read_record(TAG_CARD_NUMBER)))
    if answer.sw == 0x6A83:  # the ministry layout: the card number is in EF05
        if Answer.of(transmit(SELECT_EF05)).sw != 0x9000:
            raise DeviceError("bad_card", "no card number in EF06 and no EF05")
        answer = Answer.of(transmit(read_record(TAG_CARD_NUMBER)))
    card_number = parse_card_number(tlv_value(answer, TAG_CARD_NUMBER))
    return SocialSecurityCard(card_number=card_number, id_number=ssn, name=name)


class _Gone(Exception):
    """pcscd or the reader went away: start over with a new context."""


class PcscSocialSecurityReader(DeviceWorker):
    kind = "social-security card (PC/SC)"

    def __init__(self, listener: Callable[[object], None], reader_name: str = "", *,
                 name: str = "sscard", wait_ms: int = 250, reopen_ms: int = 500):
        super().__init__(name, listener)
        self.reader_name = reader_name  # a part of the PC/SC reader name; empty: the first reader
        self.wait_ms = wait_ms
        self.reopen_s = reopen_ms / 1000
        self._context = None
        self.reader: str | None = None

    def _wake(self) -> None:
        context = self._context
        if context is not None:
            from smartcard import scard

            scard.SCardCancel(context)

    def _run(self) -> None:
        from smartcard import scard

        try:
            while not self._stop.is_set():
                try:
                    self._watch(scard)
                except _Gone as exc:
                    self._release(scard)
                    self._set_lost(str(exc))
                    self._stop.wait(self.reopen_s)
        finally:
            self._release(scard)

    def _release(self, scard) -> None:
        if self._context is not None:
            scard.SCardReleaseContext(self._context)
            self._context = None

    def _watch(self, scard) -> None:
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise _Gone(str(DeviceError("pcsc_unavailable", scard.SCardGetErrorMessage(hresult))))
        self._context = context
        self.reader = find_reader(scard, context, self.reader_name)
        self._set_ready()
        state = scard.SCARD_STATE_UNAWARE
        reported = False
        while not self._stop.is_set():
            hresult, states = scard.SCardGetStatusChange(context, self.wait_ms, [(self.reader, state)])
            if hresult in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED):
                continue
            if hresult != scard.SCARD_S_SUCCESS:
                if reported:
                    self._emit(CardRemoved(self.name))
                raise _Gone(f"{self.reader}: {scard.SCardGetErrorMessage(hresult)}")
            _, event_state, _atr = states[0]
            state = event_state & ~scard.SCARD_STATE_CHANGED
            if event_state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                if reported:
                    self._emit(CardRemoved(self.name))
                raise _Gone(str(DeviceError("reader_missing", self.reader)))
            present = bool(event_state & scard.SCARD_STATE_PRESENT) and not event_state & scard.SCARD_STATE_MUTE
            if present and not reported:
                reported = True
                self._emit(self._read(scard, context))
            elif not present and reported:
                reported = False
                self._emit(CardRemoved(self.name))

    def _read(self, scard, context):
        try:
            return CardPresented(self.name, read_card(scard, context, self.reader))
        except DeviceError as exc:
            self.log.info("card read failed: %s", exc)
            return ReadError(self.name, exc.reason)


_REMOVED = ("SCARD_W_REMOVED_CARD", "SCARD_E_NO_SMARTCARD", "SCARD_W_RESET_CARD",
            "SCARD_E_NOT_TRANSACTED", "SCARD_W_UNPOWERED_CARD", "SCARD_E_COMM_DATA_LOST")


def read_card(scard, context, reader: str) -> SocialSecurityCard:
    removed = {getattr(scard, name) for name in _REMOVED if hasattr(scard, name)}
    hresult, card, protocol = scard.SCardConnect(
        context, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
    if hresult != scard.SCARD_S_SUCCESS:
        reason = "card_removed_early" if hresult in removed else "bad_card"
        raise DeviceError(reason, f"connect: {scard.SCardGetErrorMessage(hresult)}")

    def transmit(apdu: bytes) -> bytes:
        result, response = scard.SCardTransmit(card, protocol, list(apdu))
        if result != scard.SCARD_S_SUCCESS:
            reason = "card_removed_early" if result in removed else "read_failed"
            raise DeviceError(reason, scard.SCardGetErrorMessage(result))
        if len(response) < 2:  # the exchange broke off: the card left the reader
            raise DeviceError("card_removed_early", "answer without a status word")
        return bytes(response)

    try:
        return read_ssse(transmit)
    finally:
        scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)


def find_reader(scard, context, wanted: str) -> str:
    hresult, readers = scard.SCardListReaders(context, [])
    if hresult not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_NO_READERS_AVAILABLE):
        raise _Gone(str(DeviceError("pcsc_unavailable", scard.SCardGetErrorMessage(hresult))))
    for reader in readers or []:
        if wanted.lower() in reader.lower():
            return reader
    raise _Gone(str(DeviceError("reader_missing", f"no reader named like {wanted!r}" if wanted
                                else "no smart-card reader")))


def check_pcsc(reader_name: str) -> str:
    """For ``kiosk-admin devices``: pcscd answers and the reader is there; says if a card is in."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise DeviceError("pcsc_unavailable", scard.SCardGetErrorMessage(hresult))
    try:
        try:
            reader = find_reader(scard, context, reader_name)
        except _Gone as exc:
            reason = "reader_missing" if "reader" in str(exc) else "pcsc_unavailable"
            raise DeviceError(reason, reader_name or "first reader") from None
        hresult, states = scard.SCardGetStatusChange(context, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        present = hresult == scard.SCARD_S_SUCCESS and states[0][1] & scard.SCARD_STATE_PRESENT
        return f"{reader}: ready; {'a card is in it' if present else 'no card'}"
    finally:
        scard.SCardReleaseContext(context)
