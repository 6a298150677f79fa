"""``kiosk-admin``: the IT staff's tool.

Commands come in areas, each a module with ``register(subparsers)`` that adds its
parsers and gives each a ``func(args) -> exit code`` default (``set_defaults(func=...)``).
:data:`AREAS` names them; a module named there that does not exist (yet) is skipped, so
each part of the app adds its own commands in its own module:

=========================  ====================================================
``kiosk.admin``            ``config show|set|validate``, ``secret set|check``, ``devices``,
                           ``audit verify``
``kiosk.admin_logs``       ``logs bundle``: logs (redacted), settings, versions in a zip
``kiosk.admin_selftest``   ``selftest``: settings, platform and signature, printer, devices
``kiosk.admin_queue``      ``queue …``: the offline journal (offline_cache)
``kiosk.admin_reconcile``  ``reconcile``: the day's journal against each counterpart
=========================  ====================================================

A command reports a problem it can explain with :class:`AdminError` (printed as
``kiosk-admin: …``). Exit codes: 0 fine, 1 a check failed, 2 a usage or settings-file
error. The terminal secret is never printed, whatever the command.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from datetime import UTC
from pathlib import Path

from kiosk import settings as settings_mod

#: The modules that add commands (see the module docstring); build.spec bundles them.
AREAS = (
    "kiosk.admin",
    "kiosk.admin_logs",
    "kiosk.admin_selftest",
    "kiosk.admin_queue",
    "kiosk.admin_reconcile",
)


class AdminError(Exception):
    """A problem the command explains: printed as ``kiosk-admin: <message>``, exit ``code``."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def load_settings() -> settings_mod.Settings:
    """The settings file (``KIOSK_CONFIG`` or the config folder); a broken file is exit 2."""
    try:
        return settings_mod.load(settings_mod.config_path())
    except ValueError as exc:
        raise AdminError(str(exc)) from None


def _toml_line(name: str, value) -> str:
    import tomli_w

    return tomli_w.dumps({name: value}).strip()


# -- config ------------------------------------------------------------------------------

def _config_show(args) -> int:
    path = settings_mod.config_path()
    current = load_settings()
    print(f"# settings file: {path}{'' if path.exists() else ' (not present: all defaults)'}")
    for name, default, description in settings_mod.describe():
        value = getattr(current, name)
        mark = "" if value == default else "   # changed"
        print(f"# {description}")
        print(f"{_toml_line(name, value)}{mark}")
    problems = current.validate()
    for problem in problems:
        print(f"! {problem}", file=sys.stderr)
    print("# the terminal secret is kept in the OS keyring and is never shown")
    return 1 if problems else 0


_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def parse_value(name: str, text: str):
    """``text`` as the type of setting ``name`` (``ValueError`` naming the setting)."""
    defaults = {n: d for n, d, _ in settings_mod.describe()}
    if name not in defaults:
        raise ValueError(f"unknown setting {name!r} (`kiosk-admin config show` lists them)")
    kind = type(defaults[name])
    if kind is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(f"setting {name!r} is true or false")
    if kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            raise ValueError(f"setting {name!r} must be {'a whole number' if kind is int else 'a number'}") \
                from None
    return text


def _config_set(args) -> int:
    path = settings_mod.config_path()
    current = load_settings()
    try:
        value = parse_value(args.name, args.value)
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    changed = current.with_overrides(**{args.name: value})
    new_problems = [p for p in changed.validate() if p not in current.validate()]
    if new_problems:
        for problem in new_problems:
            print(f"! {problem}", file=sys.stderr)
        print(f"kiosk-admin: {args.name} not changed", file=sys.stderr)
        return 1
    settings_mod.save(changed, path)
    print(f"{_toml_line(args.name, value)}   # saved to {path}")
    if args.name in ("terminal_id", "platform_url"):
        print("# check the terminal secret against the platform: kiosk-admin secret check")
    return 0


def environment_problems(current: settings_mod.Settings) -> list[str]:
    """What the settings name on this machine that is not there or not usable (files,
    folders, the CA bundle, the secret). Never prints or returns the secret."""
    import os
    from pathlib import Path

    problems = []
    if current.ca_bundle:
        problems += _ca_bundle_problems(Path(current.ca_bundle))
    folders = [("data_dir", current.data_path), ("log_dir", current.log_path)]
    if current.printer_backend == "pdf-folder":
        folders.append(("printer_pdf_dir", current.receipts_path))
    for name, folder in folders:
        probe = folder
        while not probe.exists() and probe.parent != probe:
            probe = probe.parent
        if not (probe.is_dir() and os.access(probe, os.W_OK)):
            problems.append(f"{name}: {folder} cannot be written")
    if current.platform_url:
        from kiosk.secrets import SecretMissing, get_terminal_secret

        try:
            get_terminal_secret(current.terminal_id)
        except SecretMissing as exc:
            problems.append(f"terminal secret: {exc} (kiosk-admin secret set)")
        except Exception as exc:  # keyring back-end errors  # noqa: BLE001
            problems.append(f"terminal secret: the keyring cannot be read ({type(exc).__name__})")
    return problems


def _ca_bundle_problems(path) -> list[str]:
    """The start's check (``kiosk.transport.ca_bundle_problems``: there, a readable PEM
    bundle), then each certificate parsed and its validity dates read."""
    from datetime import datetime

    from cryptography import x509

    from kiosk.transport import ca_bundle_problems

    problems = ca_bundle_problems(path)
    if problems:
        return problems
    try:
        certificates = x509.load_pem_x509_certificates(path.read_bytes())
    except ValueError:
        return [f"ca_bundle: {path} holds a PEM block that is not a valid certificate"]
    now = datetime.now(UTC)
    expired = [c for c in certificates if c.not_valid_after_utc < now]
    if len(expired) == len(certificates):
        return [f"ca_bundle: every certificate in {path} has expired"]
    return []


def _config_validate(args) -> int:
    path = settings_mod.config_path()
    current = load_settings()
    problems = current.validate() + environment_problems(current)
    for problem in problems:
        print(f"! {problem}", file=sys.stderr)
    where = path if path.exists() else f"{path} (not present: all defaults)"
    if problems:
        print(f"{len(problems)} problem(s) in {where}")
        return 1
    print(f"OK: {where}")
    return 0


# -- secret --------------------------------------------------------------------------------

def _read_secret(args) -> bytes:
    """From standard input when it is not a terminal (one line), else a prompt without echo,
    asked twice. The text itself never appears in a message."""
    if sys.stdin is not None and not sys.stdin.isatty():
        text = sys.stdin.readline().strip()
    else:
        import getpass

        text = getpass.getpass("Terminal secret (hex, from the platform operator): ").strip()
        again = getpass.getpass("The same again: ").strip()
        if text != again:
            raise AdminError("the two entries differ; nothing stored", 1)
    if not text:
        raise AdminError("no secret given; nothing stored", 1)
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        raise AdminError("the secret must be hexadecimal (0-9, a-f); nothing stored", 1) from None
    if len(secret) < 16:
        raise AdminError(f"a terminal secret has at least 16 bytes (32 hex digits), this one "
                         f"{len(secret)}; nothing stored", 1)
    return secret


def _terminal(args) -> str:
    return args.terminal_id or load_settings().terminal_id


def _secret_set(args) -> int:
    from kiosk.secrets import set_terminal_secret

    terminal_id = _terminal(args)
    secret = _read_secret(args)
    try:
        set_terminal_secret(terminal_id, secret)
    except Exception as exc:  # keyring back-end errors  # noqa: BLE001
        raise AdminError(f"the keyring refused the secret ({type(exc).__name__}: {exc})", 1) from None
    print(f"secret stored in the keyring for terminal {terminal_id} ({len(secret)} bytes)")
    return 0


def secret_state(terminal_id: str) -> tuple[bytes | None, str]:
    """(the secret or None, what to say about it: never the secret itself)."""
    from kiosk.secrets import SecretMissing, get_terminal_secret

    try:
        secret = get_terminal_secret(terminal_id)
    except SecretMissing as exc:
        return None, f"absent: {exc}"
    except Exception as exc:  # keyring back-end errors  # noqa: BLE001
        return None, f"the keyring cannot be read ({type(exc).__name__})"
    return secret, f"present in the keyring for terminal {terminal_id} ({len(secret)} bytes)"


def check_platform(current: settings_mod.Settings, secret: bytes) -> tuple[bool, str]:
    """Whether the platform is reachable and accepts this terminal's signature: a signed
    ``GET /v1/fleet/me``. (ok, what to say)."""
    from kiosk.platform import PlatformClient, PlatformError, PlatformUnavailable

    try:  # a client for http:// off loopback is refused before it sends anything
        client = PlatformClient(current.platform_url, current.terminal_id, secret, retries=0,
                                timeout_s=current.request_timeout_s, ca_bundle=current.ca_bundle)
    except ValueError as exc:
        return False, f"not contacted: {exc}"
    try:
        client.request("GET", "/v1/fleet/me")
    except PlatformUnavailable as exc:
        return False, f"not reachable at {current.platform_url}: {exc.message}"
    except PlatformError as exc:
        if exc.status == 401:
            return False, f"reachable, but refuses the signature: {exc.code}"
        return False, f"reachable, unexpected answer {exc.status} {exc.code}"
    finally:
        client.close()
    return True, f"reachable at {current.platform_url} and accepts the signature of {current.terminal_id}"


def _secret_check(args) -> int:
    current = load_settings()
    if args.terminal_id:
        current = current.with_overrides(terminal_id=args.terminal_id)
    secret, said = secret_state(current.terminal_id)
    print(f"secret: {said}")
    if secret is None:
        return 1
    if not current.platform_url:
        print("platform: none configured (training mode runs the embedded sandbox); not checked")
        return 0
    ok, said = check_platform(current, secret)
    print(f"platform: {said}")
    return 0 if ok else 1


# -- devices --------------------------------------------------------------------------------

def _devices(args) -> int:
    """Each configured device: opened once, its status read; OK or the reason."""
    current = load_settings()
    from kiosk.devices.manager import check

    failed = 0
    for result in check(current):
        mark = "OK  " if result.ok else "FAIL"
        failed += not result.ok
        print(f"{mark} {result.name:<10} {result.kind}: {result.detail}")
    return 1 if failed else 0


# -- audit ----------------------------------------------------------------------------------

def _audit_verify(args) -> int:
    """The cashier desk's audit log (``offline_cache.audit``): every hash, link and the anchor."""
    from offline_cache.audit import audit_path, verify

    path = args.file or audit_path(load_settings().data_path)
    result = verify(path)
    if result.ok:
        kept = "" if path.exists() else f" (no audit log at {path}: a desk starts one at its first action)"
        print(f"OK, {result.records} records, head {result.head}{kept}")
        return 0
    for problem in result.problems:
        print(f"! {problem}", file=sys.stderr)
    print(f"{len(result.problems)} problem(s) in {path} ({result.records} records): the audit log was changed "
          "outside the desk or damaged; keep a copy of it and of its .head file, and tell the finance office")
    return 1


# -- registry ----------------------------------------------------------------------------------

def register(sub) -> None:
    config = sub.add_parser("config", help="settings")
    config_sub = config.add_subparsers(dest="action", required=True)
    config_sub.add_parser("show", help="every setting with its value, default and description") \
        .set_defaults(func=_config_show)
    setter = config_sub.add_parser("set", help="change one setting in the settings file (checked first)")
    setter.add_argument("name")
    setter.add_argument("value", help="true/false for switches; '' for an empty text")
    setter.set_defaults(func=_config_set)
    config_sub.add_parser("validate", help="check the settings and what they name on this machine "
                                           "(folders, CA bundle, secret)").set_defaults(func=_config_validate)

    secret = sub.add_parser("secret", help="the terminal secret in the OS keyring (never shown)")
    secret_sub = secret.add_subparsers(dest="action", required=True)
    setter = secret_sub.add_parser("set", help="store it: read from standard input, or asked without echo")
    checker = secret_sub.add_parser("check", help="say whether it is there and whether the platform accepts it")
    for parser, func in ((setter, _secret_set), (checker, _secret_check)):
        parser.add_argument("--terminal-id", help="another terminal id than the settings' terminal_id")
        parser.set_defaults(func=func)

    sub.add_parser("devices", help="open each configured device and say OK or why not") \
        .set_defaults(func=_devices)

    audit = sub.add_parser("audit", help="the cashier desk's hash-chained audit log")
    audit_sub = audit.add_subparsers(dest="action", required=True)
    verifier = audit_sub.add_parser("verify", help="check every record's hash, the chain and the anchor file: "
                                                   "exit 0 if intact, 1 with the problems")
    verifier.add_argument("--file", type=Path, help="another audit log (default: audit.sqlite in the data folder)")
    verifier.set_defaults(func=_audit_verify)


def build_parser() -> argparse.ArgumentParser:
    from kiosk import __version__

    parser = argparse.ArgumentParser(prog="kiosk-admin", description="Configure and check a kiosk")
    parser.add_argument("--version", action="version", version=f"kiosk-admin {__version__}")
    sub = parser.add_subparsers(dest="area", required=True)
    for name in AREAS:
        if name == __name__ or (name == "kiosk.admin" and __name__ == "__main__"):
            register(sub)
        elif importlib.util.find_spec(name) is not None:
            importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from kiosk import logs

    logs.install(file_name="admin.log")  # an audit of what IT did, in the kiosk's log folder
    import logging

    logging.getLogger("kiosk.admin").info("kiosk-admin %s", " ".join(_audit_words(args)))
    from offline_cache.db import SchemaTooNew

    try:
        return args.func(args)
    except AdminError as exc:
        print(f"kiosk-admin: {exc}", file=sys.stderr)
        return exc.code
    except SchemaTooNew as exc:  # a downgraded kiosk: the data folder is newer than this software
        print(f"kiosk-admin: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kiosk-admin: interrupted", file=sys.stderr)
        return 130


def _audit_words(args) -> list[str]:
    """The command as typed, without values (a setting's value may be a path, never a secret,
    but keep the audit line short and safe)."""
    words = [args.area, getattr(args, "action", None), getattr(args, "name", None)]
    return [w for w in words if w]


if __name__ == "__main__":
    sys.exit(main())
