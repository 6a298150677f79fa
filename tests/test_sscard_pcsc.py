"""The social-security card driver through a real pcscd, vpcd and a virtual card process."""
from __future__ import annotations

import json
import sys

import pytest

from kiosk.devices.errors import DeviceError
from kiosk.devices.events import CardPresented, CardRemoved, DeviceLost, ReadError, SocialSecurityCard
from kiosk.devices.sscard import SELECT_SSSE, PcscSocialSecurityReader, check_pcsc, read_record, read_ssse
from tests.devices.pcsc import READER, Pcscd, wait_until_empty
from tests.devices.processes import EventSink, LineProcess, wait_until
from tests.helpers import card

pytestmark = pytest.mark.slow


def holder(role: str = "tier1", **extra) -> dict:
    c = card(role)
    return {"card_number": "A" + c.id_number[-8:].replace("X", "0"), "id_number": c.id_number,
            "name": c.name, **extra}


@pytest.fixture(scope="module")
def pcscd(tmp_path_factory):
    daemon = Pcscd(tmp_path_factory.mktemp("pcscd"))
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture
def vcard(pcscd):
    wait_until_empty()
    process = LineProcess([sys.executable, "-m", "tests.devices.vcard", "--port", str(pcscd.port)], "vcard")
    process.expect("ready")
    yield process
    process.stop()
    wait_until_empty()


@pytest.fixture
def events():
    return EventSink()


@pytest.fixture
def reader(pcscd, events):
    driver = PcscSocialSecurityReader(events, "Virtual PCD 00 00", wait_ms=100)
    driver.start()
    wait_until(lambda: driver.state == "ready", timeout=10, what="the PC/SC reader")
    yield driver
    driver.stop()
    assert not driver.running


def insert(vcard, spec: dict) -> None:
    vcard.send("insert " + json.dumps(spec, ensure_ascii=False))


def test_the_cardholder_record_is_read_and_removal_seen(reader, vcard, events):
    spec = holder("tier1")
    insert(vcard, spec)
    event = events.next(timeout=10)
    assert isinstance(event, CardPresented) and event.device == "sscard"
    assert event.card == SocialSecurityCard(spec["card_number"], spec["id_number"], spec["name"])
    vcard.expect("apdu " + SELECT_SSSE.hex())  # selected by the name "sssE"
    vcard.send("remove")
    assert isinstance(events.next(timeout=10), CardRemoved)


def test_a_minors_card_carries_the_minors_number(reader, vcard, events):
    insert(vcard, holder("minor"))
    assert events.next(timeout=10).card.id_number == card("minor").id_number


def test_the_ministry_layout_keeps_the_card_number_in_ef05(reader, vcard, events):
    spec = holder("tier3", layout="ministry")
    insert(vcard, spec)
    assert events.next(timeout=10).card.card_number == spec["card_number"]


def test_a_card_without_the_ssse_application(reader, vcard, events):
    insert(vcard, holder(ssse=False))
    assert events.next(timeout=10) == ReadError("sscard", "not_ss_card")


def test_a_card_with_an_invalid_number_is_a_bad_card(reader, vcard, events):
    spec = holder()
    spec["id_number"] = spec["id_number"][:-1] + ("1" if spec["id_number"][-1] != "1" else "2")
    insert(vcard, spec)
    assert events.next(timeout=10) == ReadError("sscard", "bad_card")


def test_a_card_pulled_out_mid_read(reader, vcard, events):
    vcard.send("pull-on 2")  # answers SELECT, SELECT, the first READ RECORD, then is gone
    insert(vcard, holder())
    assert events.next(timeout=10) == ReadError("sscard", "card_removed_early")
    vcard.expect("pulled")
    assert isinstance(events.next(timeout=10), CardRemoved)
    vcard.send("pull-on 0")
    wait_until_empty()
    insert(vcard, holder())  # put back in: read normally
    assert isinstance(events.next(timeout=10), CardPresented)


def test_a_reader_that_is_not_there_is_lost(pcscd, events):
    driver = PcscSocialSecurityReader(events, "No Such Reader", reopen_ms=50)
    driver.start()
    try:
        assert isinstance(events.next(timeout=10), DeviceLost)
        assert "No Such Reader" in driver.problem
    finally:
        driver.stop()


def test_check_pcsc_for_kiosk_admin(pcscd, vcard):
    assert check_pcsc("Virtual PCD 00 00") == f"{READER}: ready; no card"
    with pytest.raises(DeviceError) as caught:
        check_pcsc("No Such Reader")
    assert caught.value.reason == "reader_missing"


# -- the APDU dialogue without a reader ------------------------------------------------
class FakeCard:
    def __init__(self, answers: dict[bytes, bytes]):
        self.answers = answers
        self.sent: list[bytes] = []

    def __call__(self, apdu: bytes) -> bytes:
        self.sent.append(apdu)
        return self.answers.get(apdu, b"\x6d\x00")


def _record(tag: int, value: bytes) -> bytes:
    return bytes([tag, len(value)]) + value + b"\x90\x00"


def test_read_ssse_apdus_and_layout():
    c = card("tier2")
    fake = FakeCard({
        SELECT_SSSE: b"\x90\x00",
        bytes.fromhex("00A4020002EF06"): b"\x90\x00",
        read_record(0x07): _record(0x07, b"B98765432"),
        read_record(0x08): _record(0x08, c.id_number.encode()),
        read_record(0x09): _record(0x09, c.name.encode("gbk") + b" " * 4),
    })
    assert read_ssse(fake) == SocialSecurityCard("B98765432", c.id_number, c.name)
    assert fake.sent[0] == bytes.fromhex("00A404000473737345")


@pytest.mark.parametrize("answers, reason", [
    ({SELECT_SSSE: b"\x6a\x82"}, "not_ss_card"),
    ({SELECT_SSSE: b"\x90"}, "bad_card"),
    ({SELECT_SSSE: b"\x90\x00"}, "bad_card"),  # no EF06
])
def test_read_ssse_refusals(answers, reason):
    with pytest.raises(DeviceError) as caught:
        read_ssse(FakeCard(answers))
    assert caught.value.reason == reason
