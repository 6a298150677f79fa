"""``make bench``: run the registered benchmarks, print a table, update results.json.

Each benchmark is a function registered with :func:`benchmarks.common.benchmark`; it
returns a dict ``{metric_name: Metric}``. The measures of this module are registered
first, then those of ``benchmarks.bundle``. The results file is::

    {"metrics": {name: {"value": v, "unit": u, "min": a, "median": m, "max": b, "runs": n,
                        "goal": "<= 2.5", "verdict": "ok", "commit": sha}},
     "context": {"commit": sha, "dirty": false, ...}}

``commit`` is ``git rev-parse HEAD`` when the figures were measured and ``dirty`` whether
the checkout differed from it (``git status --porcelain``, ignoring results.json itself):
a figure belongs to the commit it is committed with (``tests/test_bench_results.py``).
A whole run writes the file afresh; a run of some benchmarks only (``--only``) keeps the
others' figures, each with the commit it was measured at, and says which are older.

Every figure carries its spread over its runs (min, median, max). The table marks a goal
``ok`` when every run meets it, ``MISSED`` when none does, and ``within noise`` when the
goal lies inside the spread: that is not a pass. The run still exits 0 on a missed goal
(the figures are for reading, not a gate); a benchmark that cannot measure (a subprocess
that fails) makes the run fail, loudly.

Usage: ``python -m benchmarks.run [--runs N] [--only NAME ...] [--output PATH]``
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import (
    BARE_ARGV,
    BENCHMARKS,
    RESULTS,
    BenchmarkError,
    Goal,
    Metric,
    Options,
    Platform,
    benchmark,
    git_state,
    interleaved,
    isolated_env,
    json_subprocess,
    pair_ratios,
    print_extra_imports,
)

# -- start-up ---------------------------------------------------------------------------
FIRST_PAINT_ARGV = [sys.executable, "-m", "kiosk", "--exit-after-first-paint"]
READY_ARGV = [sys.executable, "-m", "kiosk", "--exit-when-usable", "--windowed"]
READY_RATIO_GOAL = Goal("<=", 2.5)
FIRST_PAINT_RATIO_GOAL = Goal("<=", 1.5)


@benchmark
def startup(options: Options, context: dict) -> dict[str, Metric]:
    """Cold starts against a bare PySide6 window (``benchmarks/bare_window.py``), each a new
    interpreter, interleaved in one run:

    - ``ready_ratio``: spawn to the home screen painted with its journey buttons enabled
      (``kiosk --exit-when-usable``): services built, the platform answered. The platform
      is ``kiosk-sandbox`` in a process of its own (``platform_url`` set), the terminal
      secret in the (file) keyring: the app as a hospital runs it.
    - ``first_paint_ratio``: spawn to the home screen's first paint, before any journey
      button (``kiosk --exit-after-first-paint``, services not built).

    Each ratio is taken per round (app and bare window of the same round) and the figure
    is the median round, with the rounds' spread.
    """
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        env = isolated_env(Path(tmp))
        env.setdefault("LANG", "C.UTF-8")
        platform = Platform(Path(tmp), env)
        try:
            platform.configure(env)
            ready_s, paint_s, bare_s = interleaved([READY_ARGV, FIRST_PAINT_ARGV, BARE_ARGV], env, options.runs)
            ready = pair_ratios(ready_s, bare_s)
            paint = pair_ratios(paint_s, bare_s)
            metrics = {
                "ready_ratio": Metric.of(ready, "x", READY_RATIO_GOAL, digits=3),
                "ready_ms": Metric.of([t * 1000 for t in ready_s], "ms"),
                "first_paint_ratio": Metric.of(paint, "x", FIRST_PAINT_RATIO_GOAL, digits=3),
                "first_paint_ms": Metric.of([t * 1000 for t in paint_s], "ms"),
                "bare_window_ms": Metric.of([t * 1000 for t in bare_s], "ms"),
            }
            context["startup"] = {
                "runs": options.runs,
                "ready_ms": [round(t * 1000, 1) for t in ready_s],
                "first_paint_ms": [round(t * 1000, 1) for t in paint_s],
                "bare_ms": [round(t * 1000, 1) for t in bare_s],
            }
            if metrics["ready_ratio"].verdict() != "ok":
                print(f"  ready_ratio {metrics['ready_ratio'].value:.2f}: not below {READY_RATIO_GOAL} in every run.")
                print_extra_imports(READY_ARGV, env)
        finally:
            platform.stop()
    return metrics


# -- journeys and devices -----------------------------------------------------------------
SCAN_TO_SCREEN_GOAL = Goal("<=", 150)


def _p95(samples: list[float]) -> float:
    from benchmarks.scan_to_screen import percentile

    return percentile(samples, 95)


@benchmark
def scan_to_screen(options: Options, context: dict) -> dict[str, Metric]:
    """Last byte of an ID card's frame on a pty to the bill screen painted (see
    ``benchmarks/scan_to_screen.py``): serial driver, simulated SAM reader process,
    sandbox on loopback; 25 samples after 3 warm-ups, in one subprocess. The spread of a
    percentile is that of its samples."""
    result = json_subprocess("scan_to_screen", "--samples", "25")
    context["scan_to_screen"] = result
    samples = result["samples_ms"]
    return {
        "scan_to_screen_p95_ms": Metric.of(samples, "ms", SCAN_TO_SCREEN_GOAL, digits=2, value=_p95(samples)),
        "scan_to_screen_median_ms": Metric.of(samples, "ms", digits=2),
    }


SETTLE_GOAL = Goal("<=", 200)
DISCHARGE_GOAL = Goal("<=", 600)


@benchmark
def journeys(options: Options, context: dict) -> dict[str, Metric]:
    """Card read to documents queued, through the kiosk's services across the three counterparts on loopback
    (see ``benchmarks/journeys.py``): an outpatient bill of 30 items, a stay of 300 with its A4 statement;
    30 samples each after 3 warm-ups, in one subprocess; the phases and each counterpart call's time printed."""
    result = json_subprocess("journeys", "--samples", "30")
    context["journeys"] = result
    settle, discharge = result["settle_samples_ms"], result["discharge_samples_ms"]
    for kind in ("settle", "discharge"):  # where the time goes, across the three counterparts
        print(f"  {kind}: " + ", ".join(f"{k[:-3]} {v} ms" for k, v in result[f"{kind}_phases"].items())
              + " (medians); counterpart calls per journey (median, p95, share):")
        for row in result[f"{kind}_steps"][:8]:
            print(f"    {row['step']:<34} {row['median_ms']:>7} ms {row['p95_ms']:>7} ms  {row['share']:.0%}")
    return {
        "settle_p95_ms": Metric.of(settle, "ms", SETTLE_GOAL, value=_p95(settle)),
        "settle_median_ms": Metric.of(settle, "ms"),
        "discharge_p95_ms": Metric.of(discharge, "ms", DISCHARGE_GOAL, value=_p95(discharge)),
        "discharge_median_ms": Metric.of(discharge, "ms"),
    }


RECEIPT_RENDER_GOAL = Goal("<=", 25)
STATEMENT_RENDER_GOAL = Goal("<=", 100)


@benchmark
def printing(options: Options, context: dict) -> dict[str, Metric]:
    """Rendering the documents (see ``benchmarks/printing.py``): the 80 mm receipt of 30
    items with its QR code and the A4 statement of 300 items, each also as a ratio to a
    one-line reportlab canvas rendered in the same run; medians of 40 interleaved samples."""
    result = json_subprocess("printing", "--samples", "40")
    samples = result.pop("samples_ms")
    context["printing"] = result
    receipt, statement, baseline = samples["receipt"], samples["statement"], samples["baseline"]
    return {
        "receipt_render_ms": Metric.of(receipt, "ms", RECEIPT_RENDER_GOAL, digits=2),
        "statement_300_render_ms": Metric.of(statement, "ms", STATEMENT_RENDER_GOAL, digits=2),
        "receipt_render_ratio": Metric.of(pair_ratios(receipt, baseline), "x", digits=2),
        "statement_300_render_ratio": Metric.of(pair_ratios(statement, baseline), "x", digits=2),
    }


# -- offline ----------------------------------------------------------------------------------
ENQUEUE_RATIO_GOAL = Goal(">=", 0.8)
DRAIN_GOAL = Goal(">=", 5000)
DRAIN_RATIO_GOAL = Goal(">=", 0.5)
GUI_STALL_GOAL = Goal("<=", 25)
OFFLINE_TIMEOUT_S = 600


@benchmark
def offline(options: Options, context: dict) -> dict[str, Metric]:
    """The offline outbox and its sync (see ``benchmarks/offline.py``): durable enqueues
    against raw SQLite commits of the same rows; queued settlements drained to the sandbox
    (its own process, loopback) through ``/v1/batch`` in rounds, each round's batches also
    sent to the same server's no-op batch endpoint (``drain_ratio``: the drain against
    its limit); one request per operation; and the GUI thread's longest stall (5 ms
    timer) while the app's sync thread drains (the median of three drains' longest)."""
    result = json_subprocess("offline", "--rounds", str(max(3, min(options.runs, 7))), timeout_s=OFFLINE_TIMEOUT_S)
    context["offline"] = result
    drain = [r["ops_per_s"] for r in result["drain_rounds"]]
    noop = [r["ops_per_s"] for r in result["noop_rounds"]]
    return {
        "enqueue_ratio": Metric.of(result["enqueue_ratio_blocks"], "x", ENQUEUE_RATIO_GOAL, digits=3),
        "drain_ops_per_s": Metric.of(drain, "ops/s", DRAIN_GOAL, digits=0),
        "drain_ratio": Metric.of(pair_ratios(drain, noop), "x", DRAIN_RATIO_GOAL, digits=3),
        "noop_items_per_s": Metric.of(noop, "items/s", digits=0),
        "drain_batch_gain": Metric.of([d / result["single_ops_per_s"] for d in drain], "x"),
        "gui_stall_max_ms": Metric.of(result["gui_stall_runs_ms"], "ms", GUI_STALL_GOAL),
    }


# The installable bundle's measures: bundle_mb, frozen_ready_ratio, frozen_first_paint_ratio,
# rss_mb, rss_growth_mb (registered by benchmarks/bundle.py, after the ones above; the bundle's
# own skip with a note when none is built).
import benchmarks.bundle  # noqa: E402,F401


# -- runner -------------------------------------------------------------------------
def _versions() -> dict:
    context = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    try:
        load = os.getloadavg()
        context["load_before"] = [round(x, 2) for x in load]
    except OSError:
        pass
    try:
        import PySide6
        from PySide6 import QtCore

        context["pyside6"] = PySide6.__version__
        context["qt"] = QtCore.qVersion()
    except ImportError:  # a benchmark that needs Qt will say so itself
        pass
    return context


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"metrics": {}}
    except json.JSONDecodeError as exc:
        raise SystemExit(f"{path} is not valid JSON ({exc}); fix or delete it") from exc
    if not isinstance(data.get("metrics"), dict):
        data["metrics"] = {}
    return data


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:g}"


def table(metrics: dict[str, Metric]) -> str:
    rows = [("metric", "value", "unit", "min", "median", "max", "runs", "goal", "")]
    for name, m in metrics.items():
        low, median, high = m.spread()
        rows.append((name, _number(m.value), m.unit, _number(low), _number(median), _number(high), str(m.runs),
                     str(m.goal or ""), m.verdict()))
    right = {1, 3, 4, 5, 6}
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=Options().runs, help="counted runs per measurement")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=[b.name for b in BENCHMARKS],
                        help="run only these benchmarks")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file to merge into")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    options = Options(runs=args.runs)
    git = git_state()
    if git.get("dirty"):
        print(f"note: the checkout differs from {git['commit'][:10]} ({', '.join(git['dirty_paths'][:5])}...): "
              "the figures are recorded as dirty", flush=True)
    context: dict = {**_versions(), **git}
    measured: dict[str, Metric] = {}
    for bench in BENCHMARKS:
        if args.only and bench.name not in args.only:
            continue
        print(f"running {bench.name} ...", flush=True)
        try:
            measured.update(bench.func(options, context))
        except (BenchmarkError, subprocess.TimeoutExpired) as exc:
            print(f"\nBENCHMARK {bench.name} FAILED:\n{exc}", file=sys.stderr)
            return 1
    try:
        context["load_after"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass

    data = _load(args.output)
    if not args.only:  # a whole run: nothing of earlier runs is kept (no figure of other code)
        data = {"metrics": {}, "context": {}}
    stamp = {"commit": git["commit"], "dirty": git["dirty"]} if git else {}
    data["metrics"].update({name: {**m.as_json(), **stamp} for name, m in measured.items()})
    data["context"] = {**data.get("context", {}), **context}
    args.output.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print()
    print(table(measured))
    missed = [n for n, m in measured.items() if m.verdict() == "MISSED"]
    noisy = [n for n, m in measured.items() if m.verdict() == "within noise"]
    if missed:
        print(f"\ngoal missed: {', '.join(missed)} (reported, not failing the run)")
    if noisy:
        print(f"within noise (the goal lies inside the spread: not a pass): {', '.join(noisy)}")
    older = sorted(n for n, m in data["metrics"].items() if git and m.get("commit") != git["commit"])
    if older:
        print(f"\nkept from an older commit (run them again before committing): {', '.join(older)}")
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
