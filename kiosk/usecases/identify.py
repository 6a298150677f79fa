"""Identify a patient from an ID number read from a card or typed at the desk."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kiosk.domain import clock
from kiosk.domain.idnumber import parse_id_number
from kiosk.domain.models import Account, Patient, Visit


@dataclass(frozen=True)
class PatientSession:
    """Everything the screens show for one patient; dropped when they leave."""

    patient: Patient
    account: Account | None
    visits: tuple[Visit, ...] = field(default=())
    # offline mode (kiosk/usecases/offline.py): when the account figures were fetched; a
    # session from the cache of what was last seen, its account less ``held_fen``, the
    # credit this kiosk has booked on it and not yet synced
    offline: bool = False
    snapshot_at: datetime | None = None
    held_fen: int = 0


class IdentifyPatient:
    def __init__(self, platform, offline=None):
        self.platform = platform
        self.offline = offline  # OfflineMode: the cache of what was last seen, when the platform is down

    def __call__(self, id_text: str) -> PatientSession:
        today = clock.business_date(clock.now())
        id_number = parse_id_number(id_text, today)  # InvalidIdNumber before any network call
        if self.offline is not None:
            return self._with_cache(id_number.value)
        patient = self.platform.lookup_identity(id_number.value)
        account = self.platform.account(patient.account_id) if patient.account_id else None
        visits = tuple(self.platform.open_visits(patient.patient_id))
        return PatientSession(patient, account, visits)

    def _with_cache(self, id_number: str) -> PatientSession:
        """Live when the platform answers (the signed account snapshot is cached), else
        the session as last seen."""
        from kiosk.platform import PlatformUnavailable
        from kiosk.usecases.accounts import account_from

        if not self.offline.online:
            return self.offline.recall(id_number)
        try:
            patient = self.platform.lookup_identity(id_number)
            account_data = (self.platform.request("GET", f"/v1/accounts/{patient.account_id}")
                            if patient.account_id else None)
            visits = tuple(self.platform.open_visits(patient.patient_id))
        except PlatformUnavailable:
            self.offline.sync.note_down("identify got no answer")
            return self.offline.recall(id_number)
        session = PatientSession(patient, account_from(account_data), visits, snapshot_at=clock.now())
        self.offline.remember(id_number, session, account_data)
        return self.offline.without_queued(session)

    def resolve_token(self, token_type: str, token: str) -> PatientSession:
        """A scanned e-voucher or e-health-card token: the platform says whose it is
        (``POST /v1/identity/resolve-token``, answered like ``/v1/identity/lookup``);
        then the same account and visits as for a card, so a minor's code leads to
        the guardian's line as a minor's card does."""
        data = self.platform.request("POST", "/v1/identity/resolve-token",
                                     {"token_type": token_type, "token": token})
        patient = Patient(
            patient_id=data["patient_id"],
            name=data["name"],
            id_number=data.get("id_number", ""),  # shown masked; a token need not carry it
            sex=data["sex"],
            birth_date=date.fromisoformat(data["birth_date"]),
            is_minor=data["is_minor"],
            guardian_patient_id=data.get("guardian_patient_id"),
            account_id=data.get("account_id"),
            guardian_line_ended=bool(data.get("guardian_line_ended", False)),
        )
        account = self.platform.account(patient.account_id) if patient.account_id else None
        visits = tuple(self.platform.open_visits(patient.patient_id))
        return PatientSession(patient, account, visits)
