"""The sandbox HIS's store: one SQLite file of its own, on the sandbox's shared plumbing.

``HisStore(path, clock=...)`` builds on ``sandbox.store.base.StoreBase`` (one connection and lock,
``transaction``/``snapshot``, the movable clock's offset, idempotent writes, terminal secrets and
nonces) with the HIS's own schema (``sandbox.his.schema``), the patient sessions of
``sandbox.store.presence`` (shared with the credit platform) and the payment channel of
``sandbox.store.payments`` (the credit platform keeps its own copy until the integration step moves
the channel here). The HIS's records are in ``seed``, ``writes`` and ``marks``.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from kiosk.domain.clock import business_date
from sandbox import demo_data
from sandbox.his import schema
from sandbox.his.marks import MarksMixin
from sandbox.his.seed import SeedMixin
from sandbox.his.views import (
    order_view,
    patient_row,
    patient_view,
    registration_view,
    stay_view,
    still_valid,
    visit_view,
    with_slots,
)
from sandbox.his.writes import ORDER_VALID, WritesMixin
from sandbox.store.base import Refusal, SchemaTooNew, StoreBase, iso
from sandbox.store.payments import PaymentsMixin
from sandbox.store.presence import PresenceMixin

#: The longest the control API moves the clock at once.
MAX_CLOCK_JUMP = timedelta(days=800)


class HisBase(StoreBase):
    """The plumbing on the HIS's schema (not the credit platform's)."""

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > schema.SCHEMA_VERSION:
                raise SchemaTooNew(f"database schema {version} is newer than this HIS ({schema.SCHEMA_VERSION})")
            if version == 0:
                schema.create(conn)
            conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")

    def catch_up(self) -> list:
        """The HIS has no nightly batch (the signature check calls this before every request)."""
        return []

    # -- the movable clock (control API, tests and demos) ----------------------------------------------
    def start_clock_at(self, moment: datetime) -> None:
        """Set up an empty HIS to live at ``moment``; afterwards the clock only moves forward."""
        with self.transaction() as conn:
            if conn.execute("SELECT COUNT(*) FROM patients").fetchone()[0]:
                raise RuntimeError("the HIS already holds data: its clock only moves on")
            self._offset = moment - self.wall_now()
            self.set_state("clock_offset_s", repr(self._offset.total_seconds()), conn)

    def move_clock_in(self, conn: sqlite3.Connection, *, advance_s: int | None = None,
                      set_to: datetime | None = None) -> dict:
        now = self.now()
        target = now + timedelta(seconds=advance_s) if advance_s is not None else set_to
        if target is None:
            raise Refusal(422, "invalid_request", "Give advance_s or set_to.")
        if target < now:
            raise Refusal(409, "clock_backwards", "The sandbox clock never goes back.", {"now": iso(now)})
        if target - now > MAX_CLOCK_JUMP:
            raise Refusal(422, "clock_jump_too_large", f"Move the clock at most {MAX_CLOCK_JUMP.days} days at once.")
        self._offset += target - now
        self.set_state("clock_offset_s", repr(self._offset.total_seconds()), conn)
        return {"now": iso(self.now()), "batch_days": []}

    def move_clock(self, **fields) -> dict:
        with self.transaction() as conn:
            return self.move_clock_in(conn, **fields)


class HisStore(PaymentsMixin, MarksMixin, WritesMixin, SeedMixin, PresenceMixin, HisBase):
    """``HisStore(path, clock=callable returning an aware datetime)``."""

    # -- presence: whom the present patients may read ------------------------------------------------
    @staticmethod
    def circle(conn: sqlite3.Connection, patient_ids) -> tuple[set[str], set[str]]:
        """Each present patient themselves and the minors in their care, as the hospital records it (a
        parent pays for a child seen today); the HIS holds no accounts."""
        patients = set(patient_ids)
        marks = ",".join("?" * len(patients))
        patients.update(r["patient_id"] for r in conn.execute(
            f"SELECT patient_id FROM patients WHERE guardian_patient_id IN ({marks})", tuple(patients)))
        return patients, set()

    # -- patients ------------------------------------------------------------------------------------------
    def find_patient(self, *, id_number: str | None = None, sscard_number: str | None = None) -> dict | None:
        with self.snapshot() as conn:
            if id_number is not None:
                row = conn.execute("SELECT * FROM patients WHERE id_number = ?", (id_number,)).fetchone()
            else:
                row = conn.execute("SELECT * FROM patients WHERE sscard_number = ?", (sscard_number,)).fetchone()
            return patient_view(row) if row else None

    @staticmethod
    def health_card_number(token: str) -> tuple[str | None, bool]:
        """The ID number an e-health card (电子健康卡) token stands for, and whether the code expired.
        Demo tokens name their patient's role (``demo_data.demo_token``); sequence 000000 has expired."""
        parts = token.split("-")
        if len(parts) != 4 or parts[0] != "demo" or parts[2] != demo_data.TOKEN_KINDS["health_card"]:
            return None, False
        try:
            number = demo_data.patient_by_role(parts[1])["id_number"]
        except KeyError:
            return None, False
        return number, parts[3] == "000000"

    def _patient_reads(self, patient_id: str, read) -> list[dict] | None:
        with self.snapshot() as conn:
            if patient_row(conn, patient_id) is None:
                return None
            return read(conn)

    # -- visits --------------------------------------------------------------------------------------------
    def visits(self, patient_id: str, status: str | None) -> list[dict] | None:
        """A patient's visits, oldest first (``open``: their bill unpaid); None if no such patient."""
        def read(conn):
            sql = ("SELECT v.* FROM visits v JOIN bills b ON b.bill_id = v.bill_id WHERE v.patient_id = ?"
                   + {"open": " AND b.status = 'unpaid'", "settled": " AND b.status != 'unpaid'"}.get(status, ""))
            return [visit_view(conn, r) for r in conn.execute(sql + " ORDER BY v.started_at, v.visit_id",
                                                             (patient_id,))]
        return self._patient_reads(patient_id, read)

    # -- registration ----------------------------------------------------------------------------------
    def sessions(self, department_id: str, days: int) -> list[dict] | None:
        from sandbox import reference_data as ref
        from sandbox.store.base import parse_iso

        if department_id not in ref.DEPARTMENTS:
            return None
        now = self.now()
        with self.snapshot() as conn:
            return [with_slots(conn, s) for day in ref.days_from(business_date(now), days)
                    for s in ref.sessions_on(department_id, day) if parse_iso(s["ends_at"]) > now]

    def registrations(self, patient_id: str, status: str | None) -> list[dict] | None:
        def read(conn):
            sql, args = "SELECT * FROM registrations WHERE patient_id = ?", (patient_id,)
            if status:
                sql, args = sql + " AND status = ?", (*args, status)
            rows = conn.execute(sql + " ORDER BY session_id DESC, created_at DESC", args).fetchall()
            return [registration_view(conn, r) for r in rows]
        return self._patient_reads(patient_id, read)

    def registration_patient(self, registration_id: str) -> str | None:
        with self.snapshot() as conn:
            row = conn.execute("SELECT patient_id FROM registrations WHERE registration_id = ?",
                               (registration_id,)).fetchone()
            return row["patient_id"] if row else None

    # -- inpatient -----------------------------------------------------------------------------------
    def admission_orders(self, patient_id: str, status: str | None) -> list[dict] | None:
        """Newest first; ``pending`` ones only while still valid."""
        now = self.now()

        def read(conn):
            sql, args = "SELECT * FROM admission_orders WHERE patient_id = ?", (patient_id,)
            if status:
                sql, args = sql + " AND status = ?", (*args, status)
            rows = conn.execute(sql + " ORDER BY issued_at DESC, order_id DESC", args).fetchall()
            return [order_view(r) for r in rows
                    if r["status"] != "pending" or still_valid(r["issued_at"], now, ORDER_VALID)]
        return self._patient_reads(patient_id, read)

    def stays(self, patient_id: str, status: str | None) -> list[dict] | None:
        def read(conn):
            sql, args = "SELECT * FROM admissions WHERE patient_id = ?", (patient_id,)
            if status:
                sql, args = sql + " AND status = ?", (*args, status)
            return [stay_view(conn, r, with_items=False)
                    for r in conn.execute(sql + " ORDER BY admitted_at DESC", args).fetchall()]
        return self._patient_reads(patient_id, read)

    def stay(self, admission_id: str) -> dict | None:
        with self.snapshot() as conn:
            row = conn.execute("SELECT * FROM admissions WHERE admission_id = ?", (admission_id,)).fetchone()
            return stay_view(conn, row, with_items=True) if row else None

    def stay_patient(self, admission_id: str) -> str | None:
        with self.snapshot() as conn:
            row = conn.execute("SELECT patient_id FROM admissions WHERE admission_id = ?",
                               (admission_id,)).fetchone()
            return row["patient_id"] if row else None
