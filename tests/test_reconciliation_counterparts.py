"""The daily reconciliation per counterpart (issue 12): a day of mixed traffic through the sagas over the three
sandbox services, under both city profiles; the kiosk's journal against the insurance platform's 3201, the credit
platform's bookings and the HIS's marks agrees to the fen; then one difference planted at each counterpart, behind
the kiosk's back, is found and named with the saga it concerns and what to do next.

The expected figures come from the three services' own databases (and the demo bills' numbers), never from the
code under test."""
from __future__ import annotations

import json
import uuid

import pytest

from kiosk.domain import clock
from kiosk.domain.insurance import fen_to_yuan
from kiosk.domain.money import format_cny
from kiosk.usecases.counterparts import ReconcileCounterparts
from kiosk.usecases.settlement_saga import insured_from
from offline_cache.crypto import new_key
from sandbox.embedded import EmbeddedServices
from tests.saga_invariant import check
from tests.saga_kiosk import Kiosk
from tests.sandbox_fixtures import SignedClient


@pytest.fixture
def services(tmp_path, request):
    with EmbeddedServices(tmp_path / "services", city=request.param, control=True) as running:
        yield running


@pytest.fixture
def kiosk(services, tmp_path):
    k = Kiosk(services, tmp_path / "kiosk", new_key())
    yield k
    k.close()


def phone_pays(services, kiosk, session, amount_fen: int) -> str:
    payment = kiosk.ports.his.create_payment(session.his_patient_id, amount_fen, "settlement", key=uuid.uuid4().hex)
    with SignedClient(services.his.url, services.his.terminal_id, services.his.secret) as phone:
        assert phone.write(f"/v1/_sandbox/payments/{payment.payment_id}/complete", {}).status_code == 200
    return payment.payment_id


def settle(kiosk, role: str, pay_rest: bool = False, services=None) -> str:
    session = kiosk.session(role)
    prepared = kiosk.outpatient.prepare(session, session.his_visits)
    payment = phone_pays(services, kiosk, session, prepared.plan.paid_now_fen) if pay_rest else None
    kiosk.outpatient.settle(prepared.saga_id, prepared.plan, payment)
    return prepared.saga_id


def insurance_groups(services) -> dict[str, tuple[int, int, int, int]]:
    """The insurance platform's own totals of the day per 3201 group: (medfee, fund, account, count)."""
    rows = services.insurance.store.read(
        "SELECT insutype, clr_type, clr_optins, SUM(medfee_fen) AS medfee, SUM(fund_fen) AS fund, "
        "SUM(acct_fen) AS acct, SUM(CASE kind WHEN 'settle' THEN 1 ELSE -1 END) AS n FROM settlements "
        "WHERE status != 'reversed' GROUP BY insutype, clr_type, clr_optins")
    return {f"{r['insutype']}/{r['clr_type']}/{r['clr_optins']}": (r["medfee"], r["fund"], r["acct"], r["n"])
            for r in rows}


def bookings(services) -> dict[str, int]:
    """The credit platform's standing bookings: id -> the amount on the line."""
    with services.credit.store.snapshot() as conn:
        return {r["settlement_id"]: r["booked_fen"] for r in conn.execute(
            "SELECT settlement_id, booked_fen FROM settlements WHERE voided_at IS NULL AND hold_id IS NOT NULL")}


@pytest.mark.parametrize("services", ["xiamen", "hangzhou"], indirect=True)
def test_a_day_of_mixed_traffic_agrees_with_each_counterpart_and_each_planted_difference_is_named(services, kiosk):
    sagas = {}
    sagas["tier3"] = settle(kiosk, "tier3")  # two visits on credit
    sagas["tier2"] = settle(kiosk, "tier2")
    sagas["tier4"] = settle(kiosk, "tier4")
    sagas["shortline"] = settle(kiosk, "shortline", pay_rest=True, services=services)  # the rest by phone
    sagas["nocredit"] = settle(kiosk, "nocredit", pay_rest=True, services=services)  # not insured: all by phone
    left = kiosk.outpatient.prepare(kiosk.session("tier1"), kiosk.session("tier1").his_visits)
    assert kiosk.outpatient.abandon(left.saga_id) == "undone"  # a bill left, undone everywhere
    sagas["tier1"] = settle(kiosk, "tier1")  # then settled
    inpatient = kiosk.session("inpatient")  # and a discharge: an inpatient group at the insurance
    stay = kiosk.discharge.prepare(inpatient, kiosk.discharge.current_stay(inpatient))
    kiosk.discharge.settle(stay.saga_id, stay.plan)
    tier4 = kiosk.session("tier4")  # and a registration on credit (its fee booked and marked, nothing settled)
    registered = kiosk.registration.register(tier4, kiosk.clinic(tier4))
    check(services, {"MZV000007": False, registered.bill_id: False})
    day = clock.business_date(clock.now())

    reconcile = ReconcileCounterparts(kiosk.ports, kiosk.sagas)
    report = reconcile(day)
    assert report.findings == [] and report.checked == ("insurance", "credit", "his") and report.agrees
    # the kiosk's totals are the insurance platform's, group by group (an outpatient and an inpatient group)
    assert {ref: (g.medfee_fen, g.fund_fen, g.acct_fen, g.count) for ref, g in report.insurance.items()} \
        == insurance_groups(services)
    assert {g.clr_type for g in report.insurance.values()} == {"11", "21"}
    # six outpatient settlements (tier3's two visits, one each for tier1, tier2, tier4, shortline: tier1's first
    # bill was undone before it settled) and the stay's: seven; the patient not insured none
    assert sum(g.count for g in report.insurance.values()) == 7
    assert {b: o["booked_fen"] for b, o in report.credit.items()} == bookings(services)
    assert len(report.credit) == 7  # tier1..4, shortline, the stay, the registration: not the patient not insured
    assert len(report.his) == 8  # every saga settled marked its bills paid, the one not insured too

    # Planted behind the kiosk's back, one per counterpart:
    # - the insurance: tier2's settlement cancelled (2208) at the hospital's insurance window;
    tier2 = kiosk.sagas.get(sagas["tier2"])
    pre, setl = tier2.facts["pre"]["0"], tier2.done("settle:0")
    kiosk.ports.insurance.cancel_settlement(kiosk.ports.msgids(), insured_from(tier2.facts, tier2.private),
                                            pre["mdtrt_id"], setl["setl_id"])
    # - the credit platform: tier4's booking voided there;
    tier4 = kiosk.sagas.get(sagas["tier4"])
    voided = tier4.done("book")["booking_id"]
    voided_fen = bookings(services)[voided]
    kiosk.ports.credit.void(voided, key=uuid.uuid4().hex)
    # - the HIS: tier1's bill unmarked (shown unpaid again).
    tier1 = kiosk.sagas.get(sagas["tier1"])
    unmarked = tier1.last("mark").key
    kiosk.ports.his.unmark_paid(unmarked)

    report = reconcile(day)
    found = {(f.counterpart, f.problem, f.reference, f.saga_id) for f in report.findings}
    tier2_group = f"{tier2.facts['insutype']}/11/{tier2.facts['insuplc_admdvs']}"
    assert found == {
        ("insurance", "insurance_totals_differ", tier2_group, None),
        ("credit", "voided_at_credit_only", voided, sagas["tier4"]),
        ("his", "unmarked_at_his_only", unmarked, sagas["tier1"]),
    }
    insurance, = report.of("insurance")
    # the platform names the figures that differ: the kiosk counts tier2's bill (￥ of MZV000002), the platform not
    with services.his.store.snapshot() as conn:
        bill = conn.execute("SELECT total_fen FROM bills WHERE bill_id = 'MZV000002'").fetchone()[0]
    ours = insurance_groups(services)[tier2_group][0] + bill  # what the platform had before the cancel
    assert f"medfee_sumamt: 平台 {fen_to_yuan(ours - bill)} 医院 {fen_to_yuan(ours)}" in insurance.detail
    assert "fixmedins_setl_cnt" in insurance.detail
    assert insurance.next_step == "ask_insurance_office_detail"
    credit, = report.of("credit")
    assert (credit.kiosk_fen, credit.counterpart_fen, credit.next_step) == (voided_fen, 0, "book_again_or_undo_saga")
    his, = report.of("his")
    with services.his.store.snapshot() as conn:
        tier1_total = conn.execute("SELECT total_fen FROM bills WHERE bill_id = 'MZV000001'").fetchone()[0]
    assert (his.kiosk_fen, his.counterpart_fen, his.detail) == (tier1_total, 0, "MZV000001")
    assert his.next_step == "mark_again_or_undo_saga"


@pytest.mark.parametrize("services", ["hangzhou"], indirect=True)
def test_kiosk_admin_reconcile_lists_each_difference_with_what_to_do(services, kiosk, tmp_path):
    """IT runs ``kiosk-admin reconcile`` on the kiosk's data folder (a separate process, the secrets in the
    keyring): the day agrees (exit 0); then a booking voided at the credit platform behind the kiosk's back is
    listed with its saga, its amount and what a supervisor does (exit 1)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from kiosk.secrets import set_terminal_secret
    from kiosk.settings import save

    tier2 = settle(kiosk, "tier2")
    settle(kiosk, "nocredit", pay_rest=True, services=services)
    save(kiosk.settings, Path(os.environ["KIOSK_CONFIG"]))
    set_terminal_secret(services.terminal_id, services.secret)
    repo = Path(__file__).resolve().parents[1]

    def admin(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kiosk.admin", "reconcile", *args], cwd=repo, env=dict(os.environ),
                              capture_output=True, text=True, encoding="utf-8", timeout=120)

    agreed = admin()
    assert agreed.returncode == 0, agreed.stdout + agreed.stderr
    assert "all three counterparts agree with the journal, to the fen" in agreed.stdout
    assert "credit platform: 1 bookings standing" in agreed.stdout and "HIS: 2 marks standing" in agreed.stdout

    booking = kiosk.sagas.get(tier2).done("book")["booking_id"]
    booked_fen = bookings(services)[booking]
    kiosk.ports.credit.void(booking, key=uuid.uuid4().hex)
    differs = admin("--date", clock.business_date(clock.now()).isoformat())
    assert differs.returncode == 1, differs.stdout + differs.stderr
    line, = [x for x in differs.stdout.splitlines() if x.startswith("- [credit]")]
    assert f"booking {booking} ({format_cny(booked_fen)}, saga {tier2[:12]})" in line
    assert "voided at the credit platform" in line and "A supervisor books the bill on credit again" in line
    as_json = json.loads(admin("--json").stdout)
    assert [(f["counterpart"], f["problem"], f["reference"], f["saga_id"]) for f in as_json["findings"]] \
        == [("credit", "voided_at_credit_only", booking, tier2)]


@pytest.mark.parametrize("services", ["xiamen"], indirect=True)
def test_a_counterpart_down_and_a_bill_still_open_are_said_the_others_compared(services, tmp_path):
    """The credit platform not answering: said so, the insurance platform and the HIS still compared; a bill the
    patient is still looking at (its saga open) is listed, then gone once the patient left and it was undone."""
    from tests.faultproxy import FaultProxy
    from tests.test_saga_outpatient import EmbeddedServicesView

    with FaultProxy("127.0.0.1", services.credit.port) as proxy:
        k = Kiosk(EmbeddedServicesView(services, credit_url=proxy.url), tmp_path / "kiosk", new_key(), timeout_s=2.0)
        try:
            settle(k, "tier2")
            looking = k.outpatient.prepare(k.session("tier1"), k.session("tier1").his_visits)
            reconcile = ReconcileCounterparts(k.ports, k.sagas)
            day = clock.business_date(clock.now())
            proxy.cut("drop")
            report = reconcile(day)
            assert report.checked == ("insurance", "his") and not report.agrees
            assert {(f.counterpart, f.problem, f.saga_id) for f in report.findings} == {
                ("credit", "credit_unanswered", None), ("journal", "saga_open", looking.saga_id)}
            proxy.cut("pass")
            assert k.outpatient.abandon(looking.saga_id) == "undone"
            report = reconcile(day)
            assert report.findings == [] and report.agrees
        finally:
            k.close()
