"""The figures in ``benchmarks/results.json`` belong to the code they are committed with, and
say how far to trust them.

Rule: results.json records the commit it was measured at (``context.commit``, and each
figure its own ``commit``) and that the checkout did not differ from it (``dirty`` false).
That commit must be HEAD, or HEAD's parent when the last commit changed nothing but
results.json (the usual way: measure, then commit the figures alone). Any later commit
makes this test fail until ``make bench`` is run again and its figures committed.
"""
from __future__ import annotations

import json
import subprocess

from benchmarks.common import RESULTS, ROOT, Goal, Metric
from benchmarks.run import table

RESULTS_PATH = RESULTS.relative_to(ROOT).as_posix()


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def measured_commits() -> set[str]:
    """The commits whose figures may stand at HEAD."""
    head = git("rev-parse", "HEAD")
    allowed = {head}
    if git("show", "--name-only", "--format=", "HEAD").splitlines() == [RESULTS_PATH]:
        allowed.add(git("rev-parse", "HEAD^"))
    return allowed


def test_the_figures_were_measured_on_the_committed_code():
    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    context = data.get("context", {})
    allowed = measured_commits()
    assert context.get("commit") in allowed, (
        f"benchmarks/results.json was measured at {context.get('commit')!r}, not at this code "
        f"({', '.join(sorted(a[:10] for a in allowed))}): run `make bench` on a clean checkout and commit "
        "benchmarks/results.json alone")
    assert context.get("dirty") is False, (
        f"benchmarks/results.json was measured with uncommitted changes ({context.get('dirty_paths')}): "
        "measure a clean checkout")
    stale = sorted(name for name, m in data["metrics"].items()
                   if m.get("commit") not in allowed or m.get("dirty") is not False)
    assert not stale, f"figures from other code or a dirty checkout: {stale}"


def test_every_figure_carries_its_spread():
    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    assert data["metrics"]
    for name, m in data["metrics"].items():
        assert m["runs"] >= 1 and m["min"] <= m["median"] <= m["max"], name
        if m["runs"] == 1:
            assert m["min"] == m["value"] == m["max"], name
        if "goal" in m:  # the verdict follows from the spread, not from the value alone
            op, target = m["goal"].split()
            verdict = Metric(m["value"], m["unit"], Goal(op, float(target)), m["min"], m["median"], m["max"],
                             m["runs"]).verdict()
            assert m["verdict"] == verdict, name


def test_a_goal_inside_the_spread_is_within_noise_not_met():
    goal = Goal("<=", 2.5)
    assert Metric.of([2.1, 2.3, 2.4], "x", goal).verdict() == "ok"
    assert Metric.of([2.2, 2.4, 2.7], "x", goal).verdict() == "within noise"  # the median meets it
    assert Metric.of([2.6, 2.7, 3.1], "x", goal).verdict() == "MISSED"
    assert Metric.of([4800, 5100, 6000], "ops/s", Goal(">=", 5000), digits=0).verdict() == "within noise"
    printed = table({"ready_ratio": Metric.of([2.2, 2.4, 2.7], "x", goal, digits=3)})
    row = printed.splitlines()[2].split()
    assert row[:7] == ["ready_ratio", "2.4", "x", "2.2", "2.4", "2.7", "3"] and "within noise" in printed
