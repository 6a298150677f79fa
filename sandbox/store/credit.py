"""Opening and closing the credit service; minors' links (only to a guardian of the minor's
household, as the platform records it); adult children taking on repayment for their
parents (the parent's consent is checked by ``sandbox.authority`` before this runs)."""
from __future__ import annotations

import re
import sqlite3
from datetime import datetime

from kiosk.domain.idnumber import mask_name
from sandbox.reference_data import CONSENT
from sandbox.store.base import Refusal, iso
from sandbox.store.booking import require_patient
from sandbox.store.views import account_view, age_of, outstanding, usable_account_id

PHONE = re.compile(r"^1[3-9]\d{9}$")


class CreditMixin:

    def open_credit(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None,
                    *, patient_id: str, consent_version: str, score_authorised: bool,
                    phone: str | None = None, guardian_patient_id: str | None = None) -> dict:
        """``phone`` None: the number on file (of the guardian, for a minor)."""
        profile = self.profile
        patient = require_patient(conn, patient_id)
        if phone is None:
            holder = require_patient(conn, guardian_patient_id) if guardian_patient_id else patient
            phone = holder["phone"] or ""
        if consent_version != CONSENT["version"]:
            raise Refusal(409, "consent_outdated",
                          f"The consent text was updated: current version is "
                          f"{CONSENT['version']}.", {"current_version": CONSENT["version"]})
        if not score_authorised:
            raise Refusal(422, "score_not_authorised",
                          "The patient must authorise the use of their credit score.")
        if not PHONE.match(phone):
            raise Refusal(422, "phone_invalid", "The phone is not a mainland mobile number.")
        if usable_account_id(conn, patient_id) is not None:
            raise Refusal(409, "already_open", "The credit service is already open.")

        if age_of(patient, now) < profile.adult_age:
            return self._link_minor(conn, now, terminal_id, patient, guardian_patient_id,
                                    consent_version, phone)

        score = patient["score"]
        lowest = profile.lowest_open_score
        if score is None or lowest is None or score < lowest:
            raise Refusal(409, "score_too_low",
                          f"The {profile.score_name} is below the lowest tier with a line.",
                          {"lowest_score": lowest})
        tier = profile.tier_for(score)
        existing = conn.execute("SELECT account_id FROM accounts WHERE holder_patient_id = ?",
                                (patient_id,)).fetchone()
        values = ("active", profile.city, score, profile.tier_index(score),
                  int(tier.value_added), tier.line_fen, phone, consent_version, iso(now),
                  iso(now), terminal_id)
        if existing:  # reopening a closed service
            account_id = existing["account_id"]
            conn.execute(
                "UPDATE accounts SET status = ?, policy = ?, score = ?, score_tier = ?, "
                "value_added = ?, line_fen = ?, phone = ?, consent_version = ?, "
                "consented_at = ?, opened_at = ?, terminal_id = ?, closed_at = NULL, "
                "dishonest = 0, reminders = 0 WHERE account_id = ?", (*values, account_id))
        else:
            account_id = "CA" + patient_id[1:] if patient_id.startswith("P") else None
            if account_id is None or conn.execute(
                    "SELECT 1 FROM accounts WHERE account_id = ?", (account_id,)).fetchone():
                account_id = self.new_account_id(conn)
            conn.execute(
                "INSERT INTO accounts (account_id, holder_patient_id, status, policy, score, "
                "score_tier, value_added, line_fen, used_fen, phone, consent_version, "
                "consented_at, opened_at, terminal_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
                (account_id, patient_id, *values))
        return self._opened(conn, now, account_id, consent_version)

    @staticmethod
    def new_account_id(conn: sqlite3.Connection) -> str:
        n = conn.execute("SELECT COUNT(*) FROM accounts").fetchone()[0] + 100
        while conn.execute("SELECT 1 FROM accounts WHERE account_id = ?",
                           (f"CA{n:06d}",)).fetchone():
            n += 1
        return f"CA{n:06d}"

    def _link_minor(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None,
                    minor: sqlite3.Row, guardian_patient_id: str | None, consent_version: str,
                    phone: str) -> dict:
        if not guardian_patient_id:
            raise Refusal(422, "guardian_required",
                          "A minor's service is opened by an adult guardian.")
        guardian = require_patient(conn, guardian_patient_id)
        if age_of(guardian, now) < self.profile.adult_age:
            raise Refusal(422, "guardian_required", "The guardian must be an adult.")
        account_id = conn.execute(
            "SELECT account_id FROM accounts WHERE holder_patient_id = ? AND status = 'active'",
            (guardian_patient_id,)).fetchone()
        if account_id is None:
            raise Refusal(409, "guardian_not_open",
                          "The guardian's own credit service must be open and active.")
        if minor["guardian_patient_id"] not in (None, guardian_patient_id):
            raise Refusal(409, "guardian_mismatch",
                          "The hospital records another guardian for this minor.")
        if not self.in_household(conn, guardian_patient_id, minor["patient_id"]):
            raise Refusal(409, "not_in_household",
                          "The platform records no household of this guardian and this minor.")
        account_id = account_id["account_id"]
        conn.execute("UPDATE patients SET guardian_patient_id = ? WHERE patient_id = ?",
                     (guardian_patient_id, minor["patient_id"]))
        conn.execute(
            "INSERT INTO credit_links (patient_id, account_id, guardian_patient_id, status, "
            "consent_version, consented_at, phone, terminal_id) "
            "VALUES (?, ?, ?, 'active', ?, ?, ?, ?) ON CONFLICT (patient_id) DO UPDATE SET "
            "account_id = excluded.account_id, guardian_patient_id = excluded.guardian_patient_id,"
            " status = 'active', consent_version = excluded.consent_version, "
            "consented_at = excluded.consented_at, phone = excluded.phone, closed_at = NULL, "
            "terminal_id = excluded.terminal_id",
            (minor["patient_id"], account_id, guardian_patient_id, consent_version, iso(now),
             phone, terminal_id))
        return self._opened(conn, now, account_id, consent_version)

    def _opened(self, conn: sqlite3.Connection, now: datetime, account_id: str,
                consent_version: str) -> dict:
        row = conn.execute("SELECT * FROM accounts WHERE account_id = ?",
                           (account_id,)).fetchone()
        return {
            "account": account_view(conn, account_id, now),
            "score": row["score"],
            "score_name": self.profile.score_name,
            "tier": row["score_tier"],
            "line_fen": row["line_fen"],
            "value_added": bool(row["value_added"]),
            "consent_version": consent_version,
            "consented_at": iso(now),
        }

    def close_credit(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None,
                     *, patient_id: str) -> dict:
        require_patient(conn, patient_id)
        own = conn.execute("SELECT * FROM accounts WHERE holder_patient_id = ? "
                           "AND status != 'closed'", (patient_id,)).fetchone()
        if own is None:
            link = conn.execute("SELECT 1 FROM credit_links WHERE patient_id = ? "
                                "AND status = 'active'", (patient_id,)).fetchone()
            if link is None:
                raise Refusal(409, "no_credit_service", "The credit service is not open.")
            conn.execute("UPDATE credit_links SET status = 'closed', closed_at = ? "
                         "WHERE patient_id = ?", (iso(now), patient_id))
            return {"closed_patient_ids": [patient_id]}
        unpaid = [b for b in conn.execute("SELECT * FROM bills WHERE account_id = ? "
                                          "ORDER BY created_at, bill_id",
                                          (own["account_id"],)) if outstanding(b) > 0]
        if unpaid:
            total = sum(outstanding(b) for b in unpaid)
            raise Refusal(409, "outstanding_balance",
                          "The service can be closed only after everything owed is repaid.",
                          {"outstanding_fen": total, "bill_ids": [b["bill_id"] for b in unpaid]})
        minors = [r["patient_id"] for r in conn.execute(
            "SELECT patient_id FROM credit_links WHERE account_id = ? AND status = 'active' "
            "ORDER BY patient_id", (own["account_id"],))]
        conn.execute("UPDATE credit_links SET status = 'closed', closed_at = ? "
                     "WHERE account_id = ? AND status = 'active'", (iso(now), own["account_id"]))
        conn.execute("UPDATE accounts SET status = 'closed', closed_at = ? WHERE account_id = ?",
                     (iso(now), own["account_id"]))
        return {"closed_patient_ids": [patient_id, *minors]}

    def take_on_parent(self, conn: sqlite3.Connection, now: datetime, terminal_id: str | None,
                       *, payer_patient_id: str, patient_id: str, relation: str) -> dict:
        payer = require_patient(conn, payer_patient_id)
        parent = require_patient(conn, patient_id)
        if payer_patient_id == patient_id:
            raise Refusal(422, "relation_invalid", "A patient cannot take on their own bills.")
        adult = self.profile.adult_age
        if age_of(payer, now) < adult or age_of(parent, now) < adult:
            raise Refusal(422, "relation_invalid",
                          "Only an adult child takes on repayment for a parent.")
        if conn.execute("SELECT 1 FROM accounts WHERE holder_patient_id = ? AND status = "
                        "'active'", (payer_patient_id,)).fetchone() is None:
            raise Refusal(409, "payer_not_open",
                          "The payer's own credit service must be open and active.")
        existing = conn.execute("SELECT * FROM parents WHERE child_patient_id = ? AND "
                                "parent_patient_id = ?", (payer_patient_id, patient_id)).fetchone()
        if existing is not None and existing["repayment_taken_on"]:
            raise Refusal(409, "relation_exists", "Repayment was already taken on.")
        conn.execute(
            "INSERT INTO parents (child_patient_id, parent_patient_id, repayment_taken_on, "
            "taken_on_at, terminal_id) VALUES (?, ?, 1, ?, ?) ON CONFLICT "
            "(child_patient_id, parent_patient_id) DO UPDATE SET repayment_taken_on = 1, "
            "taken_on_at = excluded.taken_on_at, terminal_id = excluded.terminal_id",
            (payer_patient_id, patient_id, iso(now), terminal_id))
        return {
            "payer_patient_id": payer_patient_id,
            "patient_id": patient_id,
            "relation": relation,
            "name": mask_name(parent["name"]),
            "account_id": usable_account_id(conn, patient_id),
            "repayment_taken_on": True,
            "taken_on_at": iso(now),
        }
