"""The hospital information system (HIS) port: what the kiosk needs from the hospital's own system.

The HIS owns the patients (the hospital's patient id), the outpatient visits and their charge items,
the clinics and registrations, the doctors' admission orders (入院证) and the stays, the payment state of
every bill, and the hospital's payment channel for a rest the patient pays now on their phone. The
kiosk reads them, asks for registrations and admissions, and, once the insurance settlement and the
credit booking are done, has the HIS mark the bills paid (saga step 8, docs/integration.md).

An adapter implements :class:`HisPort`; the reference one speaks the sandbox HIS's REST API
(``kiosk.adapters.his_http``), a hospital may plug in its own (``kiosk.ports.registry``). Everything it
answers is one of the frozen models below, parsed once: money in integer fen (``*_fen``), times aware
(Asia/Shanghai business time), charge items in the national medical-insurance codes. A refusal is a
:class:`HisRefused` with a stable ``code`` (the codes are listed in docs/integration.md); no answer at
all is :class:`HisUnavailable`. Personal data (names, ID numbers) is kept out of ``repr``.

Writes take an idempotency ``key`` chosen by the caller and journaled before the call: the same key
sent again gets the first answer and never acts twice. ``mark_paid`` is idempotent by its key, refuses a
bill another key has paid (``bill_already_paid``), and ``unmark_paid(key)`` undoes the mark made under
that key or, when that mark never arrived, bars the key so that a late copy is refused
(``mark_unmarked``): the saga can always compensate.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Protocol, runtime_checkable

from kiosk.domain.errors import Refusal

#: How a patient is found: the resident ID number (a card read or typed at a desk), the
#: social-security card number (社会保障卡卡号, read with the card), or an e-health card (电子健康卡)
#: QR token, which the HIS resolves.
PatientKeyKind = Literal["id_number", "sscard", "health_card"]
BillKind = Literal["outpatient", "registration", "inpatient"]
#: ``unpaid``; ``paid`` (marked by a key); ``cancelled`` (a registration cancelled unpaid); ``refunded``
#: (a paid registration cancelled: its money goes back through the counterparts that took it).
BillStatus = Literal["unpaid", "paid", "cancelled", "refunded"]
PaymentPurpose = Literal["registration", "settlement", "discharge"]
LateReason = Literal["refunded_after_cancel", "refunded_walked_away"]

#: The national 医疗收费项目类别 codes (med_chrgitm_type) and 收费项目等级 (chrgitm_lv: 甲 乙 丙).
CHARGE_TYPES = frozenset(f"{n:02d}" for n in range(1, 15))
CHARGE_LEVELS = frozenset({"01", "02", "03"})


class HisRefused(Refusal):
    """The HIS answered and said no. ``code`` is its stable code, ``status`` the HTTP-like status
    (0 when the adapter has none), ``details`` what the answer carried beyond the code."""

    def __init__(self, code: str, message: str = "", status: int = 0, details: dict | None = None):
        super().__init__(code, f"{code} ({status}): {message}" if status else f"{code}: {message}")
        self.message = message
        self.status = status
        self.details = details or {}


class HisUnavailable(HisRefused):
    """No usable answer from the HIS: refused connection, timeout, TLS failure, a server error. A
    keyed write may or may not have been done: send it again with the same key."""

    def __init__(self, message: str, status: int = 0):
        super().__init__("his_unavailable", message, status)


def _aware(moment: datetime | None, what: str) -> None:
    if moment is not None and moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime")


def _fen(value: int, what: str) -> None:
    if type(value) is not int:
        raise ValueError(f"{what} must be integer fen")


# -- patients ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PatientKey:
    """How a patient is looked up at the HIS: by ``kind`` (ID number, social-security card, e-health code, ...)
    and its value."""

    kind: PatientKeyKind
    value: str = field(repr=False)

    def __post_init__(self):
        if self.kind not in ("id_number", "sscard", "health_card"):
            raise ValueError(f"unknown patient key kind {self.kind!r}")
        if not self.value:
            raise ValueError("a patient key needs a value")


@dataclass(frozen=True)
class PatientSession:
    """The patient is at this terminal: the HIS lets it read their data until the session ends."""

    session_id: str
    expires_at: datetime

    def __post_init__(self):
        _aware(self.expires_at, "expires_at")


@dataclass(frozen=True)
class HisPatient:
    """A patient as the HIS knows them: masked name and phone, ID number, birth date, guardian for a minor."""

    patient_id: str  # the hospital's patient id
    name_masked: str  # the HIS never gives a terminal the full name: 王*, 林*英
    id_number: str = field(repr=False)  # the resident ID number the key stands for
    sex: Literal["M", "F"]
    birth_date: date
    phone_masked: str  # 139****0101, empty when none on file
    guardian_patient_id: str | None = None  # a minor's guardian, as the hospital records it
    session: PatientSession | None = None  # the presence this lookup opened


# -- charges -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChargeItem:
    """One charge line as the national interface's fee detail (2204 / 2301) carries it."""

    feedetl_sn: str  # the HIS's serial of this line, unique within the visit or stay
    med_list_codg: str  # the national list code (医保目录编码)
    medins_list_codg: str  # the hospital's own code (医药机构目录编码)
    med_chrgitm_type: str  # 医疗收费项目类别, "01" 床位费 … "14" 其他费
    chrgitm_lv: str | None  # "01" 甲, "02" 乙, "03" 丙; None when the HIS does not know
    name: str
    spec: str
    pric_fen: int  # unit price
    cnt: Decimal  # quantity (the interface allows 4 decimals)
    det_item_fee_sumamt_fen: int  # the line's amount: pric × cnt, rounded half up to the fen
    dept_code: str
    dept_name: str
    doctor_code: str
    doctor_name: str
    fee_ocur_time: datetime

    def __post_init__(self):
        _fen(self.pric_fen, "pric_fen")
        _fen(self.det_item_fee_sumamt_fen, "det_item_fee_sumamt_fen")
        if not isinstance(self.cnt, Decimal) or self.cnt <= 0:
            raise ValueError("cnt must be a positive Decimal")
        if self.med_chrgitm_type not in CHARGE_TYPES:
            raise ValueError(f"med_chrgitm_type {self.med_chrgitm_type!r} is not a national code")
        if self.chrgitm_lv is not None and self.chrgitm_lv not in CHARGE_LEVELS:
            raise ValueError(f"chrgitm_lv {self.chrgitm_lv!r} is not a national code")
        expected = (Decimal(self.pric_fen) * self.cnt).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if expected != self.det_item_fee_sumamt_fen:
            raise ValueError("det_item_fee_sumamt_fen is not pric_fen × cnt")
        _aware(self.fee_ocur_time, "fee_ocur_time")


def _adds_up(items: tuple[ChargeItem, ...], total_fen: int, what: str) -> None:
    _fen(total_fen, "total_fen")
    if items and sum(i.det_item_fee_sumamt_fen for i in items) != total_fen:
        raise ValueError(f"the items of {what} do not add up to its total")


@dataclass(frozen=True)
class PaidMark:
    """The HIS's record that bills were paid: what ``mark_paid`` made under ``key``."""

    key: str
    status: Literal["paid", "unmarked"]  # unmarked: undone, or barred before it arrived
    bill_ids: tuple[str, ...]
    patient_id: str | None
    setl_id: str | None  # the insurance settlement (2207 / 2304)
    booking_id: str | None  # the credit platform's booking
    payment_id: str | None  # the hospital channel's payment of a rest paid now
    total_fen: int  # of the bills
    paid_now_fen: int  # the payment's amount (0 without one)
    marked_at: datetime | None
    unmarked_at: datetime | None
    business_date: date | None  # of the mark (reconciliation)

    def __post_init__(self):
        _fen(self.total_fen, "total_fen")
        _fen(self.paid_now_fen, "paid_now_fen")
        _aware(self.marked_at, "marked_at")
        _aware(self.unmarked_at, "unmarked_at")


@dataclass(frozen=True)
class HisBill:
    """A HIS bill (a visit's charges, a registration fee, a stay): its patient, status, total and items."""

    bill_id: str
    kind: BillKind
    patient_id: str
    status: BillStatus
    total_fen: int
    items: tuple[ChargeItem, ...]  # empty in summaries
    visit_id: str | None = None
    registration_id: str | None = None
    admission_id: str | None = None
    paid_key: str | None = None  # the mark that paid it
    setl_id: str | None = None
    booking_id: str | None = None
    paid_at: datetime | None = None

    def __post_init__(self):
        _adds_up(self.items, self.total_fen, self.bill_id)
        _aware(self.paid_at, "paid_at")


@dataclass(frozen=True)
class OutpatientVisit:
    """An outpatient visit with its unpaid charges: one bill."""

    visit_id: str
    patient_id: str
    bill_id: str
    dept_code: str
    dept_name: str
    doctor_code: str
    doctor_name: str
    started_at: datetime
    ended_at: datetime | None
    items: tuple[ChargeItem, ...]
    total_fen: int

    def __post_init__(self):
        if not self.items:
            raise ValueError("a visit has charges")
        _adds_up(self.items, self.total_fen, self.visit_id)
        _aware(self.started_at, "started_at")
        _aware(self.ended_at, "ended_at")


# -- registration ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Department:
    """A clinical department that takes registrations."""

    dept_code: str
    name: str
    name_en: str


@dataclass(frozen=True)
class ClinicSession:
    """A doctor's clinic session in a department on a day: the slots a registration books."""

    session_id: str
    dept_code: str
    dept_name: str
    doctor_name: str
    doctor_title: str  # 主治医师, 副主任医师, 主任医师 (sets the fee)
    date: date
    period: Literal["AM", "PM"]
    starts_at: datetime
    ends_at: datetime
    room: str
    fee_fen: int
    slots_total: int
    slots_left: int

    def __post_init__(self):
        _fen(self.fee_fen, "fee_fen")
        _aware(self.starts_at, "starts_at")
        _aware(self.ends_at, "ends_at")


@dataclass(frozen=True)
class Registration:
    """A registration at the HIS: the session, the queue number and the fee's bill."""

    registration_id: str
    patient_id: str
    session: ClinicSession
    queue_number: int
    status: Literal["booked", "cancelled"]
    bill: HisBill  # the registration fee as a charge item
    created_at: datetime
    cancelled_at: datetime | None = None

    def __post_init__(self):
        _aware(self.created_at, "created_at")
        _aware(self.cancelled_at, "cancelled_at")


# -- inpatient ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AdmissionOrder:
    """A doctor's admission order (入院证), in the national admission's (2401) names where it has them."""

    order_id: str
    patient_id: str
    med_type: str  # 21 普通住院, …
    adm_dept_codg: str
    adm_dept_name: str
    ward: str
    atddr_no: str
    chfpdr_name: str
    adm_diag_dscr: str
    dise_codg: str  # ICD-10
    issued_at: datetime
    status: Literal["pending", "admitted", "cancelled"]
    admission_id: str | None

    def __post_init__(self):
        _aware(self.issued_at, "issued_at")


@dataclass(frozen=True)
class Stay:
    """An inpatient stay. ``admitted``; ``billed`` once the discharge bill is drawn up (no more charges);
    ``discharged`` when that bill is paid."""

    admission_id: str
    patient_id: str
    order_id: str | None
    dept_code: str
    dept_name: str
    ward: str
    bed: str
    doctor_code: str  # the attending (ordering) doctor
    doctor_name: str
    admitted_at: datetime
    discharged_at: datetime | None
    status: Literal["admitted", "billed", "discharged"]
    total_fen: int
    items_count: int
    items: tuple[ChargeItem, ...]  # empty in summaries
    bill_id: str | None  # the discharge bill, once drawn up

    def __post_init__(self):
        _adds_up(self.items, self.total_fen, self.admission_id)
        if self.items and len(self.items) != self.items_count:
            raise ValueError("items_count does not count the items")
        _aware(self.admitted_at, "admitted_at")
        _aware(self.discharged_at, "discharged_at")


# -- the hospital's payment channel ------------------------------------------------------------------

@dataclass(frozen=True)
class ChannelPayment:
    """A QR payment the patient makes on their phone, through the hospital's channel."""

    payment_id: str
    patient_id: str
    amount_fen: int
    purpose: str
    reference: str | None
    status: Literal["pending", "paid", "expired", "cancelled", "refunded"]
    qr_payload: str
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    used: bool  # taken by a mark (a paid bill)
    late: str | None  # refunded after the patient cancelled or left: why

    def __post_init__(self):
        _fen(self.amount_fen, "amount_fen")
        for name in ("created_at", "expires_at", "paid_at"):
            _aware(getattr(self, name), name)


# -- the port ----------------------------------------------------------------------------------------

@runtime_checkable
class HisPort(Protocol):
    """What the kiosk asks of the hospital's HIS. Reads of a patient's data need the patient present:
    a ``find_patient`` at this terminal first (``patient_not_present`` otherwise). Writes take the
    caller's idempotency ``key``. Every method may raise :class:`HisRefused` or :class:`HisUnavailable`."""

    def find_patient(self, key: PatientKey) -> HisPatient:
        """The patient the key names; opens their presence at this terminal (``patient_not_found``,
        ``token_not_found``, ``token_expired``, ``invalid_id_number``, ``too_many_lookups``)."""

    def end_patient_sessions(self) -> int:
        """The patients found since the last call have left (the kiosk cleared): their presence ends."""

    def open_visits(self, patient_id: str) -> list[OutpatientVisit]:
        """The patient's visits with unpaid charges, each one bill, oldest first."""

    def departments(self) -> list[Department]:
        ...

    def sessions(self, dept_code: str, days: int = 3) -> list[ClinicSession]:
        """Clinic sessions from today on (``department_not_found``)."""

    def register(self, session_id: str, patient_id: str, *, key: str) -> Registration:
        """A place in the session, its fee an unpaid bill (``session_not_found``, ``session_closed``,
        ``session_full``, ``already_registered``)."""

    def registrations(self, patient_id: str, status: str | None = None) -> list[Registration]:
        ...

    def cancel_registration(self, registration_id: str, *, key: str) -> Registration:
        """The place given back; an unpaid fee bill is cancelled, a paid one marked refunded (the money
        goes back through the counterparts that took it) (``registration_not_found``,
        ``already_cancelled``, ``too_late`` for a paid one once the session began)."""

    def admission_orders(self, patient_id: str, status: str | None = "pending") -> list[AdmissionOrder]:
        ...

    def admit(self, order_id: str, patient_id: str, *, key: str) -> Stay:
        """Admission on the order: its department and ward, a bed (``admission_order_not_found``,
        ``admission_order_used``, ``admission_order_expired``, ``already_admitted``)."""

    def stays(self, patient_id: str, status: str | None = None) -> list[Stay]:
        """The patient's stays, newest first, without their items."""

    def stay(self, admission_id: str) -> Stay:
        """One stay with its items (``admission_not_found``)."""

    def discharge_bill(self, admission_id: str, *, key: str) -> HisBill:
        """The stay's bill with every item; the stay takes no more charges (``billed``). Drawn up once:
        asked again, the same bill (``admission_not_found``, ``already_discharged``)."""

    def mark_paid(self, bill_ids: list[str], *, setl_id: str | None, booking_id: str | None,
                  payment_id: str | None, key: str) -> PaidMark:
        """The bills (one patient's) are paid: settled with the insurance (``setl_id``), booked on credit
        (``booking_id``), the rest paid now through the channel (``payment_id``, a completed payment the
        mark takes). Idempotent by ``key``; ``bill_already_paid`` (details: ``bill_id``) when another key
        paid one, ``mark_unmarked`` when this key's mark was undone or barred, ``bill_not_found``,
        ``bills_of_several_patients``, ``payment_not_found``, ``payment_not_completed``,
        ``payment_already_used``, ``payment_mismatch``."""

    def unmark_paid(self, key: str) -> PaidMark:
        """Undo the mark made under ``key`` (the bills unpaid again, its payment free to be refunded), or
        bar the key when no such mark arrived. Idempotent."""

    def name_booking(self, key: str, booking_id: str) -> PaidMark:
        """The credit booking of the mark made under ``key`` without one (the personal part was queued while the
        credit platform did not answer, and booked since). Idempotent; ``booking_already_named``,
        ``mark_not_paid``."""

    def paid_bills(self, business_date: date) -> list[PaidMark]:
        """This terminal's marks of a business day (reconciliation), unmarked ones too."""

    def create_payment(self, patient_id: str, amount_fen: int, purpose: str, *, key: str,
                       reference: str | None = None) -> ChannelPayment:
        ...

    def payment(self, payment_id: str) -> ChannelPayment:
        ...

    def cancel_payment(self, payment_id: str, *, key: str) -> ChannelPayment:
        """Closed at the channel; a payment the phone paid first: ``payment_already_paid`` (details:
        ``payment``)."""

    def refund_payment(self, payment_id: str, late: str, *, key: str) -> ChannelPayment:
        """A paid, unused payment back through the channel, listed as late (``late``: why)."""

    def close(self) -> None:
        ...
