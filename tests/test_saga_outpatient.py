"""The outpatient settlement saga across the three sandbox services (issue 12), at the use-case level, each
outcome read back from the three services' own databases: settled everywhere or nowhere."""
from __future__ import annotations

import uuid

import pytest
import requests

from kiosk.domain.plan import SettlementPlan
from kiosk.usecases.outpatient import SagaPending, SagaUndone
from offline_cache.crypto import new_key
from sandbox.embedded import EmbeddedServices
from tests.faultproxy import FaultProxy
from tests.saga_invariant import check
from tests.saga_kiosk import Kiosk
from tests.sandbox_fixtures import SignedClient

CITIES = ["xiamen", "hangzhou"]


@pytest.fixture
def services(tmp_path, request):
    city = getattr(request, "param", "xiamen")
    with EmbeddedServices(tmp_path / "services", city=city, control=True) as running:
        yield running


@pytest.fixture
def key():
    return new_key()


@pytest.fixture
def kiosk(services, tmp_path, key):
    k = Kiosk(services, tmp_path / "kiosk", key)
    yield k
    k.close()


def his_bill(services, bill_id: str) -> dict:
    with services.his.store.snapshot() as conn:
        return dict(conn.execute("SELECT * FROM bills WHERE bill_id = ?", (bill_id,)).fetchone())


def account(services, account_id: str) -> dict:
    return services.credit.store.account(account_id)


def fault(services, infno: str, mode: str) -> None:
    answer = requests.post(services.insurance.base_url + "/_sandbox/faults", json={"infno": infno, "mode": mode},
                           timeout=5)
    assert answer.status_code == 200, answer.text


def phone_pays(services, kiosk, session, amount_fen: int) -> str:
    """The patient's rest paid on their phone through the HIS's channel."""
    payment = kiosk.ports.his.create_payment(session.his_patient_id, amount_fen, "settlement", key=uuid.uuid4().hex)
    with SignedClient(services.his.url, services.his.terminal_id, services.his.secret) as phone:
        done = phone.write(f"/v1/_sandbox/payments/{payment.payment_id}/complete", {})
    assert done.status_code == 200, done.text
    return payment.payment_id


@pytest.mark.parametrize("services", CITIES, indirect=True)
def test_two_visits_settled_everywhere_on_credit(services, kiosk):
    session = kiosk.session("tier3")
    assert [v.visit_id for v in session.visits] == ["V000003", "V000013"]
    before = account(services, session.account.account_id)
    prepared = kiosk.outpatient.prepare(session, session.his_visits)
    plan = prepared.plan
    assert prepared.insured and prepared.refusal is None
    assert plan.total_fen == sum(v.total_fen for v in session.his_visits)
    assert plan.fund_fen == sum(v.fund_fen for v in prepared.visits) > 0  # the insurance's share, pre-settled
    assert plan.on_credit_fen == plan.personal_cash_fen and plan.paid_now_fen == 0
    settlement, _ = kiosk.outpatient.settle(prepared.saga_id, plan)
    # Each visit was pre-settled on its own; the second, settled after the first had met the year's deductible,
    # got more from the fund than its pre-settlement said: the patient owes what the insurance settled, no more.
    standing = services.insurance.store.read("SELECT fund_fen, cash_fen FROM settlements WHERE status = 'settled'")
    assert settlement.fund_fen == sum(r["fund_fen"] for r in standing) >= plan.fund_fen
    assert settlement.booked_fen == sum(r["cash_fen"] for r in standing) <= plan.on_credit_fen
    plan = kiosk.sagas.get(prepared.saga_id).facts.get("settled_plan") or plan.as_dict()
    plan = SettlementPlan.from_dict(plan)
    states = check(services)
    for bill_id in ("MZV000003", "MZV000013"):
        state = states[bill_id]
        assert state.his_status == "paid" and len(state.insurance_settled) == 1
        assert state.credit_booked == (settlement.settlement_id,)
    assert account(services, session.account.account_id)["used_fen"] == before["used_fen"] + plan.on_credit_fen
    assert kiosk.sagas.get(prepared.saga_id).state == "settled"


def test_the_rest_beyond_the_line_is_paid_by_phone_through_the_his(services, kiosk):
    session = kiosk.session("shortline")
    prepared = kiosk.outpatient.prepare(session, session.his_visits)
    plan = prepared.plan
    assert plan.on_credit_fen == session.account.available_fen == 5000 and plan.paid_now_fen > 0
    payment_id = phone_pays(services, kiosk, session, plan.paid_now_fen)
    kiosk.outpatient.settle(prepared.saga_id, plan, payment_id)
    state = check(services)["MZV000010"]
    assert state.his_status == "paid" and state.credit_booked
    assert his_bill(services, "MZV000010")["payment_id"] == payment_id


def test_a_patient_not_insured_pays_it_all_themselves(services, kiosk):
    session = kiosk.session("nocredit")
    prepared = kiosk.outpatient.prepare(session, session.his_visits)
    plan = prepared.plan
    assert not prepared.insured and plan.fund_fen == 0 and plan.on_credit_fen == 0
    assert plan.paid_now_fen == plan.total_fen
    payment_id = phone_pays(services, kiosk, session, plan.paid_now_fen)
    kiosk.outpatient.settle(prepared.saga_id, plan, payment_id)
    state = check(services, {"MZV000007": False})["MZV000007"]
    assert state.his_status == "paid" and state.insurance_ever == 0 and not state.credit_booked


def test_a_bill_left_unconfirmed_is_undone_at_the_insurance(services, kiosk):
    session = kiosk.session("tier1")
    prepared = kiosk.outpatient.prepare(session, session.his_visits)
    assert kiosk.outpatient.abandon(prepared.saga_id) == "undone"
    check(services)
    fees = services.insurance.store.read("SELECT cancelled FROM fees")
    assert fees and all(f["cancelled"] for f in fees)  # the uploads cancelled (2205)
    visits = services.insurance.store.read("SELECT status FROM visits")
    assert [v["status"] for v in visits] == ["cancelled"]  # the visit cancelled (2202)
    # the patient comes back: the same bill prepared and settled anew
    again = kiosk.outpatient.prepare(kiosk.session("tier1"), kiosk.session("tier1").his_visits)
    kiosk.outpatient.settle(again.saga_id, again.plan)
    assert check(services)["MZV000001"].everywhere


def test_a_hold_refused_undoes_everything_and_gives_the_phone_payment_back(services, kiosk):
    session = kiosk.session("shortline")
    prepared = kiosk.outpatient.prepare(session, session.his_visits)
    plan = prepared.plan
    payment_id = phone_pays(services, kiosk, session, plan.paid_now_fen)
    # meanwhile the line is used elsewhere (another kiosk's hold): the room the plan counted on is gone
    services.credit.store.perform(services.credit.store.hold, patient_id=session.patient.patient_id,
                                  account_id=session.account.account_id, kind="outpatient", amount_fen=100,
                                  his_bill_ids=["MZ-ELSEWHERE"])
    with pytest.raises(SagaUndone) as undone:
        kiosk.outpatient.settle(prepared.saga_id, plan, payment_id)
    assert undone.value.code == "insufficient_line"
    check(services)
    assert kiosk.ports.his.payment(payment_id).status == "refunded"


def test_a_lost_settlement_answer_is_reversed_by_its_msgid_and_the_bill_undone(services, tmp_path, key):
    slow = Kiosk(services, tmp_path / "kiosk", key, timeout_s=2.0)
    try:
        session = slow.session("tier2")
        prepared = slow.outpatient.prepare(session, session.his_visits)
        fault(services, "2207", "blackhole")  # the platform settles, the answer never comes
        with pytest.raises(SagaUndone):
            slow.outpatient.settle(prepared.saga_id, prepared.plan)
        fault(services, "2207", "none")
        saga = slow.sagas.get(prepared.saga_id)
        lost = saga.last("settle:0")
        assert lost.state == "unknown" and saga.done("reverse:settle:0")["omsgid"] == lost.key
        states = check(services)
        assert states["MZV000002"].insurance_ever == 1 and not states["MZV000002"].insurance_settled
    finally:
        slow.close()


def test_a_bill_paid_elsewhere_meanwhile_is_undone_here(services, kiosk):
    session = kiosk.session("tier4")
    prepared = kiosk.outpatient.prepare(session, session.his_visits)
    services.his.store.mark_paid("DESK-DEMO-01", "desk-key", "digest", bill_ids=["MZV000004"], setl_id=None,
                                 booking_id=None, payment_id=None)  # the cashier took it in cash meanwhile
    with pytest.raises(SagaUndone) as undone:
        kiosk.outpatient.settle(prepared.saga_id, prepared.plan)
    assert undone.value.code == "bill_already_paid"
    state = check(services, {"MZV000004": False})["MZV000004"]  # paid by the desk alone (no saga of ours)
    assert not state.insurance_settled and not state.credit_booked and state.insurance_ever == 1


def test_the_credit_platform_down_after_the_settlement_is_completed_by_the_recovery(services, tmp_path, key):
    with FaultProxy("127.0.0.1", services.credit.port) as proxy:
        proxied = EmbeddedServicesView(services, credit_url=proxy.url)
        k = Kiosk(proxied, tmp_path / "kiosk", key, timeout_s=2.0)
        try:
            session = k.session("tier2")
            prepared = k.outpatient.prepare(session, session.his_visits)
            proxy.trigger = b"/book"
            proxy.cut("drop")  # the booking never reaches it (kept-alive connections severed: new ones watched)
            with pytest.raises(SagaPending):
                k.outpatient.settle(prepared.saga_id, prepared.plan)
            state = check_pending(services, "MZV000002")
            assert state.insurance_settled and not state.credit_booked  # for as long as recovery takes
            proxy.trigger = None
            proxy.cut("pass")
            assert k.recovery.all() == {prepared.saga_id: "settled"}
            assert check(services)["MZV000002"].everywhere
        finally:
            k.close()


def test_a_kiosk_that_died_after_the_settlement_is_driven_forward_when_started_again(services, tmp_path, key):
    from kiosk.usecases import writes

    k = Kiosk(services, tmp_path / "kiosk", key)
    session = k.session("tier1")
    prepared = k.outpatient.prepare(session, session.his_visits)

    class Died(BaseException):
        pass

    def die(name, detail):
        if name == "saga:outpatient:settle:done":
            raise Died

    writes.trace_hook = die
    try:
        with pytest.raises(Died):
            k.outpatient.settle(prepared.saga_id, prepared.plan)
    finally:
        writes.trace_hook = None
    k.close()  # the process is gone; its lease with it (a new engine, a new owner)
    again = Kiosk(services, tmp_path / "kiosk", key)
    try:
        assert again.recovery.all() == {prepared.saga_id: "settled"}
        assert check(services)["MZV000001"].everywhere
    finally:
        again.close()


# -- helpers ------------------------------------------------------------------------------------------------

class EmbeddedServicesView:
    """The services, the credit platform reached through another address (a fault proxy)."""

    def __init__(self, services, *, credit_url: str):
        self._services = services
        self.url = credit_url

    def __getattr__(self, name):
        return getattr(self._services, name)


def check_pending(services, bill_id: str):
    from tests.saga_invariant import bill_states

    return bill_states(services)[bill_id]


def test_plans_add_up_or_are_refused():
    plan = SettlementPlan(10_000, 6_000, 500, 3_500, 3_000, 500)
    assert plan.personal_fen == 4_000 and plan.booked_fen == 3_000 and plan.shortfall_fen == 500
    with pytest.raises(ValueError):
        SettlementPlan(10_000, 6_000, 500, 3_400, 3_000, 400)  # 6,000 + 500 + 3,400 is not 10,000
    with pytest.raises(ValueError):
        SettlementPlan(10_000, 6_000, 500, 3_500, 3_000, 400)  # 3,000 + 400 is not the cash part 3,500
    with pytest.raises(ValueError):
        SettlementPlan(10_000, 6_000, 500, 3_500, 3_600, -100)
    assert SettlementPlan.from_dict(plan.as_dict()) == plan
    assert plan.paying_in_full() == SettlementPlan(10_000, 6_000, 500, 3_500, 0, 3_500)
