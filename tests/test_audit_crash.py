"""The audit log's anchor, written after the commit: a desk killed with SIGKILL on either side
of a record's commit leaves a log that verifies; deleting the newest records is still found;
``kiosk-admin audit verify`` says so. The writer is a real process (``tests/audit_writer.py``)
stopped at a named point of the write by the module's test hook, then killed."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from offline_cache.audit import AuditLog, verify

ROOT = Path(__file__).resolve().parents[1]
ADMIN = Path(sys.executable).with_name("kiosk-admin")


def chain_head(path: Path) -> tuple[int, str]:
    """(records, newest hash) recomputed here from the rows, as the chain is specified: SHA-256
    of the canonical JSON of [prev_hash, seq, at, operator_id, action, details]."""
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT seq, at, operator_id, action, details FROM audit ORDER BY seq").fetchall()
    conn.close()
    head = "0" * 64
    for seq, at, operator_id, action, details in rows:
        body = json.dumps([head, seq, at, operator_id, action, details], ensure_ascii=False, separators=(",", ":"))
        head = hashlib.sha256(body.encode()).hexdigest()
    return len(rows), head


def write(path: Path, count: int) -> None:
    """``count`` records by the writer process, to the end."""
    done = subprocess.run([sys.executable, "-m", "tests.audit_writer", str(path), str(count), "-", "-"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout == "done\n", done.stderr


def kill_at(path: Path, count: int, phase: str, seq: int) -> None:
    """Start appending ``count`` records, wait until the writer stops at ``phase`` of record
    ``seq`` (it says so), then SIGKILL it."""
    writer = subprocess.Popen([sys.executable, "-m", "tests.audit_writer", str(path), str(count), phase, str(seq)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        said = writer.stdout.readline()  # blocks until the writer reaches the point (or ends)
        assert said == f"at {phase} {seq}\n", said + writer.stderr.read()
    finally:
        writer.kill()
        writer.wait(timeout=30)
        writer.stdout.close()
        writer.stderr.close()


def delete_newest(path: Path, count: int) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM audit WHERE seq > (SELECT MAX(seq) FROM audit) - ?", (count,))
    conn.close()


@pytest.fixture
def path(tmp_path) -> Path:
    log = tmp_path / "audit.sqlite"
    write(log, 3)
    return log


@pytest.mark.parametrize("phase, kept", [("before_commit", 3), ("after_commit", 4)])
def test_a_kill_on_either_side_of_the_commit_is_not_tampering(path, phase, kept):
    kill_at(path, 5, phase, 4)
    anchor = (path.parent / "audit.sqlite.head").read_text(encoding="ascii").splitlines()
    assert anchor[0].split()[0] == "3"  # it names a committed record only, whichever side the kill came
    result = verify(path)
    assert result.problems == ()
    assert (result.records, result.head) == chain_head(path)
    assert result.records == kept  # record 4 committed only when the kill came after the commit
    write(path, 2)  # the desk starts again and goes on
    result = verify(path)
    assert result.problems == () and (result.records, result.head) == chain_head(path) == (kept + 2, result.head)


def test_two_kills_after_the_commit_in_a_row(path):
    """The next record completes the interrupted anchor first, so a second kill in the same
    window is again only one record behind."""
    kill_at(path, 5, "after_commit", 4)
    kill_at(path, 5, "after_commit", 5)
    result = verify(path)
    assert result.problems == () and (result.records, result.head) == chain_head(path) == (5, result.head)


@pytest.mark.parametrize("deleted", [1, 2, 3])
def test_deleting_the_newest_records_is_found(path, deleted):
    write(path, 2)
    delete_newest(path, deleted)
    first = 5 - deleted + 1
    assert verify(path).problems == (f"records {first}-5 were deleted (the anchor names record 5)",)


def test_after_a_kill_only_the_unanchored_record_could_go_unseen(path):
    """The limit of any anchor beside a database: the one record whose commit was cut off
    before its anchor, deleted later, looks like a write that never committed. One more is found."""
    kill_at(path, 5, "after_commit", 4)
    delete_newest(path, 1)
    assert verify(path).ok  # as if the kill had come before the commit
    delete_newest(path, 1)
    assert verify(path).problems == ("records 3-3 were deleted (the anchor names record 3)",)


def test_the_desk_writing_on_after_tampering_keeps_the_evidence(path):
    """A record written after the newest ones were deleted does not move the anchor back."""
    write(path, 2)
    delete_newest(path, 2)
    log = AuditLog(path)
    try:
        log.record("1001", "login", {"terminal_id": "DESK-01"})  # the next action at the desk: seq 4 again
    finally:
        log.close()
    assert verify(path).problems == ("records 5-5 were deleted (the anchor names record 5)",)


# -- kiosk-admin audit verify --------------------------------------------------------------------

def admin(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    config = tmp_path / "settings.toml"
    config.write_text(f'data_dir = "{tmp_path}"\n', encoding="utf-8")
    return subprocess.run([str(ADMIN), "audit", "verify", *args], env={**os.environ, "KIOSK_CONFIG": str(config)},
                          capture_output=True, text=True, timeout=60)


def test_kiosk_admin_audit_verify(tmp_path, path):
    assert path == tmp_path / "audit.sqlite"  # where a desk keeps it: its data folder
    kill_at(path, 5, "after_commit", 4)  # a crash window is no finding
    intact = admin(tmp_path)
    records, head = chain_head(path)
    assert (intact.returncode, intact.stdout, intact.stderr) == (0, f"OK, 4 records, head {head}\n", "")
    assert records == 4

    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE audit SET details = ? WHERE seq = 2", ('{"amount_fen":1,"reference":"TK1"}',))
    conn.close()
    delete_newest(path, 2)
    broken = admin(tmp_path)
    assert broken.returncode == 1
    assert broken.stderr.splitlines() == ["! record 2: changed after it was written",
                                          "! records 3-3 were deleted (the anchor names record 3)"]
    assert broken.stdout.startswith(f"2 problem(s) in {path} (2 records)")


def test_kiosk_admin_audit_verify_without_a_log(tmp_path):
    """A kiosk (not a desk) keeps no audit log: nothing to find; a log deleted with its anchor left is found."""
    result = admin(tmp_path)
    assert result.returncode == 0 and result.stdout.startswith(f"OK, 0 records, head {'0' * 64}")
    (tmp_path / "audit.sqlite.head").write_text(f"7 {'a' * 64}\n", encoding="ascii")
    missing = admin(tmp_path, "--file", str(tmp_path / "audit.sqlite"))
    assert missing.returncode == 1 and missing.stderr == "! the audit log is missing\n"
