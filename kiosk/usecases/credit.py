"""The credit service itself: open it (consent + phone), close it, query accounts, link a parent.

Plain classes given the platform client and the journal-first writer. The platform gives a
terminal names and the phone on file masked only; names are masked again here as they are
parsed (whatever a platform sends, the screens never hold a full name of anyone but the
patient). A phone typed by the patient is kept out of ``repr`` so no log line or traceback
carries it. Taking on a parent needs the parent's consent: their own card at this terminal,
or the code the platform sends to their phone (``send_consent_code``).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime

from kiosk.domain.errors import Refusal
from kiosk.domain.idnumber import mask_name, mask_phone
from kiosk.domain.models import Account
from kiosk.platform import PlatformError
from kiosk.usecases.accounts import Bill, account_from, bill_from, when
from kiosk.usecases.writes import WritePending

log = logging.getLogger("kiosk.credit")

PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
GRADES = ("A", "B", "C", "D", "E")


class CreditRefused(Refusal):
    """A request refused by the kiosk before any platform call; ``code`` maps to a message."""

    def __init__(self, code: str):
        super().__init__(code)


class OutstandingBalance(CreditRefused):
    """Closing refused: something is still owed (the platform's 409 ``outstanding_balance``)."""

    def __init__(self, outstanding_fen: int | None, bill_ids: tuple[str, ...] = ()):
        super().__init__("outstanding_balance")
        self.outstanding_fen = outstanding_fen
        self.bill_ids = bill_ids


def valid_phone(text: str) -> bool:
    """A mainland mobile number: 11 digits, ``1`` then 3-9 (the platform's own rule)."""
    return bool(PHONE_PATTERN.fullmatch(text))


# -- what the platform says -------------------------------------------------
@dataclass(frozen=True)
class Consent:
    """The credit service's consent text, in both languages, as the platform publishes it."""

    version: str
    title: str
    text_zh: str
    text_en: str
    published_at: datetime | None

    def text_for(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else (self.text_zh or self.text_en)


@dataclass(frozen=True)
class Relation:
    """A patient linked to another's credit line (a minor on a guardian's) and how."""

    patient_id: str
    relation: str  # child | parent | guardian
    masked_name: str
    account_id: str | None
    repayment_taken_on: bool | None = None  # None: the platform does not say


@dataclass(frozen=True)
class CreditDetails:
    """What the identity lookup adds to a ``PatientSession`` for these journeys."""

    patient_id: str
    has_credit_service: bool
    masked_phone: str = ""  # the mobile number on file, as the platform masks it ("" when none)
    phone_on_file: bool = False  # opening may use it without the kiosk ever seeing it
    insurance_credit_grade: str | None = None
    relations: tuple[Relation, ...] = ()

    def children(self) -> tuple[Relation, ...]:
        return tuple(r for r in self.relations if r.relation == "child")


@dataclass(frozen=True)
class Opened:
    """The service opened: the line by the score's tier, and the consent the platform recorded."""

    pending: bool = False  # the platform did not answer: the journal completes it later
    account: Account | None = None
    score: int | None = None
    score_name: str = ""
    tier: int | None = None
    line_fen: int = 0
    value_added: bool = False
    consent_version: str = ""
    consented_at: datetime | None = None
    for_minor: bool = False


@dataclass(frozen=True)
class Closed:
    """What closing the credit service did (``pending``: queued while the platform was away)."""

    pending: bool = False
    closed_patient_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonAccount:
    """One person's account and bills as the query screen shows them."""

    patient_id: str
    relation: str  # self | child | parent | guardian
    masked_name: str
    account: Account | None
    bills: tuple[Bill, ...] = ()
    has_credit_service: bool = True

    @property
    def owed_fen(self) -> int:
        return sum(b.outstanding_fen for b in self.bills if b.status != "paid")


@dataclass(frozen=True)
class Overview:
    """A patient's credit service: whether they have it, their grade, their own account and the lines linked to
    it."""

    patient_id: str
    has_credit_service: bool
    insurance_credit_grade: str | None
    own: PersonAccount
    linked: tuple[PersonAccount, ...] = ()
    parents_to_take_on: tuple[Relation, ...] = ()  # parents the platform lists with nobody repaying yet

    @property
    def owed_fen(self) -> int:
        """What the patient can repay from here: their own bills (a minor's are on this account)."""
        account_owed = self.own.account.used_fen if self.own.account else 0
        return max(account_owed, self.own.owed_fen)

    def disputable_bills(self) -> tuple[Bill, ...]:
        return tuple(b for b in self.own.bills if b.status in ("due", "overdue", "disputed"))


# -- parsing ------------------------------------------------------------------
def _taken_on(data: dict) -> bool | None:
    """Whether someone repays for this parent; None when the platform does not say."""
    taken = data.get("repayment_taken_on")
    if taken is None and "payer_patient_id" in data:
        taken = data["payer_patient_id"] is not None
    return None if taken is None else bool(taken)


def _relation_from(data: dict) -> Relation:
    return Relation(patient_id=data["patient_id"], relation=data["relation"],
                    masked_name=mask_name(data.get("name") or ""), account_id=data.get("account_id"),
                    repayment_taken_on=_taken_on(data))


def _grade(value) -> str | None:
    return value if value in GRADES else None


# -- the use cases --------------------------------------------------------------
class CreditService:
    def __init__(self, platform, writes):
        self.platform = platform
        self.writes = writes

    def details(self, id_number: str) -> CreditDetails:
        """Phone, service state, grade and relations: the lookup fields ``PatientSession`` lacks."""
        data = self.platform.request("POST", "/v1/identity/lookup", {"id_number": id_number})
        on_file = bool(data.get("phone_on_file"))
        return CreditDetails(
            patient_id=data["patient_id"],
            has_credit_service=bool(data.get("has_credit_service", data.get("account_id") is not None)),
            masked_phone=mask_phone(data.get("phone_masked") or "") if on_file else "",
            phone_on_file=on_file,
            insurance_credit_grade=_grade(data.get("insurance_credit_grade")),
            relations=tuple(_relation_from(r) for r in data.get("relations") or ()),
        )

    def consent(self) -> Consent:
        data = self.platform.request("GET", "/v1/consent/current")
        return Consent(version=data["version"], title=data.get("title", ""), text_zh=data.get("text_zh", ""),
                       text_en=data.get("text_en", ""), published_at=when(data.get("published_at")))

    def prepare_open(self, id_number: str) -> tuple[CreditDetails, Consent | None]:
        """The patient's state and, if they can still open the service, the consent to read."""
        details = self.details(id_number)
        return details, (None if details.has_credit_service else self.consent())

    def open(self, patient_id: str, consent_version: str, phone: str | None,
             guardian_patient_id: str | None = None) -> Opened:
        """``phone`` None: the number on file (which the platform never shows the kiosk)."""
        if phone is not None and not valid_phone(phone):
            raise CreditRefused("phone_invalid")  # never sent: the platform would refuse it too
        body = {"patient_id": patient_id, "consent_version": consent_version, "score_authorised": True}
        if phone is not None:
            body["phone"] = phone
        if guardian_patient_id:
            body["guardian_patient_id"] = guardian_patient_id
        # The body holds the phone number: the outbox seals it (AES-GCM, key in the keyring).
        try:
            data = self.writes.send("consent", "/v1/credit/open", body)
        except WritePending:
            return Opened(pending=True, for_minor=guardian_patient_id is not None)
        log.info("credit service opened (tier %s)", data.get("tier"))
        return Opened(
            account=account_from(data.get("account")),
            score=data.get("score"),
            score_name=data.get("score_name", ""),
            tier=data.get("tier"),
            line_fen=data.get("line_fen", 0),
            value_added=bool(data.get("value_added", False)),
            consent_version=data.get("consent_version", consent_version),
            consented_at=when(data.get("consented_at")),
            for_minor=guardian_patient_id is not None,
        )

    def close(self, patient_id: str) -> Closed:
        try:
            data = self.writes.send("credit_close", "/v1/credit/close", {"patient_id": patient_id})
        except WritePending:
            return Closed(pending=True)
        except PlatformError as exc:
            if exc.code != "outstanding_balance":
                raise
            raise self._owed(patient_id, exc) from None
        log.info("credit service closed for %d patient(s)", len(data.get("closed_patient_ids", ())))
        return Closed(closed_patient_ids=tuple(data.get("closed_patient_ids", ())))

    def _owed(self, patient_id: str, exc: PlatformError) -> OutstandingBalance:
        """The amount from the refusal's details; if the client dropped them, from the bills."""
        details = getattr(exc, "details", None) or {}
        if "outstanding_fen" in details:
            return OutstandingBalance(details["outstanding_fen"], tuple(details.get("bill_ids") or ()))
        try:
            overview = self.overview(patient_id)
        except PlatformError:
            return OutstandingBalance(None)
        bills = [b for p in (overview.own, *overview.linked) if p.relation in ("self", "child")
                 for b in p.bills if b.status != "paid" and b.outstanding_fen > 0]
        unique = {b.bill_id: b for b in bills}
        return OutstandingBalance(sum(b.outstanding_fen for b in unique.values()), tuple(unique))

    def overview(self, patient_id: str) -> Overview:
        data = self.platform.request("GET", f"/v1/patients/{patient_id}/overview")
        own = PersonAccount(patient_id=data["patient_id"], relation="self", masked_name="",
                            account=account_from(data.get("account")),
                            bills=tuple(bill_from(b) for b in data.get("bills") or ()),
                            has_credit_service=bool(data.get("has_credit_service")))
        linked = tuple(
            PersonAccount(patient_id=p["patient_id"], relation=p.get("relation", ""),
                          masked_name=mask_name(p.get("name") or ""), account=account_from(p.get("account")),
                          bills=tuple(bill_from(b) for b in p.get("bills") or ()),
                          has_credit_service=p.get("account") is not None)
            for p in data.get("linked") or ())
        return Overview(patient_id=data["patient_id"], has_credit_service=bool(data.get("has_credit_service")),
                        insurance_credit_grade=_grade(data.get("insurance_credit_grade")), own=own, linked=linked)

    def query(self, id_number: str, patient_id: str) -> Overview:
        """The overview, plus the parents this patient could take on repayment for."""
        overview = self.overview(patient_id)
        details = self.details(id_number)
        linked = {p.patient_id for p in overview.linked}
        parents = tuple(r for r in details.relations if r.relation == "parent"
                        and r.repayment_taken_on is False and r.patient_id not in linked)
        return replace(overview, parents_to_take_on=parents)

    def send_consent_code(self, payer_patient_id: str, parent_patient_id: str) -> str:
        """The platform texts the parent a code (their phone on file): the parent's consent when
        they are not here. Returns the number it went to, masked."""
        data = self.platform.request("POST", "/v1/relations/consent-code",
                                     {"payer_patient_id": payer_patient_id, "patient_id": parent_patient_id})
        return mask_phone(data.get("sent_to") or "")

    def training_code(self, parent_patient_id: str) -> str:
        """Training only (the sandbox's control API): the code the demo parent's phone received."""
        messages = self.platform.request("GET", f"/v1/_sandbox/sms/{parent_patient_id}")["messages"]
        return messages[-1]["code"] if messages else ""

    def add_parent(self, payer_patient_id: str, parent_patient_id: str, code: str | None = None) -> bool:
        """The payer takes on repayment for a parent, who consents with their own card read here
        (``code`` None) or the code sent to their phone. False: pending (the journal completes it)."""
        if payer_patient_id == parent_patient_id:
            raise CreditRefused("same_person")
        consent = {"method": "card"} if code is None else {"method": "sms", "code": code}
        body = {"payer_patient_id": payer_patient_id, "patient_id": parent_patient_id, "relation": "parent",
                "consent": consent}
        try:
            self.writes.send("relation", "/v1/relations", body)
        except WritePending:
            return False
        return True
