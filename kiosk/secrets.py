"""The terminal secret lives only in the OS keyring, never in a file or a log.

Every read and write goes through :func:`keyring_module`: in a frozen build it names the one
back-end the bundle ships (``build.spec``), unless ``PYTHON_KEYRING_BACKEND`` or keyring's own
``keyringrc.cfg`` names one. keyring would otherwise find every back-end installed through
entry points and ask each whether it works (the Secret Service's over D-Bus) before the
first read: about a tenth of a second of the kiosk's start, for the one it could only choose.

A frozen kiosk on Linux whose back-end nobody named reads its secrets from the Secret
Service directly (:func:`_secret_service_read`) and writes its data key there the same way,
as keyring's Secret Service back-end does (the same items: attributes ``service`` and
``username``, label and ``application``; the same unlocking; the secret through an encrypted
session): keyring itself, whose import brings ``importlib_metadata`` and more (4 MB and tens
of milliseconds), is not loaded by the kiosk (``kiosk-admin secret set`` uses it).
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

SERVICE = "credit-care-kiosk"

#: The back-end a frozen build ships, by platform (build.spec's hidden imports).
BUNDLED_BACKENDS = {
    "linux": "keyring.backends.SecretService.Keyring",
    "win32": "keyring.backends.Windows.WinVaultKeyring",
}

_chosen = False
_choosing = threading.Lock()


def keyring_module():
    """``keyring``, its back-end chosen as the module says (once per process)."""
    global _chosen
    import keyring

    if not _chosen:
        with _choosing:
            if not _chosen:
                _choose_backend(keyring)
                _chosen = True
    return keyring


def _read(account: str) -> str | None:
    """The kiosk's entry ``account`` in the keyring (None: there is none): as ``read_ahead`` read
    it (once), else read now."""
    with _reading_ahead:
        if account in _read_ahead:
            return _read_ahead.pop(account)
    return _read_many([account])[account]


def _read_many(accounts: list[str]) -> dict[str, str | None]:
    if _reads_secret_service_directly():
        return _secret_service_read(SERVICE, accounts)
    keyring = keyring_module()
    return {account: keyring.get_password(SERVICE, account) for account in accounts}


_read_ahead: dict[str, str | None] = {}
_reading_ahead = threading.Lock()


def read_ahead(accounts: list[str]) -> None:
    """Read these entries now, in one conversation with the keyring (one D-Bus connection and one
    encrypted session for the Secret Service, instead of one each), and keep each (in memory) for
    the first ``_read`` of it: the start reads its terminal secret and its data key so."""
    from kiosk import startup

    found = _read_many(list(dict.fromkeys(accounts)))
    with _reading_ahead:
        _read_ahead.update(found)
    startup.mark("keyring read")


def start_accounts(terminal_id: str) -> list[str]:
    """The entries a kiosk with a platform reads on its way to a usable home screen."""
    return [_account(terminal_id), DATA_KEY_ACCOUNT]


def _write(account: str, value: str) -> None:
    if _reads_secret_service_directly():
        _secret_service_write(SERVICE, account, value)
    else:
        keyring_module().set_password(SERVICE, account, value)


def _reads_secret_service_directly() -> bool:
    return (getattr(sys, "frozen", False) and sys.platform == "linux"
            and not os.environ.get("PYTHON_KEYRING_BACKEND") and not _keyringrc().exists())


def _keyringrc() -> Path:
    """keyring's configuration file on Linux (``keyring.util.platform_.config_root``)."""
    root = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(root, "python_keyring", "keyringrc.cfg")


def _secret_service_read(service: str, usernames: list[str]) -> dict[str, str | None]:
    """keyring's ``SecretService.Keyring.get_password`` (default collection and scheme) for each
    of ``usernames``, on one connection and one session."""
    from contextlib import closing

    import secretstorage
    from secretstorage.util import open_session

    found: dict[str, str | None] = dict.fromkeys(usernames)
    with closing(secretstorage.dbus_init()) as bus:
        collection = secretstorage.get_default_collection(bus)
        if collection.is_locked():
            collection.unlock()
            if collection.is_locked():
                raise KeyringLocked("the keyring's collection is locked")
        session = None
        for username in usernames:
            for item in collection.search_items({"username": username, "service": service}):
                item.unlock()
                if item.is_locked():
                    raise KeyringLocked("the keyring's item is locked")
                session = session or open_session(bus)
                found[username] = _secret_of(bus, item.item_path, session).decode("utf-8")
                break
    return found


def _secret_of(bus, item_path: str, session) -> bytes:
    """secretstorage's ``Item.get_secret`` for an item already unlocked, on ``session``, but
    without its legacy ``default_backend()`` argument: that call imports and initialises
    cryptography's whole OpenSSL binding (a quarter of the keyring read's work, on the way to
    the usable home screen) for an AES-CBC decryption ``Cipher`` does without it."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from jeepney import DBusAddress, new_method_call
    from jeepney.wrappers import unwrap_msg

    address = DBusAddress(item_path, bus_name="org.freedesktop.secrets", interface="org.freedesktop.Secret.Item")
    # (session, parameters, value, content type); unwrap_msg raises the service's error as DBusErrorResponse
    (_, parameters, value, _), = unwrap_msg(bus.send_and_get_reply(
        new_method_call(address, "GetSecret", "o", (session.object_path,))))
    if not session.encrypted:  # the service offered no encrypted session (secretstorage's fallback)
        return bytes(value)
    decryptor = Cipher(algorithms.AES(session.aes_key), modes.CBC(bytes(parameters))).decryptor()
    return pkcs7_unpadded(decryptor.update(bytes(value)) + decryptor.finalize())


def pkcs7_unpadded(padded: bytes, block: int = 16) -> bytes:
    """``padded`` without its PKCS #7 padding (RFC 5652, 6.3), by cryptography's own unpadder;
    anything else is not a secret the Secret Service encrypted (ValueError)."""
    from cryptography.hazmat.primitives.padding import PKCS7

    unpadder = PKCS7(block * 8).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


#: The item attributes and label keyring's Secret Service back-end gives what it stores.
KEYRING_APPLICATION = "Python keyring library"


def _secret_service_write(service: str, username: str, value: str) -> None:
    """keyring's ``SecretService.Keyring.set_password`` (default collection and scheme)."""
    from contextlib import closing

    import secretstorage

    with closing(secretstorage.dbus_init()) as bus:
        collection = secretstorage.get_default_collection(bus)
        if collection.is_locked():
            collection.unlock()
            if collection.is_locked():
                raise KeyringLocked("the keyring's collection is locked")
        collection.create_item(f"Password for '{username}' on '{service}'",
                               {"username": username, "service": service, "application": KEYRING_APPLICATION},
                               value, replace=True)


def _choose_backend(keyring) -> None:
    if not getattr(sys, "frozen", False) or os.environ.get("PYTHON_KEYRING_BACKEND"):
        return  # keyring decides: the environment's back-end, or its configuration, or detection
    name = BUNDLED_BACKENDS.get(sys.platform)
    if name is None:
        return
    from keyring import core

    if core.load_config() is not None:  # IT named one in keyringrc.cfg
        return
    keyring.set_keyring(core.load_keyring(name))


class SecretMissing(RuntimeError):
    pass


class KeyringLocked(SecretMissing):
    """The keyring is locked and was not unlocked (a prompt dismissed)."""


def _account(terminal_id: str) -> str:
    return f"terminal:{terminal_id}"


def get_terminal_secret(terminal_id: str) -> bytes:
    value = _read(_account(terminal_id))
    if not value:
        raise SecretMissing(f"no secret in the keyring for terminal {terminal_id}")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise SecretMissing(f"the keyring entry for terminal {terminal_id} is not a hex secret") from None


def set_terminal_secret(terminal_id: str, secret: bytes) -> None:
    keyring = keyring_module()
    if len(secret) < 16:
        raise ValueError("a terminal secret has at least 16 bytes")
    keyring.set_password(SERVICE, _account(terminal_id), secret.hex())


# -- one secret per counterpart (issue 12) ------------------------------------------------
# The credit platform's is the terminal's above (terminal:<id>); the HIS's is his:<id>
# (kiosk.adapters.his_http); the 医保 gateway's (the TIF paasid's secret, text) is insurance:<id>.
INSURANCE_ACCOUNT = "insurance:{terminal_id}"


def insurance_secret(terminal_id: str) -> str:
    """The 医保 gateway's secret for this terminal's paasid, from the keyring (never a file)."""
    value = _read(INSURANCE_ACCOUNT.format(terminal_id=terminal_id))
    if not value:
        raise SecretMissing(f"no insurance gateway secret in the keyring for terminal {terminal_id} "
                            f"({INSURANCE_ACCOUNT.format(terminal_id=terminal_id)})")
    return value


def set_insurance_secret(terminal_id: str, secret: str) -> None:
    keyring = keyring_module()
    if not secret or not secret.isascii() or not secret.isprintable():
        raise ValueError("the gateway secret is printable ASCII text")
    keyring.set_password(SERVICE, INSURANCE_ACCOUNT.format(terminal_id=terminal_id), secret)


# -- the data key (offline mode) --------------------------------------------------------
# Seals the personal data in the outbox and the offline cache (offline_cache.crypto).
# One per installation, generated on first use; losing it makes the queued writes
# unreadable (never sent), so it is not rotated by the app.
DATA_KEY_ACCOUNT = "data-key"


def data_key() -> bytes:
    from offline_cache.crypto import KEY_BYTES, new_key

    value = _read(DATA_KEY_ACCOUNT)
    if value:
        try:
            key = bytes.fromhex(value)
        except ValueError:
            key = b""
        if len(key) != KEY_BYTES:
            raise SecretMissing("the keyring's data key is not 32 hex-encoded bytes")
        return key
    key = new_key()
    _write(DATA_KEY_ACCOUNT, key.hex())
    return key
