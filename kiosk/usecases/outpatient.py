"""The outpatient settlement saga (issue 12): a patient's unpaid outpatient bills, settled with the insurance
platform, booked on the credit line and marked paid at the HIS, everywhere or nowhere.

**Prepare** (the bill shown): 1. the HIS's bills (the visits and their charge items: identification read
them); for each visit 2. 2201 (the insurance visit, ``mdtrt_id``) and 2204 fee upload (at most 50 lines a
message, a fresh ``chrg_bchno``), 3. 2206 pre-settlement. The :class:`~kiosk.domain.plan.SettlementPlan` is
made from the pre-settlements, once. The saga is ``prepared``.

**Settle** (the patient confirmed, any rest paid on their phone through the HIS's channel): 5. credit hold
of ``on_credit``, 6. 2207 settlement of each visit, 7. the credit booking (the hold becomes a bill, with
the details and the ``setl_id``), 8. the HIS marks the bills paid (``setl_id``, booking id, the phone
payment), 9. the receipt.

**Undo**, when it cannot finish: the HIS's mark undone (and barred), the booking voided or the hold
released, each settlement cancelled (2208) or, when its answer was lost, reversed (2601), the uploads
cancelled (2205), the visits cancelled (2202), a phone payment refunded through the channel.

**Recovery** (``recover``: at start and from the sync engine) drives a confirmed saga forward once every
settlement succeeded (7, 8 sent again with their keys); before that, or when a settlement's answer was
lost, it reverses that message by its msgid and undoes; a saga never confirmed (the patient walked away,
the kiosk died) is undone. A patient not insured here (1101 finds no insurance) pays it all
themselves: no insurance steps.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from kiosk.domain import clock
from kiosk.domain.errors import Refusal
from kiosk.domain.insurance import MdtrtCertType
from kiosk.domain.models import Settlement, Visit, VisitItem
from kiosk.domain.plan import SettlementPlan, make_plan
from kiosk.domain.settlement import CannotUseCredit, guardian_line_ended
from kiosk.ports.credit import BookingBill, BookingItem, BookingRequest, HoldRequest
from kiosk.ports.insurance import (
    FeeLine,
    Insured,
    NotInsured,
    OutpatientSettleRequest,
    PersonQuery,
    RegistrationRequest,
    fee_uploads,
)
from kiosk.usecases.saga import Engine, Run, SagaBusy, StepFailed
from kiosk.usecases.writes import phase

log = logging.getLogger("kiosk.outpatient")

KIND = "outpatient"
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


@dataclass(frozen=True)
class Prepared:
    """A bill pre-settled and waiting for the patient: the visits with each one's fund and personal parts,
    the plan (None when the credit cannot be used: ``refusal``), whether the patient is insured here."""
    saga_id: str
    visits: tuple[Visit, ...]
    plan: SettlementPlan | None
    refusal: str | None
    insured: bool


# -- the bill's facts (no personal data: they are journaled in clear) -----------------------------------

def _item_facts(item) -> dict:
    return {"feedetl_sn": item.feedetl_sn, "med_list_codg": item.med_list_codg,
            "medins_list_codg": item.medins_list_codg, "med_chrgitm_type": item.med_chrgitm_type,
            "chrgitm_lv": item.chrgitm_lv, "name": item.name, "pric_fen": item.pric_fen,
            "cnt": format(item.cnt.normalize(), "f"), "amount_fen": item.det_item_fee_sumamt_fen,
            "dept_code": item.dept_code, "dept_name": item.dept_name, "doctor_code": item.doctor_code,
            "doctor_name": item.doctor_name, "fee_ocur_time": item.fee_ocur_time.isoformat()}


def bill_facts(visit) -> dict:
    """An HIS outpatient visit (``kiosk.ports.his.OutpatientVisit``) as the saga keeps it."""
    return {"bill_id": visit.bill_id, "visit_id": visit.visit_id, "total_fen": visit.total_fen,
            "dept_code": visit.dept_code, "dept_name": visit.dept_name, "doctor_code": visit.doctor_code,
            "doctor_name": visit.doctor_name, "started_at": visit.started_at.isoformat(),
            "ended_at": (visit.ended_at or visit.started_at).isoformat(),
            "items": [_item_facts(i) for i in visit.items]}


def visit_of(bill: dict, fund_fen: int = 0) -> Visit:
    """The bill as the screens and the receipt show a visit (the fund's part once pre-settled)."""
    return Visit(
        visit_id=bill["visit_id"], department=bill["dept_name"], doctor=bill["doctor_name"],
        ended_at=datetime.fromisoformat(bill["ended_at"]),
        items=tuple(VisitItem(code=i["medins_list_codg"], name=i["name"], quantity=i["cnt"],
                              unit_price_fen=i["pric_fen"], amount_fen=i["amount_fen"],
                              category=i["med_chrgitm_type"]) for i in bill["items"]),
        total_fen=bill["total_fen"], fund_fen=fund_fen, personal_fen=bill["total_fen"] - fund_fen)


def fee_lines(bill: dict) -> tuple[FeeLine, ...]:
    return tuple(FeeLine(
        feedetl_sn=i["feedetl_sn"], fee_ocur_time=datetime.fromisoformat(i["fee_ocur_time"]),
        med_list_codg=i["med_list_codg"], medins_list_codg=i["medins_list_codg"], cnt=Decimal(i["cnt"]),
        pric=Decimal(i["pric_fen"]) / 100, amount_fen=i["amount_fen"], bilg_dept_codg=i["dept_code"],
        bilg_dept_name=i["dept_name"], bilg_dr_codg=i["doctor_code"], bilg_dr_name=i["doctor_name"])
        for i in bill["items"])


def booking_bills(bills: list[dict], setl_ids: dict) -> tuple[BookingBill, ...]:
    return tuple(BookingBill(
        his_bill_id=b["bill_id"], total_fen=b["total_fen"], visit_id=b.get("visit_id"),
        setl_id=setl_ids.get(str(n)),
        items=tuple(BookingItem(code=i["medins_list_codg"], name=i["name"], cnt=i["cnt"], pric_fen=i["pric_fen"],
                                amount_fen=i["amount_fen"], med_chrgitm_type=i["med_chrgitm_type"],
                                chrgitm_lv=i["chrgitm_lv"]) for i in b["items"]))
        for n, b in enumerate(bills))


def setl_ids_of(run: Run) -> dict[str, str]:
    """Each settled visit's insurance ``setl_id`` (by its index), from the journaled answers of its 2207."""
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


class OutpatientSettlement:
    """Prepare, settle, undo and recover outpatient sagas. ``ports``: ``kiosk.services.Ports``."""

    def __init__(self, engine: Engine, ports, printer=None, repay_before_reuse: bool = True):
        self.engine = engine
        self.ports = ports
        self.printer = printer
        self.repay_before_reuse = repay_before_reuse

    @property
    def insurance(self):
        return self.ports.insurance

    # -- prepare ----------------------------------------------------------------------------------------
    def prepare(self, session, his_visits) -> Prepared:
        """Upload and pre-settle the bills; the plan. Refusals of the counterparts are raised (what was done
        is undone first); ``CannotUseCredit`` reasons come back as ``refusal`` with a plan paying in full."""
        patient = session.patient
        account = session.account
        facts = {"patient_id": patient.patient_id, "account_id": account.account_id if account else None,
                 "his_patient_id": session.his_patient_id, "bills": [bill_facts(v) for v in his_visits],
                 "insured": False, "pre": {}, "payment_id": None}
        private = None
        insured = None
        try:
            person_query = voucher_of(session)
            person = self.insurance.person(self.engine.msgids(), person_query)
            insured = Insured.of(person, person_query)
        except NotInsured:
            insured = None
        if insured is not None:
            facts.update(insured=True, insutype=insured.insutype, insuplc_admdvs=insured.insuplc_admdvs)
            private = {"psn_no": insured.psn_no, "mdtrt_cert_type": str(insured.mdtrt_cert_type),
                       "mdtrt_cert_no": insured.mdtrt_cert_no, "card_sn": insured.card_sn,
                       "balance_fen": insured.balance_fen}
        saga_id = self.engine.sagas.begin(KIND, lane=facts["account_id"] or patient.patient_id, facts=facts,
                                          private=private, business_date=clock.business_date(clock.now()),
                                          owner=self.engine.owner, lease_s=PREPARED_LEASE_S)
        # The live path keeps the saga leased while the patient looks at the bill (the recovery, another
        # sender, leaves it alone until the lease runs out or this process is gone); settle or abandon ends it.
        run = self.engine.run(saga_id, PREPARED_LEASE_S)
        try:
            if insured is not None:
                for n, bill in enumerate(facts["bills"]):
                    self._pre_settle(run, insured, n, bill)
        except StepFailed as failed:
            self._undo_or_later(run)
            run.close()
            raise failed.error from None
        except BaseException:
            run.close()
            raise
        return self._prepared(run, session)

    def _pre_settle(self, run: Run, insured: Insured, n: int, bill: dict) -> None:
        ins = self.insurance
        registered = run.insurance(
            f"register:{n}", lambda msgid: ins.register(msgid, RegistrationRequest(
                insured, datetime.fromisoformat(bill["started_at"]), bill["visit_id"], bill["doctor_code"],
                bill["doctor_name"], bill["dept_code"], bill["dept_name"], bill["dept_code"])),
            lambda r: {"mdtrt_id": r.mdtrt_id})
        mdtrt_id = registered.mdtrt_id
        batch = f"{run.saga_id[:16]}{n:02d}"  # a fresh charge batch per saga and visit
        for part, lines in enumerate(fee_uploads(fee_lines(bill))):
            run.insurance(f"upload:{n}:{part}", lambda msgid, lines=lines: ins.upload_fees(
                msgid, insured, mdtrt_id, batch, lines), lambda _: {"chrg_bchno": batch})
        pre = run.insurance(f"presettle:{n}", lambda msgid: ins.pre_settle(msgid, OutpatientSettleRequest(
            insured, mdtrt_id, batch, bill["total_fen"])), _settlement_facts)
        run.update(pre={**run.facts["pre"], str(n): {"mdtrt_id": mdtrt_id, "chrg_bchno": batch,
                                                      **_settlement_facts(pre)}})

    def _prepared(self, run: Run, session) -> Prepared:
        f = run.facts
        bills, pre = f["bills"], f["pre"]
        fund = {n: pre[str(n)]["fund_fen"] if f["insured"] else 0 for n in range(len(bills))}
        account_pay = sum(pre[str(n)]["acct_pay_fen"] for n in range(len(bills))) if f["insured"] else 0
        visits = tuple(visit_of(b, fund[n]) for n, b in enumerate(bills))
        total = sum(b["total_fen"] for b in bills)
        refusal, room = None, 0
        try:
            if guardian_line_ended(session.patient, session.account, clock.business_date(clock.now())):
                raise CannotUseCredit("guardian_line_ended")
            from kiosk.domain.plan import credit_room

            room = credit_room(session.account, self.repay_before_reuse)
        except CannotUseCredit as exc:
            refusal = exc.code
        plan = make_plan(total_fen=total, fund_fen=sum(fund.values()), account_fen=account_pay, room_fen=room)
        run.update(plan=plan.as_dict())
        return Prepared(run.saga_id, visits, plan, refusal, f["insured"])

    # -- settle -----------------------------------------------------------------------------------------
    def settle(self, saga_id: str, plan: SettlementPlan, payment_id: str | None = None):
        """The patient confirmed ``plan`` (the prepared one, or it paying in full) and paid any rest by phone
        (``payment_id``). Returns the saga's end: ``(Settlement, facts)``; raises :class:`SagaPending` or
        :class:`SagaUndone`."""
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
            if plan.on_credit_fen and not run.done("hold"):
                run.keyed("hold", lambda key: credit.hold(HoldRequest(
                    f["patient_id"], f["account_id"], KIND, plan.on_credit_fen, tuple(b["bill_id"] for b in bills)),
                    key=key), lambda h: {"hold_id": h.hold_id})
            if f["insured"]:
                insured = insured_from(f, run.saga.private)
                for n, bill in enumerate(bills):
                    self._settle_visit(run, insured, n, bill, live)
            booking = run.done("book")
            if plan.on_credit_fen and booking is None:
                hold_id = run.done("hold")["hold_id"]
                booking = run.keyed("book", lambda key: credit.book(hold_id, BookingRequest(
                    setl_ids=tuple(setl_ids_of(run).values()), total_fen=plan.total_fen, fund_fen=plan.fund_fen,
                    account_pay_fen=plan.account_fen, paid_now_fen=plan.paid_now_fen,
                    bills=booking_bills(bills, setl_ids_of(run)), cash_fen=plan.cash_fen,
                    his_payment_id=run.facts.get("payment_id"),
                    ended_at=max(datetime.fromisoformat(b["ended_at"]) for b in bills)), key=key), _booking_facts)
                booking = run.done("book")
            if not run.done("mark"):
                setl_ids = ",".join(setl_ids_of(run)[str(n)] for n in range(len(bills))) \
                    if f["insured"] else None
                run.keyed("mark", lambda key: his.mark_paid(
                    [b["bill_id"] for b in bills], setl_id=setl_ids or None,
                    booking_id=(booking or {}).get("booking_id"), payment_id=run.facts.get("payment_id"), key=key),
                    lambda m: {"key": m.key, "paid_now_fen": m.paid_now_fen})
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
        return self._settlement(run), run.facts

    def _settle_visit(self, run: Run, insured: Insured, n: int, bill: dict, live: bool) -> None:
        step = f"settle:{n}"
        if run.done(step):
            return
        lost = run.last(step)
        if lost is not None and lost.state in ("sent", "unknown"):
            # the answer was lost: reverse that message by its msgid before anything else
            self._reverse(run, step, lost.key, "2207", insured)
            if not live:
                raise StepFailed(step, _Lost(), nothing_done=True)
        pre = run.facts["pre"][str(n)]
        request = OutpatientSettleRequest(insured, pre["mdtrt_id"], pre["chrg_bchno"], bill["total_fen"])
        split = request.with_split(_presettlement(pre))
        try:
            run.insurance(step, lambda msgid: self.insurance.settle(msgid, split), _settlement_facts)
        except StepFailed as failed:
            if failed.nothing_done:
                raise
            # no answer: reversed at once by its msgid if the platform answers that (then undone);
            # else it stays for the recovery, which reverses it first
            self._reverse(run, step, run.last(step).key, "2207", insured)
            raise StepFailed(step, _Lost(), nothing_done=True) from None

    def _reverse(self, run: Run, step: str, msgid: str, infno: str, insured: Insured) -> None:
        """2601: undo the message ``msgid`` whose answer was lost (success also when it never arrived)."""
        run.insurance(f"reverse:{step}", lambda new: self.insurance.reverse(new, insured, msgid, infno),
                      lambda _: {"omsgid": msgid})

    # -- undo -------------------------------------------------------------------------------------------
    def abandon(self, saga_id: str) -> str:
        """The patient left a prepared bill (Back, or the screen cleared): undo it. Returns the saga's state."""
        try:
            with self._run(saga_id) as run:
                if run.saga.state in ("prepared", "undoing"):
                    self._undo_or_later(run)
                return run.saga.state
        except SagaBusy:
            return "busy"

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
        bills = f["bills"]
        # 1. the HIS: the mark undone (or barred, if it never arrived)
        if run.tried("mark") and not run.done("unmark"):
            mark_key = run.last("mark").key
            self._compensate(run, "unmark", lambda _key: his.unmark_paid(mark_key))
        # 2. the credit platform: the booking voided, or the hold released
        self._undo_credit(run)
        # 3. the insurance platform
        if f["insured"]:
            insured = insured_from(f, run.saga.private)
            for n in range(len(bills)):
                self._undo_visit(run, insured, n)
        # 4. a phone payment no bill will use
        payment_id = f.get("payment_id")
        if payment_id and not run.done("refund_payment"):
            self._compensate(run, "refund_payment", lambda key: his.refund_payment(
                payment_id, "refunded_after_cancel", key=key), ok=("payment_not_paid", "payment_already_used"))
        run.update(state="undone")
        phase("saga:outpatient:undone", run.saga_id)

    def _undo_credit(self, run: Run) -> None:
        credit = self.ports.credit
        f = run.facts
        if not run.tried("hold") or run.done("release") or run.done("void"):
            return
        hold = run.done("hold")
        if hold is None:  # its answer was lost: the same key answers what the platform did (or holds it now)
            plan = SettlementPlan.from_dict(f["plan"])
            try:
                run.keyed("hold", lambda key: credit.hold(HoldRequest(
                    f["patient_id"], f["account_id"], KIND, plan.on_credit_fen,
                    tuple(b["bill_id"] for b in f["bills"])), key=key), lambda h: {"hold_id": h.hold_id})
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

    def _undo_visit(self, run: Run, insured: Insured, n: int) -> None:
        ins = self.insurance
        pre = run.facts["pre"].get(str(n))
        step = f"settle:{n}"
        setl_id = setl_ids_of(run).get(str(n))
        if setl_id and not run.done(f"cancel_settle:{n}"):
            self._compensate(run, f"cancel_settle:{n}", lambda msgid: ins.cancel_settlement(
                msgid, insured, pre["mdtrt_id"], setl_id), insurance=True)
        elif not setl_id:
            lost = run.last(step)
            if lost is not None and lost.state in ("sent", "unknown") and not run.done(f"reverse:{step}"):
                self._reverse(run, step, lost.key, "2207", insured)
        uploads = [s for s in run.saga.steps if s.step.startswith(f"upload:{n}:")]
        if pre is None:  # stopped before the pre-settlement: each upload that may have arrived reversed
            for s in uploads:
                if s.state in ("sent", "unknown") and not run.done(f"reverse:{s.step}"):
                    self._reverse(run, s.step, s.key, "2204", insured)
            batch = next(((s.answer or {}).get("chrg_bchno") for s in uploads if s.state == "done"), None)
        else:
            batch = pre["chrg_bchno"]
        mdtrt_id = (run.done(f"register:{n}") or {}).get("mdtrt_id")
        if batch and mdtrt_id and not run.done(f"cancel_fees:{n}"):
            self._compensate(run, f"cancel_fees:{n}", lambda msgid: ins.cancel_fees(msgid, insured, mdtrt_id, batch),
                             insurance=True, refused_ok=True)
        registered = run.done(f"register:{n}")
        if registered and not run.done(f"cancel_register:{n}"):
            bill = run.facts["bills"][n]
            self._compensate(run, f"cancel_register:{n}", lambda msgid: ins.cancel_registration(
                msgid, insured, registered["mdtrt_id"], bill["visit_id"]), insurance=True)
        elif registered is None:
            lost = run.last(f"register:{n}")
            if lost is not None and lost.state in ("sent", "unknown") and not run.done(f"reverse:register:{n}"):
                self._reverse(run, f"register:{n}", lost.key, "2201", insured)

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

    # -- recovery ---------------------------------------------------------------------------------------
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

    # -- the end ----------------------------------------------------------------------------------------
    def _settlement(self, run: Run) -> Settlement:
        f = run.facts
        plan = SettlementPlan.from_dict(f["plan"])
        booking = run.done("book") or {}
        now = clock.now()
        return Settlement(
            settlement_id=booking.get("booking_id") or run.saga_id,
            reference=booking.get("reference") or ",".join(b["bill_id"] for b in f["bills"]),
            visit_ids=tuple(b["visit_id"] for b in f["bills"]), total_fen=plan.total_fen, fund_fen=plan.fund_fen,
            personal_fen=plan.personal_fen, booked_fen=plan.on_credit_fen, line_fen=booking.get("line_fen", 0),
            available_fen=booking.get("available_fen", 0),
            due_at=datetime.fromisoformat(booking["due_at"]) if booking.get("due_at") else None,
            settled_at=datetime.fromisoformat(booking["settled_at"]) if booking.get("settled_at") else now,
            paid_fen=plan.paid_now_fen)

    def _run(self, saga_id: str) -> Run:
        return self.engine.run(saga_id)


class _Lost(Exception):
    code = "insurance_answer_lost"


def _settlement_facts(s) -> dict:
    """A (pre-)settlement's figures, as the journal keeps them."""
    return {"setl_id": s.setl_id, "total_fen": s.medfee_sumamt, "fund_fen": s.fund_pay_sumamt + s.hosp_part_amt,
            "psn_part_fen": s.psn_part_amt, "acct_pay_fen": s.acct_pay, "cash_fen": s.psn_cash_pay,
            "fulamt_ownpay_amt": s.fulamt_ownpay_amt, "overlmt_selfpay": s.overlmt_selfpay,
            "preselfpay_amt": s.preselfpay_amt, "inscp_scp_amt": s.inscp_scp_amt}


def _presettlement(pre: dict):
    """The pre-settlement's split, as 2207 must carry it."""
    from types import SimpleNamespace

    return SimpleNamespace(fulamt_ownpay_amt=pre["fulamt_ownpay_amt"], overlmt_selfpay=pre["overlmt_selfpay"],
                           preselfpay_amt=pre["preselfpay_amt"], inscp_scp_amt=pre["inscp_scp_amt"])


def _booking_facts(b) -> dict:
    return {"booking_id": b.booking_id, "reference": b.reference, "line_fen": b.line_fen,
            "available_fen": b.available_fen, "due_at": b.due_at.isoformat() if b.due_at else None,
            "settled_at": b.settled_at.isoformat(), "booked_fen": b.booked_fen}


__all__ = ["KIND", "OutpatientSettlement", "Prepared", "SagaPending", "SagaUndone"]
