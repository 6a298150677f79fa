"""The cashier's audit log: a hash chain that shows a changed, deleted or cut-off record."""
from __future__ import annotations

import sqlite3

import pytest

from offline_cache.audit import GENESIS, AuditLog, audit_path, verify


@pytest.fixture
def log(tmp_path):
    audit = AuditLog(audit_path(tmp_path))
    for n in range(1, 6):
        audit.record("1001", "refund", {"reference": f"TK2026112500000{n}", "amount_fen": 100 * n})
    yield audit
    audit.close()


def tamper(path, sql: str, *params) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql, params)
    conn.close()


def test_each_record_carries_the_hash_of_the_one_before(log):
    records = log.records()
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(records, records[1:]))
    assert log.head() == records[-1].hash
    result = log.verify()
    assert result.ok and result.records == 5 and result.head == records[-1].hash
    assert verify(log.path).ok  # kiosk-admin's entry point sees the same


def test_a_changed_record_is_found(log):
    tamper(log.path, "UPDATE audit SET details = ? WHERE seq = 3", '{"amount_fen":1,"reference":"TK1"}')
    result = verify(log.path)
    assert not result.ok
    assert "record 3: changed after it was written" in result.problems


def test_a_changed_record_with_its_hash_recomputed_breaks_the_next_link(log):
    from offline_cache.audit import record_hash

    row = sqlite3.connect(log.path).execute("SELECT * FROM audit WHERE seq = 2").fetchone()
    details = '{"amount_fen":1,"reference":"TK1"}'
    forged = record_hash(row[5], 2, row[1], row[2], row[3], details)
    tamper(log.path, "UPDATE audit SET details = ?, hash = ? WHERE seq = 2", details, forged)
    problems = verify(log.path).problems
    assert any(p.startswith("record 3: the chain is broken") for p in problems)


def test_a_deleted_record_is_found(log):
    tamper(log.path, "DELETE FROM audit WHERE seq = 2")
    problems = verify(log.path).problems
    assert "records 2-2 are missing" in problems
    assert any(p.startswith("record 3: the chain is broken") for p in problems)


def test_deleting_the_newest_records_is_found_by_the_anchor(log):
    tamper(log.path, "DELETE FROM audit WHERE seq >= 4")
    assert verify(log.path).problems == ("records 4-5 were deleted (the anchor names record 5)",)


def test_a_deleted_log_is_found_when_its_anchor_is_left(log, tmp_path):
    log.close()
    log.path.unlink()
    for suffix in ("-wal", "-shm"):
        log.path.with_name(log.path.name + suffix).unlink(missing_ok=True)
    assert verify(log.path).problems == ("the audit log is missing",)
    assert verify(tmp_path / "elsewhere" / "audit.sqlite").ok  # never used: nothing to find


def test_an_anchor_one_behind_after_a_crash_is_not_tampering(log):
    records = log.records()
    # Killed between record 5's commit and the anchor's rewrite: the pending line names record 5.
    log.anchor_path.write_text(f"4 {records[3].hash}\npending 5 {records[4].hash}\n", encoding="ascii")
    assert log.verify().ok
    log.anchor_path.write_text(f"4 {'f' * 64}\npending 5 {records[4].hash}\n", encoding="ascii")
    assert log.verify().problems[0] == "record 4 does not match the anchor"
    log.anchor_path.write_text(f"4 {records[3].hash}\n", encoding="ascii")  # no proof of a crash: an old anchor
    assert log.verify().problems == ("records 5-5 are newer than the anchor, which names record 4 "
                                     "(written outside the desk, or an older anchor file put back)",)


def test_records_hold_no_pin(tmp_path, sandbox):
    """A login with a wrong PIN is audited: the staff number and the refusal, never the PIN."""
    from kiosk.platform import PlatformClient, PlatformError
    from kiosk.usecases.operators import Desk

    audit = AuditLog(tmp_path / "audit.sqlite")
    platform = PlatformClient(sandbox.url, sandbox.desk_terminal_id, sandbox.desk_secret)  # a cashier desk
    desk = Desk(platform, audit, terminal_id=sandbox.desk_terminal_id, login_required=True, supervisor_over_fen=20000)
    try:
        with pytest.raises(PlatformError):
            desk.authenticate("1001", "999999")
        operator = desk.authenticate("1001", "246810")
        assert operator.name == "王丽" and operator.roles == {"cashier"}
    finally:
        platform.close()
    raw = b"".join(path.read_bytes() for path in tmp_path.glob("audit.sqlite*"))  # the WAL too
    assert b"999999" not in raw and b"246810" not in raw
    assert [(r.operator_id, r.action, r.details) for r in audit.records()] == [
        ("1001", "login_refused", {"code": "operator_login_failed"}),
        ("1001", "login", {"terminal_id": sandbox.desk_terminal_id})]
    audit.close()
