"""Bill disputes over HTTP: reasons, the answer due 5 working days ahead (China's holiday
calendar), the disputed status in the overview, one open dispute per bill."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from kiosk.domain.clock import BUSINESS_TZ, business_date
from kiosk.domain.workdays import add_working_days
from tests.sandbox_fixtures import Api, error_of


def booked_bill(api: Api, role: str = "tier1") -> dict:
    who = api.who(role)
    visit = api.open_visits(who["patient_id"])[0]
    api.post("/v1/settlements", {"patient_id": who["patient_id"],
                                 "account_id": who["account_id"],
                                 "visit_ids": [visit["visit_id"]]})
    return api.bills(who["account_id"])[-1]


def test_reasons_are_listed(api: Api):
    reasons = api.get("/v1/dispute-reasons")["reasons"]
    codes = [r["code"] for r in reasons]
    assert {"wrong_amount", "not_received", "duplicate_charge", "insurance_not_applied",
            "other"} <= set(codes)
    assert all(r["text_zh"] and r["text_en"] for r in reasons)


def test_dispute_marks_the_bill_and_answers_within_5_working_days(api: Api):
    bill = booked_bill(api)
    raised = api.post("/v1/disputes", {"bill_id": bill["bill_id"], "reason_code": "wrong_amount",
                                       "text": "药品数量与实际不符"})
    today = business_date(datetime.fromisoformat(api.now()))
    assert raised["status"] == "open" and raised["bill_id"] == bill["bill_id"]
    assert raised["answer_due"] == add_working_days(today, 5).isoformat()
    assert raised["calendar_covered"] is (today.year in (2025, 2026))

    who = api.who("tier1")
    overview = api.get(f"/v1/patients/{who['patient_id']}/overview")
    [shown] = [b for b in overview["bills"] if b["bill_id"] == bill["bill_id"]]
    assert shown["status"] == "disputed"
    assert shown["dispute"] == {"dispute_id": raised["dispute_id"], "status": "open",
                                "answer_due": raised["answer_due"],
                                "reason_code": "wrong_amount"}
    r = api.post("/v1/disputes", {"bill_id": bill["bill_id"], "reason_code": "other"}, 409)
    assert error_of(r)["code"] == "already_disputed"

    # The operator answers (sandbox control): rejected, the bill is due again.
    answered = api.post(f"/v1/_sandbox/disputes/{raised['dispute_id']}/resolve",
                        {"outcome": "rejected"})
    assert answered["status"] == "due" and answered["dispute"]["status"] == "rejected"
    again = api.post("/v1/disputes", {"bill_id": bill["bill_id"], "reason_code": "other"})
    upheld = api.post(f"/v1/_sandbox/disputes/{again['dispute_id']}/resolve",
                      {"outcome": "upheld", "adjust_fen": 100})
    assert upheld["outstanding_fen"] == bill["outstanding_fen"] - 100
    assert api.account(who["account_id"])["used_fen"] == bill["outstanding_fen"] - 100


def test_dispute_refusals(api: Api):
    bill = booked_bill(api)
    r = api.post("/v1/disputes", {"bill_id": bill["bill_id"], "reason_code": "nope"}, 422)
    assert error_of(r)["code"] == "unknown_reason"
    r = api.post("/v1/disputes", {"bill_id": bill["bill_id"], "reason_code": "other",
                                  "text": "长" * 201}, 422)
    assert error_of(r)["code"] == "invalid_request"
    r = api.post("/v1/disputes", {"bill_id": "BIL-NOPE", "reason_code": "other"}, 404)
    assert error_of(r)["code"] == "bill_not_found"


@pytest.mark.parametrize("sandbox_control", [
    {"city": "xiamen", "start_at": datetime(2026, 9, 29, 10, 0, tzinfo=BUSINESS_TZ)}],
    indirect=True)
def test_answer_due_over_national_day_and_a_make_up_saturday(api: Api):
    # Tue 29 Sep 2026: Wed 30; 1-7 Oct off; Thu 8, Fri 9, Sat 10 (make-up day), Mon 12.
    bill = booked_bill(api)
    raised = api.post("/v1/disputes", {"bill_id": bill["bill_id"],
                                       "reason_code": "duplicate_charge"})
    assert raised["answer_due"] == date(2026, 10, 12).isoformat()
    assert raised["calendar_covered"] is True


@pytest.mark.parametrize("sandbox_control", [
    {"city": "hangzhou", "start_at": datetime(2027, 9, 30, 10, 0, tzinfo=BUSINESS_TZ)}],
    indirect=True)
def test_outside_the_covered_years_weekdays_are_counted_less_the_law_s_fixed_holidays(api: Api):
    # Thu 30 Sep 2027: no published arrangement in the data; Fri 1 Oct is a holiday by law
    # (全国年节及纪念日放假办法 Art. 2): Mon 4, Tue 5, Wed 6, Thu 7, Fri 8 October.
    bill = booked_bill(api)
    raised = api.post("/v1/disputes", {"bill_id": bill["bill_id"], "reason_code": "other"})
    assert raised["answer_due"] == date(2027, 10, 8).isoformat()
    assert raised["calendar_covered"] is False
