"""Credit admission (信用入院: no deposit, the line guarantees the stay) and credit
discharge (信用出院).

Admission needs an admission order (入院证) a doctor of the hospital issued: the patient is
admitted to that order's department and ward, once (the order is then ``admitted``). The
orders stand in for the hospital HIS's (issue 12 moves them to a HIS service); their fields
follow the national interface's admission where it has one (``demo_data.ADMISSION_ORDERS``).
Their table is created here (``CREATE TABLE IF NOT EXISTS``): older sandbox files gain it, and
the demo orders are seeded into them too.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from kiosk.policies import load_profile
from sandbox import demo_data
from sandbox import reference_data as ref
from sandbox.store.base import Refusal, iso, new_id, parse_iso
from sandbox.store.booking import (
    bookable,
    create_bill,
    create_settlement,
    insurance_check,
    line_then_channel,
    record,
    require_account,
    require_linked,
    require_patient,
)
from sandbox.store.views import account_view

ITEM_FIELDS = ("code", "name", "quantity", "unit_price_fen", "amount_fen")
ORDER_FIELDS = ("order_id", "patient_id", "med_type", "adm_dept_codg", "adm_dept_name", "ward", "atddr_no",
                "chfpdr_name", "adm_diag_dscr", "dise_codg", "issued_at", "status", "admission_id")
ORDERS_SCHEMA = """
CREATE TABLE IF NOT EXISTS admission_orders (
    order_id      TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL,
    med_type      TEXT NOT NULL,
    adm_dept_codg TEXT NOT NULL,
    adm_dept_name TEXT NOT NULL,
    ward          TEXT NOT NULL,
    atddr_no      TEXT NOT NULL,
    chfpdr_name   TEXT NOT NULL,
    adm_diag_dscr TEXT NOT NULL,
    dise_codg     TEXT NOT NULL,
    issued_at     TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'admitted', 'cancelled')),
    admission_id  TEXT
)
"""
#: An order is good for this long after it was issued.
ORDER_VALID = timedelta(days=30)


def _order_view(row: sqlite3.Row) -> dict:
    return {k: row[k] for k in ORDER_FIELDS}


def _items(conn: sqlite3.Connection, admission_id: str) -> list[dict]:
    """The stay's charges with their insurance facts (national codes, self-paid part and the
    fund's share, ``demo_data.inpatient_item``); ``fund_fen`` stays inside the platform."""
    return [{**{k: r[k] for k in ITEM_FIELDS}, "date": r["day"],
             **demo_data.inpatient_item(r["code"], r["category"], r["amount_fen"])}
            for r in conn.execute("SELECT * FROM admission_items WHERE admission_id = ? ORDER BY line_no",
                                  (admission_id,))]


def _summary(conn: sqlite3.Connection, row: sqlite3.Row, with_items: bool) -> dict:
    items = _items(conn, row["admission_id"])
    total, fund, personal = demo_data.inpatient_split(items)
    view = {
        "admission_id": row["admission_id"],
        "patient_id": row["patient_id"],
        "account_id": row["account_id"],
        "department_id": row["department_id"],
        "department": row["department"],
        "ward": row["ward"],
        "bed": row["bed"],
        "admitted_at": row["admitted_at"],
        "discharged_at": row["discharged_at"],
        "status": row["status"],
        "guarantee": row["guarantee"],
        "deposit_paid_fen": row["deposit_paid_fen"],
        "settlement_id": row["settlement_id"],
        "total_fen": total,
        "fund_fen": fund,
        "personal_fen": personal,
        "items_count": len(items),
    }
    if with_items:
        view["items"] = [{k: v for k, v in item.items() if k != "fund_fen"} for item in items]
    return view


class InpatientMixin:

    def _migrate(self) -> None:
        super()._migrate()
        with self.transaction() as conn:
            conn.execute(ORDERS_SCHEMA)
            conn.execute("CREATE INDEX IF NOT EXISTS admission_orders_by_patient ON admission_orders "
                         "(patient_id, status)")

    def seed_demo(self, city: str | None = None) -> bool:
        inserted = super().seed_demo(city)
        self.seed_admission_orders()
        return inserted

    def seed_admission_orders(self) -> None:
        """The demo admission orders, unless they exist (a sandbox restarted keeps their state)."""
        with self.transaction() as conn:
            now = self.now()
            for o in demo_data.ADMISSION_ORDERS:
                patient = demo_data.patient_by_role(o["role"])
                if conn.execute("SELECT 1 FROM patients WHERE patient_id = ?", (patient["patient_id"],)).fetchone():
                    conn.execute(
                        "INSERT OR IGNORE INTO admission_orders (order_id, patient_id, med_type, adm_dept_codg, "
                        "adm_dept_name, ward, atddr_no, chfpdr_name, adm_diag_dscr, dise_codg, issued_at, status) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                        (o["order_id"], patient["patient_id"], o["med_type"], o["adm_dept_codg"],
                         o["adm_dept_name"], o["ward"], o["atddr_no"], o["chfpdr_name"], o["adm_diag_dscr"],
                         o["dise_codg"], iso(now - timedelta(days=o["issued_days_ago"]))))

    def add_admission_order(self, *, patient_id: str, adm_dept_codg: str, chfpdr_name: str = "许文静",
                            atddr_no: str = "D000000", adm_diag_dscr: str = "待查", dise_codg: str = "R69",
                            order_id: str | None = None) -> dict:
        """A doctor issues an admission order (tests and training; a hospital: its HIS)."""
        name, _, ward = ref.DEPARTMENTS[adm_dept_codg]
        order_id = order_id or new_id("RYZ")
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO admission_orders (order_id, patient_id, med_type, adm_dept_codg, adm_dept_name, ward, "
                "atddr_no, chfpdr_name, adm_diag_dscr, dise_codg, issued_at, status) "
                "VALUES (?, ?, '21', ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                (order_id, patient_id, adm_dept_codg, name, ward, atddr_no, chfpdr_name, adm_diag_dscr, dise_codg,
                 iso(self.now())))
            return _order_view(conn.execute("SELECT * FROM admission_orders WHERE order_id = ?",
                                            (order_id,)).fetchone())

    def admission_orders(self, patient_id: str, status: str | None) -> list[dict] | None:
        """A patient's admission orders, newest first (``pending`` ones only while still valid); None if
        no such patient."""
        now = self.now()
        with self.snapshot() as conn:
            if conn.execute("SELECT 1 FROM patients WHERE patient_id = ?", (patient_id,)).fetchone() is None:
                return None
            sql, args = "SELECT * FROM admission_orders WHERE patient_id = ?", (patient_id,)
            if status:
                sql += " AND status = ?"
                args += (status,)
            rows = conn.execute(sql + " ORDER BY issued_at DESC, order_id DESC", args).fetchall()
        return [_order_view(r) for r in rows
                if r["status"] != "pending" or now - parse_iso(r["issued_at"]) <= ORDER_VALID]

    def admit(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
              patient_id: str, account_id: str, order_id: str) -> dict:
        require_patient(conn, patient_id)
        order = conn.execute("SELECT * FROM admission_orders WHERE order_id = ?", (order_id,)).fetchone()
        if order is None or order["patient_id"] != patient_id:  # another's order answers as no order
            raise Refusal(404, "admission_order_not_found", "No admission order with this id for this patient.")
        if order["status"] != "pending":
            raise Refusal(409, "admission_order_used", "This admission order was already used.",
                          {"admission_id": order["admission_id"]})
        if now - parse_iso(order["issued_at"]) > ORDER_VALID:
            raise Refusal(409, "admission_order_expired", "This admission order is too old: the doctor issues "
                                                          "a new one.")
        department_id = order["adm_dept_codg"]
        account = require_account(conn, account_id)
        require_linked(conn, account, patient_id, now)
        bookable(conn, account, self.profile, 1, now, partial=True)  # usable at all?
        if conn.execute("SELECT 1 FROM admissions WHERE patient_id = ? AND status = 'admitted'",
                        (patient_id,)).fetchone():
            raise Refusal(409, "already_admitted", "The patient is already admitted.")
        name, ward = order["adm_dept_name"], order["ward"]
        beds = conn.execute("SELECT COUNT(*) FROM admissions WHERE department_id = ?",
                            (department_id,)).fetchone()[0]
        admission_id = new_id("ADM")
        conn.execute(
            "INSERT INTO admissions (admission_id, patient_id, account_id, department_id, "
            "department, ward, bed, admitted_at, status, deposit_paid_fen, guarantee, "
            "terminal_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'admitted', 0, 'credit_line', ?)",
            (admission_id, patient_id, account_id, department_id, name, ward,
             f"{beds + 1:02d}床", iso(now), terminal_id))
        conn.execute("UPDATE admission_orders SET status = 'admitted', admission_id = ? WHERE order_id = ?",
                     (admission_id, order_id))
        return {
            "admission_id": admission_id,
            "order_id": order_id,
            "doctor": order["chfpdr_name"],
            "patient_id": patient_id,
            "account_id": account_id,
            "department_id": department_id,
            "department": name,
            "ward": ward,
            "bed": f"{beds + 1:02d}床",
            "status": "admitted",
            "admitted_at": iso(now),
            "deposit_fen": 0,
            "guarantee": "credit_line",
        }

    def admissions(self, patient_id: str, status: str | None) -> list[dict] | None:
        with self.snapshot() as conn:
            if conn.execute("SELECT 1 FROM patients WHERE patient_id = ?",
                            (patient_id,)).fetchone() is None:
                return None
            sql = "SELECT * FROM admissions WHERE patient_id = ?"
            args: tuple = (patient_id,)
            if status:
                sql += " AND status = ?"
                args += (status,)
            rows = conn.execute(sql + " ORDER BY admitted_at DESC", args).fetchall()
            return [_summary(conn, r, with_items=False) for r in rows]

    def admission(self, admission_id: str) -> dict | None:
        with self.snapshot() as conn:
            row = conn.execute("SELECT * FROM admissions WHERE admission_id = ?",
                               (admission_id,)).fetchone()
            return _summary(conn, row, with_items=True) if row else None

    def discharge(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                  admission_id: str, account_id: str | None,
                  payment_id: str | None = None) -> dict:
        row = conn.execute("SELECT * FROM admissions WHERE admission_id = ?",
                           (admission_id,)).fetchone()
        if row is None:
            raise Refusal(404, "admission_not_found", "No admission with this id.")
        if row["status"] != "admitted":
            raise Refusal(409, "already_discharged", "The patient was already discharged.")
        patient_id = row["patient_id"]
        insurance_check(conn, patient_id)
        summary = _summary(conn, row, with_items=False)
        total, fund, personal = (summary["total_fen"], summary["fund_fen"],
                                 summary["personal_fen"])
        deposit = row["deposit_paid_fen"]
        deposit_used = min(deposit, personal)
        remaining = personal - deposit_used
        account, booked, paid, settlement_id = line_then_channel(
            conn, now, self.profile, patient_id=patient_id, account_id=account_id, owed=remaining,
            payment_id=payment_id, purpose="discharge")
        settlement_id, reference = create_settlement(
            conn, now, kind="inpatient", prefix="CY", patient_id=patient_id,
            account_id=account_id, terminal_id=terminal_id, total=total, fund=fund,
            personal=personal, booked=booked, paid=paid, deposit_used=deposit_used,
            payment_id=payment_id, admission_id=admission_id, settlement_id=settlement_id)
        due_at = None
        if booked:
            due_at = load_profile(account["policy"]).due.due_at(now)
            create_bill(conn, now, kind="inpatient", settlement_id=settlement_id,
                        account_id=account_id, patient_id=patient_id, amount=booked,
                        due_at=due_at, admission_id=admission_id)
        conn.execute("UPDATE admissions SET status = 'discharged', discharged_at = ?, "
                     "settlement_id = ? WHERE admission_id = ?",
                     (iso(now), settlement_id, admission_id))
        record(conn, now, terminal_id, "discharge", reference, credit=booked, channel=paid)
        view = account_view(conn, account_id, now) if account_id else None
        return {
            "settlement_id": settlement_id,
            "reference": reference,
            "admission_id": admission_id,
            "patient_id": patient_id,
            "account_id": account_id,
            "total_fen": total,
            "fund_fen": fund,
            "personal_fen": personal,
            "deposit_used_fen": deposit_used,
            "deposit_refund_fen": deposit - deposit_used,
            "booked_fen": booked,
            "paid_fen": paid,
            "line_fen": view["line_fen"] if view else 0,
            "available_fen": view["available_fen"] if view else 0,
            "due_at": iso(due_at) if due_at else None,
            "settled_at": iso(now),
            "items_count": summary["items_count"],
        }
