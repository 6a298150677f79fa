"""Seeding the HIS's demo data from ``sandbox.demo_data``, relative to the store clock.

The demo people become HIS patients (their hospital patient ids, ``catalogue.his_patient_id``, and
social-security card numbers); their open outpatient visits get the same items and amounts as the
credit platform's sandbox gives them, each item in the national codes; the inpatient's stay gets its
300 charges over 6 days; the doctors' admission orders wait. (The credit platform's earlier, settled
visits are its bills' history, not open charges: the HIS holds the visits still to pay.)
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from kiosk.domain.clock import business_date, midnight
from sandbox import demo_data
from sandbox import reference_data as ref
from sandbox.his.catalogue import DEPARTMENT_CODES, charge_item, his_patient_id, insert_items
from sandbox.store.base import iso

#: The attending doctor of a seeded stay: the department's first clinic doctor.
_ATTENDING = {c.department_id: c.doctor for c in reversed(ref.WEEKLY_TEMPLATE)}


def visit_bill_id(visit_id: str) -> str:
    """The bill of an outpatient visit (门诊收费单): MZ and the visit id."""
    return "MZ" + visit_id


class SeedMixin:

    def seed_demo(self) -> bool:
        """Insert the demo patients, open visits, the ongoing stay and the admission orders if the
        database holds no patients. Returns True if data was inserted."""
        now = self.now()
        with self.transaction() as conn:
            if conn.execute("SELECT COUNT(*) FROM patients").fetchone()[0]:
                return False
            for p in demo_data.DEMO_PATIENTS:
                guardian = demo_data.GUARDIANS.get(p["role"])
                conn.execute(
                    "INSERT INTO patients (patient_id, id_number, sscard_number, name, sex, birth_date, phone, "
                    "guardian_patient_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (his_patient_id(p["role"]), p["id_number"], demo_data.sscard_number(p["role"]), p["name"],
                     p["sex"], p["birth_date"], p["phone"], his_patient_id(guardian) if guardian else None))
            for n, visit in enumerate(demo_data.DEMO_VISITS):
                started = now - timedelta(hours=3) + timedelta(minutes=10 * n)
                self._seed_visit(conn, visit, started, now)
            self._seed_stay(conn, demo_data.INPATIENT_STAY, now)
            for order in demo_data.ADMISSION_ORDERS:
                conn.execute(
                    "INSERT INTO admission_orders (order_id, patient_id, med_type, adm_dept_codg, adm_dept_name, "
                    "ward, atddr_no, chfpdr_name, adm_diag_dscr, dise_codg, issued_at, status) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                    (order["order_id"], his_patient_id(order["role"]), order["med_type"], order["adm_dept_codg"],
                     order["adm_dept_name"], order["ward"], order["atddr_no"], order["chfpdr_name"],
                     order["adm_diag_dscr"], order["dise_codg"], iso(now - timedelta(days=order["issued_days_ago"]))))
        return True

    @staticmethod
    def _seed_visit(conn: sqlite3.Connection, visit: dict, started: datetime, now: datetime) -> None:
        dept_code = DEPARTMENT_CODES[visit["department"]]
        lines = [charge_item(code, line_no=i, quantity=quantity, dept_code=dept_code, doctor_name=visit["doctor"],
                             at=started + timedelta(minutes=5 * i))
                 for i, (code, quantity) in enumerate(visit["items"], 1)]
        total = insert_items(conn, "visit", visit["visit_id"], lines)
        patient_id = his_patient_id(visit["role"])
        bill_id = visit_bill_id(visit["visit_id"])
        conn.execute(
            "INSERT INTO visits (visit_id, patient_id, dept_code, dept_name, doctor_code, doctor_name, started_at, "
            "ended_at, bill_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (visit["visit_id"], patient_id, dept_code, visit["department"], lines[0]["doctor_code"],
             visit["doctor"], iso(started), iso(started + timedelta(minutes=45)), bill_id))
        conn.execute("INSERT INTO bills (bill_id, kind, patient_id, visit_id, total_fen, status, created_at) "
                     "VALUES (?, 'outpatient', ?, ?, ?, 'unpaid', ?)",
                     (bill_id, patient_id, visit["visit_id"], total, iso(now)))

    @staticmethod
    def _seed_stay(conn: sqlite3.Connection, stay: dict, now: datetime) -> None:
        days = stay["days"]
        first_day = business_date(now) - timedelta(days=days - 1)
        admitted = midnight(first_day) + timedelta(hours=10)
        dept_code = stay["department_id"]
        name, _, ward = ref.DEPARTMENTS[dept_code]
        doctor = _ATTENDING[dept_code]
        lines = [charge_item(line["code"], line_no=i, quantity=line["quantity"], dept_code=dept_code,
                             doctor_name=doctor,
                             at=min(now, midnight(first_day + timedelta(days=line["day"]))
                                    + timedelta(hours=8, minutes=i % 600)))
                 for i, line in enumerate(demo_data.inpatient_lines(days, stay["lines"]), 1)]
        insert_items(conn, "admission", stay["admission_id"], lines)
        conn.execute(
            "INSERT INTO admissions (admission_id, patient_id, order_id, dept_code, dept_name, ward, bed, doctor_code, "
            "doctor_name, admitted_at, status) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, 'admitted')",
            (stay["admission_id"], his_patient_id(stay["role"]), dept_code, name, ward, stay["bed"],
             lines[0]["doctor_code"], doctor, iso(admitted)))
