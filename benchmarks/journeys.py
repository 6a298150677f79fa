"""``settle_p95_ms`` and ``discharge_p95_ms``: the settlements end to end across the three counterparts on
loopback (``sandbox.embedded.EmbeddedServices``: the credit platform, the HIS and the insurance service, each its
own server and SQLite file), through the kiosk's services as the app builds them (``kiosk.services``), with their
documents rendered and written by the PDF-folder printer.

- settle: from the card's ID number read to the receipt queued at the printer: identify (the credit platform's
  lookup and account, the HIS's patient and bills), prepare (1101; 2201, 2204 with 30 lines, 2206; the plan),
  settle (credit hold, 2207, the booking with the bill details, the HIS's mark), receipt. A fresh 30-item visit
  is put in the HIS before each sample.
- discharge: from the card read to the receipt and the A4 statement queued, for a stay of 300 items: identify,
  prepare (the stay's bill drawn up, 2401, six 2301 uploads, 2303), settle (hold, 2304, booking, mark, 2402),
  both documents. The demo stay is admitted again (a copy of its 300 charges) before each sample.

Each counterpart call is timed (``steps``: the port and method, its median and 95th percentile over the samples,
and its share of the journey; the identification's own calls are not among them), and each journey's phases
(``phases``: identify, prepare, settle with the documents), so a slow step is named, not guessed.

Prints one JSON line with the samples and percentiles.
Usage: ``python -m benchmarks.journeys [--samples N]``
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from benchmarks.scan_to_screen import percentile

ROLE = "tier4"  # a 3,000-yuan line: each sample of a few hundred yuan fits (the line is freed between samples)
INPATIENT = "inpatient"
WARMUP = 3
OUTPATIENT_CODES = ("XY101", "XY102", "XY103", "HY401", "HY402", "JC301", "ZL501", "CL601", "ZC201", "HY403")


class Timed:
    """A port whose every method call is timed into ``times[(port, method)]`` (seconds, one entry per call)."""

    def __init__(self, name: str, port, times: dict):
        self._name, self._port, self._times = name, port, times

    def __getattr__(self, attr: str):
        value = getattr(self._port, attr)
        if not callable(value) or attr.startswith("_"):
            return value

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return value(*args, **kwargs)
            finally:
                self._times[(self._name, attr)].append(time.perf_counter() - start)

        return timed


def _add_visit(his, role: str, n_items: int, serial: int) -> None:
    """A new outpatient visit of ``n_items`` charges at the HIS, its bill unpaid (what a doctor's orders leave)."""
    from sandbox.his.catalogue import DEPARTMENT_CODES, charge_item, his_patient_id, insert_items
    from sandbox.his.seed import visit_bill_id
    from sandbox.store.base import iso

    store = his.store
    now = store.now()
    started = now - timedelta(hours=1)
    visit_id = f"VB{serial:06d}"
    dept = "全科医学科"
    lines = [charge_item(OUTPATIENT_CODES[i % len(OUTPATIENT_CODES)], line_no=i, quantity=1 + i % 3,
                         dept_code=DEPARTMENT_CODES[dept], doctor_name="许文静", at=started + timedelta(seconds=i))
             for i in range(1, n_items + 1)]
    with store.transaction() as conn:
        total = insert_items(conn, "visit", visit_id, lines)
        conn.execute("UPDATE bills SET status = 'cancelled' WHERE patient_id = ? AND status = 'unpaid' "
                     "AND kind = 'outpatient'", (his_patient_id(role),))
        conn.execute("INSERT INTO visits (visit_id, patient_id, dept_code, dept_name, doctor_code, doctor_name, "
                     "started_at, ended_at, bill_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (visit_id, his_patient_id(role), DEPARTMENT_CODES[dept], dept, lines[0]["doctor_code"], "许文静",
                      iso(started), iso(now - timedelta(minutes=5)), visit_bill_id(visit_id)))
        conn.execute("INSERT INTO bills (bill_id, kind, patient_id, visit_id, total_fen, status, created_at) "
                     "VALUES (?, 'outpatient', ?, ?, ?, 'unpaid', ?)",
                     (visit_bill_id(visit_id), his_patient_id(role), visit_id, total, iso(now)))


def _readmit(his, credit, serial: int) -> None:
    """The demo stay admitted again at the HIS under a new admission, with a copy of its 300 charges; the
    credit line freed (the bench measures the path, not the limit)."""
    with his.store.transaction() as conn:
        source = conn.execute("SELECT * FROM admissions ORDER BY admitted_at LIMIT 1").fetchone()
        admission_id = f"AB{serial:06d}"
        columns = [c for c in source.keys() if c not in ("admission_id", "status", "bill_id", "discharged_at",
                                                          "terminal_id")]
        conn.execute(f"INSERT INTO admissions (admission_id, status, {', '.join(columns)}) "
                     f"SELECT ?, 'admitted', {', '.join(columns)} FROM admissions WHERE admission_id = ?",
                     (admission_id, source["admission_id"]))
        conn.execute("UPDATE admissions SET status = 'discharged' WHERE admission_id != ? AND patient_id = ?",
                     (admission_id, source["patient_id"]))
        item_columns = [r[1] for r in conn.execute("PRAGMA table_info(charge_items)")
                        if r[1] not in ("owner_kind", "owner_id")]
        conn.execute(f"INSERT INTO charge_items (owner_kind, owner_id, {', '.join(item_columns)}) "
                     f"SELECT 'admission', ?, {', '.join(item_columns)} FROM charge_items "
                     f"WHERE owner_kind = 'admission' AND owner_id = ?", (admission_id, source["admission_id"]))
    _free_lines(credit)


def _free_lines(credit) -> None:
    with credit.store.transaction() as conn:
        conn.execute("UPDATE accounts SET used_fen = 0")


def _steps(times: dict, journeys_s: float, samples: int) -> list[dict]:
    """Each counterpart call's figures: per journey (its calls of one journey summed), median and p95 over the
    samples, and its share of the journeys' time."""
    rows = []
    for (port, method), calls in sorted(times.items(), key=lambda kv: -sum(kv[1])):
        per_journey = [sum(calls[i::samples]) for i in range(samples)] if len(calls) >= samples else calls
        rows.append({"step": f"{port}.{method}", "calls": len(calls),
                     "median_ms": round(statistics.median(per_journey) * 1000, 1),
                     "p95_ms": round(percentile(per_journey, 95) * 1000, 1),
                     "share": round(sum(calls) / journeys_s, 3)})
    return rows


def measure(samples: int) -> dict:
    from kiosk.services import build_services
    from kiosk.settings import Settings
    from sandbox.demo_data import patient_by_role
    from sandbox.embedded import EmbeddedServices
    from sandbox.store.authority import UNBUDGETED

    settle_ms, discharge_ms = [], []
    settle_times, discharge_times = defaultdict(list), defaultdict(list)
    phases: dict[str, list[tuple[float, float, float]]] = {"settle": [], "discharge": []}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        # the counterparts' secrets in a keyring of the bench's own, as a hospital's IT puts them
        os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        from tests.sandbox_fixtures import counterparts

        with EmbeddedServices(Path(tmp) / "services", authority=UNBUDGETED) as services:
            settings = Settings(platform_url=services.url, terminal_id=services.terminal_id, policy=services.city,
                                data_dir=str(Path(tmp) / "kiosk"), printer_pdf_dir=str(Path(tmp) / "paper"),
                                **counterparts(services))
            s = build_services(settings, lambda event: None, secret=services.secret)
            try:
                ports = s.ports
                originals = {name: getattr(ports, name) for name in ("credit", "his", "insurance")}

                def timing(into) -> None:
                    for name, port in originals.items():
                        setattr(ports, name, Timed(name, port, into))

                person = patient_by_role(ROLE)
                for serial in range(samples + WARMUP):
                    _free_lines(services.credit)
                    _add_visit(services.his, ROLE, 30, serial)
                    timing(settle_times if serial >= WARMUP else defaultdict(list))
                    start = time.perf_counter()
                    session = s.identify(person["id_number"])
                    identified = time.perf_counter()
                    prepared = s.settle.prepare(session)
                    shown = time.perf_counter()
                    outcome = s.settle.settle_saga(session, prepared, prepared.plan)
                    elapsed = time.perf_counter() - start
                    if serial >= WARMUP:
                        phases["settle"].append((identified - start, shown - identified, start + elapsed - shown))
                    assert outcome.settlement and outcome.print_error is None, outcome
                    assert sum(len(v.items) for v in prepared.visits) == 30, prepared.visits
                    if serial >= WARMUP:
                        settle_ms.append(elapsed * 1000)

                inpatient = patient_by_role(INPATIENT)
                for serial in range(samples + WARMUP):
                    if serial:
                        _readmit(services.his, services.credit, serial)
                    timing(discharge_times if serial >= WARMUP else defaultdict(list))
                    start = time.perf_counter()
                    session = s.identify(inpatient["id_number"])
                    identified = time.perf_counter()
                    prepared = s.inpatient.prepare_discharge(session)
                    shown = time.perf_counter()
                    outcome = s.inpatient.settle_discharge(session, prepared, prepared.plan)
                    elapsed = time.perf_counter() - start
                    if serial >= WARMUP:
                        phases["discharge"].append((identified - start, shown - identified, start + elapsed - shown))
                    assert outcome.data and outcome.statement_job and len(prepared.stay.items) == 300, outcome
                    if serial >= WARMUP:
                        discharge_ms.append(elapsed * 1000)
            finally:
                for name, port in originals.items():
                    setattr(ports, name, port)
                s.close()
    def phase_medians(kind: str) -> dict:
        """Identify (card read to the patient known), prepare (to the plan on screen), settle (the patient's
        tap to the documents queued): medians in ms."""
        return {name: round(statistics.median(p[i] for p in phases[kind]) * 1000, 1)
                for i, name in enumerate(("identify_ms", "prepare_ms", "settle_ms"))}

    return {
        "settle_phases": phase_medians("settle"),
        "discharge_phases": phase_medians("discharge"),
        "settle_samples_ms": [round(x, 1) for x in settle_ms],
        "settle_p95_ms": round(percentile(settle_ms, 95), 1),
        "settle_median_ms": round(statistics.median(settle_ms), 1),
        "settle_steps": _steps(settle_times, sum(settle_ms) / 1000, samples),
        "discharge_samples_ms": [round(x, 1) for x in discharge_ms],
        "discharge_p95_ms": round(percentile(discharge_ms, 95), 1),
        "discharge_median_ms": round(statistics.median(discharge_ms), 1),
        "discharge_steps": _steps(discharge_times, sum(discharge_ms) / 1000, samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(measure(args.samples)))


if __name__ == "__main__":
    main()
