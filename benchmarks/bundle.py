"""The installable bundle's measures, registered with ``make bench`` (``benchmarks/run.py``).

==========================  ===================================================================
``bundle_mb``               the one-folder bundle on disk (``make bundle``), in MB (10^6 bytes)
``frozen_ready_ratio``      the frozen app's cold start to the home screen painted with its
                            journey buttons enabled (``kiosk --exit-when-usable``: services
                            built, the platform answered; the platform in its own process, the
                            secret in the Secret Service keyring on a private D-Bus) / a bare
                            PySide6 window (``benchmarks.bare_window``), per interleaved round
``frozen_first_paint_ratio``  the same to the home screen's first paint, before any journey
                            button (``kiosk --exit-after-first-paint``)
``rss_mb``                  peak resident memory of the app started as in a hospital (a
                            platform configured: the sandbox in its own process; the secret in
                            the keyring) up to the home screen with its services ready, every
                            journey's screens built and the printing code loaded on its worker
                            (``--exit-when-ready``: it quits on ``warmed``): the frozen app when a bundle exists (the
                            Secret Service keyring on a private D-Bus), else the unfrozen one
``rss_growth_mb``           resident memory after 1,000 simulated patient sessions (home →
                            identify → bill → home) minus before them, after 50 warm-up sessions;
                            the unfrozen app in one process (offscreen) against an
                            EmbeddedSandbox (``python -m benchmarks.bundle sessions``)
==========================  ===================================================================

The bundle is ``$KIOSK_BUNDLE_DIR`` or ``dist/kiosk-<version>``, built from the checkout
being measured (its ``BUILD.json``, written by build.spec, names the commit); without one,
``bundle_mb`` and the frozen ratios are skipped with a note (nothing is written for them)
and ``rss_mb`` measures the unfrozen app.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import (
    BARE_ARGV,
    ROOT,
    SUBPROCESS_TIMEOUT_S,
    BenchmarkError,
    Goal,
    Metric,
    Options,
    Platform,
    benchmark,
    git_state,
    interleaved,
    isolated_env,
    pair_ratios,
)

BUNDLE_MB_GOAL = Goal("<=", 120)
FROZEN_READY_GOAL = Goal("<=", 2.5)
FROZEN_FIRST_PAINT_GOAL = Goal("<=", 1.5)
RSS_GOAL = Goal("<=", 120)
RSS_GROWTH_GOAL = Goal("<=", 10)
SESSIONS = 1000
WARMUP_SESSIONS = 50


def bundle_dir() -> Path | None:
    """The bundle to measure: ``$KIOSK_BUNDLE_DIR`` or ``dist/kiosk-<version>``, if one is
    there and was built from this checkout (its ``BUILD.json``, written by build.spec: the
    same commit, neither side dirty); a bundle of other code is not measured (a note says so)."""
    from kiosk import __version__

    folder = Path(os.environ.get("KIOSK_BUNDLE_DIR") or ROOT / "dist" / f"kiosk-{__version__}")
    if not (folder / "kiosk").is_file():
        return None
    try:
        built = json.loads((folder / "BUILD.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        built = {}
    here = git_state()
    if built.get("commit") != here.get("commit") or built.get("dirty") or here.get("dirty"):
        _notes.add(f"the bundle in {folder} was built from {built.get('commit') or 'unknown source'}"
                   f"{' (dirty)' if built.get('dirty') else ''}, not from this clean checkout "
                   f"({(here.get('commit') or '?')[:10]}{', dirty' if here.get('dirty') else ''})")
        return None
    return folder


_notes: set[str] = set()


def _skip(name: str) -> dict[str, Metric]:
    why = "; ".join(sorted(_notes)) or "no bundle"
    print(f"  {name}: skipped, {why} (run `make bundle`, or set KIOSK_BUNDLE_DIR)")
    return {}


@benchmark
def bundle_size(options: Options, context: dict) -> dict[str, Metric]:
    """Bytes of every file in the one-folder bundle (symbolic links not followed)."""
    folder = bundle_dir()
    if folder is None:
        return _skip("bundle_mb")
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    context["bundle"] = {"path": str(folder), "files": len(files), "bytes": size,
                         "mib": round(size / 2**20, 1)}
    return {"bundle_mb": Metric(round(size / 1e6, 1), "MB", BUNDLE_MB_GOAL)}


class SecretService:
    """A private D-Bus session bus with gnome-keyring's Secret Service on it, unlocked, for
    the whole measure: the frozen app's keyring (the bundle leaves the file back-end out).
    ``env`` gets the bus address; ``stop()`` ends both daemons."""

    def __init__(self, tmp: Path, env: dict[str, str]):
        if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")):
            raise BenchmarkError("the frozen app's keyring needs dbus-daemon and gnome-keyring-daemon "
                                 "(`make bundle` installs them)")
        run = tmp / "run"
        run.mkdir(mode=0o700, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = str(run)
        env.pop("PYTHON_KEYRING_BACKEND", None)  # the bundle has the Secret Service back-end only
        self.bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        address = self.bus.stdout.readline().strip()
        if not address:
            self.bus.kill()
            raise BenchmarkError("dbus-daemon gave no address")
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        self.keyring = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                                        env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.keyring.stdin.write(b"bench")  # the login keyring's password, then end of input
        self.keyring.stdin.close()

    def store(self, folder: Path, secret: bytes, env: dict[str, str]) -> None:
        """The terminal secret into the keyring, by the bundle's own ``kiosk-admin``."""
        deadline = time.monotonic() + 20
        while True:  # the daemon takes a moment to claim its bus name
            proc = subprocess.run([str(folder / "kiosk-admin"), "secret", "set"], input=secret.hex() + "\n",
                                  env=env, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S)
            if proc.returncode == 0:
                return
            if time.monotonic() > deadline or self.keyring.poll() is not None:
                raise BenchmarkError(f"kiosk-admin secret set exited {proc.returncode}\n{proc.stderr[-2000:]}")
            time.sleep(0.2)  # waiting for a daemon we started: a benchmark helper, not a test

    def stop(self) -> None:
        for proc in (self.keyring, self.bus):
            if proc.poll() is None:
                proc.terminate()
            proc.wait(timeout=10)
        self.bus.stdout.close()


@benchmark
def frozen_startup(options: Options, context: dict) -> dict[str, Metric]:
    """Like ``startup`` (``benchmarks/run.py``), with the frozen executable against the same
    bare window: ``frozen_ready_ratio`` (the platform in its own process, the secret in the
    Secret Service keyring on a private D-Bus) and ``frozen_first_paint_ratio``, interleaved
    rounds after one uncounted run each."""
    folder = bundle_dir()
    if folder is None:
        return _skip("frozen_ready_ratio, frozen_first_paint_ratio")
    ready_argv = [str(folder / "kiosk"), "--exit-when-usable", "--windowed"]
    paint_argv = [str(folder / "kiosk"), "--exit-after-first-paint"]
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        env = isolated_env(Path(tmp))
        env.setdefault("LANG", "C.UTF-8")
        platform = Platform(Path(tmp), env)
        keyring = None
        try:
            platform.configure(env, store_secret=False)
            keyring = SecretService(Path(tmp), env)
            keyring.store(folder, platform.secret, env)
            ready_s, paint_s, bare_s = interleaved([ready_argv, paint_argv, BARE_ARGV], env, options.runs)
        finally:
            if keyring is not None:
                keyring.stop()
            platform.stop()
    context["frozen_startup"] = {"runs": options.runs, "ready_ms": [round(t * 1000, 1) for t in ready_s],
                                 "first_paint_ms": [round(t * 1000, 1) for t in paint_s],
                                 "bare_ms": [round(t * 1000, 1) for t in bare_s]}
    return {
        "frozen_ready_ratio": Metric.of(pair_ratios(ready_s, bare_s), "x", FROZEN_READY_GOAL, digits=3),
        "frozen_ready_ms": Metric.of([t * 1000 for t in ready_s], "ms"),
        "frozen_first_paint_ratio": Metric.of(pair_ratios(paint_s, bare_s), "x", FROZEN_FIRST_PAINT_GOAL, digits=3),
        "frozen_first_paint_ms": Metric.of([t * 1000 for t in paint_s], "ms"),
    }


# -- memory --------------------------------------------------------------------------------------

def _peak_rss_mb(argv: list[str], env: dict[str, str]) -> float:
    """Run ``argv``; its peak resident set (with any children it waited for), in MB."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            out.seek(0)
            raise BenchmarkError(f"{' '.join(argv)} exited {code}\n{out.read().decode(errors='replace')[-3000:]}")
    return usage.ru_maxrss * 1024 / 1e6  # ru_maxrss is in KiB on Linux


@benchmark
def rss(options: Options, context: dict) -> dict[str, Metric]:
    folder = bundle_dir()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-rss-") as tmp_name:
        tmp = Path(tmp_name)
        env = isolated_env(tmp)
        env.setdefault("LANG", "C.UTF-8")
        platform = Platform(tmp, env)
        keyring = None
        try:
            app = ["--exit-when-ready", "--windowed"]
            frozen = folder is not None and shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")
            platform.configure(env, store_secret=not frozen)
            if frozen:
                keyring = SecretService(tmp, env)
                keyring.store(folder, platform.secret, env)
                which = "frozen, Secret Service keyring"
                peak = _peak_rss_mb([str(folder / "kiosk"), *app], env)
            else:
                which = "unfrozen (no bundle)" if folder is None else "unfrozen (no gnome-keyring for the bundle)"
                peak = _peak_rss_mb([sys.executable, "-m", "kiosk", *app], env)
            # For comparison: the same app in training mode (the whole sandbox platform in-process).
            Path(env["KIOSK_CONFIG"]).write_text("full_screen = false\n", encoding="utf-8")
            training_argv = [str(folder / "kiosk")] if folder is not None else [sys.executable, "-m", "kiosk"]
            training_env = dict(env, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
            training = _peak_rss_mb([*training_argv, *app], training_env)
            bare = _peak_rss_mb(BARE_ARGV, env)
        finally:
            if keyring is not None:
                keyring.stop()
            platform.stop()
    context["rss"] = {"app": which, "peak_mb": round(peak, 1), "training_mode_peak_mb": round(training, 1),
                      "bare_window_peak_mb": round(bare, 1)}
    return {"rss_mb": Metric(round(peak, 1), "MB", RSS_GOAL)}


@benchmark
def rss_growth(options: Options, context: dict) -> dict[str, Metric]:
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        env = isolated_env(Path(tmp))
        proc = subprocess.run([sys.executable, "-m", "benchmarks.bundle", "sessions", "--count", str(SESSIONS),
                               "--warmup", str(WARMUP_SESSIONS)], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S * 5)
    if proc.returncode != 0:
        raise BenchmarkError(f"sessions exited {proc.returncode}\n{proc.stdout}{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    context["rss_growth"] = result
    return {"rss_growth_mb": Metric(result["growth_mb"], "MB", RSS_GROWTH_GOAL)}


# -- the sessions driver (a subprocess of rss_growth) --------------------------------------------------

def rss_now_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError("no VmRSS in /proc/self/status")


def sessions(count: int, warmup: int) -> dict:
    """Drive the app like patients: tap "pay", lay a card, wait for the bill, tap back, wait
    for home; ``warmup`` sessions first, then RSS, ``count`` sessions, RSS again."""
    import gc

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtTest import QTest

    from kiosk.app import KioskApp
    from kiosk.devices.events import IdCard
    from kiosk.ui import qtlog

    qtlog.install()  # Qt's messages into logging (the offscreen plugin's noise is DEBUG)
    from kiosk.settings import Settings
    from sandbox.demo_data import demo_card
    from sandbox.server import EmbeddedSandbox
    from sandbox.store.authority import UNBUDGETED

    tmp = Path(tempfile.mkdtemp(prefix="kiosk-bench-sessions-"))
    sandbox = EmbeddedSandbox(tmp / "platform.sqlite", authority=UNBUDGETED).start()  # sessions back to back
    app = None
    try:
        settings = Settings(platform_url=sandbox.url, terminal_id=sandbox.terminal_id,
                            data_dir=str(tmp / "kiosk-data"), printer_pdf_dir=str(tmp / "receipts"),
                            full_screen=False, language="en")
        app = KioskApp(settings, secret=sandbox.secret)
        window, qapp = app.window, app.qapp

        def wait(condition, what: str, timeout_s: float = 15.0) -> None:
            deadline = time.monotonic() + timeout_s
            while not condition():
                if time.monotonic() > deadline:
                    raise SystemExit(f"timed out waiting for {what} (screen {window.current!r})")
                qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)

        ready = []
        app.ready.connect(lambda: ready.append(True))  # the services and every journey's screens built
        app.show()
        wait(lambda: bool(ready), "the kiosk ready", 60)
        cards = [IdCard(**demo_card(role)) for role in ("tier1", "tier2", "tier3", "tier4")]
        reader = app.services.reader

        def session(i: int) -> None:
            QTest.mouseClick(window.home.buttons["pay"], Qt.MouseButton.LeftButton)
            wait(lambda: window.current == "identify", "the identify screen")
            reader.present(cards[i % len(cards)])
            wait(lambda: window.current == "bill" and window.bill.back_button.isVisible(), "the bill")
            reader.remove()
            QTest.mouseClick(window.bill.back_button, Qt.MouseButton.LeftButton)
            wait(lambda: window.current == "home", "home")

        for i in range(warmup):
            session(i)
        gc.collect()
        before = rss_now_mb()
        started = time.perf_counter()
        for i in range(count):
            session(i)
        elapsed = time.perf_counter() - started
        gc.collect()
        after = rss_now_mb()
        return {"sessions": count, "warmup": warmup, "rss_before_mb": round(before, 1),
                "rss_after_mb": round(after, 1), "growth_mb": round(after - before, 1),
                "ms_per_session": round(elapsed * 1000 / count, 1)}
    finally:
        if app is not None:
            app.shutdown()
        sandbox.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.bundle")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("sessions", help="drive simulated patient sessions and print RSS growth (JSON)")
    run.add_argument("--count", type=int, default=SESSIONS)
    run.add_argument("--warmup", type=int, default=WARMUP_SESSIONS)
    args = parser.parse_args(argv)
    print(json.dumps(sessions(args.count, args.warmup)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
