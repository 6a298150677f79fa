"""Building blocks shared by every write that moves money: checks, payments taken,
settlements, bills, ledger entries, restoring a suspended account.

All functions work inside the caller's transaction and raise :class:`Refusal` before
they write anything (the caller's savepoint undoes earlier writes anyway).
"""
from __future__ import annotations

import sqlite3
from datetime import datetime

from kiosk.domain import age
from kiosk.domain.clock import business_date
from kiosk.domain.idnumber import parse_id_number
from kiosk.domain.policy import PolicyProfile
from kiosk.policies import load_profile
from sandbox.store.base import Refusal, StoreBase, iso, new_ordered_id, parse_iso
from sandbox.store.views import outstanding, overdue_bills, patient_row


def require_patient(conn: sqlite3.Connection, patient_id: str) -> sqlite3.Row:
    row = patient_row(conn, patient_id)
    if row is None:
        raise Refusal(404, "patient_not_found", "No patient with this id.")
    return row


def require_account(conn: sqlite3.Connection, account_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM accounts WHERE account_id = ?", (account_id,)).fetchone()
    if row is None:
        raise Refusal(404, "account_not_found", "No credit account with this id.")
    return row


def require_linked(conn: sqlite3.Connection, account: sqlite3.Row, patient_id: str,
                   now: datetime | None = None) -> None:
    """The patient holds the account, or uses it as a minor through an active link to a
    guardian's account. A minor's use of the guardian's line ends when they come of age (from
    the 18th birthday itself, ``kiosk.domain.age``; the business date of ``now``, else
    of the day the nightly batch closed the link): 403 ``guardian_line_ended`` with
    ``adult_from``; their earlier bills stay on the guardian's account."""
    if account["holder_patient_id"] == patient_id:
        return
    link = conn.execute("SELECT * FROM credit_links WHERE patient_id = ? AND account_id = ?",
                        (patient_id, account["account_id"])).fetchone()
    if link is not None:
        day = business_date(now) if now is not None else (
            business_date(parse_iso(link["closed_at"])) if link["closed_at"] else None)
        born = parse_id_number(require_patient(conn, patient_id)["id_number"]).birth_date
        adult_age = load_profile(account["policy"]).adult_age
        if day is not None and age.is_adult_on(born, day, adult_age):
            raise Refusal(403, "guardian_line_ended",
                          "The patient has come of age: a guardian's credit line is no longer theirs to "
                          "use. They may open their own credit service or pay in full.",
                          {"adult_from": age.adult_from(born, adult_age).isoformat()})
        if link["status"] == "active":
            return
    raise Refusal(403, "account_not_linked",
                  "The account belongs neither to the patient nor to their guardian.")


def insurance_check(conn: sqlite3.Connection, patient_id: str) -> None:
    """A patient listed as dishonest has insurance real-time settlement suspended."""
    if conn.execute("SELECT 1 FROM accounts WHERE holder_patient_id = ? AND dishonest = 1",
                    (patient_id,)).fetchone():
        raise Refusal(403, "insurance_suspended",
                      "The patient is listed as dishonest: insurance real-time settlement is "
                      "suspended until the overdue bills are repaid.")


def bookable(conn: sqlite3.Connection, account: sqlite3.Row, profile: PolicyProfile,
             amount: int, now: datetime, *, partial: bool) -> int:
    """How much of ``amount`` the line takes: all of it, or (``partial``) as much as is
    available. Refuses a closed or suspended account and, under "repay before reuse", a
    line with anything overdue or nothing available."""
    if account["status"] == "closed":
        raise Refusal(409, "no_credit_service", "The credit service of this account is closed.")
    if account["status"] != "active":
        raise Refusal(403, "account_suspended",
                      f"The credit account is {account['status']}; repay before using it.")
    if amount <= 0:
        return 0
    available = max(0, account["line_fen"] - account["used_fen"])
    overdue = overdue_bills(conn, account["account_id"], now)
    if profile.repay_before_reuse and (overdue or available == 0):
        raise Refusal(409, "repay_first",
                      "The line is used up or a bill is overdue: repay before using it again.",
                      {"available_fen": available,
                       "overdue_fen": sum(b["amount_fen"] - b["paid_fen"] - b["refunded_fen"]
                                          for b in overdue)})
    if not partial and available < amount:
        raise Refusal(409, "insufficient_line",
                      "The available credit line does not cover the amount.",
                      {"available_fen": available, "amount_fen": amount})
    return min(amount, available)


def payment_row(conn: sqlite3.Connection, payment_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM payments WHERE payment_id = ?", (payment_id,)).fetchone()
    if row is None:
        raise Refusal(404, "payment_not_found", "No payment with this id.")
    return row


def payment_status(row: sqlite3.Row, now: datetime) -> str:
    if row["status"] == "pending" and now >= parse_iso(row["expires_at"]):
        return "expired"
    return row["status"]


def shortfall_refusal(shortfall: int, booked: int) -> Refusal:
    return Refusal(409, "shortfall_unpaid",
                   "The personal part exceeds what the line takes: the shortfall must be paid "
                   "through the payment channel first (a completed payment of exactly "
                   "shortfall_fen).", {"shortfall_fen": shortfall, "booked_fen": booked})


def line_then_channel(conn: sqlite3.Connection, now: datetime, profile: PolicyProfile, *,
                      patient_id: str, account_id: str | None, owed: int, payment_id: str | None,
                      purpose: str) -> tuple[sqlite3.Row | None, int, int, str]:
    """What a settlement owes goes on the credit line as far as it reaches; the rest must be a
    completed channel payment of exactly that amount. Returns ``(account, booked, paid,
    settlement_id)`` (the id the payment is now tied to)."""
    account, booked = None, 0
    if account_id is not None:
        account = require_account(conn, account_id)
        require_linked(conn, account, patient_id, now)
        booked = bookable(conn, account, profile, owed, now, partial=True)
    shortfall = owed - booked
    settlement_id = new_ordered_id("STL")
    paid = take_payment(conn, now, payment_id, purpose=purpose, amount=shortfall,
                        patient_id=patient_id, consumer=settlement_id,
                        unpaid=shortfall_refusal(shortfall, booked))
    return account, booked, paid, settlement_id


def take_payment(conn: sqlite3.Connection, now: datetime, payment_id: str | None, *,
                 purpose: str, amount: int, patient_id: str | None, consumer: str,
                 unpaid: Refusal, terminal_id: str | None = None) -> int:
    """Mark a completed channel payment of exactly ``amount`` as used by ``consumer``.

    ``unpaid`` is raised when there is no payment, it is not completed or its amount
    differs; a payment for another purpose or patient, or one already used, is refused
    with its own code. ``terminal_id``: the payment must have been started there (its id
    is on that terminal's screen, in the QR code, for anyone to read)."""
    if amount <= 0:
        if payment_id is not None:
            raise Refusal(409, "payment_not_needed",
                          "Nothing is left to pay through the payment channel.")
        return 0
    if payment_id is None:
        raise unpaid
    row = payment_row(conn, payment_id)
    if row["used_by"] is not None:
        raise Refusal(409, "payment_already_used", "This payment was already used.")
    if row["purpose"] != purpose or (patient_id is not None and row["patient_id"] != patient_id):
        raise Refusal(409, "payment_mismatch",
                      f"The payment is not a {purpose} payment of this patient.")
    if terminal_id is not None and row["terminal_id"] != terminal_id:
        raise Refusal(409, "payment_mismatch", "The payment was started at another terminal.")
    if payment_status(row, now) != "paid" or row["amount_fen"] != amount:
        raise unpaid
    conn.execute("UPDATE payments SET used_by = ? WHERE payment_id = ?", (consumer, payment_id))
    return amount


def create_settlement(conn: sqlite3.Connection, now: datetime, *, kind: str, prefix: str,
                      patient_id: str, account_id: str | None, terminal_id: str | None,
                      total: int, fund: int, personal: int, booked: int, paid: int,
                      deposit_used: int = 0, payment_id: str | None = None,
                      registration_id: str | None = None, admission_id: str | None = None,
                      settlement_id: str | None = None) -> tuple[str, str]:
    settlement_id = settlement_id or new_ordered_id("STL")
    reference = StoreBase.next_reference(conn, prefix, now)
    conn.execute(
        "INSERT INTO settlements (settlement_id, reference, kind, patient_id, account_id, "
        "terminal_id, total_fen, fund_fen, personal_fen, deposit_used_fen, booked_fen, "
        "paid_fen, payment_id, registration_id, admission_id, settled_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (settlement_id, reference, kind, patient_id, account_id, terminal_id, total, fund,
         personal, deposit_used, booked, paid, payment_id, registration_id, admission_id,
         iso(now)))
    return settlement_id, reference


def create_bill(conn: sqlite3.Connection, now: datetime, *, kind: str, settlement_id: str,
                account_id: str, patient_id: str, amount: int, due_at: datetime,
                visit_id: str | None = None, registration_id: str | None = None,
                admission_id: str | None = None, bill_id: str | None = None) -> str:
    """A bill for ``amount`` booked on the line (``used_fen`` grows by it)."""
    bill_id = bill_id or new_ordered_id("BIL")
    conn.execute(
        "INSERT INTO bills (bill_id, kind, settlement_id, account_id, patient_id, visit_id, "
        "registration_id, admission_id, amount_fen, created_at, due_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (bill_id, kind, settlement_id, account_id, patient_id, visit_id, registration_id,
         admission_id, amount, iso(now), iso(due_at)))
    conn.execute("UPDATE accounts SET used_fen = used_fen + ? WHERE account_id = ?",
                 (amount, account_id))
    return bill_id


def reduce_bill(conn: sqlite3.Connection, now: datetime, bill: sqlite3.Row, amount: int,
                column: str) -> None:
    """Pay (``paid_fen``) or refund (``refunded_fen``) part of a bill; the line gets the
    amount back."""
    if column not in ("paid_fen", "refunded_fen"):
        raise ValueError(column)
    left = bill["amount_fen"] - bill["paid_fen"] - bill["refunded_fen"] - amount
    conn.execute(f"UPDATE bills SET {column} = {column} + ?, "
                 "paid_at = CASE WHEN ? <= 0 THEN ? ELSE paid_at END WHERE bill_id = ?",
                 (amount, left, iso(now), bill["bill_id"]))
    conn.execute("UPDATE accounts SET used_fen = MAX(0, used_fen - ?) WHERE account_id = ?",
                 (amount, bill["account_id"]))


def open_bills(conn: sqlite3.Connection, account_id: str, *, besides: str | None = None) -> list:
    """The account's bills with something outstanding and no open dispute, oldest due first
    (the order repayments take): every patient's on the account, a linked minor's too."""
    rows = conn.execute(
        "SELECT b.*, s.reference AS reference FROM bills b JOIN settlements s "
        "ON s.settlement_id = b.settlement_id WHERE b.account_id = ? "
        "AND b.amount_fen - b.paid_fen - b.refunded_fen > 0 AND b.bill_id IS NOT ? "
        "AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.bill_id = b.bill_id AND d.status = 'open') "
        "ORDER BY b.due_at, b.created_at, b.bill_id", (account_id, besides)).fetchall()
    return list(rows)


def return_to_account(conn: sqlite3.Connection, now: datetime, bill: sqlite3.Row,
                      amount: int) -> dict:
    """``amount`` of the bill's settlement goes back to the credit account (000 art. 17:
    先退还至用户的信用就医账户), never out in cash: it takes the bill's own debt off first; what
    the patient had already repaid on the bill beyond what it now comes to is theirs again and
    pays the account's other open bills, oldest due first; what is left is the account's
    credit balance, which the financial institution returns to the patient.

    The bill's charge shrinks by ``amount`` (``refunded_fen``); the money repaid on it beyond
    the new charge leaves it (``paid_fen``) for the other bills. Answers ``{bill_fen,
    other_bills_fen, balance_fen, allocations}`` (``allocations``: the other bills paid, each
    ``{bill_id, reference, amount_fen, outstanding_fen}``)."""
    if not 0 < amount <= bill["amount_fen"] - bill["refunded_fen"]:
        raise ValueError("a refund to the account must be within the bill's charge")
    owed = bill["amount_fen"] - bill["paid_fen"] - bill["refunded_fen"]
    off_the_bill = min(amount, owed)
    freed = amount - off_the_bill  # already repaid on this bill: the patient's money again
    left = owed - off_the_bill
    conn.execute("UPDATE bills SET refunded_fen = refunded_fen + ?, paid_fen = paid_fen - ?, "
                 "paid_at = CASE WHEN ? <= 0 THEN COALESCE(paid_at, ?) ELSE paid_at END "
                 "WHERE bill_id = ?", (amount, freed, left, iso(now), bill["bill_id"]))
    conn.execute("UPDATE accounts SET used_fen = MAX(0, used_fen - ?) WHERE account_id = ?",
                 (off_the_bill, bill["account_id"]))
    allocations = []
    spare = freed
    for other in open_bills(conn, bill["account_id"], besides=bill["bill_id"]) if spare else ():
        part = min(spare, outstanding(other))
        reduce_bill(conn, now, other, part, "paid_fen")
        allocations.append({"bill_id": other["bill_id"], "reference": other["reference"],
                            "amount_fen": part, "outstanding_fen": outstanding(other) - part})
        spare -= part
        if not spare:
            break
    return {"bill_fen": off_the_bill, "other_bills_fen": freed - spare, "balance_fen": spare,
            "allocations": allocations}


def record(conn: sqlite3.Connection, now: datetime, terminal_id: str | None, kind: str,
           reference: str, *, credit: int = 0, channel: int = 0, cash: int = 0) -> None:
    """A reconciliation ledger entry of the terminal's business day."""
    conn.execute(
        "INSERT INTO ledger (terminal_id, business_date, kind, reference, amount_fen, "
        "credit_fen, channel_fen, cash_fen, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (terminal_id, business_date(now).isoformat(), kind, reference,
         credit + channel + cash, credit, channel, cash, iso(now)))


def restore_if_clear(conn: sqlite3.Connection, account_id: str, now: datetime) -> bool:
    """Nothing overdue left: a suspended account is active again at once, the dishonest
    listing and the unanswered reminders are cleared. True if the account changed."""
    if overdue_bills(conn, account_id, now):
        return False
    changed = conn.execute(
        "UPDATE accounts SET status = CASE WHEN status = 'suspended' THEN 'active' "
        "ELSE status END, dishonest = 0, reminders = 0 WHERE account_id = ? AND "
        "(status = 'suspended' OR dishonest = 1 OR reminders > 0)", (account_id,)).rowcount
    return bool(changed)
