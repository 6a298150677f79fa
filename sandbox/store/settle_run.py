"""Settlements of one ``POST /v1/batch``, set-based (``sandbox.routes.batch``): the rows they read
fetched for the whole batch at once, the rows they write kept and written by ``executemany``.

A settlement goes this way only where :meth:`MoneyMixin.settle` would book it whole on its
own account, with nothing refused (:meth:`SettlementRun.fits`: the patient holds the account,
every visit open and theirs, the account active, nothing overdue, the line covering the
personal part, no payment); anything else, or anything unsure, takes the store's own
``settle`` (after the kept rows are written): its refusals, links and payments stay in one
place. It still arrives through the route and :meth:`StoreBase.keyed` like any write (stored
answers, the platform's authority, the answer model, the idempotency row); only its own reads
and writes are batched. The rows and the answer are those ``settle`` makes.

The kept rows are written (:meth:`SettlementRun.flush`) before any other operation of the
batch runs and at its end, inside the batch's transaction: whatever runs next reads them.
"""
from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

from kiosk.domain.clock import business_date
from kiosk.policies import load_profile
from sandbox.store.base import iso, new_ordered_id, parse_iso
from sandbox.store.money import settlement_answer
from sandbox.store.views import _BILLS_SQL

#: A bill due this close to the moment a settlement is checked counts as overdue for the
#: check: the settlement then goes the store's own way, which decides at its own moment.
MARGIN = timedelta(minutes=1)
CHUNK = 500  # ids per ``IN (...)``


class NotAsChecked(RuntimeError):
    """What a settlement found when applied differs from what was checked (a clock jumping
    ahead past a due time in between): nothing written, the operation fails (500, retried)."""


def _rows(conn: sqlite3.Connection, sql: str, ids: list[str]) -> list[sqlite3.Row]:
    found = []
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        found += conn.execute(sql.format(marks=",".join("?" * len(part))), part).fetchall()
    return found


class SettlementRun:
    """The batch's settlements: :meth:`load` their rows, :meth:`fits` each one, :meth:`apply`
    it (the ``op`` of the settlements route), :meth:`flush` the kept rows."""

    def __init__(self, store, conn: sqlite3.Connection):
        self.store = store
        self.conn = conn
        self.repay_first = store.profile.repay_before_reuse
        # Pure functions of their keys, kept for the run (small: a batch's few visit ends and days)
        self._parsed: dict[str, datetime] = {}
        self._dues_at: dict[tuple[str, datetime], datetime] = {}
        self._heads: dict[tuple[str, date], str] = {}
        self._clear()

    def _clear(self) -> None:
        self.patients: set[str] = set()
        self.dishonest: set[str] = set()
        self.visits: dict[str, dict] = {}
        self.accounts: dict[str, dict] = {}
        # account -> the earliest due time of its unpaid, undisputed bills (None: none); "a bill due by
        # then" is "the earliest due by then"
        self.first_due: dict[str, datetime | None] = {}
        self.sequences: dict[str, int] = {}  # head -> its last number, as read or counted here
        self._bumped: set[str] = set()  # heads counted here, not yet written
        self.loaded = False
        self._rows: dict[str, list[tuple]] = {"settlements": [], "links": [], "visits": [], "bills": [],
                                              "ledger": []}
        self._used: dict[str, int] = {}
        self._pending: tuple | None = None

    def load(self, bodies: list[dict]) -> None:
        """Read at once what the settlements ``bodies`` read: patients, visits, accounts."""
        conn = self.conn
        patients = sorted({b["patient_id"] for b in bodies})
        visits = sorted({v for b in bodies for v in b["visit_ids"]})
        accounts = sorted({b["account_id"] for b in bodies if b["account_id"] is not None})
        self.patients = {r[0] for r in _rows(conn, "SELECT patient_id FROM patients WHERE patient_id IN ({marks})",
                                             patients)}
        self.dishonest = {r[0] for r in _rows(conn, "SELECT holder_patient_id FROM accounts WHERE dishonest = 1 "
                                                    "AND holder_patient_id IN ({marks})", patients)}
        self.visits = {r["visit_id"]: dict(r) for r in _rows(
            conn, "SELECT v.*, (SELECT COUNT(*) FROM visit_items i WHERE i.visit_id = v.visit_id) AS items_count "
                  "FROM visits v WHERE v.visit_id IN ({marks})", visits)}
        self.accounts = {r["account_id"]: dict(r) for r in _rows(
            conn, "SELECT * FROM accounts WHERE account_id IN ({marks})", accounts)}
        self.first_due = dict.fromkeys(self.accounts)
        for r in _rows(conn, _BILLS_SQL + " WHERE b.account_id IN ({marks}) "
                       "AND b.amount_fen - b.paid_fen - b.refunded_fen > 0", list(self.accounts)):
            if not r["open_disputes"]:
                self._due(r["account_id"], parse_iso(r["due_at"]))
        self.loaded = True

    def invalidate(self) -> None:
        """Another operation is about to run: the kept rows written, what was read forgotten."""
        self.flush()
        self._clear()

    def fits(self, body: dict, now: datetime) -> bool:
        """Would ``settle`` book this whole on the account, refusing nothing? (False: unsure.)"""
        account_id, visit_ids = body["account_id"], body["visit_ids"]
        if body.get("payment_id") is not None or account_id is None or body["patient_id"] not in self.patients:
            return False
        if len(set(visit_ids)) != len(visit_ids) or body["patient_id"] in self.dishonest:
            return False
        owed = 0
        for visit_id in visit_ids:
            visit = self.visits.get(visit_id)
            if visit is None or visit["patient_id"] != body["patient_id"] or visit["status"] != "open":
                return False
            owed += visit["personal_fen"]
        account = self.accounts.get(account_id)
        if account is None or account["holder_patient_id"] != body["patient_id"] or account["status"] != "active":
            return False
        if owed <= 0 or account["line_fen"] - account["used_fen"] < owed:
            return False
        first = self.first_due[account_id]
        return not (self.repay_first and first is not None and first <= now + MARGIN)

    def apply(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None, *, patient_id: str,
              account_id: str | None, visit_ids: list[str], payment_id: str | None = None) -> dict:
        """What ``settle`` answers for a settlement that :meth:`fits`; its rows are kept once the
        batch has its answer (:meth:`keep`; :meth:`drop` if it has not)."""
        # Checked by :meth:`fits` just before (nothing written since): only time may have moved on.
        first = self.first_due[account_id]
        if self.repay_first and first is not None and first <= now:
            raise NotAsChecked("a bill of the account fell due since the settlement was checked")
        visits = [self.visits[v] for v in visit_ids]
        account = self.accounts[account_id]
        total = fund = personal = items = 0
        for v in visits:
            total += v["total_fen"]
            fund += v["fund_fen"]
            personal += v["personal_fen"]
            items += v["items_count"]
        settlement_id, bill_id = new_ordered_id("STL"), new_ordered_id("BIL")
        day = business_date(now)
        head, number = self._reference("ST", day)
        reference = f"{head}{number:06d}"
        at = iso(now)
        ended = max(self._ended(v["ended_at"]) if v["ended_at"] else now for v in visits)
        due_at = self._due_at(account["policy"], ended)
        line, used = account["line_fen"], account["used_fen"]
        self._pending = (head, number, account_id, personal, due_at, visits, at, settlement_id, (
            (settlement_id, reference, "outpatient", patient_id, account_id, terminal_id, total, fund,
             personal, 0, personal, 0, None, None, None, at),
            (bill_id, "outpatient", settlement_id, account_id, patient_id,
             visit_ids[0] if len(visit_ids) == 1 else None, None, None, personal, at, iso(due_at)),
            (terminal_id, day.isoformat(), "settlement", reference, personal, personal, 0, 0, at)))
        return settlement_answer(settlement_id, reference, patient_id, account_id, visit_ids, total=total, fund=fund,
                                 personal=personal, booked=personal, paid=0, line=line,
                                 available=max(0, line - used - personal), due_at=iso(due_at), settled_at=at,
                                 items=items)

    def keep(self) -> None:
        """The settlement :meth:`apply` made has its answer stored: its rows are the batch's."""
        pending, self._pending = self._pending, None
        if pending is None:  # a stored answer: nothing applied
            return
        head, number, account_id, personal, due_at, visits, at, settlement_id, (settlement, bill, ledger) = pending
        self.sequences[head] = number
        self._bumped.add(head)
        rows = self._rows
        rows["settlements"].append(settlement)
        for visit in visits:
            rows["links"].append((settlement_id, visit["visit_id"]))
            rows["visits"].append((at, visit["visit_id"]))
            visit["status"] = "settled"
            visit["ended_at"] = visit["ended_at"] or at
        rows["bills"].append(bill)
        rows["ledger"].append(ledger)
        self.accounts[account_id]["used_fen"] += personal
        self._used[account_id] = self._used.get(account_id, 0) + personal
        self._due(account_id, due_at)

    def _due(self, account_id: str, due_at: datetime) -> None:
        first = self.first_due[account_id]
        if first is None or due_at < first:
            self.first_due[account_id] = due_at

    def drop(self) -> None:
        """The operation did not end with the settlement's answer: nothing of it is kept."""
        self._pending = None

    def _ended(self, text: str) -> datetime:
        """A visit's end as stored, parsed (the visits of a batch mostly share a few)."""
        ended = self._parsed.get(text)
        if ended is None:
            ended = self._parsed[text] = parse_iso(text)
        return ended

    def _due_at(self, policy: str, ended: datetime) -> datetime:
        """The bill's due time (:meth:`DueRule.due_at` of the account's policy) for a visit end."""
        due = self._dues_at.get((policy, ended))
        if due is None:
            due = self._dues_at[(policy, ended)] = load_profile(policy).due.due_at(ended)
        return due

    def _reference(self, prefix: str, day: date) -> tuple[str, int]:
        """:meth:`StoreBase.next_reference`'s head and number for the business ``day``, counted here and
        written at :meth:`flush`."""
        head = self._heads.get((prefix, day))
        if head is None:
            head = self._heads[(prefix, day)] = f"{prefix}{day:%Y%m%d}"
        last = self.sequences.get(head)
        if last is None:
            row = self.conn.execute("SELECT last FROM sequences WHERE prefix = ?", (head,)).fetchone()
            last = self.sequences[head] = row[0] if row else 0
        return head, last + 1

    def flush(self) -> None:
        """Write the kept rows (parents first: the foreign keys are checked row by row)."""
        rows, conn = self._rows, self.conn
        if not rows["settlements"]:
            return
        conn.executemany(
            "INSERT INTO settlements (settlement_id, reference, kind, patient_id, account_id, terminal_id, total_fen, "
            "fund_fen, personal_fen, deposit_used_fen, booked_fen, paid_fen, payment_id, registration_id, "
            "admission_id, settled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows["settlements"])
        conn.executemany("INSERT INTO settlement_visits (settlement_id, visit_id) VALUES (?, ?)", rows["links"])
        conn.executemany("UPDATE visits SET status = 'settled', ended_at = COALESCE(ended_at, ?) "
                         "WHERE visit_id = ?", rows["visits"])
        conn.executemany(
            "INSERT INTO bills (bill_id, kind, settlement_id, account_id, patient_id, visit_id, registration_id, "
            "admission_id, amount_fen, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows["bills"])
        conn.executemany("UPDATE accounts SET used_fen = used_fen + ? WHERE account_id = ?",
                         [(amount, account_id) for account_id, amount in self._used.items()])
        conn.executemany(
            "INSERT INTO ledger (terminal_id, business_date, kind, reference, amount_fen, credit_fen, channel_fen, "
            "cash_fen, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows["ledger"])
        conn.executemany("INSERT INTO sequences (prefix, last) VALUES (?, ?) "
                         "ON CONFLICT (prefix) DO UPDATE SET last = excluded.last",
                         [(head, self.sequences[head]) for head in self._bumped])
        for kept in rows.values():
            kept.clear()
        self._used.clear()
        self._bumped.clear()


