"""What every benchmark module shares: the registry, metrics with their spread, and the
helpers that run the app and the platform in processes of their own.

``benchmarks.run`` (the runner and most measures) and ``benchmarks.bundle`` (the
installable bundle's measures) both import this module and never each other's
measures, so neither import order nor ``python -m`` can give two registries.

A :class:`Metric` holds its value and its spread over the runs that made it: ``min``,
``median``, ``max`` and ``runs``. The value is the median unless a measure says
otherwise (a 95th percentile over its samples, with the samples' spread). A goal that
lies inside ``[min, max]`` is *within noise*: neither met nor missed.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
DEFAULT_RUNS = 7
SUBPROCESS_TIMEOUT_S = 120
BARE_ARGV = [sys.executable, "-m", "benchmarks.bare_window"]


# -- metrics ------------------------------------------------------------------------
@dataclass(frozen=True)
class Goal:
    op: str  # "<=" or ">="
    target: float

    def met(self, value: float) -> bool:
        return value <= self.target if self.op == "<=" else value >= self.target

    def __str__(self) -> str:
        return f"{self.op} {self.target:g}"


OK, WITHIN_NOISE, MISSED = "ok", "within noise", "MISSED"


@dataclass(frozen=True)
class Metric:
    """A figure and its spread. Build it with :meth:`of` from the runs that made it; a
    figure measured once has ``runs == 1`` and no spread."""

    value: float
    unit: str
    goal: Goal | None = None
    min: float | None = None
    median: float | None = None
    max: float | None = None
    runs: int = 1

    @classmethod
    def of(cls, samples: Sequence[float], unit: str, goal: Goal | None = None, *, digits: int = 1,
           value: float | None = None) -> Metric:
        """The median of ``samples`` (or ``value``: e.g. a percentile of them) with their
        min, median and max, rounded to ``digits`` decimals."""
        if not samples:
            raise ValueError("a metric needs at least one run")

        def r(x: float) -> float:
            return round(x, digits) if digits > 0 else round(x)

        median = statistics.median(samples)
        return cls(r(median if value is None else value), unit, goal, r(min(samples)), r(median), r(max(samples)),
                   len(samples))

    def spread(self) -> tuple[float, float, float]:
        if self.min is None:
            return self.value, self.value, self.value
        return self.min, self.median, self.max

    def verdict(self) -> str:
        """"" without a goal; ``ok`` if every run meets it, ``MISSED`` if none does, else
        ``within noise``."""
        if self.goal is None:
            return ""
        low, _median, high = self.spread()
        met = self.goal.met(low), self.goal.met(high), self.goal.met(self.value)
        if all(met):
            return OK
        if not any(met):
            return MISSED
        return WITHIN_NOISE

    def as_json(self) -> dict:
        low, median, high = self.spread()
        data = {"value": self.value, "unit": self.unit, "min": low, "median": median, "max": high,
                "runs": self.runs}
        if self.goal is not None:
            data["goal"] = str(self.goal)
            data["verdict"] = self.verdict()
        return data


def pair_ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """``a_i / b_i`` for runs measured in interleaved pairs: drift hits both sides of a pair."""
    if len(numerators) != len(denominators):
        raise ValueError("pairs of runs expected")
    return [a / b for a, b in zip(numerators, denominators)]


# -- registry -----------------------------------------------------------------------
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


# -- processes ------------------------------------------------------------------------
def isolated_env(tmp: Path) -> dict[str, str]:
    """Offscreen Qt, throwaway settings and data folders, the file keyring.

    Python's bytecode goes to a cache folder in ``tmp``: an installed app runs compiled
    modules (the bundle holds them, pip compiles them), so the first run of each measure,
    which is never counted, compiles them and the counted runs load them — also where the
    environment says not to write bytecode (``PYTHONDONTWRITEBYTECODE``), which would make
    every start compile the app from source."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        KIOSK_CONFIG=str(tmp / "config" / "settings.toml"),
        KIOSK_DATA_DIR=str(tmp / "kiosk-data"),
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_DATA_HOME=str(tmp / "data"),
        XDG_CACHE_HOME=str(tmp / "cache"),
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        PYTHONPYCACHEPREFIX=str(tmp / "pycache"),
    )
    for name in ("PYTHONPROFILEIMPORTTIME", "PYTHONDEVMODE", "PYTHONTRACEMALLOC", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)  # any of these would slow the cold start
    return env


FRAME = "kiosk-bench-frame"  # kiosk.__main__ and bare_window print it at the awaited frame


def timed_run(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from spawn to the frame the process reports (a ``kiosk-bench-frame`` line:
    its CLOCK_MONOTONIC time at that frame, the clock of ``time.monotonic`` here too),
    else to its exit; raises BenchmarkError on a non-zero exit."""
    start = time.monotonic()
    proc = subprocess.run(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=SUBPROCESS_TIMEOUT_S)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        raise BenchmarkError(
            f"{' '.join(argv)} exited {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout.decode(errors='replace')}"
            f"--- stderr ---\n{proc.stderr.decode(errors='replace')}"
        )
    frames = [line.split() for line in proc.stdout.decode(errors="replace").splitlines() if line.startswith(FRAME)]
    if frames:
        elapsed = float(frames[-1][1]) - start
    return elapsed


def interleaved(argvs: Sequence[list[str]], env: dict[str, str], runs: int) -> list[list[float]]:
    """Wall times of each command, ``runs`` counted runs each after one uncounted run (a check
    that it exits 0, and the file cache and bytecode warmed); the counted runs go round the
    commands in turn, the order reversed every other round, so drift hits all alike."""
    for argv in argvs:
        timed_run(argv, env)
    times: list[list[float]] = [[] for _ in argvs]
    for i in range(runs):
        order = list(range(len(argvs)))
        for k in (order if i % 2 == 0 else reversed(order)):
            times[k].append(timed_run(argvs[k], env))
    return times


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


def print_extra_imports(argv: list[str], env: dict[str, str]) -> None:
    print("  Imports on the app's start path that the bare window does not make (-X importtime, one run):")
    print(f"  {'extra':>10}  {'self':>7}  module   (extra: its own time and its app-only imports')")
    for cum, own, name in extra_imports(argv, BARE_ARGV, env):
        print(f"  {cum / 1000:7.1f} ms  {own / 1000:4.1f} ms  {name}")


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


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def git_state() -> dict:
    """The commit measured (HEAD) and whether the checkout differs from it, results.json
    aside; ``{}`` outside a git checkout."""
    try:
        commit = _git("rev-parse", "HEAD").strip()
        status = _git("status", "--porcelain", "--untracked-files=all")
    except (OSError, subprocess.CalledProcessError):
        return {}
    mine = RESULTS.relative_to(ROOT).as_posix()
    changed = [line[3:] for line in status.splitlines() if line[3:].strip('"') != mine]
    return {"commit": commit, "dirty": bool(changed), "dirty_paths": changed[:20]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Platform:
    """``kiosk-sandbox`` in its own process on a free port, with a fresh secret (as a
    hospital's platform is another machine); ``stop()`` ends it."""

    def __init__(self, tmp: Path, env: dict[str, str]):
        self.secret = secrets.token_bytes(32)
        self.url = f"http://127.0.0.1:{free_port()}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sandbox.server", "--port", self.url.rsplit(":", 1)[1],
             "--db", str(tmp / "platform.sqlite")],
            cwd=ROOT, env={**env, "KIOSK_SANDBOX_SECRET": self.secret.hex()},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import requests

        deadline = time.monotonic() + 30
        while True:
            try:
                with requests.get(self.url + "/v1/health", timeout=1) as r:
                    if r.ok:
                        break
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise BenchmarkError("kiosk-sandbox did not start")
            time.sleep(0.05)  # polling a subprocess's port: a benchmark helper, not a test

    def configure(self, env: dict[str, str], *, store_secret: bool = True) -> None:
        """Point the app's settings file (``KIOSK_CONFIG``) at this platform, windowed, and put
        the terminal secret in the keyring ``env`` names (the unfrozen app's)."""
        config = Path(env["KIOSK_CONFIG"])
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f'platform_url = "{self.url}"\nfull_screen = false\n', encoding="utf-8")
        if store_secret:
            subprocess.run([sys.executable, "-c", "import sys; from kiosk.secrets import set_terminal_secret; "
                            "set_terminal_secret('KIOSK-DEMO-01', bytes.fromhex(sys.argv[1]))", self.secret.hex()],
                           cwd=ROOT, env=env, check=True)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=10)
