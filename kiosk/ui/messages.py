"""Every problem a patient can meet, as translated text: what happened, then what to do next.

Logic reports a problem meant for the patient as a ``kiosk.domain.errors.Refusal``
(``InvalidIdNumber``, ``PlatformError``, ``CannotUseCredit``, ``CreditRefused``, ...) or a
device's ``ReadError`` / ``DeviceError``, each with a stable code; this is the one place
that turns codes into words. Anything else is a bug: ``internal``, the generic message.

Each entry is a :class:`Message`: the ``problem`` (context ``Messages``) and the
``next_step`` (context ``NextStep``: one sentence, shared by the entries that say the same,
so "go to the cashier window" is worded once). A screen that offers a way on beside the
message (a "Repay now" button) asks for the next step that names it
(``message_for(code, way)``, ``ways``), so the words never send the patient elsewhere than
the buttons do. ``tests/test_message_catalogue.py`` walks the catalogue: every entry has its
next step, in both languages.

Terms (both languages, as the signs in the hall say them): the credit service (信用就医),
the credit line (信用额度), the cashier window (收费窗口), the registration desk (挂号窗口),
the ID-card reader (读卡区 where the card goes), the hospital system (医院系统), staff
(工作人员), the IT office (信息科).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from offline_cache.db import SchemaTooNew


@dataclass(frozen=True)
class Message:
    """One problem: what happened and what to do next (source English; translated when shown)."""

    problem: str
    next_step: str
    # way -> the next step when the screen offers that way on (``REPAY_HERE``, ``OPEN_HERE``...)
    ways: dict[str, str] = field(default_factory=dict)


# The ways on a screen may offer beside a message (the button the next step names).
REPAY_HERE = "repay_here"  # a kiosk's "Repay now": the repay journey, by phone
REPAY_DESK = "repay_desk"  # the desk's "Repay now": cash or bank card
OPEN_HERE = "open_here"  # "Open the credit service": the open journey
PAY_NOW = "pay_now"  # "Pay in full now": nothing on credit, the patient's part paid now
PAY_PHONE = "pay_phone"  # "Pay now": a registration's fee by phone (the credit platform down: over the offline caps)


def _m(problem: str, next_step: str, **ways: str) -> Message:
    return Message(problem, next_step, ways)


#: The credit platform not answering, a fee over what may go on credit offline: paid by phone instead (the HIS's
#: channel does not need the credit platform), the button beside it.
_OFFLINE_PHONE = QT_TRANSLATE_NOOP("NextStep", "You can pay it now with your phone instead.")

_TEXTS: dict[str, Message] = {
    # ID numbers, typed or read
    "length": _m(QT_TRANSLATE_NOOP("Messages", "An ID number has 18 characters."), QT_TRANSLATE_NOOP("NextStep", "Please check it and try again.")),
    "characters": _m(QT_TRANSLATE_NOOP("Messages", "An ID number has 17 digits and then a digit or X."), QT_TRANSLATE_NOOP("NextStep", "Please check it and try again.")),
    "birth_date": _m(QT_TRANSLATE_NOOP("Messages", "The birth date inside this ID number is not a real date."), QT_TRANSLATE_NOOP("NextStep", "Please check it and try again.")),
    "checksum": _m(QT_TRANSLATE_NOOP("Messages", "This ID number is not valid (check digit)."), QT_TRANSLATE_NOOP("NextStep", "Please check it and try again.")),
    "invalid_id_number": _m(QT_TRANSLATE_NOOP("Messages", "This ID number is not valid (check digit)."), QT_TRANSLATE_NOOP("NextStep", "Please check it and try again.")),
    # card reader
    "bad_card": _m(QT_TRANSLATE_NOOP("Messages", "The card could not be read."), QT_TRANSLATE_NOOP("NextStep", "Please take it off the reader and place it again.")),
    "read_failed": _m(QT_TRANSLATE_NOOP("Messages", "The card could not be read."), QT_TRANSLATE_NOOP("NextStep", "Please place it flat on the reader and try again.")),
    "auth_failed": _m(QT_TRANSLATE_NOOP("Messages", "This card could not be verified."), QT_TRANSLATE_NOOP("NextStep", "Please go to the cashier window.")),
    # platform
    "patient_not_found": _m(QT_TRANSLATE_NOOP("Messages", "No patient record was found for this ID."), QT_TRANSLATE_NOOP("NextStep", "Please go to the registration desk.")),
    "unavailable": _m(QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering right now."), QT_TRANSLATE_NOOP("NextStep", "Please try again shortly or go to the cashier window.")),
    "no_credit_service": _m(QT_TRANSLATE_NOOP("Messages", "You have not opened the credit service, so nothing can be paid on credit."), QT_TRANSLATE_NOOP("NextStep", "Please pay at the cashier window."),
                            open_here=QT_TRANSLATE_NOOP("NextStep", "Tap \"Open the credit service\" to open it here now and then pay on credit, or pay your part in full now."),
                            pay_now=QT_TRANSLATE_NOOP("NextStep", "You can pay your part in full now.")),
    "account_suspended": _m(QT_TRANSLATE_NOOP("Messages", "Your credit service is suspended because a bill is overdue."), QT_TRANSLATE_NOOP("NextStep", "Please repay it at the cashier window first."),
                            repay_here=QT_TRANSLATE_NOOP("NextStep", "Tap \"Repay now\" to repay it here with your phone; then you can use the credit service again."),
                            repay_desk=QT_TRANSLATE_NOOP("NextStep", "Tap \"Repay now\" to take the repayment in cash or by bank card; then the credit service can be used again.")),
    "insufficient_line": _m(QT_TRANSLATE_NOOP("Messages", "Your available credit is less than your part of this bill."), QT_TRANSLATE_NOOP("NextStep", "Please pay at the cashier window.")),
    "visit_already_settled": _m(QT_TRANSLATE_NOOP("Messages", "This bill has already been paid."), QT_TRANSLATE_NOOP("NextStep", "If you need its receipt, please ask at the cashier window.")),
    "no_open_visits": _m(QT_TRANSLATE_NOOP("Messages", "You have no unpaid outpatient bills."), QT_TRANSLATE_NOOP("NextStep", "If a bill is missing, please ask at the cashier window.")),
    "repay_first": _m(QT_TRANSLATE_NOOP("Messages", "Your credit line is used up or a bill is overdue."), QT_TRANSLATE_NOOP("NextStep", "Please repay first at the cashier window; then you can use it again."),
                      repay_here=QT_TRANSLATE_NOOP("NextStep", "Tap \"Repay now\" to repay it here with your phone; then you can use the credit service again."),
                      repay_desk=QT_TRANSLATE_NOOP("NextStep", "Tap \"Repay now\" to take the repayment in cash or by bank card; then the credit service can be used again.")),
    "guardian_line_ended": _m(QT_TRANSLATE_NOOP("Messages", "You are 18 now and can no longer use your guardian's credit line."), QT_TRANSLATE_NOOP("NextStep", "You can open your own credit service, or pay in full now."),
                              open_here=QT_TRANSLATE_NOOP("NextStep", "Tap \"Open my own credit service\" to open it here now; then your stay can be settled on your own line.")),
    "shortfall_unpaid": _m(QT_TRANSLATE_NOOP("Messages", "The rest of the bill has not been paid yet."), QT_TRANSLATE_NOOP("NextStep", "Please pay it with your phone or at the cashier window.")),
    "payment_expired": _m(QT_TRANSLATE_NOOP("Messages", "The payment code has expired. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please start again.")),
    "payment_not_completed": _m(QT_TRANSLATE_NOOP("Messages", "The payment has not been completed. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please start again.")),
    "internal": _m(QT_TRANSLATE_NOOP("Messages", "Something went wrong here. Nothing was charged twice."), QT_TRANSLATE_NOOP("NextStep", "Please ask a member of staff for help.")),
    # --- credit service journeys (open, close, query, dispute) ---
    "consent_outdated": _m(QT_TRANSLATE_NOOP("Messages", "The consent text was updated while you were reading."), QT_TRANSLATE_NOOP("NextStep", "Please read the new version and agree again.")),
    "score_not_authorised": _m(QT_TRANSLATE_NOOP("Messages", "The credit service needs your authorisation to look up your credit score. Nothing was opened."), QT_TRANSLATE_NOOP("NextStep", "To open it, start again and agree to the credit score check.")),
    "phone_invalid": _m(QT_TRANSLATE_NOOP("Messages", "This is not a mobile number."), QT_TRANSLATE_NOOP("NextStep", "Please enter 11 digits starting with 1, for example 139 1234 5678.")),
    "already_open": _m(QT_TRANSLATE_NOOP("Messages", "Your credit service is already open."), QT_TRANSLATE_NOOP("NextStep", "You can pay your bills on credit now.")),
    "score_too_low": _m(QT_TRANSLATE_NOOP("Messages", "Your credit score does not give a credit line at the moment."), QT_TRANSLATE_NOOP("NextStep", "You can still pay at the cashier window.")),
    "guardian_required": _m(QT_TRANSLATE_NOOP("Messages", "A patient under 18 needs a parent or guardian to open the credit service."), QT_TRANSLATE_NOOP("NextStep", "Please come back with your guardian and their ID card.")),
    "guardian_not_open": _m(QT_TRANSLATE_NOOP("Messages", "The guardian has not opened the credit service."), QT_TRANSLATE_NOOP("NextStep", "The guardian should open their own service first, then the child's.")),
    "not_the_guardian": _m(QT_TRANSLATE_NOOP("Messages", "This card is not the card of the guardian registered for this child."), QT_TRANSLATE_NOOP("NextStep", "Please ask at the registration desk.")),
    "guardian_is_minor": _m(QT_TRANSLATE_NOOP("Messages", "The guardian must be an adult with their own ID card."), QT_TRANSLATE_NOOP("NextStep", "Please start again.")),
    "outstanding_balance": _m(QT_TRANSLATE_NOOP("Messages", "The credit service can be closed only when nothing is owed."), QT_TRANSLATE_NOOP("NextStep", "Please repay first, then close it.")),
    "credit_not_open": _m(QT_TRANSLATE_NOOP("Messages", "Your credit service is not open, so there is nothing to close."), QT_TRANSLATE_NOOP("NextStep", "Nothing more needs doing: tap Done.")),
    "already_disputed": _m(QT_TRANSLATE_NOOP("Messages", "This bill is already disputed. The hospital will answer the first dispute; a second one is not possible."), QT_TRANSLATE_NOOP("NextStep", "The answer will show in your credit account.")),
    "no_disputable_bills": _m(QT_TRANSLATE_NOOP("Messages", "You have no unpaid bills to dispute."), QT_TRANSLATE_NOOP("NextStep", "For a bill already paid, please ask at the cashier window.")),
    "dispute_reason_missing": _m(QT_TRANSLATE_NOOP("Messages", "No reason for the dispute is chosen."), QT_TRANSLATE_NOOP("NextStep", "Please choose a reason for the dispute.")),
    "dispute_text_too_long": _m(QT_TRANSLATE_NOOP("Messages", "The note can have at most 200 characters."), QT_TRANSLATE_NOOP("NextStep", "Please shorten it.")),
    "same_person": _m(QT_TRANSLATE_NOOP("Messages", "This is your own card."), QT_TRANSLATE_NOOP("NextStep", "Your parent must place their own ID card on the reader.")),
    "parent_is_minor": _m(QT_TRANSLATE_NOOP("Messages", "This card belongs to a person under 18, who cannot be linked as a parent."), QT_TRANSLATE_NOOP("NextStep", "Your parent must place their own ID card on the reader.")),
    "guardian_mismatch": _m(QT_TRANSLATE_NOOP("Messages", "This card is not the card of the guardian registered for this child."), QT_TRANSLATE_NOOP("NextStep", "Please ask at the registration desk.")),
    "relation_invalid": _m(QT_TRANSLATE_NOOP("Messages", "Only an adult can take on repayment for an adult parent. Nothing was changed."), QT_TRANSLATE_NOOP("NextStep", "Please ask at the cashier window.")),
    "payer_not_open": _m(QT_TRANSLATE_NOOP("Messages", "To repay for a parent, your own credit service must be open and active."), QT_TRANSLATE_NOOP("NextStep", "Please open your own credit service first, or repay what is overdue.")),
    "relation_exists": _m(QT_TRANSLATE_NOOP("Messages", "You already repay for this parent."), QT_TRANSLATE_NOOP("NextStep", "Their bills show in your credit account.")),
    # --- registration and money journeys (register, repay, refund) ---
    "session_full": _m(QT_TRANSLATE_NOOP("Messages", "This clinic session has just become full."), QT_TRANSLATE_NOOP("NextStep", "Please choose another time or doctor.")),
    "already_registered": _m(QT_TRANSLATE_NOOP("Messages", "You are already registered for this clinic session."), QT_TRANSLATE_NOOP("NextStep", "Your slip shows your queue number.")),
    "too_late": _m(QT_TRANSLATE_NOOP("Messages", "This session has already started, so the registration can no longer be cancelled here."), QT_TRANSLATE_NOOP("NextStep", "Please ask at the registration desk.")),
    "registration_not_found": _m(QT_TRANSLATE_NOOP("Messages", "This registration was not found or is already cancelled."), QT_TRANSLATE_NOOP("NextStep", "Please check your slip, or ask at the registration desk.")),
    "session_closed": _m(QT_TRANSLATE_NOOP("Messages", "This clinic session has ended. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please choose another time or doctor.")),
    "registration_fee_repaid": _m(QT_TRANSLATE_NOOP("Messages", "The fee for this registration was already repaid, so it cannot be cancelled here. Nothing was changed."), QT_TRANSLATE_NOOP("NextStep", "Please ask at the cashier window.")),
    "registration_fee_collected": _m(QT_TRANSLATE_NOOP("Messages", "The fee for this registration was taken at the cashier window, so it cannot be cancelled here. Nothing was changed."), QT_TRANSLATE_NOOP("NextStep", "Please ask at the cashier window.")),
    "registration_fee_changed": _m(QT_TRANSLATE_NOOP("Messages", "The hospital's fee for this session is not the fee shown. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please start again.")),
    "overpayment": _m(QT_TRANSLATE_NOOP("Messages", "The amount is more than what is owed. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please start again.")),
    "nothing_owed": _m(QT_TRANSLATE_NOOP("Messages", "There is nothing to repay on this account."), QT_TRANSLATE_NOOP("NextStep", "Nothing more needs doing: tap Done.")),
    "refund_exceeds": _m(QT_TRANSLATE_NOOP("Messages", "The refund is more than what can still be refunded for this settlement."), QT_TRANSLATE_NOOP("NextStep", "Please enter a smaller amount.")),
    "amount_invalid": _m(QT_TRANSLATE_NOOP("Messages", "This is not an amount that can be refunded."), QT_TRANSLATE_NOOP("NextStep", "Please enter an amount in yuan greater than zero, with at most two decimals.")),
    "reason_required": _m(QT_TRANSLATE_NOOP("Messages", "No reason for the refund is chosen."), QT_TRANSLATE_NOOP("NextStep", "Please choose the reason for the refund.")),
    # --- inpatient journeys (admission, discharge) ---
    "no_stay": _m(QT_TRANSLATE_NOOP("Messages", "There is no hospital stay to settle for you."), QT_TRANSLATE_NOOP("NextStep", "Please ask the ward's nurse station.")),
    "already_admitted": _m(QT_TRANSLATE_NOOP("Messages", "You are already admitted."), QT_TRANSLATE_NOOP("NextStep", "If something is not right, please ask the ward's nurse station.")),
    # --- devices ---
    "no_card": _m(QT_TRANSLATE_NOOP("Messages", "The card moved before it could be read."), QT_TRANSLATE_NOOP("NextStep", "Please place it on the reader again and hold it still.")),
    "card_removed_early": _m(QT_TRANSLATE_NOOP("Messages", "The card was taken out before it was read."), QT_TRANSLATE_NOOP("NextStep", "Please insert it again and wait for the screen to change.")),
    "not_ss_card": _m(QT_TRANSLATE_NOOP("Messages", "This is not a social-security card."), QT_TRANSLATE_NOOP("NextStep", "Please insert your social-security card, or use your ID card.")),
    "reader_fault": _m(QT_TRANSLATE_NOOP("Messages", "The card reader is not working."), QT_TRANSLATE_NOOP("NextStep", "Please go to the cashier window.")),
    "unknown_code": _m(QT_TRANSLATE_NOOP("Messages", "This code cannot be used here."), QT_TRANSLATE_NOOP("NextStep", "Please show your medical-insurance e-voucher or e-health card code, or use your ID card.")),
    "token_not_found": _m(QT_TRANSLATE_NOOP("Messages", "This code was not recognised."), QT_TRANSLATE_NOOP("NextStep", "Please refresh the code on your phone and scan it again.")),
    "token_expired": _m(QT_TRANSLATE_NOOP("Messages", "This code has expired."), QT_TRANSLATE_NOOP("NextStep", "Please refresh the code on your phone and scan it again.")),
    # --- printing (staff read these: the reprint queue, the A4 report) ---
    "print_offline": _m(QT_TRANSLATE_NOOP("Messages", "The printer cannot be reached or is offline."), QT_TRANSLATE_NOOP("NextStep", "Check that it is switched on and connected, then try again.")),
    "print_paper_out": _m(QT_TRANSLATE_NOOP("Messages", "The printer is out of paper."), QT_TRANSLATE_NOOP("NextStep", "Load a new roll, close the cover and try again.")),
    "print_cover_open": _m(QT_TRANSLATE_NOOP("Messages", "The printer cover is open."), QT_TRANSLATE_NOOP("NextStep", "Close it and try again.")),
    "print_stuck": _m(QT_TRANSLATE_NOOP("Messages", "The print job did not complete and was cancelled."), QT_TRANSLATE_NOOP("NextStep", "Check the printer queue (it may be paused), then try again.")),
    "print_unavailable": _m(QT_TRANSLATE_NOOP("Messages", "The document could not be saved or sent."), QT_TRANSLATE_NOOP("NextStep", "Check the printer settings, then try again.")),
    "print_unsupported": _m(QT_TRANSLATE_NOOP("Messages", "This printer cannot print this document."), QT_TRANSLATE_NOOP("NextStep", "Set an A4 printer queue for statements.")),
    "print_document": _m(QT_TRANSLATE_NOOP("Messages", "The document could not be made. The transaction itself is complete."), QT_TRANSLATE_NOOP("NextStep", "Please report this problem to the IT office.")),
    "print_fault": _m(QT_TRANSLATE_NOOP("Messages", "The printer reported an unexpected error."), QT_TRANSLATE_NOOP("NextStep", "Please try again; if it happens again, report it to the IT office.")),
    "print_gone": _m(QT_TRANSLATE_NOOP("Messages", "This document is no longer waiting: it was already reprinted."), QT_TRANSLATE_NOOP("NextStep", "Tap Refresh to see what still waits.")),
    # --- desk ---
    "operator_login_failed": _m(QT_TRANSLATE_NOOP("Messages", "The staff number or the PIN is wrong. After 5 wrong PINs in a row the operator is locked."), QT_TRANSLATE_NOOP("NextStep", "Please check them and try again.")),
    "operator_locked": _m(QT_TRANSLATE_NOOP("Messages", "This operator is locked after 5 wrong PINs."), QT_TRANSLATE_NOOP("NextStep", "Please ask the IT office to unlock it.")),
    "pin_required": _m(QT_TRANSLATE_NOOP("Messages", "The staff number or the PIN is missing."), QT_TRANSLATE_NOOP("NextStep", "Please enter the staff number and the PIN.")),
    "not_a_cashier": _m(QT_TRANSLATE_NOOP("Messages", "This staff number may not work at the cashier desk."), QT_TRANSLATE_NOOP("NextStep", "Please log in with a cashier's staff number.")),
    "not_a_supervisor": _m(QT_TRANSLATE_NOOP("Messages", "This staff number is not a supervisor's. A supervisor must approve this refund."), QT_TRANSLATE_NOOP("NextStep", "Please ask a supervisor to enter their own staff number and PIN.")),
    "not_it_staff": _m(QT_TRANSLATE_NOOP("Messages", "This staff number is not IT staff's."), QT_TRANSLATE_NOOP("NextStep", "Please ask the IT office.")),
    "supervisor_required": _m(QT_TRANSLATE_NOOP("Messages", "This refund is over the desk's limit."), QT_TRANSLATE_NOOP("NextStep", "A supervisor must enter their staff number and PIN to approve it.")),
    "shift_already_open": _m(QT_TRANSLATE_NOOP("Messages", "A shift is already open at this desk."), QT_TRANSLATE_NOOP("NextStep", "You can serve patients now; close the shift when you finish.")),
    "no_shift_open": _m(QT_TRANSLATE_NOOP("Messages", "No shift is open at this desk."), QT_TRANSLATE_NOOP("NextStep", "Tap \"Open shift\" first.")),
    "not_your_shift": _m(QT_TRANSLATE_NOOP("Messages", "This shift was opened by another cashier."), QT_TRANSLATE_NOOP("NextStep", "They or a supervisor must close it.")),
    # --- authority at the platform (sandbox/authority.py) ---
    "shift_not_open": _m(QT_TRANSLATE_NOOP("Messages", "Open your shift first: the platform takes no money at this desk without an open shift of yours."), QT_TRANSLATE_NOOP("NextStep", "Tap \"Open the shift\", then serve the patient again.")),
    "shift_open_elsewhere": _m(QT_TRANSLATE_NOOP("Messages", "Your shift is still open at another desk."), QT_TRANSLATE_NOOP("NextStep", "Close it there first, or ask a supervisor.")),
    "operator_session_expired": _m(QT_TRANSLATE_NOOP("Messages", "Your login at this desk has ended."), QT_TRANSLATE_NOOP("NextStep", "Please log in again, then repeat the last step.")),
    "operator_session_required": _m(QT_TRANSLATE_NOOP("Messages", "Nobody is logged in at this desk."), QT_TRANSLATE_NOOP("NextStep", "Please log in, then repeat the last step.")),
    "desk_only": _m(QT_TRANSLATE_NOOP("Messages", "This can only be done at a cashier window."), QT_TRANSLATE_NOOP("NextStep", "Please go to the cashier window.")),
    "patient_not_present": _m(QT_TRANSLATE_NOOP("Messages", "Your session at this kiosk has ended."), QT_TRANSLATE_NOOP("NextStep", "Please place your ID card on the reader again.")),
    "too_many_lookups": _m(QT_TRANSLATE_NOOP("Messages", "This kiosk has looked up many patients in a short time."), QT_TRANSLATE_NOOP("NextStep", "Please wait a minute, then try again, or go to the cashier window.")),
    "too_many_attempts": _m(QT_TRANSLATE_NOOP("Messages", "Too many wrong PINs at this terminal."), QT_TRANSLATE_NOOP("NextStep", "Please wait a few minutes before trying again.")),
    "not_in_household": _m(QT_TRANSLATE_NOOP("Messages", "The hospital does not record this adult as the child's guardian."), QT_TRANSLATE_NOOP("NextStep", "Please ask at the registration desk to record the family first.")),
    "consent_required": _m(QT_TRANSLATE_NOOP("Messages", "Your parent must consent to this."), QT_TRANSLATE_NOOP("NextStep", "Your parent can consent with their own ID card here, or with the code sent to their phone.")),
    "consent_code_invalid": _m(QT_TRANSLATE_NOOP("Messages", "This code is not right."), QT_TRANSLATE_NOOP("NextStep", "Please check the 6 digits your parent received and type them again.")),
    "consent_code_expired": _m(QT_TRANSLATE_NOOP("Messages", "This code has expired."), QT_TRANSLATE_NOOP("NextStep", "Tap \"Send a code to their phone\" to send a new one.")),
    "no_phone_on_file": _m(QT_TRANSLATE_NOOP("Messages", "No mobile number of your parent is on file."), QT_TRANSLATE_NOOP("NextStep", "Your parent can consent with their own ID card here instead.")),
    "not_this_parent": _m(QT_TRANSLATE_NOOP("Messages", "This card is not the card of the parent you chose."), QT_TRANSLATE_NOOP("NextStep", "Please ask that parent to place their own ID card on the reader.")),
    # --- offline ---
    # the credit platform down: what still goes on credit here (the bills, the registrations and the discharges
    # the sagas settle, their part on credit queued; a kiosk on the credit platform alone, its outpatient bills):
    # kiosk.ui.offline.needs_platform_code picks the words for this kiosk
    "offline_needs_platform": _m(QT_TRANSLATE_NOOP("Messages", "The credit platform is not answering right now, and this needs it. Paying outpatient bills, registering for a clinic and discharge on credit still work here, within the offline limits."), QT_TRANSLATE_NOOP("NextStep", "Please try again later or go to the cashier window.")),
    "offline_needs_platform_bills": _m(QT_TRANSLATE_NOOP("Messages", "The credit platform is not answering right now, and this needs it. Paying outpatient bills on credit still works here, within the offline limits."), QT_TRANSLATE_NOOP("NextStep", "Please try again later or go to the cashier window.")),
    "offline_unknown_patient": _m(QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and your details were not seen at this kiosk recently."), QT_TRANSLATE_NOOP("NextStep", "Please go to the cashier window.")),
    "offline_no_credit": _m(QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering. Without the credit service, bills can only be paid at the cashier window for now."), QT_TRANSLATE_NOOP("NextStep", "Please pay at the cashier window."), pay_phone=_OFFLINE_PHONE),
    "offline_account_suspended": _m(QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and your credit service is suspended."), QT_TRANSLATE_NOOP("NextStep", "Please pay at the cashier window."), pay_phone=_OFFLINE_PHONE),
    "offline_repay_first": _m(QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and a bill of yours is overdue."), QT_TRANSLATE_NOOP("NextStep", "Please pay at the cashier window."), pay_phone=_OFFLINE_PHONE),
    "offline_snapshot_stale": _m(QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and your credit details here are too old to use."), QT_TRANSLATE_NOOP("NextStep", "Please pay at the cashier window."), pay_phone=_OFFLINE_PHONE),
    "offline_over_line": _m(QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and this bill is more than your available credit."), QT_TRANSLATE_NOOP("NextStep", "Please pay at the cashier window."), pay_phone=_OFFLINE_PHONE),
    "offline_over_txn_cap": _m(QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and this bill is over the amount that can be paid on credit offline."), QT_TRANSLATE_NOOP("NextStep", "Please pay at the cashier window."), pay_phone=_OFFLINE_PHONE),
    "offline_over_terminal_cap": _m(QT_TRANSLATE_NOOP("Messages", "The hospital system is not answering, and this kiosk has taken all the credit payments it may hold until it is back."), QT_TRANSLATE_NOOP("NextStep", "Please pay at the cashier window."), pay_phone=_OFFLINE_PHONE),
    # --- the three counterparts: the hospital's HIS, the medical insurance, the settlement saga (issue 12) ---
    "his_unavailable": _m(QT_TRANSLATE_NOOP("Messages", "The hospital's billing system is not answering, so your bills cannot be shown right now. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please try again shortly or go to the cashier window.")),
    "bill_already_paid": _m(QT_TRANSLATE_NOOP("Messages", "This bill has already been paid."), QT_TRANSLATE_NOOP("NextStep", "If you need its receipt, please ask at the cashier window.")),
    "bill_cancelled": _m(QT_TRANSLATE_NOOP("Messages", "This bill was cancelled by the hospital: there is nothing to pay."), QT_TRANSLATE_NOOP("NextStep", "Please ask at the cashier window if you are unsure.")),
    "insurance_refused": _m(QT_TRANSLATE_NOOP("Messages", "The medical insurance platform did not accept this settlement. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please go to the cashier window.")),
    "insurance_unavailable": _m(QT_TRANSLATE_NOOP("Messages", "The medical insurance platform is not answering, so the insurance part cannot be worked out now. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please try again shortly or go to the cashier window.")),
    "insurance_gateway_refused": _m(QT_TRANSLATE_NOOP("Messages", "This kiosk cannot reach the medical insurance platform right now. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please go to the cashier window; staff will call IT.")),
    "insurance_answer_invalid": _m(QT_TRANSLATE_NOOP("Messages", "The medical insurance platform's answer could not be read. Nothing was charged twice; the kiosk checks and puts it right by itself."), QT_TRANSLATE_NOOP("NextStep", "Please go to the cashier window.")),
    "insurance_sign_in_renewed": _m(QT_TRANSLATE_NOOP("Messages", "The kiosk had to sign in to the medical insurance platform again. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please try once more.")),
    "not_insured": _m(QT_TRANSLATE_NOOP("Messages", "No medical insurance was found for you here, so the whole bill is yours to pay."), QT_TRANSLATE_NOOP("NextStep", "Please ask at the cashier window if you are insured.")),
    "insurance_answer_lost": _m(QT_TRANSLATE_NOOP("Messages", "The medical insurance platform did not confirm in time, so the payment was undone everywhere. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please try again.")),
    "registration_fee_pending": _m(QT_TRANSLATE_NOOP("Messages", "This registration was made while the credit platform was not answering, and its fee is still waiting to be confirmed by it, so it cannot be cancelled yet. Nothing was changed."), QT_TRANSLATE_NOOP("NextStep", "Please try again once the credit platform answers, or ask at the registration desk.")),
    "saga_pending": _m(QT_TRANSLATE_NOOP("Messages", "The payment is not finished yet because a hospital system did not answer. The kiosk completes it, or undoes it, by itself; you will never be charged twice."), QT_TRANSLATE_NOOP("NextStep", "Please ask at the cashier window for your receipt.")),
    "saga_not_prepared": _m(QT_TRANSLATE_NOOP("Messages", "This bill was set aside while you were away. Nothing was charged."), QT_TRANSLATE_NOOP("NextStep", "Please start again.")),
    # --- start-up ---
    "software_older_than_data": _m(QT_TRANSLATE_NOOP("Messages", "This kiosk's software is older than its data, so it cannot start. Nothing was changed."), QT_TRANSLATE_NOOP("NextStep", "Please call IT to reinstall the newer release.")),
}
_FALLBACK = _m(QT_TRANSLATE_NOOP("Messages", "Something went wrong."), QT_TRANSLATE_NOOP("NextStep", "Please go to the cashier window for help."))
_SOFTWARE_TOO_OLD = QT_TRANSLATE_NOOP("NextStep", "Please call IT to reinstall version %1 or later.")
# How a problem and its next step are put together: a space in English, none in Chinese.
_JOINED = QT_TRANSLATE_NOOP("Messages", "{problem} {next_step}")


def catalogue() -> dict[str, Message]:
    """Every code a patient or cashier may be told, with its words (for the catalogue's test)."""
    return dict(_TEXTS)


def _joined(problem: str, next_step: str) -> str:
    return QCoreApplication.translate("Messages", _JOINED).format(problem=problem, next_step=next_step)


def message_for(code: str, way: str | None = None) -> str:
    """``code``'s words: the problem, then what to do next; with ``way`` (a way on the screen
    offers beside the message, e.g. ``REPAY_HERE``), the next step that names it."""
    message = _TEXTS.get(code, _FALLBACK)
    next_step = message.ways.get(way, message.next_step) if way else message.next_step
    return _joined(QCoreApplication.translate("Messages", message.problem),
                   QCoreApplication.translate("NextStep", next_step))


def startup_problem(error: BaseException) -> str:
    """What the screen says when the services cannot be built (``KioskApp``'s boot error)."""
    if isinstance(error, SchemaTooNew):
        if error.needed:
            message = _TEXTS["software_older_than_data"]
            return _joined(QCoreApplication.translate("Messages", message.problem),
                           QCoreApplication.translate("NextStep", _SOFTWARE_TOO_OLD).replace("%1", error.needed))
        return message_for(error.code)
    return message_for("internal")
