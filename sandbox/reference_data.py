"""Reference data of the sandbox hospital: the consent text, departments and their weekly
clinic template, dispute reasons, wards. All invented for demonstration and training.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.workdays import is_working_day

CONSENT = {
    "version": "2026-10",
    "title": "信用就医服务授权书",
    "published_at": "2026-10-01T00:00:00+08:00",
    "text_zh": (
        "本人自愿开通信用就医服务，授权信用就医平台查询并使用本人的信用分用于核定信用额度，"
        "授权医院将本人就诊产生的个人自付费用记入信用额度，并通过本人预留的手机号码发送账单与"
        "还款提醒。本人知晓：应在规定期限内还款；逾期未还将暂停信用就医服务并可能影响个人信用；"
        "退费优先退回信用账户；对账单有异议可以提出，平台在5个工作日内答复。未成年人由监护人代为"
        "开通，共享监护人的信用额度，由监护人承担还款责任。本人可在结清全部欠款后关闭本服务。"),
    "text_en": (
        "I voluntarily open the credit-based medical care service. I authorise the credit "
        "platform to query and use my credit score to set my credit line, and the hospital "
        "to book the personal part of my medical bills on that line, and to send bills and "
        "repayment reminders to my mobile phone. I understand that I must repay within the "
        "set period; overdue bills suspend the service and may affect my credit record; "
        "refunds go back to the credit account first; I may dispute a bill and will be "
        "answered within 5 working days. A minor's service is opened by the guardian, shares "
        "the guardian's line, and the guardian repays. I may close the service once "
        "everything owed is paid."),
}

DISPUTE_REASONS = [
    {"code": "wrong_amount", "text_zh": "金额有误", "text_en": "The amount is wrong"},
    {"code": "not_received", "text_zh": "未接受该项服务", "text_en": "I did not receive this service"},
    {"code": "duplicate_charge", "text_zh": "重复收费", "text_en": "Charged twice"},
    {"code": "insurance_not_applied", "text_zh": "医保未报销",
     "text_en": "Medical insurance was not applied"},
    {"code": "other", "text_zh": "其他", "text_en": "Other"},
]
DISPUTE_REASON_CODES = frozenset(r["code"] for r in DISPUTE_REASONS)

#: department_id -> (name, English name, ward)
DEPARTMENTS: dict[str, tuple[str, str, str]] = {
    "D01": ("全科医学科", "General Practice", "五病区"),
    "D02": ("呼吸内科", "Respiratory Medicine", "七病区"),
    "D03": ("心血管内科", "Cardiology", "九病区"),
    "D04": ("内分泌科", "Endocrinology", "十一病区"),
    "D05": ("儿科", "Paediatrics", "儿科病区"),
    "D06": ("消化内科", "Gastroenterology", "八病区"),
    "D07": ("骨科", "Orthopaedics", "十二病区"),
}

#: Registration fee by doctor title (fen), with its charge code.
FEES = {"主治医师": ("GH001", 1000), "副主任医师": ("GH002", 2500), "主任医师": ("GH003", 4000)}

PERIODS = {"AM": (time(8, 0), time(12, 0)), "PM": (time(14, 0), time(17, 30))}


@dataclass(frozen=True)
class Clinic:
    """One line of the weekly template: a doctor's clinic on some weekdays."""

    department_id: str
    weekdays: frozenset[int]  # 0 = Monday; used on working days
    period: str
    doctor: str
    title: str
    room: str
    slots: int
    on_days_off: bool = False  # also held on weekends and public holidays


def _c(dept, days, period, doctor, title, room, slots, off=False) -> Clinic:
    return Clinic(dept, frozenset(days), period, doctor, title, room, slots, off)


ALL_WEEK = range(5)
WEEKLY_TEMPLATE: list[Clinic] = [
    _c("D01", ALL_WEEK, "AM", "许文静", "主治医师", "门诊1楼101", 40, off=True),
    _c("D01", ALL_WEEK, "PM", "林国栋", "主治医师", "门诊1楼101", 40),
    _c("D02", (0, 2, 4), "AM", "蔡明辉", "副主任医师", "门诊2楼203", 25),
    _c("D02", (1, 3), "AM", "王丽华", "主任医师", "门诊2楼205", 2),  # scarce expert clinic
    _c("D02", ALL_WEEK, "PM", "方志远", "主治医师", "门诊2楼203", 30),
    _c("D03", ALL_WEEK, "AM", "庄立新", "主任医师", "门诊3楼301", 2),  # scarce expert clinic
    _c("D03", (0, 1, 3), "PM", "高雅琴", "副主任医师", "门诊3楼302", 20),
    _c("D04", (1, 3), "AM", "苏慧敏", "副主任医师", "门诊3楼310", 20),
    _c("D04", (0, 2, 4), "PM", "杨建新", "主治医师", "门诊3楼310", 25),
    _c("D05", ALL_WEEK, "AM", "洪晓燕", "副主任医师", "门诊1楼120", 35, off=True),
    _c("D05", ALL_WEEK, "PM", "李佳", "主治医师", "门诊1楼121", 35, off=True),
    _c("D06", (0, 1, 2, 3, 4), "AM", "叶志伟", "副主任医师", "门诊2楼220", 25),
    _c("D06", (2,), "PM", "陈晓东", "主任医师", "门诊2楼222", 10),
    _c("D07", (0, 2, 4), "AM", "郭海峰", "主任医师", "门诊4楼401", 15),
    _c("D07", ALL_WEEK, "PM", "谢振华", "主治医师", "门诊4楼402", 30),
]

_SESSION_ID = re.compile(r"^S(\d{8})(D\d{2})(AM|PM)(\d{1,2})$")


def clinics_on(department_id: str, day: date) -> list[Clinic]:
    """The department's clinics on a day: the weekday's template on working days, only
    the clinics that also open on days off otherwise (China's holiday calendar)."""
    working = is_working_day(day)
    weekday = day.weekday() if day.weekday() < 5 else 0
    return [c for c in WEEKLY_TEMPLATE if c.department_id == department_id and (
        (working and weekday in c.weekdays) or (not working and c.on_days_off))]


def session_id(clinic: Clinic, day: date, number: int) -> str:
    return f"S{day:%Y%m%d}{clinic.department_id}{clinic.period}{number}"


def sessions_on(department_id: str, day: date) -> list[dict]:
    result = []
    numbers: dict[str, int] = {}
    for clinic in clinics_on(department_id, day):
        numbers[clinic.period] = numbers.get(clinic.period, 0) + 1
        result.append(session_dict(clinic, day, numbers[clinic.period]))
    return result


def session_dict(clinic: Clinic, day: date, number: int) -> dict:
    start, end = PERIODS[clinic.period]
    return {
        "session_id": session_id(clinic, day, number),
        "department_id": clinic.department_id,
        "department": DEPARTMENTS[clinic.department_id][0],
        "doctor": clinic.doctor,
        "doctor_title": clinic.title,
        "date": day.isoformat(),
        "period": clinic.period,
        "starts_at": datetime.combine(day, start, BUSINESS_TZ).isoformat(timespec="seconds"),
        "ends_at": datetime.combine(day, end, BUSINESS_TZ).isoformat(timespec="seconds"),
        "room": clinic.room,
        "fee_fen": FEES[clinic.title][1],
        "slots_total": clinic.slots,
    }


def find_session(session_id_text: str) -> dict | None:
    """The session a session id names, if the template holds it on that day."""
    match = _SESSION_ID.match(session_id_text)
    if not match:
        return None
    day_text, department_id, period, number = match.groups()
    try:
        day = date(int(day_text[:4]), int(day_text[4:6]), int(day_text[6:]))
    except ValueError:
        return None
    for session in sessions_on(department_id, day):
        if session["session_id"] == session_id_text:
            return session
    return None


def days_from(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]
