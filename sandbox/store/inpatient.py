"""Credit admission (信用入院: no deposit, the line guarantees the stay) and credit
discharge (信用出院)."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from kiosk.policies import load_profile
from sandbox import demo_data
from sandbox import reference_data as ref
from sandbox.store.base import Refusal, iso, new_id
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

    def admit(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
              patient_id: str, account_id: str, department_id: str) -> dict:
        require_patient(conn, patient_id)
        if department_id not in ref.DEPARTMENTS:
            raise Refusal(404, "department_not_found", "No department with this id.")
        account = require_account(conn, account_id)
        require_linked(conn, account, patient_id)
        bookable(conn, account, self.profile, 1, now, partial=True)  # usable at all?
        if conn.execute("SELECT 1 FROM admissions WHERE patient_id = ? AND status = 'admitted'",
                        (patient_id,)).fetchone():
            raise Refusal(409, "already_admitted", "The patient is already admitted.")
        name, _, ward = ref.DEPARTMENTS[department_id]
        beds = conn.execute("SELECT COUNT(*) FROM admissions WHERE department_id = ?",
                            (department_id,)).fetchone()[0]
        admission_id = new_id("ADM")
        conn.execute(
            "INSERT INTO admissions (admission_id, patient_id, account_id, department_id, "
            "department, ward, bed, admitted_at, status, deposit_paid_fen, guarantee, "
            "terminal_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'admitted', 0, 'credit_line', ?)",
            (admission_id, patient_id, account_id, department_id, name, ward,
             f"{beds + 1:02d}床", iso(now), terminal_id))
        return {
            "admission_id": admission_id,
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
