"""The serial ID-card reader against a simulated SAM reader process on a socat pty pair."""
from __future__ import annotations

import time

import pytest

from kiosk.devices import sam
from kiosk.devices.errors import DeviceError
from kiosk.devices.events import CardPresented, CardRemoved, DeviceBack, DeviceLost, ReadError
from kiosk.devices.idcard_serial import SerialIdCardReader, check_reader
from tests.devices.fixtures import events, pty_pair, sam_device  # noqa: F401  (fixtures)
from tests.devices.processes import wait_until
from tests.helpers import card

pytestmark = pytest.mark.slow
POLL_MS = 30


@pytest.fixture
def reader(pty_pair, sam_device, events):
    driver = SerialIdCardReader(events, pty_pair.kiosk, poll_ms=POLL_MS, answer_timeout_s=0.3,
                                read_timeout_s=0.6, reopen_ms=50)
    driver.start()
    wait_until(lambda: driver.state == "ready", what="the reader to answer")
    yield driver
    driver.stop()
    assert not driver.running


def test_a_card_is_presented_once_per_placement_and_removed(reader, sam_device, events):
    sam_device.place(card("tier1"))
    event = events.next()
    assert isinstance(event, CardPresented) and event.device == "id-reader"
    assert event.card == card("tier1")
    assert events.quiet(8 * POLL_MS / 1000) == []  # still on the reader: not presented again
    sam_device.remove()
    assert isinstance(events.next(), CardRemoved)
    sam_device.place(card("minor"))
    assert events.next().card == card("minor")


def test_no_card_means_no_events_and_a_ready_reader(reader, events):
    assert events.quiet(6 * POLL_MS / 1000) == []
    assert reader.state == "ready"


@pytest.mark.parametrize("fault", ["split", "garbage"])
def test_dribbled_or_noisy_answers_are_reassembled(reader, sam_device, events, fault):
    sam_device.fault(fault, "any", -1)
    sam_device.place(card("tier2"))
    assert events.next().card == card("tier2")


@pytest.mark.parametrize("fault", ["badchecksum", "truncate", "badlength", "silent"])
def test_one_damaged_answer_is_retried(reader, sam_device, events, fault):
    sam_device.fault(fault, "read", 1)
    sam_device.place(card("tier3"))
    assert events.next(timeout=5).card == card("tier3")


def test_answers_that_stay_damaged_give_one_read_error_until_the_card_is_lifted(reader, sam_device, events):
    sam_device.fault("badchecksum", "read", -1)
    sam_device.place(card("tier1"))
    assert events.next() == ReadError("id-reader", "read_failed")
    assert events.quiet(8 * POLL_MS / 1000) == []
    sam_device.send("clear")
    sam_device.remove()
    assert isinstance(events.next(), CardRemoved)
    sam_device.place(card("tier1"))
    assert isinstance(events.next(), CardPresented)


@pytest.mark.parametrize("status, reason", [("31", "auth_failed"), ("41", "read_failed"),
                                            ("40", "bad_card"), ("60", "reader_fault")])
def test_reader_status_codes_become_read_errors(reader, sam_device, events, status, reason):
    sam_device.fault(f"status:{status}", "read", -1)
    sam_device.place(card("tier1"))
    assert events.next() == ReadError("id-reader", reason)


def test_a_card_with_a_bad_check_digit_is_a_bad_card(reader, sam_device, events):
    block = bytearray(sam.encode_text_block(card("tier1")))
    last = block[156:158].decode("utf-16-le")
    block[156:158] = ("0" if last != "0" else "1").encode("utf-16-le")
    sam_device.send("place-raw " + block.hex())
    assert events.next() == ReadError("id-reader", "bad_card")


def test_a_card_lifted_between_find_and_read_is_reported(reader, sam_device, events):
    sam_device.fault("status:81", "select", -1)  # select fails: the card left the field
    sam_device.place(card("tier1"))
    assert events.next() == ReadError("id-reader", "no_card")


def test_a_reader_that_stops_answering_is_lost_and_comes_back(reader, sam_device, events):
    sam_device.fault("silent", "any", -1)
    assert isinstance(events.next(), DeviceLost)
    assert reader.state == "lost" and "no complete answer" in reader.problem
    sam_device.send("clear")
    assert isinstance(events.next(), DeviceBack)


def test_unplug_and_replug(reader, pty_pair, sam_device, events):
    sam_device.place(card("tier4"))
    assert isinstance(events.next(), CardPresented)
    pty_pair.unplug()
    assert isinstance(events.next(), CardRemoved)
    assert isinstance(events.next(), DeviceLost)
    assert reader.state == "lost"
    pty_pair.plug()  # same link paths; the simulator reopens its end
    assert isinstance(events.next(timeout=10), DeviceBack)
    assert events.next(timeout=10).card == card("tier4")  # still on the reader: read again


def test_a_port_missing_at_start_is_lost_until_it_appears(tmp_path, events):
    from tests.devices.processes import PtyPair, SamSimulatorProcess

    pair = PtyPair(tmp_path)
    driver = SerialIdCardReader(events, pair.kiosk, poll_ms=POLL_MS, reopen_ms=50)
    driver.start()
    sim = None
    try:
        assert isinstance(events.next(), DeviceLost)
        assert "cannot be opened" in driver.problem
        pair.plug()
        sim = SamSimulatorProcess(pair.device)
        assert isinstance(events.next(timeout=10), DeviceBack)
    finally:
        driver.stop()
        if sim is not None:
            sim.stop()
        pair.unplug()


def test_stop_is_prompt_while_the_port_is_gone(tmp_path, events):
    driver = SerialIdCardReader(events, str(tmp_path / "nothing"), reopen_ms=10_000)
    driver.start()
    events.wait_for(DeviceLost)
    started = time.monotonic()
    driver.stop()
    assert time.monotonic() - started < 1.0 and not driver.running


def test_check_reader_for_kiosk_admin(pty_pair, sam_device, tmp_path):
    assert check_reader(pty_pair.kiosk) == "reader answers; no card"
    sam_device.place(card("tier1"))
    assert check_reader(pty_pair.kiosk) == "reader answers; a card is on it"
    with pytest.raises(DeviceError) as caught:
        check_reader(str(tmp_path / "ttyNONE"))
    assert caught.value.reason == "port_unavailable"
    sam_device.fault("silent", "find", -1)
    with pytest.raises(DeviceError) as caught:
        check_reader(pty_pair.kiosk, timeout_s=0.3)
    assert caught.value.reason == "timeout"
