"""Account query: own account and bills, linked children and parents, grade; repay, dispute, take on a parent."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from kiosk.domain import signing
from kiosk.domain.clock import last_payable_day
from kiosk.domain.models import Account
from kiosk.domain.money import format_cny
from kiosk.usecases.credit import Bill, Overview, PersonAccount, Relation
from tests.helpers import all_texts, patient, tap_card


class StubRepay:
    """Stands in for the repay journey (built elsewhere): records who it was started for."""

    def __init__(self):
        self.sessions = []

    def begin(self, session):
        self.sessions.append(session)


def post(sandbox_client, path: str, body: dict) -> dict:
    response = sandbox_client.post(path, json=body, headers={signing.HEADER_IDEMPOTENCY: uuid.uuid4().hex})
    assert response.status_code == 200, response.text
    return response.json()


def open_query(qtbot, app, taps, role: str):
    w = app.window
    qtbot.waitUntil(w.home.buttons["query"].isVisible)
    taps(w.home.buttons["query"])
    tap_card(qtbot, app, role)
    qtbot.waitUntil(lambda: w.current == "credit_account" and app.ctx.journeys["query"].overview is not None,
                    timeout=10_000)
    return w


def table_texts(screen) -> list[list[str]]:
    from PySide6.QtWidgets import QTableWidget

    rows = []
    for table in screen.content.findChildren(QTableWidget):
        for row in range(table.rowCount()):
            rows.append([table.item(row, col).text() for col in range(table.columnCount())])
    return rows


@pytest.mark.parametrize("city", ["xiamen", "hangzhou"])
def test_guardian_sees_own_account_grade_and_the_linked_childs_bills(qtbot, kiosk, sandbox_client, taps, city):
    guardian, child = patient("tier2"), patient("minor")
    settled = post(sandbox_client, "/v1/settlements", {"patient_id": child["patient_id"],
                                                        "account_id": "CA000002", "visit_ids": ["V000005"]})
    w = open_query(qtbot, kiosk, taps, "tier2")
    texts = all_texts(w)
    assert guardian["name"] not in texts and child["name"] not in texts
    account = sandbox_client.get("/v1/accounts/CA000002").json()
    for amount in (account["line_fen"], account["used_fen"], account["available_fen"]):
        assert format_cny(amount) in texts
    assert "status: active" in texts
    assert "Medical-insurance credit grade: A — excellent (优秀)" in texts
    assert "Child: " + child["name"][0] + "*" + child["name"][-1] in texts
    assert "Uses your credit line" in texts

    bills = sandbox_client.get("/v1/accounts/CA000002/bills").json()["bills"]
    bill = next(b for b in bills if b["settlement_id"] == settled["settlement_id"])
    row = next(r for r in table_texts(w.credit_account) if r[0] == bill["reference"])
    pay_by = last_payable_day(datetime.fromisoformat(bill["due_at"])).isoformat()
    assert row == [bill["reference"], "Outpatient", format_cny(bill["amount_fen"]),
                   format_cny(bill["outstanding_fen"]), pay_by, "due"]
    # The child's bill is listed once, in the child's section.
    assert [r[0] for r in table_texts(w.credit_account)].count(bill["reference"]) == 1
    assert taps.count <= 6
    taps(w.credit_account.done_button)
    assert w.current == "home" and bill["reference"] not in all_texts(w)


def test_overdue_account_shows_words_and_offers_repay_and_dispute(qtbot, kiosk, sandbox_client, taps,
                                                                  monkeypatch):
    stub = StubRepay()
    monkeypatch.setitem(kiosk.ctx.journeys, "repay", stub)
    w = open_query(qtbot, kiosk, taps, "arrears")
    texts = all_texts(w)
    account = sandbox_client.get("/v1/accounts/CA000006").json()
    assert "status: ⚠ suspended" in texts
    assert "⚠ Overdue: " + format_cny(account["overdue_fen"]) in texts
    assert "Medical-insurance credit grade: D — poor (较差)" in texts
    assert any(r[-1] == "⚠ overdue" for r in table_texts(w.credit_account))
    assert w.credit_account.dispute_button.isVisible()

    taps(w.credit_account.repay_button)
    assert [s.patient.patient_id for s in stub.sessions] == [patient("arrears")["patient_id"]]
    w.show_screen("credit_account")
    taps(w.credit_account.dispute_button)
    qtbot.waitUntil(lambda: w.current == "dispute_bill" and bool(w.dispute_bill.bill_buttons), timeout=10_000)
    assert taps.count <= 6


def test_no_repay_button_when_nothing_is_owed(qtbot, kiosk, taps, monkeypatch):
    monkeypatch.setitem(kiosk.ctx.journeys, "repay", StubRepay())
    w = open_query(qtbot, kiosk, taps, "tier1")
    assert not w.credit_account.repay_button.isVisible()
    assert not w.credit_account.dispute_button.isVisible()
    assert "No bills." in all_texts(w)
    assert taps.count <= 6


def test_adult_child_takes_on_a_listed_parent_and_then_sees_the_parents_account(qtbot, kiosk, sandbox_client,
                                                                                taps):
    elder = patient("elder")
    w = open_query(qtbot, kiosk, taps, "tier4")
    masked = elder["name"][0] + "*" + elder["name"][-1]
    sandbox_client.present("elder")  # (the test reads the parent's bill: their card, read here)
    bill = sandbox_client.get("/v1/accounts/CA000008/bills").json()["bills"][0]
    assert "Registered by the hospital as your parent" in all_texts(w)  # listed, not taken on yet
    assert not any(r[0] == bill["reference"] for r in table_texts(w.credit_account))  # nor shown
    [button] = w.credit_account.take_on_buttons
    assert masked in button.text()
    taps(button)
    assert w.current == "credit_parent" and masked in w.credit_parent.explanation.text()
    # The parent consents: here, with their own card (tests/test_consent_journeys.py: by a code).
    assert "must agree" in w.credit_parent.explanation.text() and not w.credit_parent.confirm_button.isVisible()
    taps(w.credit_parent.continue_button)
    tap_card(qtbot, kiosk, "elder")
    qtbot.waitUntil(lambda: w.current == "credit_parent" and w.credit_parent.confirming, timeout=10_000)
    with qtbot.waitSignal(kiosk.ctx.journeys["query"].shown, timeout=10_000) as shown:
        taps(w.credit_parent.confirm_button)
    assert w.current == "credit_account"
    assert [p.relation for p in shown.args[0].linked] == ["parent"]
    texts = all_texts(w)
    assert "Parent: " + masked in texts and "You now repay for " + masked in texts
    assert "Registered by the hospital as your parent" not in texts
    assert any(r[0] == bill["reference"] and r[-1] == "due" for r in table_texts(w.credit_account))
    assert w.credit_account.take_on_buttons == []
    assert taps.count <= 6


def test_add_a_parent_by_their_card(qtbot, kiosk, sandbox_client, taps):
    """A parent the hospital does not list yet: the parent presents their own card."""
    elder = patient("elder")
    w = open_query(qtbot, kiosk, taps, "tier3")
    taps(w.credit_account.add_parent_button)
    assert w.current == "credit_parent"
    taps(w.credit_parent.continue_button)
    assert w.current == "identify"
    tap_card(qtbot, kiosk, "elder")
    qtbot.waitUntil(lambda: w.current == "credit_parent" and w.credit_parent.confirming, timeout=10_000)
    assert elder["id_number"][-4:] in w.credit_parent.explanation.text()
    assert elder["name"] not in all_texts(w)
    with qtbot.waitSignal(kiosk.ctx.journeys["query"].shown, timeout=10_000):
        taps(w.credit_parent.confirm_button)
    relations = sandbox_client.post("/v1/identity/lookup", json={"id_number": patient("tier3")["id_number"]}
                                    ).json()["relations"]
    assert {"patient_id": elder["patient_id"], "relation": "parent", "repayment_taken_on": True}.items() <= \
        next(r for r in relations if r["patient_id"] == elder["patient_id"]).items()
    assert "Parent: " + elder["name"][0] + "*" + elder["name"][-1] in all_texts(w)
    assert taps.count <= 6


def test_own_card_is_not_a_parent(qtbot, kiosk, taps):
    w = open_query(qtbot, kiosk, taps, "tier3")
    taps(w.credit_account.add_parent_button)
    taps(w.credit_parent.continue_button)
    tap_card(qtbot, kiosk, "tier3")
    qtbot.waitUntil(lambda: w.current == "outcome", timeout=10_000)
    assert w.outcome.details.text().startswith("⚠") and "own card" in w.outcome.details.text()
    assert taps.count <= 6


def test_twenty_five_bills_stay_readable_and_scroll(qtbot):
    from datetime import date

    from PySide6.QtWidgets import QTableWidget

    from kiosk.domain.clock import BUSINESS_TZ
    from kiosk.domain.models import Patient
    from kiosk.ui.query import ROW_HEIGHT, AccountScreen

    start = datetime(2026, 11, 2, tzinfo=BUSINESS_TZ)
    statuses = ["due", "overdue", "paid", "disputed"]
    bills = tuple(Bill(bill_id=f"B{i}", kind="outpatient", reference=f"MZ2026{i:04d}", amount_fen=1000 + i,
                           outstanding_fen=0 if statuses[i % 4] == "paid" else 1000 + i,
                           due_at=start + timedelta(days=i), status=statuses[i % 4]) for i in range(25))
    account = Account("CA1", "active", 100000, 25000, 75000)
    overview = Overview("P1", True, "B", PersonAccount("P1", "self", "", account, bills),
                        parents_to_take_on=(Relation("P2", "parent", "吴*福", "CA2", False),))
    who = Patient("P1", "陈思远", "350206198507223414", "M", date(1985, 7, 22), False, None, "CA1")
    screen = AccountScreen()
    qtbot.addWidget(screen)
    screen.resize(1280, 760)
    screen.show()
    screen.show_overview(who, overview, can_repay=True, can_dispute=True, can_add_parent=True)
    qtbot.waitExposed(screen)
    rows = table_texts(screen)
    assert len(rows) == 25
    assert {r[-1] for r in rows} == {"due", "⚠ overdue", "✓ paid", "disputed"}  # words, not colour
    assert rows[0][4] == (start - timedelta(days=1)).date().isoformat()  # due at 00:00: the day before
    bar = screen.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # once laid out
    assert bar.width() >= 32  # the screen scrolls, with a bar wide enough for a finger
    table = screen.content.findChild(QTableWidget)
    assert table.rowHeight(24) >= ROW_HEIGHT and table.height() >= 25 * ROW_HEIGHT  # every row, full height
    screen.scroll.ensureWidgetVisible(screen.take_on_buttons[0])
    assert bar.value() > 0 and screen.take_on_buttons[0].visibleRegion().boundingRect().height() >= 60
    screen.clear()
    assert "MZ20260001" not in all_texts(screen)
