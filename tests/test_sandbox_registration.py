"""Credit registration over HTTP: departments, sessions, registering on credit or through
the payment channel, full sessions, cancelling before (not after) the start."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.domain.clock import BUSINESS_TZ, business_date
from tests.sandbox_fixtures import Api, error_of


def sessions(api: Api, department_id: str = "D01", days: int = 3) -> list[dict]:
    return api.get(f"/v1/departments/{department_id}/sessions", days=days)["sessions"]


def future_session(api: Api, *, slots: int | None = None) -> dict:
    """The first session of the coming week that has not started (optionally: of a size)."""
    now = datetime.fromisoformat(api.now())
    for department in api.get("/v1/departments")["departments"]:
        for s in sessions(api, department["department_id"], days=7):
            if datetime.fromisoformat(s["starts_at"]) > now and (
                    slots is None or s["slots_total"] == slots):
                return s
    raise AssertionError("no session found")


def register(api: Api, role: str, session: dict, pay: str = "credit", expect=200,
             payment_id: str | None = None) -> dict:
    body = {"session_id": session["session_id"], "patient_id": api.who(role)["patient_id"],
            "pay": pay}
    if payment_id:
        body["payment_id"] = payment_id
    return api.post("/v1/registrations", body, expect)


def test_departments_and_sessions(api: Api):
    departments = api.get("/v1/departments")["departments"]
    assert len(departments) >= 6
    assert all(d["name"] and d["name_en"] for d in departments)
    now = datetime.fromisoformat(api.now())
    found = sessions(api, "D01", days=3)
    assert found == sessions(api, "D01", days=3)  # deterministic
    assert found, "general practice opens every day, holidays included (AM)"
    days = {business_date(now) + timedelta(days=i) for i in range(3)}
    for s in found:
        assert datetime.fromisoformat(s["date"] + "T00:00:00+08:00").date() in days
        assert datetime.fromisoformat(s["ends_at"]) > now  # finished sessions left out
        assert s["period"] in ("AM", "PM") and s["starts_at"] < s["ends_at"]
        assert s["fee_fen"] in (1000, 2500, 4000) and 0 <= s["slots_left"] <= s["slots_total"]
        assert s["starts_at"].endswith("+08:00")
    week = sessions(api, "D01", days=7)
    assert len(week) > len(found)
    assert error_of(api.get("/v1/departments/D99/sessions", expect=404))["code"] == \
        "department_not_found"
    assert error_of(api.get("/v1/departments/D01/sessions", expect=422, days=8))["code"] == \
        "invalid_request"


def test_register_on_credit_books_the_fee(api: Api):
    session = future_session(api)
    who = api.who("tier1")
    before = api.account(who["account_id"])
    done = register(api, "tier1", session)
    fee = session["fee_fen"]
    assert done["status"] == "booked" and done["queue_number"] == 1
    assert done["fee_fen"] == done["booked_fen"] == fee and done["paid_fen"] == 0
    assert done["reference"].startswith("GH")
    assert done["session"]["slots_left"] == session["slots_left"] - 1
    assert done["account"]["used_fen"] == before["used_fen"] + fee
    assert done["account"]["available_fen"] == before["available_fen"] - fee
    [bill] = api.bills(who["account_id"])
    assert bill["kind"] == "registration" and bill["registration_id"] == done["registration_id"]
    assert bill["amount_fen"] == fee and bill["due_at"] == done["due_at"]
    assert bill["visit_id"] is None and bill["status"] == "due"
    listed = api.get(f"/v1/patients/{who['patient_id']}/registrations", status="booked")
    assert [r["registration_id"] for r in listed["registrations"]] == [done["registration_id"]]
    again = register(api, "tier1", session, expect=409)
    assert error_of(again)["code"] == "already_registered"
    assert register(api, "tier2", session)["queue_number"] == 2


def test_registration_refusals_by_account_state(sandbox_control, api: Api):
    session = future_session(api)
    r = register(api, "nocredit", session, expect=409)
    assert error_of(r)["code"] == "no_credit_service"
    r = register(api, "arrears", session, expect=403)
    assert error_of(r)["code"] == "account_suspended"
    with sandbox_control.store.transaction() as conn:  # tier1's line used up
        conn.execute("UPDATE accounts SET used_fen = line_fen WHERE account_id = 'CA000001'")
    r = register(api, "tier1", session, expect=409)
    assert error_of(r)["code"] == "repay_first"
    with sandbox_control.store.transaction() as conn:  # 5 fen left: less than the fee
        conn.execute("UPDATE accounts SET used_fen = line_fen - 5 WHERE account_id = 'CA000001'")
    r = register(api, "tier1", session, expect=409)
    assert error_of(r)["code"] == "insufficient_line"
    assert error_of(r)["details"] == {"available_fen": 5, "amount_fen": session["fee_fen"]}
    r = api.post("/v1/registrations", {"session_id": "S20990101D99AM1",
                                       "patient_id": "P000001", "pay": "credit"}, 404)
    assert error_of(r)["code"] == "session_not_found"


def test_channel_registration_needs_a_completed_payment(api: Api):
    session = future_session(api)
    who = api.who("nocredit")
    fee = session["fee_fen"]
    r = register(api, "nocredit", session, pay="channel", expect=409)
    assert error_of(r)["code"] == "payment_not_completed"
    pending = api.post("/v1/payments", {"patient_id": who["patient_id"], "amount_fen": fee,
                                        "purpose": "registration"})
    assert pending["qr_payload"] == f"ccpay://pay?id={pending['payment_id']}&amount={fee}"
    r = register(api, "nocredit", session, pay="channel", payment_id=pending["payment_id"],
                 expect=409)
    assert error_of(r)["code"] == "payment_not_completed"
    wrong = api.paid(who["patient_id"], fee + 1, "registration")
    r = register(api, "nocredit", session, pay="channel", payment_id=wrong, expect=409)
    assert error_of(r)["code"] == "payment_not_completed"
    other_purpose = api.paid(who["patient_id"], fee, "settlement")
    r = register(api, "nocredit", session, pay="channel", payment_id=other_purpose, expect=409)
    assert error_of(r)["code"] == "payment_mismatch"

    payment = api.paid(who["patient_id"], fee, "registration")
    done = register(api, "nocredit", session, pay="channel", payment_id=payment)
    assert done["paid_fen"] == fee and done["booked_fen"] == 0
    assert done["account"] is None and done["due_at"] is None
    assert api.get(f"/v1/payments/{payment}")["used"] is True
    r = register(api, "tier1", session, pay="channel", payment_id=payment, expect=409)
    assert error_of(r)["code"] == "payment_already_used"


def test_a_full_session_refuses_more(api: Api):
    session = future_session(api, slots=2)  # an expert clinic: two slots
    register(api, "tier1", session)
    register(api, "tier2", session)
    r = register(api, "tier3", session, expect=409)
    assert error_of(r)["code"] == "session_full"
    assert sessions(api, session["department_id"], 7) and next(
        s for s in sessions(api, session["department_id"], 7)
        if s["session_id"] == session["session_id"])["slots_left"] == 0


def test_cancel_returns_the_fee_to_the_line_or_the_channel(api: Api):
    session = future_session(api)
    who = api.who("tier3")
    before = api.account(who["account_id"])
    done = register(api, "tier3", session)
    cancelled = api.post(f"/v1/registrations/{done['registration_id']}/cancel", {})
    assert cancelled["status"] == "cancelled"
    assert cancelled["returned_to_line_fen"] == session["fee_fen"]
    assert cancelled["refunded_to_channel_fen"] == 0
    assert cancelled["account"]["used_fen"] == before["used_fen"]
    assert cancelled["account"]["available_fen"] == before["available_fen"]
    [bill] = api.bills(who["account_id"])
    assert bill["outstanding_fen"] == 0 and bill["refunded_fen"] == session["fee_fen"]
    assert bill["status"] == "paid"
    r = api.post(f"/v1/registrations/{done['registration_id']}/cancel", {}, 409)
    assert error_of(r)["code"] == "already_cancelled"
    assert register(api, "tier3", session)["queue_number"] == 2  # may book again

    payer = api.who("nocredit")["patient_id"]
    payment = api.paid(payer, session["fee_fen"], "registration")
    channel = register(api, "nocredit", session, pay="channel", payment_id=payment)
    back = api.post(f"/v1/registrations/{channel['registration_id']}/cancel", {})
    assert back["refunded_to_channel_fen"] == session["fee_fen"]
    assert back["returned_to_line_fen"] == 0 and back["account"] is None


def test_too_late_to_cancel_once_the_session_started(api: Api):
    session = future_session(api)
    done = register(api, "tier4", session)
    start = datetime.fromisoformat(session["starts_at"])
    api.set_clock((start - timedelta(seconds=1)).isoformat())
    api.set_clock(start.isoformat())
    r = api.post(f"/v1/registrations/{done['registration_id']}/cancel", {}, 409)
    assert error_of(r)["code"] == "too_late"
    assert api.get(f"/v1/patients/{api.who('tier4')['patient_id']}/registrations",
                   )["registrations"][0]["status"] == "booked"


@pytest.mark.parametrize("sandbox_control", [
    {"city": "xiamen", "start_at": datetime(2026, 10, 4, 9, 0, tzinfo=BUSINESS_TZ)}],
    indirect=True)
def test_holidays_open_only_the_clinics_that_open_on_days_off(api: Api):
    # 4 Oct 2026 is inside the National Day holiday.
    assert [s["department_id"] for s in sessions(api, "D03", days=1)] == []
    assert sessions(api, "D05", days=1)  # paediatrics opens on days off
    # 10 Oct 2026 is a make-up Saturday: the Monday template applies.
    week = sessions(api, "D03", days=7)
    assert any(s["date"] == "2026-10-10" for s in week)
