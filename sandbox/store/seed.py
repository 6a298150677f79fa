"""Seeding the demo data (``sandbox.demo_data``), relative to the store clock."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from kiosk.domain.clock import business_date, midnight
from kiosk.policies import load_profile
from sandbox import demo_data
from sandbox import reference_data as ref
from sandbox.store.base import iso
from sandbox.store.booking import create_bill, create_settlement

#: The consent version the seeded accounts agreed to (older than the current text).
SEEDED_CONSENT = "2025-01"


class SeedMixin:

    def seed_demo(self, city: str | None = None) -> bool:
        """Insert the demo patients, accounts, visits, bills and the inpatient stay if the
        database holds no patients. Times are relative to the store clock; the nightly
        batch is then run over the history (the arrears account collects its reminders).
        Returns True if data was inserted."""
        if city is not None and city != self.city:
            self.city = city
            self.set_state("city", city)
        profile = self.profile
        now = self.now()
        with self.transaction() as conn:
            if conn.execute("SELECT COUNT(*) FROM patients").fetchone()[0]:
                return False
            ids = {p["role"]: p["patient_id"] for p in demo_data.DEMO_PATIENTS}
            for p in demo_data.DEMO_PATIENTS:
                guardian_role = demo_data.GUARDIANS.get(p["role"])
                conn.execute(
                    "INSERT INTO patients (patient_id, id_number, name, sex, birth_date, phone, "
                    "score, guardian_patient_id, insurance_credit_grade) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (p["patient_id"], p["id_number"], p["name"], p["sex"], p["birth_date"],
                     p["phone"], demo_data.demo_score(p, self.city),
                     ids[guardian_role] if guardian_role else None, p["insurance_credit_grade"]))
            opened = now - timedelta(days=400)
            for a in demo_data.DEMO_ACCOUNTS:
                holder = demo_data.patient_by_role(a["holder_role"])
                score = demo_data.demo_score(holder, self.city)
                tier = profile.tier_for(score)
                conn.execute(
                    "INSERT INTO accounts (account_id, holder_patient_id, status, policy, score, "
                    "score_tier, value_added, line_fen, used_fen, phone, consent_version, "
                    "consented_at, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                    (a["account_id"], holder["patient_id"], a["status"], self.city, score,
                     profile.tier_index(score), int(bool(tier and tier.value_added)),
                     tier.line_fen if tier else 0, holder["phone"], SEEDED_CONSENT,
                     iso(opened), iso(opened)))
            for minor_role, guardian_role in demo_data.GUARDIANS.items():
                guardian = ids[guardian_role]
                account = conn.execute("SELECT account_id FROM accounts WHERE "
                                       "holder_patient_id = ?", (guardian,)).fetchone()
                conn.execute(
                    "INSERT INTO credit_links (patient_id, account_id, guardian_patient_id, "
                    "status, consent_version, consented_at, phone) "
                    "VALUES (?, ?, ?, 'active', ?, ?, ?)",
                    (ids[minor_role], account["account_id"], guardian, SEEDED_CONSENT,
                     iso(opened), demo_data.patient_by_role(guardian_role)["phone"]))
            for child_role, parent_role in demo_data.PARENTS.items():
                conn.execute("INSERT INTO parents (child_patient_id, parent_patient_id) "
                             "VALUES (?, ?)", (ids[child_role], ids[parent_role]))
            for n, v in enumerate(demo_data.DEMO_VISITS):
                started = now - timedelta(hours=3) + timedelta(minutes=10 * n)
                self._insert_visit(conn, v, ids[v["role"]], started,
                                   started + timedelta(minutes=45), "open")
            self._seed_billed_visit(conn, demo_data.ARREARS_HISTORY, ids, now)
            for history in demo_data.OPEN_BILL_HISTORY:
                self._seed_billed_visit(conn, history, ids, now)
            self._seed_stay(conn, demo_data.INPATIENT_STAY, ids, now)
            # The history's nightly batches: from before the oldest bill was due.
            oldest = now - timedelta(days=demo_data.ARREARS_HISTORY["days_ago"])
            self.set_state("last_batch_date", business_date(oldest).isoformat(), conn)
            self._run_batches(conn, now)
        return True

    @staticmethod
    def _insert_visit(conn: sqlite3.Connection, v: dict, patient_id: str, started: datetime,
                      ended: datetime, status: str, extra: list[tuple] = ()) -> tuple:
        lines = demo_data.visit_lines([*v["items"], *extra])
        total, fund, personal = demo_data.insurance_split(lines)
        conn.execute(
            "INSERT INTO visits (visit_id, patient_id, kind, department, doctor, started_at, "
            "ended_at, status, total_fen, fund_fen, personal_fen) "
            "VALUES (?, ?, 'outpatient', ?, ?, ?, ?, ?, ?, ?, ?)",
            (v["visit_id"], patient_id, v["department"], v["doctor"], iso(started), iso(ended),
             status, total, fund, personal))
        conn.executemany(
            "INSERT INTO visit_items (visit_id, line_no, code, name, quantity, unit_price_fen, "
            "amount_fen, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(v["visit_id"], i, ln["code"], ln["name"], ln["quantity"], ln["unit_price_fen"],
              ln["amount_fen"], ln["category"]) for i, ln in enumerate(lines, 1)])
        return total, fund, personal

    def _seed_billed_visit(self, conn: sqlite3.Connection, h: dict, ids: dict,
                           now: datetime) -> None:
        """An earlier visit settled on the line, its bill unpaid."""
        ended = now - timedelta(days=h["days_ago"], minutes=30)
        patient_id = ids[h["role"]]
        extra: list[tuple] = []
        if "fill_to_available" in h:
            account = conn.execute("SELECT * FROM accounts WHERE account_id = ?",
                                   (h["account_id"],)).fetchone()
            base = demo_data.insurance_split(demo_data.visit_lines(h["items"]))[2]
            fill = account["line_fen"] - account["used_fen"] - h["fill_to_available"] - base
            if fill > 0:
                extra = [("ZF701", 1, fill)]
        total, fund, personal = self._insert_visit(
            conn, h, patient_id, ended - timedelta(minutes=50), ended, "settled", extra)
        create_settlement(conn, ended, kind="outpatient", prefix="ST", patient_id=patient_id,
                          account_id=h["account_id"], terminal_id=None, total=total, fund=fund,
                          personal=personal, booked=personal, paid=0,
                          settlement_id=h["settlement_id"])
        conn.execute("INSERT INTO settlement_visits (settlement_id, visit_id) VALUES (?, ?)",
                     (h["settlement_id"], h["visit_id"]))
        account = conn.execute("SELECT policy FROM accounts WHERE account_id = ?",
                               (h["account_id"],)).fetchone()
        create_bill(conn, ended, kind="outpatient", settlement_id=h["settlement_id"],
                    account_id=h["account_id"], patient_id=patient_id, amount=personal,
                    due_at=load_profile(account["policy"]).due.due_at(ended),
                    visit_id=h["visit_id"], bill_id=h["bill_id"])

    @staticmethod
    def _seed_stay(conn: sqlite3.Connection, stay: dict, ids: dict, now: datetime) -> None:
        days = stay["days"]
        first_day = business_date(now) - timedelta(days=days - 1)
        admitted = midnight(first_day) + timedelta(hours=10)
        name, _, ward = ref.DEPARTMENTS[stay["department_id"]]
        conn.execute(
            "INSERT INTO admissions (admission_id, patient_id, account_id, department_id, "
            "department, ward, bed, admitted_at, status, deposit_paid_fen, guarantee) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'admitted', 0, 'credit_line')",
            (stay["admission_id"], ids[stay["role"]], stay["account_id"], stay["department_id"],
             name, ward, stay["bed"], iso(admitted)))
        conn.executemany(
            "INSERT INTO admission_items (admission_id, line_no, code, name, category, day, "
            "quantity, unit_price_fen, amount_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(stay["admission_id"], i, ln["code"], ln["name"], ln["category"],
              (first_day + timedelta(days=ln["day"])).isoformat(), ln["quantity"],
              ln["unit_price_fen"], ln["amount_fen"])
             for i, ln in enumerate(demo_data.inpatient_lines(days, stay["lines"]), 1)])
