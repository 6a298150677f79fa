"""The insurance service's 医保目录 (the list of what the fund covers) and the hospital's 对照
(its own codes mapped onto the list, as a hospital uploads them with 3301), for the demo hospital.

Both come from ``sandbox.demo_data``, which the HIS reads too: ``NATIONAL_LIST`` (each hospital
code's ``med_list_codg``), ``OUTPATIENT_CLASSES`` and ``INPATIENT_CATALOGUE`` (its 收费项目类别
``med_chrgitm_type`` and 收费项目等级 ``chrgitm_lv``: 01 甲类, 02 乙类, 03 丙类).

A fee line is classified by its ``med_list_codg`` when the list knows it, else by the mapping of
its ``medins_list_codg``; a line neither knows is outside the list: 丙类 (其他费 14), paid by the
patient.
"""
from __future__ import annotations

from dataclasses import dataclass

from sandbox import demo_data

A, B, C = demo_data.CLASS_A, demo_data.CLASS_B, demo_data.CLASS_C  # 甲类, 乙类, 丙类

#: What the patient pays first of an item (先行自付, the answer's selfpay_prop), per mille by class:
#: demo_data's figure, so the HIS and this service agree.
SELFPAY_PERMILLE = demo_data.SELFPAY_PERMILLE


@dataclass(frozen=True)
class ListItem:
    med_list_codg: str
    med_chrgitm_type: str
    chrgitm_lv: str


def _classes(code: str) -> tuple[str, str]:
    if code in demo_data.OUTPATIENT_CLASSES:
        return demo_data.OUTPATIENT_CLASSES[code]
    _name, _price, kind, level = demo_data.INPATIENT_CATALOGUE[code]
    return kind, level


def _list() -> dict[str, ListItem]:
    items: dict[str, ListItem] = {}
    for code, (national, _spec) in demo_data.NATIONAL_LIST.items():
        item = ListItem(national, *_classes(code))
        known = items.setdefault(national, item)
        if known != item:  # two hospital codes on one national code must agree on its classes
            raise ValueError(f"{national}: {code} classes it {item}, another code {known}")
    return items


#: med_list_codg -> the list's entry.
LIST: dict[str, ListItem] = _list()
#: The hospital's mapping (对照): medins_list_codg -> med_list_codg.
MAPPING: dict[str, str] = {code: national for code, (national, _spec) in demo_data.NATIONAL_LIST.items()}


def classify(med_list_codg: str, medins_list_codg: str) -> ListItem:
    """The list entry of a fee line: by its national code, else by the hospital's mapping; a code
    outside the list is 丙类, 其他费."""
    item = LIST.get(med_list_codg)
    if item is None:
        item = LIST.get(MAPPING.get(medins_list_codg, ""))
    return item or ListItem(med_list_codg, "14", C)
