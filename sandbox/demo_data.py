"""Demo data for the sandbox platform: fictional patients, accounts and outpatient visits.

Everything here is invented. ID numbers are *valid* GB 11643 numbers (so the kiosk's
checksum validation accepts them) with Xiamen region codes (3502xx); names, addresses
and phone numbers are made up.

Roles (pick a patient by ``role`` in the demo tour and in tests):

==========  ======================================================================
``tier1``   adult, 白鹭分 500 (edge of the lowest tier, line 500 CNY)
``tier2``   adult, 白鹭分 550 (line 1,000 CNY); guardian of the minor
``tier3``   adult, 白鹭分 650 (line 3,000 CNY)
``tier4``   adult, 白鹭分 651 (line 3,000 CNY, value-added services)
``minor``   child born 2015, no account of their own: uses the tier2 guardian's line
``arrears`` adult, 白鹭分 590, account suspended with an overdue unpaid bill
``nocredit`` adult, 白鹭分 560, no credit service yet (opening it gives a Xiamen line
            of 1,000 CNY); one open visit, paid through the payment channel until then
``elder``   aged 70+, parent of ``tier4``; own active account with one bill due (not
            overdue), so ``tier4`` can take on repayment and query it
``inpatient`` adult, an ongoing inpatient stay: 300 itemised charge lines over 6 days,
            no deposit (credit admission); its personal part fits the 3,000 CNY line
``shortline`` adult, lowest tier: line 500 CNY of which 450 are used by due bills; an
            open visit whose personal part exceeds the 50 CNY left (shortfall payment)
``teen``    born 2009-01-10, on the ``tier3`` guardian's line until the day before the 18th
            birthday (an adult from the birthday itself, 2027-01-10, ``kiosk.domain.age``): then
            refused on that line, offered their own service (白鹭分 520 for when they open it);
            two open visits (one to settle before the birthday, one on or after it)
==========  ======================================================================

``tier3`` has two open visits (settlement across visits). ``score`` is the Xiamen-style
demo score; ``scores`` overrides it per city (Hangzhou's 钱江分 tiers differ). Patients
carry a medical-insurance credit grade (A-E; None for some).

The insurance split is a demo rule, not a real reimbursement policy: each charge
category has a fund share in per mille, applied per item with integer fen (rounded down
for the fund, so the patient's part absorbs the remainder).

Inpatient charges speak the national medical-insurance codes (what the hospital's HIS
will send, issue 12): each catalogue entry has its 医疗收费项目类别 (``med_chrgitm_type``,
``"01"`` 床位费 ... ``"14"`` 其他费) and 收费项目等级 (``chrgitm_lv``: ``"01"`` 甲类,
``"02"`` 乙类, ``"03"`` 丙类). A 乙类 item's patient first pays a share (先行自付,
:data:`SELFPAY_PERMILLE`), a 丙类 item is paid in full by the patient (全自费); the fund
pays its category's share of a 甲类 or 乙类 item (:data:`INPATIENT_FUND_PERMILLE`).
"""
from __future__ import annotations

from datetime import date

from kiosk.domain.idnumber import check_character

#: Fund share of each outpatient charge category, per mille (demo rule).
FUND_PERMILLE: dict[str, int] = {
    "registration": 0,
    "self_pay": 0,
    "drug": 700,
    "tcm_drug": 600,
    "exam": 600,
    "lab": 700,
    "treatment": 650,
    "material": 500,
}

#: Charge catalogue: code -> (name, unit price in fen, category).
CATALOGUE: dict[str, tuple[str, int, str]] = {
    "GH001": ("普通门诊诊查费", 1000, "registration"),
    "GH002": ("副主任医师门诊诊查费", 2500, "registration"),
    "XY101": ("阿莫西林胶囊 0.25g×24粒", 1860, "drug"),
    "XY102": ("布洛芬缓释胶囊 0.3g×20粒", 2350, "drug"),
    "XY103": ("苯磺酸氨氯地平片 5mg×28片", 3120, "drug"),
    "XY104": ("盐酸二甲双胍缓释片 0.5g×30片", 2480, "drug"),
    "XY105": ("奥美拉唑肠溶胶囊 20mg×14粒", 2760, "drug"),
    "ZC201": ("连花清瘟胶囊 0.35g×24粒", 2690, "tcm_drug"),
    "JC301": ("胸部X线摄影(DR)", 9000, "exam"),
    "JC302": ("腹部彩色多普勒超声", 16000, "exam"),
    "JC303": ("常规十二导联心电图", 2500, "exam"),
    "HY401": ("血细胞分析(五分类)", 2000, "lab"),
    "HY402": ("C反应蛋白测定", 3500, "lab"),
    "HY403": ("糖化血红蛋白测定", 6000, "lab"),
    "HY404": ("肝功能常规检查", 8500, "lab"),
    "ZL501": ("静脉输液(第一组)", 1200, "treatment"),
    "ZL502": ("雾化吸入治疗", 1500, "treatment"),
    "CL601": ("一次性使用输液器", 350, "material"),
    "GH003": ("主任医师门诊诊查费", 4000, "registration"),
    "JC304": ("头颅CT平扫", 22000, "exam"),
    "ZF701": ("胸腺法新注射液 1.6mg(自费)", 100, "self_pay"),
}

#: The national 医疗收费项目类别 (med_chrgitm_type) and 收费项目等级 (chrgitm_lv) codes used
#: below (names in ``printing.charges``, which paper prints).
BED, CONSULTATION, EXAM, LAB, TREATMENT, NURSING, MATERIAL, WESTERN_DRUG = (
    "01", "02", "03", "04", "05", "07", "08", "09")
PATENT_DRUG = "11"  # 中成药费
CLASS_A, CLASS_B, CLASS_C = "01", "02", "03"  # 甲类, 乙类, 丙类

#: Inpatient charges, as the hospital's catalogue maps them onto the insurance list:
#: code -> (name, unit price in fen, med_chrgitm_type, chrgitm_lv).
INPATIENT_CATALOGUE: dict[str, tuple[str, int, str, str]] = {
    "CW001": ("普通病房床位费(三人间)", 4500, BED, CLASS_A),
    "HL001": ("二级护理", 2800, NURSING, CLASS_A),
    "HL002": ("静脉采血", 400, NURSING, CLASS_A),
    "ZY001": ("住院诊查费", 1500, CONSULTATION, CLASS_A),
    "XY201": ("注射用头孢曲松钠 1g", 2860, WESTERN_DRUG, CLASS_A),
    "XY202": ("0.9%氯化钠注射液 250ml", 520, WESTERN_DRUG, CLASS_A),
    "XY203": ("5%葡萄糖注射液 250ml", 560, WESTERN_DRUG, CLASS_A),
    "XY204": ("注射用泮托拉唑钠 40mg", 4350, WESTERN_DRUG, CLASS_B),
    "XY205": ("低分子肝素钙注射液 4100IU", 3980, WESTERN_DRUG, CLASS_B),
    "XY206": ("人血白蛋白注射液 10g(自费)", 39800, WESTERN_DRUG, CLASS_C),
    "HY501": ("血常规", 2000, LAB, CLASS_A),
    "HY502": ("电解质四项", 3200, LAB, CLASS_A),
    "HY503": ("肾功能", 4500, LAB, CLASS_A),
    "HY504": ("凝血四项", 6800, LAB, CLASS_A),
    "JC401": ("床旁心电图", 3000, EXAM, CLASS_A),
    "JC402": ("胸部CT平扫", 26000, EXAM, CLASS_B),
    "ZL601": ("静脉输液(每组)", 1200, TREATMENT, CLASS_A),
    "ZL602": ("雾化吸入", 1500, TREATMENT, CLASS_A),
    "CL701": ("一次性输液器", 350, MATERIAL, CLASS_B),
    "CL702": ("留置针", 2800, MATERIAL, CLASS_B),
}

#: Outpatient charges in the national codes: code -> (med_chrgitm_type, chrgitm_lv) (the HIS's mapping,
#: issue 12; the fund's demo share above stays the platform's until the insurance service takes over).
OUTPATIENT_CLASSES: dict[str, tuple[str, str]] = {
    "GH001": (CONSULTATION, CLASS_A), "GH002": (CONSULTATION, CLASS_A), "GH003": (CONSULTATION, CLASS_A),
    "XY101": (WESTERN_DRUG, CLASS_A), "XY102": (WESTERN_DRUG, CLASS_B), "XY103": (WESTERN_DRUG, CLASS_A),
    "XY104": (WESTERN_DRUG, CLASS_B), "XY105": (WESTERN_DRUG, CLASS_A), "ZC201": (PATENT_DRUG, CLASS_B),
    "JC301": (EXAM, CLASS_A), "JC302": (EXAM, CLASS_A), "JC303": (EXAM, CLASS_A), "JC304": (EXAM, CLASS_B),
    "HY401": (LAB, CLASS_A), "HY402": (LAB, CLASS_A), "HY403": (LAB, CLASS_B), "HY404": (LAB, CLASS_A),
    "ZL501": (TREATMENT, CLASS_A), "ZL502": (TREATMENT, CLASS_A), "CL601": (MATERIAL, CLASS_B),
    "ZF701": (WESTERN_DRUG, CLASS_C),
}

#: Every charge code of the hospital (outpatient and inpatient) on the national medical-insurance list:
#: code -> (med_list_codg, spec). The hospital's own code is the interface's ``medins_list_codg``. The
#: national codes are shaped like the real ones (西药 X + ATC + ingredient, form, 23 characters; 中成药 Z;
#: 医疗服务项目 15 digits: 00 + the 2012 price-item code + 4; 医用耗材 C + 19) but invented for the demo: the
#: insurance service's catalogue (sandbox/insurance) and the HIS (sandbox/his) both read them here.
NATIONAL_LIST: dict[str, tuple[str, str]] = {
    "GH001": ("001102000010001", "次"), "GH002": ("001102000010002", "次"), "GH003": ("001102000010003", "次"),
    "XY101": ("XJ01CAA040E001010100101", "0.25g×24粒"), "XY102": ("XM01AEB044E002010100102", "0.3g×20粒"),
    "XY103": ("XC08CAA099A001010100103", "5mg×28片"), "XY104": ("XA10BAE045A012010100104", "0.5g×30片"),
    "XY105": ("XA02BCA211E004010100105", "20mg×14粒"), "ZC201": ("ZA01BAL0186010100201", "0.35g×24粒"),
    "JC301": ("002101020150000", "次"), "JC302": ("002206000030000", "次"), "JC303": ("003107010010000", "次"),
    "JC304": ("002103000010000", "次"), "HY401": ("002501010150000", "项"), "HY402": ("002504030470000", "项"),
    "HY403": ("002503050040000", "项"), "HY404": ("002503010010000", "组"), "ZL501": ("001204000060000", "组"),
    "ZL502": ("003106030010000", "次"), "CL601": ("C1402031000000000601", "支"),
    "ZF701": ("XL03AXX211B002010100701", "1.6mg"),
    "CW001": ("001109000010000", "床日"), "HL001": ("001201000030000", "日"), "HL002": ("001204000010000", "次"),
    "ZY001": ("001102000030000", "日"), "XY201": ("XJ01DDT029B001010100201", "1g"),
    "XY202": ("XB05XAL120B002010100202", "250ml"), "XY203": ("XB05BAP042B002010100203", "250ml"),
    "XY204": ("XA02BCP028B001010100204", "40mg"), "XY205": ("XB01ABD063B002010100205", "4100IU"),
    "XY206": ("XB05AAR047B002010100206", "10g"), "HY501": ("002501010150000", "项"),
    "HY502": ("002503020010000", "组"), "HY503": ("002503060010000", "组"), "HY504": ("002502030010000", "组"),
    "JC401": ("003107010020000", "次"), "JC402": ("002103000020000", "次"), "ZL601": ("001204000060000", "组"),
    "ZL602": ("003106030010000", "次"), "CL701": ("C1402031000000000601", "支"),
    "CL702": ("C1402031000000000702", "支"),
}

#: Fund share of a 甲类 or 乙类 inpatient item's amount by its med_chrgitm_type, per mille
#: (demo rule); a 丙类 item gets nothing from the fund.
INPATIENT_FUND_PERMILLE: dict[str, int] = {
    BED: 800, CONSULTATION: 650, EXAM: 600, LAB: 700, TREATMENT: 650, NURSING: 850, MATERIAL: 500,
    WESTERN_DRUG: 700,
}

#: What the patient pays of an item whatever the fund does, by chrgitm_lv, per mille: 乙类
#: 先行自付 (the interface's ``selfpay_prop``; 10% in this demo), 丙类 the whole amount.
SELFPAY_PERMILLE: dict[str, int] = {CLASS_A: 0, CLASS_B: 100, CLASS_C: 1000}


def make_id_number(region: str, birth: date, sequence: int, sex: str) -> str:
    """A valid 18-character number: region (6) + birth date (8) + order (3) + check.

    The last order digit is odd for men and even for women (GB 11643).
    """
    if len(region) != 6 or not region.isdigit():
        raise ValueError("region code must be 6 digits")
    if sex not in ("M", "F") or not 0 <= sequence <= 99:
        raise ValueError("sex must be 'M' or 'F' and sequence 0-99")
    order = sequence * 10 + (1 if sex == "M" else 2)
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + check_character(first17)


def _patient(role: str, patient_id: str, name: str, sex: str, born: date, region: str,
             sequence: int, phone: str, score: int | None, address: str, issuer: str,
             card_valid: tuple[str, str], grade: str | None = None,
             scores: dict[str, int] | None = None) -> dict:
    return {
        "role": role,
        "patient_id": patient_id,
        "id_number": make_id_number(region, born, sequence, sex),
        "name": name,
        "sex": sex,
        "birth_date": born.isoformat(),
        "phone": phone,
        "score": score,
        "address": address,
        "issuer": issuer,
        "card_valid_from": card_valid[0],
        "card_valid_to": card_valid[1],
        "insurance_credit_grade": grade,
        "scores": scores or {},
    }


def demo_score(patient: dict, city: str) -> int | None:
    """The patient's demo score in a city's scale."""
    return patient["scores"].get(city, patient["score"])


#: Patients, adults first. ``score`` is None for the minor, who shares the guardian's; the teen's
#: is the one they will have when they open their own service at 18.
DEMO_PATIENTS: list[dict] = [
    _patient("tier1", "P000001", "林雅婷", "F", date(1990, 3, 14), "350203", 12,
             "13900000101", 500, "福建省厦门市思明区湖滨南路示范里12号", "厦门市公安局思明分局",
             ("2015-04-02", "2035-04-02"), "B", {"hangzhou": 560}),
    _patient("tier2", "P000002", "陈思远", "M", date(1985, 7, 22), "350206", 34,
             "13900000102", 550, "福建省厦门市湖里区仙岳路演示巷8号", "厦门市公安局湖里分局",
             ("2012-09-10", "2032-09-10"), "A", {"hangzhou": 600}),
    _patient("tier3", "P000003", "黄志强", "M", date(1972, 11, 5), "350211", 5,
             "13900000103", 650, "福建省厦门市集美区样例路66号", "厦门市公安局集美分局",
             ("2019-06-18", "长期"), "A", {"hangzhou": 680}),
    _patient("tier4", "P000004", "吴晓梅", "F", date(1968, 1, 30), "350205", 27,
             "13900000104", 651, "福建省厦门市海沧区培训大道101号", "厦门市公安局海沧分局",
             ("2016-12-01", "长期"), "B", {"hangzhou": 720}),
    _patient("minor", "P000005", "陈乐乐", "F", date(2015, 6, 1), "350206", 41,
             "13900000102", None, "福建省厦门市湖里区仙岳路演示巷8号", "厦门市公安局湖里分局",
             ("2023-07-15", "2028-07-15")),
    _patient("arrears", "P000006", "郑建华", "M", date(1979, 9, 18), "350212", 8,
             "13900000106", 590, "福建省厦门市同安区测试街3号", "厦门市公安局同安分局",
             ("2010-03-25", "2030-03-25"), "D", {"hangzhou": 590}),
    _patient("nocredit", "P000007", "周美玲", "F", date(1993, 8, 9), "350203", 57,
             "13900000107", 560, "福建省厦门市思明区演武路样板楼7号", "厦门市公安局思明分局",
             ("2021-05-20", "2041-05-20"), "C", {"hangzhou": 560}),
    _patient("elder", "P000008", "吴德福", "M", date(1948, 4, 12), "350205", 3,
             "13900000108", 610, "福建省厦门市海沧区培训大道101号", "厦门市公安局海沧分局",
             ("2008-10-01", "长期"), "A", {"hangzhou": 660}),
    _patient("inpatient", "P000009", "刘振东", "M", date(1966, 2, 27), "350211", 19,
             "13900000109", 700, "福建省厦门市集美区示例大道9号", "厦门市公安局集美分局",
             ("2014-02-11", "长期"), "B", {"hangzhou": 700}),
    _patient("shortline", "P000010", "何静怡", "F", date(1998, 12, 3), "350212", 23,
             "13900000110", 480, "福建省厦门市同安区演示路10号", "厦门市公安局同安分局",
             ("2018-01-08", "2028-01-08"), None, {"hangzhou": 560}),
    _patient("teen", "P000011", "黄子涵", "F", date(2009, 1, 10), "350211", 61,
             "13900000111", 520, "福建省厦门市集美区样例路66号", "厦门市公安局集美分局",
             ("2024-02-01", "2029-02-01"), None, {"hangzhou": 560}),
]

#: Minor role -> guardian role (the minor's service is linked to the guardian's account).
GUARDIANS: dict[str, str] = {"minor": "tier2", "teen": "tier3"}

#: Credit accounts, one per adult. ``used_fen`` is derived from the unpaid seeded bills.
DEMO_ACCOUNTS: list[dict] = [
    {"account_id": "CA000001", "holder_role": "tier1", "status": "active"},
    {"account_id": "CA000002", "holder_role": "tier2", "status": "active"},
    {"account_id": "CA000003", "holder_role": "tier3", "status": "active"},
    {"account_id": "CA000004", "holder_role": "tier4", "status": "active"},
    {"account_id": "CA000006", "holder_role": "arrears", "status": "suspended"},
    {"account_id": "CA000008", "holder_role": "elder", "status": "active"},
    {"account_id": "CA000009", "holder_role": "inpatient", "status": "active"},
    {"account_id": "CA000010", "holder_role": "shortline", "status": "active"},
]

#: Adult child role -> parent role (the HIS family record; repayment not yet taken on).
PARENTS: dict[str, str] = {"tier4": "elder"}

#: One open outpatient visit per patient. ``items``: (code, quantity).
DEMO_VISITS: list[dict] = [
    {"visit_id": "V000001", "role": "tier1", "department": "全科医学科", "doctor": "许文静",
     "items": [("GH001", 1), ("XY101", 2), ("HY401", 1), ("HY402", 1)]},
    {"visit_id": "V000002", "role": "tier2", "department": "呼吸内科", "doctor": "蔡明辉",
     "items": [("GH002", 1), ("ZC201", 1), ("JC301", 1), ("HY401", 1), ("HY402", 1),
               ("ZL502", 2)]},
    {"visit_id": "V000003", "role": "tier3", "department": "心血管内科", "doctor": "庄立新",
     "items": [("GH002", 1), ("XY103", 2), ("JC303", 1), ("HY404", 1), ("JC302", 1)]},
    {"visit_id": "V000004", "role": "tier4", "department": "内分泌科", "doctor": "苏慧敏",
     "items": [("GH002", 1), ("XY104", 3), ("HY403", 1), ("HY404", 1), ("JC302", 1),
               ("ZL501", 1), ("CL601", 2)]},
    {"visit_id": "V000005", "role": "minor", "department": "儿科", "doctor": "洪晓燕",
     "items": [("GH001", 1), ("XY102", 1), ("HY401", 1), ("ZL502", 2)]},
    {"visit_id": "V000006", "role": "arrears", "department": "消化内科", "doctor": "叶志伟",
     "items": [("GH001", 1), ("XY105", 2), ("HY404", 1)]},
    {"visit_id": "V000007", "role": "nocredit", "department": "全科医学科", "doctor": "林国栋",
     "items": [("GH001", 1), ("XY102", 1), ("HY401", 1), ("HY402", 1)]},
    {"visit_id": "V000010", "role": "shortline", "department": "骨科", "doctor": "郭海峰",
     "items": [("GH003", 1), ("JC304", 1), ("XY102", 2), ("ZL501", 1)]},
    {"visit_id": "V000013", "role": "tier3", "department": "消化内科", "doctor": "叶志伟",
     "items": [("GH001", 1), ("XY105", 1), ("HY401", 1)]},
    {"visit_id": "V000014", "role": "teen", "department": "皮肤科", "doctor": "陈雅琴",
     "items": [("GH001", 1), ("XY101", 1), ("HY401", 1)]},
    {"visit_id": "V000015", "role": "teen", "department": "全科医学科", "doctor": "许文静",
     "items": [("GH001", 1), ("XY102", 1), ("ZL502", 1)]},
]

#: Earlier settled visits whose bills are still open (due, in either city): ``days_ago``
#: before seeding. ``fill_to_available``: a self-paid line is added, sized so that the
#: account's available line ends at that many fen.
OPEN_BILL_HISTORY: list[dict] = [
    {"visit_id": "V000908", "role": "elder", "department": "心血管内科", "doctor": "庄立新",
     "days_ago": 1, "account_id": "CA000008", "settlement_id": "STL000908",
     "bill_id": "BIL000908",
     "items": [("GH003", 1), ("XY103", 2), ("JC303", 1), ("HY404", 1)]},
    {"visit_id": "V000910", "role": "shortline", "department": "内分泌科", "doctor": "杨建新",
     "days_ago": 1, "account_id": "CA000010", "settlement_id": "STL000910",
     "bill_id": "BIL000910",
     "items": [("GH001", 1), ("XY104", 2), ("HY403", 1)]},
    {"visit_id": "V000911", "role": "shortline", "department": "全科医学科", "doctor": "许文静",
     "days_ago": 0, "account_id": "CA000010", "settlement_id": "STL000911",
     "bill_id": "BIL000911", "items": [("GH001", 1)], "fill_to_available": 5000},
]

#: The inpatient's ongoing stay (admitted ``days`` days before seeding).
INPATIENT_STAY: dict = {
    "admission_id": "A000001", "role": "inpatient", "account_id": "CA000009",
    "department_id": "D02", "bed": "07床", "days": 6, "lines": 300,
}

#: Admission orders (入院证) the hospital's doctors issued, waiting for the patient to be admitted
#: (``issued_days_ago`` before seeding). The fields follow the national medical-insurance
#: interface's admission (2401 mdtrtinfo) where it has one: ``med_type`` 21 普通住院,
#: ``adm_dept_codg``/``adm_dept_name`` the admitting department, ``atddr_no``/``chfpdr_name`` the
#: doctor, ``adm_diag_dscr`` and ``dise_codg`` (ICD-10) the admitting diagnosis; ``ward`` is the
#: hospital's own (issue 12 moves orders to the HIS service as they are).
ADMISSION_ORDERS: tuple[dict, ...] = (
    {"order_id": "RYZ000001", "role": "tier1", "med_type": "21", "adm_dept_codg": "D01",
     "adm_dept_name": "全科医学科", "ward": "五病区", "atddr_no": "D010203", "chfpdr_name": "许文静",
     "adm_diag_dscr": "社区获得性肺炎", "dise_codg": "J18.9", "issued_days_ago": 0},
    {"order_id": "RYZ000002", "role": "tier3", "med_type": "21", "adm_dept_codg": "D03",
     "adm_dept_name": "心血管内科", "ward": "九病区", "atddr_no": "D030105", "chfpdr_name": "庄立新",
     "adm_diag_dscr": "不稳定型心绞痛", "dise_codg": "I20.0", "issued_days_ago": 1},
    {"order_id": "RYZ000003", "role": "elder", "med_type": "21", "adm_dept_codg": "D04",
     "adm_dept_name": "内分泌科", "ward": "十一病区", "atddr_no": "D040302", "chfpdr_name": "苏慧敏",
     "adm_diag_dscr": "2型糖尿病伴血糖控制不佳", "dise_codg": "E11.6", "issued_days_ago": 0},
    {"order_id": "RYZ000004", "role": "tier4", "med_type": "21", "adm_dept_codg": "D04",
     "adm_dept_name": "内分泌科", "ward": "十一病区", "atddr_no": "D040302", "chfpdr_name": "苏慧敏",
     "adm_diag_dscr": "糖尿病酮症", "dise_codg": "E11.1", "issued_days_ago": 2},
)

#: An earlier, settled visit of the arrears patient whose bill is overdue.
#: ``days_ago``: how long before seeding the visit ended.
ARREARS_HISTORY: dict = {
    "visit_id": "V000900", "role": "arrears", "department": "消化内科", "doctor": "叶志伟",
    "days_ago": 60, "account_id": "CA000006", "settlement_id": "STL000900",
    "bill_id": "BIL000900",
    "items": [("GH002", 1), ("JC302", 1), ("HY404", 1), ("XY105", 3), ("ZL501", 1)],
}


def visit_lines(items: list[tuple]) -> list[dict]:
    """Itemised charges for catalogue codes, amounts in integer fen.

    An item is ``(code, quantity)`` or ``(code, quantity, unit_price_fen)``."""
    lines = []
    for code, quantity, *price in items:
        name, unit_price_fen, category = CATALOGUE[code]
        unit_price_fen = price[0] if price else unit_price_fen
        lines.append({
            "code": code,
            "name": name,
            "quantity": quantity,
            "unit_price_fen": unit_price_fen,
            "amount_fen": quantity * unit_price_fen,
            "category": category,
        })
    return lines


def inpatient_lines(days: int, count: int) -> list[dict]:
    """``count`` itemised inpatient charges over ``days`` days (``day`` 0 is the day of
    admission), deterministic: bed, nursing and the ward round every day; a chest CT,
    ECGs, coagulation tests and one self-paid albumin dose on chosen days; drugs,
    infusions, labs and materials in rotation for the rest."""
    planned: list[tuple[int, str, int]] = []
    for day in range(days):
        planned += [(day, "CW001", 1), (day, "HL001", 1), (day, "ZY001", 1)]
    planned += [(1, "JC402", 1), (2, "XY206", 1), (4, "JC401", 1), (0, "JC401", 1),
                (0, "HY504", 1), (3, "HY504", 1)]
    rotation = [("XY201", 2), ("XY202", 2), ("XY203", 1), ("ZL601", 2), ("CL701", 2),
                ("HL002", 1), ("XY204", 1), ("HY501", 1), ("XY205", 1), ("ZL602", 1),
                ("HY502", 1), ("CL702", 1), ("HY503", 1)]
    n = 0
    while len(planned) < count:
        code, quantity = rotation[n % len(rotation)]
        planned.append((n % days, code, quantity))
        n += 1
    planned.sort(key=lambda p: p[0])
    lines = []
    for day, code, quantity in planned[:count]:
        name, unit_price_fen, category, _ = INPATIENT_CATALOGUE[code]
        lines.append({"day": day, "code": code, "name": name, "category": category,
                      "quantity": quantity, "unit_price_fen": unit_price_fen,
                      "amount_fen": quantity * unit_price_fen})
    return lines


def insurance_split(lines: list[dict]) -> tuple[int, int, int]:
    """``(total_fen, fund_fen, personal_fen)`` of outpatient lines; the three always add up exactly."""
    total = sum(line["amount_fen"] for line in lines)
    fund = sum(line["amount_fen"] * FUND_PERMILLE[line["category"]] // 1000 for line in lines)
    return total, fund, total - fund


def inpatient_item(code: str, category: str, amount_fen: int) -> dict:
    """An inpatient charge's insurance facts, from the catalogue entry of its ``code``:
    ``med_chrgitm_type``, ``chrgitm_lv``, ``self_paid_fen`` (乙类 先行自付, 丙类 all of it) and
    ``fund_fen`` (the fund's share of a 甲类 or 乙类 item). A code missing from the
    catalogue is outside the insurance list: 丙类 under its recorded ``category``."""
    entry = INPATIENT_CATALOGUE.get(code)
    kind, level = (entry[2], entry[3]) if entry else (category, CLASS_C)
    self_paid = amount_fen * SELFPAY_PERMILLE[level] // 1000
    fund = 0 if level == CLASS_C else amount_fen * INPATIENT_FUND_PERMILLE[kind] // 1000
    return {"med_chrgitm_type": kind, "chrgitm_lv": level, "self_paid_fen": self_paid, "fund_fen": fund}


def inpatient_split(items: list[dict]) -> tuple[int, int, int]:
    """``(total_fen, fund_fen, personal_fen)`` of inpatient items carrying ``fund_fen``
    (:func:`inpatient_item`); the three always add up exactly."""
    total = sum(item["amount_fen"] for item in items)
    fund = sum(item["fund_fen"] for item in items)
    return total, fund, total - fund


def patient_by_role(role: str) -> dict:
    for patient in DEMO_PATIENTS:
        if patient["role"] == role:
            return patient
    raise KeyError(f"no demo patient with role {role!r}")


def demo_card(role: str) -> dict:
    """The text fields a resident ID card carries, for the simulated card reader.

    Dates are ISO strings; ``valid_to`` is ``"长期"`` (long-term) for holders over 45,
    as printed on real cards.
    """
    p = patient_by_role(role)
    return {
        "name": p["name"],
        "sex": "男" if p["sex"] == "M" else "女",
        "nation": "汉",
        "birth_date": p["birth_date"],
        "address": p["address"],
        "id_number": p["id_number"],
        "issuer": p["issuer"],
        "valid_from": p["card_valid_from"],
        "valid_to": p["card_valid_to"],
    }


def sscard_number(role: str) -> str:
    """The demo patient's social-security card number (社会保障卡卡号: 9 letters and digits, read from the
    card with the resident ID number, ``kiosk.devices.sscard``): ``E35`` and the digits of their patient id.
    The HIS and the insurance service find the patient by it."""
    return "E35" + patient_by_role(role)["patient_id"][1:]


#: Scanned codes: a medical-insurance e-voucher (医保电子凭证) or an e-health card (电子健康卡) QR
#: carries an opaque token the platform resolves. Demo tokens name their patient's role;
#: sequence 000000 stands for a code that has expired (the patient must refresh it).
TOKEN_KINDS = {"insurance_evoucher": "ecv", "health_card": "ehc"}


def demo_token(role: str, token_type: str, expired: bool = False) -> str:
    patient_by_role(role)  # KeyError for an unknown role
    return f"demo-{role}-{TOKEN_KINDS[token_type]}-{'000000' if expired else '000001'}"
