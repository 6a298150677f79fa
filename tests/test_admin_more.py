"""``kiosk-admin`` beyond ``config show``: config set/validate, secret set/check, logs bundle,
selftest and the command registry. Each command runs as IT staff run it: a separate process
with the pinned keyring (conftest)."""
from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from kiosk.secrets import SecretMissing, get_terminal_secret, set_terminal_secret
from sandbox.demo_data import DEMO_PATIENTS
from tests.test_admin import ADMIN, _admin, _setting_lines

SECRET = bytes.fromhex("5eC0de00112233445566778899aabbccddeeff0011223344556677889900aabb".lower())


def secret_forms(secret: bytes) -> list[str]:
    return [secret.hex(), secret.hex().upper(), repr(secret), secret.hex()[:16], secret.hex()[-16:]]


def no_secret_in(result: subprocess.CompletedProcess, secret: bytes = SECRET) -> bool:
    both = result.stdout + result.stderr
    return not any(form in both for form in secret_forms(secret))


@pytest.fixture
def config_file() -> Path:
    path = Path(os.environ["KIOSK_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _admin_input(text: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ADMIN), *args], env=dict(os.environ), input=text, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


def test_version():
    result = _admin("--version")
    assert result.returncode == 0 and result.stdout.strip() == "kiosk-admin 0.1.0"


# -- config set / validate -------------------------------------------------------------------

def test_config_set_writes_the_typed_value(config_file):
    assert _admin("config", "set", "idle_timeout_s", "90").returncode == 0
    assert _admin("config", "set", "full_screen", "no").returncode == 0
    result = _admin("config", "set", "hospital_name", "杭州市第一人民医院")
    assert result.returncode == 0, result.stderr
    assert str(config_file) in result.stdout
    shown = _setting_lines(_admin("config", "show").stdout)
    assert shown["idle_timeout_s"].startswith("90")
    assert shown["full_screen"].startswith("false")
    assert "杭州市第一人民医院" in shown["hospital_name"]


@pytest.mark.parametrize("name, value, code, said", [
    ("idle_timeout_s", "ninety", 2, "whole number"),
    ("full_screen", "maybe", 2, "true or false"),
    ("idle_timout_s", "90", 2, "unknown setting"),
    ("mode", "counter", 1, "mode must be"),
    ("platform_url", "http://platform.hospital.example", 1, "https"),
])
def test_config_set_refuses_a_bad_value_and_keeps_the_file(config_file, name, value, code, said):
    config_file.write_text('mode = "desk"\n', encoding="utf-8")
    result = _admin("config", "set", name, value)
    assert result.returncode == code
    assert said in result.stderr
    assert config_file.read_text(encoding="utf-8") == 'mode = "desk"\n'


def test_config_validate_checks_what_the_settings_name(config_file, tmp_path):
    assert _admin("config", "validate").returncode == 0
    config_file.write_text(f'ca_bundle = "{tmp_path / "missing.pem"}"\n'
                           'platform_url = "https://platform.hospital.example"\n', encoding="utf-8")
    result = _admin("config", "validate")
    assert result.returncode == 1
    assert "ca_bundle" in result.stderr and "cannot be read" in result.stderr
    assert "terminal secret" in result.stderr and "absent" not in result.stdout
    (tmp_path / "not-a-cert.pem").write_text("hello", encoding="utf-8")
    config_file.write_text(f'ca_bundle = "{tmp_path / "not-a-cert.pem"}"\n', encoding="utf-8")
    assert "holds no PEM certificate" in _admin("config", "validate").stderr
    config_file.write_text("mode = 3\n", encoding="utf-8")
    assert _admin("config", "validate").returncode == 2


# -- secret -----------------------------------------------------------------------------------

def test_secret_set_from_standard_input_is_stored_and_never_shown(config_file):
    config_file.write_text('terminal_id = "KIOSK-XM-07"\n', encoding="utf-8")
    result = _admin_input(SECRET.hex() + "\n", "secret", "set")
    assert result.returncode == 0, result.stderr
    assert "KIOSK-XM-07" in result.stdout and "32 bytes" in result.stdout
    assert no_secret_in(result)
    assert get_terminal_secret("KIOSK-XM-07") == SECRET


@pytest.mark.parametrize("text, said", [
    ("not hex at all", "hexadecimal"),
    ("00112233", "at least 16 bytes"),
    ("", "no secret given"),
])
def test_secret_set_refuses_bad_input_without_echoing_it(text, said):
    result = _admin_input(text + "\n", "secret", "set")
    assert result.returncode == 1
    assert said in result.stderr
    if text:
        assert text not in result.stdout + result.stderr
    with pytest.raises(SecretMissing):
        get_terminal_secret("KIOSK-DEMO-01")


def test_secret_set_at_a_terminal_asks_twice_without_echo():
    """On a terminal (a pty here) the secret is typed at a prompt that does not echo it."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(ADMIN), "secret", "set", "--terminal-id", "KIOSK-TTY-01"],
                            stdin=slave, stdout=slave, stderr=slave, env=dict(os.environ),
                            start_new_session=True)  # no controlling terminal: getpass uses stdin
    os.close(slave)
    seen = b""

    def read_until(marker: bytes, timeout_s: float = 30.0) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout_s
        while marker not in seen:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise AssertionError(f"no {marker!r} in {seen!r}")
            try:
                seen += os.read(master, 4096)
            except OSError:  # the child closed its end
                raise AssertionError(f"no {marker!r} in {seen!r}") from None

    try:
        read_until(b"Terminal secret")
        os.write(master, SECRET.hex().encode() + b"\n")
        read_until(b"same again")
        os.write(master, SECRET.hex().encode() + b"\n")
        read_until(b"stored in the keyring")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert not any(form.encode() in seen for form in secret_forms(SECRET))
    assert get_terminal_secret("KIOSK-TTY-01") == SECRET


def test_secret_check_without_a_secret_says_absent():
    result = _admin("secret", "check")
    assert result.returncode == 1
    assert "secret: absent" in result.stdout


def _use_platform(config_file, sandbox, terminal_id: str | None = None) -> None:
    config_file.write_text(f'platform_url = "{sandbox.url}"\n'
                           f'terminal_id = "{terminal_id or sandbox.terminal_id}"\n', encoding="utf-8")


def test_secret_check_against_the_platform(config_file, sandbox):
    _use_platform(config_file, sandbox)
    set_terminal_secret(sandbox.terminal_id, sandbox.secret)
    good = _admin("secret", "check")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "secret: present" in good.stdout and "accepts the signature" in good.stdout
    assert no_secret_in(good, sandbox.secret)

    set_terminal_secret(sandbox.terminal_id, SECRET)  # not the one the platform holds
    wrong = _admin("secret", "check")
    assert wrong.returncode == 1
    assert "refuses the signature: bad_signature" in wrong.stdout
    assert no_secret_in(wrong) and no_secret_in(wrong, sandbox.secret)

    set_terminal_secret("KIOSK-NOBODY", SECRET)
    unknown = _admin("secret", "check", "--terminal-id", "KIOSK-NOBODY")
    assert unknown.returncode == 1 and "unknown_terminal" in unknown.stdout


def test_secret_check_with_the_platform_down(config_file, sandbox):
    _use_platform(config_file, sandbox)
    set_terminal_secret(sandbox.terminal_id, sandbox.secret)
    url = sandbox.url
    sandbox.stop()
    result = _admin("secret", "check")
    assert result.returncode == 1
    assert f"not reachable at {url}" in result.stdout


# -- selftest -----------------------------------------------------------------------------------

def test_selftest_all_ok_against_a_running_platform(config_file, sandbox, tmp_path):
    _use_platform(config_file, sandbox)
    set_terminal_secret(sandbox.terminal_id, sandbox.secret)
    result = _admin("selftest")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name in ("settings", "platform", "clock", "signature", "printer", "device id-reader", "disk"):
        assert any(line.startswith(f"OK   {name}") for line in lines), name
    assert lines[-1].startswith("all ") and no_secret_in(result, sandbox.secret)


def test_selftest_names_each_failure(config_file, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("")  # a file where the receipts folder should be
    config_file.write_text('platform_url = "http://127.0.0.1:9"\nid_reader = "serial"\n'
                           f'id_reader_port = "{tmp_path / "ttyNONE"}"\n'
                           f'printer_pdf_dir = "{blocked / "receipts"}"\n', encoding="utf-8")
    result = _admin("selftest")
    assert result.returncode == 1
    out = result.stdout
    assert "FAIL settings" in out and "printer_pdf_dir" in out
    assert "FAIL platform     not reachable at http://127.0.0.1:9" in out
    assert "FAIL printer      pdf-folder: unavailable" in out
    assert "FAIL device id-reader" in out
    assert "checks failed" in out.splitlines()[-1]


# -- logs bundle ----------------------------------------------------------------------------------

def test_logs_bundle_holds_logs_settings_versions_and_nothing_personal(config_file, tmp_path):
    config_file.write_text('terminal_id = "KIOSK-XM-07"\nhospital_name = "厦门市示范医院"\n', encoding="utf-8")
    set_terminal_secret("KIOSK-XM-07", SECRET)
    logs = Path(os.environ["KIOSK_DATA_DIR"]) / "logs"
    logs.mkdir(parents=True)
    patient = DEMO_PATIENTS[0]
    # An old, unredacted file (from before the filter, or written by hand) and a rotated one.
    (logs / "kiosk.log.1").write_text(
        f"2026-11-24 INFO kiosk: card read name={patient['name']} id {patient['id_number']}\n"
        f"2026-11-24 INFO kiosk: phone {patient['phone']} paid\n", encoding="utf-8")
    (logs / "kiosk.log").write_text("2026-11-25 INFO kiosk: kiosk 0.1.0 starting\n", encoding="utf-8")
    out = tmp_path / "support" / "bundle.zip"

    result = _admin("logs", "bundle", "--out", str(out))

    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {"logs/kiosk.log", "logs/kiosk.log.1", "settings.toml", "versions.json",
                "problems.txt", "MANIFEST.txt"} <= names
        text = "".join(zf.read(name).decode("utf-8") for name in names)
        versions = json.loads(zf.read("versions.json"))
        settings = zf.read("settings.toml").decode("utf-8")
        old = zf.read("logs/kiosk.log.1").decode("utf-8")
    assert versions["kiosk"] == "0.1.0" and "PySide6-Essentials" in versions["libraries"]
    assert 'terminal_id = "KIOSK-XM-07"   # changed' in settings and "厦门市示范医院" in settings
    assert "card read name=[name]" in old and "phone [phone] paid" in old
    for value in (patient["name"], patient["id_number"], patient["phone"]):
        assert value not in text
    assert not any(form in text for form in secret_forms(SECRET))
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_settings_that_look_secret_are_withheld(monkeypatch):
    from kiosk import admin_logs
    from kiosk import settings as settings_mod

    described = settings_mod.describe() + [("it_pin_hash", "", "PIN hash"), ("api_token", "", "token")]
    monkeypatch.setattr(settings_mod, "describe", lambda: described)

    class Current(settings_mod.Settings):
        it_pin_hash = "pbkdf2$abc"
        api_token = "t0k3n"

    text = admin_logs.settings_text(Current())
    assert "it_pin_hash = <withheld>" in text and "api_token = <withheld>" in text
    assert "pbkdf2$abc" not in text and "t0k3n" not in text


# -- the registry -----------------------------------------------------------------------------------

def test_each_area_adds_its_own_commands(monkeypatch, tmp_path):
    from kiosk import admin

    area = tmp_path / "kiosk_admin_extra_test.py"
    area.write_text("def register(sub):\n"
                    "    sub.add_parser('extra').set_defaults(func=lambda args: 7)\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(admin, "AREAS", (*admin.AREAS, "kiosk_admin_extra_test", "kiosk_admin_absent_test"))
    args = admin.build_parser().parse_args(["extra"])  # an absent area is skipped, not an error
    assert args.func(args) == 7
    sys.modules.pop("kiosk_admin_extra_test", None)


def test_help_lists_every_area():
    result = _admin("--help")
    for command in ("config", "secret", "devices", "logs", "selftest", "queue"):
        assert command in result.stdout


def test_the_kiosk_program_started_as_kiosk_admin_is_the_admin_tool(tmp_path):
    """The bundle ships one executable: started under the name kiosk-admin (a link), it is
    the IT tool; as kiosk it is the application (``--version`` tells them apart)."""
    kiosk = Path(sys.executable).with_name("kiosk")
    link = tmp_path / "kiosk-admin"
    link.symlink_to(kiosk)
    as_admin = subprocess.run([str(link), "--version"], capture_output=True, text=True, timeout=60)
    as_app = subprocess.run([str(kiosk), "--version"], capture_output=True, text=True, timeout=60)
    assert as_admin.stdout.strip() == "kiosk-admin 0.1.0"
    assert as_app.stdout.strip() == "kiosk 0.1.0"
