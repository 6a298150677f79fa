"""Identify a patient from an ID number read from a card or typed at the desk."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
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
    # the hospital's side (issue 12): the HIS's patient and their unpaid visits (``kiosk.ports.his``), the
    # HIS's refusal code when it could not say (``his_unavailable``: the bills are unknown), and how the
    # patient showed who they are to the insurance platform (a ``kiosk.ports.insurance.PersonQuery``)
    his_patient_id: str | None = None
    his_visits: tuple = ()
    his_problem: str | None = None
    voucher: object | None = field(default=None, repr=False)


class IdentifyPatient:
    """``his``: the HIS port (issue 12): the patient's unpaid visits come from the hospital, the person and
    the account from the credit platform; without it (a kiosk on the credit platform alone) the visits are
    the credit platform's."""

    def __init__(self, platform, offline=None, his=None):
        self.platform = platform
        self.offline = offline  # OfflineMode: the cache of what was last seen, when the platform is down
        self.his = his

    def __call__(self, id_text: str) -> PatientSession:
        today = clock.business_date(clock.now())
        id_number = parse_id_number(id_text, today)  # InvalidIdNumber before any network call
        if self.offline is not None:
            session = self._with_cache(id_number.value)
        else:
            patient = self.platform.lookup_identity(id_number.value)
            account = self.platform.account(patient.account_id) if patient.account_id else None
            visits = () if self.his is not None else tuple(self.platform.open_visits(patient.patient_id))
            session = PatientSession(patient, account, visits)
        return self.at_the_hospital(session, id_number.value)

    def at_the_hospital(self, session: PatientSession, id_number: str | None = None,
                        key: tuple[str, str] | None = None) -> PatientSession:
        """The session with the HIS's patient and unpaid visits (by ``key``: a patient key's kind and value,
        else the ID number). The HIS not answering, or not knowing the patient, leaves the visits unknown
        (``his_problem``): the journeys that need them say so; the others go on."""
        if self.his is None:
            return session
        from kiosk.ports.his import HisRefused, PatientKey
        from kiosk.usecases.outpatient import bill_facts, visit_of

        kind, value = key or ("id_number", id_number or session.patient.id_number)
        try:
            his_patient = self.his.find_patient(PatientKey(kind, value))
            his_visits = tuple(self.his.open_visits(his_patient.patient_id))
        except HisRefused as refusal:  # HisUnavailable too
            return replace(session, visits=(), his_visits=(), his_problem=refusal.code)
        visits = tuple(visit_of(bill_facts(v)) for v in his_visits)
        session = replace(session, his_patient_id=his_patient.patient_id, his_visits=his_visits, visits=visits,
                          his_problem=None)
        if self.offline is not None and not session.offline:
            session = self.offline.without_queued(session)
        return session

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
            visits = () if self.his is not None else tuple(self.platform.open_visits(patient.patient_id))
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
        if self.his is not None:
            session = PatientSession(patient, account, ())
            if token_type == "health_card":  # the hospital's own e-health card: the HIS resolves it
                return self.at_the_hospital(session, key=("health_card", token))
            if token_type == "insurance_evoucher":
                from kiosk.ports.insurance import PersonQuery

                session = replace(session, voucher=PersonQuery.by_evoucher(token))
            return self.at_the_hospital(session, patient.id_number) if patient.id_number else session
        visits = tuple(self.platform.open_visits(patient.patient_id))
        return PatientSession(patient, account, visits)
