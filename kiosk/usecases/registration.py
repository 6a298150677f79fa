"""Credit registration (信用挂号): departments, their clinic sessions, registering on the
credit line or paying the fee by phone, the registration slip; and cancelling a
registration before its session starts (the fee goes back to where it came from).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime

from kiosk.domain import clock
from kiosk.domain.models import Account, Patient
from kiosk.domain.settlement import CannotUseCredit, guardian_line_ended, split_bill
from kiosk.platform import PlatformError
from kiosk.usecases.accounts import account_from
from kiosk.usecases.identify import PatientSession
from kiosk.usecases.repayment import Refused, print_slip, slip_header
from kiosk.usecases.writes import WritePending

log = logging.getLogger("kiosk.registration")

DAYS_AHEAD = 3  # today and the next two days


@dataclass(frozen=True)
class Department:
    """A department offered for registration, in both languages."""

    department_id: str
    name: str  # Chinese, as printed
    name_en: str


@dataclass(frozen=True)
class ClinicSession:
    """One half-day clinic of one doctor (号源)."""

    session_id: str
    department_id: str
    doctor: str
    doctor_title: str
    date: date
    period: str  # AM | PM
    starts_at: datetime
    ends_at: datetime
    room: str
    fee_fen: int
    slots_total: int
    slots_left: int

    @property
    def full(self) -> bool:
        return self.slots_left <= 0

    @property
    def time_slot(self) -> str:
        return "{start}–{end}".format(start=self.starts_at.astimezone(clock.BUSINESS_TZ).strftime("%H:%M"),
                                      end=self.ends_at.astimezone(clock.BUSINESS_TZ).strftime("%H:%M"))


def session_from(d: dict) -> ClinicSession:
    return ClinicSession(
        session_id=d["session_id"], department_id=d.get("department_id", ""), doctor=d["doctor"],
        doctor_title=d.get("doctor_title", ""), date=date.fromisoformat(d["date"]), period=d["period"],
        starts_at=datetime.fromisoformat(d["starts_at"]), ends_at=datetime.fromisoformat(d["ends_at"]),
        room=d.get("room", ""), fee_fen=d["fee_fen"], slots_total=d.get("slots_total", 0),
        slots_left=d.get("slots_left", 0))


@dataclass(frozen=True)
class Registration:
    """A registration made: session, queue number, the fee and how it was paid (booked on credit, paid now)."""

    registration_id: str
    reference: str
    queue_number: str
    session: ClinicSession | None  # None when the platform listed it without its session
    fee_fen: int
    booked_fen: int
    paid_fen: int
    account: Account | None
    due_at: datetime | None
    status: str  # booked | cancelled
    department: str = ""  # Chinese name, when known
    registered_at: datetime | None = None
    # the fee on credit queued for the credit platform, which did not answer (issue 12): not yet booked by it
    credit_pending: bool = False
    # ... and refused by it when sent (a conflict for the cashier): the fee was never charged
    credit_refused: bool = False


def registration_from(d: dict, department: str = "") -> Registration:
    s = d.get("session") or None
    return Registration(
        registration_id=d["registration_id"], reference=d.get("reference") or d["registration_id"],
        queue_number=str(d.get("queue_number", "")),
        session=session_from(s) if s else None,
        fee_fen=d.get("fee_fen", 0), booked_fen=d.get("booked_fen", 0), paid_fen=d.get("paid_fen", 0),
        account=account_from(d.get("account")),
        due_at=datetime.fromisoformat(d["due_at"]) if d.get("due_at") else None,
        status=d.get("status", "booked"),
        department=department or (s or {}).get("department", ""),
    )


def how_to_pay(account: Account | None, fee_fen: int, repay_before_reuse: bool = True, *,
               patient: Patient | None = None, today: date | None = None) -> tuple[str, str | None]:
    """``("credit", None)`` when the fee can go on the line, else ``("channel", why)``:
    guardian_line_ended (``patient`` has come of age on the business date ``today``, by default
    the kiosk's: they may pay now or open their own service), no_credit_service,
    account_suspended, repay_first or insufficient_line."""
    if patient is not None and guardian_line_ended(patient, account, today or clock.business_date(clock.now())):
        return "channel", "guardian_line_ended"
    if account is None:
        return "channel", "no_credit_service"
    try:
        split = split_bill(fee_fen, 0, fee_fen, account, repay_before_reuse)
    except CannotUseCredit as exc:
        return "channel", exc.code
    if split.shortfall_fen:
        return "channel", "insufficient_line"
    return "credit", None


@dataclass(frozen=True)
class RegisterOutcome:
    """A registration made, with its receipt."""

    registration: Registration | None  # None while the write is pending
    receipt_job: str | None = None
    print_error: str | None = None

    @property
    def pending(self) -> bool:
        return self.registration is None


@dataclass(frozen=True)
class CancelOutcome:
    """Where the fee went, as a refund goes (000 art. 17): ``returned_to_line_fen`` to the credit
    account (``to_bill_fen`` off the registration's debt, ``to_other_bills_fen`` off the account's
    other bills, ``to_balance_fen`` the balance the financial institution returns), and
    ``refunded_to_channel_fen`` a fee paid by phone, back through its channel."""

    registration: Registration
    data: dict | None  # the platform's answer; None while the write is pending
    returned_to_line_fen: int = 0
    refunded_to_channel_fen: int = 0
    account: Account | None = None
    receipt_job: str | None = None
    print_error: str | None = None
    to_bill_fen: int = 0
    to_other_bills_fen: int = 0
    to_balance_fen: int = 0
    #: the fee was queued for the credit platform, which refused it: never charged, nothing given back
    fee_never_charged: bool = False

    @property
    def pending(self) -> bool:
        return self.data is None


def _his_session(s) -> ClinicSession:
    """The HIS's clinic session (``kiosk.ports.his.ClinicSession``) as the screens show one."""
    return ClinicSession(session_id=s.session_id, department_id=s.dept_code, doctor=s.doctor_name,
                         doctor_title=s.doctor_title, date=s.date, period=s.period, starts_at=s.starts_at,
                         ends_at=s.ends_at, room=s.room, fee_fen=s.fee_fen, slots_total=s.slots_total,
                         slots_left=s.slots_left)


class Registrations:
    """``saga``: the registration saga (``kiosk.usecases.registration_saga``, issue 12) when the kiosk has the HIS
    and the insurance platform: the departments and sessions are the HIS's, a registration is made across the
    three counterparts and cancelled by undoing it. Without it, the credit platform registers alone."""

    def __init__(self, platform, writes, printer, overview, saga=None):
        self.platform = platform
        self.writes = writes
        self.printer = printer
        self.overview = overview  # ReadOverview
        self.saga = saga

    @property
    def his(self):
        return self.saga.ports.his

    # -- reading -------------------------------------------------------------------------
    def departments(self) -> tuple[Department, ...]:
        if self.saga is not None:
            return tuple(Department(d.dept_code, d.name, d.name_en) for d in self.his.departments())
        data = self.platform.request("GET", "/v1/departments")
        return tuple(Department(d["department_id"], d["name"], d.get("name_en") or "")
                     for d in data["departments"])

    def sessions(self, department_id: str) -> tuple[ClinicSession, ...]:
        """Today's and the next two days' sessions (the platform leaves out those that ended),
        in time order."""
        if self.saga is not None:
            return tuple(sorted((_his_session(s) for s in self.his.sessions(department_id, DAYS_AHEAD)
                                 if s.ends_at > clock.now()), key=lambda s: (s.starts_at, s.doctor)))
        data = self.platform.request("GET", f"/v1/departments/{department_id}/sessions?days={DAYS_AHEAD}")
        return tuple(sorted((session_from(s) for s in data["sessions"]), key=lambda s: (s.starts_at, s.doctor)))

    def booked(self, session: PatientSession) -> tuple[Registration, ...]:
        """The patient's registrations still booked, soonest first."""
        if self.saga is not None:
            return self._booked_at_his(session)
        patient_id = session.patient.patient_id
        try:
            data = self.platform.request("GET", f"/v1/patients/{patient_id}/registrations?status=booked")
        except PlatformError as exc:
            if exc.status != 404:
                raise
            return self._booked_from_bills(patient_id)
        now = clock.now()
        found = [registration_from(r) for r in data["registrations"] if r.get("status", "booked") == "booked"]
        # A session that has ended is history, not something to cancel; one that has started
        # is still listed, and the platform's "too late" is explained to the patient.
        found = [r for r in found if r.session is None or r.session.ends_at > now]
        return tuple(sorted(found, key=lambda r: r.session.starts_at if r.session else now))

    def _booked_at_his(self, session: PatientSession) -> tuple[Registration, ...]:
        now = clock.now()
        found = []
        for r in self.his.registrations(session.his_patient_id, "booked"):
            if r.session.ends_at <= now:
                continue
            bill = r.bill  # its fee on the line (a booking) or paid by phone (paid without one)
            made = self._made_here(r.registration_id)
            pending = made is not None and made.credit_pending  # on the line, the booking not made yet: none named
            refused = made is not None and made.credit_refused  # queued, refused by the platform: never charged
            booked = bill.total_fen if bill.booking_id or pending else 0
            paid = bill.total_fen if bill.status == "paid" and not booked and not refused else 0
            found.append(Registration(r.registration_id, bill.bill_id, str(r.queue_number), _his_session(r.session),
                                      bill.total_fen, booked, paid, session.account, None, r.status,
                                      department=r.session.dept_name, registered_at=r.created_at,
                                      credit_pending=pending, credit_refused=refused))
        return tuple(sorted(found, key=lambda r: r.session.starts_at))

    def _made_here(self, registration_id: str):
        """The registration as this kiosk's saga made it (``Registered``: its fee queued for the credit platform and
        still waiting, or refused by it), None when made elsewhere."""
        from kiosk.usecases.registration_saga import RegistrationSettlement

        sagas = self.saga.engine.sagas
        saga_id = sagas.find("registration", "registration_id", registration_id)
        return RegistrationSettlement.registered(sagas.get(saga_id)) if saga_id is not None else None

    def credit_refusal(self, session: PatientSession, fee_fen: int) -> str | None:
        """Why the fee may not go on the credit line while the credit platform does not answer (the offline caps:
        ``offline_*``); None when it may, or when the platform answers (``how_to_pay`` says the rest)."""
        if self.saga is None or not session.offline:
            return None
        return self.saga.credit_refusal(session, fee_fen)

    def _booked_from_bills(self, patient_id: str) -> tuple[Registration, ...]:
        """No registrations listing: the overview's registration bills (credit registrations only)."""
        overview = self.overview(patient_id)
        return tuple(
            Registration(b.registration_id, b.reference, "", None, b.amount_fen, b.amount_fen, 0,
                         overview.account, b.due_at, "booked", registered_at=b.created_at)
            for b in overview.bills
            if b.kind == "registration" and b.registration_id and b.refunded_fen < b.amount_fen)

    # -- writing -------------------------------------------------------------------------
    def register(self, session: PatientSession, department: Department, clinic: ClinicSession,
                 payment_id: str | None = None) -> RegisterOutcome:
        if self.saga is not None:
            return self._register_saga(session, department, clinic, payment_id)
        body = {"session_id": clinic.session_id, "patient_id": session.patient.patient_id,
                "pay": "channel" if payment_id else "credit"}
        if payment_id:
            body["payment_id"] = payment_id
        try:
            data = self.writes.send("registration", "/v1/registrations", body)
        except WritePending:
            return RegisterOutcome(None)
        registration = registration_from(data, department.name)
        if registration.session is None:  # the platform did not repeat it: the one chosen
            registration = replace(registration, session=clinic)
        log.info("registered %s", registration.reference)
        job, error = print_slip(self.printer, lambda: self._slip(session, registration),
                                f"registration-{registration.reference}")
        return RegisterOutcome(registration, job, error)

    def _register_saga(self, session: PatientSession, department: Department, clinic: ClinicSession,
                       payment_id: str | None) -> RegisterOutcome:
        from kiosk.usecases.registration_saga import SagaPending

        try:
            made = self.saga.register(session, clinic, payment_id)
        except SagaPending:
            return RegisterOutcome(None)  # the recovery completes it, or undoes it; never charged twice
        account = session.account
        if account is not None and made.available_fen is not None:
            account = replace(account, available_fen=made.available_fen, used_fen=account.line_fen - made.available_fen)
        registration = Registration(made.registration_id, made.reference, str(made.queue_number), clinic, made.fee_fen,
                                    made.booked_fen, made.paid_fen, account, made.due_at, "booked", department.name,
                                    made.registered_at, made.credit_pending)
        log.info("registered %s (saga %s)", registration.reference, made.saga_id[:8])
        job, error = print_slip(self.printer, lambda: self._slip(session, registration),
                                f"registration-{registration.reference}")
        return RegisterOutcome(registration, job, error)

    def _cancel_saga(self, session: PatientSession, registration: Registration) -> CancelOutcome:
        from kiosk.usecases.registration_saga import RegistrationSettlement

        state = self.saga.cancel(registration.registration_id)
        if state == "not_found":  # made elsewhere (the registration desk): cancelled there
            raise Refused("registration_not_found")
        if state != "undone":
            return CancelOutcome(registration, None)  # the recovery ends the undo
        saga_id = self.saga.engine.sagas.find("registration", "registration_id", registration.registration_id)
        made = RegistrationSettlement.registered(self.saga.engine.sagas.get(saga_id))
        data = {"reference": made.reference}
        outcome = CancelOutcome(registration, data, made.booked_fen, made.paid_fen, session.account,
                                to_bill_fen=made.booked_fen, fee_never_charged=made.credit_refused)
        log.info("cancelled %s (saga %s)", registration.reference, saga_id[:8])
        job, error = print_slip(self.printer, lambda: self._cancel_slip(session, outcome),
                                f"cancellation-{registration.reference}")
        return replace(outcome, receipt_job=job, print_error=error)

    def cancel(self, session: PatientSession, registration: Registration) -> CancelOutcome:
        if self.saga is not None:
            return self._cancel_saga(session, registration)
        try:
            data = self.writes.send("registration_cancel",
                                    f"/v1/registrations/{registration.registration_id}/cancel", {})
        except WritePending:
            return CancelOutcome(registration, None)
        credit = data.get("returned_to_line_fen", 0)
        outcome = CancelOutcome(registration, data, credit, data.get("refunded_to_channel_fen", 0),
                                account_from(data.get("account")),
                                to_bill_fen=data.get("to_bill_fen", credit),  # an older platform: all off the bill
                                to_other_bills_fen=data.get("to_other_bills_fen", 0),
                                to_balance_fen=data.get("to_balance_fen", 0))
        log.info("cancelled %s", registration.reference)
        job, error = print_slip(self.printer, lambda: self._cancel_slip(session, outcome),
                                f"cancellation-{registration.reference}")
        return replace(outcome, receipt_job=job, print_error=error)

    # -- paper ---------------------------------------------------------------------------
    def _slip(self, session: PatientSession, r: Registration):
        from printing.slips import registration_slip

        s = r.session
        return registration_slip(
            slip_header(self.printer, session), reference=r.reference, department=r.department,
            doctor=s.doctor, doctor_title=s.doctor_title, session_date=s.date, session=s.period,
            time_slot=s.time_slot, room=s.room, queue_number=r.queue_number, fee_fen=r.fee_fen,
            booked_fen=r.booked_fen, fund_fen=r.fee_fen - r.booked_fen - r.paid_fen, paid_fen=r.paid_fen,
            channel="扫码支付" if r.paid_fen else "",
            available_fen=r.account.available_fen if r.account and not r.credit_pending else None, due_at=r.due_at,
            credit_pending=r.credit_pending)

    def _cancel_slip(self, session: PatientSession, c: CancelOutcome):
        from printing.slips import cancellation_slip

        r, s = c.registration, c.registration.session
        # Only what is known: no session when the platform listed the registration from its
        # bill; no credit line for a registration paid by phone without the credit service.
        clinic = {} if s is None else dict(
            department=r.department, doctor=s.doctor, doctor_title=s.doctor_title, session_date=s.date,
            session=s.period, queue_number=r.queue_number or None)
        return cancellation_slip(
            slip_header(self.printer, session), reference=c.data.get("reference") or r.reference,
            original_reference=r.reference, **clinic,
            refund_fen=c.returned_to_line_fen + c.refunded_to_channel_fen, to_credit_fen=c.returned_to_line_fen,
            to_bill_fen=c.to_bill_fen, to_other_bills_fen=c.to_other_bills_fen, to_balance_fen=c.to_balance_fen,
            to_channel_fen=c.refunded_to_channel_fen, channel="扫码支付" if c.refunded_to_channel_fen else "",
            available_fen=c.account.available_fen if c.account else None)
