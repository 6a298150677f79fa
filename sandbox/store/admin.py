"""Disputes, daily reconciliation, and the sandbox's own machinery: the movable clock and
the nightly batch that applies the city's overdue rule."""
from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

from kiosk.domain import age
from kiosk.domain.clock import business_date, midnight
from kiosk.domain.idnumber import parse_id_number
from kiosk.domain.workdays import CN_CALENDAR, add_working_days
from kiosk.policies import load_profile
from sandbox.reference_data import DISPUTE_REASON_CODES
from sandbox.store.base import Refusal, iso, new_id, parse_iso
from sandbox.store.booking import reduce_bill, restore_if_clear
from sandbox.store.views import bill_row, bill_view, overdue_bills

LEDGER_KINDS = ("registration", "registration_cancel", "settlement", "discharge", "repayment",
                "refund", "void")
#: The longest single clock move (the nightly batch runs once per day passed).
MAX_CLOCK_JUMP = timedelta(days=800)


class AdminMixin:

    # -- disputes ----------------------------------------------------------------------------

    def raise_dispute(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None,
                      *, bill_id: str, reason_code: str, text: str | None = None) -> dict:
        bill = bill_row(conn, bill_id)
        if bill is None:
            raise Refusal(404, "bill_not_found", "No bill with this id.")
        if reason_code not in DISPUTE_REASON_CODES:
            raise Refusal(422, "unknown_reason", "Unknown dispute reason code.",
                          {"reason_codes": sorted(DISPUTE_REASON_CODES)})
        if bill["open_disputes"]:
            raise Refusal(409, "already_disputed", "This bill already has an open dispute.")
        answer_due = add_working_days(business_date(now),
                                      self.profile.dispute_answer_working_days, CN_CALENDAR)
        dispute_id = new_id("DSP")
        conn.execute(
            "INSERT INTO disputes (dispute_id, bill_id, reason_code, text, status, raised_at, "
            "answer_due, terminal_id) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
            (dispute_id, bill_id, reason_code, text, iso(now), answer_due.isoformat(),
             terminal_id))
        return {
            "dispute_id": dispute_id,
            "bill_id": bill_id,
            "reason_code": reason_code,
            "status": "open",
            "raised_at": iso(now),
            "answer_due": answer_due.isoformat(),
            "calendar_covered": CN_CALENDAR.covers(answer_due.year)
            and CN_CALENDAR.covers(business_date(now).year),
        }

    def resolve_dispute(self, conn: sqlite3.Connection, now: datetime,
                        terminal_id: str | None = None, *, dispute_id: str, outcome: str,
                        adjust_fen: int = 0) -> dict:
        """The operator's answer (sandbox control): ``upheld`` may take ``adjust_fen`` off
        the bill (back to the line); ``rejected`` leaves the bill as it was."""
        dispute = conn.execute("SELECT * FROM disputes WHERE dispute_id = ?",
                               (dispute_id,)).fetchone()
        if dispute is None:
            raise Refusal(404, "dispute_not_found", "No dispute with this id.")
        if dispute["status"] != "open":
            raise Refusal(409, "dispute_closed", "The dispute was already answered.")
        bill = bill_row(conn, dispute["bill_id"])
        left = bill["amount_fen"] - bill["paid_fen"] - bill["refunded_fen"]
        if outcome != "upheld" and adjust_fen:
            raise Refusal(422, "adjust_not_allowed", "Only an upheld dispute adjusts the bill.")
        if adjust_fen > left:
            raise Refusal(409, "refund_exceeds", "The adjustment exceeds what is outstanding.",
                          {"outstanding_fen": left})
        conn.execute("UPDATE disputes SET status = ?, resolved_at = ? WHERE dispute_id = ?",
                     (outcome, iso(now), dispute_id))
        if adjust_fen:
            reduce_bill(conn, now, bill, adjust_fen, "refunded_fen")
            conn.execute("UPDATE settlements SET refunded_fen = refunded_fen + ? "
                         "WHERE settlement_id = ?", (adjust_fen, bill["settlement_id"]))
        restore_if_clear(conn, bill["account_id"], now)
        return bill_view(conn, bill_row(conn, bill["bill_id"]), now)

    # -- reconciliation ------------------------------------------------------------------------

    def reconciliation(self, terminal_id: str, day: date) -> dict:
        with self.snapshot() as conn:
            rows = conn.execute(
                "SELECT * FROM ledger WHERE terminal_id = ? AND business_date = ? "
                "ORDER BY entry_id", (terminal_id, day.isoformat())).fetchall()
        entries = [{k: r[k] for k in ("kind", "reference", "amount_fen", "credit_fen",
                                      "channel_fen", "cash_fen", "at")} for r in rows]
        totals = {kind: {"count": 0, "amount_fen": 0, "credit_fen": 0, "channel_fen": 0,
                         "cash_fen": 0} for kind in LEDGER_KINDS}
        for e in entries:
            t = totals[e["kind"]]
            t["count"] += 1
            for k in ("amount_fen", "credit_fen", "channel_fen", "cash_fen"):
                t[k] += e[k]
        return {"date": day.isoformat(), "terminal_id": terminal_id, "entries": entries,
                "totals": totals}

    # -- the movable clock -----------------------------------------------------------------

    def move_clock(self, *, advance_s: int | None = None,
                   set_to: datetime | None = None) -> dict:
        """Move the business clock forward (never back) and run the nightly batch for
        every day passed. Returns ``{now, batch_days}``."""
        with self.transaction() as conn:
            return self.move_clock_in(conn, advance_s=advance_s, set_to=set_to)

    def move_clock_in(self, conn: sqlite3.Connection, *, advance_s: int | None = None,
                      set_to: datetime | None = None) -> dict:
        now = self.now()
        target = now + timedelta(seconds=advance_s) if advance_s is not None else set_to
        if target is None:
            raise Refusal(422, "invalid_request", "Give advance_s or set_to.")
        if target < now:
            raise Refusal(409, "clock_backwards", "The sandbox clock never goes back.",
                          {"now": iso(now)})
        if target - now > MAX_CLOCK_JUMP:
            raise Refusal(422, "clock_jump_too_large",
                          f"Move the clock at most {MAX_CLOCK_JUMP.days} days at once.")
        previous = self._offset
        self._offset = previous + (target - now)
        try:
            self.set_state("clock_offset_s", repr(self._offset.total_seconds()), conn)
            days = self._run_batches(conn, self.now())
        except BaseException:
            self._offset = previous
            raise
        return {"now": iso(self.now()), "batch_days": [d.isoformat() for d in days]}

    def start_clock_at(self, moment: datetime) -> None:
        """Set up an empty sandbox to live at ``moment`` (tests and demos of a given day,
        e.g. before a public holiday). Only before any data exists: afterwards the clock
        only moves forward."""
        with self.transaction() as conn:
            if conn.execute("SELECT COUNT(*) FROM patients").fetchone()[0]:
                raise RuntimeError("the sandbox already holds data: its clock only moves on")
            self._offset = moment - self.wall_now()
            self.set_state("clock_offset_s", repr(self._offset.total_seconds()), conn)
            today = business_date(moment).isoformat()
            self.set_state("last_batch_date", today, conn)
            self._last_batch = business_date(moment)

    def advance_clock(self, seconds: int) -> dict:
        return self.move_clock(advance_s=seconds)

    # -- the nightly batch -------------------------------------------------------------------

    def catch_up(self) -> list[date]:
        """Run the nightly batch for each business day begun since the last run (cheap
        when there is none: called before every request)."""
        today = business_date(self.now())
        if self._last_batch is not None and self._last_batch >= today:
            return []
        with self.transaction() as conn:
            return self._run_batches(conn, self.now())

    def _run_batches(self, conn: sqlite3.Connection, now: datetime) -> list[date]:
        today = business_date(now)
        last_text = conn.execute("SELECT value FROM sandbox_state WHERE key = "
                                 "'last_batch_date'").fetchone()
        last = date.fromisoformat(last_text[0]) if last_text else today
        days = []
        day = last + timedelta(days=1)
        while day <= today:
            self._nightly(conn, midnight(day))
            days.append(day)
            day += timedelta(days=1)
        self.set_state("last_batch_date", max(last, today).isoformat(), conn)
        self._last_batch = max(last, today)
        return days

    @staticmethod
    def _links_of_the_grown_up_end(conn: sqlite3.Connection, moment: datetime) -> None:
        """Minors' links to a guardian's account end at 00:00 of the day they come of age (the
        18th birthday itself, ``kiosk.domain.age``): from then on they may open their
        own service (``credit/open`` would see the guardian's account as theirs otherwise)."""
        day = business_date(moment)
        links = conn.execute("SELECT l.patient_id, p.id_number, a.policy FROM credit_links l JOIN patients p "
                             "ON p.patient_id = l.patient_id JOIN accounts a ON a.account_id = l.account_id "
                             "WHERE l.status = 'active'").fetchall()
        for link in links:
            born = parse_id_number(link["id_number"]).birth_date
            if age.is_adult_on(born, day, load_profile(link["policy"]).adult_age):
                conn.execute("UPDATE credit_links SET status = 'closed', closed_at = ? WHERE patient_id = ?",
                             (iso(midnight(age.adult_from(born, load_profile(link["policy"]).adult_age))),
                              link["patient_id"]))

    def _nightly(self, conn: sqlite3.Connection, moment: datetime) -> None:
        """The batch that runs at 00:00 of a business day, per the account's city rule:
        reminders for each overdue bill (the account counts one a day: the patient's reminder
        names them all); suspension (Xiamen: once the reminders went unanswered; Hangzhou: as
        soon as a bill is overdue); the dishonest listing once a bill is overdue for over a
        month (Hangzhou; ``OverdueRule.dishonest_from``). Bills under an open dispute are left
        alone. First, a minor who has come of age that day leaves the guardian's line (their
        earlier bills stay there)."""
        self._links_of_the_grown_up_end(conn, moment)
        accounts = conn.execute("SELECT * FROM accounts WHERE status != 'closed'").fetchall()
        for account in accounts:
            overdue = overdue_bills(conn, account["account_id"], moment)
            if not overdue:
                continue
            rule = load_profile(account["policy"]).overdue_rule
            status = account["status"]
            dishonest = account["dishonest"]
            if status == "active" and (
                    rule.suspend_when_overdue or (
                        rule.suspend_after_reminders is not None
                        and account["reminders"] >= rule.suspend_after_reminders)):
                status = "suspended"
            sent = 0
            for bill in overdue:
                due = parse_iso(bill["due_at"])
                if (moment - due).days % rule.reminder_interval_days == 0:
                    conn.execute("UPDATE bills SET reminders = reminders + 1 WHERE bill_id = ?",
                                 (bill["bill_id"],))
                    sent += 1
                listed_from = rule.dishonest_from(due)
                if listed_from is not None and moment >= listed_from:
                    dishonest = 1
            # One reminder to the patient a day, whatever the number of bills it names: "reminded
            # three times" (000 art. 27) counts days, so two overdue bills do not halve the time.
            conn.execute("UPDATE accounts SET status = ?, dishonest = ?, "
                         "reminders = reminders + ? WHERE account_id = ?",
                         (status, dishonest, 1 if sent else 0, account["account_id"]))
