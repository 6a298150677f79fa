"""The payment channel: QR payments the patient completes on their phone, cancelled at the
kiosk, and the money of a payment nobody will use given back.

A payment is ``pending`` for five minutes (then ``expired``), ``paid`` when the phone paid it,
``cancelled`` when the kiosk cancelled it first (a cancelled payment can no longer be paid: the
channel closed the order), ``refunded`` when its money went back through the channel unused. A
payment is taken by at most one registration, settlement, discharge or repayment
(``booking.take_payment``); a refunded one counts as taken (``used_by`` names the refund), so it
can never pay for anything afterwards.

A *late* payment is one the patient was no longer waiting for when it completed: the kiosk's
cancel found it paid already (the patient tapped Cancel, or the idle guard cleared the screen,
just after the phone paid). Nothing will use it, so the kiosk has the channel give it back at
once (``refund_payment``); the payment is marked ``late`` with why, and the desk lists it
(``GET /v1/payments/late``) to tell the patient.

The columns this adds to ``payments`` are added here (``ALTER TABLE``), like the other areas'
own tables: older sandbox files simply gain them.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from urllib.parse import urlencode

from kiosk.domain.idnumber import mask_name
from sandbox.store.base import Refusal, iso, new_id
from sandbox.store.booking import payment_row, payment_status, require_patient

PAYMENT_TTL = timedelta(minutes=5)
#: Columns added to the payments table (name, SQL type).
_COLUMNS = (("cancelled_at", "TEXT"), ("refunded_at", "TEXT"), ("refund_id", "TEXT"),
            ("late", "TEXT"), ("late_at", "TEXT"))
#: Why a payment is late: what the kiosk did with it.
LATE_REASONS = ("refunded_after_cancel", "refunded_walked_away")


def status_of(row: sqlite3.Row, now: datetime) -> str:
    if row["refunded_at"] is not None:
        return "refunded"
    if row["cancelled_at"] is not None:
        return "cancelled"
    return payment_status(row, now)


def payment_view(row: sqlite3.Row, now: datetime) -> dict:
    return {
        "payment_id": row["payment_id"],
        "patient_id": row["patient_id"],
        "status": status_of(row, now),
        "purpose": row["purpose"],
        "reference": row["reference"],
        "qr_payload": "ccpay://pay?" + urlencode({"id": row["payment_id"],
                                                  "amount": row["amount_fen"]}),
        "amount_fen": row["amount_fen"],
        "created_at": row["created_at"],
        "expires_at": row["expires_at"],
        "paid_at": row["paid_at"],
        "cancelled_at": row["cancelled_at"],
        "refunded_at": row["refunded_at"],
        "used": row["used_by"] is not None and row["refunded_at"] is None,
        "late": row["late"],
    }


class PaymentsMixin:

    def _migrate(self) -> None:
        super()._migrate()
        with self.transaction() as conn:
            columns = {r["name"] for r in conn.execute("PRAGMA table_info(payments)")}
            for name, kind in _COLUMNS:
                if name not in columns:
                    conn.execute(f"ALTER TABLE payments ADD COLUMN {name} {kind}")
            conn.execute("CREATE INDEX IF NOT EXISTS payments_late ON payments (late_at) WHERE late IS NOT NULL")

    def create_payment(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None,
                       *, patient_id: str, amount_fen: int, purpose: str,
                       reference: str | None = None) -> dict:
        require_patient(conn, patient_id)
        payment_id = new_id("PAY")
        conn.execute(
            "INSERT INTO payments (payment_id, patient_id, amount_fen, purpose, reference, "
            "status, created_at, expires_at, terminal_id) "
            "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
            (payment_id, patient_id, amount_fen, purpose, reference, iso(now),
             iso(now + PAYMENT_TTL), terminal_id))
        return payment_view(payment_row(conn, payment_id), now)

    def payment(self, payment_id: str) -> dict | None:
        now = self.now()
        with self.snapshot() as conn:
            row = conn.execute("SELECT * FROM payments WHERE payment_id = ?",
                               (payment_id,)).fetchone()
            return payment_view(row, now) if row else None

    def complete_payment(self, conn: sqlite3.Connection, now: datetime,
                         terminal_id: str | None = None, *, payment_id: str) -> dict:
        """What the patient's phone does: pay a pending, unexpired, uncancelled payment."""
        row = payment_row(conn, payment_id)
        status = status_of(row, now)
        if status == "expired":
            raise Refusal(409, "payment_expired", "The payment expired before it was paid.")
        if status in ("cancelled", "refunded"):
            raise Refusal(409, "payment_cancelled", "The kiosk cancelled this payment: nothing was taken.")
        if status == "pending":
            conn.execute("UPDATE payments SET status = 'paid', paid_at = ? WHERE payment_id = ?",
                         (iso(now), payment_id))
        return payment_view(payment_row(conn, payment_id), now)

    def cancel_payment(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                       payment_id: str) -> dict:
        """Close a pending payment at the channel: it can no longer be paid. A payment the phone paid
        first is refused with 409 ``payment_already_paid`` (details: ``payment``): the kiosk decides
        whether to use it or refund it."""
        row = payment_row(conn, payment_id)
        status = status_of(row, now)
        if status in ("paid", "refunded"):
            raise Refusal(409, "payment_already_paid", "The payment was paid before the cancel reached the channel.",
                          {"payment": payment_view(row, now)})
        if status != "cancelled":  # pending or expired: closed for good either way
            conn.execute("UPDATE payments SET cancelled_at = ? WHERE payment_id = ?", (iso(now), payment_id))
        return payment_view(payment_row(conn, payment_id), now)

    def refund_payment(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                       payment_id: str, late: str) -> dict:
        """Give a paid, unused payment's money back through the channel (the patient has gone); it is
        listed for the desk as late (``late``: why)."""
        if late not in LATE_REASONS:
            raise Refusal(422, "invalid_request", "Unknown late reason.")
        row = payment_row(conn, payment_id)
        if status_of(row, now) != "paid":
            raise Refusal(409, "payment_not_paid", "Only a paid payment can be refunded through the channel.")
        if row["used_by"] is not None:
            raise Refusal(409, "payment_already_used", "This payment was already used.")
        refund_id = new_id("PRF")
        conn.execute("UPDATE payments SET refunded_at = ?, refund_id = ?, used_by = ?, late = ?, late_at = ? "
                     "WHERE payment_id = ?", (iso(now), refund_id, refund_id, late, iso(now), payment_id))
        return payment_view(payment_row(conn, payment_id), now)

    def late_payments(self, since: datetime) -> list[dict]:
        """The late payments since ``since`` (every terminal of the hospital: the desk serves the kiosks),
        newest first, with what the desk needs to tell the patient (masked name only)."""
        now = self.now()
        with self.snapshot() as conn:
            rows = conn.execute(
                "SELECT p.*, pt.name AS patient_name FROM payments p JOIN patients pt USING (patient_id) "
                "WHERE p.late IS NOT NULL AND p.late_at >= ? ORDER BY p.late_at DESC", (iso(since),)).fetchall()
            return [{**payment_view(r, now), "terminal_id": r["terminal_id"], "late_at": r["late_at"],
                     "patient_masked_name": mask_name(r["patient_name"]), "used_by": r["used_by"]}
                    for r in rows]
