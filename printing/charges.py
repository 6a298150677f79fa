"""The national medical-insurance code tables a statement prints in words.

The platform (and, after issue 12, the hospital's HIS) sends each charge item with the
codes of the national medical-insurance interface (医疗保障信息平台定点医药机构接口):

* ``med_chrgitm_type`` — 医疗收费项目类别, the charge category: ``"01"`` 床位费 ... ``"14"`` 其他费;
* ``chrgitm_lv`` — 收费项目等级, the insurance class: ``"01"`` 甲类 (fully within the fund's
  list), ``"02"`` 乙类 (the patient first pays a share, 先行自付), ``"03"`` 丙类 (outside the
  list: 全自费).

Paper shows the Chinese names. The values are the ones two independent public HIS code
bases use for these fields (an openhis enum of MED_CHRGITM_TYPE and a fee-upload query
mapping a hospital's fee classes onto the same codes; the 01/02/03 class values from a
settlement-list query grouping by ``chrgitm_lv``): see ``docs/printing.md``. Some HIS code
bases write the class without the leading zero (``"1"``); both are read.
"""
from __future__ import annotations

__all__ = ["MED_CHRGITM_TYPE", "CHRGITM_LV", "CLASS_NAMES", "category_name", "class_mark", "category_order"]

#: 医疗收费项目类别 (med_chrgitm_type): code -> the name printed.
MED_CHRGITM_TYPE: dict[str, str] = {
    "01": "床位费",
    "02": "诊察费",
    "03": "检查费",
    "04": "化验费",
    "05": "治疗费",
    "06": "手术费",
    "07": "护理费",
    "08": "卫生材料费",
    "09": "西药费",
    "10": "中药饮片费",
    "11": "中成药费",
    "12": "一般诊疗费",
    "13": "挂号费",
    "14": "其他费",
}

#: 收费项目等级 (chrgitm_lv): code -> the one-character mark printed in an item row.
CHRGITM_LV: dict[str, str] = {"01": "甲", "02": "乙", "03": "丙"}

#: The mark -> its name in a summary's column heading.
CLASS_NAMES: dict[str, str] = {"甲": "甲类", "乙": "乙类", "丙": "丙类"}


def category_name(code: str) -> str:
    """The printed name of a ``med_chrgitm_type`` code; ``ValueError`` for an unknown one
    (a code paper cannot name must not become a blank column)."""
    try:
        return MED_CHRGITM_TYPE[code]
    except KeyError:
        raise ValueError(f"unknown medical charge category {code!r}") from None


def class_mark(code: str) -> str:
    """甲, 乙 or 丙 for a ``chrgitm_lv`` code (``"01"`` or ``"1"``); ``ValueError`` otherwise."""
    try:
        return CHRGITM_LV[code.zfill(2)]
    except (KeyError, AttributeError):
        raise ValueError(f"unknown insurance class {code!r}") from None


_ORDER = {name: index for index, name in enumerate(MED_CHRGITM_TYPE.values())}


def category_order(name: str) -> int:
    """Sort key of a printed category name: the national table's order, unknown names after."""
    return _ORDER.get(name, len(_ORDER))
