"""Read side of the store: patients, accounts, bills, visits, the account overview.

The ``*_view`` functions take an open connection, so writes can answer with the state
they just made inside their own transaction.
"""
from __future__ import annotations

import sqlite3
from datetime import date, datetime

from kiosk.domain import age
from kiosk.domain.clock import business_date
from kiosk.domain.idnumber import parse_id_number
from kiosk.policies import load_profile
from sandbox.store.base import parse_iso


def outstanding(bill: sqlite3.Row | dict) -> int:
    return bill["amount_fen"] - bill["paid_fen"] - bill["refunded_fen"]


def bill_status(bill: sqlite3.Row | dict, now: datetime, disputed: bool = False) -> str:
    """``disputed`` while a dispute is open; else ``paid`` when nothing is outstanding;
    else ``overdue`` from the due time on, ``due`` before."""
    if disputed:
        return "disputed"
    if outstanding(bill) <= 0:
        return "paid"
    return "overdue" if now >= parse_iso(bill["due_at"]) else "due"


_BILLS_SQL = """
SELECT b.*, s.reference AS reference,
       (SELECT COUNT(*) FROM disputes d WHERE d.bill_id = b.bill_id AND d.status = 'open')
           AS open_disputes
FROM bills b JOIN settlements s ON s.settlement_id = b.settlement_id AND s.voided_at IS NULL
"""


def overdue_bills(conn: sqlite3.Connection, account_id: str, moment: datetime) -> list:
    """Unpaid bills past their due time with no open dispute, oldest due first."""
    rows = conn.execute(_BILLS_SQL + " WHERE b.account_id = ? AND b.amount_fen - b.paid_fen - b.refunded_fen > 0"
                        " ORDER BY b.due_at, b.bill_id", (account_id,)).fetchall()
    return [r for r in rows if not r["open_disputes"] and moment >= parse_iso(r["due_at"])]


def refundable(conn: sqlite3.Connection, settlement_id: str) -> dict:
    """What a refund of the settlement may still give back: ``on_credit_fen`` (its bill's
    charge less earlier refunds: goes first, to the credit account), ``on_the_spot_fen`` (paid
    through the channel, less what went back there), ``refundable_fen`` (the two, within the
    personal part less earlier refunds) and ``fund_refundable_fen``. A voided booking gives back
    nothing more: its void undid it all (``void_booking``)."""
    row = conn.execute(
        "SELECT s.personal_fen, s.refunded_fen, s.paid_fen + s.deposit_used_fen AS spot, s.fund_fen, s.voided_at, "
        "(SELECT b.amount_fen - b.refunded_fen FROM bills b WHERE b.settlement_id = s.settlement_id) AS credit, "
        "(SELECT COALESCE(SUM(r.to_channel_fen), 0) FROM refunds r WHERE r.settlement_id = s.settlement_id) "
        "AS channel_back, "
        "(SELECT COALESCE(SUM(r.fund_fen), 0) FROM refunds r WHERE r.settlement_id = s.settlement_id) AS fund_back "
        "FROM settlements s WHERE s.settlement_id = ?", (settlement_id,)).fetchone()
    if row["voided_at"] is not None:
        return {"on_credit_fen": 0, "on_the_spot_fen": 0, "refundable_fen": 0, "fund_refundable_fen": 0}
    on_credit = row["credit"] or 0
    on_the_spot = max(0, row["spot"] - row["channel_back"])
    return {"on_credit_fen": on_credit, "on_the_spot_fen": on_the_spot,
            "refundable_fen": max(0, min(on_credit + on_the_spot, row["personal_fen"] - row["refunded_fen"])),
            "fund_refundable_fen": max(0, row["fund_fen"] - row["fund_back"])}


def bill_view(conn: sqlite3.Connection, row: sqlite3.Row, now: datetime) -> dict:
    visit_ids = [v[0] for v in conn.execute(  # the credit platform's own visits, or the HIS's a booking names
        "SELECT visit_id FROM settlement_visits WHERE settlement_id = ? UNION SELECT visit_id FROM booked_bills "
        "WHERE settlement_id = ? AND visit_id IS NOT NULL ORDER BY visit_id",
        (row["settlement_id"], row["settlement_id"]))]
    dispute = conn.execute(
        "SELECT dispute_id, status, answer_due, reason_code FROM disputes WHERE bill_id = ? "
        "ORDER BY status = 'open' DESC, raised_at DESC LIMIT 1", (row["bill_id"],)).fetchone()
    return {
        "bill_id": row["bill_id"],
        "kind": row["kind"],
        "reference": row["reference"],
        "settlement_id": row["settlement_id"],
        "account_id": row["account_id"],
        "patient_id": row["patient_id"],
        "visit_id": row["visit_id"] or (visit_ids[0] if len(visit_ids) == 1 and row["kind"] == "outpatient" else None),
        "visit_ids": visit_ids,
        "registration_id": row["registration_id"],
        "admission_id": row["admission_id"],
        "amount_fen": row["amount_fen"],
        "paid_fen": row["paid_fen"],
        "refunded_fen": row["refunded_fen"],
        "outstanding_fen": outstanding(row),
        "refundable_fen": refundable(conn, row["settlement_id"])["refundable_fen"],
        "created_at": row["created_at"],
        "due_at": row["due_at"],
        "status": bill_status(row, now, bool(row["open_disputes"])),
        "reminders": row["reminders"],
        "dispute": dict(dispute) if dispute else None,
    }


def bills_view(conn: sqlite3.Connection, now: datetime, where: str, args: tuple) -> list[dict]:
    rows = conn.execute(_BILLS_SQL + f" WHERE {where} ORDER BY b.created_at, b.bill_id",
                        args).fetchall()
    return [bill_view(conn, r, now) for r in rows]


def bill_row(conn: sqlite3.Connection, bill_id: str) -> sqlite3.Row | None:
    return conn.execute(_BILLS_SQL + " WHERE b.bill_id = ?", (bill_id,)).fetchone()


def account_view(conn: sqlite3.Connection, account_id: str, now: datetime) -> dict | None:
    """The account with ``available_fen``, ``overdue_fen`` and ``outstanding_fen``."""
    row = conn.execute("SELECT * FROM accounts WHERE account_id = ?", (account_id,)).fetchone()
    if row is None:
        return None
    unpaid = [r for r in conn.execute(_BILLS_SQL + " WHERE b.account_id = ?", (account_id,))
              if outstanding(r) > 0]
    return {
        "account_id": row["account_id"],
        "holder_patient_id": row["holder_patient_id"],
        "status": row["status"],
        "policy": row["policy"],
        "score_tier": row["score_tier"],
        "value_added": bool(row["value_added"]),
        "line_fen": row["line_fen"],
        "used_fen": row["used_fen"],
        "available_fen": max(0, row["line_fen"] - row["used_fen"]),
        "overdue_fen": sum(outstanding(r) for r in unpaid if not r["open_disputes"]
                           and now >= parse_iso(r["due_at"])),
        "outstanding_fen": sum(outstanding(r) for r in unpaid),
        "dishonest": bool(row["dishonest"]),
        "reminders": row["reminders"],
        "opened_at": row["opened_at"],
        "consent_version": row["consent_version"],
    }


def usable_account_id(conn: sqlite3.Connection, patient_id: str, on: date | None = None) -> str | None:
    """The account a patient uses: their own (not closed), or the one an active minor's
    link points to; None if the credit service is not open for them. With the business date
    ``on``, a link counts only while the patient is a minor that day (the nightly batch closes
    it from the day they come of age, ``kiosk.domain.age``)."""
    own = conn.execute("SELECT account_id FROM accounts WHERE holder_patient_id = ? "
                       "AND status != 'closed'", (patient_id,)).fetchone()
    if own:
        return own["account_id"]
    link = conn.execute("SELECT l.account_id, p.id_number, a.policy FROM credit_links l JOIN accounts a "
                        "ON a.account_id = l.account_id JOIN patients p ON p.patient_id = l.patient_id "
                        "WHERE l.patient_id = ? AND l.status = 'active' AND a.status != 'closed'",
                        (patient_id,)).fetchone()
    if link is None:
        return None
    if on is not None and age.is_adult_on(parse_id_number(link["id_number"]).birth_date, on,
                                          load_profile(link["policy"]).adult_age):
        return None
    return link["account_id"]


def guardian_line_left(conn: sqlite3.Connection, patient_id: str, on: date) -> str | None:
    """The guardian's account whose line the patient left on coming of age (the 18th birthday,
    ``kiosk.domain.age``), if they are an adult on the business date ``on`` and their link to it
    was still active then (the nightly batch of that day closes it; before the batch runs it is
    still active); else None: never linked, a minor still, or the link closed before that day
    (the guardian closed the service)."""
    link = conn.execute("SELECT l.account_id, l.status, l.closed_at, p.id_number, a.policy FROM credit_links l "
                        "JOIN accounts a ON a.account_id = l.account_id JOIN patients p "
                        "ON p.patient_id = l.patient_id WHERE l.patient_id = ?", (patient_id,)).fetchone()
    if link is None:
        return None
    adult = age.adult_from(parse_id_number(link["id_number"]).birth_date, load_profile(link["policy"]).adult_age)
    if on < adult:
        return None
    if link["status"] == "closed" and business_date(parse_iso(link["closed_at"])) < adult:
        return None
    return link["account_id"]


def patient_row(conn: sqlite3.Connection, patient_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM patients WHERE patient_id = ?",
                        (patient_id,)).fetchone()


def age_of(patient: sqlite3.Row | dict, now: datetime) -> int:
    return parse_id_number(patient["id_number"]).age_on(business_date(now))


def relations_view(conn: sqlite3.Connection, patient: sqlite3.Row) -> list[dict]:
    """Family the platform knows: minors in one's care, one's guardian, parents and
    adult children (with whether repayment was taken on)."""
    pid = patient["patient_id"]
    found: list[dict] = []

    def add(other_id: str, relation: str, taken_on: bool = False) -> None:
        other = patient_row(conn, other_id)
        found.append({"patient_id": other_id, "relation": relation, "name": other["name"],
                      "account_id": usable_account_id(conn, other_id),
                      "repayment_taken_on": taken_on})

    for child in conn.execute("SELECT patient_id FROM patients WHERE guardian_patient_id = ? "
                              "ORDER BY patient_id", (pid,)):
        add(child["patient_id"], "child")
    if patient["guardian_patient_id"]:
        add(patient["guardian_patient_id"], "guardian")
    for row in conn.execute("SELECT * FROM parents WHERE child_patient_id = ? "
                            "ORDER BY parent_patient_id", (pid,)):
        add(row["parent_patient_id"], "parent", bool(row["repayment_taken_on"]))
    for row in conn.execute("SELECT * FROM parents WHERE parent_patient_id = ? "
                            "ORDER BY child_patient_id", (pid,)):
        add(row["child_patient_id"], "child", bool(row["repayment_taken_on"]))
    return found


class ViewsMixin:
    """Queries (each in its own read snapshot)."""

    def find_patient(self, *, id_number: str | None = None,
                     patient_id: str | None = None) -> dict | None:
        """A patient with ``account_id`` (the account they use, or None)."""
        column, value = ("id_number", id_number) if id_number is not None else \
            ("patient_id", patient_id)
        with self.snapshot() as conn:
            row = conn.execute(f"SELECT * FROM patients WHERE {column} = ?",
                               (value,)).fetchone()
            if row is None:
                return None
            patient = dict(row)
            patient["account_id"] = usable_account_id(conn, row["patient_id"], business_date(self.now()))
        return patient

    def lookup(self, id_number: str) -> dict | None:
        now = self.now()
        with self.snapshot() as conn:
            row = conn.execute("SELECT * FROM patients WHERE id_number = ?",
                               (id_number,)).fetchone()
            if row is None:
                return None
            account_id = usable_account_id(conn, row["patient_id"], business_date(now))
            return {
                "patient_id": row["patient_id"], "name": row["name"], "sex": row["sex"],
                "birth_date": row["birth_date"], "phone": row["phone"],
                "is_minor": age_of(row, now) < self.profile.adult_age,
                "guardian_patient_id": row["guardian_patient_id"],
                "guardian_line_ended": account_id is None and guardian_line_left(
                    conn, row["patient_id"], business_date(now)) is not None,
                "account_id": account_id,
                "has_credit_service": account_id is not None,
                "insurance_credit_grade": row["insurance_credit_grade"],
                "relations": relations_view(conn, row),
            }

    def account(self, account_id: str) -> dict | None:
        with self.snapshot() as conn:
            return account_view(conn, account_id, self.now())

    def bills(self, account_id: str) -> list[dict] | None:
        """Bills of an account, oldest first; None if the account does not exist."""
        now = self.now()
        with self.snapshot() as conn:
            if conn.execute("SELECT 1 FROM accounts WHERE account_id = ?",
                            (account_id,)).fetchone() is None:
                return None
            return bills_view(conn, now, "b.account_id = ?", (account_id,))

    def bill(self, bill_id: str) -> dict | None:
        now = self.now()
        with self.snapshot() as conn:
            row = bill_row(conn, bill_id)
            return bill_view(conn, row, now) if row else None

    def bill_count(self, account_id: str | None = None) -> int:
        with self.snapshot() as conn:
            if account_id is None:
                return conn.execute("SELECT COUNT(*) FROM bills").fetchone()[0]
            return conn.execute("SELECT COUNT(*) FROM bills WHERE account_id = ?",
                                (account_id,)).fetchone()[0]

    def overview(self, patient_id: str) -> dict | None:
        now = self.now()
        with self.snapshot() as conn:
            patient = patient_row(conn, patient_id)
            if patient is None:
                return None
            account_id = usable_account_id(conn, patient_id, business_date(now))
            own = conn.execute("SELECT 1 FROM accounts WHERE account_id = ? AND "
                               "holder_patient_id = ?", (account_id, patient_id)).fetchone()
            if account_id is None:
                bills: list[dict] = []
            elif own:
                bills = bills_view(conn, now, "b.account_id = ?", (account_id,))
            else:  # a minor on a guardian's line sees their own bills
                bills = bills_view(conn, now, "b.account_id = ? AND b.patient_id = ?",
                                   (account_id, patient_id))
            linked = []
            if own:
                for child in conn.execute(
                        "SELECT p.patient_id, p.name FROM credit_links l JOIN patients p "
                        "ON p.patient_id = l.patient_id WHERE l.account_id = ? "
                        "AND l.status = 'active' ORDER BY p.patient_id", (account_id,)):
                    linked.append({
                        "patient_id": child["patient_id"], "relation": "child",
                        "name": child["name"], "account": account_view(conn, account_id, now),
                        "bills": bills_view(conn, now, "b.account_id = ? AND b.patient_id = ?",
                                            (account_id, child["patient_id"]))})
            for parent in conn.execute(
                    "SELECT p.patient_id, p.name FROM parents r JOIN patients p "
                    "ON p.patient_id = r.parent_patient_id WHERE r.child_patient_id = ? "
                    "AND r.repayment_taken_on = 1 ORDER BY p.patient_id", (patient_id,)):
                parent_account = usable_account_id(conn, parent["patient_id"])
                linked.append({
                    "patient_id": parent["patient_id"], "relation": "parent",
                    "name": parent["name"],
                    "account": account_view(conn, parent_account, now)
                    if parent_account else None,
                    "bills": bills_view(conn, now, "b.account_id = ?", (parent_account,))
                    if parent_account else []})
            return {
                "patient_id": patient_id,
                "has_credit_service": account_id is not None,
                "insurance_credit_grade": patient["insurance_credit_grade"],
                "account": account_view(conn, account_id, now) if account_id else None,
                "bills": bills,
                "linked": linked,
            }

    def visits(self, patient_id: str, status: str | None = None) -> list[dict] | None:
        """Visits of a patient with their items, newest first; None if no such patient."""
        with self.snapshot() as conn:
            if patient_row(conn, patient_id) is None:
                return None
            sql = "SELECT * FROM visits WHERE patient_id = ?"
            args: tuple = (patient_id,)
            if status is not None:
                sql += " AND status = ?"
                args += (status,)
            rows = conn.execute(sql + " ORDER BY started_at DESC, visit_id", args).fetchall()
            result = []
            for row in rows:
                visit = dict(row)
                visit["items"] = [
                    {k: item[k] for k in ("code", "name", "quantity", "unit_price_fen",
                                          "amount_fen", "category")}
                    for item in conn.execute(
                        "SELECT * FROM visit_items WHERE visit_id = ? ORDER BY line_no",
                        (row["visit_id"],))]
                result.append(visit)
        return result
