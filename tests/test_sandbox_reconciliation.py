"""Daily reconciliation: a day of mixed traffic from a kiosk and the cashier desk adds up to
the fen for each terminal, and another terminal's business stays out of it."""
from __future__ import annotations

import secrets
import uuid
from collections import defaultdict
from datetime import datetime

import pytest

from kiosk.domain.clock import BUSINESS_TZ
from tests.sandbox_fixtures import Api, SignedClient, error_of

DAY = "2026-12-01"
KINDS = ("registration", "registration_cancel", "settlement", "discharge", "repayment",
         "refund", "void")


@pytest.mark.parametrize("sandbox_control", [
    {"city": "xiamen", "start_at": datetime(2026, 12, 1, 9, 0, tzinfo=BUSINESS_TZ)}],
    indirect=True)
def test_a_day_of_mixed_traffic_adds_up(sandbox_control, api: Api):
    expected: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    at_desk: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def expect(kind: str, credit: int = 0, channel: int = 0, cash: int = 0, desk: bool = False) -> None:
        e = (at_desk if desk else expected)[kind]
        e["count"] += 1
        e["credit_fen"] += credit
        e["channel_fen"] += channel
        e["cash_fen"] += cash
        e["amount_fen"] += credit + channel + cash

    session = api.get("/v1/departments/D01/sessions", days=2)["sessions"][-1]
    fee = session["fee_fen"]
    tier1, nocredit = api.who("tier1"), api.who("nocredit")

    # 1. registration on credit, then cancelled: the fee goes back to the line
    reg = api.post("/v1/registrations", {"session_id": session["session_id"],
                                         "patient_id": tier1["patient_id"], "pay": "credit"})
    expect("registration", credit=fee)
    api.post(f"/v1/registrations/{reg['registration_id']}/cancel", {})
    expect("registration_cancel", credit=fee)
    # 2. registration through the payment channel
    payment = api.paid(nocredit["patient_id"], fee, "registration")
    api.post("/v1/registrations", {"session_id": session["session_id"],
                                   "patient_id": nocredit["patient_id"], "pay": "channel",
                                   "payment_id": payment})
    expect("registration", channel=fee)
    # 3. settlement with a shortfall: 50 yuan on the line, the rest paid
    short = api.who("shortline")
    [visit] = api.open_visits(short["patient_id"])
    shortfall = visit["personal_fen"] - 5000
    payment = api.paid(short["patient_id"], shortfall, "settlement")
    settled = api.post("/v1/settlements", {"patient_id": short["patient_id"],
                                           "account_id": short["account_id"],
                                           "visit_ids": [visit["visit_id"]],
                                           "payment_id": payment})
    expect("settlement", credit=5000, channel=shortfall)
    # 4. settlement with no credit service: all through the channel
    [visit] = api.open_visits(nocredit["patient_id"])
    payment = api.paid(nocredit["patient_id"], visit["personal_fen"], "settlement")
    api.post("/v1/settlements", {"patient_id": nocredit["patient_id"], "account_id": None,
                                 "visit_ids": [visit["visit_id"]], "payment_id": payment})
    expect("settlement", channel=visit["personal_fen"])
    # 5. the one-visit settlement endpoint
    tier3 = api.who("tier3")
    visit = api.open_visits(tier3["patient_id"])[0]
    api.post(f"/v1/visits/{visit['visit_id']}/settle",
             {"account_id": tier3["account_id"], "personal_fen": visit["personal_fen"]})
    expect("settlement", credit=visit["personal_fen"])
    # 6. repayments: cash at the desk (its day, not the kiosk's), and a parent's bill through the channel
    arrears = api.who("arrears")
    owed = api.account(arrears["account_id"])["outstanding_fen"]
    api.desk.post("/v1/repayments", {"account_id": arrears["account_id"], "amount_fen": owed,
                                     "channel": "cash"})
    expect("repayment", cash=owed, desk=True)
    elder = api.who("elder")
    part = 1234
    payment = api.paid(api.who("tier4")["patient_id"], part, "repayment")
    api.post("/v1/repayments", {"account_id": elder["account_id"], "amount_fen": part,
                                "channel": "payment_channel", "payment_id": payment})
    expect("repayment", channel=part)
    # 7. a refund at the desk larger than the settlement's outstanding bill: credit first, then channel
    api.desk.post("/v1/refunds", {"settlement_id": settled["settlement_id"], "amount_fen": 6000,
                                  "reason": "returned"})
    expect("refund", credit=5000, channel=1000, desk=True)
    # 8. discharge with a shortfall
    inpatient = api.who("inpatient")
    [stay] = api.get(f"/v1/patients/{inpatient['patient_id']}/admissions")["admissions"]
    with sandbox_control.store.transaction() as conn:  # 1,000 yuan of the line left
        conn.execute("UPDATE accounts SET used_fen = line_fen - 100000 WHERE account_id = ?",
                     (inpatient["account_id"],))
    payment = api.paid(inpatient["patient_id"], stay["personal_fen"] - 100000, "discharge")
    api.post(f"/v1/admissions/{stay['admission_id']}/discharge",
             {"account_id": inpatient["account_id"], "payment_id": payment})
    expect("discharge", credit=100000, channel=stay["personal_fen"] - 100000)
    # A replayed write is not counted twice.
    key = uuid.uuid4().hex
    tier2 = api.who("tier2")
    visit = api.open_visits(tier2["patient_id"])[0]
    body = {"patient_id": tier2["patient_id"], "account_id": tier2["account_id"],
            "visit_ids": [visit["visit_id"]]}
    api.post("/v1/settlements", body, key=key)
    api.post("/v1/settlements", body, key=key)
    expect("settlement", credit=visit["personal_fen"])

    # Another terminal's business is not in this terminal's day.
    other_secret = secrets.token_bytes(32)
    sandbox_control.store.add_terminal("KIOSK-OTHER-02", other_secret, "厦门市示范医院")
    with SignedClient(sandbox_control.url, "KIOSK-OTHER-02", other_secret) as other:
        tier4 = Api(other).who("tier4")
        visit = Api(other).open_visits(tier4["patient_id"])[0]
        Api(other).post("/v1/settlements", {"patient_id": tier4["patient_id"],
                                            "account_id": tier4["account_id"],
                                            "visit_ids": [visit["visit_id"]]})
        theirs = Api(other).get("/v1/reconciliation", date=DAY)
    assert theirs["terminal_id"] == "KIOSK-OTHER-02" and len(theirs["entries"]) == 1

    day = api.get("/v1/reconciliation", date=DAY)
    assert day["date"] == DAY and day["terminal_id"] == sandbox_control.terminal_id
    assert api.get("/v1/reconciliation") == day  # today by default
    assert set(day["totals"]) == set(KINDS)
    for kind in KINDS:
        want = {k: expected[kind][k] for k in ("count", "amount_fen", "credit_fen",
                                               "channel_fen", "cash_fen")}
        assert day["totals"][kind] == want, kind
    for entry in day["entries"]:
        assert entry["amount_fen"] == entry["credit_fen"] + entry["channel_fen"] + \
            entry["cash_fen"]
        assert entry["at"].startswith(DAY)
    assert sum(t["count"] for t in day["totals"].values()) == len(day["entries"]) == 9
    desk_day = api.desk.get("/v1/reconciliation", date=DAY)
    assert desk_day["terminal_id"] == sandbox_control.desk_terminal_id and len(desk_day["entries"]) == 2
    for kind in KINDS:
        want = {k: at_desk[kind][k] for k in ("count", "amount_fen", "credit_fen", "channel_fen", "cash_fen")}
        assert desk_day["totals"][kind] == want, kind
    assert api.get("/v1/reconciliation", date="2026-11-30")["entries"] == []
    r = api.get("/v1/reconciliation", expect=422, date="2026-13-01")
    assert error_of(r)["code"] == "invalid_date"
