"""``settle_p95_ms`` and ``discharge_p95_ms``: the use cases end to end against the sandbox on
loopback, with their documents rendered and written by the PDF-folder printer.

- settle: from the card's ID number read to the receipt queued at the printer — identify
  (lookup, account, open visits), plan, settle (journal, platform, journal), receipt —
  for an outpatient bill of 30 items. A fresh 30-item visit is put in the platform's
  store before each sample, the way the hospital's HIS pushes one.
- discharge: from the card read to the receipt and the A4 statement queued, for a stay of
  300 items: identify, load the stay, settle the discharge, both documents.

Prints one JSON line with the samples and percentiles.
Usage: ``python -m benchmarks.journeys [--samples N]``
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.scan_to_screen import percentile

ROLE = "tier4"  # a 3,000-yuan line: 30 samples of a few hundred yuan each fit
WARMUP = 3


def _add_visit(store, patient_id: str, n_items: int, serial: int) -> None:
    """A new open outpatient visit of ``n_items`` charges (what the HIS would push)."""
    now = store.now()
    items = [(f"B{serial:04d}{i:03d}", f"检查检验项目{i:03d}", 1 + i % 3, 350 + 17 * i) for i in range(n_items)]
    total = sum(q * p for _, _, q, p in items)
    fund = total * 6 // 10
    visit_id = f"VB{serial:06d}"
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO visits (visit_id, patient_id, kind, department, doctor, started_at, ended_at, status, "
            "total_fen, fund_fen, personal_fen) VALUES (?, ?, 'outpatient', '内科', '王医生', ?, ?, 'open', ?, ?, ?)",
            (visit_id, patient_id, (now - timedelta(hours=1)).isoformat(), now.isoformat(), total, fund,
             total - fund))
        conn.executemany(
            "INSERT INTO visit_items (visit_id, line_no, code, name, quantity, unit_price_fen, amount_fen, "
            "category) VALUES (?, ?, ?, ?, ?, ?, ?, 'exam')",
            [(visit_id, n, code, name, q, p, q * p) for n, (code, name, q, p) in enumerate(items, 1)])


def _copy_stay(store, patient_id: str, serial: int) -> None:
    """Admit the patient again with a copy of the demo stay's 300 charges."""
    with store.transaction() as conn:
        source = conn.execute("SELECT * FROM admissions ORDER BY admitted_at LIMIT 1").fetchone()
        admission_id = f"AB{serial:06d}"
        conn.execute(
            "INSERT INTO admissions (admission_id, patient_id, account_id, department_id, department, ward, bed, "
            "admitted_at, status, deposit_paid_fen, guarantee) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, 'admitted', 0, "
            "'credit_line')",
            (admission_id, patient_id, source["department_id"], source["department"], source["ward"],
             source["bed"], source["admitted_at"]))
        conn.execute(
            "INSERT INTO admission_items (admission_id, line_no, code, name, category, day, quantity, "
            "unit_price_fen, amount_fen) SELECT ?, line_no, code, name, category, day, quantity, unit_price_fen, "
            "amount_fen FROM admission_items WHERE admission_id = ?", (admission_id, source["admission_id"]))
        # keep the line free for the next sample: the bench measures the path, not the limit
        conn.execute("UPDATE accounts SET used_fen = 0")


def measure(samples: int) -> dict:
    from kiosk.services import build_services
    from kiosk.settings import Settings
    from sandbox.demo_data import patient_by_role
    from sandbox.server import EmbeddedSandbox
    from sandbox.store.authority import UNBUDGETED

    settle_ms, discharge_ms = [], []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp, \
            EmbeddedSandbox(Path(tmp) / "platform.sqlite", authority=UNBUDGETED) as sandbox:
        settings = Settings(platform_url=sandbox.url, terminal_id=sandbox.terminal_id,
                            data_dir=str(Path(tmp) / "kiosk"), printer_pdf_dir=str(Path(tmp) / "paper"))
        s = build_services(settings, lambda event: None, secret=sandbox.secret)
        try:
            person = patient_by_role(ROLE)
            inpatient = patient_by_role("inpatient")
            patient_id = s.identify(person["id_number"]).patient.patient_id
            for serial in range(samples + WARMUP):
                with sandbox.store.transaction() as conn:
                    conn.execute("UPDATE visits SET status = 'settled' WHERE patient_id = ?", (patient_id,))
                    conn.execute("UPDATE accounts SET used_fen = 0")
                _add_visit(sandbox.store, patient_id, 30, serial)
                start = time.perf_counter()
                session = s.identify(person["id_number"])
                outcome = s.settle(session, session.visits)
                elapsed = time.perf_counter() - start
                assert outcome.settlement and outcome.print_error is None and len(session.visits[0].items) == 30
                if serial >= WARMUP:
                    settle_ms.append(elapsed * 1000)

            inpatient_id = s.identify(inpatient["id_number"]).patient.patient_id
            for serial in range(samples + WARMUP):
                if serial:
                    _copy_stay(sandbox.store, inpatient_id, serial)
                start = time.perf_counter()
                session = s.identify(inpatient["id_number"])
                stay = s.inpatient.current_stay(session)
                outcome = s.inpatient.discharge(session, stay)
                elapsed = time.perf_counter() - start
                assert outcome.data and outcome.statement_job and len(stay.items) == 300, outcome
                if serial >= WARMUP:
                    discharge_ms.append(elapsed * 1000)
        finally:
            s.close()
    return {
        "settle_samples_ms": [round(x, 1) for x in settle_ms],
        "settle_p95_ms": round(percentile(settle_ms, 95), 1),
        "settle_median_ms": round(statistics.median(settle_ms), 1),
        "discharge_samples_ms": [round(x, 1) for x in discharge_ms],
        "discharge_p95_ms": round(percentile(discharge_ms, 95), 1),
        "discharge_median_ms": round(statistics.median(discharge_ms), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(measure(args.samples)))


if __name__ == "__main__":
    main()
