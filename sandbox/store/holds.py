"""Holds and bookings: the credit platform's part of a settlement that crosses three systems (issue 12).

The kiosk's settlement saga (``kiosk/usecases/saga.py``) asks the credit platform for two things around
the insurance settlement (2207/2304): before it, a **hold** of the part going on the credit line (the
line's room is reserved, nothing is owed yet); after it, the **booking** of that hold (the hold becomes
a bill due under the city's policy, with the bill details the hospital pushes after settlement: the
HIS bills, their items in the national codes, the insurance ``setl_id``). A saga that cannot finish
**releases** the hold (before the booking) or **voids** the booking (after it: the insurance
settlement was cancelled with 2208/2305).

- ``hold``: ``held`` → ``booked`` (by one booking) or ``released``. Releasing a released hold answers
  the same; releasing a booked one is refused 409 ``hold_booked`` (void the booking instead); booking
  a released one 409 ``hold_released``; booking a booked one under another key 409
  ``hold_already_booked``.
- A held amount counts as used on the line (``used_fen``): two kiosks cannot promise the same room.
- ``void``: a booking nothing was repaid, refunded or disputed on is undone (the bill's charge
  refunded in full, the line's room back, the settlement marked ``voided_at``); voiding it again
  answers the same.

The tables and columns this adds are created here (``CREATE TABLE IF NOT EXISTS``, ``ALTER TABLE``), as
``payments`` does for its columns: an older sandbox file simply gains them.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta

from kiosk.domain.clock import business_date
from kiosk.policies import load_profile
from sandbox.store.base import Refusal, iso, new_id, parse_iso
from sandbox.store.booking import (
    bookable,
    create_bill,
    create_settlement,
    insurance_check,
    record,
    require_account,
    require_linked,
    require_patient,
)
from sandbox.store.views import account_view

KINDS = ("outpatient", "inpatient", "registration")
#: The settlement reference's prefix of each kind (ST 门诊, ZY 住院, GH 挂号).
PREFIX = {"outpatient": "ST", "inpatient": "ZY", "registration": "GH"}
#: The reconciliation ledger's kind of a booking of each kind (a void is ``void``: money going back).
LEDGER_KIND = {"outpatient": "settlement", "inpatient": "discharge", "registration": "registration"}
#: How far in the future a booking's ``ended_at`` may lie (a registration's session: today or the next days).
MAX_ENDED_AHEAD = timedelta(days=8)

SCHEMA = """
CREATE TABLE IF NOT EXISTS holds (
    hold_id       TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES patients (patient_id),
    account_id    TEXT NOT NULL REFERENCES accounts (account_id),
    kind          TEXT NOT NULL CHECK (kind IN ('outpatient', 'inpatient', 'registration')),
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    his_bill_ids  TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('held', 'booked', 'released')),
    settlement_id TEXT REFERENCES settlements (settlement_id),
    terminal_id   TEXT,
    created_at    TEXT NOT NULL,
    ended_at      TEXT
);
CREATE INDEX IF NOT EXISTS holds_by_account ON holds (account_id, status);
CREATE TABLE IF NOT EXISTS booked_bills (
    settlement_id TEXT NOT NULL REFERENCES settlements (settlement_id),
    his_bill_id   TEXT NOT NULL,
    visit_id      TEXT,
    setl_id       TEXT,
    total_fen     INTEGER NOT NULL CHECK (total_fen >= 0),
    PRIMARY KEY (settlement_id, his_bill_id)
);
CREATE TABLE IF NOT EXISTS booked_items (
    settlement_id    TEXT NOT NULL REFERENCES settlements (settlement_id),
    his_bill_id      TEXT NOT NULL,
    line_no          INTEGER NOT NULL,
    code             TEXT NOT NULL,
    name             TEXT NOT NULL,
    cnt              TEXT NOT NULL,
    pric_fen         INTEGER NOT NULL CHECK (pric_fen >= 0),
    amount_fen       INTEGER NOT NULL CHECK (amount_fen >= 0),
    med_chrgitm_type TEXT,
    chrgitm_lv       TEXT,
    PRIMARY KEY (settlement_id, his_bill_id, line_no)
)
"""
#: Columns added to ``settlements`` (name, SQL type).
_COLUMNS = (("hold_id", "TEXT"), ("setl_ids", "TEXT"), ("account_pay_fen", "INTEGER NOT NULL DEFAULT 0"),
            ("cash_fen", "INTEGER NOT NULL DEFAULT 0"), ("his_payment_id", "TEXT"), ("voided_at", "TEXT"))


def hold_view(conn: sqlite3.Connection, row: sqlite3.Row, now: datetime) -> dict:
    account = account_view(conn, row["account_id"], now)
    return {"hold_id": row["hold_id"], "status": row["status"], "kind": row["kind"], "patient_id": row["patient_id"],
            "account_id": row["account_id"], "amount_fen": row["amount_fen"],
            "his_bill_ids": json.loads(row["his_bill_ids"]), "booking_id": row["settlement_id"],
            "created_at": row["created_at"], "line_fen": account["line_fen"],
            "available_fen": account["available_fen"]}


def _hold_row(conn: sqlite3.Connection, hold_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM holds WHERE hold_id = ?", (hold_id,)).fetchone()
    if row is None:
        raise Refusal(404, "hold_not_found", "No hold with this id.")
    return row


def booking_view(conn: sqlite3.Connection, settlement_id: str, now: datetime) -> dict:
    s = conn.execute("SELECT * FROM settlements WHERE settlement_id = ?", (settlement_id,)).fetchone()
    bill = conn.execute("SELECT * FROM bills WHERE settlement_id = ?", (settlement_id,)).fetchone()
    account = account_view(conn, s["account_id"], now)
    bills = [{"his_bill_id": r["his_bill_id"], "visit_id": r["visit_id"], "setl_id": r["setl_id"],
              "total_fen": r["total_fen"],
              "items": [{"code": i["code"], "name": i["name"], "cnt": i["cnt"], "pric_fen": i["pric_fen"],
                         "amount_fen": i["amount_fen"], "med_chrgitm_type": i["med_chrgitm_type"],
                         "chrgitm_lv": i["chrgitm_lv"]}
                        for i in conn.execute("SELECT * FROM booked_items WHERE settlement_id = ? AND his_bill_id = ? "
                                              "ORDER BY line_no", (settlement_id, r["his_bill_id"]))]}
             for r in conn.execute("SELECT * FROM booked_bills WHERE settlement_id = ? ORDER BY rowid",
                                   (settlement_id,))]
    return {
        "booking_id": settlement_id, "settlement_id": settlement_id, "reference": s["reference"],
        "hold_id": s["hold_id"], "kind": s["kind"], "patient_id": s["patient_id"], "account_id": s["account_id"],
        "bill_id": bill["bill_id"] if bill else None,
        "setl_ids": json.loads(s["setl_ids"] or "[]"),
        "total_fen": s["total_fen"], "fund_fen": s["fund_fen"], "personal_fen": s["personal_fen"],
        "account_pay_fen": s["account_pay_fen"], "booked_fen": s["booked_fen"], "paid_fen": s["paid_fen"],
        "cash_fen": s["cash_fen"], "his_payment_id": s["his_payment_id"],
        "line_fen": account["line_fen"], "available_fen": account["available_fen"],
        "due_at": bill["due_at"] if bill else None, "settled_at": s["settled_at"],
        "status": "voided" if s["voided_at"] else "booked", "voided_at": s["voided_at"], "bills": bills,
    }


class HoldsMixin:

    def _migrate(self) -> None:
        super()._migrate()
        with self.transaction() as conn:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            columns = {r["name"] for r in conn.execute("PRAGMA table_info(settlements)")}
            for name, kind in _COLUMNS:
                if name not in columns:
                    conn.execute(f"ALTER TABLE settlements ADD COLUMN {name} {kind}")

    # -- writes ---------------------------------------------------------------------------------------

    def hold(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *, patient_id: str,
             account_id: str, kind: str, amount_fen: int, his_bill_ids: list[str]) -> dict:
        """Reserve ``amount_fen`` of the account's line for the patient's bills (the whole amount or
        nothing: 409 ``insufficient_line``)."""
        require_patient(conn, patient_id)
        account = require_account(conn, account_id)
        require_linked(conn, account, patient_id, now)
        if kind != "registration":
            insurance_check(conn, patient_id)
        if len(set(his_bill_ids)) != len(his_bill_ids):
            raise Refusal(422, "duplicate_bill", "A bill is named twice.")
        bookable(conn, account, self.profile, amount_fen, now, partial=False)
        hold_id = new_id("HLD")
        conn.execute(
            "INSERT INTO holds (hold_id, patient_id, account_id, kind, amount_fen, his_bill_ids, status, terminal_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, 'held', ?, ?)",
            (hold_id, patient_id, account_id, kind, amount_fen, json.dumps(his_bill_ids), terminal_id, iso(now)))
        conn.execute("UPDATE accounts SET used_fen = used_fen + ? WHERE account_id = ?", (amount_fen, account_id))
        return hold_view(conn, _hold_row(conn, hold_id), now)

    def release_hold(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                     hold_id: str) -> dict:
        row = _hold_row(conn, hold_id)
        if row["status"] == "booked":
            raise Refusal(409, "hold_booked", "The hold was booked: void the booking instead.",
                          {"booking_id": row["settlement_id"]})
        if row["status"] == "held":
            conn.execute("UPDATE holds SET status = 'released', ended_at = ? WHERE hold_id = ?", (iso(now), hold_id))
            conn.execute("UPDATE accounts SET used_fen = MAX(0, used_fen - ?) WHERE account_id = ?",
                         (row["amount_fen"], row["account_id"]))
        return hold_view(conn, _hold_row(conn, hold_id), now)

    def book_hold(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *, hold_id: str,
                  setl_ids: list[str], total_fen: int, fund_fen: int, account_pay_fen: int, paid_now_fen: int,
                  cash_fen: int = 0, his_payment_id: str | None = None, ended_at: str | None = None,
                  bills: list[dict], booked_fen: int | None = None) -> dict:
        """The hold becomes a bill due under the city's policy, with the bill details (``bills``: the HIS
        bills, each with its items and insurance ``setl_id``). The parts must add up: ``total = fund +
        personal`` and ``personal = account_pay + on credit (the hold) + paid_now + cash``; the bills'
        totals and their items add up to ``total``."""
        row = _hold_row(conn, hold_id)
        if row["status"] == "released":
            raise Refusal(409, "hold_released", "The hold was released: nothing can be booked on it.")
        if row["status"] == "booked":
            raise Refusal(409, "hold_already_booked", "The hold was booked already.",
                          {"booking_id": row["settlement_id"]})
        held = row["amount_fen"]
        on_credit = held if booked_fen is None else booked_fen
        if not 0 < on_credit <= held:
            raise Refusal(422, "amount_mismatch", "booked_fen is more than the hold (or nothing: release the hold).",
                          {"hold_fen": held})
        personal = total_fen - fund_fen
        if personal < 0 or personal != account_pay_fen + on_credit + paid_now_fen + cash_fen:
            raise Refusal(422, "amount_mismatch", "The parts do not add up: total = fund + personal and personal = "
                                                  "account_pay + booked (the hold) + paid_now + cash.",
                          {"hold_fen": held})
        his_ids = json.loads(row["his_bill_ids"])
        if sorted(b["his_bill_id"] for b in bills) != sorted(his_ids):
            raise Refusal(422, "bills_mismatch", "The bills booked are not the bills held.")
        if sum(b["total_fen"] for b in bills) != total_fen:
            raise Refusal(422, "amount_mismatch", "The bills' totals do not add up to total_fen.")
        for b in bills:
            if b["items"] and sum(i["amount_fen"] for i in b["items"]) != b["total_fen"]:
                raise Refusal(422, "amount_mismatch", f"The items of bill {b['his_bill_id']} do not add up.")
        ended = now
        if ended_at is not None:
            ended = parse_iso(ended_at)
            if ended - now > MAX_ENDED_AHEAD:
                raise Refusal(422, "invalid_request", "ended_at lies too far ahead.")
        kind = row["kind"]
        settlement_id, reference = create_settlement(
            conn, now, kind=kind, prefix=PREFIX[kind], patient_id=row["patient_id"], account_id=row["account_id"],
            terminal_id=terminal_id, total=total_fen, fund=fund_fen, personal=personal, booked=on_credit,
            paid=paid_now_fen)
        conn.execute("UPDATE settlements SET hold_id = ?, setl_ids = ?, account_pay_fen = ?, cash_fen = ?, "
                     "his_payment_id = ? WHERE settlement_id = ?",
                     (hold_id, json.dumps(setl_ids), account_pay_fen, cash_fen, his_payment_id, settlement_id))
        for b in bills:
            conn.execute("INSERT INTO booked_bills (settlement_id, his_bill_id, visit_id, setl_id, total_fen) "
                         "VALUES (?, ?, ?, ?, ?)",
                         (settlement_id, b["his_bill_id"], b.get("visit_id"), b.get("setl_id"), b["total_fen"]))
            for n, i in enumerate(b["items"], 1):
                conn.execute("INSERT INTO booked_items (settlement_id, his_bill_id, line_no, code, name, cnt, "
                             "pric_fen, amount_fen, med_chrgitm_type, chrgitm_lv) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (settlement_id, b["his_bill_id"], n, i["code"], i["name"], i["cnt"], i["pric_fen"],
                              i["amount_fen"], i.get("med_chrgitm_type"), i.get("chrgitm_lv")))
        # The hold's room becomes the bill's (create_bill puts the booked amount on the line again); what the
        # insurance's final split left of it is free again.
        conn.execute("UPDATE accounts SET used_fen = MAX(0, used_fen - ?) WHERE account_id = ?",
                     (held, row["account_id"]))
        account = conn.execute("SELECT policy FROM accounts WHERE account_id = ?", (row["account_id"],)).fetchone()
        create_bill(conn, now, kind=kind, settlement_id=settlement_id, account_id=row["account_id"],
                    patient_id=row["patient_id"], amount=on_credit,
                    due_at=load_profile(account["policy"]).due.due_at(ended))
        conn.execute("UPDATE holds SET status = 'booked', settlement_id = ?, ended_at = ? WHERE hold_id = ?",
                     (settlement_id, iso(now), hold_id))
        record(conn, now, terminal_id, LEDGER_KIND[kind], reference, credit=on_credit, channel=paid_now_fen,
               cash=cash_fen)
        return booking_view(conn, settlement_id, now)

    def book_direct(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *, patient_id: str,
                    account_id: str, kind: str, **booking) -> dict:
        """A booking without a prior hold: the kiosk settled the fund part while this platform did not answer
        and queued the personal part (issue 12, offline per counterpart). The same checks as a hold (the line
        must have the room now: 409 ``insufficient_line``; the account active, linked, no overdue bill), then
        the same booking; a bill another standing booking names is refused 409 ``bill_already_booked``
        (details ``his_bill_id``, ``booking_id``): a bill is never booked twice."""
        for b in booking["bills"]:
            found = conn.execute(
                "SELECT b.settlement_id FROM booked_bills b JOIN settlements s ON s.settlement_id = b.settlement_id "
                "WHERE b.his_bill_id = ? AND s.voided_at IS NULL", (b["his_bill_id"],)).fetchone()
            if found is not None:
                raise Refusal(409, "bill_already_booked", "Another booking already names this bill.",
                              {"his_bill_id": b["his_bill_id"], "booking_id": found["settlement_id"]})
        total, fund = booking["total_fen"], booking["fund_fen"]
        on_credit = booking.get("booked_fen")
        if on_credit is None:
            on_credit = (total - fund - booking.get("account_pay_fen", 0) - booking.get("paid_now_fen", 0)
                         - booking.get("cash_fen", 0))
        if on_credit <= 0:
            raise Refusal(422, "amount_mismatch", "Nothing goes on the line: there is nothing to book.",
                          {"hold_fen": 0})
        held = self.hold(conn, now, terminal_id, patient_id=patient_id, account_id=account_id, kind=kind,
                         amount_fen=on_credit, his_bill_ids=[b["his_bill_id"] for b in booking["bills"]])
        return self.book_hold(conn, now, terminal_id, hold_id=held["hold_id"], **booking)

    def void_booking(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *,
                     booking_id: str) -> dict:
        """Undo a booking whose insurance settlement was cancelled: only while nothing was repaid,
        refunded or disputed on its bill (else 409 ``booking_in_use``)."""
        s = conn.execute("SELECT * FROM settlements WHERE settlement_id = ? AND hold_id IS NOT NULL",
                         (booking_id,)).fetchone()
        if s is None:
            raise Refusal(404, "booking_not_found", "No booking with this id.")
        if s["voided_at"] is None:
            bill = conn.execute("SELECT * FROM bills WHERE settlement_id = ?", (booking_id,)).fetchone()
            disputed = conn.execute("SELECT 1 FROM disputes WHERE bill_id = ?", (bill["bill_id"],)).fetchone()
            if bill["paid_fen"] or bill["refunded_fen"] or s["refunded_fen"] or disputed:
                raise Refusal(409, "booking_in_use", "Something was repaid, refunded or disputed on this booking: "
                                                     "a refund at the desk undoes it instead.")
            conn.execute("UPDATE bills SET refunded_fen = amount_fen, paid_at = ? WHERE bill_id = ?",
                         (iso(now), bill["bill_id"]))
            conn.execute("UPDATE accounts SET used_fen = MAX(0, used_fen - ?) WHERE account_id = ?",
                         (bill["amount_fen"], bill["account_id"]))
            conn.execute("UPDATE settlements SET voided_at = ? WHERE settlement_id = ?", (iso(now), booking_id))
            record(conn, now, terminal_id, "void", s["reference"], credit=s["booked_fen"], channel=s["paid_fen"],
                   cash=s["cash_fen"])
        return booking_view(conn, booking_id, now)

    # -- reads ----------------------------------------------------------------------------------------

    def hold_info(self, hold_id: str) -> dict | None:
        now = self.now()
        with self.snapshot() as conn:
            row = conn.execute("SELECT * FROM holds WHERE hold_id = ?", (hold_id,)).fetchone()
            return hold_view(conn, row, now) if row else None

    def bookings(self, terminal_id: str, day: date) -> list[dict]:
        """The terminal's bookings of a business day (voided ones too), in the order they were made: the
        daily reconciliation compares them with the kiosk's journal."""
        now = self.now()
        start = iso(datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo))
        end = iso(datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo))
        with self.snapshot() as conn:
            rows = conn.execute("SELECT settlement_id, settled_at FROM settlements WHERE terminal_id = ? AND "
                                "hold_id IS NOT NULL AND settled_at >= ? AND settled_at < ? ORDER BY settled_at, rowid",
                                (terminal_id, start, end)).fetchall()
            return [booking_view(conn, r["settlement_id"], now) for r in rows
                    if business_date(parse_iso(r["settled_at"])) == day]

    def booking(self, booking_id: str) -> dict | None:
        now = self.now()
        with self.snapshot() as conn:
            if conn.execute("SELECT 1 FROM settlements WHERE settlement_id = ? AND hold_id IS NOT NULL",
                            (booking_id,)).fetchone() is None:
                return None
            return booking_view(conn, booking_id, now)
