"""Credit registration (信用挂号). (The payment channel is ``sandbox.store.payments``.)"""
from __future__ import annotations

import sqlite3
from datetime import datetime

from kiosk.domain.clock import business_date
from kiosk.policies import load_profile
from sandbox import reference_data as ref
from sandbox.store.base import Refusal, iso, new_id, parse_iso
from sandbox.store.booking import (
    bookable,
    create_bill,
    create_settlement,
    record,
    require_account,
    require_linked,
    require_patient,
    take_payment,
)
from sandbox.store.money import give_back
from sandbox.store.views import account_view, guardian_line_left, refundable, usable_account_id


class RegistrationMixin:

    # -- registration ----------------------------------------------------------------------

    def sessions(self, department_id: str, days: int) -> list[dict] | None:
        if department_id not in ref.DEPARTMENTS:
            return None
        now = self.now()
        result = []
        with self.snapshot() as conn:
            for day in ref.days_from(business_date(now), days):
                for session in ref.sessions_on(department_id, day):
                    if parse_iso(session["ends_at"]) <= now:
                        continue
                    result.append(self._with_slots(conn, session))
        return result

    @staticmethod
    def _with_slots(conn: sqlite3.Connection, session: dict) -> dict:
        taken = conn.execute("SELECT COUNT(*) FROM registrations WHERE session_id = ? AND "
                             "status = 'booked'", (session["session_id"],)).fetchone()[0]
        return {**session, "slots_left": max(0, session["slots_total"] - taken)}

    def register(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                 session_id: str, patient_id: str, pay: str,
                 payment_id: str | None = None) -> dict:
        patient = require_patient(conn, patient_id)
        session = ref.find_session(session_id)
        if session is None:
            raise Refusal(404, "session_not_found", "No clinic session with this id.")
        if parse_iso(session["ends_at"]) <= now:
            raise Refusal(409, "session_closed", "This clinic session is over.")
        session = self._with_slots(conn, session)
        if conn.execute("SELECT 1 FROM registrations WHERE session_id = ? AND patient_id = ? "
                        "AND status = 'booked'", (session_id, patient_id)).fetchone():
            raise Refusal(409, "already_registered",
                          "The patient is already registered for this session.")
        if session["slots_left"] <= 0:
            raise Refusal(409, "session_full", "No slots are left in this session.")
        fee = session["fee_fen"]
        registration_id = new_id("REG")
        account = None
        booked = paid = 0
        if pay == "credit":
            # A guardian's line the patient left on coming of age: require_linked says why
            account_id = usable_account_id(conn, patient_id) or guardian_line_left(conn, patient_id,
                                                                                  business_date(now))
            if account_id is None:
                raise Refusal(409, "no_credit_service",
                              "The patient has no credit service: pay through the channel.")
            account = require_account(conn, account_id)
            require_linked(conn, account, patient["patient_id"], now)
            booked = bookable(conn, account, self.profile, fee, now, partial=False)
            if payment_id is not None:
                raise Refusal(409, "payment_not_needed",
                              "A credit registration takes no channel payment.")
        else:
            paid = take_payment(conn, now, payment_id, purpose="registration", amount=fee,
                                patient_id=patient_id, consumer=registration_id,
                                unpaid=Refusal(409, "payment_not_completed",
                                               "Registration needs a completed payment of the "
                                               "fee through the payment channel.",
                                               {"fee_fen": fee}))
        queue = conn.execute("SELECT COUNT(*) FROM registrations WHERE session_id = ?",
                             (session_id,)).fetchone()[0] + 1
        settlement_id, reference = create_settlement(
            conn, now, kind="registration", prefix="GH", patient_id=patient_id,
            account_id=account["account_id"] if account else None, terminal_id=terminal_id,
            total=fee, fund=0, personal=fee, booked=booked, paid=paid,
            payment_id=payment_id if paid else None, registration_id=registration_id)
        due_at = None
        if booked:
            end = max(now, parse_iso(session["ends_at"]))
            due_at = load_profile(account["policy"]).due.due_at(end)
            create_bill(conn, now, kind="registration", settlement_id=settlement_id,
                        account_id=account["account_id"], patient_id=patient_id, amount=booked,
                        due_at=due_at, registration_id=registration_id)
        conn.execute(
            "INSERT INTO registrations (registration_id, reference, session_id, patient_id, "
            "account_id, pay, queue_number, fee_fen, booked_fen, paid_fen, payment_id, "
            "settlement_id, status, created_at, terminal_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?)",
            (registration_id, reference, session_id, patient_id,
             account["account_id"] if account else None, pay, queue, fee, booked, paid,
             payment_id if paid else None, settlement_id, iso(now), terminal_id))
        record(conn, now, terminal_id, "registration", reference, credit=booked, channel=paid)
        return self._registration_view(conn, now, registration_id)

    def registrations(self, patient_id: str, status: str | None) -> list[dict] | None:
        """A patient's registrations, newest session first; None if no such patient."""
        now = self.now()
        with self.snapshot() as conn:
            if conn.execute("SELECT 1 FROM patients WHERE patient_id = ?",
                            (patient_id,)).fetchone() is None:
                return None
            sql = "SELECT registration_id FROM registrations WHERE patient_id = ?"
            args: tuple = (patient_id,)
            if status:
                sql += " AND status = ?"
                args += (status,)
            rows = conn.execute(sql + " ORDER BY session_id DESC, created_at DESC",
                                args).fetchall()
            return [self._registration_view(conn, now, r["registration_id"]) for r in rows]

    def _registration_view(self, conn: sqlite3.Connection, now: datetime,
                           registration_id: str) -> dict:
        row = conn.execute("SELECT * FROM registrations WHERE registration_id = ?",
                           (registration_id,)).fetchone()
        bill = conn.execute("SELECT due_at FROM bills WHERE registration_id = ?",
                            (registration_id,)).fetchone()
        session = ref.find_session(row["session_id"])
        return {
            "registration_id": row["registration_id"],
            "reference": row["reference"],
            "settlement_id": row["settlement_id"],
            "patient_id": row["patient_id"],
            "queue_number": row["queue_number"],
            "session": self._with_slots(conn, session),
            "pay": row["pay"],
            "fee_fen": row["fee_fen"],
            "booked_fen": row["booked_fen"],
            "paid_fen": row["paid_fen"],
            "account": account_view(conn, row["account_id"], now) if row["account_id"] else None,
            "due_at": bill["due_at"] if bill else None,
            "status": row["status"],
        }

    def cancel_registration(self, conn: sqlite3.Connection, now: datetime,
                            terminal_id: str | None, *, registration_id: str) -> dict:
        row = conn.execute("SELECT * FROM registrations WHERE registration_id = ?",
                           (registration_id,)).fetchone()
        if row is None:
            raise Refusal(404, "registration_not_found", "No registration with this id.")
        if row["status"] == "cancelled":
            raise Refusal(409, "already_cancelled", "The registration is already cancelled.")
        session = ref.find_session(row["session_id"])
        if now >= parse_iso(session["starts_at"]):
            raise Refusal(409, "too_late",
                          "A registration can be cancelled only before the session starts.")
        # The whole fee back, as a refund goes (000 art. 17): the part on credit to the credit
        # account (the bill's debt, the account's other bills, the balance), even when repaid;
        # only a part paid by phone back through its channel.
        settlement = conn.execute("SELECT * FROM settlements WHERE settlement_id = ?",
                                  (row["settlement_id"],)).fetchone()
        back = give_back(conn, now, settlement, refundable(conn, row["settlement_id"])["refundable_fen"])
        conn.execute("UPDATE registrations SET status = 'cancelled', cancelled_at = ? "
                     "WHERE registration_id = ?", (iso(now), registration_id))
        record(conn, now, terminal_id, "registration_cancel", row["reference"],
               credit=back["to_credit_fen"], channel=back["to_channel_fen"])
        return {
            "registration_id": registration_id,
            "reference": row["reference"],
            "status": "cancelled",
            "returned_to_line_fen": back["to_credit_fen"],
            "to_bill_fen": back["to_bill_fen"],
            "to_other_bills_fen": back["to_other_bills_fen"],
            "to_balance_fen": back["to_balance_fen"],
            "allocations": back["allocations"],
            "refunded_to_channel_fen": back["to_channel_fen"],
            "restored": back["restored"],
            "account": account_view(conn, row["account_id"], now) if row["account_id"] else None,
        }
