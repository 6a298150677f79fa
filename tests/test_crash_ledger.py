"""Kill -9 at every phase of a settlement — online, offline, while the queue is sent, and
the platform too: nothing a patient was told is lost, nothing is booked twice, nothing is
booked from nowhere.

Twenty patients with ten open visits each come to a headless kiosk (``tests/offline/
driver.py``: the real services, outbox, cache and sync thread) in ten rounds, one visit
each per round; the platform (the sandbox, ``tests/offline/platform_process.py``) runs in a
process of its own behind the fault proxy. Even rounds are online; in odd rounds the proxy
cuts the network and patients pay from the kiosk's cache, on credit, queued; then the
network comes back and the queue is sent.

**The patient, not the kiosk, decides what to try.** Each visit is attempted once; the
harness writes what the kiosk showed and told the patient into a ledger of its own,
fsynced line by line, before it does anything else (``tests/offline/harness.py``). The
kiosk never retries for the patient: after a kill it restarts and recovers alone (its
start-up recovery, its sync thread). A patient who was told nothing (the kiosk died) or
was sent to the cashier comes back once, at the end, and pays what is then offered.

**Kills land exactly at a phase** (``tests/offline/trace.py``): the kiosk's write path
marks identify, journal (the outbox committed), printing and sync
(``kiosk.usecases.writes.phase``, a no-op in the app); the platform process marks the
arrival of a keyed write (``call``) and its commit (``commit``, the answer not yet sent).
The harness arms one phase at a time and kills there — the kiosk, the platform, or both —
and prints the kills per phase; every phase gets at least ten.

At the end:
- every acknowledged settlement ("settled, reference R", "queued offline", "will complete")
  is at the platform exactly once, with the amount and reference the patient was told;
- no bill the patient had been told was paid was ever shown again (offline included: a bill
  paid online is not offered from the cache);
- every booking at the platform maps, by its idempotency key, to a journal entry of the
  kiosk for the same visit, confirmed: nothing from nowhere, nothing twice;
- every visit settled once, the queue empty, no conflict, the SQLite files intact.

The seed is printed; ``CRASH_SEED=<seed>`` replays the same plan of kills.
"""
from __future__ import annotations

import json
import os
import random
import secrets
import sqlite3
import sys
import time
from collections import defaultdict

import pytest

from tests.faultproxy import FaultProxy
from tests.offline.harness import Harness, KillTable, Ledger, Role, Stop
from tests.offline.population import populate

pytestmark = pytest.mark.slow

PEOPLE, VISITS = 20, 10  # 200 visits, one per patient per round
PERSONAL_FEN, FUND_FEN = 730, 300
TERMINAL = "KIOSK-CRASH-01"
BATCH = 2  # small batches: a drain takes several, so kills fall between them
MIN_KILLS = 10
DEADLINE_S = 240  # a guard below pytest's own timeout; it takes 50-110 s on this 2-core machine

PHASES = {  # the report's rows, in the order of a settlement
    "identify": "identify (the patient's reads; snapshot cached or recalled)",
    "journal": "journal write (outbox committed, nothing sent)",
    "call": "platform call (request at the platform, not handled)",
    "commit": "after the platform's commit (answer not sent)",
    "printing": "printing (settled; receipt going out, patient not told)",
    "sync": "sync (queued items leased, batch about to go)",
}
CONTEXTS = ("online", "offline", "sync", "start-up")
KIOSK_PHASES = {"identify", "journal", "printing", "sync"}
# Where each phase can be met: online attempts, offline attempts, the drain after an outage.
FITS = {"online": {"identify", "journal", "call", "commit", "printing"}, "offline": {"identify", "journal"},
        "sync": {"sync", "call", "commit"}}
# Kiosk kills planned per phase and context (a few more than MIN_KILLS: some stops cannot land
# where planned — a patient the cache does not know never reaches the journal — and move on).
QUOTA = {"online": {"identify": 6, "journal": 6, "call": 8, "commit": 8, "printing": 13},
         "offline": {"identify": 7, "journal": 7},
         "sync": {"sync": 13, "call": 5, "commit": 5}}
PLATFORM_ALSO = 0.35  # of the kiosk kills at a platform phase: the platform is killed too
PLATFORM_ONLY = {"online": ("call", "call", "commit"), "sync": ("call", "commit")}  # the kiosk lives on


def stop_for(phase: str, victims: tuple[str, ...]) -> Stop:
    return Stop(phase, "kiosk" if phase in KIOSK_PHASES else "platform", victims)


def plan_stops(rng: random.Random) -> dict[str, list[Stop]]:
    plan = {}
    for context, quota in QUOTA.items():
        stops = []
        for phase, n in quota.items():
            for _ in range(n):
                if phase in KIOSK_PHASES:
                    stops.append(stop_for(phase, ("kiosk",)))
                else:
                    both = rng.random() < PLATFORM_ALSO
                    stops.append(stop_for(phase, ("kiosk", "platform") if both else ("kiosk",)))
        stops += [stop_for(phase, ("platform",)) for phase in PLATFORM_ONLY.get(context, ())]
        rng.shuffle(stops)
        plan[context] = stops
    return plan


class Scenario:
    """The patients' side: rounds of attempts, outages, the plan of kills."""

    def __init__(self, harness: Harness, proxy: FaultProxy, db, people, rng: random.Random):
        self.h = harness
        self.proxy = proxy
        self.db = db  # the platform's file: read (only) to check what the kiosk shows
        self.people = people
        self.rng = rng
        self.plan = plan_stops(rng)
        online_attempts = PEOPLE * ((VISITS + 1) // 2)
        offline_attempts = PEOPLE * (VISITS // 2)
        self.slots = {  # which attempt of each kind gets which planned stop
            "online": dict(zip(sorted(rng.sample(range(online_attempts), len(self.plan["online"]))),
                               self.plan["online"])),
            "offline": dict(zip(sorted(rng.sample(range(offline_attempts), len(self.plan["offline"]))),
                                self.plan["offline"])),
        }
        self.seen = {"online": 0, "offline": 0}
        self.carry: list[Stop] = []  # stops that did not land where planned: at the next fit
        self.n = 0

    # -- the kiosk ----------------------------------------------------------------------
    def ensure_kiosk(self, upcoming: list[Stop] | None = None) -> None:
        """A killed kiosk restarts (and recovers alone); in a drain, armed with the next stop."""
        while not self.h.alive("kiosk"):
            context, self.h.context = self.h.context, "start-up"
            stop = upcoming.pop(0) if upcoming and self.h.armed is None else None
            self.h.start("kiosk", arm=stop)
            self.h.context = context

    def take(self, kind: str) -> Stop | None:
        for stop in self.carry:
            if stop.phase in FITS[kind]:
                self.carry.remove(stop)
                return stop
        index = self.seen.get(kind)
        if index is None:
            return None
        self.seen[kind] += 1
        return self.slots[kind].get(index)

    def attempt(self, person, visit: str, kind: str) -> None:
        self.ensure_kiosk()
        self.h.context = kind
        stop = self.take(kind)
        if stop is not None:
            self.h.arm(stop)
        self.n += 1
        n = self.n
        self.h.ledger.record({"event": "asked", "n": n, "visit": visit, "kind": kind})  # the patient came
        self.h.procs["kiosk"].send(f"attempt {n} {person.id_number} {visit}")
        while self.h.alive("kiosk"):
            event = self.h.until(lambda e: e.kind == "told" and e.data["n"] == n, waiting_on="kiosk")
            if event.kind == "told":
                break
        if self.h.armed is not None and self.h.disarm():
            self.carry.append(stop)
        self.check_screen(n, visit)

    def check_screen(self, n: int, visit: str) -> None:
        """No bill on the screen was already booked (the one the patient then paid aside).
        Only a write journaled by this kiosk books a visit, and none but this attempt's can
        have been journaled after the screen was shown: a booked bill there was stale."""
        shown = self.h.ledger.shown.get(n)
        if shown is None:
            return
        others = sorted(set(shown["offered"]) - {visit})
        if not others:
            return
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            stale = [v for (v,) in conn.execute(
                f"SELECT visit_id FROM settlement_visits WHERE visit_id IN ({','.join('?' * len(others))})",
                others)]
        finally:
            conn.close()
        assert not stale, f"attempt {n} offered {stale}, already booked (offline: {shown['offline']})"

    # -- an outage and the drain after it ------------------------------------------------
    def outage(self) -> None:
        self.ensure_kiosk()
        self.proxy.cut("reset")

    def drain(self, stops: list[Stop]) -> None:
        """The network is back: the kiosk's sync thread (or its start-up recovery, after a
        kill) sends the queue; kills at the planned stops meanwhile."""
        self.h.context = "sync"
        fit = [s for s in self.carry if s.phase in FITS["sync"]]
        self.carry = [s for s in self.carry if s.phase not in FITS["sync"]]
        # A stop that kills the kiosk is followed by a restart, armed with the next one; one
        # that kills only the platform lets the drain finish: those come last.
        stops = sorted(fit + stops, key=lambda s: "kiosk" not in s.victims)
        self.ensure_kiosk()
        if stops:
            self.h.arm(stops.pop(0))
        self.proxy.cut("pass")
        while True:
            self.ensure_kiosk(stops)
            self.h.context = "sync"
            self.h.procs["kiosk"].send("wait-synced")
            event = self.h.until(lambda e: e.kind in ("synced", "unsynced"), waiting_on="kiosk")
            if event.kind == "stop":
                continue
            assert event.kind == "synced", f"the queue was not sent in time: {event.text} left"
            if self.h.armed is not None and not self.h.disarm():
                continue  # it landed at the last moment: restart and drain again
            break
        self.carry += stops

    def run(self) -> None:
        sync_plan = self.plan["sync"]
        outages = VISITS // 2
        for round_no in range(VISITS):
            kind = "offline" if round_no % 2 else "online"
            if kind == "offline":
                self.outage()
            order = list(self.people)
            self.rng.shuffle(order)
            for person in order:
                self.attempt(person, person.visit_ids[round_no], kind)
            if kind == "offline":
                segment = round_no // 2
                self.drain(sync_plan[segment::outages])

    def come_back(self, unpaid) -> None:
        """Patients told nothing, or sent to the cashier, try once more (online; only stops
        that could not land earlier are still armed)."""
        for person, visit in unpaid:
            self.attempt(person, visit, "online")  # the planned stops are used up: only carried ones


def acknowledged(entry: dict) -> bool:
    return entry["event"] == "told" and entry["outcome"] in ("settled", "queued", "pending")


def unpaid_visits(entries: list[dict], people) -> list:
    """Visits no patient was told are paid, whose last attempt was not answered 'not offered'."""
    by_visit: dict[str, list[dict]] = defaultdict(list)
    for e in entries:
        if e["event"] == "told":
            by_visit[e["visit"]].append(e)
    unpaid = []
    for person in people:
        for visit in person.visit_ids:
            told = by_visit.get(visit, [])
            if any(acknowledged(e) for e in told) or (told and told[-1]["outcome"] == "not-offered"):
                continue
            unpaid.append((person, visit))
    return unpaid


def platform_role(db, secret, proxy) -> Role:
    def env() -> dict:
        return {**os.environ, "KIOSK_SANDBOX_SECRET": secret.hex()}

    def repoint(event) -> None:  # a restarted platform listens on a new port: the proxy follows
        proxy.upstream = ("127.0.0.1", int(event.text.rsplit(":", 1)[1]))

    return Role("platform", lambda: [sys.executable, "-m", "tests.offline.platform_process", "--db", str(db),
                                     "--terminal", TERMINAL], env, "url", repoint, restart_on_kill=True)


def kiosk_role(data_dir, secret, proxy) -> Role:
    argv = [sys.executable, "-m", "tests.offline.driver", "kiosk", "--data-dir", str(data_dir), "--url", proxy.url,
            "--terminal", TERMINAL, "--batch-size", str(BATCH), "--probe", "1", "--timeout", "5"]
    return Role("kiosk", lambda: argv, lambda: {**os.environ, "KIOSK_TEST_SECRET": secret.hex()}, "ready")


def test_kill_9_at_every_phase_nothing_told_is_lost_nothing_doubled(tmp_path, capsys):
    from kiosk.secrets import data_key
    from offline_cache.crypto import Sealer
    from offline_cache.journal import Journal
    from sandbox.store import Store

    seed = int(os.environ.get("CRASH_SEED", random.SystemRandom().randrange(1 << 30)))

    def report(text: str) -> None:  # in the test run's output even when it passes
        with capsys.disabled():
            print(text, flush=True)

    report(f"\ncrash test seed: {seed} (CRASH_SEED={seed} to replay)")
    rng = random.Random(seed)
    started = time.monotonic()
    db, data_dir = tmp_path / "platform.sqlite", tmp_path / "kiosk"
    secret = secrets.token_bytes(32)
    with Store(db, city="xiamen") as store:
        people = populate(store, people=PEOPLE, visits_each=VISITS, personal_fen=PERSONAL_FEN, fund_fen=FUND_FEN)
    ledger = Ledger(tmp_path / "ledger.jsonl")
    table = KillTable(PHASES)
    proxy = FaultProxy("127.0.0.1", 1).start()  # its upstream follows the platform process
    harness = Harness([platform_role(db, secret, proxy), kiosk_role(data_dir, secret, proxy)], table, ledger,
                      tmp_path)
    try:
        harness.start("platform")
        scenario = Scenario(harness, proxy, db, people, rng)
        scenario.run()
        for _ in range(3):  # a stop still to land may kill the kiosk again: they come back again
            scenario.come_back(unpaid_visits(ledger.entries(), people))
        assert not unpaid_visits(ledger.entries(), people), "patients came back three times and could not pay"
        scenario.ensure_kiosk()
        harness.context = "final"
        harness.procs["kiosk"].send("wait-synced")
        last = harness.until(lambda e: e.kind in ("synced", "unsynced"), waiting_on="kiosk")
        assert (last.kind, last.text) == ("synced", "0"), (last.kind, last.text, seed)
        assert harness.close("kiosk") == 0
        assert harness.close("platform") == 0
    finally:
        harness.kill_all()
        proxy.stop()
        ledger.close()
    elapsed = time.monotonic() - started

    entries = Ledger.read(ledger.path)  # what the file holds, not what is in memory
    told = [e for e in entries if e["event"] == "told"]
    outcomes = defaultdict(int)
    for e in told:
        outcomes[e["outcome"]] += 1
    asked = sum(1 for e in entries if e["event"] == "asked")
    report(table.render("kiosk", CONTEXTS, ("platform",)))
    report(f"{asked} attempts, {len(told)} answered: {dict(sorted(outcomes.items()))}; "
           f"{harness.starts['kiosk']} kiosk starts, {harness.starts['platform']} platform starts; "
           f"{elapsed:.1f} s (seed {seed})")

    # Every phase was hit by enough kills of the kiosk; the platform was killed too.
    short = {p: table.count(p, "kiosk") for p in PHASES if table.count(p, "kiosk") < MIN_KILLS}
    assert not short, f"too few kills at {short} (seed {seed}); still to land: {[str(s) for s in scenario.carry]}"
    assert sum(table.count(p, "platform") for p in PHASES) >= 5, seed

    # What the patients were told and shown.
    assert set(outcomes) <= {"settled", "queued", "pending", "refused", "not-offered"}, outcomes
    refusals = {e["code"] for e in told if e["outcome"] == "refused"}
    assert refusals <= {"offline_unknown_patient"}, (refusals, seed)  # only someone the cache never saw
    paid_told: dict[str, dict] = {}
    for e in entries:
        if e["event"] == "shown":  # a bill the patient was told is paid is never on the screen again
            again = set(e["offered"]) & set(paid_told)
            assert not again, f"attempt {e['n']} offered paid {sorted(again)} (offline: {e['offline']}, seed {seed})"
        elif acknowledged(e):
            assert e["visit"] not in paid_told, f"{e['visit']} paid twice by its patient (seed {seed})"
            paid_told[e["visit"]] = e
    first_try = {}
    for e in entries:
        if e["event"] == "asked":
            first_try.setdefault(e["visit"], e["n"])
    hidden = [e["n"] for e in told if e["outcome"] == "not-offered" and first_try[e["visit"]] == e["n"]]
    assert not hidden, f"an unpaid bill was not offered at its first attempt: {hidden} (seed {seed})"

    # The platform: every visit settled once; each booking's key is a confirmed journal entry
    # of the kiosk for that visit; each acknowledged settlement with what the patient was told.
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        bookings = conn.execute(
            "SELECT sv.visit_id, s.reference, s.booked_fen, s.account_id FROM settlements s "
            "JOIN settlement_visits sv USING (settlement_id) WHERE s.patient_id LIKE 'PX%'").fetchall()
        keys_by_reference = defaultdict(list)
        for key, status, answer in conn.execute("SELECT key, status_code, response_json FROM idempotency "
                                                "WHERE terminal_id = ?", (TERMINAL,)):
            reference = json.loads(answer).get("reference") if status == 200 else None
            if reference:
                keys_by_reference[reference].append(key)
        used = dict(conn.execute("SELECT account_id, used_fen FROM accounts WHERE account_id LIKE 'CX%'"))
    finally:
        conn.close()
    visits = {v for p in people for v in p.visit_ids}
    booked = defaultdict(list)
    for visit, reference, booked_fen, account in bookings:
        booked[visit].append((reference, booked_fen, account))
    assert set(booked) == visits, (sorted(visits - set(booked))[:10], seed)
    assert all(len(b) == 1 for b in booked.values()), ([v for v, b in booked.items() if len(b) > 1], seed)
    assert all(used[p.account_id] == VISITS * PERSONAL_FEN for p in people), (used, seed)

    journal = Journal(data_dir / "journal.sqlite", Sealer(data_key()))
    try:
        entries_by_key = {e.key: e for e in journal.entries(("pending", "done", "refused", "conflict", "resolved"))}
        assert journal.conflicts(status=None) == [], seed
        assert journal.db.query("PRAGMA integrity_check")[0][0] == "ok"
    finally:
        journal.close()
    assert {e.state for e in entries_by_key.values()} == {"done"}, seed
    assert len(entries_by_key) == len(visits), (len(entries_by_key), seed)  # every journaled write booked once
    for visit, [(reference, booked_fen, _)] in booked.items():
        [key] = keys_by_reference[reference]  # booked under one key...
        entry = entries_by_key.get(key)  # ...that the kiosk journaled for this very visit
        assert entry is not None, f"{visit} booked under a key the kiosk never journaled (seed {seed})"
        assert entry.payload["body"]["visit_ids"] == [visit] and entry.result["reference"] == reference, seed
        said = paid_told.get(visit)
        if said is not None:  # acknowledged: as the patient was told
            if "booked_fen" in said:
                assert said["booked_fen"] == booked_fen, (visit, said, booked_fen, seed)
            if said["outcome"] == "settled":
                assert said["reference"] == reference, (visit, said, reference, seed)
    recovered = len(visits) - len(paid_told)
    report(f"{len(paid_told)} settlements acknowledged to patients, all at the platform once; "
           f"{recovered} journaled writes completed at recovery without a patient being told")

    conn = sqlite3.connect(data_dir / "cache.sqlite")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert elapsed < DEADLINE_S, f"{elapsed:.0f} s (seed {seed})"

