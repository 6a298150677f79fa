"""The insurance service's demo persons: the people of ``sandbox.demo_data`` (the same ID numbers
and names), each with the insurance the platform holds for them. Invented, like everything there.

=============  ========  ==========  ==================================================
role           insutype  account     note
=============  ========  ==========  ==================================================
tier1-tier3    310       a balance   employees insured in the sandbox's city
tier4          310       a balance   insured in the OTHER city (异地就医: Xiamen 350200,
                                     Hangzhou 330100)
elder          310       a balance   retired (psn_type 12)
inpatient      310       a balance
minor, teen    390       none        residents (children)
arrears        390       none
shortline      390       none
nocredit       none                  the platform knows the person, no insurance: "not insured"
=============  ========  ==========  ==================================================

Vouchers: the ID number (mdtrt_cert_type 02); the social-security card (03) numbered
``demo_data.sscard_number(role)`` with the 卡识别码 :func:`card_sn`; the e-voucher token (01) of
``demo_data.demo_token(role, "insurance_evoucher")`` (the one ending 000000 has expired).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sandbox import demo_data

CITY_ADMDVS = {"xiamen": "350200", "hangzhou": "330100"}
#: The fixmedins_code and name of the demo hospital (the kiosk's default settings).
FIXMEDINS_CODE = "H35020000001"
FIXMEDINS_NAME = "厦门市示范医院"

#: role -> (insutype, psn_type, personal-account balance in fen)
INSURED: dict[str, tuple[str, str, int]] = {
    "tier1": ("310", "11", 125_000),
    "tier2": ("310", "11", 68_050),
    "tier3": ("310", "11", 230_000),
    "tier4": ("310", "11", 41_520),
    "elder": ("310", "12", 512_300),
    "inpatient": ("310", "11", 88_000),
    "minor": ("390", "15", 0),
    "teen": ("390", "15", 0),
    "arrears": ("390", "15", 0),
    "shortline": ("390", "15", 0),
}
UNINSURED_ROLE = "nocredit"
ELSEWHERE_ROLE = "tier4"  # insured in the other city


@dataclass(frozen=True)
class DemoPerson:
    role: str
    psn_no: str
    certno: str
    name: str
    gend: str  # 1 male, 2 female
    brdy: str
    card_no: str
    card_sn: str
    token: str
    insutype: str | None
    psn_type: str
    balance_fen: int
    insuplc_admdvs: str


def card_sn(role: str) -> str:
    """The card's 卡识别码 (32 characters), derived from its number (``demo_data.sscard_number``)."""
    return hashlib.sha256(demo_data.sscard_number(role).encode()).hexdigest()[:32].upper()


def persons(city: str) -> list[DemoPerson]:
    here = CITY_ADMDVS[city]
    elsewhere = next(code for name, code in CITY_ADMDVS.items() if name != city)
    people = []
    for patient in demo_data.DEMO_PATIENTS:
        role = patient["role"]
        insutype, psn_type, balance = INSURED.get(role, (None, "", 0))
        admdvs = elsewhere if role == ELSEWHERE_ROLE else here
        people.append(DemoPerson(
            role=role, psn_no=f"{admdvs}{patient['patient_id'][1:]:0>14}", certno=patient["id_number"],
            name=patient["name"], gend="1" if patient["sex"] == "M" else "2", brdy=patient["birth_date"],
            card_no=demo_data.sscard_number(role), card_sn=card_sn(role),
            token=demo_data.demo_token(role, "insurance_evoucher"), insutype=insutype, psn_type=psn_type,
            balance_fen=balance, insuplc_admdvs=admdvs))
    return people
