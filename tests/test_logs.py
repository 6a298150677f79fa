"""Logging: rotating files with a size cap, personal data redacted from every line, Qt's
messages and uncaught exceptions in the log, and a real tour leaves no patient in it."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk import logs
from kiosk.logs import redact
from kiosk.settings import Settings
from sandbox.demo_data import DEMO_PATIENTS

PERSONAL = [value for p in DEMO_PATIENTS for value in (p["id_number"], p["name"], p["phone"], p["address"])]


def personal_data_in(text: str) -> list[str]:
    return [value for value in PERSONAL if value in text]


@pytest.fixture
def installed(tmp_path):
    """``logs.install`` on the root logger for one test, undone afterwards."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    hook, thread_hook = sys.excepthook, threading.excepthook

    def install(**overrides) -> Path:
        settings = Settings(log_dir=str(tmp_path / "logs"), **overrides)
        return logs.install(settings, console=False)

    yield install
    logs.uninstall()
    root.setLevel(level)
    assert root.handlers == handlers
    sys.excepthook, threading.excepthook = hook, thread_hook


def all_log_text(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*.log*")))


# -- the filter ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, gone, kept", [
    ("identify 350211197211050510 failed", "350211197211050510", "identify"),
    ("id 35021120150601002X and 35021120150601002x", "35021120150601002", "id "),
    ("old card 350211720511051", "350211720511051", "old card"),
    ("phone 13900000103.", "13900000103", "phone"),
    ("call +86 139-0000-0103 now", "0000", "call"),
    ("tel 139 0000 0103", "0000 0103", "tel"),
    ("Patient(patient_id='P000003', name='黄志强', sex='M')", "黄志强", "P000003"),
    ('{"name": "林雅婷", "account_id": "CA000001"}', "林雅婷", "CA000001"),
    ("姓名：陈思远，科室：内科", "陈思远", "内科"),
    ("guardian_name=Chen Siyuan visit=V1", "Chen Siyuan", "visit=V1"),
    ("IdCard(name=吴晓梅, id_number=350205196801302720)", "吴晓梅", "IdCard"),
    ("address='厦门市思明区示范路1号'", "示范路", "address"),
])
def test_redact_masks_personal_data(text, gone, kept):
    out = redact(text)
    assert gone not in out
    assert kept in out


@pytest.mark.parametrize("text", [
    "settlement ST20261125000001 booked",          # a reference: 14 digits after letters
    "payment took 1761234567890 ms",                # a 13-digit number
    "order 20261125123456789012",                   # 20 digits: not an ID number
    "printer name=KioskPDF ready",                  # a plain name field without Chinese
    "hospital_name=厦门市示范医院",                   # not a person
    "GET /v1/accounts/CA000003 200",
])
def test_redact_leaves_what_is_not_personal(text):
    assert redact(text) == text


def test_a_name_handed_in_is_masked_in_free_text():
    assert redact("刘振东 paid") == "刘振东 paid"  # a bare name: no pattern can know it
    logs.remember_personal("刘振东")
    assert redact("刘振东 paid; 刘振东's bill") == "[name] paid; [name]'s bill"


def test_redact_is_idempotent():
    once = redact("name='黄志强' 350211197211050510 13900000103")
    assert redact(once) == once


# -- files -------------------------------------------------------------------------------------

@dataclass
class _Card:  # what a careless log call might format
    name: str
    id_number: str
    phone: str


def test_every_record_is_redacted_whoever_logs_it(installed, tmp_path):
    path = installed()
    patient = DEMO_PATIENTS[2]
    card = _Card(patient["name"], patient["id_number"], patient["phone"])
    logging.getLogger("kiosk.ui").info("card read: %s", card)
    logging.getLogger("urllib3").warning("body %r", {"id_number": patient["id_number"]})
    logging.getLogger("sandbox").error("lookup of %s for %s", patient["id_number"], patient["phone"])
    try:
        raise KeyError(patient["id_number"])
    except KeyError:  # the name in free text: known from the card's field above
        logging.getLogger("kiosk.tasks").exception("background task failed for %s", patient["name"])
    logging.getLogger("kiosk").warning("stack", stack_info=True)

    text = path.read_text(encoding="utf-8")
    assert "card read" in text and "KeyError" in text and "Traceback" in text
    assert personal_data_in(text) == []
    assert "[id]" in text and "[phone]" in text and "[name]" in text


def test_the_files_rotate_and_stay_under_the_cap(installed, tmp_path):
    path = installed(log_max_mb=1, log_files=4)
    log = logging.getLogger("kiosk.soak")
    line = "x" * 200
    for i in range(20_000):  # about 4.5 MB of log
        log.info("line %d %s", i, line)
    files = sorted(path.parent.glob("kiosk.log*"))
    assert [p.name for p in files] == ["kiosk.log", "kiosk.log.1", "kiosk.log.2", "kiosk.log.3"]
    total = sum(p.stat().st_size for p in files)
    assert total <= 1024 * 1024 + 300, total  # the cap, give or take one record
    assert "line 19999 " in path.read_text(encoding="utf-8")  # the newest lines are kept
    assert logs.log_files(Settings(log_dir=str(path.parent)))[-1] == path


def test_level_setting_is_applied_to_the_file(installed):
    path = installed(log_level="WARNING")
    logging.getLogger("kiosk").info("quiet")
    logging.getLogger("kiosk").warning("loud")
    text = path.read_text(encoding="utf-8")
    assert "loud" in text and "quiet" not in text


def test_uncaught_exceptions_in_threads_are_logged(installed):
    path = installed()

    def boom():
        raise RuntimeError("worker died for 350211197211050510")

    thread = threading.Thread(target=boom, name="kiosk-test-worker")
    thread.start()
    thread.join()
    text = path.read_text(encoding="utf-8")
    assert "uncaught exception in thread kiosk-test-worker" in text
    assert "RuntimeError: worker died for [id]" in text


def test_an_unwritable_folder_leaves_the_console(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    root = logging.getLogger()
    level = root.level
    try:
        assert logs.install(Settings(log_dir=str(blocker / "logs")), console=True) is None
    finally:
        logs.uninstall()
        root.setLevel(level)


QT_SCRIPT = """
from kiosk import logs
logs.install()
from kiosk.ui import qtlog
qtlog.install()
from PySide6.QtCore import qWarning, qDebug
qWarning("Qt says: patient 350211197211050510 phone 13900000103")
qDebug("This plugin does not support propagateSizeHints()")
"""


def test_qt_messages_go_to_the_log_redacted(tmp_path):
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", QT_SCRIPT], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "WARNING [MainThread] qt: Qt says: patient [id] phone [phone]" in text
    assert "propagateSizeHints" not in text  # offscreen noise: DEBUG, below the file's level
    assert "qt: Qt says" in done.stderr and "350211197211050510" not in done.stderr


@pytest.mark.slow
def test_a_tour_of_every_journey_leaves_no_patient_in_the_logs(tmp_path):
    """The demo tour walks every journey against the embedded sandbox, with the log at
    DEBUG (HTTP, sandbox, Qt): no ID number, name, phone or address in any file."""
    data, out = tmp_path / "data", tmp_path / "out"
    config = tmp_path / "settings.toml"
    config.write_text('log_level = "DEBUG"\n', encoding="utf-8")
    env = {**os.environ, "KIOSK_DATA_DIR": str(data), "KIOSK_CONFIG": str(config),
           "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "kiosk", "demo", "--tour", "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    files = list((data / "logs").glob("*.log*"))
    assert files, "the tour wrote no log"
    text = all_log_text(data / "logs")
    assert "kiosk 0.1" in text and "starting" in text
    assert "DEBUG" in text  # the level from the settings file was used
    assert personal_data_in(text) == []
    assert personal_data_in(done.stdout + done.stderr) == []


@pytest.mark.parametrize("changes, problem", [
    ({"log_max_mb": 0}, "log_max_mb"),
    ({"log_files": 1}, "log_files"),
    ({"log_level": "LOUD"}, "log_level"),
])
def test_log_settings_are_checked(changes, problem):
    assert any(problem in p for p in Settings(**changes).validate())
    assert Settings().validate() == []
