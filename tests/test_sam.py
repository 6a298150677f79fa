"""The SAM frame codec and the ID card's text block (pure: no port, no thread)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.devices import sam
from kiosk.devices.errors import DeviceError
from tests.helpers import card


def test_commands_match_the_readers_documented_bytes():
    assert sam.encode_command(*sam.FIND_CARD) == bytes.fromhex("AAAAAA9669 0003 2001 22")
    assert sam.encode_command(*sam.SELECT_CARD) == bytes.fromhex("AAAAAA9669 0003 2002 21")
    assert sam.encode_command(*sam.READ_TEXT) == bytes.fromhex("AAAAAA9669 0003 3001 32")
    assert sam.encode_response(sam.FIND_OK, bytes(4)) == bytes.fromhex("AAAAAA9669 0008 00009F 00000000 97")
    assert sam.encode_response(0x80) == bytes.fromhex("AAAAAA9669 0004 000080 84")


def _decode_all(decoder: sam.FrameDecoder) -> list:
    out = []
    while True:
        try:
            body = decoder.next_body()
        except DeviceError as exc:
            out.append(exc.reason)
            continue
        if body is None:
            return out
        out.append(sam.decode_response(body))


def test_frames_dribbled_byte_by_byte_are_decoded_once_complete():
    raw = sam.encode_response(sam.OK, b"\x01\x02\x03")
    decoder = sam.FrameDecoder()
    for i, byte in enumerate(raw):
        decoder.feed(bytes([byte]))
        got = decoder.next_body()
        assert (got is None) == (i < len(raw) - 1)
    assert sam.decode_response(got) == sam.Response(sam.OK, b"\x01\x02\x03")


def test_noise_before_a_frame_and_a_preamble_split_across_reads_are_survived():
    decoder = sam.FrameDecoder()
    raw = sam.encode_response(sam.FIND_OK, bytes(4))
    decoder.feed(b"\x00\xaa\x13\xaa\xaa" + raw[:3])
    assert decoder.next_body() is None
    decoder.feed(raw[3:])
    assert sam.decode_response(decoder.next_body()).sw3 == sam.FIND_OK
    assert decoder.skipped == 5


def test_a_bad_checksum_is_reported_and_the_next_frame_still_decodes():
    bad = bytearray(sam.encode_response(sam.OK, b"abc"))
    bad[-1] ^= 0xFF
    decoder = sam.FrameDecoder()
    decoder.feed(bytes(bad) + sam.encode_response(0x80))
    assert _decode_all(decoder) == ["bad_checksum", sam.Response(0x80)]


def test_a_length_out_of_range_is_a_bad_frame():
    decoder = sam.FrameDecoder()
    decoder.feed(sam.PREAMBLE + b"\xff\xff" + b"\x00" * 10 + sam.encode_response(0x80))
    assert _decode_all(decoder) == ["bad_frame", sam.Response(0x80)]
    decoder.feed(sam.PREAMBLE + b"\x00\x00" + sam.encode_response(0x90))
    assert _decode_all(decoder) == ["bad_frame", sam.Response(0x90)]


def test_short_bodies_are_bad_frames():
    with pytest.raises(DeviceError) as caught:
        sam.decode_response(b"\x00\x00")
    assert caught.value.reason == "bad_frame"
    with pytest.raises(DeviceError):
        sam.decode_command(b"\x20")


@pytest.mark.parametrize("sw3, reason", [
    (0x80, "no_card"), (0x81, "no_card"), (0x41, "read_failed"), (0x31, "auth_failed"),
    (0x32, "auth_failed"), (0x40, "bad_card"), (0x33, "bad_card"), (0x60, "reader_fault"),
    (0x10, "bad_frame"), (0x77, "read_failed"),
])
def test_status_codes_map_to_reasons_a_person_can_act_on(sw3, reason):
    with pytest.raises(DeviceError) as caught:
        sam.check_status(sam.Response(sw3), sam.OK)
    assert caught.value.reason == reason
    assert f"0x{sw3:02X}" in str(caught.value)
    assert sam.check_status(sam.Response(sam.OK), sam.OK).sw3 == sam.OK


@pytest.mark.parametrize("role", ["tier1", "tier3", "minor"])
def test_text_block_round_trip(role):
    original = card(role)
    block = sam.encode_text_block(original)
    assert len(block) == sam.TEXT_LEN
    assert sam.parse_text_block(block) == original


def test_text_block_layout_codes_and_padding():
    block = sam.encode_text_block(card("tier3"))  # male, 长期
    assert block[0:6].decode("utf-16-le") == "黄志强"
    assert block[6:30] == " ".encode("utf-16-le") * 12
    assert block[30:32].decode("utf-16-le") == "1"
    assert block[32:36].decode("utf-16-le") == "01"
    assert block[36:52].decode("utf-16-le") == "19721105"
    assert block[122:158].decode("utf-16-le") == card("tier3").id_number
    assert block[204:220].decode("utf-16-le") == "长期" + " " * 6
    parsed = sam.parse_text_block(block)
    assert (parsed.sex, parsed.nation, parsed.valid_to) == ("男", "汉", "长期")


def test_nation_codes_cover_the_56_nationalities():
    assert len([c for c in sam.NATIONS if c <= 56]) == 56
    assert sam.NATIONS[1] == "汉" and sam.NATIONS[56] == "基诺"
    tibetan = replace(card("tier1"), nation="藏")
    assert sam.encode_text_block(tibetan)[32:36].decode("utf-16-le") == "04"
    assert sam.parse_text_block(sam.encode_text_block(tibetan)).nation == "藏"


@pytest.mark.parametrize("change, detail", [
    (dict(id_number="350203199003141220"), "ID number invalid"),  # wrong check digit
    (dict(birth_date="1990-03-15"), "birth date differs"),
    (dict(sex="X"), "sex code"),
    (dict(nation="99"), "nation code"),
    (dict(name=""), "name is empty"),
    (dict(valid_from="2015-13-02"), "valid-from date"),
])
def test_a_damaged_card_is_a_bad_card_with_the_field_named(change, detail):
    broken = replace(card("tier1"), **change)
    with pytest.raises(DeviceError) as caught:
        sam.parse_text_block(sam.encode_text_block(broken))
    assert caught.value.reason == "bad_card"
    assert detail in str(caught.value)


def test_text_block_of_the_wrong_size_or_encoding():
    with pytest.raises(DeviceError, match="255 bytes"):
        sam.parse_text_block(bytes(255))
    block = bytearray(sam.encode_text_block(card("tier1")))
    block[0:2] = b"\x00\xd8"  # a lone surrogate
    with pytest.raises(DeviceError):
        sam.parse_text_block(bytes(block))


def test_read_text_data_sizes_are_checked():
    block = sam.encode_text_block(card("tier1"))
    data = sam.read_text_data(block)
    assert sam.split_read_text(data) == (block, bytes(sam.PHOTO_LEN))
    with pytest.raises(DeviceError):
        sam.split_read_text(data[:-1])
    with pytest.raises(DeviceError):
        sam.split_read_text(b"\x01")
