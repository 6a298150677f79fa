"""Read side of the HIS store: rows to the dicts the API answers (``sandbox.his.models``).

The functions take an open connection, so a write answers with the state it has just made inside its
own transaction. Quantities stay decimal text; money integer fen.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from kiosk.domain.idnumber import mask_id, mask_name, mask_phone
from sandbox import reference_data as ref
from sandbox.store.base import Refusal, parse_iso

ITEM_FIELDS = ("feedetl_sn", "med_list_codg", "medins_list_codg", "med_chrgitm_type", "chrgitm_lv", "name", "spec",
               "pric_fen", "cnt", "dept_code", "dept_name", "doctor_code", "doctor_name", "fee_ocur_time")
ORDER_FIELDS = ("order_id", "patient_id", "med_type", "adm_dept_codg", "adm_dept_name", "ward", "atddr_no",
                "chfpdr_name", "adm_diag_dscr", "dise_codg", "issued_at", "status", "admission_id")
#: Where a bill's items are: the charge items of its visit, registration or stay.
_OWNER = {"outpatient": ("visit", "visit_id"), "registration": ("registration", "registration_id"),
          "inpatient": ("admission", "admission_id")}


def patient_row(conn: sqlite3.Connection, patient_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM patients WHERE patient_id = ?", (patient_id,)).fetchone()


def require_patient(conn: sqlite3.Connection, patient_id: str) -> sqlite3.Row:
    row = patient_row(conn, patient_id)
    if row is None:
        raise Refusal(404, "patient_not_found", "No patient with this id.")
    return row


def patient_view(row: sqlite3.Row) -> dict:
    """What a terminal is told of a patient: the name and phone masked (the ID number is what the
    card, the social-security card or the scanned code stands for, which the kiosk holds anyway)."""
    return {"patient_id": row["patient_id"], "name": mask_name(row["name"]), "id_number": row["id_number"],
            "id_number_masked": mask_id(row["id_number"]), "sex": row["sex"], "birth_date": row["birth_date"],
            "phone_masked": mask_phone(row["phone"]) if row["phone"] else "",
            "guardian_patient_id": row["guardian_patient_id"]}


def items(conn: sqlite3.Connection, owner_kind: str, owner_id: str) -> list[dict]:
    return [{**{k: r[k] for k in ITEM_FIELDS}, "det_item_fee_sumamt_fen": r["amount_fen"]}
            for r in conn.execute("SELECT * FROM charge_items WHERE owner_kind = ? AND owner_id = ? ORDER BY line_no",
                                  (owner_kind, owner_id))]


def items_total(conn: sqlite3.Connection, owner_kind: str, owner_id: str) -> tuple[int, int]:
    row = conn.execute("SELECT COALESCE(SUM(amount_fen), 0), COUNT(*) FROM charge_items WHERE owner_kind = ? "
                       "AND owner_id = ?", (owner_kind, owner_id)).fetchone()
    return row[0], row[1]


def bill_row(conn: sqlite3.Connection, bill_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM bills WHERE bill_id = ?", (bill_id,)).fetchone()


def bill_view(conn: sqlite3.Connection, row: sqlite3.Row, *, with_items: bool = True) -> dict:
    owner_kind, column = _OWNER[row["kind"]]
    return {
        "bill_id": row["bill_id"], "kind": row["kind"], "patient_id": row["patient_id"], "status": row["status"],
        "total_fen": row["total_fen"],
        "items": items(conn, owner_kind, row[column]) if with_items else [],
        "visit_id": row["visit_id"], "registration_id": row["registration_id"], "admission_id": row["admission_id"],
        "paid_key": row["paid_key"], "setl_id": row["setl_id"], "booking_id": row["booking_id"],
        "payment_id": row["payment_id"], "paid_at": row["paid_at"],
    }


def visit_view(conn: sqlite3.Connection, row: sqlite3.Row) -> dict:
    bill = bill_row(conn, row["bill_id"])
    return {k: row[k] for k in ("visit_id", "patient_id", "bill_id", "dept_code", "dept_name", "doctor_code",
                                "doctor_name", "started_at", "ended_at")} | {
        "status": "open" if bill["status"] == "unpaid" else "settled",
        "items": items(conn, "visit", row["visit_id"]), "total_fen": bill["total_fen"]}


def with_slots(conn: sqlite3.Connection, session: dict) -> dict:
    taken = conn.execute("SELECT COUNT(*) FROM registrations WHERE session_id = ? AND status = 'booked'",
                         (session["session_id"],)).fetchone()[0]
    return {**session, "slots_left": max(0, session["slots_total"] - taken)}


def registration_view(conn: sqlite3.Connection, row: sqlite3.Row) -> dict:
    session = ref.find_session(row["session_id"])
    return {"registration_id": row["registration_id"], "patient_id": row["patient_id"],
            "session": with_slots(conn, session), "queue_number": row["queue_number"], "status": row["status"],
            "bill": bill_view(conn, bill_row(conn, row["bill_id"])), "created_at": row["created_at"],
            "cancelled_at": row["cancelled_at"]}


def order_view(row: sqlite3.Row) -> dict:
    return {k: row[k] for k in ORDER_FIELDS}


def stay_view(conn: sqlite3.Connection, row: sqlite3.Row, *, with_items: bool) -> dict:
    total, count = items_total(conn, "admission", row["admission_id"])
    return {
        "admission_id": row["admission_id"], "patient_id": row["patient_id"], "order_id": row["order_id"],
        "dept_code": row["dept_code"], "dept_name": row["dept_name"], "ward": row["ward"], "bed": row["bed"],
        "doctor_code": row["doctor_code"], "doctor_name": row["doctor_name"], "admitted_at": row["admitted_at"],
        "discharged_at": row["discharged_at"], "status": row["status"], "total_fen": total, "items_count": count,
        "items": items(conn, "admission", row["admission_id"]) if with_items else [], "bill_id": row["bill_id"],
    }


def mark_view(row: sqlite3.Row) -> dict:
    return {"key": row["key"], "status": row["status"], "bill_ids": json.loads(row["bill_ids"]),
            "patient_id": row["patient_id"], "setl_id": row["setl_id"], "booking_id": row["booking_id"],
            "payment_id": row["payment_id"], "total_fen": row["total_fen"], "paid_now_fen": row["paid_now_fen"],
            "marked_at": row["marked_at"], "unmarked_at": row["unmarked_at"], "business_date": row["business_date"]}


def still_valid(issued_at: str, now: datetime, valid) -> bool:
    return now - parse_iso(issued_at) <= valid
