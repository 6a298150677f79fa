"""Credit admission (no deposit) and credit discharge, over HTTP."""
from __future__ import annotations

from collections import Counter

import pytest

from tests.sandbox_fixtures import Api, error_of


def test_the_demo_stay_has_300_items_over_6_days(api: Api):
    who = api.who("inpatient")
    [stay] = api.get(f"/v1/patients/{who['patient_id']}/admissions",
                     status="admitted")["admissions"]
    assert stay["deposit_paid_fen"] == 0 and stay["guarantee"] == "credit_line"
    assert stay["items_count"] == 300
    detail = api.get(f"/v1/admissions/{stay['admission_id']}")
    items = detail["items"]
    assert len(items) == 300
    days = Counter(i["date"] for i in items)
    assert len(days) == 6 and min(days) == detail["admitted_at"][:10]
    assert all(i["amount_fen"] == i["quantity"] * i["unit_price_fen"] for i in items)
    assert detail["total_fen"] == sum(i["amount_fen"] for i in items)
    assert detail["fund_fen"] + detail["personal_fen"] == detail["total_fen"]
    assert 0 < detail["fund_fen"] and 0 < detail["personal_fen"]
    # national codes: 床位费 01, 化验费 04, 护理费 07, 西药费 09; 甲 01, 乙 02, 丙 03 (self-paid in full)
    assert {i["med_chrgitm_type"] for i in items} >= {"01", "04", "07", "09"}
    assert {i["chrgitm_lv"] for i in items} == {"01", "02", "03"}
    assert all(i["self_paid_fen"] == i["amount_fen"] for i in items if i["chrgitm_lv"] == "03")
    assert api.get(f"/v1/patients/{who['patient_id']}/admissions",
                   status="discharged")["admissions"] == []
    # A made-up stay answers as any stay of a patient who is not here: nothing tells it apart.
    assert error_of(api.get("/v1/admissions/ADM-NOPE", expect=403))["code"] == \
        "patient_not_present"


def test_admission_needs_no_deposit(api: Api):
    who = api.who("tier3")
    [order] = api.get(f"/v1/patients/{who['patient_id']}/admission-orders", status="pending")["orders"]
    assert (order["adm_dept_name"], order["ward"], order["chfpdr_name"], order["med_type"]) == \
        ("心血管内科", "九病区", "庄立新", "21")
    admitted = api.post("/v1/admissions", {"patient_id": who["patient_id"],
                                           "account_id": who["account_id"],
                                           "order_id": order["order_id"]})
    assert admitted["status"] == "admitted" and admitted["deposit_fen"] == 0
    assert admitted["guarantee"] == "credit_line" and admitted["department"] == "心血管内科"
    assert (admitted["ward"], admitted["order_id"], admitted["doctor"]) == ("九病区", order["order_id"], "庄立新")
    [used] = api.get(f"/v1/patients/{who['patient_id']}/admission-orders")["orders"]
    assert (used["status"], used["admission_id"]) == ("admitted", admitted["admission_id"])
    assert admitted["admitted_at"].endswith("+08:00")
    [listed] = api.get(f"/v1/patients/{who['patient_id']}/admissions",
                       status="admitted")["admissions"]
    assert listed["admission_id"] == admitted["admission_id"] and listed["total_fen"] == 0
    r = api.post("/v1/admissions", {"patient_id": who["patient_id"],
                                    "account_id": who["account_id"],
                                    "order_id": order["order_id"]}, 409)
    assert error_of(r)["code"] == "admission_order_used"


def test_no_admission_without_an_order_of_ones_own(api: Api):
    """No order, or another patient's: refused, and the same answer for both."""
    tier2, tier1 = api.who("tier2"), api.who("tier1")
    assert api.get(f"/v1/patients/{tier2['patient_id']}/admission-orders")["orders"] == []
    [theirs] = api.get(f"/v1/patients/{tier1['patient_id']}/admission-orders")["orders"]
    for order_id in (theirs["order_id"], "RYZ999999"):
        r = api.post("/v1/admissions", {"patient_id": tier2["patient_id"], "account_id": tier2["account_id"],
                                        "order_id": order_id}, 404)
        assert error_of(r)["code"] == "admission_order_not_found"
    r = api.post("/v1/admissions", {"patient_id": tier2["patient_id"], "account_id": tier2["account_id"]}, 422)


@pytest.mark.parametrize("role, account_role, status, code", [
    ("arrears", "arrears", 403, "account_suspended"),
    ("nocredit", "tier1", 403, "account_not_linked"),  # no service of one's own
])
def test_admission_refused_when_suspended_or_without_service(api: Api, sandbox_control, role, account_role,
                                                             status, code):
    order = sandbox_control.store.add_admission_order(patient_id=api.who(role)["patient_id"], adm_dept_codg="D01")
    r = api.post("/v1/admissions", {"patient_id": api.who(role)["patient_id"],
                                    "account_id": api.who(account_role)["account_id"],
                                    "order_id": order["order_id"]}, status)
    assert error_of(r)["code"] == code


def test_discharge_within_the_line(api: Api):
    who = api.who("inpatient")
    [stay] = api.get(f"/v1/patients/{who['patient_id']}/admissions")["admissions"]
    assert stay["personal_fen"] <= api.account(who["account_id"])["available_fen"]
    done = api.post(f"/v1/admissions/{stay['admission_id']}/discharge",
                    {"account_id": who["account_id"]})
    assert done["booked_fen"] == stay["personal_fen"] and done["paid_fen"] == 0
    assert api.account(who["account_id"])["used_fen"] == stay["personal_fen"]


def test_discharge_with_a_shortfall(sandbox_control, api: Api):
    who = api.who("inpatient")
    [stay] = api.get(f"/v1/patients/{who['patient_id']}/admissions",
                     status="admitted")["admissions"]
    with sandbox_control.store.transaction() as conn:  # 1,000 yuan of the line left
        conn.execute("UPDATE accounts SET used_fen = line_fen - 100000 WHERE account_id = ?",
                     (who["account_id"],))
    account = api.account(who["account_id"])
    assert stay["personal_fen"] > account["available_fen"]
    shortfall = stay["personal_fen"] - account["available_fen"]
    path = f"/v1/admissions/{stay['admission_id']}/discharge"

    r = api.post(path, {"account_id": who["account_id"]}, 409)
    assert error_of(r)["details"] == {"shortfall_fen": shortfall,
                                      "booked_fen": account["available_fen"]}
    payment = api.paid(who["patient_id"], shortfall, "discharge")
    done = api.post(path, {"account_id": who["account_id"], "payment_id": payment})
    assert done["reference"].startswith("CY") and done["items_count"] == 300
    assert (done["total_fen"], done["fund_fen"], done["personal_fen"]) == (
        stay["total_fen"], stay["fund_fen"], stay["personal_fen"])
    assert done["deposit_used_fen"] == done["deposit_refund_fen"] == 0
    assert done["booked_fen"] == account["available_fen"] and done["paid_fen"] == shortfall
    assert done["available_fen"] == 0 and done["due_at"]
    [bill] = api.bills(who["account_id"])  # (the line was used up by hand, without bills)
    assert bill["kind"] == "inpatient" and bill["admission_id"] == stay["admission_id"]
    assert bill["amount_fen"] == done["booked_fen"]
    detail = api.get(f"/v1/admissions/{stay['admission_id']}")
    assert detail["status"] == "discharged" and detail["settlement_id"] == done["settlement_id"]
    r = api.post(path, {"account_id": who["account_id"]}, 409)
    assert error_of(r)["code"] == "already_discharged"


def test_deposit_beyond_the_personal_part_is_refunded(sandbox_control, api: Api):
    who = api.who("tier3")
    order = sandbox_control.store.add_admission_order(patient_id=who["patient_id"], adm_dept_codg="D07")
    admitted = api.post("/v1/admissions", {"patient_id": who["patient_id"],
                                           "account_id": who["account_id"],
                                           "order_id": order["order_id"]})
    with sandbox_control.store.transaction() as conn:  # a stay with a deposit and one charge
        conn.execute("UPDATE admissions SET deposit_paid_fen = 50000, guarantee = 'deposit' "
                     "WHERE admission_id = ?", (admitted["admission_id"],))
        conn.execute("INSERT INTO admission_items (admission_id, line_no, code, name, category, "
                     "day, quantity, unit_price_fen, amount_fen) VALUES (?, 1, 'CW001', '床位费',"
                     " 'bed', '2026-01-01', 2, 4500, 9000)", (admitted["admission_id"],))
    done = api.post(f"/v1/admissions/{admitted['admission_id']}/discharge",
                    {"account_id": who["account_id"]})
    assert done["personal_fen"] == 9000 - 9000 * 800 // 1000
    assert done["deposit_used_fen"] == done["personal_fen"]
    assert done["deposit_refund_fen"] == 50000 - done["personal_fen"]
    assert done["booked_fen"] == done["paid_fen"] == 0 and done["due_at"] is None
