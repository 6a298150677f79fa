"""Daily reconciliation: a terminal's day of mixed traffic, counted by the kiosk (its
journal) and by the platform, agrees to the fen — under both city profiles."""
from __future__ import annotations

import uuid

import pytest

from kiosk.domain import clock
from kiosk.services import build_services
from kiosk.settings import Settings
from kiosk.usecases.refund import refundables
from kiosk.usecases.repayment import debts
from tests.helpers import patient


@pytest.fixture
def services(sandbox, tmp_path):
    """The cashier desk's services (it does everything a kiosk does, and refunds and cash): the
    demo cashier logged in and the shift open, as the platform requires for money at a desk."""
    settings = Settings(platform_url=sandbox.url, terminal_id=sandbox.desk_terminal_id, policy=sandbox.city,
                        mode="desk", data_dir=str(tmp_path / "kiosk"), printer_pdf_dir=str(tmp_path / "paper"))
    built = build_services(settings, lambda event: None, secret=sandbox.desk_secret)
    cashier = built.desk.authenticate("1001", "246810")
    built.desk.operator = cashier
    built.shifts.open(cashier)
    yield built
    built.close()


def paid_payment(services, sandbox_client, patient_id: str, amount_fen: int, purpose: str) -> str:
    payment = services.payments.create(patient_id, amount_fen, purpose)
    done = sandbox_client.post(f"/v1/_sandbox/payments/{payment['payment_id']}/complete", json={},
                               headers={"Idempotency-Key": uuid.uuid4().hex})
    assert done.status_code == 200
    return payment["payment_id"]


@pytest.mark.parametrize("sandbox", ["xiamen", "hangzhou"], indirect=True)
def test_a_day_of_mixed_traffic_agrees_to_the_fen(services, sandbox, sandbox_client):
    s = services
    who = {role: s.identify(patient(role)["id_number"]) for role in
           ("tier1", "tier2", "tier3", "tier4", "nocredit", "arrears", "shortline")}
    department = s.registrations.departments()[0]
    open_sessions = [c for c in s.registrations.sessions(department.department_id) if not c.full]

    # registrations: on credit, paid by phone, and one cancelled
    s.registrations.register(who["tier1"], department, open_sessions[0])
    fee = open_sessions[0].fee_fen
    pay = paid_payment(s, sandbox_client, who["nocredit"].patient.patient_id, fee, "registration")
    s.registrations.register(who["nocredit"], department, open_sessions[0], payment_id=pay)
    booked = s.registrations.register(who["tier4"], department, open_sessions[1])
    s.registrations.cancel(who["tier4"], booked.registration)

    # settlements: on the line, across two visits, and beyond the line with a spot payment
    s.settle(who["tier2"], who["tier2"].visits)
    settled = s.settle(who["tier3"], who["tier3"].visits)
    assert len(settled.settlement.visit_ids) == 2
    short = who["shortline"]
    from kiosk.usecases.settle import plan

    split = plan(short, short.visits)
    assert split.shortfall_fen > 0
    pay = paid_payment(s, sandbox_client, short.patient.patient_id, split.shortfall_fen, "settlement")
    s.settle(short, short.visits, pay)

    # a refund (credit first, then the channel) and two repayments (cash, phone)
    item = next(r for r in refundables(s.overview(who["tier3"].patient.patient_id))
                if r.reference == settled.settlement.reference)
    half = item.refundable_fen // 2
    approval = s.desk.approve_refund("2001", "112233", item.settlement_id, half) \
        if half > s.desk.supervisor_over_fen else None  # over the limit: the supervisor, at the desk
    s.refund(who["tier3"], item, half, "charged_in_error", operator_id="1001", approved_by=approval)
    arrears = debts(s.overview(who["arrears"].patient.patient_id))[0]
    s.repay(who["arrears"], arrears, arrears.total_fen, "cash", operator_id="1001")
    tier2 = debts(s.overview(who["tier2"].patient.patient_id))[0]
    pay = paid_payment(s, sandbox_client, who["tier2"].patient.patient_id, tier2.total_fen, "repayment")
    s.repay(who["tier2"], tier2, tier2.total_fen, "payment_channel", payment_id=pay)

    from kiosk.usecases.reconciliation import Reconcile

    report = Reconcile(s.platform, s.journal)(clock.business_date(clock.now()))
    assert report.differences == ()
    assert report.kiosk == report.platform
    counts = {kind: totals["count"] for kind, totals in report.kiosk.items()}
    assert counts == {"registration": 3, "registration_cancel": 1, "settlement": 3, "discharge": 0,
                      "repayment": 2, "refund": 1, "void": 0}
    assert report.kiosk["repayment"]["cash_fen"] == arrears.total_fen
    assert report.kiosk["settlement"]["channel_fen"] == split.shortfall_fen


def test_a_booking_the_kiosk_never_heard_of_is_reported(services, sandbox, sandbox_client):
    """A settlement made at this terminal but missing from its journal shows as a difference."""
    s = services
    tier2 = s.identify(patient("tier2")["id_number"])
    s.settle(tier2, tier2.visits)
    tier1 = s.identify(patient("tier1")["id_number"])
    from tests.sandbox_fixtures import SignedClient

    with SignedClient(sandbox.url, sandbox.desk_terminal_id, sandbox.desk_secret) as same_desk:
        same_desk.operator_session = s.platform.operator.token  # this desk's key, its cashier's session
        answer = same_desk.post("/v1/settlements", json={
            "patient_id": tier1.patient.patient_id, "account_id": tier1.account.account_id,
            "visit_ids": [v.visit_id for v in tier1.visits]}, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 200, answer.text

    from kiosk.usecases.reconciliation import Reconcile

    report = Reconcile(s.platform, s.journal)(clock.business_date(clock.now()))
    assert len(report.differences) == 1
    assert "on the platform, not on the kiosk" in report.differences[0]


@pytest.mark.parametrize("sandbox", ["xiamen", "hangzhou"], indirect=True)
def test_a_day_of_refunds_agrees_to_the_fen(services, sandbox, sandbox_client):
    """Refunds of every kind in one day at the desk: off the bill itself, after repayment (the
    balance the financial institution returns), paying the account's other bills (a linked
    minor's), and beyond the part on credit (back to the phone). The kiosk's journal and the
    platform agree entry by entry; the day's refund totals are what the test refunded."""
    s = services
    who = {role: s.identify(patient(role)["id_number"]) for role in ("tier1", "tier2", "minor", "shortline")}

    def refund(role: str, reference: str, amount_fen: int):
        item = next(r for r in refundables(s.overview(who[role].patient.patient_id)) if r.reference == reference)
        approval = s.desk.approve_refund("2001", "112233", item.settlement_id, amount_fen) \
            if amount_fen > s.desk.supervisor_over_fen else None
        return s.refund(who[role], item, amount_fen, "charged_in_error", operator_id="1001", approved_by=approval)

    # tier1: ￥3.00 off the bill; then all repaid in cash and ￥2.00 more: the balance.
    tier1 = s.settle(who["tier1"], who["tier1"].visits).settlement
    off_the_bill = refund("tier1", tier1.reference, 300)
    assert (off_the_bill.to_bill_fen, off_the_bill.to_balance_fen, off_the_bill.to_channel_fen) == (300, 0, 0)
    owed = debts(s.overview(who["tier1"].patient.patient_id))[0]
    s.repay(who["tier1"], owed, owed.total_fen, "cash", operator_id="1001")
    balance = refund("tier1", tier1.reference, 200)
    assert (balance.to_bill_fen, balance.to_other_bills_fen, balance.to_balance_fen) == (0, 0, 200)

    # tier2 and the minor on tier2's line: tier2's own bill repaid by phone, then refunded: the minor's bill.
    minors = s.settle(who["minor"], who["minor"].visits).settlement
    own = s.settle(who["tier2"], who["tier2"].visits).settlement
    owed = debts(s.overview(who["tier2"].patient.patient_id))[0]
    assert owed.total_fen == minors.booked_fen + own.booked_fen
    own_bill = next(b for b in s.overview(who["tier2"].patient.patient_id).bills
                    if b.settlement_id == own.settlement_id)
    pay = paid_payment(s, sandbox_client, who["tier2"].patient.patient_id, own.booked_fen, "repayment")
    s.repay(who["tier2"], owed, own.booked_fen, "payment_channel", payment_id=pay, bill_ids=(own_bill.bill_id,))
    to_minor = refund("tier2", own.reference, 1_500)
    assert (to_minor.to_bill_fen, to_minor.to_other_bills_fen, to_minor.to_balance_fen) == (0, 1_500, 0)

    # shortline: ￥50.00 on the line and the rest by phone; ￥60.00 back: ￥50.00 to the account, ￥10.00 to the phone.
    short = who["shortline"]
    from kiosk.usecases.settle import plan

    split = plan(short, short.visits)
    pay = paid_payment(s, sandbox_client, short.patient.patient_id, split.shortfall_fen, "settlement")
    beyond = s.settle(short, short.visits, pay).settlement
    by_phone = refund("shortline", beyond.reference, split.booked_fen + 1_000)
    assert (by_phone.to_credit_fen, by_phone.to_channel_fen) == (split.booked_fen, 1_000)

    from kiosk.usecases.reconciliation import Reconcile

    report = Reconcile(s.platform, s.journal)(clock.business_date(clock.now()))
    assert report.differences == ()
    assert report.kiosk == report.platform
    credit = 300 + 200 + 1_500 + split.booked_fen
    assert report.platform["refund"] == {"count": 4, "amount_fen": credit + 1_000, "credit_fen": credit,
                                         "channel_fen": 1_000, "cash_fen": 0}
