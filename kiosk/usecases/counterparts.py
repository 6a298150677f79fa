"""The daily reconciliation per counterpart (issue 12): the kiosk's journal of a business day (its sagas:
``offline_cache.sagas``) against each of the three counterparts' own records of the day, to the fen.

- **The insurance platform** (3201): the kiosk's settlements of the day (2207 outpatient, 2304 inpatient;
  their cancels 2208/2305 negative), summed per insutype, clearing type (11 outpatient, 21 inpatient) and
  clearing institution (the person's ``insuplc_admdvs``), are sent in one 3201 per group; the platform says
  whether its own totals agree (``stmt_rslt``) and, when not, which figure differs (``stmt_rslt_dscr``). The
  interface compares totals only: the kiosk names the group and lists its settlements in it for the
  supervisor, who asks the insurance office for the detail (3202).
- **The credit platform**: its bookings of the day made by this terminal (``CreditPort.bookings``), booking
  by booking: on one side only, voided on one side only, or another amount on the line.
- **The HIS**: its marks of the day made by this terminal (``HisPort.paid_bills``), mark by mark: on one side
  only, undone on one side only, other bills, another ``setl_id`` or booking.

Besides, every saga of the day that is not finished (open, or ``stuck`` for staff) or whose settlement's answer
was lost and not reversed is listed: the counterparts may hold it half done until the recovery (or staff)
ends it.

Each :class:`Finding` names the counterpart, the saga (when the journal has it), both sides' figures and what
to do next (``next_step``: a code; the words are the screens' and ``kiosk-admin reconcile``'s). Nothing
personal is read: the journal's facts in clear are opaque ids, codes and amounts.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from kiosk.domain.clock import business_date
from kiosk.domain.errors import Refusal
from kiosk.domain.insurance import ClrType
from kiosk.domain.plan import SettlementPlan
from kiosk.ports.insurance import DayTotalsRequest

log = logging.getLogger("kiosk.reconciliation")

COUNTERPARTS = ("insurance", "credit", "his")
#: The insurance clearing type (clr_type) of each saga kind's settlements.
CLR_TYPE = {"outpatient": ClrType.OUTPATIENT, "discharge": ClrType.INPATIENT}

#: What to do next, by the finding's ``problem``.
NEXT_STEP = {
    # the insurance platform
    "insurance_totals_differ": "ask_insurance_office_detail",
    "insurance_unanswered": "run_again_later",
    # the credit platform
    "booked_not_in_journal": "check_bill_at_his_then_void",
    "booking_missing": "check_saga_then_book_again",
    "voided_at_credit_only": "book_again_or_undo_saga",
    "voided_in_journal_only": "void_at_credit",
    "booked_amount_differs": "correct_booking",
    "credit_unanswered": "run_again_later",
    # the HIS
    "marked_not_in_journal": "check_bill_with_insurance_and_credit",
    "mark_missing": "check_saga_then_mark_again",
    "unmarked_at_his_only": "mark_again_or_undo_saga",
    "unmarked_in_journal_only": "unmark_at_his",
    "mark_differs": "correct_mark",
    "his_unanswered": "run_again_later",
    # the journal
    "saga_stuck": "supervisor_finishes_saga",
    "saga_open": "wait_for_recovery",
    "settlement_answer_lost": "wait_for_recovery",
}


@dataclass(frozen=True)
class Finding:
    """One difference. ``reference``: the booking, the HIS mark's key or the insurance group
    (``insutype/clr_type/admdvs``); ``saga_id``: the kiosk's saga when the journal has one; ``kiosk_fen`` and
    ``counterpart_fen``: both sides' figure of the part that differs (0 for a side that has nothing);
    ``detail``: the counterpart's own words (3201's ``stmt_rslt_dscr``) or the field that differs."""

    counterpart: str
    problem: str
    reference: str
    saga_id: str | None = None
    kiosk_fen: int = 0
    counterpart_fen: int = 0
    detail: str = ""

    @property
    def next_step(self) -> str:
        return NEXT_STEP[self.problem]


@dataclass(frozen=True)
class InsuranceGroup:
    """The kiosk's totals of one 3201 group, with the sagas and settlements in it."""

    insutype: str
    clr_type: str
    admdvs: str
    medfee_fen: int = 0
    fund_fen: int = 0
    acct_fen: int = 0
    count: int = 0
    settlements: tuple[tuple[str, str], ...] = ()  # (saga id, setl_id), cancels too

    @property
    def reference(self) -> str:
        return f"{self.insutype}/{self.clr_type}/{self.admdvs}"


@dataclass
class CounterpartsReport:
    """The day's check of the three counterparts against each other (insurance, credit, HIS) and what differs."""

    day: date
    insurance: dict[str, InsuranceGroup] = field(default_factory=dict)  # by reference
    credit: dict[str, dict] = field(default_factory=dict)  # booking id -> {saga_id, booked_fen, status}
    his: dict[str, dict] = field(default_factory=dict)  # mark key -> {saga_id, bill_ids, status, ...}
    findings: list[Finding] = field(default_factory=list)
    checked: tuple[str, ...] = ()  # the counterparts that answered

    @property
    def agrees(self) -> bool:
        return not self.findings and set(self.checked) == set(COUNTERPARTS)

    def of(self, counterpart: str) -> list[Finding]:
        return [f for f in self.findings if f.counterpart == counterpart]


def _day_of(moment) -> date:
    return business_date(moment)


class ReconcileCounterparts:
    """``ports``: ``kiosk.services.Ports`` (credit, his, insurance and the msgid sequence); ``sagas``:
    ``offline_cache.sagas.Sagas`` of the kiosk's journal (opened with or without the data key: the facts in
    clear are all it reads)."""

    def __init__(self, ports, sagas):
        self.ports = ports
        self.sagas = sagas

    # -- the kiosk's side --------------------------------------------------------------------------
    def _sagas(self, day: date):
        """The sagas begun on ``day`` or the day before (a saga begun before midnight may settle after)."""
        return [*self.sagas.of_day(day - timedelta(days=1)), *self.sagas.of_day(day)]

    def journal(self, day: date) -> CounterpartsReport:
        """What the journal says each counterpart should hold for ``day``, and the sagas not finished."""
        report = CounterpartsReport(day)
        groups: dict[str, dict] = {}
        for saga in self._sagas(day):
            self._insurance_side(saga, day, groups)
            self._credit_side(saga, day, report.credit)
            self._his_side(saga, day, report.his)
            if saga.business_date == day:
                report.findings.extend(_unfinished(saga))
        report.insurance = {ref: _group(g) for ref, g in groups.items()}
        return report

    @staticmethod
    def _insurance_side(saga, day: date, groups: dict) -> None:
        f = saga.facts
        if not f.get("insured") or saga.kind not in CLR_TYPE:
            return
        ref = f"{f['insutype']}/{CLR_TYPE[saga.kind]}/{f['insuplc_admdvs']}"
        figures: dict[str, dict] = {}
        for step in saga.steps:
            name = step.step.split(":")[0]
            if step.state != "done" or name not in ("settle", "cancel_settle"):
                continue
            n = step.step.split(":", 1)[1]
            if name == "settle":
                figures[n] = step.answer or {}
            if _day_of(step.created_at) != day:
                continue
            settled = figures.get(n) or {}
            sign = 1 if name == "settle" else -1
            g = groups.setdefault(ref, {"insutype": f["insutype"], "clr_type": str(CLR_TYPE[saga.kind]),
                                        "admdvs": f["insuplc_admdvs"], "medfee_fen": 0, "fund_fen": 0, "acct_fen": 0,
                                        "count": 0, "settlements": []})
            g["medfee_fen"] += sign * int(settled.get("total_fen", 0))
            g["fund_fen"] += sign * int(settled.get("fund_fen", 0))
            g["acct_fen"] += sign * int(settled.get("acct_pay_fen", 0))
            g["count"] += sign
            g["settlements"].append((saga.saga_id, settled.get("setl_id", "")))

    @staticmethod
    def _credit_side(saga, day: date, bookings: dict) -> None:
        booked = _booking_of(saga)
        if not booked or not booked.get("booking_id") or not booked.get("settled_at"):
            return
        if _day_of(datetime.fromisoformat(booked["settled_at"])) != day:
            return
        amount = booked.get("booked_fen")
        if amount is None:
            amount = SettlementPlan.from_dict(saga.facts.get("settled_plan") or saga.facts["plan"]).on_credit_fen
        bookings[booked["booking_id"]] = {"saga_id": saga.saga_id, "booked_fen": int(amount),
                                          "status": "voided" if saga.done("void") or saga.done("void_queued")
                                          else "booked"}

    @staticmethod
    def _his_side(saga, day: date, marks: dict) -> None:
        mark = saga.last("mark")
        if mark is None or mark.state != "done" or _day_of(mark.created_at) != day:
            return
        f = saga.facts
        # a booking queued while the credit platform did not answer is named at the HIS once made (name_booking)
        booking = saga.done("book") or (_booking_of(saga) if saga.done("name_booking") else None) or {}
        setl_ids = [((saga.done(f"settle:{n}") or {}).get("setl_id")) for n in range(len(f.get("bills", ())))]
        marks[mark.key] = {
            "saga_id": saga.saga_id, "bill_ids": tuple(b["bill_id"] for b in f.get("bills", ())),
            "total_fen": sum(int(b["total_fen"]) for b in f.get("bills", ())),
            "setl_id": ",".join(s for s in setl_ids if s) or None, "booking_id": booking.get("booking_id"),
            "status": "unmarked" if saga.done("unmark") else "paid"}

    # -- the counterparts' side ----------------------------------------------------------------------
    def __call__(self, day: date) -> CounterpartsReport:
        report = self.journal(day)
        checked = []
        for counterpart, compare in (("insurance", self._insurance), ("credit", self._credit), ("his", self._his)):
            try:
                report.findings.extend(compare(report))
                checked.append(counterpart)
            except (Refusal, OSError) as exc:  # a counterpart down or refusing: said so, the others still compared
                code = getattr(exc, "code", type(exc).__name__)
                log.warning("reconciliation of %s with %s: no answer (%s)", day, counterpart, code)
                report.findings.append(Finding(counterpart, f"{counterpart}_unanswered", counterpart, detail=code))
        report.checked = tuple(checked)
        log.info("reconciliation of %s: %d findings (%s)", day, len(report.findings),
                 ", ".join(sorted({f.problem for f in report.findings})) or "all agree")
        return report

    def _insurance(self, report: CounterpartsReport) -> list[Finding]:
        found = []
        for ref, g in sorted(report.insurance.items()):
            answer = self.ports.insurance.day_totals(self.ports.msgids(), DayTotalsRequest(
                insutype=g.insutype, clr_type=g.clr_type, setl_optins=g.admdvs, begndate=report.day,
                enddate=report.day, medfee_sumamt=g.medfee_fen, fund_pay_sumamt=g.fund_fen, acct_pay=g.acct_fen,
                fixmedins_setl_cnt=g.count))
            if not answer.agrees:
                found.append(Finding("insurance", "insurance_totals_differ", ref, kiosk_fen=g.medfee_fen,
                                     detail=answer.stmt_rslt_dscr))
        return found

    def _credit(self, report: CounterpartsReport) -> list[Finding]:
        theirs = {b.booking_id: b for b in self.ports.credit.bookings(report.day)}
        ours = report.credit
        found = []
        for booking_id in sorted(theirs.keys() - ours.keys()):
            b = theirs[booking_id]
            if b.status == "booked":
                found.append(Finding("credit", "booked_not_in_journal", booking_id, counterpart_fen=b.booked_fen))
        for booking_id in sorted(ours.keys() - theirs.keys()):
            o = ours[booking_id]
            if o["status"] == "booked":
                found.append(Finding("credit", "booking_missing", booking_id, o["saga_id"], o["booked_fen"]))
        for booking_id in sorted(ours.keys() & theirs.keys()):
            o, b = ours[booking_id], theirs[booking_id]
            if o["status"] == "booked" and b.status != "booked":
                found.append(Finding("credit", "voided_at_credit_only", booking_id, o["saga_id"], o["booked_fen"], 0,
                                     b.status))
            elif o["status"] != "booked" and b.status == "booked":
                found.append(Finding("credit", "voided_in_journal_only", booking_id, o["saga_id"], 0, b.booked_fen))
            elif o["booked_fen"] != b.booked_fen:
                found.append(Finding("credit", "booked_amount_differs", booking_id, o["saga_id"], o["booked_fen"],
                                     b.booked_fen))
        return found

    def _his(self, report: CounterpartsReport) -> list[Finding]:
        theirs = {m.key: m for m in self.ports.his.paid_bills(report.day)}
        ours = report.his
        found = []
        for key in sorted(theirs.keys() - ours.keys()):
            m = theirs[key]
            if m.status == "paid":
                found.append(Finding("his", "marked_not_in_journal", key, counterpart_fen=m.total_fen,
                                     detail=",".join(m.bill_ids)))
        for key in sorted(ours.keys() - theirs.keys()):
            o = ours[key]
            if o["status"] == "paid":
                found.append(Finding("his", "mark_missing", key, o["saga_id"], o["total_fen"],
                                     detail=",".join(o["bill_ids"])))
        for key in sorted(ours.keys() & theirs.keys()):
            o, m = ours[key], theirs[key]
            bills = ",".join(o["bill_ids"])
            if o["status"] == "paid" and m.status != "paid":
                found.append(Finding("his", "unmarked_at_his_only", key, o["saga_id"], o["total_fen"], 0, bills))
            elif o["status"] != "paid" and m.status == "paid":
                found.append(Finding("his", "unmarked_in_journal_only", key, o["saga_id"], 0, m.total_fen, bills))
            elif o["status"] == "paid":
                differs = [name for name, mine, its in (
                    ("bill_ids", set(o["bill_ids"]), set(m.bill_ids)), ("total_fen", o["total_fen"], m.total_fen),
                    ("setl_id", o["setl_id"] or None, m.setl_id or None),
                    ("booking_id", o["booking_id"] or None, m.booking_id or None)) if mine != its]
                if differs:
                    found.append(Finding("his", "mark_differs", key, o["saga_id"], o["total_fen"], m.total_fen,
                                         ",".join(differs)))
        return found


def _group(g: dict) -> InsuranceGroup:
    settlements = tuple(g.pop("settlements"))
    return InsuranceGroup(**g, settlements=settlements)


def _unfinished(saga) -> Iterable[Finding]:
    """A saga of the day the counterparts may hold half done."""
    if saga.state == "stuck":
        yield Finding("journal", "saga_stuck", saga.saga_id, saga.saga_id, detail=saga.last_error or "")
        return
    if saga.state in ("settled", "undone"):
        for step in saga.steps:
            if step.step.startswith("settle:") and step.state in ("sent", "unknown") \
                    and not saga.done(f"reverse:{step.step}") and saga.last(step.step) is step:
                yield Finding("journal", "settlement_answer_lost", saga.saga_id, saga.saga_id, detail=step.step)
        return
    yield Finding("journal", "saga_open", saga.saga_id, saga.saga_id, detail=f"{saga.kind}: {saga.state}")


def _booking_of(saga) -> dict | None:
    """The saga's booking at the credit platform: made after its hold (``book``), or queued while the platform did
    not answer and made when it was sent (``booked``: the same write read again under its key)."""
    return saga.done("book") or saga.done("booked")
