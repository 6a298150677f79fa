"""Marking bills paid: idempotent by key, one payer per bill, and an unmark that can never be overtaken
by a late copy of its mark. What the HIS holds afterwards is read from its own database."""
from __future__ import annotations

import sqlite3
import threading

import pytest

from kiosk.adapters.his_http import HisHttpAdapter
from kiosk.ports.his import HisRefused, HisUnavailable
from tests.faultproxy import FaultProxy
from tests.his.conftest import present


def _bills(his, *bill_ids: str) -> dict[str, tuple]:
    """Each bill's state as the HIS's own file holds it (a second connection, as an auditor would)."""
    with sqlite3.connect(his.db_path) as db:
        marks = ",".join("?" * len(bill_ids))
        return {r[0]: r[1:] for r in db.execute(
            f"SELECT bill_id, status, paid_key, setl_id FROM bills WHERE bill_id IN ({marks})", bill_ids)}


def _marks(his) -> list[tuple]:
    with sqlite3.connect(his.db_path) as db:
        return db.execute("SELECT terminal_id, key, status FROM marks ORDER BY rowid").fetchall()


@pytest.fixture
def bills(adapter) -> tuple[str, str]:
    patient = present(adapter, "tier3")
    first, second = adapter.open_visits(patient.patient_id)
    return first.bill_id, second.bill_id


def test_the_same_mark_sent_again_answers_the_same_and_acts_once(adapter, his, bills):
    first = adapter.mark_paid(list(bills), setl_id="SETL1", booking_id="BK1", payment_id=None, key="k-1")
    again = adapter.mark_paid(list(bills), setl_id="SETL1", booking_id="BK1", payment_id=None, key="k-1")
    assert again == first and first.status == "paid"
    assert first.total_fen == 35740 + 5760
    assert _bills(his, *bills) == {bills[0]: ("paid", "k-1", "SETL1"), bills[1]: ("paid", "k-1", "SETL1")}
    assert _marks(his) == [(his.terminal_id, "k-1", "paid")]


def test_the_same_key_for_another_mark_is_refused(adapter, bills):
    adapter.mark_paid([bills[0]], setl_id="SETL1", booking_id="BK1", payment_id=None, key="k-1")
    with pytest.raises(HisRefused) as refused:
        adapter.mark_paid([bills[0]], setl_id="SETL-OTHER", booking_id="BK1", payment_id=None, key="k-1")
    assert refused.value.code == "idempotency_key_reused"


def test_a_bill_paid_under_one_key_is_refused_to_a_second_payer(adapter, desk_adapter, his, bills):
    adapter.mark_paid([bills[0]], setl_id="SETL1", booking_id="BK1", payment_id=None, key="k-1")
    with pytest.raises(HisRefused) as refused:  # another settlement of the same bill, from this kiosk
        adapter.mark_paid([bills[0]], setl_id="SETL2", booking_id="BK2", payment_id=None, key="k-2")
    assert (refused.value.code, refused.value.details) == ("bill_already_paid", {"bill_id": bills[0]})
    with pytest.raises(HisRefused) as refused:  # or from the cashier's desk, the same key even
        desk_adapter.mark_paid([bills[1], bills[0]], setl_id="SETL3", booking_id="BK3", payment_id=None, key="k-1")
    assert (refused.value.code, refused.value.details) == ("bill_already_paid", {"bill_id": bills[0]})
    assert _bills(his, *bills) == {bills[0]: ("paid", "k-1", "SETL1"), bills[1]: ("unpaid", None, None)}


def test_two_payers_at_once_one_wins(his, bills):
    """A kiosk and the desk mark the same bill at the same moment, many times over: one mark each time."""
    outcomes: list[str] = []
    ports = [HisHttpAdapter.connect(his.url, his.terminal_id, his.secret),
             HisHttpAdapter.connect(his.url, his.desk_terminal_id, his.desk_secret)]
    start = threading.Barrier(2)

    def pay(port: HisHttpAdapter, key: str) -> None:
        start.wait()
        try:
            port.mark_paid([bills[0]], setl_id=key, booking_id=key, payment_id=None, key=key)
            outcomes.append("paid")
        except HisRefused as refusal:
            outcomes.append(refusal.code)

    threads = [threading.Thread(target=pay, args=(port, f"race-{n}")) for n, port in enumerate(ports)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for port in ports:
        port.close()
    assert sorted(outcomes) == ["bill_already_paid", "paid"]
    assert [m[2] for m in _marks(his)] == ["paid"]


def test_unmark_undoes_the_mark_and_answers_the_same_when_repeated(adapter, his, bills):
    adapter.mark_paid([bills[0]], setl_id="SETL1", booking_id="BK1", payment_id=None, key="k-1")
    undone = adapter.unmark_paid("k-1")
    assert undone.status == "unmarked" and undone.unmarked_at is not None
    assert adapter.unmark_paid("k-1") == undone
    assert _bills(his, bills[0]) == {bills[0]: ("unpaid", None, None)}
    with pytest.raises(HisRefused) as refused:  # the same mark again: undone is undone
        adapter.mark_paid([bills[0]], setl_id="SETL1", booking_id="BK1", payment_id=None, key="k-1")
    assert refused.value.code == "mark_unmarked"
    paid = adapter.mark_paid([bills[0]], setl_id="SETL9", booking_id="BK9", payment_id=None, key="k-2")
    assert paid.status == "paid"  # under a new key the bill can be paid again


def test_an_unmark_before_its_mark_arrived_bars_the_late_copy(adapter, his, bills):
    """The saga compensates while its mark is still in the network: the mark, arriving after, must not pay."""
    barred = adapter.unmark_paid("k-late")
    assert (barred.status, barred.bill_ids, barred.marked_at) == ("unmarked", (), None)
    with pytest.raises(HisRefused) as refused:
        adapter.mark_paid([bills[0]], setl_id="SETL1", booking_id="BK1", payment_id=None, key="k-late")
    assert refused.value.code == "mark_unmarked"
    assert _bills(his, bills[0]) == {bills[0]: ("unpaid", None, None)}


def test_a_mark_whose_answer_was_lost_is_sent_again_with_its_key_and_pays_once(his, bills):
    """The HIS marks the bill, the answer never reaches the kiosk (black-holed); the kiosk sends the mark
    again with the same key once the network is back: the first mark's answer, nothing paid twice."""
    with FaultProxy("127.0.0.1", his.port, mode="blackhole", trigger=b"mark-paid") as proxy:
        port = HisHttpAdapter.connect(proxy.url, his.terminal_id, his.secret, timeout_s=1.0, retries=0)
        with pytest.raises(HisUnavailable):
            port.mark_paid([bills[0]], setl_id="SETL1", booking_id="BK1", payment_id=None, key="k-lost")
        assert proxy.triggered == 1
        assert _bills(his, bills[0]) == {bills[0]: ("paid", "k-lost", "SETL1")}  # the HIS did it
        proxy.cut("pass")
        proxy.trigger = None
        answer = port.mark_paid([bills[0]], setl_id="SETL1", booking_id="BK1", payment_id=None, key="k-lost")
        port.close()
    assert answer.status == "paid" and answer.key == "k-lost"
    assert _marks(his) == [(his.terminal_id, "k-lost", "paid")]


def test_bills_of_two_patients_or_unknown_bills_are_refused(adapter, bills):
    other = present(adapter, "tier1")
    (visit,) = adapter.open_visits(other.patient_id)
    with pytest.raises(HisRefused) as refused:
        adapter.mark_paid([bills[0], visit.bill_id], setl_id="S", booking_id="B", payment_id=None, key="k-1")
    assert refused.value.code == "bills_of_several_patients"
    with pytest.raises(HisRefused) as refused:
        adapter.mark_paid(["MZV999999"], setl_id="S", booking_id="B", payment_id=None, key="k-2")
    assert (refused.value.code, refused.value.details) == ("bill_not_found", {"bill_id": "MZV999999"})


def test_a_channel_payment_pays_one_mark_only(adapter, phone, bills):
    patient = present(adapter, "tier3")
    payment = adapter.create_payment(patient.patient_id, 1000, "settlement", key="pay-1")
    phone.write(f"/v1/_sandbox/payments/{payment.payment_id}/complete", {})
    adapter.mark_paid([bills[0]], setl_id="S1", booking_id="B1", payment_id=payment.payment_id, key="k-1")
    with pytest.raises(HisRefused) as refused:
        adapter.mark_paid([bills[1]], setl_id="S2", booking_id="B2", payment_id=payment.payment_id, key="k-2")
    assert refused.value.code == "payment_already_used"
    other = present(adapter, "tier1")
    (visit,) = adapter.open_visits(other.patient_id)
    theirs = adapter.create_payment(other.patient_id, 1000, "settlement", key="pay-2")
    phone.write(f"/v1/_sandbox/payments/{theirs.payment_id}/complete", {})
    with pytest.raises(HisRefused) as refused:  # another patient's payment
        adapter.mark_paid([bills[1]], setl_id="S2", booking_id="B2", payment_id=theirs.payment_id, key="k-3")
    assert refused.value.code == "payment_mismatch"


def test_a_mark_made_without_a_booking_is_told_it_later_once(adapter, his, bills):
    """The credit platform did not answer at settlement (issue 12): the mark names no booking; once the queued
    booking is made, the HIS is told it under the mark's key: again the same, another booking refused."""
    adapter.mark_paid(list(bills), setl_id="SETL1", booking_id=None, payment_id=None, key="k-q")
    named = adapter.name_booking("k-q", "STL0000000000000001")
    assert named.booking_id == "STL0000000000000001" and named.status == "paid"
    assert adapter.name_booking("k-q", "STL0000000000000001") == named
    with pytest.raises(HisRefused) as other:
        adapter.name_booking("k-q", "STL0000000000000002")
    assert other.value.code == "booking_already_named"
    with sqlite3.connect(his.db_path) as db:
        booked = dict(db.execute("SELECT bill_id, booking_id FROM bills WHERE paid_key = 'k-q'").fetchall())
    assert booked == {bills[0]: "STL0000000000000001", bills[1]: "STL0000000000000001"}
    with pytest.raises(HisRefused) as unmarked:
        adapter.unmark_paid("k-q")
        adapter.name_booking("k-q", "STL0000000000000001")
    assert unmarked.value.code == "mark_not_paid"
