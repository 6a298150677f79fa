"""Kill -9 at every step of the queued path (issue 12): the credit platform does not answer the hold, so the
personal part of an insured outpatient bill is queued in the kiosk's outbox (``_hold_or_queue``,
``_queue_booking``), the HIS marks the bill, and the sync engine books the part on credit once the platform answers
(the booking then read back under its key and named at the HIS). The kiosk is killed at each step, started again with
the credit platform back (its start-up: the outbox sent, the sagas recovered) and, if anything still waits, started
once more (the drain a running kiosk's sync engine makes); then the three services' own databases must say: settled
everywhere, once (one credit booking, the HIS names it, one insurance settlement, ever), the lost hold given back,
nothing left pending; or, killed before the insurance settled, nowhere (the hold given back too).

The registration saga (the fee on credit queued: 2201 and the HIS's registration made, then the fee) and the
discharge saga (2303/2304, the stay's personal part queued) take the same shared steps; each is killed at the points
that matter most for it (the hold's lost answer, ``queue_booking`` journaled, the HIS's mark, and with the platform
back: the batch's answer not yet recorded, the lost hold's release, the booking named at the HIS).

The headless kiosk (``tests/offline/saga_driver.py``) has the outbox and the sync engine ``kiosk.services`` builds;
the credit platform "down at the hold": its fault proxy drops (or black-holes: the platform holds, the answer never
comes) the hold's request only, so the patient is identified online and the hold's answer is lost.
"""
from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.offline.harness import Stop
from tests.saga_invariant import check, check_registrations
from tests.test_saga_crash import World, insured_paid_elsewhere

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

#: The kill points of the queued path: ``saga:<kind>:`` before a saga's step; the outbox's and the sync engine's as
#: they are. Killed during the patient's payment (the live path), the hold's request dropped or black-holed ...
LIVE = {
    "hold:unknown": "the hold's answer lost (the credit platform down), not yet queued",
    "queue_booking:sent": "queue_booking journaled, the booking not yet in the outbox",
    "journal": "the booking in the outbox, queue_booking's answer not journaled",
    "queue_booking:done": "the booking queued",
    "mark:sent": "the HIS's mark journaled, not sent (the booking queued)",
    "mark:done": "the HIS marked the bill, the booking waits in the outbox",
}
#: ... or in the start-up after it (the credit platform back): the outbox sent, then the saga recovered.
START_UP = {
    "sync": "the queued booking leased, its batch about to go",
    "sync:answered": "the queued booking answered by the platform, not yet recorded in the outbox",
    "booked:sent": "the booking read back under its key, journaled, not sent",
    "release:sent": "the lost hold's release journaled, not sent",
    "name_booking:sent": "the booking named at the HIS, journaled, not sent",
    "name_booking:done": "the HIS told the booking, its answer journaled",
}
NOT_A_SAGA_STEP = {"journal", "sync", "sync:answered"}
#: Each saga's kill points, in the order run: every one for the outpatient bill; for the registration and the
#: discharge (the same shared steps) the few that matter most, the one undone (at the hold) last: a stay whose saga
#: was undone stays billed at the HIS, and the patient's next discharge would take it.
POINTS = {
    "outpatient": (*LIVE, *START_UP),
    "registration": ("queue_booking:sent", "mark:sent", "sync:answered", "release:sent", "name_booking:sent",
                     "hold:unknown"),
    "discharge": ("queue_booking:sent", "mark:sent", "sync:answered", "release:sent", "name_booking:sent",
                  "hold:unknown"),
}
#: Where the hold's request is black-holed (the platform held, the answer never came); elsewhere it is dropped (the
#: hold never arrived: the recovery's hold under the same key makes it, then gives it back).
BLACKHOLED = {"outpatient": {"hold:unknown", "mark:done"}, "registration": {"hold:unknown", "release:sent"},
              "discharge": {"hold:unknown", "release:sent"}}
ROLES = ("tier1", "tier2", "tier3", "tier4")


def phase_of(kind: str, point: str) -> str:
    return point if point in NOT_A_SAGA_STEP else f"saga:{kind}:{point}"


@pytest.fixture
def world(tmp_path, request):
    kind = getattr(request, "param", "outpatient")
    w = World(tmp_path, {phase_of(kind, p): {**LIVE, **START_UP}[p] for p in POINTS[kind]})
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


def his_bills(world) -> set[str]:
    with world.services.his.store.snapshot() as conn:
        return {r["bill_id"] for r in conn.execute("SELECT bill_id FROM bills")}


def a_bill(world, kind: str, role: str) -> Callable[[], str]:
    """Something of ``role`` to pay at the HIS: an outpatient visit, a short stay (6 charges over 2 days: its
    personal part within the offline cap, and several within the inpatient's line), or a clinic session to register
    for. Returns how to find its bill once the kiosk has begun: a stay's discharge bill and a registration's fee are
    drawn up by the saga (the one bill new at the HIS)."""
    if kind == "outpatient":
        bill_id = world.new_visit(role)
        return lambda: bill_id
    if kind == "discharge":
        world.new_stay(role, days=2, lines=6)
    before = his_bills(world)

    def drawn_up() -> str:
        new = his_bills(world) - before
        assert len(new) == 1, f"{kind}: bills drawn up at the HIS {new}"
        return new.pop()
    return drawn_up


def registration_of(world, bill_id: str) -> str | None:
    with world.services.his.store.snapshot() as conn:
        row = conn.execute("SELECT status FROM registrations WHERE bill_id = ?", (bill_id,)).fetchone()
        return row["status"] if row else None


def assert_settled_once(world, kind: str, bill_id: str, phase: str) -> None:
    state = check(world.services, insured_paid_elsewhere(world))[bill_id]
    settlements = 0 if kind == "registration" else 1  # a registration's fee is the patient's own (2201 only)
    assert state.everywhere, f"{phase}: {state}"
    assert len(state.credit_booked) == 1 and state.his_booking_id == state.credit_booked[0], f"{phase}: {state}"
    assert len(state.insurance_settled) == settlements and state.insurance_ever == settlements, f"{phase}: {state}"
    # the queue's booking (held and booked at once by the platform) and the hold whose answer was lost, given back
    assert holds_of(world, bill_id) == ["booked", "released"], f"{phase}: {holds_of(world, bill_id)}"
    if kind == "registration":
        assert registration_of(world, bill_id) == "booked", phase
        check_registrations(world.services)  # its insurance visit (2201) open


def assert_nowhere(world, kind: str, bill_id: str, phase: str) -> None:
    """Killed before the insurance settled (for a registration: before its fee was queued): undone everywhere."""
    state = check(world.services, insured_paid_elsewhere(world))[bill_id]
    assert state.his_status in ("unpaid", "cancelled"), f"{phase}: {state}"
    assert not state.credit_booked and state.insurance_ever == 0, f"{phase}: {state}"
    assert holds_of(world, bill_id) in ([], ["released"]), f"{phase}: {holds_of(world, bill_id)}"
    if kind == "registration":
        assert registration_of(world, bill_id) == "cancelled", phase
        check_registrations(world.services)  # its insurance visit (2201) cancelled too


def assert_nothing_pending(world, phase: str) -> None:
    assert world.open_sagas() == [], f"{phase}: sagas left open"
    assert world.queue_left() == (0, 0), f"{phase}: the outbox (queued, conflicts)"


def kill_along_the_queued_path(world, kind: str, roles) -> None:
    """Each of ``kind``'s kill points in turn on a bill of its own: killed there (the credit platform back before
    the kiosk is started again), or, for a point of the start-up, the bill paid with its booking queued and the
    kiosk killed in the start-up that follows; then what the three services hold."""
    for point in POINTS[kind]:
        phase, role = phase_of(kind, point), next(roles)
        bill_of = a_bill(world, kind, role)
        credit_down_at_the_hold(world, "blackhole" if point in BLACKHOLED[kind] else "drop")
        if point in START_UP:
            told = world.pay(role, kind)
            assert told is not None and told["outcome"] == "settled", told  # registered as paid, the credit queued
            bill_id = bill_of()
            state = check(world.services, insured_paid_elsewhere(world))[bill_id]
            assert state.his_status == "paid" and not state.credit_booked  # the fund part settled, the booking waits
            credit_back(world)
            assert world.restart(Stop(phase, "kiosk", ("kiosk",))), f"{phase}: never reached"
        else:
            told = world.pay(role, kind, Stop(phase, "kiosk", ("kiosk",), before=lambda: credit_back(world)))
            assert told is None, f"{phase}: never reached ({told})"
            bill_id = bill_of()
        settle_what_waits(world)
        assert_nothing_pending(world, phase)
        if point == "hold:unknown":  # before the insurance settled (the fee queued): undone, nowhere
            assert_nowhere(world, kind, bill_id, phase)
        else:
            assert_settled_once(world, kind, bill_id, phase)

    print(f"\n{kind}: queued-booking kills by step:\n" + world.table.render("kiosk", ("online", "start-up"), ()))
    for phase in world.table.phases:
        assert world.table.count(phase, "kiosk") == 1, f"no kill at {phase}"


def test_kill_at_every_step_of_the_queued_booking_then_restart_with_the_credit_platform_back(world):
    kill_along_the_queued_path(world, "outpatient", iter(ROLES * 10))


@pytest.mark.parametrize("world", ["registration", "discharge"], indirect=True)
def test_kill_along_the_queued_fee_of_a_registration_and_the_queued_discharge(world, request):
    kind = request.node.callspec.params["world"]
    kill_along_the_queued_path(world, kind, iter(ROLES * 10) if kind == "registration" else iter(["inpatient"] * 10))
