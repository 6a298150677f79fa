"""The registration saga across the three sandbox services (issue 12): the HIS's registration and its fee's bill,
2201 at the insurance platform, the fee on the credit line (hold and booking of kind registration) or paid by
phone, the bill marked paid; undone everywhere when refused or cancelled. Each outcome read from the three
services' own databases."""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from kiosk.domain import clock
from kiosk.usecases.registration_saga import SagaUndone
from offline_cache.crypto import new_key
from sandbox.embedded import EmbeddedServices
from tests.saga_invariant import check
from tests.saga_kiosk import Kiosk
from tests.sandbox_fixtures import SignedClient


@pytest.fixture
def services(tmp_path, request):
    with EmbeddedServices(tmp_path / "services", city=getattr(request, "param", "xiamen"), control=True) as running:
        yield running


@pytest.fixture
def kiosk(services, tmp_path):
    k = Kiosk(services, tmp_path / "kiosk", new_key())
    yield k
    k.close()


def his_registration(services, registration_id: str) -> dict:
    with services.his.store.snapshot() as conn:
        row = conn.execute("SELECT r.status, b.status AS bill_status, b.booking_id, b.payment_id, b.total_fen "
                           "FROM registrations r JOIN bills b ON b.registration_id = r.registration_id "
                           "WHERE r.registration_id = ?", (registration_id,)).fetchone()
    return dict(row)


def insurance_visit(services, registration_id: str) -> str | None:
    rows = services.insurance.store.read("SELECT status FROM visits WHERE ipt_otp_no = ?", (registration_id,))
    return rows[0]["status"] if rows else None


def booking(services, booking_id: str) -> dict:
    with services.credit.store.snapshot() as conn:
        return dict(conn.execute("SELECT kind, booked_fen, voided_at FROM settlements WHERE settlement_id = ?",
                                 (booking_id,)).fetchone())


@pytest.mark.parametrize("services", ["xiamen", "hangzhou"], indirect=True)
def test_registered_on_credit_everywhere_then_cancelled_everywhere(services, kiosk):
    session = kiosk.session("tier1")
    clinic = kiosk.clinic(session)
    used = services.credit.store.account(session.account.account_id)["used_fen"]
    made = kiosk.registration.register(session, clinic)
    assert made.booked_fen == clinic.fee_fen > 0 and made.paid_fen == 0 and made.queue_number >= 1
    his = his_registration(services, made.registration_id)
    assert (his["status"], his["bill_status"], his["total_fen"]) == ("booked", "paid", clinic.fee_fen)
    booking_id = kiosk.sagas.get(made.saga_id).done("book")["booking_id"]
    assert his["booking_id"] == booking_id
    assert booking(services, booking_id) == {"kind": "registration", "booked_fen": clinic.fee_fen, "voided_at": None}
    assert insurance_visit(services, made.registration_id) == "open"  # 2201: the visit opened
    assert services.credit.store.account(session.account.account_id)["used_fen"] == used + clinic.fee_fen
    check(services)

    assert kiosk.registration.cancel(made.registration_id) == "undone"
    his = his_registration(services, made.registration_id)
    assert his["status"] == "cancelled" and his["bill_status"] != "paid"
    assert booking(services, booking_id)["voided_at"] is not None
    assert insurance_visit(services, made.registration_id) == "cancelled"  # 2202
    assert services.credit.store.account(session.account.account_id)["used_fen"] == used
    check(services)
    # the terminal's day at the credit platform's ledger agrees with the journal: the booking and its void
    from kiosk.usecases.reconciliation import Reconcile

    day = Reconcile(kiosk.client, kiosk.journal)(clock.business_date(clock.now()))
    assert day.differences == ()
    assert (day.kiosk["registration"]["count"], day.kiosk["registration"]["credit_fen"]) == (1, clinic.fee_fen)
    assert (day.kiosk["void"]["count"], day.kiosk["void"]["credit_fen"]) == (1, clinic.fee_fen)


def test_paid_by_phone_through_the_his(services, kiosk):
    session = kiosk.session("nocredit")
    clinic = kiosk.clinic(session)
    payment = kiosk.ports.his.create_payment(session.his_patient_id, clinic.fee_fen, "registration",
                                             key=uuid.uuid4().hex)
    with SignedClient(services.his.url, services.his.terminal_id, services.his.secret) as phone:
        assert phone.write(f"/v1/_sandbox/payments/{payment.payment_id}/complete", {}).status_code == 200
    made = kiosk.registration.register(session, clinic, payment.payment_id)
    assert (made.booked_fen, made.paid_fen) == (0, clinic.fee_fen)
    his = his_registration(services, made.registration_id)
    assert (his["status"], his["bill_status"], his["payment_id"], his["booking_id"]) == \
        ("booked", "paid", payment.payment_id, None)
    check(services)


def test_a_hold_refused_undoes_the_registration_at_the_his_and_the_insurance(services, kiosk):
    session = kiosk.session("shortline")
    clinic = kiosk.clinic(session)
    account = services.credit.store.account(session.account.account_id)
    # the line used up elsewhere meanwhile (another kiosk's hold)
    services.credit.store.perform(services.credit.store.hold, patient_id=session.patient.patient_id,
                                  account_id=session.account.account_id, kind="outpatient",
                                  amount_fen=account["available_fen"] - clinic.fee_fen + 1, his_bill_ids=["ELSEWHERE"])
    with pytest.raises(SagaUndone) as undone:
        kiosk.registration.register(session, clinic)
    assert undone.value.code == "insufficient_line"
    saga = kiosk.sagas.of_day(clock.business_date(clock.now()))[-1]
    assert saga.state == "undone"
    registration_id = saga.facts["registration_id"]
    assert his_registration(services, registration_id)["status"] == "cancelled"
    assert insurance_visit(services, registration_id) == "cancelled"
    check(services)


def test_a_fee_repaid_before_the_cancel_leaves_the_registration_standing_everywhere(services, kiosk):
    """The patient repaid the fee (in cash at the desk) before cancelling at the kiosk: the credit platform will
    not void a repaid booking, so nothing is undone anywhere (the HIS's mark first least of all); the refusal says
    to ask at the cashier window, where a refund undoes it."""
    from kiosk.usecases.registration_saga import FeeRepaid

    session = kiosk.session("tier2")
    made = kiosk.registration.register(session, kiosk.clinic(session))
    services.credit.store.perform(services.credit.store.repay, account_id=session.account.account_id,
                                  amount_fen=made.booked_fen, channel="cash", operator_id="1001")
    with pytest.raises(FeeRepaid) as refused:
        kiosk.registration.cancel(made.registration_id)
    assert refused.value.code == "registration_fee_repaid"
    his = his_registration(services, made.registration_id)
    assert (his["status"], his["bill_status"]) == ("booked", "paid")
    assert booking(services, his["booking_id"])["voided_at"] is None
    assert insurance_visit(services, made.registration_id) == "open"
    saga = kiosk.sagas.get(made.saga_id)
    assert saga.state == "settled" and not saga.done("unmark")
    assert kiosk.recovery.all() == {}  # nothing left for the recovery
    check(services)


def test_a_cancel_once_the_session_began_undoes_nothing(services, kiosk, monkeypatch):
    """The kiosk keeps the HIS's rule (a paid registration is not cancelled once its session began) before the
    undo, whose first step (the mark undone) would let the HIS cancel at any time."""
    from datetime import timedelta

    from kiosk.usecases.registration_saga import SessionStarted

    session = kiosk.session("tier1")
    clinic = kiosk.clinic(session)
    made = kiosk.registration.register(session, clinic)
    used = services.credit.store.account(session.account.account_id)["used_fen"]
    later = clinic.starts_at + timedelta(minutes=1)
    services.credit.store.move_clock(set_to=later)  # the three services move together
    monkeypatch.setattr(clock, "now", lambda: later)
    with pytest.raises(SessionStarted) as refused:
        kiosk.registration.cancel(made.registration_id)
    assert refused.value.code == "too_late"
    his = his_registration(services, made.registration_id)
    assert (his["status"], his["bill_status"]) == ("booked", "paid")
    assert booking(services, his["booking_id"])["voided_at"] is None
    assert insurance_visit(services, made.registration_id) == "open"
    assert services.credit.store.account(session.account.account_id)["used_fen"] == used
    assert kiosk.sagas.get(made.saga_id).state == "settled"
    check(services)


@dataclass
class RefusedFee:
    """A registration whose fee was queued (the hold never answered) and then refused by the credit platform at
    sync (the account suspended meanwhile): a conflict for the cashier."""

    kiosk: Kiosk
    made: object  # the registration as the kiosk made it
    account_id: str
    conflict: object


@contextmanager
def refused_fee(services, tmp_path):
    from tests.faultproxy import FaultProxy
    from tests.test_saga_outpatient import EmbeddedServicesView

    with FaultProxy("127.0.0.1", services.credit.port) as proxy:
        k = Kiosk(EmbeddedServicesView(services, credit_url=proxy.url), tmp_path / "kiosk", new_key(), timeout_s=2.0)
        try:
            session = k.session("tier1")
            account_id = session.account.account_id
            proxy.trigger = b"/v1/holds"
            proxy.cut("drop")  # the hold never answered: the fee queued
            made = k.registration.register(session, k.clinic(session))
            with services.credit.store.transaction() as conn:
                conn.execute("UPDATE accounts SET status = 'suspended' WHERE account_id = ?", (account_id,))
            proxy.trigger = None
            proxy.cut("pass")
            k.offline.sync.step()  # the sync engine sends it: refused, a conflict
            (conflict,) = k.offline.conflicts()
            k.recovery.all()
            yield RefusedFee(k, made, account_id, conflict)
        finally:
            k.close()


def test_a_cancel_under_way_closes_the_fee_conflict_first_so_the_desk_cannot_collect_it(services, tmp_path):
    """The cancel closes the refused fee's conflict before it undoes anything: while its undo waits for the
    insurance platform (2202 unanswered), the cashier can no longer take the fee of a registration being
    cancelled; once the insurance answers, the registration is cancelled everywhere."""
    from tests.saga_invariant import check_registrations
    from tests.test_saga_outpatient import fault

    with refused_fee(services, tmp_path) as fee:
        k, made, conflict = fee.kiosk, fee.made, fee.conflict
        fault(services, "2202", "blackhole")
        try:
            assert k.registration.cancel(made.registration_id) == "undoing"  # waits for the insurance
        finally:
            fault(services, "2202", "none")
        assert k.offline.conflicts() == []  # closed by the cancel already
        with pytest.raises(LookupError):
            k.offline.resolve(conflict.conflict_id, "payment_collected", "OP-1")  # the cashier, too late
        k.recovery.all()
        his = his_registration(services, made.registration_id)
        assert his["status"] == "cancelled" and his["bill_status"] != "paid"
        assert insurance_visit(services, made.registration_id) == "cancelled"
        assert [c.conflict_id for c in k.offline.cancelled_conflicts()] == [conflict.conflict_id]
        check_registrations(services)


def test_the_cashier_collecting_the_fee_in_the_instant_the_kiosk_cancels_wins_and_nothing_is_undone(
        services, tmp_path, monkeypatch):
    """The kiosk reads the fee's conflict open, and in that instant the cashier takes the fee (their resolution is
    written first): the kiosk's closing of the conflict finds it resolved, so the cancel is refused and nothing
    is undone anywhere (before, the undo went on and the patient paid for a cancelled registration)."""
    from kiosk.usecases.registration_saga import FeeCollected
    from tests.saga_invariant import check_registrations

    with refused_fee(services, tmp_path) as fee:
        k, made, conflict = fee.kiosk, fee.made, fee.conflict
        outbox = k.offline.outbox
        read = outbox.conflicts

        def read_then_cashier(status, **kwargs):  # the desk's resolution lands right after the kiosk's read
            found = read(status, **kwargs)
            if status == "open" and found:
                monkeypatch.setattr(outbox, "conflicts", read)
                outbox.resolve(conflict.conflict_id, "payment_collected", "OP-1")
            return found

        monkeypatch.setattr(outbox, "conflicts", read_then_cashier)
        with pytest.raises(FeeCollected):
            k.registration.cancel(made.registration_id)
        his = his_registration(services, made.registration_id)
        assert (his["status"], his["bill_status"]) == ("booked", "paid")
        assert insurance_visit(services, made.registration_id) == "open"
        assert k.offline.cancelled_conflicts() == []  # the cashier's resolution stands
        check_registrations(services)


@pytest.mark.parametrize("desk", ["collected", "not_yet"])
def test_a_fee_queued_then_refused_by_the_platform_and_the_cancel(services, tmp_path, desk):
    """The hold gets no answer (the fee queued in the outbox), the platform then refuses the fee (a conflict). Not
    yet resolved by the cashier: the cancel undoes the registration everywhere and closes the conflict (nothing to
    collect). Collected at the desk meanwhile: the cancel is refused here and nothing changes anywhere."""
    from kiosk.usecases.registration_saga import FeeCollected
    from tests.saga_invariant import check_registrations

    with refused_fee(services, tmp_path) as fee:
        k, made, conflict = fee.kiosk, fee.made, fee.conflict
        assert made.credit_pending
        if desk == "collected":
            k.offline.resolve(conflict.conflict_id, "payment_collected", "OP-1")
            with pytest.raises(FeeCollected):
                k.registration.cancel(made.registration_id)
            his = his_registration(services, made.registration_id)
            assert (his["status"], his["bill_status"]) == ("booked", "paid")
            assert insurance_visit(services, made.registration_id) == "open"
            assert k.offline.conflicts() == [] and k.offline.cancelled_conflicts() == []  # the cashier's, as it was
        else:
            assert k.registration.cancel(made.registration_id) == "undone"
            his = his_registration(services, made.registration_id)
            assert his["status"] == "cancelled" and his["bill_status"] != "paid" and his["booking_id"] is None
            assert insurance_visit(services, made.registration_id) == "cancelled"
            assert k.offline.conflicts() == []
            assert [c.conflict_id for c in k.offline.cancelled_conflicts()] == [conflict.conflict_id]
        with services.credit.store.snapshot() as conn:
            assert conn.execute("SELECT COUNT(*) FROM bills WHERE account_id = ? AND kind = 'registration'",
                                (fee.account_id,)).fetchone()[0] == 0
        check_registrations(services)
