"""A minor leaves the guardian's line when they come of age, and the platform enforces it.

The demo teen (``sandbox/demo_data.py``) was born on 2009-01-10 and is on the tier3 guardian's
line. Issue 11's rule (``kiosk/domain/age.py``): they are 18, an adult, from the birthday itself,
2027-01-10, 00:00 in Asia/Shanghai; 2027-01-09 is their last day on the guardian's line. The
sandbox starts on chosen days and its clock is moved forward as a patient's day goes on.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.domain.clock import BUSINESS_TZ
from sandbox.store import Refusal
from tests.sandbox_fixtures import Api, error_of

CITIES = ["xiamen", "hangzhou"]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BUSINESS_TZ)


def on(start: datetime) -> list:
    return [{"city": city, "start_at": start} for city in CITIES]


def settle(api: Api, role: str, visit: dict, account_id: str | None, expect: int = 200) -> dict:
    who = api.who(role)
    return api.post("/v1/settlements", {"patient_id": who["patient_id"], "account_id": account_id,
                                        "visit_ids": [visit["visit_id"]]}, expect)


@pytest.mark.parametrize("sandbox_control", on(at(2027, 1, 9, 10, 0)), indirect=True)
def test_the_day_before_the_birthday_still_uses_the_guardians_line(sandbox_control, api: Api):
    guardian, teen = api.who("tier3"), api.who("teen")
    assert (teen["is_minor"], teen["account_id"], teen["guardian_patient_id"]) == \
        (True, guardian["account_id"], guardian["patient_id"])
    first, second = api.open_visits(teen["patient_id"])
    morning = settle(api, "teen", first, guardian["account_id"])
    api.set_clock(at(2027, 1, 9, 23, 59, 30).isoformat())  # the day before, half a minute before midnight
    teen = api.who("teen")
    assert teen["is_minor"] is True and teen["account_id"] == guardian["account_id"]
    late = settle(api, "teen", second, guardian["account_id"])
    bills = [b for b in api.bills(guardian["account_id"]) if b["patient_id"] == teen["patient_id"]]
    assert sorted(b["settlement_id"] for b in bills) == sorted([morning["settlement_id"], late["settlement_id"]])


@pytest.mark.parametrize("sandbox_control", on(at(2027, 1, 9, 23, 50)), indirect=True)
def test_from_the_birthday_itself_the_guardians_line_is_refused(sandbox_control, api: Api):
    """Looked up at 23:50 the day before, settled after midnight: the settlement's day counts."""
    guardian, teen = api.who("tier3"), api.who("teen")
    first, second = api.open_visits(teen["patient_id"])
    before = settle(api, "teen", first, guardian["account_id"])  # the day before: still the guardian's
    guardian_used = api.account(guardian["account_id"])["used_fen"]

    api.set_clock(at(2027, 1, 10, 0, 0, 30).isoformat())  # the 18th birthday, half a minute in
    r = settle(api, "teen", second, guardian["account_id"], 403)
    assert error_of(r)["code"] == "guardian_line_ended"
    assert error_of(r)["details"] == {"adult_from": "2027-01-10"}
    assert api.account(guardian["account_id"])["used_fen"] == guardian_used  # nothing booked
    assert [v["visit_id"] for v in api.open_visits(teen["patient_id"])] == [second["visit_id"]]

    # What the platform now says of the teen: an adult with no credit service of their own.
    teen = api.who("teen")
    assert (teen["is_minor"], teen["account_id"], teen["has_credit_service"]) == (False, None, False)
    assert teen["guardian_patient_id"] == guardian["patient_id"]
    assert api.get(f"/v1/patients/{teen['patient_id']}/overview")["account"] is None
    # The bill from before stays with the guardian's account; the guardian no longer has the teen linked.
    overview = api.get(f"/v1/patients/{guardian['patient_id']}/overview")
    assert before["settlement_id"] in [b["settlement_id"] for b in overview["bills"]]
    assert teen["patient_id"] not in [link["patient_id"] for link in overview["linked"]]
    with sandbox_control.store.snapshot() as db:
        link = db.execute("SELECT status, closed_at FROM credit_links WHERE patient_id = ?",
                          (teen["patient_id"],)).fetchone()
    assert (link["status"], link["closed_at"]) == ("closed", "2027-01-10T00:00:00+08:00")
    r = settle(api, "teen", second, guardian["account_id"], 403)  # the link closed: still the reason
    assert error_of(r)["code"] == "guardian_line_ended"

    # Paid in full now, through the payment channel: nothing on anyone's line.
    payment = api.paid(teen["patient_id"], second["personal_fen"], "settlement")
    paid = api.post("/v1/settlements", {"patient_id": teen["patient_id"], "account_id": None,
                                        "visit_ids": [second["visit_id"]], "payment_id": payment})
    assert (paid["booked_fen"], paid["paid_fen"]) == (0, second["personal_fen"])


@pytest.mark.parametrize("sandbox_control", on(at(2027, 1, 10, 9, 0)), indirect=True)
def test_come_of_age_they_open_their_own_service(sandbox_control, api: Api):
    """On the 18th birthday itself."""
    teen = api.who("teen")
    assert teen["account_id"] is None
    consent = api.get("/v1/consent/current")["version"]
    opened = api.post("/v1/credit/open", {"patient_id": teen["patient_id"], "consent_version": consent,
                                          "score_authorised": True})
    assert opened["line_fen"] == 100_000  # 白鹭分 520 (Xiamen 501-600) / 钱江分 560 (Hangzhou 550-649)
    own = opened["account"]["account_id"]
    assert own != api.who("tier3")["account_id"] and api.who("teen")["account_id"] == own
    first = api.open_visits(teen["patient_id"])[0]
    settled = settle(api, "teen", first, own)
    assert settled["booked_fen"] == first["personal_fen"]


@pytest.mark.parametrize("sandbox_control", on(at(2027, 1, 9, 20, 0)), indirect=True)
def test_the_day_is_shanghais_whatever_clock_says_it(sandbox_control, api: Api):
    """16:00 UTC the day before the birthday is 00:00 on the birthday in Asia/Shanghai: refused."""
    guardian, teen = api.who("tier3"), api.who("teen")
    first, second = api.open_visits(teen["patient_id"])
    api.set_clock("2027-01-09T15:59:00+00:00")  # 23:59 in Shanghai: still the day before
    assert api.who("teen")["is_minor"] is True
    assert settle(api, "teen", first, guardian["account_id"])["booked_fen"] == first["personal_fen"]
    api.set_clock("2027-01-09T16:00:10+00:00")  # the 9th in UTC, the 10th in Shanghai
    r = settle(api, "teen", second, guardian["account_id"], 403)
    assert error_of(r)["code"] == "guardian_line_ended"
    assert error_of(r)["details"] == {"adult_from": "2027-01-10"}


# -- registration and admission: the write's own day ------------------------------------------

JUST_PAST_MIDNIGHT = at(2027, 1, 10, 0, 0, 0, 1_000)  # the 18th birthday, a millisecond in


@pytest.mark.parametrize("sandbox_control", on(at(2027, 1, 9, 23, 59)), indirect=True)
def test_an_admission_just_past_midnight_is_refused_before_the_nightly_batch(sandbox_control, api: Api):
    """The platform runs the nightly batch before each request: a request that came at 23:59:59.999
    writes at 00:00:00.001 with the teen's link still active. The admission's own day counts."""
    guardian, teen = api.who("tier3"), api.who("teen")
    store = sandbox_control.store
    order = store.add_admission_order(patient_id=teen["patient_id"], adm_dept_codg="D01")
    with pytest.raises(Refusal) as refused, store.transaction() as conn:
        store.admit(conn, JUST_PAST_MIDNIGHT, None, patient_id=teen["patient_id"],
                    account_id=guardian["account_id"], order_id=order["order_id"])
    assert (refused.value.status, refused.value.code, refused.value.details) == \
        (403, "guardian_line_ended", {"adult_from": "2027-01-10"})
    with store.snapshot() as db:
        assert db.execute("SELECT status FROM credit_links WHERE patient_id = ?",
                          (teen["patient_id"],)).fetchone()[0] == "active"  # the batch had not run
        assert db.execute("SELECT COUNT(*) FROM admissions WHERE patient_id = ?",
                          (teen["patient_id"],)).fetchone()[0] == 0
    # The day before, the guardian's line admits them.
    with store.transaction() as conn:
        admitted = store.admit(conn, at(2027, 1, 9, 23, 59, 59), None, patient_id=teen["patient_id"],
                               account_id=guardian["account_id"], order_id=order["order_id"])
    assert admitted["account_id"] == guardian["account_id"]


@pytest.mark.parametrize("sandbox_control", on(at(2027, 1, 9, 23, 50)), indirect=True)
def test_registration_on_credit_the_day_before_and_on_the_birthday(sandbox_control, api: Api):
    """The day before: on the guardian's line. On the birthday: 403 guardian_line_ended (the
    reason, not 'no credit service'); by phone it goes through."""
    guardian, teen = api.who("tier3"), api.who("teen")
    first, second = future_session(api, "D01"), future_session(api, "D02")
    before = register(api, teen, first)
    assert (before["booked_fen"], before["account"]["account_id"]) == (first["fee_fen"], guardian["account_id"])
    guardian_used = api.account(guardian["account_id"])["used_fen"]

    api.set_clock(at(2027, 1, 10, 0, 0, 30).isoformat())
    r = register(api, teen, second, expect=403)
    assert (error_of(r)["code"], error_of(r)["details"]) == ("guardian_line_ended", {"adult_from": "2027-01-10"})
    assert api.account(guardian["account_id"])["used_fen"] == guardian_used
    payment = api.paid(teen["patient_id"], second["fee_fen"], "registration")
    by_phone = register(api, teen, second, pay="channel", payment_id=payment)
    assert (by_phone["booked_fen"], by_phone["paid_fen"], by_phone["account"]) == (0, second["fee_fen"], None)
    # the registration fee from the day before stays on the guardian's account
    assert before["registration_id"] in [b["registration_id"] for b in api.bills(guardian["account_id"])]


@pytest.mark.parametrize("sandbox_control", on(at(2027, 1, 9, 23, 59)), indirect=True)
def test_a_registration_just_past_midnight_is_refused_before_the_nightly_batch(sandbox_control, api: Api):
    teen = api.who("teen")
    store = sandbox_control.store
    session = future_session(api, "D01")
    with pytest.raises(Refusal) as refused, store.transaction() as conn:
        store.register(conn, JUST_PAST_MIDNIGHT, None, session_id=session["session_id"],
                       patient_id=teen["patient_id"], pay="credit")
    assert (refused.value.status, refused.value.code) == (403, "guardian_line_ended")
    with store.snapshot() as db:
        assert db.execute("SELECT COUNT(*) FROM registrations WHERE patient_id = ?",
                          (teen["patient_id"],)).fetchone()[0] == 0


@pytest.mark.parametrize("sandbox_control", on(at(2027, 1, 9, 23, 59, 30)), indirect=True)
def test_the_lookup_says_when_the_guardians_line_has_ended(sandbox_control, api: Api):
    """``guardian_line_ended``: said outright, not left for the kiosk to infer."""
    teen = api.who("teen")
    assert (teen["is_minor"], teen["guardian_line_ended"]) == (True, False)  # the day before
    assert [api.who(role)["guardian_line_ended"] for role in ("tier3", "minor", "nocredit")] == [False] * 3
    api.set_clock(at(2027, 1, 10, 0, 0, 5).isoformat())
    teen = api.who("teen")
    assert (teen["is_minor"], teen["account_id"], teen["guardian_line_ended"]) == (False, None, True)
    consent = api.get("/v1/consent/current")["version"]
    api.post("/v1/credit/open", {"patient_id": teen["patient_id"], "consent_version": consent,
                                 "score_authorised": True})
    teen = api.who("teen")
    assert teen["account_id"] is not None and teen["guardian_line_ended"] is False  # their own now


def future_session(api: Api, department_id: str) -> dict:
    now = datetime.fromisoformat(api.now())
    found = api.get(f"/v1/departments/{department_id}/sessions", days=3)["sessions"]
    return next(s for s in found if datetime.fromisoformat(s["starts_at"]) > now and s["slots_left"] > 0)


def register(api: Api, who: dict, session: dict, pay: str = "credit", payment_id: str | None = None,
             expect: int = 200) -> dict:
    body = {"session_id": session["session_id"], "patient_id": who["patient_id"], "pay": pay}
    if payment_id:
        body["payment_id"] = payment_id
    return api.post("/v1/registrations", body, expect)
