"""The discharge settlement saga (issue 12): an inpatient stay's bill settled with the insurance platform,
booked on the credit line and marked paid at the HIS (which discharges the stay), everywhere or nowhere.

**Prepare** (the stay shown): 1. the HIS draws up the discharge bill (keyed: the stay takes no more charges;
asked again, the same bill), 2. 2401 (the stay at the insurance platform, ``mdtrt_id``: the sandbox HIS
does not register stays with it), 2402 discharge, 2301 fee upload (the stay's 300 lines in messages of at
most 50), 3. 2303 pre-settlement; the plan. **Settle**: credit hold, 2304, the booking, the HIS's mark (the
stay discharged), then the receipt and the A4 statement. **Undo**: the mark undone, the booking voided or
the hold released, 2305 (or 2601 for a lost 2304), then 2601 for each upload, the discharge and the
admission (the interface has no cancel for them), a phone payment refunded. The shared steps and the
recovery: ``kiosk.usecases.settlement_saga``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain import clock
from kiosk.domain.plan import SettlementPlan
from kiosk.ports.insurance import AdmissionRequest, DischargeRequest, InpatientSettleRequest, Insured, fee_uploads
from kiosk.usecases.outpatient import fee_lines
from kiosk.usecases.saga import Run, StepFailed, lane_lock
from kiosk.usecases.settlement_saga import SettlementSaga, presettlement, setl_ids_of, settlement_facts

log = logging.getLogger("kiosk.discharge")

KIND = "discharge"


@dataclass(frozen=True)
class PreparedStay:
    """A stay's bill pre-settled and waiting for the patient: the stay as shown (``kiosk.usecases.inpatient.Stay``:
    each charge with its self-paid part as the insurance classed it), the plan, why credit cannot be used."""
    saga_id: str
    stay: object
    plan: SettlementPlan
    refusal: str | None
    insured: bool


def _item(item) -> dict:
    return {"feedetl_sn": item.feedetl_sn, "med_list_codg": item.med_list_codg,
            "medins_list_codg": item.medins_list_codg, "med_chrgitm_type": item.med_chrgitm_type,
            "chrgitm_lv": item.chrgitm_lv, "name": item.name, "pric_fen": item.pric_fen,
            "cnt": format(item.cnt.normalize(), "f"), "amount_fen": item.det_item_fee_sumamt_fen,
            "dept_code": item.dept_code, "dept_name": item.dept_name, "doctor_code": item.doctor_code,
            "doctor_name": item.doctor_name, "fee_ocur_time": item.fee_ocur_time.isoformat()}


class DischargeSettlement(SettlementSaga):
    KIND = KIND
    CREDIT_KIND = "inpatient"

    def current_stay(self, session):
        """The patient's stay at the HIS still to discharge (admitted, or billed by an earlier attempt)."""
        his = self.ports.his
        for status in ("billed", "admitted"):
            stays = his.stays(session.his_patient_id, status)
            if stays:
                return his.stay(stays[0].admission_id)
        return None

    def prepare(self, session, stay) -> PreparedStay:
        with lane_lock(self.lane_of(session)):  # a stay of theirs left a moment ago is undone first
            self._left_behind(self.lane_of(session))
            return self._prepare(session, stay)

    def _prepare(self, session, stay) -> PreparedStay:
        insured, facts, private = self._person(session)
        info = {"admission_id": stay.admission_id, "dept_code": stay.dept_code, "dept_name": stay.dept_name,
                "ward": stay.ward, "bed": stay.bed, "doctor_code": stay.doctor_code, "doctor_name": stay.doctor_name,
                "admitted_at": stay.admitted_at.isoformat()}
        run = self._begin(session, {"bills": [], "stay": info, **facts}, private)
        try:
            bill = run.keyed("his_bill", lambda key: self.ports.his.discharge_bill(stay.admission_id, key=key),
                             lambda b: {"bill_id": b.bill_id, "total_fen": b.total_fen})
            now = clock.now()
            run.update(bills=[{"bill_id": bill.bill_id, "visit_id": stay.admission_id, "total_fen": bill.total_fen,
                               "ended_at": now.isoformat(), "items": [_item(i) for i in bill.items]}])
            if insured is not None:
                self._pre_settle(run, insured, now)
        except StepFailed as failed:
            raise self._prepare_failed(run, failed) from None
        except BaseException:
            run.close()
            raise
        return self._prepared(run, session)

    def _pre_settle(self, run: Run, insured: Insured, now: datetime) -> None:
        ins, info, bill = self.insurance, run.facts["stay"], run.facts["bills"][0]
        admitted = run.insurance("admit:0", lambda msgid: ins.admit(msgid, AdmissionRequest(
            insured, datetime.fromisoformat(info["admitted_at"]), info["admission_id"], info["doctor_code"],
            info["doctor_name"], "住院治疗", info["dept_code"], info["dept_name"], info["bed"], "", "")),
            lambda mdtrt_id: {"mdtrt_id": mdtrt_id})
        run.insurance("discharge:0", lambda msgid: ins.discharge(msgid, DischargeRequest(
            insured, admitted, now, info["dept_code"], info["dept_name"], dscg_bed=info["bed"])))
        self_paid: dict[str, int] = {}
        levels: dict[str, str] = {}
        for part, lines in enumerate(fee_uploads(fee_lines(bill))):
            results = run.insurance(f"upload:0:{part}", lambda msgid, lines=lines: ins.upload_inpatient_fees(
                msgid, insured, admitted, lines))
            for r in results:
                self_paid[r.feedetl_sn] = r.fulamt_ownpay_amt + r.preselfpay_amt
                levels[r.feedetl_sn] = r.chrgitm_lv
        pre = run.insurance("presettle:0", lambda msgid: ins.pre_settle_inpatient(msgid, InpatientSettleRequest(
            insured, admitted, bill["total_fen"])), settlement_facts)
        run.update(pre={"0": {"mdtrt_id": admitted, **settlement_facts(pre)}},
                   classes={sn: [levels[sn], self_paid[sn]] for sn in self_paid})

    def _prepared(self, run: Run, session) -> PreparedStay:
        from kiosk.usecases.inpatient import Stay, StayItem

        f = run.facts
        bill, info = f["bills"][0], f["stay"]
        pre = f["pre"].get("0") if f["insured"] else None
        fund = pre["fund_fen"] if pre else 0
        account_pay = pre["acct_pay_fen"] if pre else 0
        plan, refusal = self._plan(run, session, total=bill["total_fen"], fund=fund, account_pay=account_pay)
        classes = f.get("classes") or {}
        items = tuple(StayItem(
            day=clock.business_date(datetime.fromisoformat(i["fee_ocur_time"])), code=i["medins_list_codg"],
            name=i["name"], category=i["med_chrgitm_type"], quantity=i["cnt"], unit_price_fen=i["pric_fen"],
            amount_fen=i["amount_fen"],
            insurance_class=(classes.get(i["feedetl_sn"]) or [i["chrgitm_lv"] or "03"])[0],
            self_paid_fen=(classes.get(i["feedetl_sn"]) or [None, i["amount_fen"]])[1])
            for i in bill["items"])
        stay = Stay(info["admission_id"], info["dept_name"], info["ward"], info["bed"],
                    datetime.fromisoformat(info["admitted_at"]), 0, items, bill["total_fen"], fund,
                    bill["total_fen"] - fund)
        return PreparedStay(run.saga_id, stay, plan, refusal, f["insured"])

    # -- the insurance's steps --------------------------------------------------------------------------
    def _settle_insurance(self, run: Run, insured: Insured, live: bool) -> None:
        pre = run.facts["pre"]["0"]
        request = InpatientSettleRequest(insured, pre["mdtrt_id"], run.facts["bills"][0]["total_fen"]).with_split(
            presettlement(pre))
        self._settle_one(run, "settle:0", "2304", lambda msgid: self.insurance.settle_inpatient(msgid, request),
                         insured, live)

    def _undo_insurance(self, run: Run, insured: Insured) -> None:
        ins = self.insurance
        pre = run.facts["pre"].get("0")
        setl_id = setl_ids_of(run).get("0")
        if setl_id and not run.done("cancel_settle:0"):
            self._compensate(run, "cancel_settle:0", lambda msgid: ins.cancel_inpatient_settlement(
                msgid, insured, pre["mdtrt_id"], setl_id), insurance=True)
        elif not setl_id:
            self._reverse_lost(run, "settle:0", "2304", insured)
        # the interface cancels neither an upload nor a discharge nor an admission: each reversed by its msgid
        for s in [s for s in run.saga.steps if s.step.startswith("upload:0:") and s.state != "refused"]:
            if not run.done(f"reverse:{s.step}"):
                self._reverse(run, s.step, s.key, "2301", insured)
        for step, infno in (("discharge:0", "2402"), ("admit:0", "2401")):
            last = run.last(step)
            if last is not None and last.state != "refused" and not run.done(f"reverse:{step}"):
                self._reverse(run, step, last.key, infno, insured)

    def _ended_at(self, run: Run) -> datetime:
        return datetime.fromisoformat(run.facts["bills"][0]["ended_at"])


__all__ = ["DischargeSettlement", "PreparedStay"]
