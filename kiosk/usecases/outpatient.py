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

from kiosk.domain.models import Visit, VisitItem
from kiosk.domain.plan import SettlementPlan
from kiosk.ports.insurance import FeeLine, Insured, OutpatientSettleRequest, RegistrationRequest, fee_uploads
from kiosk.usecases.saga import Run, StepFailed, lane_lock
from kiosk.usecases.settlement_saga import (
    SagaPending,
    SagaUndone,
    SettlementSaga,
    presettlement,
    setl_ids_of,
    settlement_facts,
)

log = logging.getLogger("kiosk.outpatient")

KIND = "outpatient"


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


class OutpatientSettlement(SettlementSaga):
    """Prepare, settle, undo and recover outpatient sagas. ``ports``: ``kiosk.services.Ports``."""

    KIND = KIND
    CREDIT_KIND = "outpatient"

    # -- prepare ----------------------------------------------------------------------------------------
    def prepare(self, session, his_visits) -> Prepared:
        """Upload and pre-settle the bills; the plan. Refusals of the counterparts are raised (what was done
        is undone first); ``CannotUseCredit`` reasons come back as ``refusal`` with a plan paying in full."""
        with lane_lock(self.lane_of(session)):  # a bill of theirs left a moment ago is undone first
            self._left_behind(self.lane_of(session))
            return self._prepare(session, his_visits)

    def _prepare(self, session, his_visits) -> Prepared:
        insured, facts, private = self._person(session)
        run = self._begin(session, {"bills": [bill_facts(v) for v in his_visits], **facts}, private)
        try:
            if insured is not None:
                for n, bill in enumerate(run.facts["bills"]):
                    self._pre_settle(run, insured, n, bill)
        except StepFailed as failed:
            raise self._prepare_failed(run, failed) from None
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
            insured, mdtrt_id, batch, bill["total_fen"])), settlement_facts)
        run.update(pre={**run.facts["pre"], str(n): {"mdtrt_id": mdtrt_id, "chrg_bchno": batch,
                                                      **settlement_facts(pre)}})

    def _prepared(self, run: Run, session) -> Prepared:
        f = run.facts
        bills, pre = f["bills"], f["pre"]
        fund = {n: pre[str(n)]["fund_fen"] if f["insured"] else 0 for n in range(len(bills))}
        account_pay = sum(pre[str(n)]["acct_pay_fen"] for n in range(len(bills))) if f["insured"] else 0
        visits = tuple(visit_of(b, fund[n]) for n, b in enumerate(bills))
        plan, refusal = self._plan(run, session, total=sum(b["total_fen"] for b in bills), fund=sum(fund.values()),
                                   account_pay=account_pay)
        return Prepared(run.saga_id, visits, plan, refusal, f["insured"])

    # -- the insurance's steps --------------------------------------------------------------------------
    def _settle_insurance(self, run: Run, insured: Insured, live: bool) -> None:
        for n, bill in enumerate(run.facts["bills"]):
            pre = run.facts["pre"][str(n)]
            split = OutpatientSettleRequest(insured, pre["mdtrt_id"], pre["chrg_bchno"],
                                            bill["total_fen"]).with_split(presettlement(pre))
            self._settle_one(run, f"settle:{n}", "2207", lambda msgid, split=split: self.insurance.settle(msgid, split),
                             insured, live)

    def _undo_insurance(self, run: Run, insured: Insured) -> None:
        for n in range(len(run.facts["bills"])):
            self._undo_visit(run, insured, n)

    def _undo_visit(self, run: Run, insured: Insured, n: int) -> None:
        ins = self.insurance
        pre = run.facts["pre"].get(str(n))
        setl_id = setl_ids_of(run).get(str(n))
        if setl_id and not run.done(f"cancel_settle:{n}"):
            self._compensate(run, f"cancel_settle:{n}", lambda msgid: ins.cancel_settlement(
                msgid, insured, pre["mdtrt_id"], setl_id), insurance=True)
        elif not setl_id:
            self._reverse_lost(run, f"settle:{n}", "2207", insured)
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
            self._reverse_lost(run, f"register:{n}", "2201", insured)


__all__ = ["KIND", "OutpatientSettlement", "Prepared", "SagaPending", "SagaUndone"]
