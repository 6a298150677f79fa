"""Bills marked paid, undone, and the day's marks for reconciliation.

A *mark* is the kiosk telling the HIS that bills are paid: settled with the insurance (``setl_id``),
booked on the credit line (``booking_id``), any rest paid now through the hospital's channel
(``payment_id``, a completed payment the mark takes). A mark is identified by the terminal and the
``Idempotency-Key`` it was sent with:

- the same key and request again: the same answer, nothing done twice; the same key with another
  request: 409 ``idempotency_key_reused``;
- a bill another key has paid: 409 ``bill_already_paid`` (``details.bill_id``): one payer per bill;
- a refusal is not kept under the key (a payment not completed yet may complete, the mark be sent
  again);
- an *unmark* under the key undoes its mark: the bills unpaid again (a discharged stay back to
  ``billed``), its payment free to be refunded through the channel. When no mark arrived under the
  key, the unmark *bars* it: a copy of the mark arriving later (a request delayed in the network) is
  refused 409 ``mark_unmarked``, so a compensation can never be overtaken. Unmarking twice answers
  the same.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

from kiosk.domain.clock import business_date
from sandbox.his.views import bill_row, mark_view
from sandbox.store.base import Refusal, iso
from sandbox.store.booking import payment_row, payment_status

#: The channel payment's purpose a bill of each kind is paid with.
PURPOSE = {"outpatient": "settlement", "registration": "registration", "inpatient": "discharge"}


def _used_by(key: str) -> str:
    return f"mark:{key}"


class MarksMixin:

    @staticmethod
    def _mark_row(conn: sqlite3.Connection, terminal_id: str, key: str) -> sqlite3.Row | None:
        return conn.execute("SELECT * FROM marks WHERE terminal_id = ? AND key = ?", (terminal_id, key)).fetchone()

    def mark_paid(self, terminal_id: str, key: str, digest: str, *, bill_ids: list[str], setl_id: str | None,
                  booking_id: str | None, payment_id: str | None) -> dict:
        with self.transaction() as conn:
            now = self.now()
            seen = self._mark_row(conn, terminal_id, key)
            if seen is not None:
                if seen["status"] == "unmarked":
                    raise Refusal(409, "mark_unmarked", "The mark under this key was undone (or barred before it "
                                                        "arrived): use a new key.", {"mark": mark_view(seen)})
                if seen["body_digest"] != digest:
                    raise Refusal(409, "idempotency_key_reused",
                                  "This Idempotency-Key was already used for a different request.")
                return mark_view(seen)
            if len(set(bill_ids)) != len(bill_ids):
                raise Refusal(422, "invalid_request", "A bill is named twice.")
            bills = []
            for bill_id in bill_ids:
                bill = bill_row(conn, bill_id)
                if bill is None:
                    raise Refusal(404, "bill_not_found", "No bill with this id.", {"bill_id": bill_id})
                if bill["status"] == "paid":
                    raise Refusal(409, "bill_already_paid", "Another payment already paid this bill.",
                                  {"bill_id": bill_id})
                if bill["status"] != "unpaid":
                    raise Refusal(409, "bill_cancelled", "This bill was cancelled: there is nothing to pay.",
                                  {"bill_id": bill_id})
                bills.append(bill)
            patients = {b["patient_id"] for b in bills}
            if len(patients) != 1:
                raise Refusal(422, "bills_of_several_patients", "One mark pays the bills of one patient.")
            patient_id = patients.pop()
            total = sum(b["total_fen"] for b in bills)
            paid_now = self._take_payment(conn, now, payment_id, key, patient_id, bills, total)
            for bill in bills:
                conn.execute("UPDATE bills SET status = 'paid', paid_terminal = ?, paid_key = ?, setl_id = ?, "
                             "booking_id = ?, payment_id = ?, paid_at = ? WHERE bill_id = ?",
                             (terminal_id, key, setl_id, booking_id, payment_id, iso(now), bill["bill_id"]))
                if bill["kind"] == "inpatient":
                    conn.execute("UPDATE admissions SET status = 'discharged', discharged_at = ? "
                                 "WHERE admission_id = ?", (iso(now), bill["admission_id"]))
            conn.execute(
                "INSERT INTO marks (terminal_id, key, body_digest, status, patient_id, bill_ids, setl_id, booking_id, "
                "payment_id, total_fen, paid_now_fen, marked_at, business_date) "
                "VALUES (?, ?, ?, 'paid', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (terminal_id, key, digest, patient_id, json.dumps(bill_ids), setl_id, booking_id, payment_id, total,
                 paid_now, iso(now), business_date(now).isoformat()))
            return mark_view(self._mark_row(conn, terminal_id, key))

    @staticmethod
    def _take_payment(conn: sqlite3.Connection, now: datetime, payment_id: str | None, key: str,
                      patient_id: str, bills: list, total: int) -> int:
        """The completed channel payment of the rest paid now, taken by this mark; its amount."""
        if payment_id is None:
            return 0
        row = payment_row(conn, payment_id)
        if row["used_by"] is not None or row["refunded_at"] is not None:
            raise Refusal(409, "payment_already_used", "This payment was already used.")
        if row["patient_id"] != patient_id or row["purpose"] not in {PURPOSE[b["kind"]] for b in bills} \
                or row["amount_fen"] > total:
            raise Refusal(409, "payment_mismatch", "The payment is not this patient's payment for these bills.")
        if row["cancelled_at"] is not None or payment_status(row, now) != "paid":
            raise Refusal(409, "payment_not_completed", "The payment has not been paid on the phone.")
        conn.execute("UPDATE payments SET used_by = ? WHERE payment_id = ?", (_used_by(key), payment_id))
        return row["amount_fen"]

    def unmark_paid(self, terminal_id: str, key: str) -> dict:
        with self.transaction() as conn:
            now = self.now()
            seen = self._mark_row(conn, terminal_id, key)
            if seen is None:  # never arrived: barred, so that a late copy cannot pay after all
                conn.execute("INSERT INTO marks (terminal_id, key, body_digest, status, bill_ids, total_fen, "
                             "paid_now_fen, unmarked_at) VALUES (?, ?, '', 'unmarked', '[]', 0, 0, ?)",
                             (terminal_id, key, iso(now)))
            elif seen["status"] == "paid":
                for row in conn.execute("SELECT * FROM bills WHERE paid_terminal = ? AND paid_key = ? AND "
                                        "status = 'paid'", (terminal_id, key)).fetchall():
                    conn.execute("UPDATE bills SET status = 'unpaid', paid_terminal = NULL, paid_key = NULL, "
                                 "setl_id = NULL, booking_id = NULL, payment_id = NULL, paid_at = NULL "
                                 "WHERE bill_id = ?", (row["bill_id"],))
                    if row["kind"] == "inpatient":
                        conn.execute("UPDATE admissions SET status = 'billed', discharged_at = NULL "
                                     "WHERE admission_id = ?", (row["admission_id"],))
                if seen["payment_id"]:
                    conn.execute("UPDATE payments SET used_by = NULL WHERE payment_id = ? AND used_by = ?",
                                 (seen["payment_id"], _used_by(key)))
                conn.execute("UPDATE marks SET status = 'unmarked', unmarked_at = ? WHERE terminal_id = ? AND key = ?",
                             (iso(now), terminal_id, key))
            return mark_view(self._mark_row(conn, terminal_id, key))

    def name_booking(self, terminal_id: str, key: str, *, booking_id: str) -> dict:
        """The credit booking of a mark made without one (the credit platform did not answer then: the personal
        part was queued and booked later). Naming the same booking again answers the same; another one: 409
        ``booking_already_named``; a mark undone or never made: 409 ``mark_not_paid``."""
        with self.transaction() as conn:
            seen = self._mark_row(conn, terminal_id, key)
            if seen is None or seen["status"] != "paid":
                raise Refusal(409, "mark_not_paid", "No paid mark under this key: there is nothing to name.")
            if seen["booking_id"] not in (None, booking_id):
                raise Refusal(409, "booking_already_named", "This mark names another booking.",
                              {"booking_id": seen["booking_id"]})
            conn.execute("UPDATE marks SET booking_id = ? WHERE terminal_id = ? AND key = ?",
                         (booking_id, terminal_id, key))
            conn.execute("UPDATE bills SET booking_id = ? WHERE paid_terminal = ? AND paid_key = ? AND "
                         "status = 'paid'", (booking_id, terminal_id, key))
            return mark_view(self._mark_row(conn, terminal_id, key))

    def paid_bills(self, terminal_id: str, day: date) -> list[dict]:
        """The terminal's marks of a business day, in the order they were made (undone ones too)."""
        with self.snapshot() as conn:
            return [mark_view(r) for r in conn.execute(
                "SELECT * FROM marks WHERE terminal_id = ? AND business_date = ? ORDER BY marked_at, rowid",
                (terminal_id, day.isoformat()))]
