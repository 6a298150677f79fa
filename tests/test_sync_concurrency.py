"""Two kiosk processes on one queue file never send an item twice.

300 settlements are queued (offline) in one outbox; two headless kiosks
(``tests/offline/driver.py drain``) open the same file and drain it at the same moment, in
small batches so that their claims interleave. The platform counts how often each
idempotency key reaches it: exactly once each, and every item ends done once.
"""
from __future__ import annotations

import collections
import os
import sqlite3
import subprocess
import sys
import threading

import pytest

from offline_cache.crypto import Sealer
from offline_cache.journal import Journal
from tests.offline.population import populate, settlement_body

pytestmark = pytest.mark.slow


def test_two_processes_on_one_queue_never_send_an_item_twice(sandbox, tmp_path):
    from kiosk.secrets import data_key

    people = populate(sandbox.store, people=30, visits_each=10)
    data_dir = tmp_path / "kiosk"
    outbox = Journal(data_dir / "journal.sqlite", Sealer(data_key()))
    try:
        keys = [outbox.enqueue("settlement", "/v1/settlements", settlement_body(p, v), credit_fen=500, offline=True)
                for p in people for v in p.visit_ids]
    finally:
        outbox.close()

    seen: collections.Counter = collections.Counter()
    lock = threading.Lock()
    keyed = sandbox.store.keyed

    def counting(terminal_id, key, digest, action):
        with lock:
            seen[key] += 1
        return keyed(terminal_id, key, digest, action)

    sandbox.store.keyed = counting  # every arrival of a write, alone or in a batch, passes here
    argv = [sys.executable, "-m", "tests.offline.driver", "drain", "--data-dir", str(data_dir), "--url", sandbox.url,
            "--terminal", sandbox.terminal_id, "--batch-size", "5"]
    env = {**os.environ, "KIOSK_TEST_SECRET": sandbox.secret.hex()}
    kiosks = [subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for _ in range(2)]
    try:
        for kiosk in kiosks:  # both built and holding the file open
            assert kiosk.stdout.readline().strip() == "ready", kiosk.stderr.read()[-2000:]
        for kiosk in kiosks:  # then both drain at once
            kiosk.stdin.write("go\n")
            kiosk.stdin.flush()
        drained = []
        for kiosk in kiosks:
            out, err = kiosk.communicate(timeout=60)
            assert kiosk.returncode == 0, err[-2000:]
            drained.append(int(out.split()[1]))
    finally:
        for kiosk in kiosks:
            if kiosk.poll() is None:
                kiosk.kill()
                kiosk.communicate()
        sandbox.store.keyed = keyed

    assert sum(drained) == len(keys) and all(drained), drained  # both took part, every item once
    assert set(seen) == set(keys) and set(seen.values()) == {1}, [k for k, n in seen.items() if n > 1]
    conn = sqlite3.connect(data_dir / "journal.sqlite")
    try:
        states = dict(conn.execute("SELECT state, COUNT(*) FROM journal GROUP BY state").fetchall())
    finally:
        conn.close()
    assert states == {"done": len(keys)}
    with sandbox.store.snapshot() as conn:
        twice = conn.execute("SELECT COUNT(*) FROM (SELECT visit_id FROM settlement_visits GROUP BY visit_id "
                             "HAVING COUNT(*) > 1)").fetchone()[0]
        settled = conn.execute("SELECT COUNT(*) FROM settlement_visits WHERE visit_id LIKE 'VX%'").fetchone()[0]
    assert twice == 0 and settled == len(keys)
