"""What every settlement saga shares (issue 12): the credit platform's and the HIS's steps, the undo, the
recovery. Each saga (``kiosk.usecases.outpatient``, ``kiosk.usecases.discharge``) adds its insurance steps.

**Forward** (the patient confirmed the plan, any rest paid on their phone through the HIS's channel):
5. credit hold of ``on_credit`` (nothing on credit: no hold, no booking), 6. the insurance settlement(s)
(the saga's own: ``_settle_insurance``), 7. the credit booking (the hold becomes a bill with the details and
the ``setl_id``), 8. the HIS marks the bills paid (``setl_id``, booking id, the phone payment); then the
documents. A refusal before 6 or at 6 undoes; no answer at 5, 7 or 8 leaves the saga for the recovery,
which sends the same keys again; no answer at 6 is reversed by its msgid (2601) at once if the platform
answers, and the saga is undone.

**Undo**, in reverse: the HIS's mark undone (barred if it never arrived), the booking voided or the hold
released, the insurance's steps undone (``_undo_insurance``: cancels, and 2601 for a message whose answer was
lost), a phone payment refunded through the channel. A compensation the counterpart refuses outright leaves
the saga ``stuck`` for staff (listed in the daily reconciliation); one that gets no answer is tried again.

**Recovery** (at start, and the sync engine's sweep): a confirmed saga is driven forward once every
settlement stood (the booking and the mark sent again with their keys); before that it is undone (a
settlement whose answer was lost reversed by its msgid first): the recovery never settles with the insurance
in the patient's absence. For a patient not insured here, the booking (or the mark) is that point. A saga
never confirmed is undone.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime

from kiosk.domain import clock
from kiosk.domain.errors import Refusal
from kiosk.domain.insurance import MdtrtCertType
from kiosk.domain.models import Account, Patient, Settlement
from kiosk.domain.plan import SettlementPlan, credit_room, make_plan
from kiosk.domain.settlement import CannotUseCredit, guardian_line_ended
from kiosk.ports.credit import BookingBill, BookingItem, BookingRequest, HoldRequest
from kiosk.ports.insurance import Insured, PersonQuery
from kiosk.usecases.saga import Engine, Run, SagaBusy, StepFailed, lane_lock
from kiosk.usecases.writes import phase

log = logging.getLogger("kiosk.saga")

#: How often the sweep looks whether a booking queued for the credit platform was sent (the outbox: no network).
QUEUED_LOOK_S = 5.0

#: How long a prepared bill stays the live path's (the patient reading it, paying the rest by phone) before
#: the recovery may take it and undo it.
PREPARED_LEASE_S = 900.0


class SagaPending(Refusal):
    """The saga could not finish now (a counterpart did not answer): it is journaled and the recovery
    completes it, or undoes it, by itself; the patient is never charged twice."""

    def __init__(self, code: str):
        super().__init__("saga_pending", f"the settlement waits for a counterpart ({code})", cause=code)


class SagaUndone(Refusal):
    """The saga was undone: nothing was settled anywhere. ``code``: why (the counterpart's refusal)."""

    def __init__(self, code: str):
        super().__init__(code, f"the settlement was undone ({code})")


class _Lost(Exception):
    code = "insurance_answer_lost"


class _NotLive(Exception):
    code = "patient_gone"


class _SplitChanged(Exception):
    code = "insurance_split_changed"


# -- facts ---------------------------------------------------------------------------------------------

def setl_ids_of(run: Run) -> dict[str, str]:
    """Each settled bill's insurance ``setl_id`` (by its index), from the journaled answers of its settlement."""
    found = {}
    for n in range(len(run.facts["bills"])):
        done = run.done(f"settle:{n}")
        if done and done.get("setl_id"):
            found[str(n)] = done["setl_id"]
    return found


def insured_from(facts: dict, private: dict | None) -> Insured:
    if private is None:
        raise RuntimeError("the journal was opened without the data key: the saga's person cannot be read")
    return Insured(private["psn_no"], facts["insutype"], facts["insuplc_admdvs"],
                   MdtrtCertType(private["mdtrt_cert_type"]), private["mdtrt_cert_no"], private.get("card_sn", ""),
                   private.get("balance_fen", 0))


def voucher_of(session) -> PersonQuery:
    """How the patient showed who they are, as 1101 takes it (a card read or a typed ID number by default)."""
    voucher = getattr(session, "voucher", None)
    if voucher is not None:
        return voucher
    return PersonQuery.by_id_number(session.patient.id_number)


def settlement_facts(s) -> dict:
    """A (pre-)settlement's figures, as the journal keeps them."""
    return {"setl_id": s.setl_id, "total_fen": s.medfee_sumamt, "fund_fen": s.fund_pay_sumamt + s.hosp_part_amt,
            "psn_part_fen": s.psn_part_amt, "acct_pay_fen": s.acct_pay, "cash_fen": s.psn_cash_pay,
            "fulamt_ownpay_amt": s.fulamt_ownpay_amt, "overlmt_selfpay": s.overlmt_selfpay,
            "preselfpay_amt": s.preselfpay_amt, "inscp_scp_amt": s.inscp_scp_amt}


def presettlement(pre: dict):
    """The pre-settlement's split, as the settlement must carry it (``with_split``)."""
    from types import SimpleNamespace

    return SimpleNamespace(fulamt_ownpay_amt=pre["fulamt_ownpay_amt"], overlmt_selfpay=pre["overlmt_selfpay"],
                           preselfpay_amt=pre["preselfpay_amt"], inscp_scp_amt=pre["inscp_scp_amt"])


def booking_facts(b) -> dict:
    return {"booking_id": b.booking_id, "reference": b.reference, "line_fen": b.line_fen,
            "available_fen": b.available_fen, "due_at": b.due_at.isoformat() if b.due_at else None,
            "settled_at": b.settled_at.isoformat(), "booked_fen": b.booked_fen}


def booking_bills(bills: list[dict], setl_ids: dict) -> tuple[BookingBill, ...]:
    return tuple(BookingBill(
        his_bill_id=b["bill_id"], total_fen=b["total_fen"], visit_id=b.get("visit_id"),
        setl_id=setl_ids.get(str(n)),
        items=tuple(BookingItem(code=i["medins_list_codg"], name=i["name"], cnt=i["cnt"], pric_fen=i["pric_fen"],
                                amount_fen=i["amount_fen"], med_chrgitm_type=i["med_chrgitm_type"],
                                chrgitm_lv=i["chrgitm_lv"]) for i in b["items"]))
        for n, b in enumerate(bills))


def credit_refusal(patient: Patient, account: Account | None, repay_before_reuse: bool) -> tuple[int, str | None]:
    """(the room the credit line gives now, why it gives none it may: a ``CannotUseCredit`` code)."""
    try:
        if guardian_line_ended(patient, account, clock.business_date(clock.now())):
            raise CannotUseCredit("guardian_line_ended")
        return credit_room(account, repay_before_reuse), None
    except CannotUseCredit as exc:
        return 0, exc.code


class SettlementSaga:
    """The shared steps. ``KIND``: the saga's kind in the journal; ``CREDIT_KIND``: the hold's and booking's kind
    at the credit platform. Subclasses add ``_settle_insurance``, ``_undo_insurance`` and the preparation."""

    KIND = ""
    CREDIT_KIND = ""

    def __init__(self, engine: Engine, ports, printer=None, repay_before_reuse: bool = True, offline=None):
        self.engine = engine
        self.ports = ports
        self.printer = printer
        self.repay_before_reuse = repay_before_reuse
        self.offline = offline  # OfflineMode: its caps and outbox, for a personal part queued for the credit platform

    @property
    def insurance(self):
        return self.ports.insurance

    def _run(self, saga_id: str) -> Run:
        return self.engine.run(saga_id)

    # -- preparing ------------------------------------------------------------------------------------
    def _person(self, session) -> tuple[Insured | None, dict, dict | None]:
        """1101: who the patient is at the insurance platform; (None, …) when not insured here (自费)."""
        from kiosk.ports.insurance import NotInsured

        query = voucher_of(session)
        try:
            insured = Insured.of(self.insurance.person(self.engine.msgids(), query), query)
        except NotInsured:
            return None, {"insured": False}, None
        return insured, {"insured": True, "insutype": insured.insutype, "insuplc_admdvs": insured.insuplc_admdvs}, \
            {"psn_no": insured.psn_no, "mdtrt_cert_type": str(insured.mdtrt_cert_type),
             "mdtrt_cert_no": insured.mdtrt_cert_no, "card_sn": insured.card_sn, "balance_fen": insured.balance_fen}

    def _begin(self, session, facts: dict, private: dict | None) -> Run:
        """A new saga, leased to the live path while the patient looks at the bill (the recovery, another
        sender, leaves it alone until the lease runs out or this process is gone)."""
        patient, account = session.patient, session.account
        facts = {"patient_id": patient.patient_id, "account_id": account.account_id if account else None,
                 "his_patient_id": session.his_patient_id, "payment_id": None, "pre": {}, **facts}
        saga_id = self.engine.sagas.begin(self.KIND, lane=facts["account_id"] or patient.patient_id, facts=facts,
                                          private=private, business_date=clock.business_date(clock.now()),
                                          owner=self.engine.owner, lease_s=PREPARED_LEASE_S)
        return self.engine.run(saga_id, PREPARED_LEASE_S)

    def _plan(self, run: Run, session, *, total: int, fund: int, account_pay: int) -> tuple[SettlementPlan, str | None]:
        room, refusal = credit_refusal(session.patient, session.account, self.repay_before_reuse)
        queued = self._offline_facts(run, session, refusal)
        if queued.get("credit_queued"):  # the credit platform is down: the room the offline caps give
            room, refusal = queued["offline_room_fen"], queued.get("offline_refusal")
        plan = make_plan(total_fen=total, fund_fen=fund, account_fen=account_pay, room_fen=room)
        run.update(plan=plan.as_dict(), **queued)
        return plan, refusal

    def _offline_facts(self, run: Run, session, refusal: str | None) -> dict:
        """What the saga needs to queue the personal part for the credit platform should it not answer (issue 12,
        offline per counterpart): the room within the offline caps and until when the account's snapshot is fresh
        enough; ``credit_queued`` when it does not answer already (the session comes from the offline cache). Who
        the patient is (for the cashier, should the platform refuse the booking later) is sealed."""
        if self.offline is None or session.account is None or refusal is not None:
            return {"credit_queued": True, "offline_room_fen": 0, "offline_refusal": refusal or "offline_no_credit"} \
                if getattr(session, "offline", False) else {}
        room, why, until = self.offline.credit_room(session)
        facts = {"offline_room_fen": room, "offline_until": until.isoformat() if until else None}
        if getattr(session, "offline", False):
            facts.update(credit_queued=True, offline_refusal=why)
        private = dict(run.saga.private or {})
        private["who"] = {"name": session.patient.name, "id_number": session.patient.id_number}  # as the outbox's
        self.engine.sagas.update(run.saga_id, private=private)
        run.reload()
        return facts

    def _may_queue(self, run: Run, plan: SettlementPlan) -> bool:
        """The credit platform did not answer the hold: may the personal part be queued instead?"""
        f = run.facts
        until = f.get("offline_until")
        return (self.offline is not None and until is not None and plan.on_credit_fen <= f.get("offline_room_fen", 0)
                and clock.now() <= datetime.fromisoformat(until))

    def _hold_or_queue(self, run: Run, plan: SettlementPlan, live: bool) -> bool:
        """The credit hold of the part on credit, unless it is queued already. A hold that gets no answer while the
        patient is here switches the saga to the queued path where the offline caps computed beforehand cover the
        part on credit (``_may_queue``). Returns whether the part on credit is queued for the credit platform."""
        f = run.facts
        queued = bool(f.get("credit_queued"))
        if plan.on_credit_fen and not queued and not run.done("hold"):
            try:
                run.keyed("hold", lambda key: self.ports.credit.hold(self._hold_request(f, plan), key=key),
                          lambda h: {"hold_id": h.hold_id})
            except StepFailed as failed:  # no answer: queued for later, where the offline caps allow it
                if failed.nothing_done or not live or not self._may_queue(run, plan):
                    raise
                log.info("saga %s: the credit platform did not answer the hold: the personal part is queued",
                         run.saga_id[:8])
                run.update(credit_queued=True)
                queued = True
        return queued

    def _credit_waits(self, run: Run, live: bool) -> bool:
        """After the HIS's mark, on the queued path: does the part on credit still wait for the credit platform?
        A hold whose answer was lost when the part was queued is given back first (the queue's booking does not
        use it), by the recovery only: the live path leaves the saga open, due at once, even when the sync thread
        sent the booking already (it once settled the saga there with the lost hold left standing). While it waits
        the sweep looks again every ``QUEUED_LOOK_S`` (the local outbox only) and names the booking at the HIS once
        it is made; the recovery is told :class:`SagaPending`, the live path True."""
        lost_hold = run.tried("hold") and not (run.done("release") or run.done("void"))
        if not live and lost_hold:
            # the hold whose answer was lost when the personal part was queued may stand at the platform:
            # given back (a booking of the queue does not use it), never left reserving the line
            self._release_lost_hold(run)
        if live and lost_hold:
            # the sync thread may have sent the queued booking already, but the lost hold is the recovery's to give
            # back (a second call to a platform that just failed to answer, not made while the patient waits):
            # the saga stays open for the next sweep, due at once
            self.engine.sagas.update(run.saga_id, error="credit_queued", next_at=time.time())
            run.reload()
            return True
        if self._queued_booking_ended(run):
            return False
        self.engine.sagas.update(run.saga_id, error="credit_queued", next_at=time.time() + QUEUED_LOOK_S)
        run.reload()
        if not live:
            raise SagaPending("credit_queued")
        return True

    def _prepare_failed(self, run: Run, failed: StepFailed):
        self._undo_or_later(run)
        run.close()
        return failed.error

    # -- forward --------------------------------------------------------------------------------------
    def settle(self, saga_id: str, plan: SettlementPlan, payment_id: str | None = None):
        """The patient confirmed ``plan`` (the prepared one, or it paying in full) and paid any rest by phone
        (``payment_id``). Returns ``(Settlement, facts)``; raises :class:`SagaPending` or :class:`SagaUndone`."""
        with self._run(saga_id) as run:
            if run.saga.state != "prepared":
                raise SagaUndone("saga_not_prepared")
            run.update(state="confirmed", plan=plan.as_dict(), payment_id=payment_id)
            return self._forward(run, live=True)

    def _forward(self, run: Run, live: bool):
        f = run.facts
        plan = SettlementPlan.from_dict(f["plan"])
        credit, his = self.ports.credit, self.ports.his
        bills = f["bills"]
        try:
            if not live and not f["insured"] and not run.tried("book") and not run.tried("mark"):
                # no settlement marks the point of no return here: before the booking, the recovery undoes
                raise StepFailed("hold", _NotLive(), nothing_done=True)
            queued = self._hold_or_queue(run, plan, live)
            if f["insured"]:
                self._settle_insurance(run, insured_from(f, run.saga.private), live)
            settled = self._settled_plan(run, plan)
            booking = run.done("book")
            if queued:
                if settled.on_credit_fen and not run.done("queue_booking"):
                    self._queue_booking(run, settled)
            elif plan.on_credit_fen and booking is None:
                hold_id = run.done("hold")["hold_id"]
                setl_ids = setl_ids_of(run)
                if settled.on_credit_fen == 0:  # the insurance left nothing for the line: the hold given back
                    if not run.done("release"):
                        run.keyed("release", lambda key: credit.release(hold_id, key=key))
                else:
                    request = self._booking_request(run, settled, plan)
                    run.keyed("book", lambda key: credit.book(hold_id, request, key=key), booking_facts)
                    booking = run.done("book")
            if not run.done("mark"):
                setl_ids = setl_ids_of(run)
                joined = ",".join(setl_ids[str(n)] for n in range(len(bills))) if f["insured"] else None
                run.keyed("mark", lambda key: his.mark_paid(
                    [b["bill_id"] for b in bills], setl_id=joined or None,
                    booking_id=(booking or {}).get("booking_id"), payment_id=run.facts.get("payment_id"), key=key),
                    lambda m: {"key": m.key, "paid_now_fen": m.paid_now_fen})
            if queued and self._credit_waits(run, live):
                return self._settlement(run), run.facts
        except StepFailed as failed:
            if failed.nothing_done:  # refused (or a lost settlement reversed): undo what was done
                log.info("saga %s: %s refused (%s): undoing", run.saga_id[:8], failed.step, failed.code)
                self._undo_or_later(run)
                if run.saga.state != "undone":
                    raise SagaPending(failed.code) from None
                raise SagaUndone(failed.code) from None
            run.later(failed.code)  # no answer: the same keys again later (a lost settlement reversed first)
            raise SagaPending(failed.code) from None
        run.update(state="settled")
        phase(f"saga:{self.KIND}:settled", run.saga_id)
        return self._settlement(run), run.facts

    def _settled_plan(self, run: Run, plan: SettlementPlan) -> SettlementPlan:
        """The plan as the insurance settled it. Each bill is pre-settled on its own, so a bill settled after
        another may find the year's deductible already met and the fund paying more than its pre-settlement
        said: the patient then owes less, and less goes on the line (never more: a split that would ask more of
        the line, or less than the patient has paid by phone, is undone instead)."""
        f = run.facts
        if not f["insured"]:
            return plan
        answers = [run.done(f"settle:{n}") for n in range(len(f["bills"]))]
        fund = sum(a["fund_fen"] for a in answers)
        account = sum(a["acct_pay_fen"] for a in answers)
        cash = sum(a["cash_fen"] for a in answers)
        if (fund, account, cash) == (plan.fund_fen, plan.account_fen, plan.personal_cash_fen):
            return plan
        on_credit = cash - plan.paid_now_fen - plan.cash_fen
        if not 0 <= on_credit <= plan.on_credit_fen:
            raise StepFailed("settle", _SplitChanged(), nothing_done=True)
        settled = SettlementPlan(plan.total_fen, fund, account, cash, on_credit, plan.paid_now_fen, plan.cash_fen)
        if f.get("settled_plan") != settled.as_dict():
            run.update(settled_plan=settled.as_dict())
        return settled

    def _booking_request(self, run: Run, settled: SettlementPlan, plan: SettlementPlan) -> BookingRequest:
        setl_ids = setl_ids_of(run)
        return BookingRequest(
            setl_ids=tuple(setl_ids.values()), total_fen=settled.total_fen, fund_fen=settled.fund_fen,
            account_pay_fen=settled.account_fen, paid_now_fen=settled.paid_now_fen,
            bills=booking_bills(run.facts["bills"], setl_ids), cash_fen=settled.cash_fen,
            his_payment_id=run.facts.get("payment_id"), ended_at=self._ended_at(run),
            booked_fen=settled.on_credit_fen if settled.on_credit_fen != plan.on_credit_fen else None)

    def _queued_write(self, run: Run) -> tuple[str, dict, int]:
        """The booking queued for the credit platform: (path, body, on credit), from the journaled facts (the
        same body each time: sent again under its key, the platform answers what it did)."""
        f = run.facts
        plan = SettlementPlan.from_dict(f["plan"])
        settled = SettlementPlan.from_dict(f.get("settled_plan") or f["plan"])
        path, body = self.ports.credit.booking_write(f["patient_id"], f["account_id"], self.CREDIT_KIND,
                                                     self._booking_request(run, settled, plan))
        return path, body, settled.on_credit_fen

    def _queue_booking(self, run: Run, settled: SettlementPlan) -> None:
        """The personal part queued in the outbox (after the insurance settled, before the HIS's mark): a keyed
        booking the sync engine sends when the credit platform answers. Journaled first under the outbox key, so
        a kiosk that dies in between queues it once. Past the terminal's offline cap: refused (the saga undone)."""
        from offline_cache.journal import CapExceeded, new_key

        last = run.last("queue_booking")
        key = last.key if last is not None else new_key()
        sagas = self.engine.sagas
        seq = sagas.sent(run.saga_id, "queue_booking", key)
        phase(f"saga:{self.KIND}:queue_booking:sent", run.saga_id)  # journaled in the saga, not yet in the outbox
        outbox = self.offline.outbox
        if outbox.get(key) is None:
            path, body, on_credit = self._queued_write(run)
            try:
                who = (run.saga.private or {}).get("who")
                self.offline.queue_booking(run.facts, path, body, on_credit, who, key=key)
            except CapExceeded:
                sagas.answered(run.saga_id, seq, "refused", {"code": "offline_over_terminal_cap"})
                run.reload()
                raise StepFailed("queue_booking", Refusal("offline_over_terminal_cap", "the terminal's offline cap"),
                                 nothing_done=True) from None
        sagas.answered(run.saga_id, seq, "done", {"key": key, "credit_fen": settled.on_credit_fen})
        run.reload()
        phase(f"saga:{self.KIND}:queue_booking:done", run.saga_id)

    def _release_lost_hold(self, run: Run) -> None:
        try:
            self._release_hold(run)
        except StepFailed as failed:
            if failed.nothing_done:  # refused outright: staff look at the hold (the bill itself stands)
                log.error("saga %s: the lost hold could not be released (%s)", run.saga_id[:8], failed.code)
                run.update(lost_hold=failed.code)
                return
            raise StepFailed("release", failed.error, nothing_done=False) from None

    def _queued_booking_ended(self, run: Run) -> bool:
        """Has the queued booking come to an end? Booked (the HIS then told the booking, under the mark's key),
        or refused by the platform: a conflict the cashier resolves at the desk (the fund part stands, settled at
        the insurance and the HIS). False while it waits in the outbox."""
        from offline_cache.journal import CONFLICT, DONE, REFUSED, RESOLVED

        queued = run.last("queue_booking")  # its key, even when the kiosk died before its answer was journaled
        if queued is None or queued.state == "refused":  # nothing left for the line, or nothing was queued
            return True
        entry = self.offline.outbox.get(queued.key) if self.offline is not None else None
        if entry is None or entry.state in (CONFLICT, REFUSED, RESOLVED):
            if entry is not None and not run.facts.get("credit_conflict"):
                run.update(credit_conflict=(entry.result or {}).get("code") or entry.state)
            return True
        if entry.state != DONE:
            return False
        if not run.done("booked"):  # the same write again under its key: the platform's stored answer
            f = run.facts
            plan = SettlementPlan.from_dict(f["plan"])
            settled = SettlementPlan.from_dict(f.get("settled_plan") or f["plan"])
            request = self._booking_request(run, settled, plan)
            run.keyed("booked", lambda key: self.ports.credit.book_direct(
                f["patient_id"], f["account_id"], self.CREDIT_KIND, request, key=key), booking_facts, key=queued.key)
        booking_id = run.done("booked")["booking_id"]
        if not run.done("name_booking"):
            mark_key = run.last("mark").key
            run.keyed("name_booking", lambda _key: self.ports.his.name_booking(mark_key, booking_id),
                      lambda m: {"booking_id": m.booking_id})
        return True

    def _hold_request(self, f: dict, plan: SettlementPlan) -> HoldRequest:
        return HoldRequest(f["patient_id"], f["account_id"], self.CREDIT_KIND, plan.on_credit_fen,
                           tuple(b["bill_id"] for b in f["bills"]))

    def _ended_at(self, run: Run) -> datetime:
        return max(datetime.fromisoformat(b["ended_at"]) for b in run.facts["bills"])

    def _settle_one(self, run: Run, step: str, infno: str, settle, insured: Insured, live: bool) -> None:
        """One insurance settlement (``settle(msgid)``), its answer's loss handled: a message sent before whose
        answer was lost is reversed by its msgid first; one whose answer is lost now is reversed at once (then
        the saga is undone) or, the platform not answering, left for the recovery, which reverses it first."""
        if run.done(step):
            return
        lost = run.last(step)
        if lost is not None and lost.state in ("sent", "unknown"):
            self._reverse(run, step, lost.key, infno, insured)
            if not live:
                raise StepFailed(step, _Lost(), nothing_done=True)
        if not live:  # the recovery never settles in the patient's absence: it undoes
            raise StepFailed(step, _NotLive(), nothing_done=True)
        try:
            run.insurance(step, settle, settlement_facts)
        except StepFailed as failed:
            if failed.nothing_done:
                raise
            self._reverse(run, step, run.last(step).key, infno, insured)
            raise StepFailed(step, _Lost(), nothing_done=True) from None

    def _reverse(self, run: Run, step: str, msgid: str, infno: str, insured: Insured) -> None:
        """2601: undo the message ``msgid`` whose answer was lost (success also when it never arrived)."""
        run.insurance(f"reverse:{step}", lambda new: self.insurance.reverse(new, insured, msgid, infno),
                      lambda _: {"omsgid": msgid})

    def _reverse_lost(self, run: Run, step: str, infno: str, insured: Insured) -> None:
        """Reverse the latest call of ``step`` if it may have arrived and its answer was lost."""
        lost = run.last(step)
        if lost is not None and lost.state in ("sent", "unknown") and not run.done(f"reverse:{step}"):
            self._reverse(run, step, lost.key, infno, insured)

    # -- undo -----------------------------------------------------------------------------------------
    def abandon(self, saga_id: str) -> str:
        """The patient left a prepared bill (Back, or the screen cleared): undo it. Returns the saga's state."""
        saga = self.engine.sagas.get(saga_id)
        with lane_lock(saga.lane if saga else saga_id):
            try:
                with self._run(saga_id) as run:
                    if run.saga.state in ("prepared", "undoing"):
                        self._undo_or_later(run)
                    return run.saga.state
            except SagaBusy:
                return "busy"

    @staticmethod
    def lane_of(session) -> str:
        return session.account.account_id if session.account else session.patient.patient_id

    def _left_behind(self, lane: str) -> None:
        """Before a patient's bill is prepared: their bills this kiosk prepared and they left unconfirmed
        (the undo queued on a worker may not have run yet) are undone now."""
        for saga_id in self.engine.sagas.open_in_lane(lane, owner=self.engine.owner):
            saga = self.engine.sagas.get(saga_id)
            if saga is not None and saga.state in ("prepared", "undoing"):
                with self._run(saga_id) as run:
                    self._undo_or_later(run)

    def _undo_or_later(self, run: Run) -> None:
        try:
            self._undo(run)
        except StepFailed as failed:
            if failed.nothing_done:  # a compensation refused: staff look at it
                run.update(state="stuck", error=f"{failed.step}: {failed.code}")
                log.error("saga %s stuck: %s refused (%s)", run.saga_id[:8], failed.step, failed.code)
            else:
                run.later(failed.code)

    def _undo(self, run: Run) -> None:
        if run.saga.state != "undoing":
            run.update(state="undoing")
        f = run.facts
        his = self.ports.his
        if run.tried("mark") and not run.done("unmark"):  # 1. the HIS: the mark undone, or barred
            mark_key = run.last("mark").key
            self._compensate(run, "unmark", lambda _key: his.unmark_paid(mark_key))
        self._undo_credit(run)  # 2. the credit platform: the booking voided, or the hold released
        if f["insured"]:  # 3. the insurance platform
            self._undo_insurance(run, insured_from(f, run.saga.private))
        payment_id = f.get("payment_id")  # 4. a phone payment no bill will use
        if payment_id and not run.done("refund_payment"):
            self._compensate(run, "refund_payment", lambda key: his.refund_payment(
                payment_id, "refunded_after_cancel", key=key), ok=("payment_not_paid", "payment_already_used"))
        self._undo_his(run)
        run.update(state="undone")
        phase(f"saga:{self.KIND}:undone", run.saga_id)

    def _undo_his(self, run: Run) -> None:
        """What the saga asked of the HIS before the mark (a registration), undone: nothing by default."""

    def _undo_credit(self, run: Run) -> None:
        self._undo_queued(run)
        self._release_hold(run)

    def _release_hold(self, run: Run) -> None:
        """The hold given back (its booking voided if it was booked); a hold whose answer was lost is asked
        again under its key first (the platform answers what it did, or holds it now: then given back)."""
        credit = self.ports.credit
        f = run.facts
        if not run.tried("hold") or run.done("release") or run.done("void"):
            return
        hold = run.done("hold")
        if hold is None:  # its answer was lost: the same key answers what the platform did (or holds it now)
            plan = SettlementPlan.from_dict(f["plan"])
            try:
                run.keyed("hold", lambda key: credit.hold(self._hold_request(f, plan), key=key),
                          lambda h: {"hold_id": h.hold_id})
            except StepFailed as failed:
                if failed.nothing_done:
                    return  # refused now: nothing was ever held
                raise
            hold = run.done("hold")
        try:
            run.keyed("release", lambda key: credit.release(hold["hold_id"], key=key))
        except StepFailed as failed:
            if failed.code != "hold_booked":
                raise
            booking_id = (getattr(failed.error, "details", None) or {}).get("booking_id") \
                or (run.done("book") or {}).get("booking_id")
            run.keyed("void", lambda key: credit.void(booking_id, key=key))

    def _undo_queued(self, run: Run) -> None:
        """A booking queued for the credit platform whose bill is undone: taken out of the outbox while it waits
        there; voided once booked; refused by the platform (a conflict for the cashier), its conflict closed as
        cancelled: nothing is left to collect for a bill that no longer exists."""
        from offline_cache.journal import CONFLICT, DONE, PENDING

        queued = run.last("queue_booking")  # journaled before the outbox insert: its key, whatever its answer
        if queued is None or self.offline is None or run.done("void_queued"):
            return
        entry = self.offline.outbox.get(queued.key)
        if entry is not None and entry.state == PENDING:
            self.offline.outbox.mark_refused(queued.key, {"code": "withdrawn", "status": 0})
            entry = self.offline.outbox.get(queued.key)
        if entry is not None and entry.state == CONFLICT and self.offline.conflict_cancelled(queued.key, self.KIND):
            run.update(credit_conflict_closed="cancelled")
        if entry is not None and entry.state == DONE:
            if not run.done("booked"):
                self._queued_booking_ended(run)
            booking_id = run.done("booked")["booking_id"]
            run.keyed("void_queued", lambda key: self.ports.credit.void(booking_id, key=key))

    def _compensate(self, run: Run, step: str, send, *, insurance: bool = False, ok: tuple[str, ...] = (),
                    refused_ok: bool = False) -> None:
        """One compensating call. Refused after an earlier call of it whose answer was lost: that one was
        done (the platform now finds nothing to undo). ``ok``: refusal codes that mean nothing is left to
        undo; ``refused_ok``: any refusal does (a cancel of uploads that never arrived)."""
        earlier_lost = any(s.step == step and s.state in ("sent", "unknown") for s in run.saga.steps)
        try:
            if insurance:
                run.insurance(step, send)
            else:
                run.keyed(step, send)
        except StepFailed as failed:
            if failed.nothing_done and (earlier_lost or refused_ok or failed.code in ok):
                run.update(**{f"undone_{step.replace(':', '_')}": failed.code})
                return
            raise

    # -- recovery -------------------------------------------------------------------------------------
    def recover(self, saga_id: str) -> str:
        """Drive an unfinished saga to its end (at start, from the sync engine): its state after."""
        try:
            with self._run(saga_id) as run:
                state = run.saga.state
                if state in ("prepared", "undoing"):
                    self._undo_or_later(run)
                elif state == "confirmed":
                    try:
                        self._forward(run, live=False)
                    except (SagaPending, SagaUndone):
                        pass
                return run.saga.state
        except SagaBusy:
            return "busy"

    # -- the end --------------------------------------------------------------------------------------
    def _settlement(self, run: Run) -> Settlement:
        f = run.facts
        plan = SettlementPlan.from_dict(f.get("settled_plan") or f["plan"])
        booking = run.done("book") or {}
        now = clock.now()
        return Settlement(
            settlement_id=booking.get("booking_id") or run.saga_id,
            reference=booking.get("reference") or ",".join(b["bill_id"] for b in f["bills"]),
            visit_ids=tuple(b.get("visit_id") or b["bill_id"] for b in f["bills"]), total_fen=plan.total_fen,
            fund_fen=plan.fund_fen, personal_fen=plan.personal_fen, booked_fen=plan.on_credit_fen,
            line_fen=booking.get("line_fen", 0), available_fen=booking.get("available_fen", 0),
            due_at=datetime.fromisoformat(booking["due_at"]) if booking.get("due_at") else None,
            settled_at=datetime.fromisoformat(booking["settled_at"]) if booking.get("settled_at") else now,
            paid_fen=plan.paid_now_fen)

    # -- the saga's own -------------------------------------------------------------------------------
    def _settle_insurance(self, run: Run, insured: Insured, live: bool) -> None:
        raise NotImplementedError

    def _undo_insurance(self, run: Run, insured: Insured) -> None:
        raise NotImplementedError
