"""``kiosk-admin``: the IT staff's tool. For now: ``config show``."""
from __future__ import annotations

import argparse
import sys

from kiosk import settings as settings_mod


def _toml_line(name: str, value) -> str:
    import tomli_w

    return tomli_w.dumps({name: value}).strip()


def _config_show(args) -> int:
    path = settings_mod.config_path()
    try:
        current = settings_mod.load(path)
    except ValueError as exc:
        print(f"kiosk-admin: {exc}", file=sys.stderr)
        return 2
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


def _devices(args) -> int:
    """Each configured device: opened once, its status read; OK or the reason."""
    try:
        current = settings_mod.load(settings_mod.config_path())
    except ValueError as exc:
        print(f"kiosk-admin: {exc}", file=sys.stderr)
        return 2
    from kiosk.devices.manager import check

    failed = 0
    for result in check(current):
        mark = "OK  " if result.ok else "FAIL"
        failed += not result.ok
        print(f"{mark} {result.name:<10} {result.kind}: {result.detail}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk-admin", description="Configure and check a kiosk")
    sub = parser.add_subparsers(dest="area", required=True)
    config = sub.add_parser("config", help="settings")
    config_sub = config.add_subparsers(dest="action", required=True)
    config_sub.add_parser("show", help="every setting with its value, default and description")
    sub.add_parser("devices", help="open each configured device and say OK or why not")
    args = parser.parse_args(argv)
    if args.area == "config" and args.action == "show":
        return _config_show(args)
    if args.area == "devices":
        return _devices(args)
    parser.error("unknown command")
    return 2


if __name__ == "__main__":
    sys.exit(main())
