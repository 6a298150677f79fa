"""Under CI=true a skip not on the allowlist fails the run; on a developer's machine it does not."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["pytester"]

SKIPPING = """
import pytest

def test_runs():
    pass

@pytest.mark.skip(reason="no cupsd here")
def test_needs_cupsd():
    pass
"""


@pytest.fixture
def allowlist(tmp_path, monkeypatch):
    path = tmp_path / "allow.txt"
    monkeypatch.setenv("KIOSK_SKIP_ALLOWLIST", str(path))
    return path


def run(pytester, monkeypatch, ci: str):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the plugin is tests.ci_skips
    pytester.makepyfile(test_area=SKIPPING)
    return pytester.runpytest_subprocess("-p", "tests.ci_skips", "-p", "no:cacheprovider")


def test_a_skip_fails_under_ci(pytester, monkeypatch, allowlist):
    allowlist.write_text("# nothing allowed\n")
    result = run(pytester, monkeypatch, "true")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*1 skipped test(s) not in allow.txt*", "*test_needs_cupsd*no cupsd here*"])


def test_an_allowlisted_skip_passes_under_ci(pytester, monkeypatch, allowlist):
    allowlist.write_text("test_area.py::test_needs_cupsd  # the print server is tested elsewhere\n")
    assert run(pytester, monkeypatch, "true").ret == pytest.ExitCode.OK


def test_an_allowlist_entry_without_reason_is_refused(pytester, monkeypatch, allowlist):
    allowlist.write_text("test_area.py::test_needs_cupsd\n")
    result = run(pytester, monkeypatch, "true")
    assert result.ret != pytest.ExitCode.OK
    assert "needs its reason" in result.stdout.str() + result.stderr.str()


def test_a_skip_passes_off_ci(pytester, monkeypatch, allowlist):
    allowlist.write_text("")
    assert run(pytester, monkeypatch, "").ret == pytest.ExitCode.OK
