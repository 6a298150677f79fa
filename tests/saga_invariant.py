"""The saga's invariant, read from the three services' own databases (issue 12): every bill ends settled
everywhere or nowhere.

For each HIS bill: the insurance platform's settlements of its visit still standing (not cancelled, not
reversed), the credit platform's bookings of it not voided, and the HIS's payment state. Settled everywhere:
the HIS says paid, exactly one insurance settlement stands (none for a patient not insured here), at most one
booking (one exactly when the HIS's mark names it) and it carries that settlement; nowhere: unpaid, no
settlement, no booking. Never settled twice with the insurance platform; never booked without the insurance
settlement.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BillState:
    bill_id: str
    his_status: str
    his_setl_ids: tuple[str, ...]
    his_booking_id: str | None
    insurance_settled: tuple[str, ...]  # standing settlements of the bill's visits
    insurance_ever: int  # settlements ever made (cancelled or reversed ones too)
    credit_booked: tuple[str, ...]  # standing bookings naming the bill
    credit_setl_ids: tuple[str, ...]

    @property
    def everywhere(self) -> bool:
        return self.his_status == "paid"

    def problems(self, insured: bool) -> list[str]:
        p = []
        if self.everywhere:
            if insured and len(self.insurance_settled) != 1:
                p.append(f"paid at the HIS, {len(self.insurance_settled)} insurance settlements standing")
            if not insured and self.insurance_settled:
                p.append("not insured, yet settled with the insurance")
            if not set(self.insurance_settled) <= set(self.his_setl_ids):  # a mark of several bills names them all
                p.append(f"the HIS's setl_id {self.his_setl_ids} does not name {self.insurance_settled}")
            if len(self.credit_booked) > 1:
                p.append(f"booked {len(self.credit_booked)} times")
            if (self.his_booking_id is not None) != bool(self.credit_booked):
                p.append(f"the HIS's booking {self.his_booking_id} vs the credit platform's {self.credit_booked}")
            if self.credit_booked and not set(self.insurance_settled) <= set(self.credit_setl_ids):
                p.append("booked without the insurance settlement")
        else:
            if self.insurance_settled:
                p.append(f"unpaid at the HIS ({self.his_status}), settled with the insurance")
            if self.credit_booked:
                p.append(f"unpaid at the HIS ({self.his_status}), booked on credit")
        return p


def bill_states(services) -> dict[str, BillState]:
    """Every HIS bill of ``services`` (``sandbox.embedded.EmbeddedServices``, running or not: the files)."""
    return bill_states_of(services.his.store, services.insurance.store, services.credit.store)


def bill_states_of(his_store, insurance_store, credit_store) -> dict[str, BillState]:
    with his_store.snapshot() as conn:
        bills = {r["bill_id"]: dict(r) for r in conn.execute("SELECT * FROM bills")}
        visit_of_bill = {r["bill_id"]: r["visit_id"] for r in conn.execute("SELECT bill_id, visit_id FROM visits")}
        visit_of_bill.update({r["bill_id"]: r["admission_id"] for r in conn.execute(
            "SELECT bill_id, admission_id FROM admissions WHERE bill_id IS NOT NULL")})
        visit_of_bill.update({r["bill_id"]: r["registration_id"] for r in conn.execute(
            "SELECT bill_id, registration_id FROM registrations")})
    standing, ever = {}, {}
    for r in insurance_store.read("SELECT v.ipt_otp_no AS his_id, s.setl_id, s.status FROM settlements s "
                                  "JOIN visits v ON v.mdtrt_id = s.mdtrt_id WHERE s.kind = 'settle'"):
        ever[r["his_id"]] = ever.get(r["his_id"], 0) + 1
        if r["status"] == "settled":
            standing.setdefault(r["his_id"], []).append(r["setl_id"])
    booked, booked_setl = {}, {}
    with credit_store.snapshot() as conn:
        for r in conn.execute("SELECT b.his_bill_id, s.settlement_id, s.setl_ids FROM booked_bills b JOIN settlements "
                              "s ON s.settlement_id = b.settlement_id WHERE s.voided_at IS NULL"):
            booked.setdefault(r["his_bill_id"], []).append(r["settlement_id"])
            import json

            booked_setl.setdefault(r["his_bill_id"], []).extend(json.loads(r["setl_ids"] or "[]"))
    states = {}
    for bill_id, b in bills.items():
        his_id = visit_of_bill.get(bill_id)
        states[bill_id] = BillState(
            bill_id=bill_id, his_status=b["status"],
            his_setl_ids=tuple((b["setl_id"] or "").split(",")) if b["setl_id"] else (),
            his_booking_id=b["booking_id"], insurance_settled=tuple(standing.get(his_id, ())),
            insurance_ever=ever.get(his_id, 0), credit_booked=tuple(booked.get(bill_id, ())),
            credit_setl_ids=tuple(booked_setl.get(bill_id, ())))
    return states


def check(services, insured: dict[str, bool] | None = None) -> dict[str, BillState]:
    """Assert the invariant for every bill (``insured``: bill id -> whether its patient is insured here;
    default: a bill paid is insured if any settlement was ever made for it). Returns the states."""
    states = bill_states(services)
    problems = []
    for bill_id, state in states.items():
        is_insured = insured.get(bill_id, True) if insured is not None else bool(state.insurance_ever)
        problems += [f"{bill_id}: {p}" for p in state.problems(is_insured)]
    assert not problems, "\n".join(problems)
    return states


def check_registrations(services) -> None:
    """Every HIS registration is everywhere or nowhere: booked with its fee's bill paid (on credit: one booking
    standing; an insurance visit of it open, when the patient is insured), or cancelled with its bill unpaid or
    cancelled, no booking standing and its insurance visit (if any) cancelled."""
    with services.his.store.snapshot() as conn:
        rows = [dict(r) for r in conn.execute(
            "SELECT r.registration_id, r.status, b.bill_id, b.status AS bill_status, b.booking_id FROM registrations r "
            "JOIN bills b ON b.registration_id = r.registration_id")]
    visits = {r["ipt_otp_no"]: r["status"] for r in services.insurance.store.read(
        "SELECT ipt_otp_no, status FROM visits WHERE clr_type = '11'")}
    states = bill_states(services)
    problems = []
    for r in rows:
        booked = states[r["bill_id"]].credit_booked
        visit = visits.get(r["registration_id"])
        if r["status"] == "booked":
            if r["bill_status"] != "paid":
                problems.append(f"{r['registration_id']}: booked at the HIS, its fee {r['bill_status']}")
            if visit not in (None, "open"):
                problems.append(f"{r['registration_id']}: booked at the HIS, its insurance visit {visit}")
            if r["booking_id"] and booked != (r["booking_id"],):
                problems.append(f"{r['registration_id']}: the HIS names booking {r['booking_id']}, the credit {booked}")
        else:
            if r["bill_status"] == "paid" or booked:
                problems.append(f"{r['registration_id']}: cancelled at the HIS, its fee paid or booked ({booked})")
            if visit == "open":
                problems.append(f"{r['registration_id']}: cancelled at the HIS, its insurance visit open")
    assert not problems, "\n".join(problems)
