"""Under CI a skipped test is a failure unless ``tests/skip-allowlist.txt`` names it with its reason.

A machine without cupsd, pcscd or poppler would otherwise skip whole areas silently and pass.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

_ALLOWLIST = Path(os.environ.get("KIOSK_SKIP_ALLOWLIST", Path(__file__).with_name("skip-allowlist.txt")))
_SKIPPED = pytest.StashKey[list]()


def _allowed_skips() -> list[str]:
    """Node-id prefixes from the allowlist: one per line, ``PREFIX  # reason`` (the reason is required)."""
    prefixes = []
    for number, line in enumerate(_ALLOWLIST.read_text(encoding="utf-8").splitlines(), 1):
        entry, _, reason = line.partition("#")
        if not entry.strip():
            continue
        if not reason.strip():
            raise pytest.UsageError(f"{_ALLOWLIST.name}:{number}: an allowed skip needs its reason after '#'")
        prefixes.append(entry.strip())
    return prefixes


def pytest_configure(config):
    config.stash[_SKIPPED] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        item.config.stash[_SKIPPED].append((report.nodeid, reason))


def pytest_sessionfinish(session, exitstatus):
    skipped = session.config.stash[_SKIPPED]
    if os.environ.get("CI", "").lower() not in ("true", "1") or not skipped:
        return
    allowed = _allowed_skips()
    refused = [(node, why) for node, why in skipped if not any(node.startswith(p) for p in allowed)]
    if refused:
        lines = "\n".join(f"  {node}: {why}" for node, why in refused)
        session.config.get_terminal_writer().line(
            f"\nCI: {len(refused)} skipped test(s) not in {_ALLOWLIST.name} (a skip here is a failure):\n{lines}",
            red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
