"""The message catalogue, walked whole: every problem a patient or cashier can be told says what to
do next, in English and in Chinese, and the Chinese translation file has nothing left unfinished.

The Chinese is read from resources/translations/kiosk_zh_CN.ts (what `make translations` builds the
.qm from), not from the code: a sentence lupdate did not pick up, or that nobody translated, fails here.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk.ui import messages

TS = Path(__file__).resolve().parents[1] / "resources" / "translations" / "kiosk_zh_CN.ts"
HAN = re.compile(r"[\u4e00-\u9fff]")
#: Words the Chinese must not use for the places and things the hall's signs name otherwise.
OTHER_TERMS = {"收费处": "收费窗口", "挂号处": "挂号窗口", "信用支付额度": "信用额度", "信用医疗": "信用就医"}


def ts_messages() -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(TS).getroot()
    return [(context.findtext("name"), message.findtext("source"), message.find("translation"))
            for context in root.iter("context") for message in context.iter("message")]


def chinese() -> dict[tuple[str, str], str]:
    return {(context, source): (translation.text or "") for context, source, translation in ts_messages()
            if translation is not None and translation.get("type") is None}


def test_nothing_in_the_translation_file_is_left_unfinished_or_empty():
    left = [(context, source) for context, source, translation in ts_messages()
            if translation is None or translation.get("type") == "unfinished" or not (translation.text or "").strip()]
    assert not left, f"{len(left)} untranslated: {left[:10]}"


def test_every_translation_is_chinese_and_uses_the_halls_terms():
    for (context, source), text in chinese().items():
        words = re.sub(r"\{\w*\}|%\d", "", source)
        if HAN.search(source) or not re.search(r"[A-Za-z]{3}", words):
            continue  # a name, an amount, a switch labelled in its own language ("中文")
        assert HAN.search(text), f"{context}: {source!r} is not in Chinese: {text!r}"
        for other, term in OTHER_TERMS.items():
            assert other not in text, f"{context}: {text!r} says {other}, the signs say {term}"


CATALOGUE = sorted(messages.catalogue().items())


@pytest.mark.parametrize(("code", "message"), CATALOGUE, ids=[code for code, _ in CATALOGUE])
def test_every_problem_says_what_to_do_next_in_both_languages(code, message):
    zh = chinese()
    steps = [message.next_step, *message.ways.values()]
    assert message.problem.strip() and all(step.strip() for step in steps)
    assert message.problem.endswith((".", "!")), "the problem is a sentence of its own"
    problem_zh = zh.get(("Messages", message.problem))
    assert problem_zh and HAN.search(problem_zh), f"{code}: no Chinese for {message.problem!r}"
    for step in steps:
        assert step.endswith("."), f"{code}: the next step is a sentence: {step!r}"
        step_zh = zh.get(("NextStep", step))
        assert step_zh and step_zh.endswith("。"), f"{code}: no Chinese next step for {step!r}"
        assert step_zh != problem_zh


def test_a_message_is_the_problem_then_the_next_step_in_the_language_shown(qapp):
    from PySide6.QtCore import QTranslator

    message = messages.catalogue()["account_suspended"]
    assert messages.message_for("account_suspended") == f"{message.problem} {message.next_step}"
    assert messages.message_for("account_suspended", messages.REPAY_HERE).endswith(
        'Tap "Repay now" to repay it here with your phone; then you can use the credit service again.')
    assert messages.message_for("no_such_code") == "Something went wrong. Please go to the cashier window for help."

    translator = QTranslator()
    assert translator.load(str(TS.with_suffix(".qm"))), "built from the .ts by `make translations`"
    qapp.installTranslator(translator)
    try:
        assert messages.message_for("account_suspended") == "您有逾期账单，信用就医服务已暂停。请先到收费窗口还款。"
        assert messages.message_for("account_suspended", messages.REPAY_HERE) == (
            "您有逾期账单，信用就医服务已暂停。请点击“立即还款”，在本机用手机还款，还款后即可继续使用信用就医。")
    finally:
        qapp.removeTranslator(translator)
