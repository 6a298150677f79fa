"""Money adds up on paper: every document the journey tests and the demo tour printed in this
session, read back from the PDFs, has sums that hold (``tests/printing/arithmetic.py``), and
every kind of document the product prints was among them.

The documents are collected by the ``tests.printing.printed`` plugin after each test; this
test runs after all the others. Run alone, or with a selection that prints no document of
some kind, it fails and names the kinds it never saw and the tests that print them: it
cannot pass by checking nothing.
"""
from __future__ import annotations

from collections import Counter

from tests.printing.arithmetic import check
from tests.printing.printed import printed, runs_last

#: Every kind of document the product prints, and where the suite prints one.
PRINTED_BY = {
    "receipt": "tests/test_pay_journey.py, tests/test_demo_tour.py",
    "registration": "tests/test_journey_register.py, tests/test_demo_tour.py",
    "cancellation": "tests/test_journey_register.py",
    "repayment": "tests/test_journey_repay.py, tests/test_demo_tour.py",
    "refund": "tests/test_journey_refund.py",
    "discharge": "tests/test_journey_inpatient.py, tests/test_demo_tour.py",
    "statement": "tests/test_journey_inpatient.py, tests/test_demo_tour.py",
    "shift_report": "tests/test_desk_shift.py",
    "dispute": "tests/test_journey_dispute.py",
}


#: The national medical charge categories (医疗收费项目类别, med_chrgitm_type 01-14) by name:
#: the only words a statement's 类别 column may show.
NATIONAL_CATEGORIES = {"床位费", "诊察费", "检查费", "化验费", "治疗费", "手术费", "护理费", "卫生材料费", "西药费",
                       "中药饮片费", "中成药费", "一般诊疗费", "挂号费", "其他费"}


@runs_last
def test_every_printed_document_adds_up_and_every_kind_was_printed():
    documents = printed()
    kinds: Counter[str] = Counter()
    problems = []
    for document in documents:
        checked = check(document.text)
        kinds[checked.kind] += 1
        if checked.kind == "statement" and not checked.categories <= NATIONAL_CATEGORIES:
            problems.append(f"{document.name} (printed by {document.test}): categories "
                            f"{sorted(checked.categories - NATIONAL_CATEGORIES)} are not national ones")
        if checked.problems:
            problems.append(f"{document.name} ({checked.kind}, printed by {document.test}):\n    "
                            + "\n    ".join(checked.problems))
        elif checked.kind != "dispute" and checked.equalities == 0:
            problems.append(f"{document.name} ({checked.kind}, printed by {document.test}): nothing to add up")
    assert not problems, "printed documents that do not add up:\n" + "\n".join(problems)
    missing = {kind: where for kind, where in PRINTED_BY.items() if not kinds[kind]}
    assert not missing, (
        f"checked {sum(kinds.values())} documents ({dict(kinds)}) but never saw "
        + "; ".join(f"a {kind} (printed by {where})" for kind, where in missing.items())
        + ": run this test with those (the whole suite does)")
