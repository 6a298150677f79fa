"""``kiosk-admin logs bundle``: what IT sends to support, in one zip.

Inside: ``logs/`` (every log file, current and rotated, each line passed through the
redaction filter once more: files written by an older version, or a line a filter
missed, are cleaned on the way out), ``settings.toml`` (every setting's effective value;
settings whose name suggests a secret are withheld; the terminal secret lives in the
keyring and is never read), ``problems.txt`` (``config validate``'s findings, and a
device the running kiosk has lost), ``devices.txt`` (every device's state, problem and
restarts as the kiosk last wrote them), ``versions.json`` (the app, Python, the OS, the libraries) and ``MANIFEST.txt``.
"""
from __future__ import annotations

import json
import os
import platform
import re
import sys
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from kiosk import settings as settings_mod
from kiosk.admin import environment_problems, load_settings

WITHHELD = "<withheld>"
_SECRET_NAME = re.compile(r"secret|password|passwd|token|pin(?:_|$)|_pin|private|credential", re.I)
_LIBRARIES = ("PySide6-Essentials", "shiboken6", "requests", "urllib3", "certifi", "keyring",
              "cryptography", "reportlab", "pillow", "platformdirs", "pyserial", "pyscard",
              "fastapi", "starlette", "uvicorn", "pydantic", "python-escpos")


def settings_text(current: settings_mod.Settings) -> str:
    import tomli_w

    lines = []
    for name, default, _description in settings_mod.describe():
        value = getattr(current, name)
        if _SECRET_NAME.search(name):
            lines.append(f"# {name} = {WITHHELD}")
            continue
        mark = "" if value == default else "   # changed"
        lines.append(tomli_w.dumps({name: value}).strip() + mark)
    return "\n".join(lines) + "\n"


def versions() -> dict:
    from importlib import metadata

    from kiosk import __version__

    libraries = {}
    for name in _LIBRARIES:
        try:
            libraries[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {
        "kiosk": __version__,
        "frozen": bool(getattr(sys, "frozen", False)),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "libraries": libraries,
        "made_at": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def devices_text(current: settings_mod.Settings) -> tuple[str, list[str]]:
    """``devices.txt``: the device states the kiosk last wrote (``devices.json``), and the
    problems among them for ``problems.txt`` (a lost device while the kiosk runs)."""
    from kiosk.devices.supervisor import live_states_path, read_live_states

    states = read_live_states(live_states_path(current))
    if states is None:
        return ("No device states recorded: the kiosk has not run its devices with this data folder "
                f"({current.data_path}).\n", [])
    lines = [f"Written at {states.written_at} by the kiosk process {states.pid}, which "
             + ("is running now.\n" if states.live else "is not running any more (states as it left them).\n")]
    problems = []
    for d in states.devices:
        lines.append(f"\n{d.get('name', '?')}: {d.get('state', '?')}  ({d.get('kind', '')})\n")
        if d.get("problem"):
            lines.append(f"  problem: {d['problem']}\n")
        if d.get("restarts"):
            lines.append(f"  restarted {d['restarts']} time(s); last down at {d.get('last_failure_at', '?')}: "
                         f"{d.get('last_failure', '')}\n")
        if states.live and d.get("state") == "lost":
            problems.append(f"device {d.get('name', '?')} is lost in the running kiosk: {d.get('problem', '')}")
    return "".join(lines), problems


def _default_name(terminal_id: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", terminal_id) or "kiosk"
    return Path.cwd() / f"kiosk-logs-{safe}-{datetime.now():%Y%m%d-%H%M%S}.zip"


def make_bundle(current: settings_mod.Settings, out: Path) -> tuple[Path, list[str]]:
    """Write the zip to ``out`` (atomically, readable by its owner only); returns the path
    and the names inside."""
    from kiosk.logs import log_files, redact

    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".kiosk-logs-", suffix=".zip")
    os.close(fd)
    names = []
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in log_files(current):
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError as exc:
                    text = f"(could not read {path.name}: {exc.strerror})\n"
                name = f"logs/{path.name}"
                zf.writestr(name, "".join(redact(line) for line in text.splitlines(keepends=True)))
                names.append(name)
            zf.writestr("settings.toml", settings_text(current))
            devices, device_problems = devices_text(current)
            problems = current.validate() + environment_problems(current) + device_problems
            zf.writestr("problems.txt", "".join(f"{p}\n" for p in problems) or "none\n")
            zf.writestr("devices.txt", "".join(redact(line) for line in devices.splitlines(keepends=True)))
            zf.writestr("versions.json", json.dumps(versions(), indent=2, ensure_ascii=False) + "\n")
            names += ["settings.toml", "problems.txt", "devices.txt", "versions.json"]
            manifest = ("Credit-care kiosk support bundle\n"
                        f"terminal: {current.terminal_id}\n"
                        f"log folder: {current.log_path}\n"
                        "Personal data (ID numbers, mobile numbers, names in known fields) is "
                        "redacted; the terminal secret is not included.\n\n"
                        + "".join(f"{n}\n" for n in names))
            zf.writestr("MANIFEST.txt", manifest)
            names.append("MANIFEST.txt")
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out, names


def _bundle(args) -> int:
    current = load_settings()
    out = args.out or _default_name(current.terminal_id)
    path, names = make_bundle(current, out)
    logs = sum(1 for n in names if n.startswith("logs/"))
    print(f"wrote {path}: {logs} log file(s), settings, versions (personal data redacted)")
    return 0


def register(sub) -> None:
    logs = sub.add_parser("logs", help="the kiosk's log files")
    logs_sub = logs.add_subparsers(dest="action", required=True)
    bundle = logs_sub.add_parser("bundle", help="a zip for support: logs with personal data redacted, "
                                                "settings without secrets, versions")
    bundle.add_argument("--out", type=Path, help="zip file to write (default: in the current folder)")
    bundle.set_defaults(func=_bundle)
