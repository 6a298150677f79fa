"""A frozen kiosk reads its secrets from the keyring back-end its bundle ships (the Secret
Service) without letting keyring try every back-end it can find, and without loading keyring
at all to read, unless IT named a back-end: in ``PYTHON_KEYRING_BACKEND`` or in keyring's
``keyringrc.cfg``. Writing (the data key, made on first use) still goes through keyring, and
what one writes the other reads. The secrets stay in the keyring: a real gnome-keyring on a
private D-Bus here, as in the bundle's benchmark."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.common import ROOT

pytestmark = pytest.mark.skipif(not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")),
                                reason="needs dbus-daemon and gnome-keyring-daemon (make bundle installs them)")

SECRET = "ab" * 32

# A kiosk process as the bundle runs it (sys.frozen), reading its terminal secret.
READ = ("import sys; sys.frozen = True\n"
        "from kiosk import secrets\n"
        "print(secrets.get_terminal_secret('KIOSK-DEMO-01').hex())\n"
        "print('keyring' in sys.modules)\n")


@pytest.fixture
def secret_service(tmp_path):
    from benchmarks.bundle import SecretService

    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    service = SecretService(tmp_path, env)
    store = ("import keyring; from keyring.backends.SecretService import Keyring\n"
             f"keyring.set_keyring(Keyring()); keyring.set_password('credit-care-kiosk', 'terminal:KIOSK-DEMO-01', "
             f"'{SECRET}')\n")
    try:
        deadline = time.monotonic() + 20
        while subprocess.run([sys.executable, "-c", store], env=env, capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "the Secret Service did not come up"
            time.sleep(0.1)  # the daemon claiming its bus name: a condition polled, not a timing
        yield env
    finally:
        service.stop()


def read(env: dict) -> tuple[str, str]:
    out = subprocess.run([sys.executable, "-c", READ], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    secret, loaded = out.stdout.split()
    return secret, loaded


def test_a_frozen_kiosk_reads_its_secret_from_the_secret_service_it_ships(secret_service):
    assert read(secret_service) == (SECRET, "False")  # read from the Secret Service, keyring never loaded


def test_the_data_key_a_frozen_kiosk_makes_is_in_the_secret_service(secret_service):
    """Made on first use and stored as keyring's Secret Service back-end stores it (keyring
    not loaded), read back the same by the next start and by keyring itself."""
    make = ("import sys; sys.frozen = True\n"
            "from kiosk import secrets\n"
            "print(secrets.data_key().hex())\n"
            "print('keyring' in sys.modules)\n")
    first = subprocess.run([sys.executable, "-c", make], env=secret_service, cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
    assert first.returncode == 0, first.stderr[-2000:]
    key, loaded = first.stdout.split()
    assert loaded == "False" and len(bytes.fromhex(key)) == 32
    again = subprocess.run([sys.executable, "-c", make], env=secret_service, cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
    assert again.stdout.split() == [key, "False"]
    outside = ("import keyring; from keyring.backends.SecretService import Keyring\n"
               "keyring.set_keyring(Keyring()); print(keyring.get_password('credit-care-kiosk', 'data-key'))\n")
    assert subprocess.run([sys.executable, "-c", outside], env=secret_service, capture_output=True, text=True,
                          timeout=60).stdout.split() == [key]


def test_a_back_end_it_named_in_keyringrc_is_kept(secret_service, tmp_path):
    config = Path(secret_service["XDG_CONFIG_HOME"]) / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir(parents=True)
    config.write_text("[backend]\ndefault-keyring=keyrings.alt.file.PlaintextKeyring\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", READ], env=secret_service, cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode != 0 and "no secret in the keyring" in out.stderr  # that keyring holds none


def test_a_back_end_named_in_the_environment_is_kept(secret_service):
    env = dict(secret_service, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    out = subprocess.run([sys.executable, "-c", READ], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode != 0 and "no secret in the keyring" in out.stderr


# The start (kiosk.services.build_services): both entries read ahead, in one conversation.
READ_AHEAD = ("import sys; sys.frozen = True\n"
            "import secretstorage\n"
            "opened = []\n"
            "real = secretstorage.dbus_init\n"
            "secretstorage.dbus_init = lambda: opened.append(1) or real()\n"
            "from kiosk import secrets\n"
            "secrets.read_ahead(secrets.start_accounts(sys.argv[1]))\n"
            "try:\n"
            "    print(secrets.get_terminal_secret(sys.argv[1]).hex())\n"
            "except secrets.SecretMissing as exc:\n"
            "    print('missing:', exc)\n"
            "print(secrets.data_key().hex())\n"
            "print(len(opened), 'keyring' in sys.modules)\n")


def read_ahead(env: dict, terminal: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", READ_AHEAD, terminal], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.splitlines()


def test_the_start_reads_the_terminal_secret_and_the_data_key_in_one_conversation(secret_service):
    key = "cd" * 32
    store = ("import keyring; from keyring.backends.SecretService import Keyring\n"
             f"keyring.set_keyring(Keyring()); keyring.set_password('credit-care-kiosk', 'data-key', '{key}')\n")
    subprocess.run([sys.executable, "-c", store], env=secret_service, check=True, timeout=60)
    assert read_ahead(secret_service, "KIOSK-DEMO-01") == [SECRET, key, "1 False"]


def test_read_ahead_a_missing_secret_is_refused_and_a_missing_data_key_made(secret_service):
    """No entry for this terminal: refused where the services read it, as before; no data key yet:
    made, stored, and the same at the next start."""
    missing, made, counts = read_ahead(secret_service, "KIOSK-OTHER-09")
    assert missing == "missing: no secret in the keyring for terminal KIOSK-OTHER-09"
    assert len(bytes.fromhex(made)) == 32 and counts.endswith("False")
    assert read_ahead(secret_service, "KIOSK-OTHER-09")[1] == made


# The read leaves cryptography's OpenSSL binding alone (secretstorage's ``get_secret`` passes the
# legacy ``default_backend()``, which loads and initialises all of it, on the way to the home screen).
LEAN_READ = ("import sys; sys.frozen = True\n"
             "from kiosk import secrets\n"
             "print(secrets.get_terminal_secret('KIOSK-DEMO-01').hex())\n"
             "print(any(name.startswith('cryptography.hazmat.backends.openssl') for name in sys.modules))\n")


def test_the_secret_is_decrypted_without_loading_the_openssl_backend(secret_service):
    out = subprocess.run([sys.executable, "-c", LEAN_READ], env=secret_service, cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == [SECRET, "False"]
