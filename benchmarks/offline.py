"""Offline mode in figures (``make bench``): the outbox's write rate, the sync's drain rate,
and the GUI thread while the sync drains.

- ``enqueue_ratio``: durable enqueues a second (seal with AES-GCM, insert, commit: fsynced)
  divided by raw SQLite inserts-and-commits a second of rows of the same size, same
  pragmas (WAL, ``synchronous=FULL``), same disk, measured interleaved in this run.
- ``drain_ops_per_s``: 10,000 queued settlements (2,000 patients with 5 visits each, as a
  queue after an outage holds) sent by the sync engine to the sandbox on loopback through
  ``POST /v1/batch``, until every one is confirmed in the outbox.
- ``drain_batch_gain``: that rate against one request per operation (1,000 more).
- ``gui_stall_max_ms``: the longest gap between ticks of a 5 ms ``QTimer`` on the GUI thread
  (the kiosk's main window shown, offscreen, its offline banner fed by the sync thread)
  while the app's sync thread drains 5,000 more; ``gui_idle_max_ms`` the same, idle.

The sandbox runs in a process of its own (``--serve``): on a kiosk the platform is another
machine, and sharing one interpreter would measure the GIL, not the kiosk.
Prints one JSON line. Usage: ``python -m benchmarks.offline [--serve DB]``
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TERMINAL = "KIOSK-BENCH-01"
DRAIN_OPS = 10_000
SINGLE_OPS = 1_000
GUI_OPS = 5_000
TWO_SENDERS_OPS = 5_000  # for the record: a headless drain with two senders
VISITS_EACH = 5
ENQUEUE_ROWS = 4000  # per side


# -- the platform, in a process of its own ------------------------------------------------------

def serve(db: Path) -> None:
    """Run the sandbox on loopback over an already populated file until stdin closes."""
    from sandbox.server import EmbeddedSandbox

    secret = bytes.fromhex(os.environ["KIOSK_SANDBOX_SECRET"])
    with EmbeddedSandbox(db, terminal_id=TERMINAL, secret=secret, seed=False) as sandbox:
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
    return {"enqueue_per_s": round(ours_rate), "raw_insert_commit_per_s": round(raw_rate), "row_bytes": size,
            "enqueue_ratio": round(ours_rate / raw_rate, 3)}


# -- the drain -------------------------------------------------------------------------------------

def queue_settlements(outbox, people) -> list[str]:
    from tests.offline.population import settlement_body

    return [outbox.enqueue("settlement", "/v1/settlements", settlement_body(p, v), credit_fen=100, offline=True,
                           who={"name": p.name, "id_number": p.id_number})
            for p in people for v in p.visit_ids]


def client(url: str, secret: bytes):
    from kiosk.platform import PlatformClient

    return PlatformClient(url, TERMINAL, secret, timeout_s=30, retries=0)


def drain_rate(folder: Path, name: str, url: str, secret: bytes, people, *, batch: bool, senders: int = 1) -> dict:
    from kiosk.usecases.offline import PlatformTransport
    from offline_cache.crypto import Sealer, new_key
    from offline_cache.journal import Journal
    from offline_cache.sync import SyncEngine

    outbox = Journal(folder / f"{name}.sqlite", Sealer(new_key()))
    keys = queue_settlements(outbox, people)
    platform = client(url, secret)
    engine = SyncEngine(outbox, PlatformTransport(platform, batch=batch), senders=senders)
    try:
        start = time.perf_counter()
        report = engine.drain()
        elapsed = time.perf_counter() - start
        if len(report.done) != len(keys) or report.conflicts or outbox.pending():
            raise RuntimeError(f"{name}: {len(report.done)} of {len(keys)} done, {len(report.conflicts)} conflicts")
    finally:
        platform.close()
        outbox.close()
    return {"ops": len(keys), "seconds": round(elapsed, 3), "ops_per_s": round(len(keys) / elapsed)}


# -- the GUI thread while the sync thread drains -------------------------------------------------------

def gui_stall(folder: Path, url: str, secret: bytes, people) -> dict:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.settings import Settings
    from kiosk.ui.main_window import MainWindow
    from kiosk.ui.offline import SyncBridge
    from kiosk.usecases.offline import PlatformTransport
    from offline_cache.crypto import Sealer, new_key
    from offline_cache.journal import Journal
    from offline_cache.sync import SyncEngine

    outbox = Journal(folder / "gui.sqlite", Sealer(new_key()))
    keys = queue_settlements(outbox, people)
    qapp = QApplication.instance() or QApplication([])
    window = MainWindow(Settings(full_screen=False, language="en"))
    window.resize(1280, 800)
    window.show()
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


def measure() -> dict:
    secret = secrets.token_bytes(32)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-offline-") as tmp:
        folder = Path(tmp)
        result = enqueue_ratio(folder)
        sizes = {"batch": DRAIN_OPS, "single": SINGLE_OPS, "gui": GUI_OPS, "two_senders": TWO_SENDERS_OPS}
        people = populate_platform(folder / "platform.sqlite", sum(sizes.values()) // VISITS_EACH)
        groups, start = {}, 0
        for name, ops in sizes.items():
            groups[name] = people[start:start + ops // VISITS_EACH]
            start += ops // VISITS_EACH
        process, url = start_platform(folder / "platform.sqlite", secret)
        try:
            batch = drain_rate(folder, "batch", url, secret, groups["batch"], batch=True)
            single = drain_rate(folder, "single", url, secret, groups["single"], batch=False)
            two = drain_rate(folder, "two", url, secret, groups["two_senders"], batch=True, senders=2)
            result.update(gui_stall(folder, url, secret, groups["gui"]))
        finally:
            process.stdin.close()
            process.wait(timeout=30)
            process.stdout.close()
    result.update({
        "drain_ops_per_s": batch["ops_per_s"], "drain_seconds": batch["seconds"], "drain_ops": batch["ops"],
        "single_ops_per_s": single["ops_per_s"],
        "drain_batch_gain": round(batch["ops_per_s"] / single["ops_per_s"], 1),
        "drain_two_senders_ops_per_s": two["ops_per_s"],
    })
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    print(json.dumps(measure()))


if __name__ == "__main__":
    main()
