"""The terminal secret lives only in the OS keyring, never in a file or a log."""
from __future__ import annotations

SERVICE = "credit-care-kiosk"


class SecretMissing(RuntimeError):
    pass


def _account(terminal_id: str) -> str:
    return f"terminal:{terminal_id}"


def get_terminal_secret(terminal_id: str) -> bytes:
    import keyring

    value = keyring.get_password(SERVICE, _account(terminal_id))
    if not value:
        raise SecretMissing(f"no secret in the keyring for terminal {terminal_id}")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise SecretMissing(f"the keyring entry for terminal {terminal_id} is not a hex secret") from None


def set_terminal_secret(terminal_id: str, secret: bytes) -> None:
    import keyring

    if len(secret) < 16:
        raise ValueError("a terminal secret has at least 16 bytes")
    keyring.set_password(SERVICE, _account(terminal_id), secret.hex())
