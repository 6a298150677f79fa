"""Every problem a patient can meet, as translated text with what to do next.

Logic reports a problem meant for the patient as a ``kiosk.domain.errors.Refusal``
(``InvalidIdNumber``, ``PlatformError``, ``CannotUseCredit``, ``CreditRefused``, ...) or a
device's ``ReadError`` / ``DeviceError``, each with a stable code; this is the one place
that turns codes into words. Anything else is a bug: ``internal``, the generic message.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from offline_cache.db import SchemaTooNew

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
    "guardian_line_ended": QT_TRANSLATE_NOOP("Messages", "You are 18 now and can no longer use your guardian's credit line. You can open your own credit service, or pay in full now."),
    "shortfall_unpaid": QT_TRANSLATE_NOOP("Messages", "The rest of the bill has not been paid yet. Please pay it with your phone or at the cashier window."),
    "payment_expired": QT_TRANSLATE_NOOP("Messages", "The payment code has expired. Nothing was charged. Please start again."),
    "payment_not_completed": QT_TRANSLATE_NOOP("Messages", "The payment has not been completed. Nothing was charged. Please start again."),
    "internal": QT_TRANSLATE_NOOP("Messages", "Something went wrong here. Nothing was charged twice. Please ask a member of staff for help."),
    # --- credit service journeys (open, close, query, dispute) ---
    "consent_outdated": QT_TRANSLATE_NOOP("Messages", "The consent text was updated while you were reading. Please read the new version and agree again."),
    "score_not_authorised": QT_TRANSLATE_NOOP("Messages", "The credit service needs your authorisation to look up your credit score. Nothing was opened."),
    "phone_invalid": QT_TRANSLATE_NOOP("Messages", "This is not a mobile number. Please enter 11 digits starting with 1, for example 139 1234 5678."),
    "already_open": QT_TRANSLATE_NOOP("Messages", "Your credit service is already open."),
    "score_too_low": QT_TRANSLATE_NOOP("Messages", "Your credit score does not give a credit line at the moment. You can still pay at the cashier window."),
    "guardian_required": QT_TRANSLATE_NOOP("Messages", "A patient under 18 needs a parent or guardian to open the credit service. Please come back with your guardian and their ID card."),
    "guardian_not_open": QT_TRANSLATE_NOOP("Messages", "The guardian has not opened the credit service. The guardian should open their own service first, then the child's."),
    "not_the_guardian": QT_TRANSLATE_NOOP("Messages", "This card is not the card of the guardian registered for this child. Please ask at the registration desk."),
    "guardian_is_minor": QT_TRANSLATE_NOOP("Messages", "The guardian must be an adult with their own ID card. Please start again."),
    "outstanding_balance": QT_TRANSLATE_NOOP("Messages", "The credit service can be closed only when nothing is owed. Please repay first, then close it."),
    "credit_not_open": QT_TRANSLATE_NOOP("Messages", "Your credit service is not open, so there is nothing to close."),
    "already_disputed": QT_TRANSLATE_NOOP("Messages", "This bill is already disputed. The hospital will answer the first dispute; a second one is not possible."),
    "no_disputable_bills": QT_TRANSLATE_NOOP("Messages", "You have no unpaid bills to dispute."),
    "dispute_reason_missing": QT_TRANSLATE_NOOP("Messages", "Please choose a reason for the dispute."),
    "dispute_text_too_long": QT_TRANSLATE_NOOP("Messages", "The note can have at most 200 characters. Please shorten it."),
    "same_person": QT_TRANSLATE_NOOP("Messages", "This is your own card. Your parent must place their own ID card on the reader."),
    "parent_is_minor": QT_TRANSLATE_NOOP("Messages", "This card belongs to a person under 18, who cannot be linked as a parent."),
    "guardian_mismatch": QT_TRANSLATE_NOOP("Messages", "This card is not the card of the guardian registered for this child. Please ask at the registration desk."),
    "relation_invalid": QT_TRANSLATE_NOOP("Messages", "Only an adult can take on repayment for an adult parent. Nothing was changed."),
    "payer_not_open": QT_TRANSLATE_NOOP("Messages", "To repay for a parent, your own credit service must be open and active."),
    "relation_exists": QT_TRANSLATE_NOOP("Messages", "You already repay for this parent."),
    # --- registration and money journeys (register, repay, refund) ---
    "session_full": QT_TRANSLATE_NOOP("Messages", "This clinic session has just become full. Please choose another time or doctor."),
    "already_registered": QT_TRANSLATE_NOOP("Messages", "You are already registered for this clinic session. Your slip shows your queue number."),
    "too_late": QT_TRANSLATE_NOOP("Messages", "This session has already started, so the registration can no longer be cancelled here. Please ask at the registration desk."),
    "registration_not_found": QT_TRANSLATE_NOOP("Messages", "This registration was not found or is already cancelled."),
    "overpayment": QT_TRANSLATE_NOOP("Messages", "The amount is more than what is owed. Nothing was charged; please start again."),
    "nothing_owed": QT_TRANSLATE_NOOP("Messages", "There is nothing to repay on this account."),
    "refund_exceeds": QT_TRANSLATE_NOOP("Messages", "The refund is more than what can still be refunded for this settlement. Please enter a smaller amount."),
    "amount_invalid": QT_TRANSLATE_NOOP("Messages", "Please enter an amount in yuan greater than zero, with at most two decimals."),
    "reason_required": QT_TRANSLATE_NOOP("Messages", "Please choose the reason for the refund."),
    # --- inpatient journeys (admission, discharge) ---
    "no_stay": QT_TRANSLATE_NOOP("Messages", "There is no hospital stay to settle for you. Please ask the ward's nurse station."),
    "already_admitted": QT_TRANSLATE_NOOP("Messages", "You are already admitted."),
    # --- devices ---
    "no_card": QT_TRANSLATE_NOOP("Messages", "The card moved before it could be read. Please place it on the reader again and hold it still."),
    "card_removed_early": QT_TRANSLATE_NOOP("Messages", "The card was taken out before it was read. Please insert it again and wait for the screen to change."),
    "not_ss_card": QT_TRANSLATE_NOOP("Messages", "This is not a social-security card. Please insert your social-security card, or use your ID card."),
    "reader_fault": QT_TRANSLATE_NOOP("Messages", "The card reader is not working. Please go to the cashier window."),
    "unknown_code": QT_TRANSLATE_NOOP("Messages", "This code cannot be used here. Please show your medical-insurance e-voucher or e-health card code, or use your ID card."),
    "token_not_found": QT_TRANSLATE_NOOP("Messages", "This code was not recognised. Please refresh the code on your phone and scan it again."),
    "token_expired": QT_TRANSLATE_NOOP("Messages", "This code has expired. Please refresh the code on your phone and scan it again."),
    # --- printing ---
    "print_offline": QT_TRANSLATE_NOOP("Messages", "The printer cannot be reached or is offline. Check that it is switched on and connected, then try again."),
    "print_paper_out": QT_TRANSLATE_NOOP("Messages", "The printer is out of paper. Load a new roll, close the cover and try again."),
    "print_cover_open": QT_TRANSLATE_NOOP("Messages", "The printer cover is open. Close it and try again."),
    "print_stuck": QT_TRANSLATE_NOOP("Messages", "The print job did not complete and was cancelled. Check the printer queue (it may be paused), then try again."),
    "print_unavailable": QT_TRANSLATE_NOOP("Messages", "The document could not be saved or sent. Check the printer settings, then try again."),
    "print_unsupported": QT_TRANSLATE_NOOP("Messages", "This printer cannot print this document. Set an A4 printer queue for statements."),
    "print_document": QT_TRANSLATE_NOOP("Messages", "The document could not be made. Please report this problem; the transaction itself is complete."),
    "print_fault": QT_TRANSLATE_NOOP("Messages", "The printer reported an unexpected error. Please try again; if it happens again, report it."),
    "print_gone": QT_TRANSLATE_NOOP("Messages", "This document is no longer waiting: it was already reprinted."),
    # --- desk ---
    "operator_login_failed": QT_TRANSLATE_NOOP("Messages", "The staff number or the PIN is wrong. After 5 wrong PINs in a row the operator is locked."),
    "operator_locked": QT_TRANSLATE_NOOP("Messages", "This operator is locked after 5 wrong PINs. Please ask the IT office to unlock it."),
    "pin_required": QT_TRANSLATE_NOOP("Messages", "Please enter the staff number and the PIN."),
    "not_a_cashier": QT_TRANSLATE_NOOP("Messages", "This staff number may not work at the cashier desk."),
    "not_a_supervisor": QT_TRANSLATE_NOOP("Messages", "This staff number is not a supervisor's. A supervisor must approve this refund."),
    "not_it_staff": QT_TRANSLATE_NOOP("Messages", "This staff number is not IT staff's."),
    "supervisor_required": QT_TRANSLATE_NOOP("Messages", "This refund is over the desk's limit: a supervisor must enter their staff number and PIN to approve it."),
    "shift_already_open": QT_TRANSLATE_NOOP("Messages", "A shift is already open at this desk."),
    "no_shift_open": QT_TRANSLATE_NOOP("Messages", "No shift is open at this desk."),
    "not_your_shift": QT_TRANSLATE_NOOP("Messages", "This shift was opened by another cashier: they or a supervisor must close it."),
    # --- authority at the platform (sandbox/authority.py) ---
    "shift_not_open": QT_TRANSLATE_NOOP("Messages", "Open your shift first: the platform takes no money at this desk without an open shift of yours. Tap \"Open the shift\", then serve the patient again."),
    "shift_open_elsewhere": QT_TRANSLATE_NOOP("Messages", "Your shift is still open at another desk. Close it there first, or ask a supervisor."),
    "operator_session_expired": QT_TRANSLATE_NOOP("Messages", "Your login at this desk has ended. Please log in again, then repeat the last step."),
    "operator_session_required": QT_TRANSLATE_NOOP("Messages", "Nobody is logged in at this desk. Please log in, then repeat the last step."),
    "desk_only": QT_TRANSLATE_NOOP("Messages", "This can only be done at a cashier window. Please go to the cashier window."),
    "patient_not_present": QT_TRANSLATE_NOOP("Messages", "Your session at this kiosk has ended. Please place your ID card on the reader again."),
    "too_many_lookups": QT_TRANSLATE_NOOP("Messages", "This kiosk has looked up many patients in a short time. Please wait a minute, then try again, or go to the cashier window."),
    "too_many_attempts": QT_TRANSLATE_NOOP("Messages", "Too many wrong PINs at this terminal. Please wait a few minutes before trying again."),
    "not_in_household": QT_TRANSLATE_NOOP("Messages", "The hospital does not record this adult as the child's guardian. Please ask at the registration desk to record the family first."),
    "consent_required": QT_TRANSLATE_NOOP("Messages", "Your parent must consent: with their own ID card here, or with the code sent to their phone."),
    "consent_code_invalid": QT_TRANSLATE_NOOP("Messages", "This code is not right. Please check the 6 digits your parent received and type them again."),
    "consent_code_expired": QT_TRANSLATE_NOOP("Messages", "This code has expired. Tap \"Send a code to their phone\" to send a new one."),
    "no_phone_on_file": QT_TRANSLATE_NOOP("Messages", "No mobile number of your parent is on file. Your parent can consent with their own ID card here instead."),
    "not_this_parent": QT_TRANSLATE_NOOP("Messages", "This card is not the card of the parent you chose. Please ask that parent to place their own ID card on the reader."),
    # --- offline ---
    "offline_needs_platform": QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering right now, and this needs it. Paying outpatient bills on credit still works here. Please try again later or go to the cashier window."),
    "offline_unknown_patient": QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and your details were not seen at this kiosk recently. Please go to the cashier window."),
    "offline_no_credit": QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering. Without the credit service, bills can only be paid at the cashier window for now."),
    "offline_account_suspended": QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and your credit service is suspended. Please pay at the cashier window."),
    "offline_repay_first": QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and a bill of yours is overdue. Please pay at the cashier window."),
    "offline_snapshot_stale": QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and your credit details here are too old to use. Please pay at the cashier window."),
    "offline_over_line": QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and this bill is more than your available credit. Please pay at the cashier window."),
    "offline_over_txn_cap": QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and this bill is over the amount that can be paid on credit offline. Please pay at the cashier window."),
    "offline_over_terminal_cap": QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and this kiosk has taken all the credit payments it may hold until it is back. Please pay at the cashier window."),
    # --- the three counterparts: the hospital's HIS, the medical insurance, the settlement saga (issue 12) ---
    "his_unavailable": QT_TRANSLATE_NOOP("Messages", "The hospital's billing system is not answering, so your bills cannot be shown right now. Nothing was charged. Please try again shortly or go to the cashier window."),
    "bill_already_paid": QT_TRANSLATE_NOOP("Messages", "This bill has already been paid."),
    "bill_cancelled": QT_TRANSLATE_NOOP("Messages", "This bill was cancelled by the hospital: there is nothing to pay. Please ask at the cashier window if you are unsure."),
    "insurance_refused": QT_TRANSLATE_NOOP("Messages", "The medical insurance platform did not accept this settlement. Nothing was charged. Please go to the cashier window."),
    "insurance_unavailable": QT_TRANSLATE_NOOP("Messages", "The medical insurance platform is not answering, so the insurance part cannot be worked out now. Nothing was charged. Please try again shortly or go to the cashier window."),
    "insurance_gateway_refused": QT_TRANSLATE_NOOP("Messages", "This kiosk cannot reach the medical insurance platform right now. Nothing was charged. Please go to the cashier window; staff will call IT."),
    "insurance_answer_invalid": QT_TRANSLATE_NOOP("Messages", "The medical insurance platform's answer could not be read. Nothing was charged twice; the kiosk checks and puts it right by itself. Please go to the cashier window."),
    "insurance_sign_in_renewed": QT_TRANSLATE_NOOP("Messages", "The kiosk had to sign in to the medical insurance platform again. Nothing was charged. Please try once more."),
    "not_insured": QT_TRANSLATE_NOOP("Messages", "No medical insurance was found for you here, so the whole bill is yours to pay. Please ask at the cashier window if you are insured."),
    "insurance_answer_lost": QT_TRANSLATE_NOOP("Messages", "The medical insurance platform did not confirm in time, so the payment was undone everywhere. Nothing was charged. Please try again."),
    "saga_pending": QT_TRANSLATE_NOOP("Messages", "The payment is not finished yet because a hospital system did not answer. The kiosk completes it, or undoes it, by itself; you will never be charged twice. Please ask at the cashier window for your receipt."),
    "saga_not_prepared": QT_TRANSLATE_NOOP("Messages", "This bill was set aside while you were away. Nothing was charged. Please start again."),
    # --- start-up ---
    "software_older_than_data": QT_TRANSLATE_NOOP("Messages", "This kiosk's software is older than its data, so it cannot start. Nothing was changed. Please call IT to reinstall the newer release."),
}
_FALLBACK = QT_TRANSLATE_NOOP("Messages", "Something went wrong. Please go to the cashier window for help.")
_SOFTWARE_TOO_OLD = QT_TRANSLATE_NOOP("Messages", "This kiosk's software is older than its data, so it cannot start. Nothing was changed. Please call IT to reinstall version %1 or later.")


def message_for(code: str) -> str:
    return QCoreApplication.translate("Messages", _TEXTS.get(code, _FALLBACK))


def startup_problem(error: BaseException) -> str:
    """What the screen says when the services cannot be built (``KioskApp``'s boot error)."""
    if isinstance(error, SchemaTooNew):
        if error.needed:
            return QCoreApplication.translate("Messages", _SOFTWARE_TOO_OLD).replace("%1", error.needed)
        return message_for(error.code)
    return message_for("internal")
