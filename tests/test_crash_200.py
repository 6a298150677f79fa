"""Kill -9 at random points during 200 settlements: the platform holds each exactly once.

A headless kiosk (``tests/offline/driver.py``: the real services and use cases, the
outbox, the sync engine) settles 200 visits of 20 patients against the sandbox on
loopback. The test kills it with SIGKILL at random moments, most of them in the middle
of a settlement (right after a progress line, a few milliseconds in: between the outbox
commit, the request, the platform's commit and the outbox update), some during the
recovery at start; each time it starts it again, and the new process first completes
what the dead one left queued (same idempotency keys). At the end: every visit settled
exactly once, every amount booked once, the queue empty, both SQLite files intact.
The seed is printed, so a failure can be replayed.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from tests.offline.population import populate

pytestmark = pytest.mark.slow

SETTLEMENTS = 200
PEOPLE = 20
DEADLINE_S = 110


class Driver:
    """One run of the headless kiosk, its stdout read on a thread (lines with a time)."""

    def __init__(self, argv: list[str], env: dict):
        self.process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        stdin=subprocess.DEVNULL)
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, name="driver-stdout", daemon=True)
        self._reader.start()
        self._stderr: list[str] = []
        self._err_reader = threading.Thread(target=lambda: self._stderr.extend(self.process.stderr), daemon=True,
                                            name="driver-stderr")
        self._err_reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line.strip())
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_line(self, predicate, timeout_s: float) -> str | None:
        """The first line (from now on) meeting ``predicate``; None if the process ended first."""
        deadline = time.monotonic() + timeout_s
        seen = len(self.lines)
        with self.changed:
            while True:
                for line in self.lines[seen:]:
                    if predicate(line):
                        return line
                seen = len(self.lines)
                if self.process.poll() is not None and not self._reader.is_alive():
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"driver silent for {timeout_s} s; stderr: {self.stderr[-2000:]}")
                self.changed.wait(min(left, 0.5))

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.finish()

    def finish(self, timeout_s: float = 30) -> int:
        code = self.process.wait(timeout=timeout_s)
        self._reader.join(10)
        self._err_reader.join(10)
        self.process.stdout.close()
        self.process.stderr.close()
        return code

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)


def test_kill_9_at_random_points_during_200_settlements(sandbox, tmp_path):
    seed = int(os.environ.get("CRASH_SEED", random.SystemRandom().randrange(1 << 30)))
    print(f"crash test seed: {seed} (CRASH_SEED={seed} to replay)")
    rng = random.Random(seed)
    people = populate(sandbox.store, people=PEOPLE, visits_each=SETTLEMENTS // PEOPLE, personal_fen=730)
    visit_ids = {v for p in people for v in p.visit_ids}
    people_file = tmp_path / "people.json"
    people_file.write_text(json.dumps([p.id_number for p in people]))
    data_dir = tmp_path / "kiosk"
    argv = [sys.executable, "-m", "tests.offline.driver", "settle", "--data-dir", str(data_dir), "--url", sandbox.url,
            "--terminal", sandbox.terminal_id, "--people", str(people_file)]
    env = {**os.environ, "KIOSK_TEST_SECRET": sandbox.secret.hex()}

    start = time.monotonic()
    kills = restarts = recovered = 0
    while True:
        assert time.monotonic() - start < DEADLINE_S, f"not done in {DEADLINE_S} s (seed {seed})"
        driver = Driver(argv, env)
        restarts += 1
        if rng.random() < 0.15:  # now and then, in the recovery at start (the queue being sent)
            assert driver.wait_line(lambda s: s == "recovering", 60) is not None, driver.stderr[-2000:]
            time.sleep(rng.uniform(0, 0.01))  # a random point, not a wait for a condition
            driver.kill()
            kills += 1
            continue
        ready = driver.wait_line(lambda s: s.startswith("ready"), 60)
        assert ready is not None, driver.stderr[-2000:]
        recovered += int(ready.split()[1])  # writes a killed run had left queued, completed at start
        let_through = [rng.randint(1, 6)]  # settlements to let through before the fatal one

        def due(text: str, let_through=let_through) -> bool:
            if text.startswith("settled"):
                let_through[0] -= 1
            return text == "finished" or let_through[0] <= 0

        line = driver.wait_line(due, 60)
        if line is None or line == "finished":
            code = driver.finish()
            assert code == 0, driver.stderr[-3000:]
            if line == "finished":
                break
            raise AssertionError(f"driver stopped: {driver.stderr[-3000:]}")
        time.sleep(rng.uniform(0, 0.02))  # into the next settlement: somewhere in its write path
        driver.kill()
        kills += 1

    assert kills >= 25, f"only {kills} kills: the crash points are too few (seed {seed})"
    elapsed = time.monotonic() - start
    print(f"{kills} kills, {restarts} starts, {recovered} queued writes completed at a restart, {elapsed:.1f} s")
    assert recovered >= 3, f"the kills hardly ever landed inside a write (seed {seed})"

    # The platform: each of the 200 visits settled exactly once, each booked once.
    with sandbox.store.snapshot() as conn:
        settled = dict(conn.execute(
            "SELECT sv.visit_id, COUNT(*) FROM settlement_visits sv WHERE sv.visit_id LIKE 'VX%' "
            "GROUP BY sv.visit_id").fetchall())
        settlements = conn.execute("SELECT COUNT(*), SUM(booked_fen) FROM settlements WHERE patient_id LIKE 'PX%'"
                                   ).fetchone()
        used = conn.execute("SELECT SUM(used_fen) FROM accounts WHERE account_id LIKE 'CX%'").fetchone()[0]
        open_visits = conn.execute("SELECT COUNT(*) FROM visits WHERE visit_id LIKE 'VX%' AND status = 'open'"
                                   ).fetchone()[0]
    assert set(settled) == visit_ids and set(settled.values()) == {1}, (seed, settled)
    assert tuple(settlements) == (SETTLEMENTS, SETTLEMENTS * 730), seed
    assert used == SETTLEMENTS * 730 and open_visits == 0, seed

    # The kiosk: nothing left queued, no conflict, every write done once; both files intact.
    conn = sqlite3.connect(data_dir / "journal.sqlite")
    try:
        states = dict(conn.execute("SELECT state, COUNT(*) FROM journal GROUP BY state").fetchall())
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert states == {"done": SETTLEMENTS}, (seed, states)
    conn = sqlite3.connect(data_dir / "cache.sqlite")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
