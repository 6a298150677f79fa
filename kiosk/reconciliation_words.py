"""The words of the daily reconciliation per counterpart (``kiosk.usecases.counterparts``): each finding's problem
and what to do next, in English (the source strings: ``kiosk-admin reconcile`` prints them), marked for the
translation (context ``Counterparts``; the desk's shift screen shows them translated: ``kiosk.ui.shift``), and a
short Chinese line for the printed shift report. Qt-free: the admin tool imports it without Qt.
"""
from __future__ import annotations

from kiosk.domain.money import format_cny


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate looks for
    """Marks ``text`` for the translation (pyside6-lupdate extracts it); the text itself is returned."""
    return text


CONTEXT = "Counterparts"

#: Each problem in words: {reference} {saga} {kiosk} {counterpart} (amounts) {detail}.
PROBLEMS = {
    "insurance_totals_differ": QT_TRANSLATE_NOOP(
        "Counterparts", "Insurance platform, group {reference}: its totals of the day are not this kiosk's "
        "({kiosk} of bills here; it says: {detail})."),
    "insurance_unanswered": QT_TRANSLATE_NOOP(
        "Counterparts", "Insurance platform: it did not answer the reconciliation ({detail})."),
    "booked_not_in_journal": QT_TRANSLATE_NOOP(
        "Counterparts", "Credit platform, booking {reference} ({counterpart}): booked by this terminal, not in the "
        "kiosk's journal."),
    "booking_missing": QT_TRANSLATE_NOOP(
        "Counterparts", "Credit platform, booking {reference} ({kiosk}, saga {saga}): in the kiosk's journal, not "
        "at the credit platform."),
    "voided_at_credit_only": QT_TRANSLATE_NOOP(
        "Counterparts", "Credit platform, booking {reference} ({kiosk}, saga {saga}): voided at the credit "
        "platform, while the bill is settled at the insurance and paid at the HIS."),
    "voided_in_journal_only": QT_TRANSLATE_NOOP(
        "Counterparts", "Credit platform, booking {reference} (saga {saga}): the kiosk voided it, the credit "
        "platform still has {counterpart} on the line."),
    "booked_amount_differs": QT_TRANSLATE_NOOP(
        "Counterparts", "Credit platform, booking {reference} (saga {saga}): {kiosk} on the line in the kiosk's "
        "journal, {counterpart} at the credit platform."),
    "credit_unanswered": QT_TRANSLATE_NOOP(
        "Counterparts", "Credit platform: it did not answer the reconciliation ({detail})."),
    "marked_not_in_journal": QT_TRANSLATE_NOOP(
        "Counterparts", "HIS, bills {detail} ({counterpart}): marked paid by this terminal, not in the kiosk's "
        "journal."),
    "mark_missing": QT_TRANSLATE_NOOP(
        "Counterparts", "HIS, bills {detail} ({kiosk}, saga {saga}): the kiosk marked them paid, the HIS has no "
        "such mark."),
    "unmarked_at_his_only": QT_TRANSLATE_NOOP(
        "Counterparts", "HIS, bills {detail} ({kiosk}, saga {saga}): unpaid again at the HIS, while settled at the "
        "insurance and on credit."),
    "unmarked_in_journal_only": QT_TRANSLATE_NOOP(
        "Counterparts", "HIS, bills {detail} (saga {saga}): the kiosk undid the mark, the HIS still shows them "
        "paid ({counterpart})."),
    "mark_differs": QT_TRANSLATE_NOOP(
        "Counterparts", "HIS, mark {reference} (saga {saga}): the HIS's mark differs from the kiosk's in "
        "{detail}."),
    "his_unanswered": QT_TRANSLATE_NOOP(
        "Counterparts", "HIS: it did not answer the reconciliation ({detail})."),
    "saga_stuck": QT_TRANSLATE_NOOP(
        "Counterparts", "Saga {saga}: stuck, a counterpart refused to undo a step ({detail})."),
    "saga_open": QT_TRANSLATE_NOOP(
        "Counterparts", "Saga {saga}: not finished yet ({detail})."),
    "settlement_answer_lost": QT_TRANSLATE_NOOP(
        "Counterparts", "Saga {saga}: the answer to a settlement ({detail}) was lost and it is not reversed yet."),
}

#: What to do next, by the finding's ``next_step``.
NEXT_STEPS = {
    "ask_insurance_office_detail": QT_TRANSLATE_NOOP(
        "Counterparts", "Ask the hospital's insurance office for the day's detail and compare it with this "
        "kiosk's settlements of the group (kiosk-admin reconcile lists them); a supervisor corrects the one that "
        "differs."),
    "run_again_later": QT_TRANSLATE_NOOP(
        "Counterparts", "Check the link to it, then run the reconciliation again."),
    "check_bill_at_his_then_void": QT_TRANSLATE_NOOP(
        "Counterparts", "A supervisor checks whether the bills are paid at the HIS and settled at the insurance; "
        "if not, they void the booking at the credit platform."),
    "check_saga_then_book_again": QT_TRANSLATE_NOOP(
        "Counterparts", "A supervisor checks the saga: the kiosk's recovery books it again with the same key, "
        "or the bill is undone everywhere."),
    "book_again_or_undo_saga": QT_TRANSLATE_NOOP(
        "Counterparts", "A supervisor books the bill on credit again, or cancels its settlement at the insurance "
        "and its payment at the HIS: else the patient owes it nowhere."),
    "void_at_credit": QT_TRANSLATE_NOOP(
        "Counterparts", "A supervisor voids the booking at the credit platform: the patient does not owe it."),
    "correct_booking": QT_TRANSLATE_NOOP(
        "Counterparts", "A supervisor corrects the booking at the credit platform to the plan the patient "
        "confirmed (the kiosk's journal)."),
    "check_bill_with_insurance_and_credit": QT_TRANSLATE_NOOP(
        "Counterparts", "A supervisor checks the bills at the insurance and the credit platform; if they are not "
        "settled there, the HIS undoes the mark."),
    "check_saga_then_mark_again": QT_TRANSLATE_NOOP(
        "Counterparts", "A supervisor checks the saga: the kiosk's recovery marks the bills again with the same "
        "key, or the bill is undone everywhere."),
    "mark_again_or_undo_saga": QT_TRANSLATE_NOOP(
        "Counterparts", "A supervisor marks the bills paid at the HIS again (with the settlement and the booking), "
        "or cancels the settlement at the insurance and voids the booking."),
    "unmark_at_his": QT_TRANSLATE_NOOP(
        "Counterparts", "A supervisor undoes the mark at the HIS: the bills were not paid here."),
    "correct_mark": QT_TRANSLATE_NOOP(
        "Counterparts", "A supervisor corrects the HIS's mark to the settlement and booking the saga made."),
    "supervisor_finishes_saga": QT_TRANSLATE_NOOP(
        "Counterparts", "A supervisor undoes by hand the step the counterpart refused (the saga's journal names "
        "it), then tells IT."),
    "wait_for_recovery": QT_TRANSLATE_NOOP(
        "Counterparts", "Nothing to do now: the kiosk's recovery ends it by itself; if it is still listed "
        "tomorrow, a supervisor looks at it."),
}

#: The printed shift report's short Chinese line (paper is in Chinese).
COUNTERPART_ON_PAPER = {"insurance": "医保", "credit": "信用平台", "his": "HIS", "journal": "本机日志"}
PROBLEM_ON_PAPER = {
    "insurance_totals_differ": "当日汇总与本机不符", "insurance_unanswered": "对账无应答",
    "booked_not_in_journal": "平台有记账，本机日志无", "booking_missing": "本机日志有记账，平台无",
    "voided_at_credit_only": "平台已冲正，本机为已结算", "voided_in_journal_only": "本机已冲正，平台仍记账",
    "booked_amount_differs": "记账金额不符", "credit_unanswered": "对账无应答",
    "marked_not_in_journal": "HIS有缴费标记，本机日志无", "mark_missing": "本机已标记缴费，HIS无",
    "unmarked_at_his_only": "HIS显示未缴费，本机为已结算", "unmarked_in_journal_only": "本机已撤销，HIS仍为已缴费",
    "mark_differs": "缴费标记不符", "his_unanswered": "对账无应答",
    "saga_stuck": "结算流程卡住，需主管处理", "saga_open": "结算流程未完成",
    "settlement_answer_lost": "结算应答丢失，未冲正",
}


def _fields(finding) -> dict:
    return {"reference": finding.reference, "saga": (finding.saga_id or "—")[:12],
            "kiosk": format_cny(finding.kiosk_fen), "counterpart": format_cny(finding.counterpart_fen),
            "detail": finding.detail or "—"}


def finding_text(finding, translate=lambda context, text: text) -> str:
    """The problem and what to do next (``translate(context, text)``: the screens' Qt translation)."""
    fields = _fields(finding)
    return translate(CONTEXT, PROBLEMS[finding.problem]).format(**fields) + " " + \
        translate(CONTEXT, NEXT_STEPS[finding.next_step])


def on_paper(finding) -> str:
    f = finding
    amount = f" {format_cny(f.kiosk_fen or f.counterpart_fen)}" if (f.kiosk_fen or f.counterpart_fen) else ""
    saga = f" 流程 {f.saga_id[:12]}" if f.saga_id else ""
    return (f"【{COUNTERPART_ON_PAPER.get(f.counterpart, f.counterpart)}】{f.reference}{amount}："
            f"{PROBLEM_ON_PAPER.get(f.problem, f.problem)}{saga}")
