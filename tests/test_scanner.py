"""QR/barcode scanners: the payload classifier, the burst detector, the serial scanner on a pty pair."""
from __future__ import annotations

import os

import pytest

from kiosk.devices.errors import DeviceError
from kiosk.devices.events import DeviceBack, DeviceLost, ReadError, TokenPresented
from kiosk.devices.payloads import EVOUCHER, HEALTH_CARD, ID_NUMBER, Payload, classify
from kiosk.devices.scanner import BurstDetector, LineSplitter, SerialScanner, check_serial_scanner
from tests.devices.fixtures import events, pty_pair  # noqa: F401  (fixtures)
from tests.devices.processes import wait_until
from tests.helpers import card

TOKEN = "demo-tier1-7f3a9c2e5b1d4068"


# -- payloads ------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    (f"ECV:{TOKEN}", Payload(EVOUCHER, TOKEN)),
    (f"ecv:{TOKEN}", Payload(EVOUCHER, TOKEN)),
    (f"EHC:{TOKEN}", Payload(HEALTH_CARD, TOKEN)),
    (f"\x02EHC:{TOKEN}\x03\r\n", Payload(HEALTH_CARD, TOKEN)),  # a scanner's STX/ETX framing
    ("EHC:eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl", Payload(HEALTH_CARD, "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl")),
])
def test_tokens_are_recognised_by_prefix(text, expected):
    assert classify(text) == expected


def test_an_id_number_is_checked_and_upper_cased():
    from datetime import date

    from sandbox.demo_data import make_id_number

    number = card("tier1").id_number
    assert classify(f" {number}\x1d") == Payload(ID_NUMBER, number)
    with_x = next(n for n in (make_id_number("350203", date(1990, 1, 1), seq, "M") for seq in range(100))
                  if n.endswith("X"))
    assert classify(with_x.lower()) == Payload(ID_NUMBER, with_x)


@pytest.mark.parametrize("text, reason", [
    ("", "unknown_code"),
    ("\r\n\x00", "unknown_code"),
    ("https://example.invalid/pay?id=1", "unknown_code"),
    ("6901234567892", "unknown_code"),  # a product barcode
    ("ECV:short", "unknown_code"),
    ("ECV:has spaces in the token!", "unknown_code"),
    ("EHC:" + "a" * 300, "unknown_code"),
    ("x" * 5000, "unknown_code"),
])
def test_anything_else_is_refused_with_a_reason(text, reason):
    with pytest.raises(DeviceError) as caught:
        classify(text)
    assert caught.value.reason == reason
    assert "e-voucher" in str(caught.value) or "too long" in str(caught.value)


def test_an_id_number_with_a_wrong_check_digit_says_so():
    number = card("tier2").id_number
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(DeviceError) as caught:
        classify(wrong)
    assert caught.value.reason == "checksum"


# -- burst detector (the wedge's timing rule) ------------------------------------------------
def feed(detector: BurstDetector, text: str, start: float, gap: float) -> float:
    released = []
    t = start
    for ch in text:
        released += detector.key(ch, t, ch)
        t += gap
    return t, released


def test_a_fast_burst_ending_in_enter_is_a_scan():
    d = BurstDetector()
    t, released = feed(d, f"ECV:{TOKEN}", 1000, 3)
    assert released == []
    assert d.enter(t) == ("scan", f"ECV:{TOKEN}")
    assert not d.holding


def test_human_typing_is_passed_on_key_by_key():
    d = BurstDetector()
    t, released = feed(d, "350203199003", 1000, 120)
    assert released == list("35020319900")  # each key let go when the next came late
    assert d.enter(t) == ("pass", ["3"])


@pytest.mark.parametrize("text, gap, enter_after", [
    ("1234567", 2, 2),  # too short
    ("12345678", 2, 80),  # Enter came late
    ("12345678", 31, 2),  # gaps too long
])
def test_near_misses_are_typing(text, gap, enter_after):
    d = BurstDetector()
    t, released = feed(d, text, 0, gap)
    verdict, value = d.enter(t - gap + enter_after)
    assert verdict == "pass"
    assert "".join(released + value) == text


def test_a_scan_right_after_typing_keeps_both_apart():
    d = BurstDetector()
    t, released = feed(d, "ab", 0, 200)
    t, more = feed(d, f"ECV:{TOKEN}", t + 200, 2)
    assert released + more == ["a", "b"]
    assert d.enter(t) == ("scan", f"ECV:{TOKEN}")


def test_line_splitter_handles_cr_lf_crlf_long_and_stale_lines():
    s = LineSplitter(max_line=16, stale_s=1.0)
    assert s.feed(b"abc\r\ndef\rghi\n\n", 0) == [b"abc", b"def", b"ghi"]
    assert s.feed(b"par", 0) == []
    assert s.feed(b"tial\r", 0.5) == [b"partial"]
    assert s.feed(b"old", 1.0) == []
    assert s.feed(b"new\n", 2.5) == [b"new"]  # "old" was stale
    assert s.feed(b"x" * 40 + b"\n" + b"ok\n", 3) == [None, b"ok"]


# -- the serial scanner on a pty pair -------------------------------------------------------
@pytest.fixture
def scanner(pty_pair, events):
    driver = SerialScanner(events, pty_pair.kiosk, reopen_ms=50)
    driver.start()
    wait_until(lambda: driver.state == "ready", what="the scanner port")
    yield driver
    driver.stop()
    assert not driver.running


@pytest.fixture
def device_end(pty_pair):
    fd = os.open(pty_pair.device, os.O_RDWR | os.O_NOCTTY)
    yield fd
    os.close(fd)


@pytest.mark.slow
@pytest.mark.parametrize("ending", [b"\r", b"\n", b"\r\n"])
def test_serial_scans_end_with_cr_or_lf(scanner, device_end, events, ending):
    os.write(device_end, f"ECV:{TOKEN}".encode() + ending)
    assert events.next() == TokenPresented("scanner", EVOUCHER, TOKEN)


@pytest.mark.slow
def test_serial_scans_in_pieces_and_back_to_back(scanner, device_end, events):
    number = card("minor").id_number
    for piece in (b"EHC:", TOKEN.encode()[:5], TOKEN.encode()[5:] + b"\r\n" + number.encode(), b"\r\n"):
        os.write(device_end, piece)
    assert events.next() == TokenPresented("scanner", HEALTH_CARD, TOKEN)
    assert events.next() == TokenPresented("scanner", ID_NUMBER, number)


@pytest.mark.slow
def test_serial_junk_is_refused(scanner, device_end, events):
    os.write(device_end, b"\xff\xfe garbage\r")
    assert events.next() == ReadError("scanner", "unknown_code")


@pytest.mark.slow
def test_serial_scanner_unplugged_and_back(scanner, pty_pair, events):
    pty_pair.unplug()
    assert isinstance(events.next(), DeviceLost)
    pty_pair.plug()
    assert isinstance(events.next(timeout=10), DeviceBack)
    fd = os.open(pty_pair.device, os.O_RDWR | os.O_NOCTTY)
    try:
        os.write(fd, f"ECV:{TOKEN}\r".encode())
        assert events.next() == TokenPresented("scanner", EVOUCHER, TOKEN)
    finally:
        os.close(fd)


@pytest.mark.slow
def test_check_serial_scanner(pty_pair, tmp_path):
    assert "port opens" in check_serial_scanner(pty_pair.kiosk)
    with pytest.raises(DeviceError) as caught:
        check_serial_scanner(str(tmp_path / "none"))
    assert caught.value.reason == "port_unavailable"
