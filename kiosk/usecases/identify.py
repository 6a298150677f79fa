"""Identify a patient from an ID number read from a card or typed at the desk."""
from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.domain import clock
from kiosk.domain.idnumber import parse_id_number
from kiosk.domain.models import Account, Patient, Visit


@dataclass(frozen=True)
class PatientSession:
    """Everything the screens show for one patient; dropped when they leave."""

    patient: Patient
    account: Account | None
    visits: tuple[Visit, ...] = field(default=())


class IdentifyPatient:
    def __init__(self, platform):
        self.platform = platform

    def __call__(self, id_text: str) -> PatientSession:
        today = clock.business_date(clock.now())
        id_number = parse_id_number(id_text, today)  # InvalidIdNumber before any network call
        patient = self.platform.lookup_identity(id_number.value)
        account = self.platform.account(patient.account_id) if patient.account_id else None
        visits = tuple(self.platform.open_visits(patient.patient_id))
        return PatientSession(patient, account, visits)
