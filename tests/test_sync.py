"""The sync engine against the sandbox on loopback: batches, order, conflicts, backoff,
its thread, and the live path waiting behind an account's queue."""
from __future__ import annotations

import random
import threading
import time

import pytest

from kiosk.adapters.sync_transport import PlatformTransport
from kiosk.platform import PlatformClient
from kiosk.services import build_services
from kiosk.settings import Settings
from offline_cache.sync import Answer, SyncEngine, TransportDown, backoff_s
from tests.helpers import patient
from tests.offline.population import populate, settlement_body


@pytest.fixture
def services(sandbox, tmp_path):
    settings = Settings(platform_url=sandbox.url, terminal_id=sandbox.terminal_id, data_dir=str(tmp_path / "kiosk"),
                        printer_pdf_dir=str(tmp_path / "paper"))
    built = build_services(settings, lambda event: None, secret=sandbox.secret)
    yield built
    built.close()


def test_the_queue_goes_in_batches_and_each_write_is_booked_once(services, sandbox):
    people = populate(sandbox.store, people=25, visits_each=10)
    keys = [services.writes.queue("settlement", "/v1/settlements", settlement_body(p, v), credit_fen=500)
            for p in people for v in p.visit_ids]
    transport = services.offline.sync.transport
    sent = []
    send = transport.send
    transport.send = lambda ops: (sent.append(len(ops)), send(ops))[1]
    report = services.offline.sync.drain()
    assert sorted(report.done) == sorted(keys) and not report.conflicts
    assert sent == [100, 100, 50]  # three requests for 250 writes
    assert services.journal.pending() == []
    with sandbox.store.snapshot() as conn:
        rows = conn.execute("SELECT visit_id, COUNT(*) FROM settlement_visits WHERE visit_id LIKE 'VX%' "
                            "GROUP BY visit_id").fetchall()
    assert len(rows) == 250 and {n for _, n in rows} == {1}
    # Each account's settlements were applied in the order they were queued.
    with sandbox.store.snapshot() as conn:
        order = conn.execute("SELECT sv.visit_id FROM settlements s JOIN settlement_visits sv USING (settlement_id) "
                             "WHERE s.account_id = ? ORDER BY s.reference", (people[0].account_id,)).fetchall()
    assert [r[0] for r in order] == list(people[0].visit_ids)


def test_what_the_platform_now_refuses_becomes_a_conflict_never_dropped(services, sandbox, sandbox_client):
    short = populate(sandbox.store, people=1, visits_each=1, personal_fen=900, line_fen=500, first=900)[0]
    queued = {
        "suspended": services.writes.queue("settlement", "/v1/settlements",
                                           {"patient_id": "P000004", "account_id": "CA000004",
                                            "visit_ids": ["V000004"]}, credit_fen=16252),
        "settled": services.writes.queue("settlement", "/v1/settlements",
                                         {"patient_id": "P000003", "account_id": "CA000003",
                                          "visit_ids": ["V000003"]}, credit_fen=100),
        "line": services.writes.queue("settlement", "/v1/settlements", settlement_body(short, short.visit_ids[0]),
                                      credit_fen=900),
    }
    with sandbox.store.transaction() as conn:  # meanwhile, at the platform
        conn.execute("UPDATE accounts SET status = 'suspended' WHERE account_id = 'CA000004'")
    r = sandbox_client.write("/v1/settlements", {"patient_id": "P000003", "account_id": "CA000003",
                                                 "visit_ids": ["V000003"]})
    assert r.status_code == 200  # settled elsewhere (another terminal, the cashier)
    report = services.offline.sync.drain()
    assert dict(report.conflicts) == {queued["suspended"]: "account_suspended",
                                      queued["settled"]: "visit_already_settled",
                                      queued["line"]: "shortfall_unpaid"}
    assert services.journal.pending() == []
    conflicts = {c.key: c for c in services.journal.conflicts()}
    assert set(conflicts) == set(queued.values())
    status = services.offline.sync.status()
    assert status.conflicts == 3 and status.unsynced_credit_fen == 16252 + 100 + 900
    views = services.offline.conflicts()
    assert {v.visits for v in views} == {("V000004",), ("V000003",), short.visit_ids[:1]}
    assert {v.lane for v in views} == {"CA000004", "CA000003", short.account_id}


def test_the_live_path_waits_behind_the_queue_of_the_same_account(services, sandbox):
    session = services.identify(patient("tier3")["id_number"])
    first, second = session.visits
    key = services.writes.queue("settlement", "/v1/settlements",
                                {"patient_id": session.patient.patient_id, "account_id": "CA000003",
                                 "visit_ids": [first.visit_id]}, credit_fen=first.personal_fen)
    outcome = services.settle(session, (second,))  # live, but CA000003 has an older write queued
    assert outcome.settlement is not None
    assert services.journal.get(key).state == "done" and services.journal.pending() == []
    with sandbox.store.snapshot() as conn:
        order = [r[0] for r in conn.execute(
            "SELECT sv.visit_id FROM settlements s JOIN settlement_visits sv USING (settlement_id) "
            "WHERE s.account_id = 'CA000003' ORDER BY s.reference")]
    assert order == [first.visit_id, second.visit_id]


def test_no_answer_backs_off_with_jitter_and_the_engine_goes_offline(services, sandbox, tmp_path):
    closed = PlatformClient("http://127.0.0.1:9", sandbox.terminal_id, sandbox.secret, timeout_s=1, retries=0)
    engine = SyncEngine(services.journal, PlatformTransport(closed, probe_timeout_s=1), rng=random.Random(4))
    try:
        key = services.writes.queue("settlement", "/v1/settlements",
                                    {"patient_id": "P000003", "account_id": "CA000003", "visit_ids": ["V000003"]})
        before = time.time()
        report = engine.drain()
        assert report.down and not engine.online and not report.done
        entry = services.journal.get(key)
        assert entry.state == "pending" and entry.attempts == 1
        next_at = services.journal.metadata()[0]["next_at"]
        assert before + 0.5 <= next_at <= time.time() + 1.0  # backoff of the first attempt: 0.5-1 s
        assert engine.drain().done == {}  # backing off: not even tried
        assert not engine.probe()
    finally:
        closed.close()
    rng = random.Random(1)
    delays = [backoff_s(n, 1.0, 300.0, rng) for n in range(1, 12)]
    assert all(2 ** (n - 2) <= d <= 2 ** (n - 1) for n, d in enumerate(delays[:8], 1))
    assert max(delays) <= 300 and delays[-1] >= 150
    assert len({round(backoff_s(5, 1.0, 300.0, rng), 6) for _ in range(20)}) > 1  # jittered


def test_the_engine_thread_reports_its_status_and_stops(services, sandbox):
    statuses = []
    seen = threading.Condition()

    def listener(status):
        with seen:
            statuses.append(status)
            seen.notify_all()

    engine = services.offline.sync
    engine.listener = listener
    engine.poll_s = 30  # it must come because it is woken, not because it polls
    engine.start()
    try:
        with seen:
            assert seen.wait_for(lambda: statuses and statuses[-1].online, timeout=10)
        services.writes.queue("settlement", "/v1/settlements",
                              {"patient_id": "P000003", "account_id": "CA000003", "visit_ids": ["V000003"]},
                              credit_fen=100)
        with seen:
            assert seen.wait_for(lambda: statuses[-1].synced_total == 1 and statuses[-1].queued == 0, timeout=10)
        assert engine.running and engine.name == "kiosk-sync"
    finally:
        engine.stop()
    assert not engine.running


class OldPlatform:
    """A platform client of a platform without ``/v1/batch`` (none exists here to run)."""

    def __init__(self):
        self.calls = []

    def request(self, method, path, body=None, *, key=None):
        from kiosk.platform import PlatformError, PlatformUnavailable

        self.calls.append(path)
        if path == "/v1/batch":
            raise PlatformError("not_found", "Not Found", 404)
        if body.get("visit_ids") == ["refused"]:
            raise PlatformError("visit_already_settled", "", 409)
        if body.get("visit_ids") == ["down"]:
            raise PlatformUnavailable("timeout")
        return {"reference": "ST" + key}


def test_a_platform_without_batches_gets_one_request_per_write():
    client = OldPlatform()
    transport = PlatformTransport(client)
    ops = [{"key": k, "method": "POST", "path": "/v1/settlements", "body": {"visit_ids": [v]}}
           for k, v in (("a", "V1"), ("b", "refused"), ("c", "down"), ("d", "V4"))]
    answers = transport.send(ops)
    assert [(a.key, a.status) for a in answers] == [("a", 200), ("b", 409)]  # stops where it got no answer
    assert answers[1].body == {"error": {"code": "visit_already_settled", "message": ""}}
    assert not transport.batch and client.calls.count("/v1/batch") == 1
    with pytest.raises(TransportDown):
        transport.send(ops[2:])
    assert transport.send(ops[3:]) == [Answer("d", 200, {"reference": "STd"})]
