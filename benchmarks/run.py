"""``make bench``: run the registered benchmarks, print a table, update results.json.

Each benchmark is a function registered with :func:`benchmark`; it returns a
dict ``{metric_name: Metric}``. The results file keeps metrics written by
benchmarks that did not run this time (other modules add theirs), and is::

    {"metrics": {name: {"value": v, "unit": u}}, "context": {...}}

Goals are printed next to the values and a missed goal is marked, but the run
still exits 0: the figures are for reading, not a gate. A benchmark that cannot
measure (a subprocess that fails) makes the run fail, loudly.

Usage: ``python -m benchmarks.run [--runs N] [--only NAME ...] [--output PATH]``
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
DEFAULT_RUNS = 7
SUBPROCESS_TIMEOUT_S = 120


# -- registry -----------------------------------------------------------------
@dataclass(frozen=True)
class Goal:
    op: str  # "<=" or ">="
    target: float

    def met(self, value: float) -> bool:
        return value <= self.target if self.op == "<=" else value >= self.target

    def __str__(self) -> str:
        return f"{self.op} {self.target:g}"


@dataclass(frozen=True)
class Metric:
    value: float
    unit: str
    goal: Goal | None = None

    def as_json(self) -> dict:
        return {"value": self.value, "unit": self.unit}


@dataclass
class Options:
    runs: int = DEFAULT_RUNS


@dataclass(frozen=True)
class Benchmark:
    name: str
    func: Callable[[Options, dict], dict[str, Metric]]


BENCHMARKS: list[Benchmark] = []


def benchmark(func: Callable[[Options, dict], dict[str, Metric]]):
    """Register ``func(options, context) -> {name: Metric}``; it may add entries to ``context``."""
    BENCHMARKS.append(Benchmark(func.__name__, func))
    return func


class BenchmarkError(RuntimeError):
    """A benchmark could not measure (as opposed to measuring a bad figure)."""


# -- helpers --------------------------------------------------------------------
def isolated_env(tmp: Path) -> dict[str, str]:
    """Offscreen Qt, throwaway settings and data folders, the file keyring."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        KIOSK_CONFIG=str(tmp / "config" / "settings.toml"),
        KIOSK_DATA_DIR=str(tmp / "kiosk-data"),
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_DATA_HOME=str(tmp / "data"),
        XDG_CACHE_HOME=str(tmp / "cache"),
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
    )
    for name in ("PYTHONPROFILEIMPORTTIME", "PYTHONDEVMODE", "PYTHONTRACEMALLOC"):
        env.pop(name, None)  # any of these would slow the cold start
    return env


def timed_run(argv: list[str], env: dict[str, str]) -> float:
    """Wall time in seconds from spawn to exit; raises BenchmarkError on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=SUBPROCESS_TIMEOUT_S)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise BenchmarkError(
            f"{' '.join(argv)} exited {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout.decode(errors='replace')}"
            f"--- stderr ---\n{proc.stderr.decode(errors='replace')}"
        )
    return elapsed


def import_times(argv: list[str], env: dict[str, str]) -> list[tuple[int, str, int]]:
    """``[(depth, module, self µs)]`` in the order ``python -X importtime`` prints them
    (a module after the modules it imported, one level deeper)."""
    proc = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=SUBPROCESS_TIMEOUT_S)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, _cumulative, name = line[len("import time:"):].split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        rows.append((depth, name.strip(), int(own)))
    return rows


def extra_imports(argv: list[str], baseline: list[str], env: dict[str, str], top: int = 12):
    """Imports ``argv`` makes that ``baseline`` does not, costliest first, as
    ``[(extra µs, self µs, module)]``.

    "extra" is the module's own time plus that of everything it pulled in that
    the baseline does not import: what deferring that import would save. (A
    plain cumulative time would also count Qt itself, which both pay.)
    """
    known = {name for _depth, name, _own in import_times(baseline, env)}
    found, pending = [], []  # pending: (depth, extra µs) of subtrees awaiting their parent
    for depth, name, own in import_times(argv, env):
        subtree = own if name not in known else 0
        while pending and pending[-1][0] > depth:
            subtree += pending.pop()[1]
        pending.append((depth, subtree))
        if name not in known:
            found.append((subtree, own, name))
    found.sort(reverse=True)
    return found[:top]


def json_subprocess(name: str, *args: str, timeout_s: float = SUBPROCESS_TIMEOUT_S) -> dict:
    """Run ``python -m benchmarks.NAME ARGS`` isolated (offscreen, throwaway folders) and
    return the JSON object on its last stdout line; BenchmarkError if it fails."""
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        proc = subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *args], cwd=ROOT,
                              env=isolated_env(Path(tmp)), stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout_s)
    if proc.returncode != 0:
        raise BenchmarkError(f"{name} exited {proc.returncode}\n{proc.stdout}{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- benchmarks -------------------------------------------------------------------
APP_ARGV = [sys.executable, "-m", "kiosk", "--exit-after-first-paint"]
BARE_ARGV = [sys.executable, "-m", "benchmarks.bare_window"]
STARTUP_RATIO_GOAL = Goal("<=", 1.5)


@benchmark
def startup(options: Options, context: dict) -> dict[str, Metric]:
    """Cold start of the app to its home screen painted, against a bare PySide6 window.

    Each run is a new interpreter. The first run of each is a check (both must
    exit 0) and a warm-up of the file cache; it is not counted. The counted
    runs are interleaved, the order alternating, so drift hits both alike.
    """
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        env = isolated_env(Path(tmp))
        timed_run(APP_ARGV, env)
        timed_run(BARE_ARGV, env)
        app_s, bare_s = [], []
        for i in range(options.runs):
            pair = [(APP_ARGV, app_s), (BARE_ARGV, bare_s)]
            for argv, into in (pair if i % 2 == 0 else reversed(pair)):
                into.append(timed_run(argv, env))
        app_ms = statistics.median(app_s) * 1000
        bare_ms = statistics.median(bare_s) * 1000
        ratio = app_ms / bare_ms
        context["startup"] = {
            "runs": options.runs,
            "app_ms": [round(t * 1000, 1) for t in app_s],
            "bare_ms": [round(t * 1000, 1) for t in bare_s],
        }
        if not STARTUP_RATIO_GOAL.met(ratio):
            print(f"startup_ratio {ratio:.2f} misses its goal ({STARTUP_RATIO_GOAL}). Imports on the "
                  "app's start path that the bare window does not make (-X importtime, one run):")
            print(f"  {'extra':>10}  {'self':>7}  module   (extra: its own time and its app-only imports')")
            for cum, own, name in extra_imports(APP_ARGV, BARE_ARGV, env):
                print(f"  {cum / 1000:7.1f} ms  {own / 1000:4.1f} ms  {name}")
    return {
        "startup_ratio": Metric(round(ratio, 3), "x", STARTUP_RATIO_GOAL),
        "startup_app_ms": Metric(round(app_ms, 1), "ms"),
        "startup_bare_ms": Metric(round(bare_ms, 1), "ms"),
    }


SCAN_TO_SCREEN_GOAL = Goal("<=", 150)


@benchmark
def scan_to_screen(options: Options, context: dict) -> dict[str, Metric]:
    """Last byte of an ID card's frame on a pty to the bill screen painted (see
    ``benchmarks/scan_to_screen.py``): serial driver, simulated SAM reader process,
    sandbox on loopback; 25 samples after 3 warm-ups, in one subprocess."""
    result = json_subprocess("scan_to_screen", "--samples", "25")
    context["scan_to_screen"] = result
    return {
        "scan_to_screen_p95_ms": Metric(result["p95_ms"], "ms", SCAN_TO_SCREEN_GOAL),
        "scan_to_screen_median_ms": Metric(result["median_ms"], "ms"),
    }


SETTLE_GOAL = Goal("<=", 200)
DISCHARGE_GOAL = Goal("<=", 600)


@benchmark
def journeys(options: Options, context: dict) -> dict[str, Metric]:
    """Card read to documents queued, through the use cases against the sandbox on loopback
    (see ``benchmarks/journeys.py``): an outpatient bill of 30 items, a stay of 300 with its
    A4 statement; 30 samples each after 3 warm-ups, in one subprocess."""
    result = json_subprocess("journeys", "--samples", "30")
    context["journeys"] = result
    return {
        "settle_p95_ms": Metric(result["settle_p95_ms"], "ms", SETTLE_GOAL),
        "settle_median_ms": Metric(result["settle_median_ms"], "ms"),
        "discharge_p95_ms": Metric(result["discharge_p95_ms"], "ms", DISCHARGE_GOAL),
        "discharge_median_ms": Metric(result["discharge_median_ms"], "ms"),
    }


RECEIPT_RENDER_GOAL = Goal("<=", 25)
STATEMENT_RENDER_GOAL = Goal("<=", 100)


@benchmark
def printing(options: Options, context: dict) -> dict[str, Metric]:
    """Rendering the documents (see ``benchmarks/printing.py``): the 80 mm receipt of 30
    items with its QR code and the A4 statement of 300 items, each also as a ratio to a
    one-line reportlab canvas rendered in the same run; medians of 40 interleaved samples."""
    result = json_subprocess("printing", "--samples", "40")
    context["printing"] = result
    return {
        "receipt_render_ms": Metric(result["receipt_render_ms"], "ms", RECEIPT_RENDER_GOAL),
        "statement_300_render_ms": Metric(result["statement_300_render_ms"], "ms", STATEMENT_RENDER_GOAL),
        "receipt_render_ratio": Metric(result["receipt_render_ratio"], "x"),
        "statement_300_render_ratio": Metric(result["statement_300_render_ratio"], "x"),
    }


ENQUEUE_RATIO_GOAL = Goal(">=", 0.8)
DRAIN_GOAL = Goal(">=", 5000)
GUI_STALL_GOAL = Goal("<=", 25)
OFFLINE_TIMEOUT_S = 300


@benchmark
def offline(options: Options, context: dict) -> dict[str, Metric]:
    """The offline outbox and its sync (see ``benchmarks/offline.py``): durable enqueues
    against raw SQLite commits of the same rows, 10,000 queued settlements drained to the
    sandbox (its own process, loopback) through ``/v1/batch`` and 1,000 one request each,
    and the GUI thread's longest stall (5 ms timer) while the app's sync thread drains."""
    result = json_subprocess("offline", timeout_s=OFFLINE_TIMEOUT_S)
    context["offline"] = result
    return {
        "enqueue_ratio": Metric(result["enqueue_ratio"], "x", ENQUEUE_RATIO_GOAL),
        "drain_ops_per_s": Metric(result["drain_ops_per_s"], "ops/s", DRAIN_GOAL),
        "drain_batch_gain": Metric(result["drain_batch_gain"], "x"),
        "gui_stall_max_ms": Metric(result["gui_stall_max_ms"], "ms", GUI_STALL_GOAL),
    }


# The installable bundle's measures: bundle_mb, frozen_startup_ratio, rss_mb, rss_growth_mb
# (benchmarks/bundle.py registers them; the bundle's own skip with a note when none is built).
sys.modules.setdefault("benchmarks.run", sys.modules[__name__])  # one registry under -m too
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


def _table(metrics: dict[str, Metric]) -> str:
    rows = [("metric", "value", "unit", "goal", "")]
    for name, m in metrics.items():
        mark = "" if m.goal is None else ("ok" if m.goal.met(m.value) else "MISSED")
        rows.append((name, f"{m.value:g}", m.unit, str(m.goal or ""), mark))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i != 1 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="counted runs per measurement")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=[b.name for b in BENCHMARKS],
                        help="run only these benchmarks")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file to merge into")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    options = Options(runs=args.runs)
    context: dict = _versions()
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

    data = _load(args.output)
    data["metrics"].update({name: m.as_json() for name, m in measured.items()})
    data["context"] = {**data.get("context", {}), **context}
    args.output.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print()
    print(_table(measured))
    missed = [n for n, m in measured.items() if m.goal and not m.goal.met(m.value)]
    if missed:
        print(f"\ngoal missed: {', '.join(missed)} (reported, not failing the run)")
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
