"""Every problem a patient can meet, as translated text with what to do next.

Logic reports problems as stable codes (``InvalidIdNumber.reason``,
``PlatformError.code``, ``ReadError.reason``, ``SettlementRefused.code``);
this is the one place that turns them into words.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

_TEXTS = {
    # ID numbers, typed or read
    "length": QT_TRANSLATE_NOOP("Messages", "An ID number has 18 characters. Please check it and try again."),
    "characters": QT_TRANSLATE_NOOP("Messages", "An ID number has 17 digits and then a digit or X. Please check it."),
    "birth_date": QT_TRANSLATE_NOOP("Messages", "The birth date inside this ID number is not a real date. Please check it."),
    "checksum": QT_TRANSLATE_NOOP("Messages", "This ID number is not valid (check digit). Please check it and try again."),
    "invalid_id_number": QT_TRANSLATE_NOOP("Messages", "This ID number is not valid (check digit). Please check it and try again."),
    # card reader
    "bad_card": QT_TRANSLATE_NOOP("Messages", "The card could not be read. Please take it off the reader and place it again."),
    "read_failed": QT_TRANSLATE_NOOP("Messages", "The card could not be read. Please place it flat on the reader and try again."),
    "auth_failed": QT_TRANSLATE_NOOP("Messages", "This card could not be verified. Please go to the cashier window."),
    # platform
    "patient_not_found": QT_TRANSLATE_NOOP("Messages", "No patient record was found for this ID. Please go to the registration desk."),
    "unavailable": QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering right now. Please try again shortly or go to the cashier window."),
    "no_credit_service": QT_TRANSLATE_NOOP("Messages", "You have not opened the credit service. Please pay at the cashier window."),
    "account_suspended": QT_TRANSLATE_NOOP("Messages", "Your credit service is suspended because a bill is overdue. Please repay it at the cashier window first."),
    "insufficient_line": QT_TRANSLATE_NOOP("Messages", "Your available credit is less than your part of this bill. Please pay at the cashier window."),
    "visit_already_settled": QT_TRANSLATE_NOOP("Messages", "This bill has already been paid."),
    "no_open_visits": QT_TRANSLATE_NOOP("Messages", "You have no unpaid outpatient bills."),
    "repay_first": QT_TRANSLATE_NOOP("Messages", "Your credit line is used up or a bill is overdue. Please repay first; then you can use it again."),
    "shortfall_unpaid": QT_TRANSLATE_NOOP("Messages", "The rest of the bill has not been paid yet. Please pay it with your phone or at the cashier window."),
    "payment_expired": QT_TRANSLATE_NOOP("Messages", "The payment code has expired. Nothing was charged. Please start again."),
    "payment_not_completed": QT_TRANSLATE_NOOP("Messages", "The payment has not been completed. Nothing was charged. Please start again."),
    "internal": QT_TRANSLATE_NOOP("Messages", "Something went wrong. Please go to the cashier window for help."),
    # --- credit service journeys (open, close, query, dispute) ---
    # --- registration and money journeys (register, repay, refund) ---
    # --- inpatient journeys (admission, discharge) ---
    "no_stay": QT_TRANSLATE_NOOP("Messages", "There is no hospital stay to settle for you. Please ask the ward's nurse station."),
    "already_admitted": QT_TRANSLATE_NOOP("Messages", "You are already admitted."),
}
_FALLBACK = QT_TRANSLATE_NOOP("Messages", "Something went wrong. Please go to the cashier window for help.")


def message_for(code: str) -> str:
    return QCoreApplication.translate("Messages", _TEXTS.get(code, _FALLBACK))
