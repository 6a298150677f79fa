"""Logging for the kiosk: rotating files with a size cap, personal data redacted.

``install(settings)`` is called by the entry points (``kiosk``, ``kiosk demo``,
``kiosk-admin``), never under pytest (pytest owns the handlers there). It sets up

- a rotating file ``<log folder>/kiosk.log`` (``settings.log_path``), the space of all
  files together capped at ``log_max_mb``, split over ``log_files`` files;
- the console (stderr) for warnings and errors, when there is a console;
- a :class:`Redactor` on every handler, so that no ID number, mobile number or name of a
  patient reaches any log line, whoever logs it (the app, the embedded sandbox, Qt's own
  messages routed in by ``kiosk.ui.qtlog``, a traceback);
- uncaught exceptions (main thread and worker threads) and Python warnings into the log.

Redaction is by pattern, since no list of patients exists: resident ID numbers (17 digits
and a digit or X; the old 15-digit form), mainland mobile numbers (``1[3-9]`` and 9 more
digits, with or without +86 and separators), and the values of fields known to hold
personal data (``name=``, ``'name': '…'``, ``姓名：``, ``id_number``, ``phone``, …). A
generic ``name`` field is redacted when its value holds Chinese characters (a person's
name; printer and file names stay readable); the fields that only ever hold a person's
name (``patient_name``, ``guardian_name``, ``姓名``, …) are redacted whatever they hold.
A name met in such a field is remembered (the last few hundred) and masked in free text
from then on; :func:`remember_personal` adds names the app knows before any log line.
A log line is for IT staff: the opaque ids (patient, account, settlement) stay in it.
"""
from __future__ import annotations

import logging
import re
import sys
import threading
from pathlib import Path

LOG_FILE = "kiosk.log"
FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"

ID_MASK = "[id]"
PHONE_MASK = "[phone]"
NAME_MASK = "[name]"
VALUE_MASK = "[redacted]"

# 18-character resident ID (17 digits + check digit or X), or the old 15-digit form; not
# part of a longer run of digits (order numbers, timestamps in ms are left alone).
_ID_RE = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?![\dXx])")
# Mainland mobile numbers: 1[3-9]xxxxxxxxx, optionally +86 / 86 and 3-4-4 separators.
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)")


def _has_cjk(text: str) -> bool:
    """Any CJK ideograph (a character class of these ranges costs a millisecond to compile)."""
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)

# key, separator, optional quote, value (up to the closing quote or a delimiter).
_FIELD = (r"(?P<key>{keys})(?P<sep>['\"]?\s*[:=：]\s*)(?P<q>['\"])?"
          r"(?P<value>(?(q)[^'\"\n]*|(?:(?!\s+\w+\s*[=:])[^,;，；、)\]}}'\"\n])+))")
# (an unquoted value runs to a delimiter or to the next ``key=``: "Zhang San" is one value)
# Fields that only ever hold personal data: redacted whatever they hold.
_PERSONAL_KEYS = (r"(?<![A-Za-z0-9])(?:patient_name|guardian_name|holder_name|payer_name|"
                  r"full_name|real_name|contact_name|id_number|id_no|idcard|id_card|phone|"
                  r"mobile|telephone|address)(?![A-Za-z0-9])|姓名|身份证号码?|证件号码?|手机号码?|"
                  r"联系电话|电话|住址|地址")
# A plain ``name`` field: redacted when it holds Chinese characters.
_NAME_KEYS = r"(?<![A-Za-z0-9_])name(?![A-Za-z0-9_])"
_PERSONAL_RE = re.compile(_FIELD.format(keys=_PERSONAL_KEYS), re.IGNORECASE)
_NAME_RE = re.compile(_FIELD.format(keys=_NAME_KEYS), re.IGNORECASE)


class _Known:
    """Names met in personal fields (or handed to :func:`remember_personal`), masked wherever
    they appear afterwards, also in free text. The most recent few hundred are kept."""

    LIMIT = 512

    def __init__(self):
        self._values: dict[str, None] = {}
        self._pattern: re.Pattern | None = None
        self._lock = threading.Lock()

    def add(self, value: str) -> None:
        value = value.strip()
        if len(value) < 2 or value in (NAME_MASK, VALUE_MASK, ID_MASK, PHONE_MASK):
            return
        with self._lock:
            if value in self._values:
                return
            self._values[value] = None
            while len(self._values) > self.LIMIT:
                del self._values[next(iter(self._values))]
            longest_first = sorted(self._values, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, longest_first)))

    def sub(self, text: str) -> str:
        pattern = self._pattern
        return text if pattern is None else pattern.sub(NAME_MASK, text)


_known = _Known()


def remember_personal(*values: str) -> None:
    """Mask these values (a patient's name...) in every later log line, wherever they appear."""
    for value in values:
        if value:
            _known.add(value)


def _mask_field(match: re.Match, only_cjk: bool) -> str:
    value = match.group("value")
    if not value or (only_cjk and not _has_cjk(value)):
        return match.group(0)
    key = match.group("key").lower()
    is_name = "name" in key or key == "姓名"
    if is_name:
        _known.add(value)
    mask = NAME_MASK if is_name else VALUE_MASK
    return f"{match.group('key')}{match.group('sep')}{match.group('q') or ''}{mask}"


def redact(text: str) -> str:
    """``text`` with ID numbers, mobile numbers, personal fields and names met before masked."""
    if not text:
        return text
    text = _PERSONAL_RE.sub(lambda m: _mask_field(m, only_cjk=False), text)
    text = _NAME_RE.sub(lambda m: _mask_field(m, only_cjk=True), text)
    text = _known.sub(text)
    text = _ID_RE.sub(ID_MASK, text)
    return _PHONE_RE.sub(PHONE_MASK, text)


class Redactor(logging.Filter):
    """Rewrites each record's message (arguments merged in), traceback and stack with
    :func:`redact`. On a handler, it sees every record that handler writes, whichever
    logger it came from. Idempotent: a record redacted once passes through unchanged."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_kiosk_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 — a bad format string: keep what can be kept, redacted
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._kiosk_redacted = True
        return True


class CappedRotatingFileHandler(logging.FileHandler):
    """A rotating file whose files together stay under ``max_bytes``: ``files`` files
    (``kiosk.log``, ``kiosk.log.1`` …), each at most ``max_bytes / files`` bytes (UTF-8).

    Like ``logging.handlers.RotatingFileHandler``, whose module is left alone: it imports
    socket and pickle, several milliseconds of every cold start before the first paint."""

    def __init__(self, path: Path, max_bytes: int, files: int):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.max_file_bytes = max(1024, max_bytes // files)
        self.backups = files - 1
        super().__init__(path, encoding="utf-8", delay=True)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.stream is None:
                self.stream = self._open()
            size = len((self.format(record) + self.terminator).encode("utf-8", "replace"))
            self.stream.seek(0, 2)
            if self.stream.tell() + size > self.max_file_bytes and self.stream.tell() > 0:
                self._rotate()
        except Exception:  # noqa: BLE001 - logging must never take the app down
            self.handleError(record)
            return
        super().emit(record)

    def _rotate(self) -> None:
        import os

        self.stream.close()
        self.stream = None
        base = self.baseFilename
        for i in range(self.backups - 1, 0, -1):
            if os.path.exists(f"{base}.{i}"):
                os.replace(f"{base}.{i}", f"{base}.{i + 1}")
        os.replace(base, f"{base}.1")
        self.stream = self._open()


_installed: list[logging.Handler] = []
_lock = threading.Lock()


def install(settings=None, *, file_name: str = LOG_FILE, console: bool = True) -> Path | None:
    """Set up the root logger as described in the module docstring; returns the log file's
    path (None when the folder cannot be written: then only the console gets the log).

    ``settings``: a :class:`kiosk.settings.Settings`; None reads the settings file (its
    defaults when the file is missing or broken: the caller reports a broken file)."""
    if settings is None:
        settings = _settings_or_defaults()
    with _lock:
        root = logging.getLogger()
        for handler in _installed:
            root.removeHandler(handler)
            handler.close()
        _installed.clear()
        redactor = Redactor()
        path: Path | None = settings.log_path / file_name
        try:
            file_handler = CappedRotatingFileHandler(path, settings.log_max_mb * 1024 * 1024,
                                                     settings.log_files)
        except OSError as exc:
            file_handler, failure, path = None, exc, None
        handlers: list[logging.Handler] = []
        if file_handler is not None:
            file_handler.setLevel(settings.log_level)
            handlers.append(file_handler)
        if console and sys.stderr is not None:
            stream = logging.StreamHandler(sys.stderr)
            stream.setLevel(logging.WARNING)
            handlers.append(stream)
        for handler in handlers:
            handler.addFilter(redactor)
            handler.setFormatter(logging.Formatter(FORMAT))
            root.addHandler(handler)
            _installed.append(handler)
        root.setLevel(min(logging.getLevelName(settings.log_level), logging.WARNING))
        logging.captureWarnings(True)
        sys.excepthook = _log_uncaught
        threading.excepthook = _log_thread_uncaught
    if file_handler is None:
        logging.getLogger("kiosk.logs").error("cannot write the log folder %s: %s",
                                              settings.log_path, failure)
    return path


def uninstall() -> None:
    """Remove and close the handlers :func:`install` added (tests, and before exit)."""
    with _lock:
        root = logging.getLogger()
        for handler in _installed:
            root.removeHandler(handler)
            handler.close()
        _installed.clear()
        logging.captureWarnings(False)
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__


def log_files(settings) -> list[Path]:
    """Every log file in the settings' log folder, current and rotated, oldest first."""
    folder = settings.log_path
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and ".log" in p.name]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def _settings_or_defaults():
    from kiosk import settings as settings_mod

    try:
        return settings_mod.load()
    except ValueError:
        return settings_mod.Settings()


def _log_uncaught(kind, value, tb) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    logging.getLogger("kiosk").critical("uncaught exception", exc_info=(kind, value, tb))


def _log_thread_uncaught(args) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger("kiosk").critical("uncaught exception in thread %s", name,
                                        exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
