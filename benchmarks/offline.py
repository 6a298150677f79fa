"""Offline mode in figures (``make bench``): the outbox's write rate, the sync's drain rate,
and the GUI thread while the sync drains.

- ``enqueue_ratio``: durable enqueues a second (seal with AES-GCM, insert, commit: fsynced)
  divided by raw SQLite inserts-and-commits a second of rows of the same size, same
  pragmas (WAL, ``synchronous=FULL``), same disk, measured interleaved in this run.
  In blocks of 500 rows: the ratio per block, for the spread.
- ``drain_ops_per_s``: queued settlements (patients with 5 visits each, as a queue after
  an outage holds) sent by the sync engine to the sandbox on loopback through
  ``POST /v1/batch``, until every one is confirmed in the outbox: in rounds of 2,000
  (``--rounds``, 5 by default: 10,000 in all), a rate per round.
- ``drain_ratio``: each round's rate against its limit, measured in the same round: the
  same queue (the same patients and bodies, keys of the same length, another outbox file)
  drained by the same engine and client to the same server's no-op batch endpoint
  (``POST /v1/_sandbox/batch/noop``: the batch checked as ``/v1/batch`` checks it, then
  discarded). The order alternates from round to round, after one uncounted no-op round (the
  server process warmed).
- ``drain_batch_gain``: that rate against one request per operation (1,000 more).
- ``gui_stall_max_ms``: the longest gap between ticks of a 5 ms ``QTimer`` on the GUI thread
  (the kiosk's main window shown, offscreen, its offline banner fed by the sync thread)
  while the app's sync thread drains 5,000 more; ``gui_idle_max_ms`` the same, idle. Three
  such drains (``GUI_RUNS``), each its own 5,000: the figure is the median of their longest
  gaps, with the spread. Before each, what this process made so far is frozen out of the
  collector's scans, as the app does once usable (``kiosk.startup.collect_from_now_on``):
  without it a full collection over the benchmark's own leftovers (≈50,000 objects, ≈40 ms,
  on the sync thread) made the longest gap 32–48 ms where the others gave 8–10.

The sandbox runs in a process of its own (``--serve``, with its control API for the no-op
endpoint): on a kiosk the platform is another machine, and sharing one interpreter would
measure the GIL, not the kiosk.
Prints one JSON line. Usage: ``python -m benchmarks.offline [--rounds N] [--serve DB]``
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TERMINAL = "KIOSK-BENCH-01"
ROUND_OPS = 2_000
ROUNDS = 5
NOOP_PATH = "/v1/_sandbox/batch/noop"
SINGLE_OPS = 1_000
GUI_OPS = 5_000
GUI_RUNS = 3
TWO_SENDERS_OPS = 5_000  # for the record: a headless drain with two senders
VISITS_EACH = 5
ENQUEUE_ROWS = 4000  # per side
ENQUEUE_BLOCK = 500


# -- the platform, in a process of its own ------------------------------------------------------

def serve(db: Path) -> None:
    """Run the sandbox on loopback over an already populated file until stdin closes."""
    from sandbox.server import EmbeddedSandbox

    secret = bytes.fromhex(os.environ["KIOSK_SANDBOX_SECRET"])
    with EmbeddedSandbox(db, terminal_id=TERMINAL, secret=secret, seed=False, control=True) as sandbox:
        print(sandbox.url, flush=True)
        sys.stdin.read()


def start_platform(db: Path, secret: bytes) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.offline", "--serve", str(db)],
                               env={**os.environ, "KIOSK_SANDBOX_SECRET": secret.hex()},
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    url = process.stdout.readline().strip()
    if not url.startswith("http"):
        process.kill()
        raise RuntimeError("the sandbox did not start")
    return process, url


def populate_platform(db: Path, people: int):
    from sandbox.store import Store
    from tests.offline.population import populate

    with Store(db) as store:
        return populate(store, people=people, visits_each=VISITS_EACH, personal_fen=100, fund_fen=50)


# -- the outbox's write rate ---------------------------------------------------------------------

def enqueue_ratio(folder: Path) -> dict:
    from offline_cache.crypto import Sealer, new_key
    from offline_cache.journal import Journal

    outbox = Journal(folder / "enqueue.sqlite", Sealer(new_key()))
    raw = sqlite3.connect(folder / "raw.sqlite", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE rows (key TEXT PRIMARY KEY, kind TEXT, lane TEXT, credit_fen INTEGER, data BLOB, "
                "created_at TEXT, updated_at TEXT)")
    who = {"name": "测试患者00001", "id_number": "350203198001010019"}

    def body(n: int) -> dict:
        return {"patient_id": f"PX{n:06d}", "account_id": f"CX{n:06d}", "visit_ids": [f"VX{n:06d}000"]}

    probe = outbox.enqueue("settlement", "/v1/settlements", body(0), credit_fen=100, who=who)
    size = len(outbox.db.query("SELECT sealed FROM journal WHERE key = ?", (probe,))[0][0])
    # One of each in turn, each timed alone: the disk's moods (other processes' fsyncs, the
    # WAL's checkpoints) fall on both sides alike.
    ours, theirs = [], []
    for n in range(1, ENQUEUE_ROWS + 1):
        start = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO rows VALUES (?, 'settlement', ?, 100, ?, ?, ?)",
                    (secrets.token_hex(16), f"CX{n:06d}", os.urandom(size), "2026-01-01T00:00:00+00:00",
                     "2026-01-01T00:00:00+00:00"))
        raw.execute("COMMIT")
        middle = time.perf_counter()
        outbox.enqueue("settlement", "/v1/settlements", body(n), credit_fen=100, who=who)
        theirs.append(middle - start)
        ours.append(time.perf_counter() - middle)
    raw.close()
    outbox.close()
    ours_rate, raw_rate = len(ours) / sum(ours), len(theirs) / sum(theirs)
    blocks = [sum(theirs[i:i + ENQUEUE_BLOCK]) / sum(ours[i:i + ENQUEUE_BLOCK])  # rate ratio of a block
              for i in range(0, len(ours), ENQUEUE_BLOCK)]
    return {"enqueue_per_s": round(ours_rate), "raw_insert_commit_per_s": round(raw_rate), "row_bytes": size,
            "enqueue_ratio": round(ours_rate / raw_rate, 3), "enqueue_ratio_blocks": [round(b, 3) for b in blocks]}


# -- the drain -------------------------------------------------------------------------------------

def queue_settlements(outbox, people) -> list[str]:
    from tests.offline.population import settlement_body

    return [outbox.enqueue("settlement", "/v1/settlements", settlement_body(p, v), credit_fen=100, offline=True,
                           who={"name": p.name, "id_number": p.id_number})
            for p in people for v in p.visit_ids]


def client(url: str, secret: bytes):
    from kiosk.platform import PlatformClient

    return PlatformClient(url, TERMINAL, secret, timeout_s=30, retries=0)


class NoopClient:
    """The platform client with ``/v1/batch`` sent to the no-op batch endpoint instead: the
    same engine, transport, signing and request bodies."""

    def __init__(self, client):
        self._client = client

    def request(self, method: str, path: str, *args, **kwargs):
        return self._client.request(method, NOOP_PATH if path == "/v1/batch" else path, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._client, name)


def drain_rate(folder: Path, name: str, url: str, secret: bytes, people, *, batch: bool, senders: int = 1,
               noop: bool = False) -> dict:
    from kiosk.adapters.sync_transport import PlatformTransport
    from offline_cache.crypto import Sealer, new_key
    from offline_cache.journal import Journal
    from offline_cache.sync import SyncEngine

    outbox = Journal(folder / f"{name}.sqlite", Sealer(new_key()))
    keys = queue_settlements(outbox, people)
    platform = client(url, secret)
    transport = PlatformTransport(NoopClient(platform) if noop else platform, batch=batch)
    engine = SyncEngine(outbox, transport, senders=senders)
    try:
        start = time.perf_counter()
        report = engine.drain()
        elapsed = time.perf_counter() - start
        if len(report.done) != len(keys) or report.conflicts or outbox.pending():
            raise RuntimeError(f"{name}: {len(report.done)} of {len(keys)} done, {len(report.conflicts)} conflicts")
        if noop and any(report.done.values()):
            raise RuntimeError(f"{name}: the no-op endpoint answered with data: not the no-op")
        if not noop and not all(answer.get("reference") for answer in report.done.values()):
            raise RuntimeError(f"{name}: a drained settlement without its reference")
    finally:
        platform.close()
        outbox.close()
    return {"ops": len(keys), "seconds": round(elapsed, 3), "ops_per_s": round(len(keys) / elapsed)}


# -- the GUI thread while the sync thread drains -------------------------------------------------------

def gui_stall(folder: Path, url: str, secret: bytes, people, name: str = "gui") -> dict:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk import startup
    from kiosk.adapters.sync_transport import PlatformTransport
    from kiosk.settings import Settings
    from kiosk.ui.main_window import MainWindow
    from kiosk.ui.offline import SyncBridge
    from offline_cache.crypto import Sealer, new_key
    from offline_cache.journal import Journal
    from offline_cache.sync import SyncEngine

    outbox = Journal(folder / f"{name}.sqlite", Sealer(new_key()))
    keys = queue_settlements(outbox, people)
    qapp = QApplication.instance() or QApplication([])
    window = MainWindow(Settings(full_screen=False, language="en"))
    window.resize(1280, 800)
    window.show()
    startup.collect_from_now_on()  # as the app does once usable: what came before stays out of the scans
    platform = client(url, secret)
    engine = SyncEngine(outbox, PlatformTransport(platform))
    bridge = SyncBridge()
    bridge.status.connect(window.offline_banner.show_status)

    gaps = {"idle": 0.0, "drain": 0.0, "done": 0.0}
    phase = {"name": "idle", "ticks": 0}
    clock = QElapsedTimer()

    def tick() -> None:
        if clock.isValid():
            gap = clock.nsecsElapsed() / 1e6
            gaps[phase["name"]] = max(gaps[phase["name"]], gap)
        clock.restart()
        phase["ticks"] += 1

    def on_status(status) -> None:
        if phase["name"] == "drain" and status.queued == 0 and status.online:
            phase["name"] = "done"
            qapp.quit()

    def begin_drain() -> None:
        phase["name"] = "drain"
        phase["started"] = time.perf_counter()
        engine.listener = bridge.deliver
        engine.start()

    timer = QTimer(interval=5, timeout=tick)
    timer.start()
    bridge.status.connect(on_status)
    QTimer.singleShot(1000, begin_drain)  # one idle second first, for comparison
    QTimer.singleShot(120_000, qapp.quit)  # a safety net: never hang the benchmark
    qapp.exec()
    elapsed = time.perf_counter() - phase.get("started", time.perf_counter())
    timer.stop()
    engine.stop()
    done = len(keys) - len(outbox.pending())
    platform.close()
    outbox.close()
    window.close()
    if phase["name"] != "done" or done != len(keys):
        raise RuntimeError(f"gui drain did not finish: {done} of {len(keys)}")
    return {"gui_stall_max_ms": round(gaps["drain"], 1), "gui_idle_max_ms": round(gaps["idle"], 1),
            "gui_drain_ops_per_s": round(len(keys) / elapsed)}


def measure(rounds: int) -> dict:
    secret = secrets.token_bytes(32)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-offline-") as tmp:
        folder = Path(tmp)
        result = enqueue_ratio(folder)
        sizes = {**{f"round{i}": ROUND_OPS for i in range(rounds)},
                 **{f"gui{i}": GUI_OPS for i in range(GUI_RUNS)}, "single": SINGLE_OPS,
                 "two_senders": TWO_SENDERS_OPS}
        people = populate_platform(folder / "platform.sqlite", sum(sizes.values()) // VISITS_EACH)
        groups, start = {}, 0
        for name, ops in sizes.items():
            groups[name] = people[start:start + ops // VISITS_EACH]
            start += ops // VISITS_EACH
        process, url = start_platform(folder / "platform.sqlite", secret)
        try:
            # uncounted: the server process warmed (its first batch pays for imports and caches, which fell on
            # round 0's no-op alone); the no-op applies nothing, so round 0's patients stay as they were
            drain_rate(folder, "warm-up", url, secret, groups["round0"], batch=True, noop=True)
            drained, noop = [], []
            for i in range(rounds):  # the no-op first in even rounds, last in odd ones
                pair = [("noop", noop), ("drain", drained)]
                for kind, into in (pair if i % 2 == 0 else reversed(pair)):
                    into.append(drain_rate(folder, f"{kind}{i}", url, secret, groups[f"round{i}"], batch=True,
                                           noop=kind == "noop"))
            single = drain_rate(folder, "single", url, secret, groups["single"], batch=False)
            two = drain_rate(folder, "two", url, secret, groups["two_senders"], batch=True, senders=2)
            gui = [gui_stall(folder, url, secret, groups[f"gui{i}"], f"gui{i}") for i in range(GUI_RUNS)]
        finally:
            process.stdin.close()
            process.wait(timeout=30)
            process.stdout.close()
    rates = sorted(r["ops_per_s"] for r in drained)
    result.update({
        "gui_stall_runs_ms": [g["gui_stall_max_ms"] for g in gui],
        "gui_stall_max_ms": statistics.median(g["gui_stall_max_ms"] for g in gui),
        "gui_idle_max_ms": max(g["gui_idle_max_ms"] for g in gui),
        "gui_drain_ops_per_s": statistics.median(g["gui_drain_ops_per_s"] for g in gui),
        "drain_rounds": drained, "noop_rounds": noop,
        "drain_ops_per_s": statistics.median(rates),
        "drain_ratio": round(statistics.median(d["ops_per_s"] / n["ops_per_s"] for d, n in zip(drained, noop)), 3),
        "single_ops_per_s": single["ops_per_s"],
        "drain_batch_gain": round(statistics.median(rates) / single["ops_per_s"], 1),
        "drain_two_senders_ops_per_s": two["ops_per_s"],
    })
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="drain rounds (each: the drain and the no-op)")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    print(json.dumps(measure(args.rounds)))


if __name__ == "__main__":
    main()
