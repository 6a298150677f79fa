"""Outpatient settlement (one visit, or several at once with a shortfall payment),
repayment and refunds."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from kiosk.policies import load_profile
from sandbox.store.base import Refusal, iso, new_id, parse_iso
from sandbox.store.booking import (
    create_bill,
    create_settlement,
    insurance_check,
    line_then_channel,
    record,
    reduce_bill,
    require_account,
    require_linked,
    require_patient,
    restore_if_clear,
    return_to_account,
    take_payment,
)
from sandbox.store.views import account_view, outstanding, overdue_bills, refundable

#: The parts of a refund (columns of ``refunds`` beyond the first schema): the fund part given
#: back to the insurance fund, and where the credit part went (this bill's debt, the account's
#: other bills, the balance the financial institution returns to the patient).
REFUND_PARTS = ("fund_fen", "to_bill_fen", "to_other_bills_fen", "to_balance_fen")
REFUND_ALLOCATIONS = """
CREATE TABLE IF NOT EXISTS refund_allocations (
    refund_id  TEXT NOT NULL REFERENCES refunds (refund_id),
    bill_id    TEXT NOT NULL REFERENCES bills (bill_id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (refund_id, bill_id)
)"""


def give_back(conn: sqlite3.Connection, now: datetime, settlement: sqlite3.Row, amount_fen: int) -> dict:
    """The refund accounting of a settlement, shared by a desk refund and a registration's
    cancellation: ``amount_fen`` of its personal part goes back, the part booked on credit first
    and to the credit account, never out in cash (000 art. 17; :func:`return_to_account`: this
    bill's debt, then the account's other open bills oldest due first, then the balance the
    financial institution returns to the patient); only beyond it, the part paid on the spot
    back through the payment channel it came from. The settlement's ``refunded_fen`` grows by
    the amount; a suspended account with nothing overdue left is active again.

    Answers ``{to_credit_fen, to_bill_fen, to_other_bills_fen, to_balance_fen, allocations,
    to_channel_fen, restored}``. The caller has refused an amount beyond what the settlement can
    still give back (:func:`refundable`)."""
    left = refundable(conn, settlement["settlement_id"])
    if not 0 <= amount_fen <= left["refundable_fen"]:
        raise ValueError("beyond what the settlement can still give back")
    bill = conn.execute("SELECT b.*, s.reference AS reference FROM bills b JOIN settlements s "
                        "ON s.settlement_id = b.settlement_id WHERE b.settlement_id = ?",
                        (settlement["settlement_id"],)).fetchone()
    to_credit = min(amount_fen, left["on_credit_fen"])
    parts = {"bill_fen": 0, "other_bills_fen": 0, "balance_fen": 0, "allocations": []}
    if to_credit:
        parts = return_to_account(conn, now, bill, to_credit)
    conn.execute("UPDATE settlements SET refunded_fen = refunded_fen + ? WHERE settlement_id = ?",
                 (amount_fen, settlement["settlement_id"]))
    restored = False
    if bill is not None:
        before = conn.execute("SELECT status FROM accounts WHERE account_id = ?",
                              (bill["account_id"],)).fetchone()["status"]
        restored = restore_if_clear(conn, bill["account_id"], now) and before == "suspended"
    return {"to_credit_fen": to_credit, "to_bill_fen": parts["bill_fen"],
            "to_other_bills_fen": parts["other_bills_fen"], "to_balance_fen": parts["balance_fen"],
            "allocations": parts["allocations"], "to_channel_fen": amount_fen - to_credit, "restored": restored}



def settlement_answer(settlement_id: str, reference: str, patient_id: str, account_id: str | None,
                      visit_ids, *, total: int, fund: int, personal: int, booked: int, paid: int, line: int,
                      available: int, due_at: str | None, settled_at: str, items: int) -> dict:
    """A settlement's answer (``POST /v1/settlements``), from the store's ``settle`` or a batch's set-based run
    (``sandbox.store.settle_run``)."""
    return {
        "settlement_id": settlement_id,
        "reference": reference,
        "patient_id": patient_id,
        "account_id": account_id,
        "visit_ids": list(visit_ids),
        "total_fen": total,
        "fund_fen": fund,
        "personal_fen": personal,
        "booked_fen": booked,
        "paid_fen": paid,
        "line_fen": line,
        "available_fen": available,
        "due_at": due_at,
        "settled_at": settled_at,
        "items_count": items,
    }

class MoneyMixin:

    # -- one visit (the first endpoint, kept as it was) -------------------------------------

    def settle_visit(self, *, terminal_id: str, idempotency_key: str, digest: str,
                     visit_id: str, account_id: str, personal_fen: int) -> tuple[int, str]:
        """Book a visit's personal part against a credit line, idempotently: see
        :meth:`StoreBase.keyed`."""
        return self.keyed(terminal_id, idempotency_key, digest, lambda conn, now: self.book_visit(
            conn, now, terminal_id, visit_id=visit_id, account_id=account_id,
            personal_fen=personal_fen))

    def book_visit(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                   visit_id: str, account_id: str, personal_fen: int) -> dict:
        visit = conn.execute("SELECT * FROM visits WHERE visit_id = ?", (visit_id,)).fetchone()
        if visit is None:
            raise Refusal(404, "visit_not_found", "No visit with this id.")
        account = require_account(conn, account_id)
        if visit["status"] != "open":
            raise Refusal(409, "visit_already_settled", "This visit has already been settled.")
        require_linked(conn, account, visit["patient_id"], now)
        if personal_fen != visit["personal_fen"]:
            raise Refusal(409, "amount_mismatch",
                          "personal_fen does not match the visit's personal part.")
        if account["status"] != "active":
            raise Refusal(403, "account_suspended",
                          f"The credit account is {account['status']}; repay before using it.")
        if self.profile.repay_before_reuse and overdue_bills(conn, account_id, now):
            raise Refusal(409, "repay_first", "A bill is overdue: repay before using the line.")
        available = account["line_fen"] - account["used_fen"]
        if available <= 0 or available < personal_fen:
            raise Refusal(409, "insufficient_line",
                          "The available credit line does not cover the personal part.")
        ended = parse_iso(visit["ended_at"]) if visit["ended_at"] else now
        due_at = load_profile(account["policy"]).due.due_at(ended)
        settlement_id, reference = create_settlement(
            conn, now, kind="outpatient", prefix="ST", patient_id=visit["patient_id"],
            account_id=account_id, terminal_id=terminal_id, total=visit["total_fen"],
            fund=visit["fund_fen"], personal=personal_fen, booked=personal_fen, paid=0)
        conn.execute("INSERT INTO settlement_visits (settlement_id, visit_id) VALUES (?, ?)",
                     (settlement_id, visit_id))
        create_bill(conn, now, kind="outpatient", settlement_id=settlement_id,
                    account_id=account_id, patient_id=visit["patient_id"], amount=personal_fen,
                    due_at=due_at, visit_id=visit_id)
        conn.execute("UPDATE visits SET status = 'settled', ended_at = COALESCE(ended_at, ?) "
                     "WHERE visit_id = ?", (iso(ended), visit_id))
        record(conn, now, terminal_id, "settlement", reference, credit=personal_fen)
        used = account["used_fen"] + personal_fen
        return {
            "settlement_id": settlement_id,
            "reference": reference,
            "visit_id": visit_id,
            "account_id": account_id,
            "total_fen": visit["total_fen"],
            "fund_fen": visit["fund_fen"],
            "personal_fen": personal_fen,
            "booked_fen": personal_fen,
            "line_fen": account["line_fen"],
            "available_fen": max(0, account["line_fen"] - used),
            "due_at": iso(due_at),
            "settled_at": iso(now),
        }

    # -- several visits at once ----------------------------------------------------------

    def settle(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
               patient_id: str, account_id: str | None, visit_ids: list[str],
               payment_id: str | None = None) -> dict:
        require_patient(conn, patient_id)
        if len(set(visit_ids)) != len(visit_ids):
            raise Refusal(422, "duplicate_visit", "A visit is listed twice.")
        visits = []
        for visit_id in visit_ids:
            visit = conn.execute("SELECT v.*, (SELECT COUNT(*) FROM visit_items i WHERE i.visit_id = v.visit_id) "
                                 "AS items_count FROM visits v WHERE v.visit_id = ?", (visit_id,)).fetchone()
            if visit is None:
                raise Refusal(404, "visit_not_found", f"No visit {visit_id}.")
            if visit["patient_id"] != patient_id:
                raise Refusal(409, "visit_not_of_patient",
                              f"Visit {visit_id} is not this patient's.")
            if visit["status"] != "open":
                raise Refusal(409, "visit_already_settled",
                              f"Visit {visit_id} has already been settled.")
            visits.append(visit)
        insurance_check(conn, patient_id)
        total = sum(v["total_fen"] for v in visits)
        fund = sum(v["fund_fen"] for v in visits)
        personal = sum(v["personal_fen"] for v in visits)
        items = sum(v["items_count"] for v in visits)

        account, booked, paid, settlement_id = line_then_channel(
            conn, now, self.profile, patient_id=patient_id, account_id=account_id, owed=personal,
            payment_id=payment_id, purpose="settlement")
        settlement_id, reference = create_settlement(
            conn, now, kind="outpatient", prefix="ST", patient_id=patient_id,
            account_id=account_id, terminal_id=terminal_id, total=total, fund=fund,
            personal=personal, booked=booked, paid=paid, payment_id=payment_id,
            settlement_id=settlement_id)
        ended = max(parse_iso(v["ended_at"]) if v["ended_at"] else now for v in visits)
        for visit in visits:
            conn.execute("INSERT INTO settlement_visits (settlement_id, visit_id) VALUES (?, ?)",
                         (settlement_id, visit["visit_id"]))
            conn.execute("UPDATE visits SET status = 'settled', ended_at = COALESCE(ended_at, ?) "
                         "WHERE visit_id = ?", (iso(now), visit["visit_id"]))
        due_at = None
        if booked:
            due_at = load_profile(account["policy"]).due.due_at(ended)
            create_bill(conn, now, kind="outpatient", settlement_id=settlement_id,
                        account_id=account_id, patient_id=patient_id, amount=booked,
                        due_at=due_at,
                        visit_id=visit_ids[0] if len(visit_ids) == 1 else None)
        record(conn, now, terminal_id, "settlement", reference, credit=booked, channel=paid)
        # The account as account_view would show it now: the row read before booking, plus
        # what create_bill has just put on the line (nothing else wrote to it since).
        line = account["line_fen"] if account is not None else 0
        available = max(0, line - account["used_fen"] - booked) if account is not None else 0
        return settlement_answer(settlement_id, reference, patient_id, account_id, visit_ids, total=total, fund=fund,
                                 personal=personal, booked=booked, paid=paid, line=line, available=available,
                                 due_at=iso(due_at) if due_at else None, settled_at=iso(now), items=items)

    # -- repayment -------------------------------------------------------------------------

    def repay(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
              account_id: str, amount_fen: int, channel: str, payment_id: str | None = None,
              operator_id: str | None = None, bill_ids: list[str] | None = None) -> dict:
        account = require_account(conn, account_id)
        if channel == "payment_channel" and not payment_id:
            raise Refusal(422, "payment_required",
                          "A repayment through the payment channel needs payment_id.")
        if channel != "payment_channel" and not operator_id:
            raise Refusal(422, "operator_required",
                          "Cash and bank-card repayments are taken by a cashier: operator_id.")
        if channel != "payment_channel" and payment_id:
            raise Refusal(422, "payment_not_needed",
                          "payment_id is only for repayments through the payment channel.")
        rows = conn.execute(
            "SELECT b.*, (SELECT COUNT(*) FROM disputes d WHERE d.bill_id = b.bill_id AND "
            "d.status = 'open') AS open_disputes FROM bills b WHERE b.account_id = ? "
            "ORDER BY b.due_at, b.created_at, b.bill_id", (account_id,)).fetchall()
        if bill_ids:
            if len(set(bill_ids)) != len(bill_ids):
                raise Refusal(422, "duplicate_bill", "A bill is listed twice.")
            by_id = {r["bill_id"]: r for r in rows}
            missing = [b for b in bill_ids if b not in by_id]
            if missing:
                raise Refusal(404, "bill_not_found",
                              "A listed bill does not exist on this account.",
                              {"bill_ids": missing})
            chosen = set(bill_ids)
            candidates = [r for r in rows if r["bill_id"] in chosen and outstanding(r) > 0]
        else:  # oldest first; bills under an open dispute wait for the answer
            candidates = [r for r in rows if outstanding(r) > 0 and not r["open_disputes"]]
        owed = sum(outstanding(r) for r in candidates)
        if amount_fen > owed:
            raise Refusal(409, "overpayment", "The amount exceeds what is owed.",
                          {"owed_fen": owed})
        repayment_id = new_id("RPY")
        if channel == "payment_channel":
            take_payment(conn, now, payment_id, purpose="repayment", amount=amount_fen,
                         patient_id=None, consumer=repayment_id, terminal_id=terminal_id,
                         unpaid=Refusal(409, "payment_not_completed",
                                        "The repayment needs a completed channel payment of "
                                        "the same amount.", {"amount_fen": amount_fen}))
        reference = self.next_reference(conn, "HK", now)
        conn.execute(
            "INSERT INTO repayments (repayment_id, reference, account_id, amount_fen, channel, "
            "payment_id, operator_id, terminal_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (repayment_id, reference, account_id, amount_fen, channel, payment_id, operator_id,
             terminal_id, iso(now)))
        left = amount_fen
        allocations = []
        for bill in candidates:
            if left <= 0:
                break
            part = min(left, outstanding(bill))
            reduce_bill(conn, now, bill, part, "paid_fen")
            conn.execute("INSERT INTO repayment_allocations (repayment_id, bill_id, amount_fen) "
                         "VALUES (?, ?, ?)", (repayment_id, bill["bill_id"], part))
            allocations.append({"bill_id": bill["bill_id"], "amount_fen": part,
                                "outstanding_fen": outstanding(bill) - part})
            left -= part
        restored = restore_if_clear(conn, account_id, now)
        cash = amount_fen if channel == "cash" else 0
        record(conn, now, terminal_id, "repayment", reference, channel=amount_fen - cash,
               cash=cash)
        return {
            "repayment_id": repayment_id,
            "reference": reference,
            "account_id": account_id,
            "amount_fen": amount_fen,
            "channel": channel,
            "bills_paid": [a["bill_id"] for a in allocations],
            "allocations": allocations,
            "restored": restored and account["status"] == "suspended",
            "account": account_view(conn, account_id, now),
            "repaid_at": iso(now),
        }

    # -- refunds ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        """The refund's parts (columns of ``refunds``) and the other bills a refund paid
        (``refund_allocations``): added to a database of an earlier sandbox, whose refunds
        took all their credit part off their own bill."""
        super()._migrate()
        with self.transaction() as conn:
            columns = {r["name"] for r in conn.execute("PRAGMA table_info(refunds)")}
            for column in REFUND_PARTS:
                if column not in columns:
                    conn.execute(f"ALTER TABLE refunds ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
                    if column == "to_bill_fen":
                        conn.execute("UPDATE refunds SET to_bill_fen = to_credit_fen")
            conn.execute(REFUND_ALLOCATIONS)

    def refund(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
               settlement_id: str, amount_fen: int, operator_id: str, reason: str,
               fund_fen: int = 0) -> dict:
        """Give back ``amount_fen`` of a settlement's personal part (and record ``fund_fen``
        of its fund part going back to the insurance fund).

        The part booked on credit goes first, and to the credit account, never out in cash;
        only beyond it, the part paid on the spot goes back through the payment channel it
        came from (:func:`give_back`). The fund part moves between the hospital and the
        insurer: recorded here, no money at the desk. Refused beyond what the settlement can
        still give back."""
        settlement = conn.execute("SELECT * FROM settlements WHERE settlement_id = ?",
                                  (settlement_id,)).fetchone()
        if settlement is None:
            raise Refusal(404, "settlement_not_found", "No settlement with this id.")
        left = refundable(conn, settlement_id)
        if amount_fen > left["refundable_fen"] or fund_fen > left["fund_refundable_fen"]:
            raise Refusal(409, "refund_exceeds",
                          "The refund exceeds what the settlement can still give back: its personal "
                          "part (fund part) less earlier refunds.",
                          {"refundable_fen": left["refundable_fen"],
                           "fund_refundable_fen": left["fund_refundable_fen"]})
        back = give_back(conn, now, settlement, amount_fen)
        to_credit, to_channel = back["to_credit_fen"], back["to_channel_fen"]
        refund_id = new_id("RFD")
        reference = self.next_reference(conn, "TK", now)
        conn.execute(
            "INSERT INTO refunds (refund_id, reference, settlement_id, amount_fen, "
            "to_credit_fen, to_channel_fen, operator_id, reason, terminal_id, created_at, "
            "fund_fen, to_bill_fen, to_other_bills_fen, to_balance_fen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (refund_id, reference, settlement_id, amount_fen, to_credit, to_channel,
             operator_id, reason, terminal_id, iso(now), fund_fen, back["to_bill_fen"],
             back["to_other_bills_fen"], back["to_balance_fen"]))
        conn.executemany("INSERT INTO refund_allocations (refund_id, bill_id, amount_fen) VALUES (?, ?, ?)",
                         [(refund_id, a["bill_id"], a["amount_fen"]) for a in back["allocations"]])
        account_id = settlement["account_id"]
        record(conn, now, terminal_id, "refund", reference, credit=to_credit,
               channel=to_channel)
        return {
            "refund_id": refund_id,
            "reference": reference,
            "settlement_id": settlement_id,
            "settlement_reference": settlement["reference"],
            "amount_fen": amount_fen,
            "to_credit_fen": to_credit,
            "to_bill_fen": back["to_bill_fen"],
            "to_other_bills_fen": back["to_other_bills_fen"],
            "to_balance_fen": back["to_balance_fen"],
            "allocations": back["allocations"],
            "to_channel_fen": to_channel,
            "channel": "payment_channel" if to_channel else None,
            "fund_fen": fund_fen,
            "restored": back["restored"],
            "account": account_view(conn, account_id, now) if account_id else None,
            "refunded_at": iso(now),
        }
