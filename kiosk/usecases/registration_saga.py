"""The registration saga (issue 12): a clinic registration (挂号) across the three counterparts, everywhere or
nowhere: the HIS's registration and its fee's bill, the insurance platform's outpatient visit (2201), the fee on
the credit line (hold, booking of kind ``registration``) or paid by phone through the HIS's channel, the bill
marked paid at the HIS. The fee is the patient's own (no insurance settlement of it here).

**Forward** (the patient confirmed the session and how to pay, any phone payment made), each step journaled
before its call (``kiosk.usecases.saga``):
1. the HIS registers the patient for the session (``his_register``: the registration, its queue number and the
   fee's bill; the same key when sent again),
2. 2201 at the insurance platform (``register:0``; the visit's ``mdtrt_id``; its ``ipt_otp_no`` is the HIS's
   registration id, so it follows the HIS's step), for a patient insured here,
3. credit hold of the fee (paid by phone: no hold, no booking),
4. the credit booking (the hold becomes a bill with the fee's charge line),
5. the HIS marks the fee's bill paid (the booking or the phone payment); then the slip.

**Undo**, in reverse: the HIS's mark undone, the booking voided or the hold released, 2202 (or 2601 for a 2201
whose answer was lost), the phone payment refunded through the channel, the HIS's registration cancelled (the
slot freed). A refusal anywhere before the booking undoes at once; no answer leaves the saga to the recovery.

**Recovery** (at start, and the sync engine's sweep): the booking (or, paid by phone, the mark) is the point of
no return: a saga that reached it is driven forward (the same keys); one that did not is undone, so the patient,
gone, is never left registered without the fee booked or paid. **Cancelling** a registration later (before its
session) is the same undo of a settled saga: the fee back to the line (the booking voided) or to the phone.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain import clock
from kiosk.domain.errors import Refusal
from kiosk.domain.plan import SettlementPlan
from kiosk.domain.settlement import CannotUseCredit
from kiosk.ports.insurance import Insured, RegistrationRequest
from kiosk.usecases.saga import Run, StepFailed, lane_lock
from kiosk.usecases.settlement_saga import (
    SagaPending,
    SagaUndone,
    SettlementSaga,
    booking_facts,
    credit_refusal,
    insured_from,
)
from kiosk.usecases.writes import phase

log = logging.getLogger("kiosk.registration")

KIND = "registration"


class _NotLive(Exception):
    code = "patient_gone"


class _FeeChanged(Exception):
    code = "registration_fee_changed"


class FeeRepaid(Refusal):
    """The registration's booking was repaid, refunded or disputed meanwhile: the credit platform will not void
    it, so the registration is not cancelled here (nothing was changed; a refund at the desk undoes it)."""

    def __init__(self):
        super().__init__("registration_fee_repaid", "the booking is in use: cancel at the desk")


class FeePending(Refusal):
    """The registration was made while the credit platform did not answer, and its fee still waits in the kiosk's
    queue for it: the fee cannot be given back before the platform has booked it, so the registration is not
    cancelled now (nothing was changed). Once the platform answers (the queue is sent by itself) it can be."""

    def __init__(self):
        super().__init__("registration_fee_pending", "the fee waits for the credit platform: cancel later")


class FeeCollected(Refusal):
    """The platform refused the fee queued for it (a conflict) and the cashier has since collected it, or found it
    settled another way: the kiosk cannot give that money back, so the registration is not cancelled here (nothing
    was changed; the cashier window cancels it and refunds what it took)."""

    def __init__(self):
        super().__init__("registration_fee_collected", "the fee was collected at the desk: cancel there")


class SessionStarted(Refusal):
    """The registration's session has begun: it is no longer cancelled at the kiosk (nothing was changed; the
    registration desk decides), as the HIS refuses a paid registration's cancel once its session began."""

    def __init__(self):
        super().__init__("too_late", "the session has begun: cancel at the registration desk")


@dataclass(frozen=True)
class Registered:
    """The registration as the saga made it: the HIS's registration and fee bill, the plan (on credit or paid by
    phone), the booking's figures when on credit."""
    saga_id: str
    registration_id: str
    bill_id: str
    queue_number: int
    fee_fen: int
    booked_fen: int
    paid_fen: int
    reference: str  # the credit platform's booking, else the HIS's bill
    due_at: datetime | None
    available_fen: int | None
    registered_at: datetime
    credit_pending: bool = False  # the fee on credit queued for the credit platform, not yet booked by it
    #: the fee queued for the credit platform and refused by it (a conflict for the cashier): not on the line
    credit_refused: bool = False


def _registration_facts(r) -> dict:
    """The HIS's registration (``kiosk.ports.his.Registration``) as the journal keeps it: ids, codes, amounts."""
    bill = r.bill
    return {"registration_id": r.registration_id, "queue_number": r.queue_number, "bill_id": bill.bill_id,
            "total_fen": bill.total_fen, "created_at": r.created_at.isoformat(),
            "items": [{"medins_list_codg": i.medins_list_codg, "name": i.name, "cnt": format(i.cnt.normalize(), "f"),
                       "pric_fen": i.pric_fen, "amount_fen": i.det_item_fee_sumamt_fen,
                       "med_chrgitm_type": i.med_chrgitm_type, "chrgitm_lv": i.chrgitm_lv} for i in bill.items]}


def clinic_facts(clinic) -> dict:
    """The chosen session (``kiosk.usecases.registration.ClinicSession``, the HIS's) as the journal keeps it."""
    return {"session_id": clinic.session_id, "dept_code": clinic.department_id, "doctor": clinic.doctor,
            "fee_fen": clinic.fee_fen, "starts_at": clinic.starts_at.isoformat(), "ends_at": clinic.ends_at.isoformat()}


class RegistrationSettlement(SettlementSaga):
    """Register, undo (cancel) and recover registration sagas. ``ports``: ``kiosk.services.Ports``."""

    KIND = KIND
    CREDIT_KIND = "registration"

    # -- forward --------------------------------------------------------------------------------------
    def register(self, session, clinic, payment_id: str | None = None) -> Registered:
        """Register ``session``'s patient for ``clinic`` (a session of the HIS), the fee on the credit line or,
        with ``payment_id``, paid by phone through the HIS's channel. Raises ``CannotUseCredit`` (nothing sent),
        :class:`SagaUndone` (refused: undone everywhere) or :class:`SagaPending` (the recovery ends it)."""
        lane = self.lane_of(session)
        with lane_lock(lane):
            self._left_behind(lane)
            fee = clinic.fee_fen
            if payment_id is None:
                refusal = self.credit_refusal(session, fee)
                if refusal is not None:
                    raise CannotUseCredit(refusal)
                plan = SettlementPlan(fee, 0, 0, fee, fee, 0, 0)
            else:
                plan = SettlementPlan(fee, 0, 0, fee, 0, fee, 0)
            _insured, facts, private = self._person(session)
            run = self._begin(session, {"bills": [], "clinic": clinic_facts(clinic), "plan": plan.as_dict(),
                                        **facts}, private)
            try:
                # the offline caps' room (the credit platform down now, or should it not answer the hold)
                offline = self._offline_facts(run, session, None) if payment_id is None else {}
                run.update(state="confirmed", payment_id=payment_id, **offline)
                return self._forward(run, live=True)
            finally:
                run.close()

    def credit_refusal(self, session, fee_fen: int) -> str | None:
        """Why the fee cannot go on the credit line (None: it can): the line's rules, and, the credit platform not
        answering (an offline session), the offline caps (``offline_*``: the same as an outpatient bill's; the fee
        is then paid by phone through the HIS's channel, which does not need the credit platform)."""
        room, refusal = credit_refusal(session.patient, session.account, self.repay_before_reuse)
        if refusal is None and getattr(session, "offline", False):
            if self.offline is None:
                return "offline_no_credit"
            return self.offline.credit_refusal(session, fee_fen)
        if refusal is None and room < fee_fen:
            return "insufficient_line"
        return refusal

    def _forward(self, run: Run, live: bool) -> Registered:
        f = run.facts
        plan = SettlementPlan.from_dict(f["plan"])
        credit, his = self.ports.credit, self.ports.his
        try:
            if not live and not run.tried("book") and not run.tried("mark") and not run.tried("queue_booking"):
                raise StepFailed("his_register", _NotLive(), nothing_done=True)  # the patient gone: undone
            if not run.done("his_register"):
                self._register_at_his(run, plan)
            if f["insured"] and not run.done("register:0"):
                self._register_at_insurance(run, insured_from(run.facts, run.saga.private))
            bills = run.facts["bills"]
            # the credit platform down (or not answering the hold): the fee queued within the offline caps, as an
            # outpatient bill's personal part (the shared steps of kiosk.usecases.settlement_saga)
            queued = self._hold_or_queue(run, plan, live)
            booking = run.done("book")
            if queued:
                if not run.done("queue_booking"):
                    self._queue_booking(run, plan)
            elif plan.on_credit_fen and booking is None:
                hold_id = run.done("hold")["hold_id"]
                request = self._booking_request(run, plan, plan)
                run.keyed("book", lambda key: credit.book(hold_id, request, key=key), booking_facts)
                booking = run.done("book")
            if not run.done("mark"):
                run.keyed("mark", lambda key: his.mark_paid(
                    [b["bill_id"] for b in bills], setl_id=None, booking_id=(booking or {}).get("booking_id"),
                    payment_id=run.facts.get("payment_id"), key=key),
                    lambda m: {"key": m.key, "paid_now_fen": m.paid_now_fen})
            if queued and self._credit_waits(run, live):
                return self.registered(run.saga)  # registered; the fee pending the credit platform's booking
        except StepFailed as failed:
            if failed.nothing_done:
                log.info("saga %s: %s refused (%s): undoing", run.saga_id[:8], failed.step, failed.code)
                self._undo_or_later(run)
                if run.saga.state != "undone":
                    raise SagaPending(failed.code) from None
                raise SagaUndone(failed.code) from None
            run.later(failed.code)
            raise SagaPending(failed.code) from None
        run.update(state="settled")
        phase(f"saga:{self.KIND}:settled", run.saga_id)
        return self.registered(run.saga)

    def _register_at_his(self, run: Run, plan: SettlementPlan) -> None:
        f = run.facts
        done = run.keyed("his_register", lambda key: self.ports.his.register(
            f["clinic"]["session_id"], f["his_patient_id"], key=key), _registration_facts)
        reg = _registration_facts(done)
        # The visit is the clinic session: the fee falls due counted from its end (as the credit platform's own
        # registration counts), not from the moment of booking (tomorrow's session booked tonight).
        ends = f["clinic"].get("ends_at") or reg["created_at"]
        ended = max(datetime.fromisoformat(reg["created_at"]), datetime.fromisoformat(ends))
        bill = {"bill_id": reg["bill_id"], "total_fen": reg["total_fen"], "registration_id": reg["registration_id"],
                "ended_at": ended.isoformat(), "items": reg["items"]}
        run.update(bills=[bill], registration_id=reg["registration_id"])
        if reg["total_fen"] != plan.total_fen:  # the HIS charges another fee than the one shown: undone
            raise StepFailed("his_register", _FeeChanged(), nothing_done=True)

    def _register_at_insurance(self, run: Run, insured: Insured) -> None:
        f = run.facts
        reg, clinic = run.done("his_register"), f["clinic"]
        run.insurance("register:0", lambda msgid: self.insurance.register(msgid, RegistrationRequest(
            insured, datetime.fromisoformat(clinic["starts_at"]), reg["registration_id"], clinic["dept_code"],
            clinic["doctor"], clinic["dept_code"], clinic["dept_code"], clinic["dept_code"])),
            lambda r: {"mdtrt_id": r.mdtrt_id})

    def _ended_at(self, run: Run) -> datetime:
        return datetime.fromisoformat(run.facts["bills"][0]["ended_at"])

    # -- recovery -------------------------------------------------------------------------------------
    def recover(self, saga_id: str) -> str:
        from kiosk.usecases.saga import SagaBusy

        try:
            with self._run(saga_id) as run:
                if run.saga.state in ("prepared", "undoing"):
                    try:
                        self._undo_or_later(run)
                    except FeeRepaid:
                        pass  # a cancel the repayment overtook: the registration stands (settled)
                elif run.saga.state == "confirmed":
                    try:
                        self._forward(run, live=False)
                    except (SagaPending, SagaUndone):
                        pass
                return run.saga.state
        except SagaBusy:
            return "busy"

    # -- cancelling -----------------------------------------------------------------------------------
    def cancel(self, registration_id: str) -> str:
        """Cancel a registration this kiosk made (before its session): the settled saga undone everywhere (the
        booking voided: the fee back to the line; a phone payment refunded). Returns the saga's state;
        ``not_found`` when no saga of this kiosk made it. Raises :class:`SessionStarted` (nothing undone) once the
        session has begun by the kiosk's clock: the undo unmarks the fee's bill first, after which the HIS would
        cancel it at any time, so the kiosk keeps the HIS's rule itself."""
        saga_id = self.engine.sagas.find(KIND, "registration_id", registration_id)
        if saga_id is None:
            return "not_found"
        saga = self.engine.sagas.get(saga_id)
        with lane_lock(saga.lane), self._run(saga_id) as run:
            if run.saga.state == "confirmed" and run.facts.get("credit_queued"):
                try:  # the queue may have had its answer since the sweep last looked: the saga ended first
                    self._forward(run, live=False)
                except (SagaPending, SagaUndone):
                    pass
                if run.saga.state == "confirmed":
                    raise FeePending()  # registered, its fee waiting for the credit platform: nothing changed
            if run.saga.state == "settled" and run.facts.get("credit_conflict") and self._fee_collected(run):
                raise FeeCollected()  # refused by the platform, then taken at the desk: cancelled there
            if run.saga.state == "settled":
                if clock.now() >= datetime.fromisoformat(run.facts["clinic"]["starts_at"]):
                    raise SessionStarted()
                if run.facts.get("credit_conflict") and not self._claim_conflict(run):
                    raise FeeCollected()  # the cashier resolved it in the meantime: nothing changed here
                run.update(state="undoing", cancel_requested=True)
            if run.saga.state == "undoing":
                self._undo_or_later(run)
            return run.saga.state

    def _claim_conflict(self, run: Run) -> bool:
        """The conflict of the refused fee closed as cancelled before anything is undone (closing it is atomic at
        the outbox, as the cashier's resolution is: one of them wins), so the desk cannot collect the fee of a
        registration this cancel is undoing. False when the cashier had resolved it first."""
        queued = run.last("queue_booking")
        if queued is None or self.offline is None:
            return True
        if self.offline.conflict_cancelled(queued.key, self.KIND):
            run.update(credit_conflict_closed="cancelled")
            return True
        return self.offline.conflict_resolution(queued.key) in (None, "cancelled")

    def _fee_collected(self, run: Run) -> bool:
        """Did the cashier resolve the conflict of the fee the platform refused (collected, or settled elsewhere)?"""
        queued = run.last("queue_booking")
        resolution = self.offline.conflict_resolution(queued.key) if queued and self.offline else None
        return resolution in ("payment_collected", "settled_elsewhere")

    def _undo(self, run: Run) -> None:
        """A cancel voids the booking first: a booking repaid meanwhile cannot be voided, and then nothing else
        is undone (the saga settled again, :class:`FeeRepaid` raised) rather than the HIS's mark undone first."""
        step, booking = ("void", run.done("book")) if run.done("book") else ("void_queued", run.done("booked"))
        if run.facts.get("cancel_requested") and booking and not run.done(step):
            try:  # a fee queued offline and booked since: voided as one booked online (``void_queued``)
                run.keyed(step, lambda key: self.ports.credit.void(booking["booking_id"], key=key))
            except StepFailed as failed:
                if failed.code != "booking_in_use":
                    raise
                run.update(state="settled", cancel_requested=False)
                raise FeeRepaid() from None
        super()._undo(run)

    # -- the insurance's and the HIS's undo -------------------------------------------------------------
    def _undo_insurance(self, run: Run, insured: Insured) -> None:
        registered = run.done("register:0")
        if registered and not run.done("cancel_register:0"):
            reg_id = run.facts.get("registration_id", "")
            self._compensate(run, "cancel_register:0", lambda msgid: self.insurance.cancel_registration(
                msgid, insured, registered["mdtrt_id"], reg_id), insurance=True)
        elif registered is None:
            self._reverse_lost(run, "register:0", "2201", insured)

    def _undo_his(self, run: Run) -> None:
        """The HIS's registration cancelled (its slot freed, its bill cancelled). A registration whose answer was
        lost is asked again under its key first (the HIS answers what it did)."""
        if not run.tried("his_register") or run.done("his_cancel"):
            return
        reg = run.done("his_register")
        if reg is None:
            f = run.facts
            try:
                run.keyed("his_register", lambda key: self.ports.his.register(
                    f["clinic"]["session_id"], f["his_patient_id"], key=key), _registration_facts)
            except StepFailed as failed:
                if failed.nothing_done:
                    return  # refused now: nothing was registered
                raise
            reg = run.done("his_register")
        self._compensate(run, "his_cancel", lambda key: self.ports.his.cancel_registration(
            reg["registration_id"], key=key), ok=("already_cancelled",))

    # -- the outcome ----------------------------------------------------------------------------------
    @staticmethod
    def registered(saga) -> Registered:
        f = saga.facts
        reg = saga.done("his_register") or {}
        plan = SettlementPlan.from_dict(f["plan"])
        booking = saga.done("book") or saga.done("booked") or {}
        refused = bool(f.get("credit_conflict")) and not booking  # the platform refused the queued fee
        pending = bool(f.get("credit_queued")) and plan.on_credit_fen > 0 and not booking and not refused
        return Registered(
            saga.saga_id, reg.get("registration_id", ""), reg.get("bill_id", ""), int(reg.get("queue_number", 0)),
            plan.total_fen, 0 if refused else plan.on_credit_fen, plan.paid_now_fen,
            booking.get("reference") or reg.get("bill_id", ""),
            datetime.fromisoformat(booking["due_at"]) if booking.get("due_at") else None,
            booking.get("available_fen") if booking else None,
            datetime.fromisoformat(reg["created_at"]) if reg.get("created_at") else saga.created_at, pending,
            refused)


__all__ = ["KIND", "FeeCollected", "FeePending", "FeeRepaid", "Registered", "RegistrationSettlement", "SagaPending",
           "SagaUndone", "SessionStarted"]
