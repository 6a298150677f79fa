"""The settlement sagas, journaled step by step in the kiosk's journal file (issue 12; schema version 4).

A saga is one bill (or a patient's bills) settled across the three counterparts: the HIS, the insurance
platform and the credit platform (``kiosk/usecases/saga.py`` says the steps). Here it is only records,
each committed (WAL, ``synchronous=FULL``: fsynced) before the call it stands for:

- ``sagas``: one row per saga: its ``kind`` (outpatient, discharge, registration), ``state`` (``prepared``:
  the bill uploaded and pre-settled, waiting for the patient; ``confirmed``: the patient confirmed, the
  saga drives on; ``undoing``: it compensates; ``settled`` or ``undone``: finished, settled everywhere or
  nowhere; ``stuck``: it needs staff), its ``facts`` in clear (opaque ids, codes and amounts: the plan,
  the bills, the steps' ids, for recovery and the daily reconciliation) and its ``sealed`` part (who: the
  insurance person number and the voucher, AES-GCM with the data key), the business date it began, and a
  lease so that two senders (the live path, the sync engine's recovery, another process) never drive one
  saga at once;
- ``saga_steps``: every call of every step in order, with the key it was sent under (the insurance
  platform's msgid, an idempotency key elsewhere), recorded ``sent`` before the call and ``done``,
  ``refused`` or ``unknown`` (no answer: it may have been done) after, with the answer's facts.

A step sent again after ``unknown`` is another row: for the HIS and the credit platform under the same
key; for the insurance platform under a new msgid, the lost one reversed first (2601).
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from offline_cache.journal import Journal, new_key, owner_alive

OPEN_STATES = ("prepared", "confirmed", "undoing")
FINAL_STATES = ("settled", "undone", "stuck")
STEP_STATES = ("sent", "done", "refused", "unknown")


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Step:
    """One step of a saga (a call to one counterpart) and its answer."""

    seq: int
    step: str
    key: str
    state: str
    answer: dict | None
    created_at: datetime


@dataclass
class Saga:
    """A settlement across the three counterparts, step by step, resumable after a crash."""

    saga_id: str
    kind: str
    state: str
    lane: str
    facts: dict
    private: dict | None  # None: the journal was opened without the data key
    business_date: date
    attempts: int
    last_error: str | None
    created_at: datetime
    steps: list[Step] = field(default_factory=list)

    def last(self, step: str) -> Step | None:
        """The latest call of ``step``, if any."""
        found = [s for s in self.steps if s.step == step]
        return found[-1] if found else None

    def done(self, step: str) -> dict | None:
        """The answer of ``step`` if its latest call was done (never empty, so that it reads as true: an answer
        without facts is ``{"done": True}``); else None."""
        last = self.last(step)
        if last is None or last.state != "done":
            return None
        return last.answer or {"done": True}


class Sagas:
    """The sagas of the journal ``journal`` (its file, its data key)."""

    def __init__(self, journal: Journal):
        self.journal = journal
        self.db = journal.db

    # -- sealing -----------------------------------------------------------------------------------
    def _seal(self, saga_id: str, private: dict | None) -> bytes | None:
        if private is None:
            return None
        if self.journal.sealer is None:
            raise RuntimeError("the journal was opened without the data key")
        return self.journal.sealer.seal(_json(private).encode(), b"saga:" + saga_id.encode())

    def _open(self, saga_id: str, sealed: bytes | None) -> dict | None:
        if sealed is None or self.journal.sealer is None:
            return None
        return json.loads(self.journal.sealer.open(sealed, b"saga:" + saga_id.encode()))

    # -- writing -----------------------------------------------------------------------------------
    def begin(self, kind: str, *, lane: str, facts: dict, private: dict | None, business_date: date,
              owner: str | None = None, lease_s: float = 0.0, state: str = "prepared") -> str:
        """A new saga, committed; ``owner``: leased to that sender at once (the live path drives it)."""
        saga_id = new_key()
        stamp = _now()
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO sagas (saga_id, kind, state, lane, facts, sealed, business_date, lease_owner, "
                         "lease_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (saga_id, kind, state, lane, _json(facts), self._seal(saga_id, private),
                          business_date.isoformat(), owner, time.time() + lease_s if owner else 0.0, stamp, stamp))
        return saga_id

    def update(self, saga_id: str, *, facts: dict | None = None, private: dict | None = None,
               state: str | None = None, error: str | None = None, next_at: float | None = None,
               attempts: int | None = None) -> None:
        sets, args = ["updated_at = ?"], [_now()]
        if facts is not None:
            sets.append("facts = ?")
            args.append(_json(facts))
        if private is not None:
            sets.append("sealed = ?")
            args.append(self._seal(saga_id, private))
        if state is not None:
            sets.append("state = ?")
            args.append(state)
        if error is not None:
            sets.append("last_error = ?")
            args.append(error[:200])
        if next_at is not None:
            sets.append("next_at = ?")
            args.append(next_at)
        if attempts is not None:
            sets.append("attempts = ?")
            args.append(attempts)
        with self.db.transaction() as conn:
            conn.execute(f"UPDATE sagas SET {', '.join(sets)} WHERE saga_id = ?", (*args, saga_id))

    def sent(self, saga_id: str, step: str, key: str) -> int:
        """A step's call is about to be sent under ``key``: committed first. Returns its row's seq."""
        stamp = _now()
        with self.db.transaction() as conn:
            seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM saga_steps WHERE saga_id = ?",
                               (saga_id,)).fetchone()[0]
            conn.execute("INSERT INTO saga_steps (saga_id, seq, step, key, state, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, 'sent', ?, ?)", (saga_id, seq, step, key, stamp, stamp))
        return seq

    def answered(self, saga_id: str, seq: int, state: str, answer: dict | None = None) -> None:
        if state not in STEP_STATES:
            raise ValueError(state)
        with self.db.transaction() as conn:
            conn.execute("UPDATE saga_steps SET state = ?, answer = ?, updated_at = ? WHERE saga_id = ? AND seq = ?",
                         (state, _json(answer) if answer is not None else None, _now(), saga_id, seq))

    # -- leases ------------------------------------------------------------------------------------
    def claim(self, saga_id: str, owner: str, lease_s: float) -> bool:
        """Lease the saga to ``owner`` unless another live sender holds it."""
        now = time.time()
        with self.db.transaction() as conn:
            row = conn.execute("SELECT lease_owner, lease_until FROM sagas WHERE saga_id = ?", (saga_id,)).fetchone()
            if row is None:
                return False
            holder = row["lease_owner"]
            if holder is not None and holder != owner and row["lease_until"] >= now and owner_alive(holder):
                return False
            conn.execute("UPDATE sagas SET lease_owner = ?, lease_until = ? WHERE saga_id = ?",
                         (owner, now + lease_s, saga_id))
        return True

    def release(self, saga_id: str, owner: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE sagas SET lease_owner = NULL, lease_until = 0 WHERE saga_id = ? AND lease_owner = ?",
                         (saga_id, owner))

    # -- reading -----------------------------------------------------------------------------------
    def get(self, saga_id: str) -> Saga | None:
        with self.db.reading() as conn:
            row = conn.execute("SELECT * FROM sagas WHERE saga_id = ?", (saga_id,)).fetchone()
            if row is None:
                return None
            steps = conn.execute("SELECT * FROM saga_steps WHERE saga_id = ? ORDER BY seq", (saga_id,)).fetchall()
        return self._saga(row, steps)

    def _saga(self, row, steps) -> Saga:
        return Saga(
            saga_id=row["saga_id"], kind=row["kind"], state=row["state"], lane=row["lane"],
            facts=json.loads(row["facts"]), private=self._open(row["saga_id"], row["sealed"]),
            business_date=date.fromisoformat(row["business_date"]), attempts=row["attempts"],
            last_error=row["last_error"], created_at=datetime.fromisoformat(row["created_at"]),
            steps=[Step(s["seq"], s["step"], s["key"], s["state"], json.loads(s["answer"]) if s["answer"] else None,
                        datetime.fromisoformat(s["created_at"])) for s in steps])

    def open_ids(self, due_only: bool = True) -> list[str]:
        """Sagas not finished, oldest first (``due_only``: whose next try is due)."""
        marks = ",".join("?" * len(OPEN_STATES))
        sql = f"SELECT saga_id FROM sagas WHERE state IN ({marks})"
        args: tuple = OPEN_STATES
        if due_only:
            sql += " AND next_at <= ?"
            args = (*args, time.time())
        return [r["saga_id"] for r in self.db.query(sql + " ORDER BY created_at", args)]

    def open_in_lane(self, lane: str, owner: str | None = None) -> list[str]:
        """The lane's unfinished sagas (``owner``: leased to that sender), oldest first."""
        marks = ",".join("?" * len(OPEN_STATES))
        sql = f"SELECT saga_id FROM sagas WHERE lane = ? AND state IN ({marks})"
        args: tuple = (lane, *OPEN_STATES)
        if owner is not None:
            sql += " AND lease_owner = ?"
            args = (*args, owner)
        return [r["saga_id"] for r in self.db.query(sql + " ORDER BY created_at", args)]

    def of_day(self, day: date, states: Iterable[str] | None = None) -> list[Saga]:
        """The sagas begun on a business day (the daily reconciliation)."""
        rows = self.db.query("SELECT * FROM sagas WHERE business_date = ? ORDER BY created_at", (day.isoformat(),))
        wanted = set(states) if states is not None else None
        result = []
        for row in rows:
            if wanted is not None and row["state"] not in wanted:
                continue
            steps = self.db.query("SELECT * FROM saga_steps WHERE saga_id = ? ORDER BY seq", (row["saga_id"],))
            result.append(self._saga(row, steps))
        return result

    def booked_since(self, account_id: str, since: datetime) -> int:
        """Credit booked on ``account_id`` by this terminal's settled sagas begun at or after ``since`` (what an
        account snapshot taken before then does not count yet): each booking's amount (the plan's part on
        credit when the answer did not say)."""
        total = 0
        rows = self.db.query("SELECT saga_id FROM sagas WHERE state = 'settled' AND created_at >= ?",
                             (since.astimezone(UTC).isoformat(),))
        for row in rows:
            saga = self.get(row["saga_id"])
            if saga is None or saga.facts.get("account_id") != account_id:
                continue
            booking = saga.done("book")
            if booking and booking.get("booking_id"):
                plan = saga.facts.get("settled_plan") or saga.facts.get("plan") or {}
                total += int(booking.get("booked_fen") or plan.get("on_credit_fen", 0))
        return total

    def find(self, kind: str, fact: str, value: str) -> str | None:
        """The latest saga of ``kind`` whose fact ``fact`` (a top-level key of its facts in clear) is ``value``."""
        if not fact.isidentifier():
            raise ValueError(fact)
        rows = self.db.query(f"SELECT saga_id FROM sagas WHERE kind = ? AND json_extract(facts, '$.{fact}') = ? "
                             "ORDER BY created_at DESC LIMIT 1", (kind, value))
        return rows[0]["saga_id"] if rows else None

    def counts(self) -> dict[str, int]:
        return {r["state"]: r["n"] for r in self.db.query("SELECT state, COUNT(*) AS n FROM sagas GROUP BY state")}
