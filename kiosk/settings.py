"""Typed settings, each with a default and a description, read from a TOML file.

The file lives in the platform's config folder (platformdirs) unless
``KIOSK_CONFIG`` names another. Secrets never go in it: see ``kiosk.secrets``.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

APP_NAME = "credit-care-kiosk"


def _user_dir(kind: str) -> Path:
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, appauthor=False))


def config_path() -> Path:
    env = os.environ.get("KIOSK_CONFIG")
    return Path(env) if env else _user_dir("config") / "settings.toml"


def data_dir() -> Path:
    env = os.environ.get("KIOSK_DATA_DIR")
    return Path(env) if env else _user_dir("data")


def _setting(default, description: str):
    return field(default=default, metadata={"description": description})


@dataclass(frozen=True)
class Settings:
    platform_url: str = _setting(
        "", "Base URL of the hospital platform gateway; empty runs the embedded sandbox (training)."
    )
    terminal_id: str = _setting("KIOSK-DEMO-01", "This terminal's id at the platform.")
    hospital_name: str = _setting("厦门市示范医院", "Hospital name printed on receipts.")
    mode: str = _setting("kiosk", "'kiosk' (patient self-service) or 'desk' (cashier window).")
    language: str = _setting("zh_CN", "Interface language: 'zh_CN' or 'en'.")
    policy: str = _setting("xiamen", "City policy profile: 'xiamen' or 'hangzhou'.")
    idle_timeout_s: int = _setting(60, "Seconds without a touch before the idle countdown starts.")
    idle_warning_s: int = _setting(
        20, "Seconds the countdown lasts before the screen is cleared and the home screen shown."
    )
    request_timeout_s: float = _setting(8.0, "Seconds to wait for the platform to answer a request.")
    ca_bundle: str = _setting(
        "", "PEM file of the CA that signed the platform's certificate; empty uses the system CAs."
    )
    printer_backend: str = _setting("pdf-folder", "Receipt printer back-end: 'pdf-folder'.")
    printer_pdf_dir: str = _setting(
        "", "Folder for the 'pdf-folder' back-end; empty uses 'receipts' in the data folder."
    )
    receipt_width_mm: int = _setting(80, "Receipt paper width in mm: 80 or 58.")
    data_dir: str = _setting("", "Folder for the journal and caches; empty uses the platform's data folder.")
    full_screen: bool = _setting(True, "Show the window full screen (kiosk).")
    # --- devices ---
    id_reader: str = _setting(
        "simulated", "Resident ID-card reader: 'simulated' (training buttons), 'serial' (a SAM reader on "
        "id_reader_port) or 'sam-simulator' (the serial driver talking to a simulated reader process)."
    )
    id_reader_port: str = _setting("", "Serial port of the ID-card reader, e.g. /dev/ttyUSB0 (id_reader = 'serial').")
    id_reader_poll_ms: int = _setting(300, "How often the ID-card reader is asked for a card, in ms (50-5000).")
    sscard_reader: str = _setting(
        "", "Social-security card reader: '' (none), 'pcsc' (a PC/SC reader through pcscd) or 'simulated'."
    )
    sscard_reader_name: str = _setting(
        "", "Part of the PC/SC reader's name to use (sscard_reader = 'pcsc'); empty: the first reader."
    )
    scanner: str = _setting(
        "", "QR/barcode scanner: '' (none), 'wedge' (types as a keyboard), 'serial' (on scanner_port) "
        "or 'simulated'."
    )
    scanner_port: str = _setting("", "Serial port of the QR/barcode scanner (scanner = 'serial').")

    def with_overrides(self, **changes) -> "Settings":
        return replace(self, **changes)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir) if self.data_dir else data_dir()

    @property
    def receipts_path(self) -> Path:
        return Path(self.printer_pdf_dir) if self.printer_pdf_dir else self.data_path / "receipts"

    def validate(self) -> list[str]:
        problems = []
        if self.mode not in ("kiosk", "desk"):
            problems.append("mode must be 'kiosk' or 'desk'")
        if self.language not in ("zh_CN", "en"):
            problems.append("language must be 'zh_CN' or 'en'")
        if self.idle_timeout_s < 10:
            problems.append("idle_timeout_s must be at least 10")
        if self.idle_warning_s < 20:
            problems.append("idle_warning_s must be at least 20 (WCAG 2.2.1 gives 20 s to react)")
        if self.receipt_width_mm not in (58, 80):
            problems.append("receipt_width_mm must be 58 or 80")
        if self.platform_url and not _acceptable_platform_url(self.platform_url):
            problems.append("platform_url must use https:// (plain http only on loopback), with no user name")
        from kiosk.policies import CITIES

        if self.policy not in CITIES:
            problems.append(f"policy must be one of: {', '.join(CITIES)}")
        if self.request_timeout_s <= 0:
            problems.append("request_timeout_s must be more than 0")
        if self.printer_backend not in PRINTER_BACKENDS:
            problems.append(f"printer_backend must be one of: {', '.join(PRINTER_BACKENDS)}")
        problems += _device_problems(self)
        return problems


PRINTER_BACKENDS = ("pdf-folder",)


def _device_problems(s: "Settings") -> list[str]:
    problems = []
    if s.id_reader not in ("simulated", "serial", "sam-simulator"):
        problems.append("id_reader must be 'simulated', 'serial' or 'sam-simulator'")
    if s.id_reader == "serial" and not s.id_reader_port:
        problems.append("id_reader_port must name the reader's serial port when id_reader is 'serial'")
    if not 50 <= s.id_reader_poll_ms <= 5000:
        problems.append("id_reader_poll_ms must be between 50 and 5000")
    if s.sscard_reader not in ("", "pcsc", "simulated"):
        problems.append("sscard_reader must be '', 'pcsc' or 'simulated'")
    if s.scanner not in ("", "wedge", "serial", "simulated"):
        problems.append("scanner must be '', 'wedge', 'serial' or 'simulated'")
    if s.scanner == "serial" and not s.scanner_port:
        problems.append("scanner_port must name the scanner's serial port when scanner is 'serial'")
    return problems


def _acceptable_platform_url(url: str) -> bool:
    """https anywhere; plain http only to a loopback address (the embedded or a local sandbox)."""
    import ipaddress
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def describe() -> list[tuple[str, object, str]]:
    """(name, default, description) for every setting."""
    return [(f.name, f.default, f.metadata["description"]) for f in fields(Settings)]


def load(path: Path | None = None) -> Settings:
    """Read the TOML file; missing file or missing keys fall back to defaults.

    Unknown keys and wrongly typed values raise ``ValueError`` naming the key,
    so a typo in a hospital's file is found at start, not at the first patient.
    """
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    known = {f.name: f for f in fields(Settings)}
    values = {}
    for key, value in data.items():
        if key not in known:
            raise ValueError(f"{path}: unknown setting {key!r}")
        expected = type(known[key].default)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not expected:
            raise ValueError(f"{path}: setting {key!r} must be {expected.__name__}")
        values[key] = value
    return Settings(**values)


def save(settings: Settings, path: Path | None = None) -> Path:
    import tomli_w

    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    defaults = Settings()
    changed = {
        f.name: getattr(settings, f.name)
        for f in fields(Settings)
        if getattr(settings, f.name) != getattr(defaults, f.name)
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(changed), encoding="utf-8")
    os.replace(tmp, path)
    return path
