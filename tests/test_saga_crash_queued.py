"""Kill -9 at every step of the queued path (issue 12): the credit platform does not answer the hold, so the
personal part of an insured outpatient bill is queued in the kiosk's outbox (``_hold_or_queue``,
``_queue_booking``), the HIS marks the bill, and the sync engine books the part on credit once the platform answers
(the booking then read back under its key and named at the HIS). The kiosk is killed at each step, started again with
the credit platform back (its start-up: the outbox sent, the sagas recovered) and, if anything still waits, started
once more (the drain a running kiosk's sync engine makes); then the three services' own databases must say: settled
everywhere, once (one credit booking, the HIS names it, one insurance settlement, ever), the lost hold given back,
nothing left pending; or, killed before the insurance settled, nowhere (the hold given back too).

The headless kiosk (``tests/offline/saga_driver.py``) has the outbox and the sync engine ``kiosk.services`` builds;
the credit platform "down at the hold": its fault proxy drops (or black-holes: the platform holds, the answer never
comes) the hold's request only, so the patient is identified online and the hold's answer is lost.
"""
from __future__ import annotations

import pytest

from tests.offline.harness import Stop
from tests.saga_invariant import check
from tests.test_saga_crash import World, insured_paid_elsewhere

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

#: Kills during the patient's payment (the live path), the credit platform's hold request dropped or black-holed.
LIVE = {
    "saga:outpatient:hold:unknown": "the hold's answer lost (the credit platform down), not yet queued",
    "saga:outpatient:queue_booking:sent": "queue_booking journaled, the booking not yet in the outbox",
    "journal": "the booking in the outbox, queue_booking's answer not journaled",
    "saga:outpatient:queue_booking:done": "the booking queued",
    "saga:outpatient:mark:sent": "the HIS's mark journaled, not sent (the booking queued)",
    "saga:outpatient:mark:done": "the HIS marked the bill, the booking waits in the outbox",
}
#: Kills in the start-up after it (the credit platform back): the outbox sent, then the saga recovered.
START_UP = {
    "sync": "the queued booking leased, its batch about to go",
    "sync:answered": "the queued booking answered by the platform, not yet recorded in the outbox",
    "saga:outpatient:booked:sent": "the booking read back under its key, journaled, not sent",
    "saga:outpatient:release:sent": "the lost hold's release journaled, not sent",
    "saga:outpatient:name_booking:sent": "the booking named at the HIS, journaled, not sent",
    "saga:outpatient:name_booking:done": "the HIS told the booking, its answer journaled",
}
BLACKHOLED = {"saga:outpatient:hold:unknown", "saga:outpatient:mark:done"}  # the others: the hold never arrived
ROLES = ("tier1", "tier2", "tier3", "tier4")


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path, {**LIVE, **START_UP})
    yield w
    w.close()


def holds_of(world, bill_id: str) -> list[str]:
    """The credit platform's holds naming the bill, by status."""
    with world.services.credit.store.snapshot() as conn:
        return sorted(r["status"] for r in conn.execute("SELECT status, his_bill_ids FROM holds")
                      if bill_id in r["his_bill_ids"])


def credit_down_at_the_hold(world, mode: str) -> None:
    """The credit platform answers everything up to the hold; the hold gets no answer (``drop``: it never reached
    the platform; ``blackhole``: the platform held, the answer was swallowed)."""
    proxy = world.proxies["credit"]
    proxy.trigger = b"/v1/holds"
    proxy.cut(mode)


def credit_back(world) -> None:
    proxy = world.proxies["credit"]
    proxy.trigger = None
    proxy.cut("pass")


def settle_what_waits(world) -> None:
    """A booking queued by the recovery after the restart waits for the sync engine: the kiosk started once more
    (its start sends the outbox, then recovers), as a running kiosk's sync engine and sweep would."""
    if world.open_sagas() or world.queue_left() != (0, 0):
        world.restart()


def assert_settled_once(world, bill_id: str, phase: str) -> None:
    state = check(world.services, insured_paid_elsewhere(world))[bill_id]
    assert state.everywhere, f"{phase}: {state}"
    assert len(state.credit_booked) == 1 and state.his_booking_id == state.credit_booked[0], f"{phase}: {state}"
    assert len(state.insurance_settled) == 1 and state.insurance_ever == 1, f"{phase}: {state}"
    # the queue's booking (held and booked at once by the platform) and the hold whose answer was lost, given back
    assert holds_of(world, bill_id) == ["booked", "released"], f"{phase}: {holds_of(world, bill_id)}"


def assert_nothing_pending(world, phase: str) -> None:
    assert world.open_sagas() == [], f"{phase}: sagas left open"
    assert world.queue_left() == (0, 0), f"{phase}: the outbox (queued, conflicts)"


def test_kill_at_every_step_of_the_queued_booking_then_restart_with_the_credit_platform_back(world):
    roles = iter(ROLES * 10)

    for phase in LIVE:
        role = next(roles)
        bill_id = world.new_visit(role)
        credit_down_at_the_hold(world, "blackhole" if phase in BLACKHOLED else "drop")
        # killed there; the credit platform back before the kiosk is started again
        told = world.pay(role, "outpatient", Stop(phase, "kiosk", ("kiosk",), before=lambda: credit_back(world)))
        assert told is None, f"{phase}: never reached ({told})"
        settle_what_waits(world)
        assert_nothing_pending(world, phase)
        if phase == "saga:outpatient:hold:unknown":  # before the insurance settled: undone, nowhere
            state = check(world.services, insured_paid_elsewhere(world))[bill_id]
            assert state.his_status == "unpaid" and not state.credit_booked and state.insurance_ever == 0
            assert holds_of(world, bill_id) in ([], ["released"]), holds_of(world, bill_id)
        else:
            assert_settled_once(world, bill_id, phase)

    for phase in START_UP:
        role = next(roles)
        bill_id = world.new_visit(role)
        credit_down_at_the_hold(world, "blackhole" if phase in BLACKHOLED else "drop")
        told = world.pay(role, "outpatient")
        assert told is not None and told["outcome"] == "settled", told  # registered as paid, the credit queued
        state = check(world.services, insured_paid_elsewhere(world))[bill_id]
        assert state.his_status == "paid" and not state.credit_booked  # the fund part settled, the booking waits
        credit_back(world)
        assert world.restart(Stop(phase, "kiosk", ("kiosk",))), f"{phase}: never reached"
        settle_what_waits(world)
        assert_nothing_pending(world, phase)
        assert_settled_once(world, bill_id, phase)

    print("\nqueued-booking kills by step:\n" + world.table.render("kiosk", ("online", "start-up"), ()))
    for phase in world.table.phases:
        assert world.table.count(phase, "kiosk") == 1, f"no kill at {phase}"
