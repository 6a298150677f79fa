"""The HIS API's endpoints: patients (a lookup opens a patient session), visits, clinics and
registrations, admission orders and stays, bills marked paid, the payment channel, and the sandbox
control API. Reads of a patient's data need a live patient session at the calling terminal
(``sandbox.authority.require_present``, shared with the credit platform): a guessed patient id answers
403 ``patient_not_present`` exactly as a real one does."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kiosk.domain.idnumber import InvalidIdNumber, parse_id_number
from sandbox import authority
from sandbox import reference_data as ref
from sandbox.his import models as m
from sandbox.his.store import HisStore
from sandbox.routes.common import WRITE_DESCRIPTION, IdempotencyKey, check_key, keyed_write, request_digest
from sandbox.routes.control import Clock, ClockRequest, CompleteRequest, Moved
from sandbox.routes.payments import LatePayments, Payment
from sandbox.schemas import path_id, responses, write_responses
from sandbox.store import Refusal, iso, parse_iso

PRESENT = authority.PRESENT_403


def _patient_here(store, conn, now, grant: authority.Grant, fields: dict) -> None:
    """A write for a patient who must be at the terminal (registering, being admitted)."""
    authority.require_people(store, conn, now, grant, fields["patient_id"])


REGISTER = authority.Rule("his_register", check=_patient_here)
REGISTRATION_CANCEL = authority.Rule("his_registration_cancel")
ADMIT = authority.Rule("his_admit", check=_patient_here)
DISCHARGE_BILL = authority.Rule("his_discharge_bill", check=_patient_here)
PAYMENT = authority.Rule("payment")
PAYMENT_CANCEL = authority.Rule("payment_cancel")
PAYMENT_REFUND = authority.Rule("payment_refund")
MARK_DESCRIPTION = (
    "The `Idempotency-Key` names the mark: the same key and body answer the same mark and never act twice; the "
    "same key with another body: 409 `idempotency_key_reused`. A refusal is not kept under the key (send the mark "
    "again once allowed, e.g. when the payment has completed). A bill another key paid: 409 `bill_already_paid` "
    "(`details.bill_id`). A key whose mark was undone, or barred by an unmark before any mark arrived: 409 "
    "`mark_unmarked`. No patient session is needed: the kiosk's recovery marks bills after the patient has left.")


def _own_payment(store: HisStore, request: Request, payment_id: str, key: str | None) -> None:
    """Only the terminal that started a payment may cancel it or give it back (the key checked first)."""
    check_key(key)
    with store.snapshot() as conn:
        row = conn.execute("SELECT terminal_id FROM payments WHERE payment_id = ?", (payment_id,)).fetchone()
    if row is None:
        raise Refusal(404, "payment_not_found", "No payment with this id.")
    if row["terminal_id"] != request.state.terminal_id:
        raise Refusal(403, "not_this_terminal", "Only the terminal that started the payment may do this.")


def build(store: HisStore) -> APIRouter:
    router = APIRouter()

    # -- patients -----------------------------------------------------------------------------------
    @router.post("/v1/patients/find", response_model=m.Patient, tags=["patients"],
                 summary="Find a patient by ID number, social-security card or e-health card: a patient session "
                         "at this terminal",
                 description="Exactly one of the three keys. Answers the masked name and phone; opens a new "
                             "patient session for the patient at the calling terminal. Budgeted per terminal "
                             "(20 at once, then one more every 6 seconds), found or not.",
                 responses=responses(r404="`patient_not_found`, `token_not_found`", r409="`token_expired`",
                                     r422="`invalid_id_number`",
                                     r429="`too_many_lookups` (`Retry-After`; details: `retry_after_s`)"))
    def find(body: m.FindPatientRequest, request: Request) -> m.Patient:
        expired = False
        if body.health_card_token is not None:
            number, expired = store.health_card_number(body.health_card_token)
            via = "token"
            lookup = (lambda: None) if number is None or expired else (
                lambda: store.find_patient(id_number=number))
        elif body.id_number is not None:
            try:
                number = parse_id_number(body.id_number).value
            except InvalidIdNumber as exc:
                raise Refusal(422, "invalid_id_number", f"The ID number is not valid ({exc.reason}).") from None
            via, lookup = "card", (lambda: store.find_patient(id_number=number))
        else:
            via, lookup = "sscard", (lambda: store.find_patient(sscard_number=body.sscard_number))
        found, session = authority.identify(store, request, lookup, via)
        if expired:
            raise Refusal(409, "token_expired", "This code has expired: refresh it on the phone.")
        if found is None:
            code = "token_not_found" if body.health_card_token is not None else "patient_not_found"
            raise Refusal(404, code, "No patient for this key.")
        return m.Patient.model_validate({**found, "patient_session": session})

    @router.post("/v1/patient-sessions/end", response_model=m.SessionsEnded, tags=["patients"],
                 summary="End patient sessions of this terminal: the patient has left",
                 description="Not keyed: ending a session twice changes nothing.", responses=responses())
    def end_sessions(body: m.EndSessionsRequest, request: Request) -> m.SessionsEnded:
        with store.transaction() as conn:
            ended = store.end_patient_sessions(conn, store.now(), request.state.terminal_id, body.session_ids)
        return m.SessionsEnded(ended=ended)

    def _found(found: list | None) -> list:
        """After the presence check (a guessed id is refused as a real one is): 404 if no such patient."""
        if found is None:
            raise Refusal(404, "patient_not_found", "No patient with this id.")
        return found

    @router.get("/v1/patients/{patient_id}/visits", response_model=m.Visits, tags=["visits"],
                summary="A patient's outpatient visits with their charges, oldest first",
                responses=responses(r403=PRESENT, r404="`patient_not_found`"))
    def visits(patient_id: Annotated[str, path_id("10000003")], request: Request,
               status: Annotated[Literal["open", "settled"] | None,
                                 Query(description="`open`: the bill is unpaid.")] = None) -> m.Visits:
        authority.require_present(store, request, patient_id=patient_id)
        return m.Visits(visits=_found(store.visits(patient_id, status)))

    # -- registration ---------------------------------------------------------------------------------
    @router.get("/v1/departments", response_model=m.Departments, tags=["registration"],
                summary="Outpatient departments", responses=responses())
    def departments() -> m.Departments:
        return m.Departments(departments=[m.Department(dept_code=k, name=v[0], name_en=v[1])
                                          for k, v in ref.DEPARTMENTS.items()])

    @router.get("/v1/departments/{dept_code}/sessions", response_model=m.Sessions, tags=["registration"],
                summary="Clinic sessions from today on, finished ones left out",
                responses=responses(r404="`department_not_found`"))
    def sessions(dept_code: Annotated[str, path_id("D01")],
                 days: Annotated[int, Query(ge=1, le=7, description="Today and the next days-1 days.")] = 3,
                 ) -> m.Sessions:
        found = store.sessions(dept_code, days)
        if found is None:
            raise Refusal(404, "department_not_found", "No department with this id.")
        return m.Sessions.model_validate({"sessions": found})

    @router.post("/v1/registrations", response_model=m.Registration, tags=["registration"],
                 summary="Register the patient (present here) for a clinic session: the fee an unpaid bill",
                 description=WRITE_DESCRIPTION,
                 responses=write_responses(r403=PRESENT, r404="`patient_not_found`, `session_not_found`",
                                           r409="`session_closed`, `session_full`, `already_registered`"))
    def register(body: m.RegisterRequest, request: Request, idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, m.Registration, store.register, rule=REGISTER,
                           **body.model_dump())

    @router.get("/v1/patients/{patient_id}/registrations", response_model=m.Registrations, tags=["registration"],
                summary="A patient's registrations, newest session first",
                responses=responses(r403=PRESENT, r404="`patient_not_found`"))
    def registrations(patient_id: Annotated[str, path_id("10000001")], request: Request,
                      status: Annotated[Literal["booked", "cancelled"] | None, Query()] = None) -> m.Registrations:
        authority.require_present(store, request, patient_id=patient_id)
        return m.Registrations(registrations=_found(store.registrations(patient_id, status)))

    @router.post("/v1/registrations/{registration_id}/cancel", response_model=m.Registration, tags=["registration"],
                 summary="Cancel a registration: an unpaid fee's bill cancelled, a paid one refunded (before the "
                         "session starts)",
                 description=WRITE_DESCRIPTION + " No patient session is needed (the kiosk undoes a registration "
                                                 "it could not pay for, also after the patient left).",
                 responses=write_responses(r404="`registration_not_found`",
                                           r409="`already_cancelled`, `too_late`"))
    def cancel(registration_id: str, body: m.EmptyRequest, request: Request,
               idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, m.Registration, store.cancel_registration,
                           rule=REGISTRATION_CANCEL, registration_id=registration_id)

    # -- inpatient ----------------------------------------------------------------------------------
    @router.get("/v1/patients/{patient_id}/admission-orders", response_model=m.AdmissionOrders, tags=["inpatient"],
                summary="A patient's admission orders (入院证), newest first",
                responses=responses(r403=PRESENT, r404="`patient_not_found`"))
    def orders(patient_id: Annotated[str, path_id("10000003")], request: Request,
               status: Annotated[Literal["pending", "admitted", "cancelled"] | None, Query()] = None,
               ) -> m.AdmissionOrders:
        authority.require_present(store, request, patient_id=patient_id)
        return m.AdmissionOrders(orders=_found(store.admission_orders(patient_id, status)))

    @router.post("/v1/admissions", response_model=m.Stay, tags=["inpatient"],
                 summary="Admit the patient (present here) on an admission order: its department and ward, a bed",
                 description=WRITE_DESCRIPTION,
                 responses=write_responses(r403=PRESENT,
                                           r404="`patient_not_found`, `admission_order_not_found` (also another "
                                                "patient's order)",
                                           r409="`admission_order_used`, `admission_order_expired`, "
                                                "`already_admitted`"))
    def admit(body: m.AdmitRequest, request: Request, idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, m.Stay, store.admit, rule=ADMIT, **body.model_dump())

    @router.get("/v1/patients/{patient_id}/admissions", response_model=m.Stays, tags=["inpatient"],
                summary="A patient's stays, newest first (without their items)",
                responses=responses(r403=PRESENT, r404="`patient_not_found`"))
    def stays(patient_id: Annotated[str, path_id("10000009")], request: Request,
              status: Annotated[Literal["admitted", "billed", "discharged"] | None, Query()] = None) -> m.Stays:
        authority.require_present(store, request, patient_id=patient_id)
        return m.Stays(admissions=_found(store.stays(patient_id, status)))

    @router.get("/v1/admissions/{admission_id}", response_model=m.Stay, tags=["inpatient"],
                summary="A stay with every charge", responses=responses(r403=PRESENT, r404="`admission_not_found`"))
    def stay(admission_id: Annotated[str, path_id("A000001")], request: Request) -> m.Stay:
        authority.require_present(store, request, patient_id=store.stay_patient(admission_id) or "")
        found = store.stay(admission_id)
        if found is None:
            raise Refusal(404, "admission_not_found", "No admission with this id.")
        return m.Stay.model_validate(found)

    @router.post("/v1/admissions/{admission_id}/discharge-bill", response_model=m.Bill, tags=["inpatient"],
                 summary="Draw up the stay's discharge bill (every charge; no more after it)",
                 description=WRITE_DESCRIPTION + " Asked again under another key while unpaid: the same bill. "
                                                 "Needs the patient present.",
                 responses=write_responses(r403=PRESENT, r404="`admission_not_found`", r409="`already_discharged`"))
    def discharge_bill(admission_id: Annotated[str, path_id("A000001")], body: m.EmptyRequest, request: Request,
                       idempotency_key: IdempotencyKey = None) -> Response:
        fields = {"admission_id": admission_id, "patient_id": store.stay_patient(admission_id) or ""}

        def op(conn, now, terminal_id, *, admission_id: str, patient_id: str) -> dict:
            return store.discharge_bill(conn, now, terminal_id, admission_id=admission_id)

        return keyed_write(store, request, idempotency_key, m.Bill, op,
                           rule=DISCHARGE_BILL, **fields)

    # -- bills paid ---------------------------------------------------------------------------------
    @router.post("/v1/bills/mark-paid", response_model=m.Mark, tags=["bills"],
                 summary="The bills are paid (insurance settled, booked on credit, any rest paid now)",
                 description=MARK_DESCRIPTION,
                 responses=write_responses(
                     r404="`bill_not_found` (details: `bill_id`), `payment_not_found`",
                     r409="`bill_already_paid` (details: `bill_id`), `bill_cancelled`, `mark_unmarked`, "
                          "`payment_not_completed`, `payment_already_used`, `payment_mismatch`",
                     r422="`bills_of_several_patients`"))
    def mark_paid(body: m.MarkRequest, request: Request, idempotency_key: IdempotencyKey = None) -> m.Mark:
        key = check_key(idempotency_key)
        digest = request_digest(request.url.path, request.state.raw_body)
        return m.Mark.model_validate(store.mark_paid(request.state.terminal_id, key, digest, **body.model_dump()))

    @router.post("/v1/bills/unmark-paid", response_model=m.Mark, tags=["bills"],
                 summary="Undo the mark made under this Idempotency-Key, or bar the key if none arrived",
                 description="The `Idempotency-Key` is the mark's. Its bills are unpaid again (a discharged stay "
                             "back to `billed`), its channel payment free to be refunded. With no mark under the "
                             "key, the key is barred: a mark arriving later under it answers 409 `mark_unmarked`. "
                             "Idempotent: unmarking again answers the same.",
                 responses=write_responses())
    def unmark_paid(body: m.EmptyRequest, request: Request, idempotency_key: IdempotencyKey = None) -> m.Mark:
        key = check_key(idempotency_key)
        return m.Mark.model_validate(store.unmark_paid(request.state.terminal_id, key))

    @router.post("/v1/bills/name-booking", response_model=m.Mark, tags=["bills"],
                 summary="Name the credit booking of a mark made before it (the personal part was queued)",
                 description="The `Idempotency-Key` is the mark's. The credit platform did not answer when the bills "
                             "were settled: the mark was made without a booking and the kiosk queued the personal "
                             "part; once booked, the booking is named here. Again with the same booking: the same "
                             "answer.",
                 responses=write_responses(r409="`mark_not_paid`, `booking_already_named` (details: `booking_id`)"))
    def name_booking(body: m.NameBookingRequest, request: Request, idempotency_key: IdempotencyKey = None) -> m.Mark:
        key = check_key(idempotency_key)
        return m.Mark.model_validate(store.name_booking(request.state.terminal_id, key, **body.model_dump()))

    @router.get("/v1/paid-bills", response_model=m.Marks, tags=["bills"],
                summary="This terminal's marks of a business day (reconciliation), undone ones too",
                responses=responses())
    def paid_bills(day: Annotated[date, Query(alias="date", description="The business day, YYYY-MM-DD.")],
                   request: Request) -> m.Marks:
        return m.Marks.model_validate({"marks": store.paid_bills(request.state.terminal_id, day)})

    # -- the payment channel ------------------------------------------------------------------------
    @router.post("/v1/payments", response_model=Payment, tags=["payments"],
                 summary="Start a payment through the hospital's channel (pending, 5 minutes)",
                 description=WRITE_DESCRIPTION, responses=write_responses(r404="`patient_not_found`"))
    def create_payment(body: m.PaymentRequest, request: Request, idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Payment, store.create_payment, rule=PAYMENT,
                           **body.model_dump())

    @router.get("/v1/payments/late", response_model=LatePayments, tags=["payments"],
                summary="Payments that completed after the patient cancelled or walked away (for the desk)",
                description="Each one was refunded through the channel at once; the desk follows them up. The HIS "
                            "has no terminal roles: any of the hospital's terminals may list them (names masked).",
                responses=responses(r422="`invalid_request`"))
    def late_payments(since: Annotated[str | None, Query(description="ISO 8601 time; default: the last 7 days.")]
                      = None) -> LatePayments:
        try:
            start = parse_iso(since) if since else store.now() - timedelta(days=7)
        except ValueError:
            raise Refusal(422, "invalid_request", "since must be an ISO 8601 time with its time zone.") from None
        return LatePayments.model_validate({"payments": store.late_payments(start)})

    @router.get("/v1/payments/{payment_id}", response_model=Payment, tags=["payments"],
                summary="A payment's state", responses=responses(r404="`payment_not_found`"))
    def payment(payment_id: str) -> Payment:
        found = store.payment(payment_id)
        if found is None:
            raise Refusal(404, "payment_not_found", "No payment with this id.")
        return Payment.model_validate(found)

    @router.post("/v1/payments/{payment_id}/cancel", response_model=Payment, tags=["payments"],
                 summary="Cancel a pending payment at the channel: it can no longer be paid",
                 description=WRITE_DESCRIPTION + " Paid first: 409 `payment_already_paid` (details: `payment`).",
                 responses=write_responses(r403="`not_this_terminal`", r404="`payment_not_found`",
                                           r409="`payment_already_paid`"))
    def cancel_payment(payment_id: str, body: m.EmptyRequest, request: Request,
                       idempotency_key: IdempotencyKey = None) -> Response:
        _own_payment(store, request, payment_id, idempotency_key)
        return keyed_write(store, request, idempotency_key, Payment, store.cancel_payment, rule=PAYMENT_CANCEL,
                           payment_id=payment_id)

    @router.post("/v1/payments/{payment_id}/refund", response_model=Payment, tags=["payments"],
                 summary="Give a paid, unused payment back through the channel (listed as late)",
                 description=WRITE_DESCRIPTION,
                 responses=write_responses(r403="`not_this_terminal`", r404="`payment_not_found`",
                                           r409="`payment_not_paid`, `payment_already_used`"))
    def refund_payment(payment_id: str, body: m.RefundPaymentRequest, request: Request,
                       idempotency_key: IdempotencyKey = None) -> Response:
        _own_payment(store, request, payment_id, idempotency_key)
        return keyed_write(store, request, idempotency_key, Payment, store.refund_payment, rule=PAYMENT_REFUND,
                           payment_id=payment_id, late=body.late)

    return router


def build_control(store: HisStore, enabled: bool) -> APIRouter:
    """The sandbox control API (``control=True`` only; otherwise 404): the clock, a payment completed as
    the patient's phone would."""
    def gate() -> None:
        if not enabled:
            raise Refusal(404, "not_found", "Not Found")

    router = APIRouter(tags=["sandbox control"], dependencies=[Depends(gate)])
    control = authority.Rule("control", control=True)

    @router.get("/v1/_sandbox/clock", response_model=Clock, summary="The sandbox clock", responses=responses())
    def clock() -> Clock:
        return Clock(now=iso(store.now()))

    @router.post("/v1/_sandbox/clock", response_model=Moved, summary="Move the clock forward",
                 responses=write_responses(r409="`clock_backwards`", r422="`clock_jump_too_large`"))
    def move(body: ClockRequest, request: Request, idempotency_key: IdempotencyKey = None) -> Response:
        def op(conn, now, terminal_id, **fields) -> dict:
            return store.move_clock_in(conn, **fields)

        return keyed_write(store, request, idempotency_key, Moved, op, rule=control, advance_s=body.advance_s,
                           set_to=body.set_to)

    @router.post("/v1/_sandbox/payments/{payment_id}/complete", response_model=Payment,
                 summary="Complete a pending payment (stands in for the patient's phone)",
                 responses=write_responses(r404="`payment_not_found`", r409="`payment_expired`"))
    def complete(payment_id: str, body: CompleteRequest, request: Request,
                 idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Payment, store.complete_payment, rule=control,
                           payment_id=payment_id)

    return router
