"""What the kiosk last saw of a patient, for offline mode: the patient, the account snapshot as the platform
signed it and the open visits, kept sealed under a blind index of the ID number (``offline_cache.cache``); the
snapshot is trusted only while the platform's signature checks. The record's codec lives here."""
from __future__ import annotations

import logging
from dataclasses import asdict, replace
from datetime import date, datetime

from kiosk.domain import clock, signing
from kiosk.domain.models import Patient, Visit, VisitItem
from kiosk.platform import PlatformError
from kiosk.usecases.accounts import account_from

log = logging.getLogger("kiosk.offline")


class NotSeenOffline(PlatformError):
    """Offline, and this patient was not seen here recently: nothing to show."""

    def __init__(self, code: str = "offline_unknown_patient"):
        super().__init__(code, "the platform is not answering and no snapshot is cached", 0)

def _visit_record(v: Visit) -> dict:
    record = asdict(v)
    record["ended_at"] = v.ended_at.isoformat()
    return record


def _visit_from(record: dict) -> Visit:
    return Visit(**{**record, "ended_at": datetime.fromisoformat(record["ended_at"]),
                    "items": tuple(VisitItem(**i) for i in record["items"])})


class PatientCache:
    """Sessions as last seen, sealed, under a blind index of the ID number."""

    def __init__(self, cache, snapshot_key: bytes):
        self.cache = cache  # offline_cache.cache.SnapshotCache
        self.snapshot_key = snapshot_key

    def remember(self, id_number: str, session, account_data: dict | None) -> None:
        if account_data is not None and not signing.verify_snapshot(self.snapshot_key, account_data):
            log.warning("account snapshot without a valid platform signature: not cached")
            account_data = None
        patient = asdict(session.patient)
        patient["birth_date"] = session.patient.birth_date.isoformat()
        record = {"patient": patient, "account": account_data,
                  "visits": [_visit_record(v) for v in session.visits]}
        self.cache.remember(id_number, record, session.snapshot_at or clock.now())

    def recall(self, id_number: str, held_fen: int = 0, confirmed_fen: int = 0):
        """The session as last seen, marked offline; its account only if the signature
        checks, its available line less ``held_fen`` (credit this kiosk has queued, not yet
        confirmed: the session's ``held_fen``) and ``confirmed_fen`` (credit the platform
        confirmed to this kiosk after the snapshot was taken)."""
        from kiosk.usecases.identify import PatientSession

        found = self.cache.recall(id_number)
        if found is None:
            raise NotSeenOffline()
        record, fetched_at = found
        p = record["patient"]
        patient = Patient(**{**p, "birth_date": date.fromisoformat(p["birth_date"])})
        data = record.get("account")
        account = None
        if data is not None and signing.verify_snapshot(self.snapshot_key, data):
            account = account_from(data)
            since = held_fen + confirmed_fen
            account = replace(account, available_fen=max(0, account.available_fen - since),
                              used_fen=account.used_fen + since)
        elif data is not None:
            log.warning("cached account snapshot fails its signature: not used")
            held_fen = 0
        visits = tuple(_visit_from(v) for v in record.get("visits", ()))
        return PatientSession(patient, account, visits, offline=True, snapshot_at=fetched_at, held_fen=held_fen)

    def forget_visits(self, id_number: str, visit_ids) -> None:
        gone = set(visit_ids)
        self.cache.update(id_number, lambda r: {**r, "visits": [v for v in r["visits"] if v["visit_id"] not in gone]})
