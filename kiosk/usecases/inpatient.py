"""Credit admission (no deposit: the line stands as the guarantee) on one of the patient's
admission orders (入院证: a doctor decided it; the kiosk never chooses the department) and
credit discharge (the stay's itemised charges, the insurance split, the personal part on the
line or paid), with the A4 discharge statement besides the receipt."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from kiosk.domain import clock
from kiosk.domain.plan import SettlementPlan
from kiosk.domain.settlement import CannotUseCredit, Split, guardian_line_ended, split_bill
from kiosk.usecases.identify import PatientSession
from kiosk.usecases.writes import WritePending

log = logging.getLogger("kiosk.inpatient")


@dataclass(frozen=True)
class StayItem:
    """One charge of the stay. ``category`` and ``insurance_class`` are the national
    medical-insurance codes (``med_chrgitm_type`` "01".."14", ``chrgitm_lv`` "01" 甲类, "02"
    乙类, "03" 丙类); paper prints their names (``printing.charges``)."""

    day: date
    code: str
    name: str
    category: str
    quantity: str
    unit_price_fen: int
    amount_fen: int
    insurance_class: str = ""
    self_paid_fen: int = 0


@dataclass(frozen=True)
class Stay:
    """An inpatient stay up to discharge: ward and bed, deposit paid and the charges so far."""

    admission_id: str
    department: str
    ward: str
    bed: str
    admitted_at: datetime
    deposit_paid_fen: int
    items: tuple[StayItem, ...]
    total_fen: int
    fund_fen: int
    personal_fen: int

    @property
    def owed_after_deposit_fen(self) -> int:
        return max(0, self.personal_fen - self.deposit_paid_fen)


def stay_from(data: dict) -> Stay:
    items = tuple(
        StayItem(date.fromisoformat(i["date"][:10]), i["code"], i["name"], i["med_chrgitm_type"],
                 str(i["quantity"]), i["unit_price_fen"], i["amount_fen"], i["chrgitm_lv"], i["self_paid_fen"])
        for i in data["items"])
    if any(not 0 <= i.self_paid_fen <= i.amount_fen for i in items):
        raise ValueError("a charge's self-paid part is outside its amount")
    stay = Stay(data["admission_id"], data.get("department", ""), data.get("ward", ""), data.get("bed", ""),
                datetime.fromisoformat(data["admitted_at"]), data.get("deposit_paid_fen", 0), items,
                data["total_fen"], data["fund_fen"], data["personal_fen"])
    if sum(i.amount_fen for i in items) != stay.total_fen or stay.fund_fen + stay.personal_fen != stay.total_fen:
        raise ValueError("the stay's charges do not add up")
    return stay


@dataclass(frozen=True)
class AdmissionOrder:
    """A doctor's admission order, read from the platform's national-interface fields (``adm_dept_name``,
    ``chfpdr_name``, ...): what the patient chooses from on the admission screen."""

    order_id: str
    department: str
    ward: str
    doctor: str
    diagnosis: str
    issued_on: date


def order_from(data: dict) -> AdmissionOrder:
    return AdmissionOrder(data["order_id"], data["adm_dept_name"], data["ward"], data["chfpdr_name"],
                          data["adm_diag_dscr"], clock.business_date(datetime.fromisoformat(data["issued_at"])))


def discharge_split(stay: Stay, session: PatientSession, repay_before_reuse: bool = True) -> Split:
    """The deposit is used first; what remains goes on the line as far as it reaches. A patient who has come of
    age on a guardian's line (from the 18th birthday, the business date now) cannot discharge on it:
    ``CannotUseCredit('guardian_line_ended')``."""
    owed = stay.owed_after_deposit_fen
    if owed and guardian_line_ended(session.patient, session.account, clock.business_date(clock.now())):
        raise CannotUseCredit("guardian_line_ended")
    split = split_bill(owed, 0, owed, session.account, repay_before_reuse)
    return split


@dataclass(frozen=True)
class DischargeOutcome:
    """A discharge settled: the platform's answer, the receipt and the statement."""

    data: dict | None  # the platform's discharge settlement; None while pending
    receipt_job: str | None = None
    statement_job: str | None = None
    print_error: str | None = None

    @property
    def pending(self) -> bool:
        return self.data is None


class Inpatient:
    """``saga``: the discharge saga (``kiosk.usecases.discharge``, issue 12) when the kiosk has the HIS and the
    insurance platform: the stay is the HIS's, its bill pre-settled before it is shown, then settled across the
    three. Without it, the credit platform discharges alone."""

    def __init__(self, platform, writes, printer, saga=None):
        self.platform = platform
        self.writes = writes
        self.printer = printer
        self.saga = saga

    @property
    def saga_ready(self) -> bool:
        return self.saga is not None

    def prepare_discharge(self, session: PatientSession):
        """The stay's bill drawn up and pre-settled, its plan (``PreparedStay``); None without a stay."""
        stay = self.saga.current_stay(session)
        return self.saga.prepare(session, stay) if stay is not None else None

    def abandon(self, saga_id: str) -> str:
        return self.saga.abandon(saga_id)

    def settle_discharge(self, session: PatientSession, prepared, plan, payment_id: str | None = None
                         ) -> DischargeOutcome:
        """The patient confirmed ``plan``: the saga settles the stay everywhere (or nowhere); then the receipt
        and the A4 statement."""
        from kiosk.usecases.settlement_saga import SagaPending

        try:
            settlement, facts = self.saga.settle(prepared.saga_id, plan, payment_id)
        except SagaPending:
            return DischargeOutcome(None)
        data = outcome_data(settlement, plan, facts)
        stay = prepared.stay
        log.info("discharged %s", data["reference"])
        receipt_job, receipt_error = self._print(
            self.printer.print_slip, lambda: self._receipt(session, stay, data), f"discharge-{data['reference']}")
        statement_job, statement_error = self._print(
            self.printer.print_statement, lambda: self._statement(session, stay, data),
            f"statement-{data['reference']}")
        return DischargeOutcome(data, receipt_job, statement_job, receipt_error or statement_error)

    def departments(self) -> list[dict]:
        return self.platform.request("GET", "/v1/departments")["departments"]

    def admission_orders(self, session: PatientSession) -> tuple[AdmissionOrder, ...]:
        """The patient's pending admission orders, newest first."""
        data = self.platform.request(
            "GET", f"/v1/patients/{session.patient.patient_id}/admission-orders?status=pending")
        return tuple(order_from(o) for o in data["orders"])

    def admit(self, session: PatientSession, order: AdmissionOrder) -> dict:
        """Admission on ``order``: its department and ward; the answer names the ward and the bed."""
        return self.writes.send("admission", "/v1/admissions", {
            "patient_id": session.patient.patient_id,
            "account_id": session.account.account_id if session.account else None,
            "order_id": order.order_id,
        })

    def current_stay(self, session: PatientSession) -> Stay | None:
        data = self.platform.request("GET", f"/v1/patients/{session.patient.patient_id}/admissions?status=admitted")
        if not data["admissions"]:
            return None
        admission_id = data["admissions"][0]["admission_id"]
        return stay_from(self.platform.request("GET", f"/v1/admissions/{admission_id}"))

    def discharge(self, session: PatientSession, stay: Stay, payment_id: str | None = None) -> DischargeOutcome:
        body = {"account_id": session.account.account_id if session.account else None}
        if payment_id:
            body["payment_id"] = payment_id
        try:
            data = self.writes.send("discharge", f"/v1/admissions/{stay.admission_id}/discharge", body)
        except WritePending:
            return DischargeOutcome(None)
        log.info("discharged %s", data["reference"])
        receipt_job, receipt_error = self._print(
            self.printer.print_slip, lambda: self._receipt(session, stay, data), f"discharge-{data['reference']}")
        statement_job, statement_error = self._print(
            self.printer.print_statement, lambda: self._statement(session, stay, data),
            f"statement-{data['reference']}")
        return DischargeOutcome(data, receipt_job, statement_job, receipt_error or statement_error)

    @staticmethod
    def _print(send, build, name: str) -> tuple[str | None, str | None]:
        """Build a document and print it; never raises (the patient is discharged by now): figures
        that do not add up, or a charge code paper cannot name, are reported like a printer fault."""
        try:
            document = build()
        except (ValueError, KeyError) as exc:
            log.error("document %s not built: %s", name, exc)
            return None, "document"
        return send(document, name)

    def _receipt(self, session, stay: Stay, d: dict):
        from printing.slips import SlipHeader, discharge_receipt

        cfg = self.printer.config
        return discharge_receipt(
            SlipHeader(cfg.hospital, cfg.terminal_id, clock.now(), session.patient.masked_id,
                       session.patient.masked_name),
            reference=d["reference"], inpatient_no=stay.admission_id, department=stay.department,
            admitted_on=clock.business_date(stay.admitted_at),
            discharged_on=clock.business_date(datetime.fromisoformat(d["settled_at"])),
            total_fen=d["total_fen"], fund_fen=d["fund_fen"], personal_fen=d["personal_fen"],
            deposit_used_fen=d["deposit_used_fen"], deposit_refunded_fen=d["deposit_refund_fen"],
            booked_fen=d["booked_fen"], paid_fen=d["paid_fen"], channel="扫码支付" if d["paid_fen"] else "",
            available_fen=None if d.get("credit_pending") else d.get("available_fen"),
            due_at=datetime.fromisoformat(d["due_at"]) if d.get("due_at") else None,
            credit_pending=bool(d.get("credit_pending")),
        )

    def _statement(self, session, stay: Stay, d: dict):
        from printing.charges import category_name, class_mark
        from printing.documents import Statement, StatementLine

        cfg = self.printer.config
        discharged = clock.business_date(datetime.fromisoformat(d["settled_at"]))
        return Statement(
            title="住院费用清单",
            hospital=cfg.hospital,
            masked_id=session.patient.masked_id,
            masked_name=session.patient.masked_name,
            period=f"{clock.business_date(stay.admitted_at).isoformat()} 至 {discharged.isoformat()}",
            lines=tuple(StatementLine(i.day, i.code, i.name, category_name(i.category), i.quantity,
                                      i.unit_price_fen, i.amount_fen, class_mark(i.insurance_class),
                                      i.self_paid_fen) for i in stay.items),
            totals=(("合计", d["total_fen"]), ("医保统筹支付", d["fund_fen"]), ("个人负担", d["personal_fen"]),
                    ("预交金抵扣", d["deposit_used_fen"]), ("信用额度记账", d["booked_fen"]),
                    ("现场支付", d["paid_fen"])),
            reference=d["reference"],
            printed_at=clock.now(),
            info=(("住院号", stay.admission_id), ("科室", stay.department),
                  ("病区床位", f"{stay.ward} {stay.bed}".strip()),
                  *((("信用记账", "待信用平台确认"),) if d.get("credit_pending") else ())),
        )


def outcome_data(settlement, plan: SettlementPlan, facts: dict) -> dict:
    """The discharge's figures as the receipt, the statement and the outcome screen read them (the plan as the
    insurance settled it)."""
    if facts.get("settled_plan"):
        plan = SettlementPlan.from_dict(facts["settled_plan"])
    # the part on credit queued for the credit platform, which did not answer (issue 12): pending its booking
    pending = bool(facts.get("credit_queued")) and plan.on_credit_fen > 0 and not facts.get("credit_conflict")
    return {"credit_pending": pending, "reference": settlement.reference, "total_fen": plan.total_fen,
            "fund_fen": plan.fund_fen,
            "personal_fen": plan.personal_fen, "booked_fen": plan.on_credit_fen, "paid_fen": plan.paid_now_fen,
            "deposit_used_fen": 0, "deposit_refund_fen": 0, "available_fen": settlement.available_fen,
            "due_at": settlement.due_at.isoformat() if settlement.due_at else None,
            "settled_at": settlement.settled_at.isoformat(), "items_count": len(facts["bills"][0]["items"]),
            "admission_id": facts["stay"]["admission_id"]}
