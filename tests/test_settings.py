"""Typed settings from a TOML file, their checks, and the terminal secret in the keyring."""
from __future__ import annotations

import os
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from kiosk.secrets import SecretMissing, get_terminal_secret, set_terminal_secret
from kiosk.settings import Settings, describe, load, save

SECRET = bytes.fromhex("5e1f0c2a9d7b44e8a1c3f60b2d9e8a7c5b4f3e2d1c0b9a8f7e6d5c4b3a291807")


@pytest.fixture
def config_file() -> Path:
    """The file KIOSK_CONFIG points to (fresh per test, from conftest)."""
    return Path(os.environ["KIOSK_CONFIG"])


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- defaults ---------------------------------------------------------------------------

def test_defaults():
    s = Settings()
    assert s.language == "zh_CN"
    assert s.idle_timeout_s == 60
    assert s.mode == "kiosk"
    assert s.validate() == []


def test_missing_file_gives_defaults(config_file):
    assert not config_file.exists()
    assert load() == Settings()


def test_describe_lists_every_setting_with_its_default_and_a_description():
    described = describe()
    assert [name for name, _, _ in described] == [f.name for f in fields(Settings)]
    defaults = Settings()
    for name, default, description in described:
        assert default == getattr(defaults, name)
        assert description.strip(), f"{name} has no description"


# --- loading ----------------------------------------------------------------------------

def test_load_from_the_file_named_by_kiosk_config(config_file):
    _write(config_file, 'mode = "desk"\nlanguage = "en"\nidle_timeout_s = 90\nfull_screen = false\n'
                        'hospital_name = "杭州市第一人民医院"\n')
    s = load()
    assert s.mode == "desk"
    assert s.language == "en"
    assert s.idle_timeout_s == 90
    assert s.full_screen is False
    assert s.hospital_name == "杭州市第一人民医院"
    # everything else stays at its default
    assert s.terminal_id == Settings().terminal_id
    assert s.policy == "xiamen"


def test_load_from_an_explicit_path(tmp_path):
    path = _write(tmp_path / "other.toml", 'policy = "hangzhou"\n')
    assert load(path).policy == "hangzhou"


def test_whole_number_accepted_for_a_float_setting(config_file):
    _write(config_file, "request_timeout_s = 5\n")
    s = load()
    assert s.request_timeout_s == 5.0
    assert isinstance(s.request_timeout_s, float)


def test_unknown_key_names_the_key(config_file):
    _write(config_file, "idle_timout_s = 90\n")
    with pytest.raises(ValueError, match="idle_timout_s"):
        load()


@pytest.mark.parametrize("line, key", [
    ('idle_timeout_s = "90"', "idle_timeout_s"),
    ("idle_timeout_s = 90.5", "idle_timeout_s"),
    ("idle_timeout_s = true", "idle_timeout_s"),
    ('full_screen = "yes"', "full_screen"),
    ("full_screen = 1", "full_screen"),
    ("mode = 1", "mode"),
    ('request_timeout_s = "8"', "request_timeout_s"),
    ("request_timeout_s = false", "request_timeout_s"),
])
def test_wrong_type_names_the_key(config_file, line, key):
    _write(config_file, line + "\n")
    with pytest.raises(ValueError, match=key):
        load()


def test_broken_toml_is_a_value_error(config_file):
    _write(config_file, 'mode = "desk\n')
    with pytest.raises(ValueError):
        load()


# --- saving -----------------------------------------------------------------------------

def test_save_writes_only_changed_keys_and_round_trips(config_file):
    changed = Settings(mode="desk", idle_timeout_s=90, hospital_name="杭州市第一人民医院",
                       full_screen=False, request_timeout_s=12.5)
    written = save(changed)
    assert written == config_file
    on_disk = tomllib.loads(config_file.read_text(encoding="utf-8"))
    assert on_disk == {"mode": "desk", "idle_timeout_s": 90, "hospital_name": "杭州市第一人民医院",
                       "full_screen": False, "request_timeout_s": 12.5}
    assert load() == changed


def test_saving_defaults_writes_an_empty_file(config_file):
    save(Settings())
    assert tomllib.loads(config_file.read_text(encoding="utf-8")) == {}
    assert load() == Settings()


def test_save_replaces_the_previous_file(config_file):
    save(Settings(mode="desk"))
    save(Settings(language="en"))
    assert tomllib.loads(config_file.read_text(encoding="utf-8")) == {"language": "en"}
    assert [p.name for p in config_file.parent.iterdir()] == [config_file.name]


def test_save_to_an_explicit_path(tmp_path):
    path = tmp_path / "deep" / "folder" / "kiosk.toml"
    save(Settings(policy="hangzhou"), path)
    assert load(path) == Settings(policy="hangzhou")


# --- validate ---------------------------------------------------------------------------

def _problems_about(s: Settings, key: str) -> list[str]:
    return [p for p in s.validate() if key in p]


@pytest.mark.parametrize("mode", ["counter", "", "Kiosk"])
def test_bad_mode(mode):
    assert _problems_about(Settings(mode=mode), "mode")


def test_desk_mode_is_fine():
    assert Settings(mode="desk").validate() == []


def test_bad_language():
    assert _problems_about(Settings(language="fr"), "language")


def test_too_short_idle_warning():
    assert _problems_about(Settings(idle_warning_s=5), "idle_warning_s")
    assert _problems_about(Settings(idle_warning_s=19), "idle_warning_s")
    assert Settings(idle_warning_s=20).validate() == []


def test_too_short_idle_timeout():
    assert _problems_about(Settings(idle_timeout_s=3), "idle_timeout_s")


def test_bad_receipt_width():
    assert _problems_about(Settings(receipt_width_mm=72), "receipt_width_mm")
    assert Settings(receipt_width_mm=58).validate() == []


@pytest.mark.parametrize("url", [
    "http://platform.hospital.example",
    "http://10.0.0.5:8443",
    "ftp://platform.hospital.example",
    "platform.hospital.example",
])
def test_remote_url_must_be_https(url):
    assert _problems_about(Settings(platform_url=url), "platform_url")


@pytest.mark.parametrize("url", [
    "https://platform.hospital.example",
    "https://platform.hospital.example:8443/api",
    "http://127.0.0.1:8000",
    "http://localhost:8000",
    "",  # embedded sandbox
])
def test_https_and_loopback_http_allowed(url):
    assert Settings(platform_url=url).validate() == []


@pytest.mark.parametrize("url", [
    "http://localhost.attacker.example",
    "http://127.attacker.example",
    "http://localhost@attacker.example/",
])
def test_plain_http_to_a_remote_host_looking_like_loopback_refused(url):
    assert _problems_about(Settings(platform_url=url), "platform_url")


def test_several_problems_reported_together():
    problems = Settings(mode="counter", idle_warning_s=5, platform_url="http://x.example").validate()
    assert len(problems) == 3


# --- the terminal secret lives in the keyring only ---------------------------------------

def test_secret_round_trips_through_the_keyring():
    set_terminal_secret("KIOSK-XM-07", SECRET)
    assert get_terminal_secret("KIOSK-XM-07") == SECRET


def test_secret_can_be_replaced():
    set_terminal_secret("KIOSK-XM-07", SECRET)
    set_terminal_secret("KIOSK-XM-07", b"\x01" * 32)
    assert get_terminal_secret("KIOSK-XM-07") == b"\x01" * 32


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError):
        set_terminal_secret("KIOSK-XM-07", b"")


def test_missing_secret_raises_secret_missing():
    with pytest.raises(SecretMissing, match="KIOSK-XM-07"):
        get_terminal_secret("KIOSK-XM-07")


def test_secrets_are_per_terminal():
    set_terminal_secret("KIOSK-XM-07", SECRET)
    with pytest.raises(SecretMissing):
        get_terminal_secret("KIOSK-XM-08")


def test_settings_file_never_contains_the_secret(config_file):
    set_terminal_secret("KIOSK-XM-07", SECRET)
    save(Settings(terminal_id="KIOSK-XM-07", platform_url="https://platform.hospital.example"))
    text = config_file.read_text(encoding="utf-8")
    assert "KIOSK-XM-07" in text
    assert SECRET.hex() not in text.lower()
    assert SECRET.hex().upper() not in text
    assert "secret" not in text.lower()
    assert load().terminal_id == "KIOSK-XM-07"
    assert get_terminal_secret("KIOSK-XM-07") == SECRET
