"""``kiosk-admin config show`` as IT staff run it: a separate process."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.secrets import get_terminal_secret, set_terminal_secret
from kiosk.settings import describe

ADMIN = Path(sys.executable).with_name("kiosk-admin")  # .venv/bin/kiosk-admin
SECRET = bytes.fromhex("c0ffee00deadbeef0123456789abcdeffedcba9876543210a5a5a5a55a5a5a5a")


@pytest.fixture
def config_file() -> Path:
    path = Path(os.environ["KIOSK_CONFIG"])  # fresh per test, from conftest
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _admin(*args: str) -> subprocess.CompletedProcess:
    # conftest put KIOSK_CONFIG, XDG_* and the keyring backend in os.environ
    env = dict(os.environ)
    for key in ("KIOSK_CONFIG", "KIOSK_DATA_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
                "PYTHON_KEYRING_BACKEND"):
        assert env.get(key), key
    return subprocess.run([str(ADMIN), *args], env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=60)


def _setting_lines(stdout: str) -> dict[str, str]:
    lines = {}
    for line in stdout.splitlines():
        if not line.startswith("#") and " = " in line:
            name, _, rest = line.partition(" = ")
            lines[name] = rest
    return lines


def test_admin_is_installed():
    assert ADMIN.exists()


def test_config_show_lists_every_setting_with_its_description(config_file):
    config_file.write_text('mode = "desk"\nidle_timeout_s = 90\nhospital_name = "杭州市第一人民医院"\n',
                           encoding="utf-8")
    result = _admin("config", "show")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert str(config_file) in out
    shown = _setting_lines(out)
    for name, _default, description in describe():
        assert name in shown, f"{name} not shown"
        assert f"# {description}" in out, f"description of {name} not shown"
    assert shown["mode"].startswith('"desk"')
    assert shown["idle_timeout_s"].startswith("90")
    assert "杭州市第一人民医院" in shown["hospital_name"]
    changed = {name for name, rest in shown.items() if rest.endswith("# changed")}
    assert changed == {"mode", "idle_timeout_s", "hospital_name"}


def test_config_show_each_description_precedes_its_setting(config_file):
    result = _admin("config", "show")
    lines = result.stdout.splitlines()
    for name, _default, description in describe():
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{name} = "))
        assert lines[index - 1] == f"# {description}"


def test_config_show_without_a_file_shows_defaults(config_file):
    assert not config_file.exists()
    result = _admin("config", "show")
    assert result.returncode == 0, result.stderr
    assert "not present" in result.stdout
    assert "# changed" not in result.stdout
    assert _setting_lines(result.stdout)["language"] == '"zh_CN"'


@pytest.mark.parametrize("text, key", [
    ("idle_timout_s = 90\n", "idle_timout_s"),           # typo: unknown key
    ('idle_timeout_s = "90"\n', "idle_timeout_s"),       # wrong type
    ('mode = "desk"\nfull_screen = "no"\n', "full_screen"),
])
def test_bad_file_exits_2_naming_the_key(config_file, text, key):
    config_file.write_text(text, encoding="utf-8")
    result = _admin("config", "show")
    assert result.returncode == 2
    assert key in result.stderr
    assert str(config_file) in result.stderr
    assert result.stdout == ""


def test_values_that_fail_validation_are_reported(config_file):
    config_file.write_text('mode = "counter"\nplatform_url = "http://platform.hospital.example"\n',
                           encoding="utf-8")
    result = _admin("config", "show")
    assert result.returncode == 1
    assert "mode" in result.stderr
    assert "platform_url" in result.stderr
    # the settings are still all shown so staff can see what to fix
    assert _setting_lines(result.stdout)["mode"].startswith('"counter"')


def test_config_show_never_prints_the_secret(config_file):
    config_file.write_text('terminal_id = "KIOSK-XM-07"\n', encoding="utf-8")
    set_terminal_secret("KIOSK-XM-07", SECRET)
    assert get_terminal_secret("KIOSK-XM-07") == SECRET  # it really is in the keyring

    result = _admin("config", "show")

    assert result.returncode == 0, result.stderr
    both = result.stdout + result.stderr
    assert "KIOSK-XM-07" in both
    for form in (SECRET.hex(), SECRET.hex().upper(), repr(SECRET), SECRET.hex()[:16]):
        assert form not in both
    assert "keyring" in result.stdout


def test_unknown_command_is_a_usage_error():
    result = _admin("config", "edit")
    assert result.returncode == 2
    assert "usage" in result.stderr.lower()
