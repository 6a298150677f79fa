"""Every problem a patient can meet, as translated text with what to do next.

Logic reports problems as stable codes (``InvalidIdNumber.reason``,
``PlatformError.code``, ``ReadError.reason``, ``SettlementRefused.code``);
this is the one place that turns them into words.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("Messages", text)


def message_for(code: str) -> str:
    texts = {
        # ID numbers, typed or read
        "length": _t("An ID number has 18 characters. Please check it and try again."),
        "characters": _t("An ID number has 17 digits and then a digit or X. Please check it."),
        "birth_date": _t("The birth date inside this ID number is not a real date. Please check it."),
        "checksum": _t("This ID number is not valid (check digit). Please check it and try again."),
        "invalid_id_number": _t("This ID number is not valid (check digit). Please check it and try again."),
        # card reader
        "bad_card": _t("The card could not be read. Please take it off the reader and place it again."),
        "read_failed": _t("The card could not be read. Please place it flat on the reader and try again."),
        "auth_failed": _t("This card could not be verified. Please go to the cashier window."),
        # platform
        "patient_not_found": _t("No patient record was found for this ID. Please go to the registration desk."),
        "unavailable": _t("The hospital system is not answering right now. Please try again shortly or go to the cashier window."),
        "no_credit_service": _t("You have not opened the credit service. Please pay at the cashier window."),
        "account_suspended": _t("Your credit service is suspended because a bill is overdue. Please repay it at the cashier window first."),
        "insufficient_line": _t("Your available credit is less than your part of this bill. Please pay at the cashier window."),
        "visit_already_settled": _t("This bill has already been paid."),
        "no_open_visits": _t("You have no unpaid outpatient bills."),
    }
    return texts.get(code) or _t("Something went wrong. Please go to the cashier window for help.")
