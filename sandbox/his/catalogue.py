"""The sandbox hospital's catalogue as its HIS keeps it: charge codes mapped onto the national
medical-insurance list (``sandbox.demo_data.NATIONAL_LIST``), the doctors' staff codes, and the
hospital patient ids of the demo people.

Everything is derived from ``sandbox.demo_data`` (the one source of the demo people, visits and
prices) and ``sandbox.reference_data`` (departments, clinics, fees): the HIS answers the same amounts
as the credit platform's sandbox did for the same visits.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sandbox import demo_data
from sandbox import reference_data as ref
from sandbox.store.base import iso

#: The hospital's patient ids are its own numbers (病人ID), not the credit platform's.
FIRST_PATIENT_NUMBER = 10_000_000


def his_patient_id(role: str) -> str:
    """The HIS's patient id of a demo person: 10000000 + the number of their demo patient id."""
    return str(FIRST_PATIENT_NUMBER + int(demo_data.patient_by_role(role)["patient_id"][1:]))


def _doctors() -> dict[str, str]:
    """Doctor name -> staff code: the admission orders' codes (``atddr_no``), others numbered in the
    order of their names."""
    codes = {o["chfpdr_name"]: o["atddr_no"] for o in demo_data.ADMISSION_ORDERS}
    names = {c.doctor for c in ref.WEEKLY_TEMPLATE} | {v["doctor"] for v in demo_data.DEMO_VISITS}
    for n, name in enumerate(sorted(names - set(codes)), 1):
        codes[name] = f"D9{n:05d}"
    return codes


DOCTORS: dict[str, str] = _doctors()
#: Department code -> name: the clinics' (``reference_data.DEPARTMENTS``) and the departments a demo visit
#: names that take no registrations at the kiosk.
DEPARTMENT_NAMES: dict[str, str] = {code: name for code, (name, _, _) in ref.DEPARTMENTS.items()} | {"D08": "皮肤科"}
DEPARTMENT_CODES: dict[str, str] = {name: code for code, name in DEPARTMENT_NAMES.items()}


def doctor_code(name: str) -> str:
    return DOCTORS.get(name, "D000000")


def charge_item(code: str, *, line_no: int, quantity: int | Decimal, unit_price_fen: int | None = None,
                dept_code: str, doctor_name: str, at: datetime) -> dict:
    """One charge line of the hospital code ``code`` in the national codes (``charge_items`` columns).

    The outpatient catalogue gives the name and price, the inpatient one the name, price, charge type
    and class; ``NATIONAL_LIST`` the national code and spec; ``OUTPATIENT_CLASSES`` the outpatient
    charge type and class."""
    if code in demo_data.CATALOGUE:
        name, price, _ = demo_data.CATALOGUE[code]
        kind, level = demo_data.OUTPATIENT_CLASSES[code]
    else:
        name, price, kind, level = demo_data.INPATIENT_CATALOGUE[code]
    price = unit_price_fen if unit_price_fen is not None else price
    national, spec = demo_data.NATIONAL_LIST[code]
    cnt = Decimal(quantity)
    return {
        "line_no": line_no, "feedetl_sn": f"{line_no:04d}", "medins_list_codg": code, "med_list_codg": national,
        "med_chrgitm_type": kind, "chrgitm_lv": level, "name": name, "spec": spec, "pric_fen": price,
        "cnt": str(cnt), "amount_fen": int(price * cnt), "dept_code": dept_code,
        "dept_name": DEPARTMENT_NAMES[dept_code], "doctor_code": doctor_code(doctor_name),
        "doctor_name": doctor_name, "fee_ocur_time": iso(at),
    }


ITEM_COLUMNS = ("line_no", "feedetl_sn", "medins_list_codg", "med_list_codg", "med_chrgitm_type", "chrgitm_lv",
                "name", "spec", "pric_fen", "cnt", "amount_fen", "dept_code", "dept_name", "doctor_code",
                "doctor_name", "fee_ocur_time")


def insert_items(conn, owner_kind: str, owner_id: str, lines: list[dict]) -> int:
    """Store the lines under their owner (a visit, a registration, a stay); their total."""
    conn.executemany(
        f"INSERT INTO charge_items (owner_kind, owner_id, {', '.join(ITEM_COLUMNS)}) "
        f"VALUES (?, ?, {', '.join('?' * len(ITEM_COLUMNS))})",
        [(owner_kind, owner_id, *(line[c] for c in ITEM_COLUMNS)) for line in lines])
    return sum(line["amount_fen"] for line in lines)
