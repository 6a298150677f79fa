"""Synthetic patients with active credit accounts and open outpatient visits, written
straight into a sandbox store (the way the hospital's HIS would push visits).

The demo data has ten patients; the crash test and the drain benchmark need hundreds of
open visits spread over many accounts (a queue after an outage holds many patients, each
with a few settlements). Ids are ``PX…``, ``CX…``, ``VX…``; nothing personal is real.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kiosk.domain.idnumber import parse_id_number


@dataclass(frozen=True)
class Person:
    patient_id: str
    account_id: str
    id_number: str
    name: str
    phone: str
    visit_ids: tuple[str, ...]


def id_number_for(serial: int) -> str:
    """A valid 18-character ID number (GB 11643 check digit) born 1980-1999."""
    body = f"350203{1980 + serial % 20}{1 + serial % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    number = body + check
    parse_id_number(number)  # raises if the construction above is ever wrong
    return number


def populate(store, *, people: int, visits_each: int, personal_fen: int = 500, fund_fen: int = 300,
             line_fen: int = 100_000_000, first: int = 1) -> list[Person]:
    """``people`` adults, each with an active account of ``line_fen`` and ``visits_each`` open
    one-item visits of ``personal_fen + fund_fen``. One transaction."""
    now = store.now()
    city = store.city
    found = []
    with store.transaction() as conn:
        for n in range(first, first + people):
            patient_id, account_id = f"PX{n:06d}", f"CX{n:06d}"
            id_number = id_number_for(n)
            name, phone = f"测试患者{n:05d}", f"139{n:08d}"
            conn.execute(
                "INSERT INTO patients (patient_id, id_number, name, sex, birth_date, phone, score, "
                "guardian_patient_id, insurance_credit_grade) VALUES (?, ?, ?, 'F', ?, ?, 700, NULL, 'A')",
                (patient_id, id_number, name, f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}",
                 phone))
            conn.execute(
                "INSERT INTO accounts (account_id, holder_patient_id, status, policy, score, score_tier, "
                "value_added, line_fen, used_fen, phone, consent_version, consented_at, opened_at) "
                "VALUES (?, ?, 'active', ?, 700, 3, 0, ?, 0, ?, '2026-10', ?, ?)",
                (account_id, patient_id, city, line_fen, phone, now.isoformat(), now.isoformat()))
            visit_ids = []
            for v in range(visits_each):
                visit_id = f"VX{n:06d}{v:03d}"
                total = personal_fen + fund_fen
                conn.execute(
                    "INSERT INTO visits (visit_id, patient_id, kind, department, doctor, started_at, ended_at, "
                    "status, total_fen, fund_fen, personal_fen) VALUES (?, ?, 'outpatient', '内科', '王医生', ?, ?, "
                    "'open', ?, ?, ?)",
                    (visit_id, patient_id, (now - timedelta(hours=1)).isoformat(), now.isoformat(), total,
                     fund_fen, personal_fen))
                conn.execute(
                    "INSERT INTO visit_items (visit_id, line_no, code, name, quantity, unit_price_fen, amount_fen, "
                    "category) VALUES (?, 1, 'HY401', '血常规', 1, ?, ?, 'lab')", (visit_id, total, total))
                visit_ids.append(visit_id)
            found.append(Person(patient_id, account_id, id_number, name, phone, tuple(visit_ids)))
    return found


def settlement_body(person: Person, visit_id: str) -> dict:
    return {"patient_id": person.patient_id, "account_id": person.account_id, "visit_ids": [visit_id]}
