"""Typed settings, each with a default and a description, read from a TOML file.

The file lives in the platform's config folder (platformdirs) unless
``KIOSK_CONFIG`` names another. Secrets never go in it: see ``kiosk.secrets``.
"""
from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from kiosk.transport import PLATFORM_URL_RULE, acceptable_platform_url, ca_bundle_problems

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
    """The kiosk's settings (``kiosk.toml``; see docs/deployment.md for every key), immutable once loaded."""

    platform_url: str = _setting(
        "", "Base URL of the hospital platform gateway; empty runs the embedded sandbox (training)."
    )
    terminal_id: str = _setting("KIOSK-DEMO-01", "This terminal's id at the platform.")
    # --- the hospital information system (HIS port, kiosk/ports/his.py; docs/integration.md) ---
    his_url: str = _setting(
        "", "Base URL of the hospital information system (HIS) for the 'sandbox' adapter (https://; plain http "
        "only on loopback); empty runs the embedded sandbox HIS (training). Its secret is in the keyring as "
        "his:<terminal_id>."
    )
    his_adapter: str = _setting(
        "sandbox", "HIS adapter: 'sandbox' (the reference REST adapter, kiosk/adapters/his_http.py) or the name "
        "of a hospital's own adapter installed as an entry point in the group 'credit_care_kiosk.his'."
    )
    # --- the medical-insurance platform (insurance port, kiosk/ports/insurance.py; docs/integration.md) ---
    insurance_url: str = _setting(
        "", "Address the national medical-insurance interface (定点医药机构接口) is posted to, as the local "
        "医保 gateway gives it (https://; plain http only on loopback); empty runs the embedded sandbox insurance "
        "service (training). The gateway's secret is in the keyring as insurance:<terminal_id>."
    )
    insurance_adapter: str = _setting(
        "national", "Insurance adapter: 'national' (the national interface's JSON envelope, "
        "kiosk/adapters/insurance_national.py) or the name of an adapter installed as an entry point in the group "
        "'credit_care_kiosk.insurance'."
    )
    credit_adapter: str = _setting(
        "platform", "Credit platform adapter: 'platform' (the credit platform's API at platform_url, "
        "kiosk/adapters/credit_platform.py) or the name of an adapter installed as an entry point in the group "
        "'credit_care_kiosk.credit'."
    )
    registration_saga: bool = _setting(
        True, "Register for clinics through the HIS's sessions as a saga across the HIS, the insurance platform "
        "(2201) and the credit platform (kiosk/usecases/registration_saga.py), when the kiosk has all three. On by "
        "default: in a hospital the registration belongs to the HIS (its departments, sessions, numbers and fee "
        "bills; a fee paid by phone goes through the HIS's channel), and the credit platform only books the fee. "
        "Off, or a kiosk without the HIS: the credit platform's own registration (its departments and sessions)."
    )
    insurance_fixmedins_code: str = _setting(
        "H35020000001", "This hospital's 定点医药机构编号 (fixmedins_code) from the 医保局: 12 characters, the "
        "first part of every msgid."
    )
    insurance_fixmedins_name: str = _setting(
        "厦门市示范医院", "This hospital's 定点医药机构名称 (fixmedins_name) as the 医保局 registered it."
    )
    insurance_admdvs: str = _setting(
        "350200", "The 医保区划 (6 digits) of the hospital, sent as mdtrtarea_admvs: 350200 Xiamen, 330100 Hangzhou."
    )
    insurance_recer_sys_code: str = _setting(
        "YBXT", "The receiver's system code (recer_sys_code, up to 10 characters) the 医保局 assigned."
    )
    insurance_gateway_style: str = _setting(
        "tif", "How the 医保 gateway authenticates the hospital: 'tif' (x-tif-paasid, x-tif-timestamp, x-tif-nonce, "
        "x-tif-signature) or 'none' (a front-end processor that needs no gateway headers)."
    )
    insurance_paasid: str = _setting(
        "", "The gateway's paasid for this hospital (insurance_gateway_style = 'tif'); its secret goes in the keyring."
    )
    insurance_path_style: str = _setting(
        "single", "Where each message is posted: 'single' (every transaction to insurance_url) or 'infno' "
        "(insurance_url followed by the transaction number, e.g. .../2207)."
    )
    insurance_infver: str = _setting("V1.0", "The interface version (infver) the 医保局 names, up to 6 characters.")
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
        "", "PEM file of the CA that signed the platform's certificate, then the only CA trusted; empty uses the "
        "system's CA bundle (never REQUESTS_CA_BUNDLE or other variables of the environment)."
    )
    printer_backend: str = _setting(
        "pdf-folder", "Printer back-end: 'pdf-folder' (PDF files, demo), 'cups' (a system printer queue, "
        "printer_queue) or 'escpos' (a thermal receipt printer, escpos_connection)."
    )
    printer_pdf_dir: str = _setting(
        "", "Folder for the 'pdf-folder' back-end; empty uses 'receipts' in the data folder."
    )
    receipt_width_mm: int = _setting(80, "Receipt paper width in mm: 80 or 58.")
    # --- printing (printing/, docs/printing.md) ---
    printer_queue: str = _setting("", "CUPS queue of the printer (printer_backend = 'cups').")
    printer_a4_queue: str = _setting(
        "", "CUPS queue for A4 statements when receipts go to a thermal printer; empty: the same back-end "
        "(an ESC/POS printer cannot print A4: the statement then waits in the reprint queue for the desk)."
    )
    printer_job_timeout_s: float = _setting(
        30.0, "Seconds a CUPS job may take before it counts as stuck, is cancelled and queued for reprint."
    )
    escpos_connection: str = _setting(
        "", "ESC/POS printer (printer_backend = 'escpos'): 'usb:VID:PID' (hex), 'serial:/dev/ttyUSB0:9600', "
        "'tcp:HOST:9100' or 'cups:QUEUE' (a raw CUPS queue)."
    )
    escpos_mode: str = _setting(
        "text", "ESC/POS mode: 'text' (GB18030 text in the printer's font) or 'raster' (the PDF layout as an image)."
    )
    archive_dir: str = _setting(
        "", "Folder where every printed document is kept as a PDF; empty uses 'archive' in the data folder."
    )
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
    # --- offline mode (docs/offline.md) ---
    offline_snapshot_max_age_s: int = _setting(
        1800, "Offline, credit is used only if the account's signed snapshot is younger than this (seconds)."
    )
    offline_txn_cap_fen: int = _setting(50_000, "Offline, the most one settlement may book on credit, in fen.")
    offline_terminal_cap_fen: int = _setting(
        300_000, "The most credit this terminal may hold unconfirmed by the platform (queued or in conflict), in fen."
    )
    queue_expiry_h: int = _setting(
        24, "A queued write older than this many hours raises an alert on the cashier desk and in kiosk-admin."
    )
    health_probe_s: int = _setting(10, "Seconds between checks that the platform answers (off the GUI thread).")
    sync_batch_size: int = _setting(100, "Queued writes sent to the platform per batch request (1-200).")
    # --- logs and fleet health (kiosk/logs.py, kiosk/heartbeat.py) ---
    log_dir: str = _setting("", "Folder for the log files; empty uses 'logs' in the data folder.")
    log_max_mb: int = _setting(
        20, "Most disk space all log files together may take, in MB (1-1000); the oldest file goes first."
    )
    log_files: int = _setting(5, "How many files the log space is split over: the current one and older ones (2-50).")
    log_level: str = _setting("INFO", "Lowest level written to the log files: DEBUG, INFO, WARNING or ERROR.")
    heartbeat_interval_s: int = _setting(
        300, "Seconds between two heartbeats to the platform (fleet health: version, queue, printer, devices); "
        "0 sends none."
    )

    # --- desk, lockdown, accessibility (kiosk/ui/login.py, lockdown.py, notices.py, elderly.py) ---
    operator_login: bool = _setting(
        True, "Desk mode: a cashier logs in with staff number and PIN (checked by the platform, locked after 5 "
        "wrong PINs) at start and after operator_idle_s without input. Off: actions in the terminal's name "
        "(training only)."
    )
    operator_idle_s: int = _setting(900, "Desk mode: seconds without input before the cashier must log in again.")
    refund_supervisor_over_fen: int = _setting(
        20000, "Refunds above this amount (fen; 20000 = ￥200) need a supervisor's staff number and PIN."
    )
    confirm_above_fen: int = _setting(
        50_000, "A payment through the channel above this amount (fen; 50000 = ￥500) asks the patient to confirm "
        "it on a screen with the amount in figures and in words first; a discharge always asks. 0: every payment."
    )
    touch_screen: bool = _setting(True, "Kiosk mode: the screen is a touch screen; the mouse cursor is hidden.")
    notices: str = _setting(
        "", "Hospital notices shown in turn when the kiosk stands idle on the home screen, one per line; "
        "empty: the built-in notices."
    )
    notices_after_s: int = _setting(
        120, "Kiosk mode: seconds idle on the home screen before the notices are shown; 0 shows none."
    )
    notice_rotate_s: int = _setting(10, "Seconds each notice stays on the screen (3-120).")
    elderly_journeys: str = _setting(
        "pay,register,repay,query", "Elderly mode: the journeys the home screen shows (at most 4, comma-separated "
        "keys); the others are behind \"More\"."
    )
    voice_prompts: str = _setting(
        "auto", "Spoken prompts of the main steps (place your card, check and confirm, pay by phone, done, more "
        "time?), recorded clips in the screen's language (resources/voice): 'on', 'off' or 'auto' (on at a kiosk, "
        "off at the desk)."
    )
    voice_player: str = _setting(
        "", "The command that plays a prompt's WAV file (the file is added at its end), e.g. 'aplay -q -D "
        "plughw:1' for a particular sound card; empty: the first of aplay, paplay, pw-play found."
    )
    window_size: str = _setting(
        "", "The window's size when full_screen is off, WIDTHxHEIGHT (training and demo: 1080x1920 shows a "
        "portrait kiosk); empty: 1280x800. Full screen, the layout follows the screen's own size."
    )

    @property
    def voice_on(self) -> bool:
        """Whether the prompts are spoken: ``voice_prompts``, 'auto' meaning at a kiosk only."""
        return self.voice_prompts == "on" or (self.voice_prompts == "auto" and self.mode == "kiosk")

    def with_overrides(self, **changes) -> Settings:
        return replace(self, **changes)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir) if self.data_dir else data_dir()

    @property
    def log_path(self) -> Path:
        return Path(self.log_dir) if self.log_dir else self.data_path / "logs"

    @property
    def receipts_path(self) -> Path:
        return Path(self.printer_pdf_dir) if self.printer_pdf_dir else self.data_path / "receipts"

    @property
    def archive_path(self) -> Path:
        return Path(self.archive_dir) if self.archive_dir else self.data_path / "archive"

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
        if self.voice_prompts not in VOICE_PROMPTS:
            problems.append("voice_prompts must be 'on', 'off' or 'auto' (on at a kiosk, off at the desk)")
        if self.window_size and not _window_size_ok(self.window_size):
            problems.append("window_size must be WIDTHxHEIGHT in pixels, e.g. 1080x1920, each 320 to 7680")
        if self.receipt_width_mm not in (58, 80):
            problems.append("receipt_width_mm must be 58 or 80")
        if self.platform_url and not acceptable_platform_url(self.platform_url):
            problems.append(PLATFORM_URL_RULE)
        problems += _his_problems(self)
        problems += _insurance_problems(self)
        from kiosk.policies import CITIES

        if self.policy not in CITIES:
            problems.append(f"policy must be one of: {', '.join(CITIES)}")
        if self.request_timeout_s <= 0:
            problems.append("request_timeout_s must be more than 0")
        if self.printer_backend not in PRINTER_BACKENDS:
            problems.append(f"printer_backend must be one of: {', '.join(PRINTER_BACKENDS)}")
        problems += _printer_problems(self)
        problems += _device_problems(self)
        problems += _offline_problems(self)
        problems += _desk_problems(self)
        problems += _operations_problems(self)
        return problems


PRINTER_BACKENDS = ("pdf-folder", "cups", "escpos")
VOICE_PROMPTS = ("auto", "on", "off")


def _window_size_ok(text: str) -> bool:
    width, sep, height = text.lower().partition("x")
    return bool(sep) and width.isdigit() and height.isdigit() and all(320 <= int(n) <= 7680 for n in (width, height))
HIS_URL_RULE = "his_url must use https:// (plain http only on loopback), with no user name"


def _his_problems(s: Settings) -> list[str]:
    """The HIS address and the adapter's name; whether an entry point of that name is installed and
    fits the port is checked when the services are built (``kiosk.ports.registry``)."""
    problems = []
    if s.his_url and not acceptable_platform_url(s.his_url):
        problems.append(HIS_URL_RULE)
    if not s.his_adapter.strip() or s.his_adapter != s.his_adapter.strip():
        problems.append("his_adapter must name an adapter: 'sandbox' or a hospital's entry point "
                        "in the group 'credit_care_kiosk.his'")
    return problems


INSURANCE_URL_RULE = "insurance_url must use https:// (plain http only on loopback), with no user name"
INSURANCE_GATEWAY_STYLES = ("tif", "none")
INSURANCE_PATH_STYLES = ("single", "infno")


def _insurance_problems(s: Settings) -> list[str]:
    """The insurance port's address and the envelope's fixed fields, checked against the interface's
    lengths (kiosk.domain.insurance)."""
    problems = []
    if s.insurance_url and not acceptable_platform_url(s.insurance_url):
        problems.append(INSURANCE_URL_RULE)
    # Whether an adapter of that name is built in or installed, and fits the port: when the services are built
    # (kiosk.ports.registry), as for the HIS and the credit platform.
    for setting, example in (("insurance_adapter", "national"), ("credit_adapter", "platform")):
        name = getattr(s, setting)
        if not name.strip() or name != name.strip():
            problems.append(f"{setting} must name an adapter: '{example}' or one installed as an entry point")
    code = s.insurance_fixmedins_code
    if len(code) != 12 or not code.isascii() or not code.isalnum():
        problems.append("insurance_fixmedins_code must be the 12 letters and digits the 医保局 assigned")
    if not 1 <= len(s.insurance_fixmedins_name) <= 200:
        problems.append("insurance_fixmedins_name must be 1 to 200 characters")
    if len(s.insurance_admdvs) != 6 or not s.insurance_admdvs.isdigit():
        problems.append("insurance_admdvs must be the 6 digits of a 医保区划, e.g. 350200")
    if not 1 <= len(s.insurance_recer_sys_code) <= 10 or not s.insurance_recer_sys_code.isascii():
        problems.append("insurance_recer_sys_code must be 1 to 10 ASCII characters")
    if s.insurance_gateway_style not in INSURANCE_GATEWAY_STYLES:
        problems.append(f"insurance_gateway_style must be one of: {', '.join(INSURANCE_GATEWAY_STYLES)}")
    if s.insurance_url and s.insurance_gateway_style == "tif" and not s.insurance_paasid:
        problems.append("insurance_paasid must be set when insurance_gateway_style is 'tif'")
    if s.insurance_path_style not in INSURANCE_PATH_STYLES:
        problems.append(f"insurance_path_style must be one of: {', '.join(INSURANCE_PATH_STYLES)}")
    if not 1 <= len(s.insurance_infver) <= 6:
        problems.append("insurance_infver must be 1 to 6 characters")
    return problems


def _printer_problems(s: Settings) -> list[str]:
    problems = []
    if s.printer_backend == "cups" and not _queue_name_ok(s.printer_queue):
        problems.append("printer_queue must name the CUPS queue when printer_backend is 'cups'")
    if s.printer_a4_queue and not _queue_name_ok(s.printer_a4_queue):
        problems.append("printer_a4_queue must be a CUPS queue name (no spaces, '/' or '#')")
    if s.printer_backend == "escpos":
        from printing.escpos_backend import parse_connection

        try:
            parse_connection(s.escpos_connection)
        except ValueError as exc:
            problems.append(str(exc))
    if s.escpos_mode not in ("text", "raster"):
        problems.append("escpos_mode must be 'text' or 'raster'")
    if not 1 <= s.printer_job_timeout_s <= 600:
        problems.append("printer_job_timeout_s must be between 1 and 600")
    return problems


def _queue_name_ok(name: str) -> bool:
    return bool(name) and not any(ch.isspace() or ch in "/#" for ch in name)


def _desk_problems(s: Settings) -> list[str]:
    problems = []
    if not 60 <= s.operator_idle_s <= 8 * 3600:
        problems.append("operator_idle_s must be between 60 and 28800")
    if s.refund_supervisor_over_fen < 0:
        problems.append("refund_supervisor_over_fen must be 0 or more")
    if s.confirm_above_fen < 0:
        problems.append("confirm_above_fen must be 0 or more")
    if s.notices_after_s != 0 and not 10 <= s.notices_after_s <= 3600:
        problems.append("notices_after_s must be 0 (none) or between 10 and 3600")
    if not 3 <= s.notice_rotate_s <= 120:
        problems.append("notice_rotate_s must be between 3 and 120")
    keys = [k.strip() for k in s.elderly_journeys.split(",") if k.strip()]
    if not 1 <= len(keys) <= 4:
        problems.append("elderly_journeys must name 1 to 4 journeys")
    return problems


def _device_problems(s: Settings) -> list[str]:
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


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _operations_problems(s: Settings) -> list[str]:
    problems = []
    if not 1 <= s.log_max_mb <= 1000:
        problems.append("log_max_mb must be between 1 and 1000")
    if not 2 <= s.log_files <= 50:
        problems.append("log_files must be between 2 and 50")
    if s.log_level not in LOG_LEVELS:
        problems.append(f"log_level must be one of: {', '.join(LOG_LEVELS)}")
    if s.heartbeat_interval_s != 0 and not 10 <= s.heartbeat_interval_s <= 86400:
        problems.append("heartbeat_interval_s must be 0 (none) or between 10 and 86400")
    return problems


def _offline_problems(s: Settings) -> list[str]:
    problems = []
    if s.offline_snapshot_max_age_s < 0:
        problems.append("offline_snapshot_max_age_s must be 0 (no offline credit) or more")
    if s.offline_txn_cap_fen < 0 or s.offline_terminal_cap_fen < 0:
        problems.append("offline_txn_cap_fen and offline_terminal_cap_fen must be 0 or more")
    if s.queue_expiry_h < 1:
        problems.append("queue_expiry_h must be at least 1")
    if not 1 <= s.health_probe_s <= 600:
        problems.append("health_probe_s must be between 1 and 600")
    if not 1 <= s.sync_batch_size <= 200:
        problems.append("sync_batch_size must be between 1 and 200")
    return problems


class StartRefused(ValueError):
    """The settings would have the app talk to its platform unsafely: it does not start."""


def start_problems(s: Settings) -> list[str]:
    """What the app refuses to start with: a platform reached in clear (``http://`` to a host
    that is not loopback) or a ``ca_bundle`` that is not a readable PEM bundle. Checked
    before the window and before anything touches the network."""
    problems = []
    if s.platform_url and not acceptable_platform_url(s.platform_url):
        problems.append(PLATFORM_URL_RULE)
    if s.his_url and not acceptable_platform_url(s.his_url):
        problems.append(HIS_URL_RULE)
    if s.insurance_url and not acceptable_platform_url(s.insurance_url):
        problems.append(INSURANCE_URL_RULE)
    if s.ca_bundle:
        problems += ca_bundle_problems(s.ca_bundle)
    return problems


def load_for_start(path: Path | None = None) -> Settings:
    """:func:`load`, then :func:`start_problems`: the refusal is logged and raised as
    :class:`StartRefused` (a ``ValueError``, which the entry point prints and exits 2 on)."""
    path = path or config_path()
    settings = load(path)
    problems = start_problems(settings)
    if problems:
        message = (f"refusing to start, nothing was sent: {'; '.join(problems)} (in {path}; fix it with "
                   "kiosk-admin config set, then check with kiosk-admin config validate)")
        logging.getLogger("kiosk.settings").error("%s", message)
        raise StartRefused(message)
    return settings


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
        if key == "voice_prompts" and isinstance(value, bool):  # a file from before 'auto': true/false
            value = "on" if value else "off"
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
