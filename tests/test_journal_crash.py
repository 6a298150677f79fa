"""The durable journal: kill -9 the app between the journal write and the
platform's answer, start it again, and the platform holds the settlement once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.secrets import set_terminal_secret
from offline_cache.journal import DONE, Journal
from tests.faultproxy import FaultProxy

pytestmark = pytest.mark.slow

ACCOUNT = "CA000003"  # the tour's first patient (tier3)


def wait_for(predicate, timeout_s: float = 30.0, what: str = "condition") -> None:
    """Poll a condition until it holds (not a sleep standing in for one)."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def journal_rows(path: Path) -> list:
    if not path.exists():
        return []
    journal = Journal(path)
    try:
        return journal.db.query("SELECT key, state, result FROM journal")
    finally:
        journal.close()


def start_tour(platform_url: str, data_dir: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "demo", "--tour", "--platform-url", platform_url,
         "--data-dir", str(data_dir), "--out", str(out)],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def restart_app(platform_url: str, data_dir: Path, tmp_path: Path) -> subprocess.Popen:
    config = tmp_path / "restart.toml"
    config.write_text(f'platform_url = "{platform_url}"\ndata_dir = "{data_dir}"\n'
                      f'printer_pdf_dir = "{tmp_path / "receipts"}"\nfull_screen = false\n')
    return subprocess.Popen([sys.executable, "-m", "kiosk", "--config", str(config)],
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    process.wait(timeout=10)
    process.stderr.close()


@pytest.mark.parametrize("mode", ["blackhole", "hold"], ids=["after-platform-committed", "before-platform-saw-it"])
def test_killed_between_journal_and_answer_books_exactly_once(mode, sandbox, tmp_path):
    set_terminal_secret(sandbox.terminal_id, sandbox.secret)  # the app reads it from the keyring
    data_dir, journal_path = tmp_path / "data", tmp_path / "data" / "journal.sqlite"
    # Reads pass; the settlement request meets the fault.
    with FaultProxy("127.0.0.1", sandbox.port, mode=mode, trigger=b"/settle") as proxy:
        tour = start_tour(proxy.url, data_dir, tmp_path / "out")
        try:
            wait_for(lambda: [r["state"] for r in journal_rows(journal_path)] == ["pending"],
                     what="the settlement intent in the journal")
            if mode == "blackhole":
                wait_for(lambda: sandbox.store.bill_count(ACCOUNT) == 1, what="the platform to book it")
            else:  # the request on its way, held by the proxy (the journal row comes first: it may be later)
                wait_for(lambda: proxy.triggered >= 1, what="the settlement request at the proxy")
        finally:
            stop(tour)  # kill -9: no clean-up of any kind
        assert tour.returncode == -signal.SIGKILL
        assert proxy.triggered >= 1

    assert [r["state"] for r in journal_rows(journal_path)] == ["pending"]
    assert sandbox.store.bill_count(ACCOUNT) == (1 if mode == "blackhole" else 0)

    app = restart_app(sandbox.url, data_dir, tmp_path)
    try:
        wait_for(lambda: [r["state"] for r in journal_rows(journal_path)] == [DONE],
                 what="the restarted app to complete the pending settlement")
    finally:
        stop(app, signal.SIGTERM)

    assert sandbox.store.bill_count(ACCOUNT) == 1
    with sandbox.store.snapshot() as conn:
        settled = conn.execute("SELECT COUNT(*) FROM settlements WHERE account_id = ?", (ACCOUNT,)).fetchone()[0]
    assert settled == 1
