"""The A4 itemised statement (住院费用清单): read back page by page with poppler."""
from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.idnumber import check_character, mask_id
from kiosk.domain.money import format_cny, parse_yuan
from printing.statement import Statement, StatementLine, render_statement

_TOOLS = ("pdftotext", "pdfinfo", "pdftoppm", "zbarimg")
needs_tools = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in _TOOLS),
    reason="needs poppler-utils and zbar-tools",
)

FIRST17 = "35020319800101101"
FULL_ID = FIRST17 + check_character(FIRST17)
MASKED_ID = mask_id(FULL_ID)
REFERENCE = "ZY20250501-0207-000002"
PERIOD = "入院 2025-04-20  出院 2025-05-01（11天）"

_CATALOGUE = (
    ("CW001", "床位费（三人间）", "床位费", "1日", 4500),
    ("HL002", "二级护理", "护理费", "1日", 2600),
    ("XY101", "阿莫西林胶囊 0.25g×24粒", "西药费", "2盒", 1860),
    ("HY401", "血细胞分析(五分类)", "化验费", "1项", 2000),
    ("ZL501", "静脉输液(第一组)", "治疗费", "1次", 1200),
    ("CL601", "一次性使用输液器", "材料费", "3个", 350),
    ("JC301", "胸部X线摄影(DR)", "检查费", "1次", 9000),
    ("ZC201", "连花清瘟胶囊 0.35g×24粒", "中成药费", "1盒", 2690),
)


def make_lines(count: int) -> tuple[StatementLine, ...]:
    """``count`` lines, each name unique (``…#0042``) and short enough for one line."""
    lines = []
    for i in range(count):
        code, name, category, quantity, price = _CATALOGUE[i % len(_CATALOGUE)]
        units = int(quantity[0])
        lines.append(StatementLine(
            date(2025, 4, 20) + timedelta(days=i * 11 // max(count, 1)), code,
            f"{name}#{i + 1:04d}", category, quantity, price + i, (price + i) * units,
        ))
    return tuple(lines)


# Lines of an inpatient stay as the kiosk prints them: national category names, the insurance
# class (甲/乙/丙) and the self-paid part (乙: 10% here; 丙: all of it).
_CLASSED = (
    ("CW001", "普通病房床位费(三人间)", "床位费", "甲", 4500),
    ("HL001", "二级护理", "护理费", "甲", 2800),
    ("XY204", "注射用泮托拉唑钠 40mg", "西药费", "乙", 4350),
    ("XY206", "人血白蛋白注射液 10g", "西药费", "丙", 39800),
    ("HY501", "血常规", "化验费", "甲", 2000),
    ("JC402", "胸部CT平扫", "检查费", "乙", 26000),
    ("CL702", "留置针", "卫生材料费", "乙", 2800),
)
_SELF_PAID_PERMILLE = {"甲": 0, "乙": 100, "丙": 1000}


def with_classes(count: int) -> tuple[StatementLine, ...]:
    lines = []
    for i in range(count):
        code, name, category, grade, price = _CLASSED[i % len(_CLASSED)]
        units = 1 + i % 3
        amount = units * price
        lines.append(StatementLine(date(2025, 4, 20) + timedelta(days=i * 6 // max(count, 1)), code, name, category,
                                   str(units), price, amount, grade, amount * _SELF_PAID_PERMILLE[grade] // 1000))
    return tuple(lines)


def classed_statement(count: int, **changes) -> Statement:
    """A statement of :func:`with_classes` lines whose fund pays 70% of what is not self-paid."""
    lines = with_classes(count)
    total = sum(line.amount_fen for line in lines)
    fund = sum((line.amount_fen - line.self_paid_fen) * 7 // 10 for line in lines)
    totals = (("合计", total), ("医保统筹支付", fund), ("个人负担", total - fund), ("信用额度记账", total - fund),
              ("现场支付", 0))
    return make_statement(lines, _totals=totals, **changes)


def make_statement(lines: tuple[StatementLine, ...], _totals: tuple | None = None, **changes) -> Statement:
    total = sum(line.amount_fen for line in lines)
    fund = total * 7 // 10
    personal = total - fund
    deposit = min(personal, 300_000)
    statement = Statement(
        title="住院费用清单", hospital="厦门市第一医院", masked_id=MASKED_ID, masked_name="陈*明",
        period=PERIOD, lines=lines,
        totals=_totals or (("合计", total), ("医保统筹支付", fund), ("个人负担", personal),
                           ("预交金抵扣", deposit), ("信用额度记账", personal - deposit), ("现场支付", 0)),
        reference=REFERENCE, printed_at=datetime(2025, 5, 1, 2, 3, 4, tzinfo=UTC),
        info=(("住院号", "ZY2025004417"), ("科室", "呼吸与危重症医学科"), ("病区床位", "5病区 12床")),
    )
    return dataclasses.replace(statement, **changes)


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True,
                          encoding="utf-8", timeout=30).stdout


def _render(statement: Statement, folder: Path, name: str = "statement") -> Path:
    path = folder / f"{name}.pdf"
    path.write_bytes(render_statement(statement))
    return path


def _pages(path: Path) -> list[str]:
    text = _run("pdftotext", "-layout", "-enc", "UTF-8", str(path), "-")
    pages = text.split("\f")
    assert pages[-1].strip() == ""
    return pages[:-1]


_AMOUNT = r"￥(-?\d+\.\d{2})"
_ITEM = re.compile(r"(?m)^\d{4}-\d{2}-\d{2}\s.*" + _AMOUNT + r"\s*$")


def _labelled(page: str, label: str) -> list[int]:
    return [parse_yuan(m) for m in re.findall(rf"(?m)^\s*{label}\s+{_AMOUNT}\s*$", page)]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """300 lines, rendered once for the tests that read it."""
    lines = make_lines(300)
    path = _render(make_statement(lines), tmp_path_factory.mktemp("statement"))
    return lines, path, _pages(path)


@needs_tools
def test_every_item_is_listed_and_the_header_repeats(big):
    lines, path, pages = big
    info = _run("pdfinfo", str(path))
    page_count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert page_count > 1 and len(pages) == page_count
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842)  # A4 portrait

    text = "".join(pages)
    for line in lines:
        assert line.name in text, line.name
    assert sum(len(_ITEM.findall(page)) for page in pages) == len(lines)  # each row once
    for number, page in enumerate(pages, 1):
        for value in ("厦门市第一医院", "住院费用清单", "陈*明", MASKED_ID, PERIOD.split()[1],
                      "ZY2025004417", "呼吸与危重症医学科", "12床", "打印时间 2025-05-01 10:03"):
            assert value in page, (number, value)
        assert f"第{number}页/共{page_count}页" in re.sub(r"\s+", "", page)
    squeezed = re.sub(r"\s+", "", text)
    assert FULL_ID not in squeezed and FIRST17 not in squeezed
    assert "COPY" not in text and "重打副本" not in text


@needs_tools
def test_page_totals_carry_forward_and_add_up(big):
    lines, _, pages = big
    running = 0
    subtotals = []
    for number, page in enumerate(pages, 1):
        items = [parse_yuan(amount) for amount in _ITEM.findall(page)]
        assert items, f"page {number} has no items"
        (subtotal,) = _labelled(page, "本页小计")
        assert subtotal == sum(items), number
        carried = _labelled(page, "承前页")
        assert carried == ([] if number == 1 else [running]), number
        running += subtotal
        subtotals.append(subtotal)
        forward = _labelled(page, "过次页")
        assert forward == ([] if number == len(pages) else [running]), number
    (grand,) = _labelled(pages[-1], "合计")
    assert sum(subtotals) == grand == sum(line.amount_fen for line in lines)
    for label in ("医保统筹支付", "个人负担", "预交金抵扣", "信用额度记账", "现场支付"):
        assert len(_labelled(pages[-1], label)) == 1, label
        assert all(label not in page for page in pages[:-1])
    assert f"流水号 {REFERENCE}" in pages[-1]


@needs_tools
def test_the_reference_qr_decodes(big, tmp_path):
    _, path, pages = big
    last = str(len(pages))
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-singlefile", "-f", last, "-l", last,
                    str(path), str(tmp_path / "last")], check=True, capture_output=True, timeout=30)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "last.png")],
                             capture_output=True, text=True, timeout=30)
    assert decoded.stdout.strip() == REFERENCE


@needs_tools
def test_copy_is_marked_on_every_page(tmp_path):
    pages = _pages(_render(make_statement(make_lines(120), copy=True), tmp_path))
    assert len(pages) > 1
    for page in pages:
        assert re.search(r"重打副本\s*COPY", page)


@needs_tools
def test_long_names_and_codes_are_wrapped_or_cut_tidily(tmp_path):
    long_name = "注射用头孢哌酮钠舒巴坦钠（1.5g/支，舒普深，辉瑞制药有限公司）静脉滴注用"
    endless = "超长的耗材名称" * 20
    lines = make_lines(10) + (
        StatementLine(date(2025, 4, 30), "XL01CA-A017-E001-010100941-0001", long_name, "西药费",
                      "2支", 4265, 8530),
        StatementLine(date(2025, 4, 30), "C1234", endless, "卫生材料费（一次性高值）", "100000个", 1, 100000),
    )
    pages = _pages(_render(make_statement(lines), tmp_path))
    text = "".join(pages)
    assert "注射用头孢哌酮钠" in text and "静脉滴注用" in text  # wrapped onto a second line
    assert "…" in text  # the 140-character name is cut, so is the long code
    assert "XL01CA" in text
    for amount in ("￥85.30", "￥1000.00", "￥42.65", "￥0.01"):
        assert amount in text, amount
    items = [parse_yuan(a) for page in pages for a in _ITEM.findall(page)]
    assert items == [line.amount_fen for line in lines]


@needs_tools
def test_totals_never_sit_on_a_page_without_items(tmp_path):
    """Around the number of rows one page holds, the totals either fit under the rows
    or take the last row with them onto a new page: never an empty page."""
    for count in range(44, 64, 2):
        pages = _pages(_render(make_statement(make_lines(count)), tmp_path, f"s{count}"))
        assert sum(len(_ITEM.findall(page)) for page in pages) == count
        for page in pages:
            assert _ITEM.search(page) and "本页小计" in page, count
        assert "合计" in pages[-1]


@needs_tools
def test_an_empty_statement_still_renders(tmp_path):
    pages = _pages(_render(make_statement(()), tmp_path))
    assert len(pages) == 1
    assert _labelled(pages[0], "本页小计") == [0]
    assert _labelled(pages[0], "合计") == [0]


@needs_tools
def test_classes_self_paid_parts_and_the_summary_by_category(tmp_path):
    statement = classed_statement(40)
    pages = _pages(_render(statement, tmp_path))
    rows = [line for page in pages for line in page.splitlines() if re.match(r"^\d{4}-\d{2}-\d{2}\s", line)]
    assert len(rows) == 40
    for line, row in zip(statement.lines, rows):
        cells = row.split()
        assert cells[-6:] == [line.category, line.insurance_class, line.quantity, format_cny(line.unit_price_fen),
                              format_cny(line.amount_fen), format_cny(line.self_paid_fen)], row
    last = pages[-1]
    summary = last[last.index("费用汇总"):]
    assert summary.splitlines()[1].split() == ["类别", "金额", "甲类", "乙类", "丙类", "自付"]
    # in the national table's order: 床位费 01, 检查费 03, 化验费 04, 护理费 07, 卫生材料费 08, 西药费 09
    order = ["床位费", "检查费", "化验费", "护理费", "卫生材料费", "西药费"]
    printed = [line.split()[0] for line in summary.splitlines()[2:2 + len(order)]]
    assert printed == order
    for name in order:
        mine = [line for line in statement.lines if line.category == name]
        expected = [sum(line.amount_fen for line in mine)]
        expected += [sum(line.amount_fen for line in mine if line.insurance_class == mark) for mark in "甲乙丙"]
        expected.append(sum(line.self_paid_fen for line in mine))
        (row,) = [line for line in summary.splitlines() if line.split()[:1] == [name]]
        assert [parse_yuan(cell.lstrip("￥")) for cell in row.split()[1:]] == expected, name
    (total_row,) = [line for line in summary.splitlines() if line.split()[:1] == ["金额合计"]]
    assert parse_yuan(total_row.split()[1].lstrip("￥")) == sum(line.amount_fen for line in statement.lines)
    assert "乙" in "".join(rows) and "丙" in "".join(rows)


@needs_tools
def test_without_classes_the_summary_has_amounts_and_no_class_columns(big):
    *_, pages = big
    last = pages[-1]
    summary = last[last.index("费用汇总"):].splitlines()
    assert summary[1].split() == ["类别", "金额", "自付"]
    assert "等级" not in pages[0]


# -- what the constructor refuses --------------------------------------------------

@pytest.mark.parametrize("masked", [FULL_ID, "3502*" + FULL_ID[4:], ""])
def test_a_full_id_is_refused(masked):
    with pytest.raises(ValueError) as exc:
        make_statement(make_lines(3), masked_id=masked)
    assert FULL_ID not in str(exc.value)


def test_bad_values_are_refused():
    lines = make_lines(3)
    with pytest.raises(ValueError):
        make_statement(lines, masked_name="陈志明")
    with pytest.raises(ValueError):
        make_statement(lines, printed_at=datetime(2025, 5, 1, 10, 3))
    with pytest.raises(ValueError, match="合计"):
        make_statement(lines, totals=(("合计", sum(line.amount_fen for line in lines) + 1),))
    with pytest.raises(ValueError, match="integer fen"):
        make_statement(lines, totals=(("个人负担", 12.5),))
    with pytest.raises(ValueError, match="integer fen"):
        dataclasses.replace(lines[0], amount_fen=18.6)
    with pytest.raises(ValueError):
        dataclasses.replace(lines[0], date=datetime(2025, 4, 20, tzinfo=BUSINESS_TZ))
    with pytest.raises(ValueError):
        make_statement(lines, reference=" ")
    with pytest.raises(ValueError, match="医保统筹支付 and 个人负担"):
        make_statement(lines, totals=(("合计", sum(line.amount_fen for line in lines)), ("医保统筹支付", 1),
                                      ("个人负担", 1)))
    with pytest.raises(ValueError, match="parts of 个人负担"):
        make_statement(lines, totals=(("个人负担", 1000), ("信用额度记账", 600), ("现场支付", 300)))
    with pytest.raises(ValueError, match="self-paid parts exceed"):
        make_statement(with_classes(7), _totals=(("个人负担", 1),))
    with pytest.raises(ValueError, match="丙"):
        dataclasses.replace(with_classes(7)[3], self_paid_fen=0)  # 丙: paid in full by the patient
    with pytest.raises(ValueError, match="between 0 and the amount"):
        dataclasses.replace(with_classes(7)[2], self_paid_fen=with_classes(7)[2].amount_fen + 1)
    with pytest.raises(ValueError, match="insurance_class"):
        dataclasses.replace(lines[0], insurance_class="丁")
    assert make_statement(lines).total_fen == sum(line.amount_fen for line in lines)
    assert format_cny(make_statement(lines).totals[0][1]).startswith("￥")
