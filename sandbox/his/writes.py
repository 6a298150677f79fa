"""The HIS's writes besides marking bills paid (``sandbox.his.marks``): registration and its cancel,
admission on a doctor's order, the discharge bill.

Each is ``op(conn, now, terminal_id, **fields) -> dict`` run by ``Store.keyed`` (one answer per
idempotency key) and raises :class:`Refusal` before it writes anything. None of them moves money: the
HIS learns that a bill is paid when the kiosk marks it (after the insurance settlement and the credit
booking), and a registration's fee, an unpaid bill until then, is its first charge item.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from sandbox import reference_data as ref
from sandbox.his.catalogue import charge_item, doctor_code, insert_items
from sandbox.his.views import (
    bill_row,
    bill_view,
    order_view,
    registration_view,
    require_patient,
    stay_view,
    still_valid,
    with_slots,
)
from sandbox.store.base import Refusal, StoreBase, iso, new_id, parse_iso

#: An admission order is good for this long after it was issued.
ORDER_VALID = timedelta(days=30)


class WritesMixin:

    # -- registration --------------------------------------------------------------------------------
    def register(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                 session_id: str, patient_id: str) -> dict:
        require_patient(conn, patient_id)
        session = ref.find_session(session_id)
        if session is None:
            raise Refusal(404, "session_not_found", "No clinic session with this id.")
        if parse_iso(session["ends_at"]) <= now:
            raise Refusal(409, "session_closed", "This clinic session is over.")
        if conn.execute("SELECT 1 FROM registrations WHERE session_id = ? AND patient_id = ? AND status = 'booked'",
                        (session_id, patient_id)).fetchone():
            raise Refusal(409, "already_registered", "The patient is already registered for this session.")
        if with_slots(conn, session)["slots_left"] <= 0:
            raise Refusal(409, "session_full", "No slots are left in this session.")
        registration_id = new_id("REG")
        bill_id = StoreBase.next_reference(conn, "GH", now)
        code, fee = ref.FEES[session["doctor_title"]]
        line = charge_item(code, line_no=1, quantity=1, unit_price_fen=fee, dept_code=session["department_id"],
                           doctor_name=session["doctor"], at=now)
        total = insert_items(conn, "registration", registration_id, [line])
        queue = conn.execute("SELECT COUNT(*) FROM registrations WHERE session_id = ?",
                             (session_id,)).fetchone()[0] + 1
        conn.execute("INSERT INTO bills (bill_id, kind, patient_id, registration_id, total_fen, status, created_at) "
                     "VALUES (?, 'registration', ?, ?, ?, 'unpaid', ?)", (bill_id, patient_id, registration_id,
                                                                          total, iso(now)))
        conn.execute("INSERT INTO registrations (registration_id, session_id, patient_id, queue_number, status, "
                     "bill_id, created_at, terminal_id) VALUES (?, ?, ?, ?, 'booked', ?, ?, ?)",
                     (registration_id, session_id, patient_id, queue, bill_id, iso(now), terminal_id))
        return registration_view(conn, self._registration_row(conn, registration_id))

    @staticmethod
    def _registration_row(conn: sqlite3.Connection, registration_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM registrations WHERE registration_id = ?", (registration_id,)).fetchone()
        if row is None:
            raise Refusal(404, "registration_not_found", "No registration with this id.")
        return row

    def cancel_registration(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                            registration_id: str) -> dict:
        """An unpaid fee's bill is cancelled (any time: the kiosk undoing a registration it could not
        pay for); a paid one only before the session starts, and its bill is marked refunded (the money
        goes back through whatever took it: the kiosk's business)."""
        row = self._registration_row(conn, registration_id)
        if row["status"] == "cancelled":
            raise Refusal(409, "already_cancelled", "This registration was already cancelled.")
        bill = bill_row(conn, row["bill_id"])
        if bill["status"] == "paid":
            session = ref.find_session(row["session_id"])
            if now >= parse_iso(session["starts_at"]):
                raise Refusal(409, "too_late", "The session has begun: a paid registration can no longer be "
                                               "cancelled.")
            conn.execute("UPDATE bills SET status = 'refunded' WHERE bill_id = ?", (bill["bill_id"],))
        elif bill["status"] == "unpaid":
            conn.execute("UPDATE bills SET status = 'cancelled' WHERE bill_id = ?", (bill["bill_id"],))
        conn.execute("UPDATE registrations SET status = 'cancelled', cancelled_at = ? WHERE registration_id = ?",
                     (iso(now), registration_id))
        return registration_view(conn, self._registration_row(conn, registration_id))

    # -- admission and the discharge bill ----------------------------------------------------------
    def add_admission_order(self, *, patient_id: str, adm_dept_codg: str, chfpdr_name: str = "许文静",
                            adm_diag_dscr: str = "待查", dise_codg: str = "R69", order_id: str | None = None) -> dict:
        """A doctor issues an admission order (tests and training)."""
        name, _, ward = ref.DEPARTMENTS[adm_dept_codg]
        order_id = order_id or new_id("RYZ")
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO admission_orders (order_id, patient_id, med_type, adm_dept_codg, adm_dept_name, ward, "
                "atddr_no, chfpdr_name, adm_diag_dscr, dise_codg, issued_at, status) "
                "VALUES (?, ?, '21', ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                (order_id, patient_id, adm_dept_codg, name, ward, doctor_code(chfpdr_name), chfpdr_name,
                 adm_diag_dscr, dise_codg, iso(self.now())))
            return order_view(conn.execute("SELECT * FROM admission_orders WHERE order_id = ?",
                                           (order_id,)).fetchone())

    def admit(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
              order_id: str, patient_id: str) -> dict:
        require_patient(conn, patient_id)
        order = conn.execute("SELECT * FROM admission_orders WHERE order_id = ?", (order_id,)).fetchone()
        if order is None or order["patient_id"] != patient_id:  # another's order answers as no order
            raise Refusal(404, "admission_order_not_found", "No admission order with this id for this patient.")
        if order["status"] != "pending":
            raise Refusal(409, "admission_order_used", "This admission order was already used.",
                          {"admission_id": order["admission_id"]})
        if not still_valid(order["issued_at"], now, ORDER_VALID):
            raise Refusal(409, "admission_order_expired", "This admission order is too old: the doctor issues a "
                                                          "new one.")
        if conn.execute("SELECT 1 FROM admissions WHERE patient_id = ? AND status != 'discharged'",
                        (patient_id,)).fetchone():
            raise Refusal(409, "already_admitted", "The patient is already admitted.")
        dept_code = order["adm_dept_codg"]
        beds = conn.execute("SELECT COUNT(*) FROM admissions WHERE dept_code = ?", (dept_code,)).fetchone()[0]
        admission_id = new_id("ADM")
        conn.execute(
            "INSERT INTO admissions (admission_id, patient_id, order_id, dept_code, dept_name, ward, bed, doctor_code, "
            "doctor_name, admitted_at, status, terminal_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'admitted', ?)",
            (admission_id, patient_id, order_id, dept_code, order["adm_dept_name"], order["ward"], f"{beds + 1:02d}床",
             order["atddr_no"], order["chfpdr_name"], iso(now), terminal_id))
        conn.execute("UPDATE admission_orders SET status = 'admitted', admission_id = ? WHERE order_id = ?",
                     (admission_id, order_id))
        return stay_view(conn, self._stay_row(conn, admission_id), with_items=False)

    @staticmethod
    def _stay_row(conn: sqlite3.Connection, admission_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM admissions WHERE admission_id = ?", (admission_id,)).fetchone()
        if row is None:
            raise Refusal(404, "admission_not_found", "No admission with this id.")
        return row

    def add_stay_charge(self, admission_id: str, code: str, quantity: int = 1) -> None:
        """A charge the ward adds to a stay still open (tests and training); refused once billed."""
        with self.transaction() as conn:
            row = self._stay_row(conn, admission_id)
            if row["status"] != "admitted":
                raise Refusal(409, "stay_billed", "The stay's bill is drawn up: no more charges.")
            line_no = conn.execute("SELECT COALESCE(MAX(line_no), 0) + 1 FROM charge_items WHERE owner_kind = "
                                   "'admission' AND owner_id = ?", (admission_id,)).fetchone()[0]
            insert_items(conn, "admission", admission_id, [charge_item(
                code, line_no=line_no, quantity=quantity, dept_code=row["dept_code"], doctor_name=row["doctor_name"],
                at=self.now())])

    def discharge_bill(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                       admission_id: str) -> dict:
        """The stay's bill with every charge; from now on the stay takes no more. Asked again (another
        key), the same bill while unpaid."""
        row = self._stay_row(conn, admission_id)
        if row["status"] == "discharged":
            raise Refusal(409, "already_discharged", "The patient was already discharged.")
        if row["status"] == "billed":
            return bill_view(conn, bill_row(conn, row["bill_id"]))
        total = conn.execute("SELECT COALESCE(SUM(amount_fen), 0) FROM charge_items WHERE owner_kind = 'admission' "
                             "AND owner_id = ?", (admission_id,)).fetchone()[0]
        bill_id = StoreBase.next_reference(conn, "ZY", now)
        conn.execute("INSERT INTO bills (bill_id, kind, patient_id, admission_id, total_fen, status, created_at) "
                     "VALUES (?, 'inpatient', ?, ?, ?, 'unpaid', ?)",
                     (bill_id, row["patient_id"], admission_id, total, iso(now)))
        conn.execute("UPDATE admissions SET status = 'billed', bill_id = ? WHERE admission_id = ?",
                     (bill_id, admission_id))
        return bill_view(conn, bill_row(conn, bill_id))

