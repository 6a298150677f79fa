"""Fuzzing the parsers that read what devices send: only ``DeviceError`` may come out,
with a reason the UI has words for and a message a person can act on."""
from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.devices import sam
from kiosk.devices.errors import HINTS, DeviceError
from kiosk.devices.events import IdCard
from kiosk.devices.idcard_serial import UI_REASONS
from kiosk.devices.payloads import EVOUCHER, HEALTH_CARD, ID_NUMBER, classify
from kiosk.devices.scanner import BurstDetector, LineSplitter
from kiosk.devices.sscard import read_ssse
from tests.helpers import card

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROLES = ("tier1", "tier2", "tier3", "tier4", "minor", "arrears")


def acceptable(error: DeviceError) -> None:
    assert isinstance(error.reason, str) and error.reason
    text = str(error)
    assert text and "Traceback" not in text
    assert error.reason in HINTS, f"no hint for {error.reason!r}"


def ui_reasons_have_messages():
    from kiosk.ui.messages import _TEXTS

    return _TEXTS


def test_every_reason_a_patient_can_see_has_a_message():
    texts = ui_reasons_have_messages()
    shown = {UI_REASONS.get(r, r) for r in HINTS} - {"port_unavailable", "reader_missing",
                                                      "pcsc_unavailable"}  # IT staff only
    assert shown <= set(texts), shown - set(texts)


# -- frames ---------------------------------------------------------------------------------
@FUZZ
@given(st.lists(st.binary(max_size=64), max_size=20))
def test_frame_decoder_survives_any_bytes(chunks):
    decoder = sam.FrameDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
        for _ in range(len(chunk) + 2):
            try:
                body = decoder.next_body()
            except DeviceError as exc:
                acceptable(exc)
                continue
            if body is None:
                break
            try:
                sam.decode_response(body)
            except DeviceError as exc:
                acceptable(exc)


frames = st.tuples(st.integers(0, 255), st.binary(max_size=40)).map(lambda t: sam.encode_response(*t))
noise = st.binary(max_size=12).filter(lambda b: sam.PREAMBLE not in b)


@FUZZ
@given(st.lists(st.tuples(noise, frames), min_size=1, max_size=6), st.integers(1, 17))
def test_frames_between_noise_all_come_out_in_order(pieces, chunk):
    stream = b"".join(n + f for n, f in pieces)
    decoder = sam.FrameDecoder()
    got = []
    for i in range(0, len(stream), chunk):
        decoder.feed(stream[i : i + chunk])
        while (body := decoder.next_body()) is not None:
            got.append(sam.PREAMBLE + len(body + b"x").to_bytes(2, "big") + body)
    assert got == [f[:-1] for _, f in pieces]  # every frame, less its checksum byte


@FUZZ
@given(st.binary(max_size=300))
def test_read_text_answers_and_text_blocks_of_any_bytes(data):
    for parse in (sam.split_read_text, sam.parse_text_block, sam.decode_command, sam.decode_response):
        try:
            parse(data)
        except DeviceError as exc:
            acceptable(exc)


@FUZZ
@given(st.binary(min_size=sam.TEXT_LEN, max_size=sam.TEXT_LEN))
def test_text_blocks_of_the_right_size_parse_or_fail_cleanly(block):
    try:
        result = sam.parse_text_block(block)
    except DeviceError as exc:
        acceptable(exc)
        assert exc.reason == "bad_card"
    else:
        assert isinstance(result, IdCard)


cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@FUZZ
@given(st.sampled_from(ROLES), st.text(cjk, min_size=1, max_size=15), st.text(cjk, max_size=35),
       st.integers(0, sam.TEXT_LEN - 1), st.integers(0, 255))
def test_real_cards_round_trip_and_any_damaged_byte_fails_cleanly(role, name, address, where, value):
    original = replace(card(role), name=name, address=address)
    block = sam.encode_text_block(original)
    assert sam.parse_text_block(block) == original
    damaged = bytearray(block)
    damaged[where] = value
    try:
        sam.parse_text_block(bytes(damaged))
    except DeviceError as exc:
        acceptable(exc)


# -- scanned codes ------------------------------------------------------------------------------
@FUZZ
@given(st.one_of(st.text(max_size=600), st.from_regex(r"(ECV|EHC|ecv):[A-Za-z0-9._~+/=-]{0,300}"),
                 st.from_regex(r"[0-9]{17}[0-9Xx]")))
def test_the_classifier_returns_a_payload_or_a_device_error(text):
    try:
        payload = classify(text)
    except DeviceError as exc:
        acceptable(exc)
    else:
        assert payload.kind in (EVOUCHER, HEALTH_CARD, ID_NUMBER)
        assert payload.value and payload.value.isprintable() and len(payload.value) <= 256


@FUZZ
@given(st.lists(st.tuples(st.text(min_size=1, max_size=1), st.floats(-5, 200, allow_nan=False)),
                max_size=40), st.floats(0, 200, allow_nan=False))
def test_the_burst_detector_never_loses_or_invents_keys(keys, enter_gap):
    detector = BurstDetector()
    passed, t = [], 0.0
    for text, gap in keys:
        t += gap
        passed += detector.key(text, t, text)
    verdict, value = detector.enter(t + enter_gap)
    typed = "".join(text for text, _ in keys)
    if verdict == "scan":
        assert "".join(passed) + value == typed
    else:
        assert "".join(passed + value) == typed


@FUZZ
@given(st.lists(st.binary(max_size=80), max_size=20))
def test_the_line_splitter_takes_any_bytes(chunks):
    splitter = LineSplitter(max_line=64)
    for i, chunk in enumerate(chunks):
        for line in splitter.feed(chunk, i * 0.1):
            assert line is None or (line and b"\r" not in line and b"\n" not in line and len(line) <= 64)


# -- social-security card answers ------------------------------------------------------------
@FUZZ
@given(st.lists(st.binary(max_size=40), min_size=1, max_size=8))
def test_ssse_dialogue_with_any_answers(answers):
    replies = iter(answers)

    def transmit(apdu: bytes) -> bytes:
        return next(replies, b"\x6a\x82")

    try:
        read_ssse(transmit)
    except DeviceError as exc:
        acceptable(exc)


@FUZZ
@given(st.binary(max_size=34), st.binary(max_size=20), st.binary(max_size=12))
def test_ssse_records_with_plausible_framing_and_any_content(name, ssn, number):
    def record(tag: int, value: bytes) -> bytes:
        return bytes([tag, len(value)]) + value + b"\x90\x00"

    answers = {0x07: record(0x07, number), 0x08: record(0x08, ssn), 0x09: record(0x09, name)}

    def transmit(apdu: bytes) -> bytes:
        return answers.get(apdu[2], b"\x90\x00") if apdu[1] == 0xB2 else b"\x90\x00"

    try:
        read_ssse(transmit)
    except DeviceError as exc:
        acceptable(exc)
