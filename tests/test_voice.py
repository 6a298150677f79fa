"""Spoken prompts: the recorded clips are there in both languages, made from the texts the kiosk names, and the
system's player (aplay, here on ALSA's null device: no sound card in CI) plays them off the caller's thread."""
from __future__ import annotations

import json
import logging
import wave

import pytest

from kiosk.voice import LANGUAGES, PROMPTS, RATE, Voice, clip_path, clips_dir, find_player

NULL_PLAYER = ["aplay", "-q", "-D", "null"]


def test_every_prompt_has_its_clip_in_both_languages_made_from_its_text():
    manifest = json.loads((clips_dir() / "manifest.json").read_text(encoding="utf-8"))
    # the clips were made from today's words: a text changed without `make voice` fails here
    assert manifest["prompts"] == {prompt: dict(zip(LANGUAGES, texts)) for prompt, texts in PROMPTS.items()}
    assert PROMPTS["place_card"][0] == "请将身份证或社保卡放在感应区"
    total = 0
    for prompt in PROMPTS:
        for language in LANGUAGES:
            path = clip_path(prompt, language)
            with wave.open(str(path)) as clip:
                seconds = clip.getnframes() / clip.getframerate()
                assert (clip.getnchannels(), clip.getsampwidth(), clip.getframerate()) == (1, 1, RATE), path
            assert 0.8 <= seconds <= 8, f"{path.name} ({language}) lasts {seconds:.1f} s"
            total += path.stat().st_size
    assert total < 1_000_000  # what the bundle carries for them


def test_a_prompt_plays_through_the_systems_player_off_the_callers_thread():
    voice = Voice(True, NULL_PLAYER)
    try:
        voice.say("take_receipt", "zh_CN")
        voice.say("done", "en")  # the next step: the first may be cut short, the last is always heard
        assert voice.quiet(10)
        assert voice.played[-1] == ("done", "en")
        assert set(voice.played) <= {("take_receipt", "zh_CN"), ("done", "en")}
    finally:
        voice.close()


def test_off_or_without_a_player_the_kiosk_stays_silent(monkeypatch, caplog):
    off = Voice(False, NULL_PLAYER)
    off.say("place_card", "zh_CN")
    assert off.quiet(1) and off.played == [] and off._thread is None
    monkeypatch.setenv("PATH", "/nonexistent")
    assert find_player("") is None
    assert find_player("paplay --device=kiosk") == ["paplay", "--device=kiosk"]  # IT's own choice, as written
    with caplog.at_level(logging.WARNING, logger="kiosk.voice"):
        silent = Voice(True, find_player(""))
    silent.say("place_card", "zh_CN")
    assert silent.played == [] and "no player was found" in caplog.text


def test_a_missing_clip_or_a_failing_player_is_logged_once_and_nothing_breaks(tmp_path, caplog):
    voice = Voice(True, ["aplay", "-q", "-D", "no-such-device"])
    empty = Voice(True, NULL_PLAYER, folder=tmp_path)
    try:
        with caplog.at_level(logging.WARNING, logger="kiosk.voice"):
            for _ in range(3):
                voice.say("done", "en")
                assert voice.quiet(10)
                empty.say("done", "en")
                assert empty.quiet(10)
        assert voice.played == [] and empty.played == []
        assert caplog.text.count("failed (exit") == 1 and caplog.text.count("no clip done.wav") == 1
    finally:
        voice.close()
        empty.close()


@pytest.mark.parametrize("prompt", sorted(PROMPTS))
def test_no_prompt_says_anything_personal(prompt):
    """Fixed sentences: no placeholder a name, an ID number or an amount could be put into."""
    for text in PROMPTS[prompt]:
        assert "{" not in text and "%" not in text


def test_the_kiosk_speaks_each_main_step_in_the_screens_language(qtbot, kiosk, taps):
    """Pressed as a patient does: the card asked for, then the amount to check, each prompt heard in the
    screen's language (played by the real player on the null device); the Chinese after the switch."""
    from tests.helpers import tap_card

    w, voice = kiosk.window, kiosk.voice.voice
    assert voice.enabled  # 'auto' at a kiosk
    taps(w.home.buttons["pay"])
    qtbot.waitUntil(lambda: ("place_card", "en") in voice.played, timeout=10_000)
    tap_card(qtbot, kiosk, "tier1")
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    qtbot.waitUntil(lambda: voice.played[-1] == ("check_and_confirm", "en"), timeout=10_000)
    taps(w.bill.back_button)
    qtbot.waitUntil(lambda: w.current == "home")
    taps(w.home.language_button)
    taps(w.home.buttons["pay"])
    qtbot.waitUntil(lambda: voice.played[-1] == ("place_card", "zh_CN"), timeout=10_000)


def test_the_desk_is_silent_unless_it_says_so(qtbot, desk, desk_settings):
    assert desk_settings.voice_prompts == "auto" and not desk.voice.voice.enabled
    assert desk_settings.with_overrides(voice_prompts="on").voice_on
