"""Does a printed document add up? Checked from its text alone (``pdftotext -layout``).

Nothing here imports the product's models or its money helpers: every figure is read off
the paper under the Chinese words the patient reads, and the sums are done again here.

* thermal slips: ``total = 医保统筹支付 + 个人负担``; ``个人负担 = 预交金抵扣 + 信用额度记账 +
  现场支付 + 现金支付`` (the parts a slip has); a refund or cancellation: ``total =
  退回信用账户 + 退回原支付渠道`` (the channel named, no cash paid out), and
  ``退回信用账户 = 冲减本笔欠款 + 冲减其他欠款 + 余额由金融机构退还``, its sentence (说明)
  saying the same figures; a repayment: ``还款金额 = 现场支付 + 现金支付``; the items
  listed (项目 / 金额) add up to the total; every part a kind of document must show is there;
* the A4 statement (住院费用清单): each row's amount is quantity × unit price, a 丙 row is
  all self-paid; every page's 本页小计 is the sum of its rows, 承前页 is the previous
  page's 过次页, 过次页 = 承前页 + 本页小计, and the last page's running total is 合计;
  the summary by category (费用汇总) matches the rows category by category and class by
  class, its 金额合计 row is the sum of its rows and equals 合计; ``合计 = 医保统筹支付 +
  个人负担`` and 个人负担 is the sum of its parts;
* the shift report (收费员交班对账单): per kind, 合计 = 信用额度 + 渠道/银行卡 + 现金 on both
  the desk's and the platform's side, the 合计 rows are the column sums, the platform's
  count and total in the first table are those of its own table, 一致 only where the two
  sides agree in every figure, and the cash to hand over is cash in less cash out.

:func:`check` answers a :class:`Checked`: the kind, the problems found (none: it adds up)
and how many equalities were verified (a document with nothing to add up has 0).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Checked", "TITLES", "check", "kind_of", "fen"]

#: Document title (as printed) -> kind.
TITLES = {
    "门诊信用结算凭条": "receipt",
    "挂号凭条": "registration",
    "退号凭条": "cancellation",
    "还款凭条": "repayment",
    "退费凭条": "refund",
    "出院结算凭条": "discharge",
    "异议受理回执": "dispute",
    "住院费用清单": "statement",
    "收费员交班对账单": "shift_report",
}

_AMOUNT = r"￥(-?\d+\.\d{2})"
_MONEY = re.compile(_AMOUNT)
_DATE_ROW = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s")


def fen(text: str) -> int:
    """``"￥12.34"`` or ``"12.34"`` -> 1234 (integer arithmetic, no float)."""
    digits = text.lstrip("￥")
    negative = digits.startswith("-")
    whole, _, cents = digits.lstrip("-").partition(".")
    if not whole.isdigit() or len(cents) != 2 or not cents.isdigit():
        raise ValueError(f"not an amount: {text!r}")
    value = int(whole) * 100 + int(cents)
    return -value if negative else value


def _yuan(value: int) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}￥{abs(value) // 100}.{abs(value) % 100:02d}"


@dataclass
class Checked:
    kind: str
    problems: list[str] = field(default_factory=list)
    equalities: int = 0
    categories: set[str] = field(default_factory=set)  # a statement's rows' categories, as printed

    def equal(self, what: str, left: int, right: int) -> None:
        self.equalities += 1
        if left != right:
            self.problems.append(f"{what}: {_yuan(left)} ≠ {_yuan(right)}")

    def require(self, condition: bool, problem: str) -> bool:
        if not condition:
            self.problems.append(problem)
        return condition

    @property
    def adds_up(self) -> bool:
        return not self.problems


def kind_of(text: str) -> str | None:
    """The kind of document, from its title line (near the top of the first page)."""
    head = [line.strip() for line in text.split("\f")[0].splitlines() if line.strip()][:6]
    for line in head:
        for title, kind in TITLES.items():
            if line == title or line.startswith(title + "（"):
                return kind
    return None


def check(text: str) -> Checked:
    kind = kind_of(text)
    if kind is None:
        return Checked("unknown", ["no known document title"])
    checked = Checked(kind)
    if kind == "statement":
        _statement(text, checked)
    elif kind == "shift_report":
        _shift_report(text, checked)
    else:
        _slip(text, checked)
    return checked


# -- labelled figures ---------------------------------------------------------------------------

def _labelled(lines: list[str], label: str) -> list[int]:
    """The first amount after ``label`` at the start of a line, for every such line."""
    pattern = re.compile(rf"^\s*{re.escape(label)}\s+{_AMOUNT}(?:\s|$)")
    return [fen(m.group(1)) for m in map(pattern.match, lines) if m]


def _one(lines: list[str], label: str, checked: Checked) -> int | None:
    found = _labelled(lines, label)
    if checked.require(len(found) == 1, f"{label}: printed {len(found)} times, expected once"):
        return found[0]
    return None


def _optional(lines: list[str], label: str, checked: Checked) -> int:
    found = _labelled(lines, label)
    checked.require(len(found) <= 1, f"{label}: printed {len(found)} times")
    return found[0] if found else 0


# -- thermal slips ------------------------------------------------------------------------------

#: kind -> (the total's label, parts of the total that must be printed, parts that may be).
_SETTLED = {
    "receipt": ("合计", ("医保统筹支付", "个人负担", "信用额度记账", "现场支付"), ()),
    "registration": ("挂号费", ("医保统筹支付", "个人负担", "信用额度记账", "现场支付"), ()),
    "discharge": ("住院总费用", ("医保统筹支付", "个人负担", "预交金抵扣", "信用额度记账", "现场支付"), ()),
}
_PERSONAL_PARTS = ("预交金抵扣", "信用额度记账", "现场支付", "现金支付")
_RETURNED = {"cancellation": "退还挂号费", "refund": "退费金额"}


def _items(lines: list[str], total_label: str) -> list[int] | None:
    """The amounts of the item table (项目 … 数量 … 金额) above the total, or None without one.
    A row whose name wraps ends, on its last line, with its amount; name-only lines have none."""
    header = next((i for i, line in enumerate(lines) if re.match(r"^\s*项目\s.*金额\s*$", line)), None)
    if header is None:
        return None
    end = next((i for i in range(header + 1, len(lines))
                if re.match(rf"^\s*{re.escape(total_label)}\s+￥", lines[i])), len(lines))
    amounts = []
    for line in lines[header + 1:end]:
        m = re.search(rf"{_AMOUNT}\s*$", line)
        if m:
            amounts.append(fen(m.group(1)))
    return amounts


def _slip(text: str, checked: Checked) -> None:
    lines = text.splitlines()
    kind = checked.kind
    if kind in _SETTLED:
        total_label, required, _ = _SETTLED[kind]
        total = _one(lines, total_label, checked)
        parts = {label: _one(lines, label, checked) for label in required}
        cash = _optional(lines, "现金支付", checked)
        if total is not None and parts["医保统筹支付"] is not None and parts["个人负担"] is not None:
            checked.equal(f"{total_label} = 医保统筹支付 + 个人负担", total,
                          parts["医保统筹支付"] + parts["个人负担"])
        personal_parts = [parts.get(label) for label in _PERSONAL_PARTS if label in parts]
        if parts["个人负担"] is not None and None not in personal_parts:
            checked.equal("个人负担 = " + " + ".join(label for label in _PERSONAL_PARTS if label in parts)
                          + " + 现金支付", parts["个人负担"], sum(personal_parts) + cash)
        if parts["现场支付"]:
            checked.require(any(re.match(r"^\s*支付渠道\s+\S", line) for line in lines),
                            "现场支付 without its 支付渠道")
        items = _items(lines, total_label)
        if kind == "receipt":
            checked.require(bool(items), "a receipt without its items")
        if items and total is not None:
            checked.equal(f"items = {total_label}", sum(items), total)
    elif kind in _RETURNED:
        total_label = _RETURNED[kind]
        total = _one(lines, total_label, checked)
        to_credit = _one(lines, "退回信用账户", checked)
        to_channel = _one(lines, "退回原支付渠道", checked)
        if None not in (total, to_credit, to_channel):
            checked.equal(f"{total_label} = 退回信用账户 + 退回原支付渠道", total, to_credit + to_channel)
        if to_channel:
            checked.require(any(re.match(r"^\s*原支付渠道\s+\S", line) for line in lines),
                            "退回原支付渠道 without its 原支付渠道")
        checked.require(not _labelled(lines, "现金退还") and not _labelled(lines, "现金支付"),
                        "cash paid out for a credit-care refund")
        _refund_parts(text, lines, to_credit, to_channel, checked)  # a cancellation's fee goes as a refund does
        items = _items(lines, total_label)
        if items and total is not None:
            checked.equal(f"items = {total_label}", sum(items), total)
    elif kind == "repayment":
        total = _one(lines, "还款金额", checked)
        paid, cash = _labelled(lines, "现场支付"), _labelled(lines, "现金支付")
        checked.require(len(paid) + len(cash) >= 1, "还款金额 without the part that paid it (现场支付 / 现金支付)")
        if total is not None and paid + cash:
            checked.equal("还款金额 = 现场支付 + 现金支付", total, sum(paid) + sum(cash))
        items = _items(lines, "还款金额")
        if items and total is not None:
            checked.equal("bills = 还款金额", sum(items), total)
    # a dispute acknowledgement has nothing to add up


_CREDIT_PARTS = ("冲减本笔欠款", "冲减其他欠款", "余额由金融机构退还")
_SENTENCE = re.compile(r"退款{a}已退回信用就医账户：冲减本笔欠款{a}，冲减其他欠款{a}，余额{a}由金融机构退还至您的账户"
                       .format(a=r"￥(\d+\.\d{2})"))


def _refund_parts(text: str, lines: list[str], to_credit: int | None, to_channel: int | None,
                  checked: Checked) -> None:
    """Where the credit part went (000 art. 17: to the credit account): this bill's debt, the
    account's other bills, the balance the financial institution returns; all three printed,
    adding up to 退回信用账户, and the sentence for the patient saying the same figures."""
    parts = [_one(lines, label, checked) for label in _CREDIT_PARTS]
    if to_credit is not None and None not in parts:
        checked.equal("退回信用账户 = " + " + ".join(_CREDIT_PARTS), to_credit, sum(parts))
    said = _SENTENCE.search(re.sub(r"\s+", "", text))
    if to_credit and checked.require(said is not None, "退回信用账户 without the sentence saying where it went"):
        checked.equal("the sentence's refund = 退回信用账户", fen(said.group(1)), to_credit)
        for label, value, printed in zip(_CREDIT_PARTS, said.groups()[1:], parts):
            if printed is not None:
                checked.equal(f"the sentence's {label} = its row", fen(value), printed)
    if to_channel:
        back = re.search(r"(￥\d+\.\d{2})按原支付渠道（[^）]+）原路退回", re.sub(r"\s+", "", text))
        if checked.require(back is not None, "退回原支付渠道 without the sentence saying where it went"):
            checked.equal("the sentence's channel refund = 退回原支付渠道", fen(back.group(1)), to_channel)


# -- the A4 statement ---------------------------------------------------------------------------

@dataclass
class _Row:
    page: int
    category: str
    grade: str
    quantity: int | None
    unit: int
    amount: int
    self_paid: int | None


def _statement_row(line: str, page: int, detailed: bool, checked: Checked) -> _Row | None:
    tokens = line.split()
    figures = 3 if detailed else 2
    money = tokens[-figures:]
    if len(tokens) < figures + 3 or not all(_MONEY.fullmatch(t) for t in money):
        checked.problems.append(f"page {page}: unreadable item row {line.strip()!r}")
        return None
    amounts = [fen(t) for t in money]
    rest = tokens[:-figures]
    quantity_text = rest.pop()
    m = re.fullmatch(r"(\d+)[^\d×*xX…]*", quantity_text)  # "2", "2盒"; not "10支×2盒装" nor a cut one
    grade = rest.pop() if detailed and rest[-1] in ("甲", "乙", "丙") else ""
    category = rest.pop()
    return _Row(page, category, grade, int(m.group(1)) if m else None, amounts[0], amounts[1],
                amounts[2] if detailed else None)


def _statement(text: str, checked: Checked) -> None:
    pages = [page for page in text.split("\f") if page.strip()]
    rows: list[_Row] = []
    carried_forward: int | None = None
    running = 0
    for number, page in enumerate(pages, 1):
        lines = page.splitlines()
        at = next((i for i, line in enumerate(lines) if re.match(r"^\s*日期\s+编码\s", line)), None)
        if not checked.require(at is not None, f"page {number}: no column headings"):
            continue
        detailed = lines[at].rstrip().endswith("自付")
        page_rows = [r for r in (_statement_row(line, number, detailed, checked)
                                 for line in lines[at + 1:] if _DATE_ROW.match(line)) if r]
        rows += page_rows
        subtotal = _one(lines, "本页小计", checked)
        carried = _labelled(lines, "承前页")
        forward = _labelled(lines, "过次页")
        if subtotal is None:
            continue
        checked.equal(f"page {number}: 本页小计 = its rows", subtotal, sum(r.amount for r in page_rows))
        if number == 1:
            checked.require(not carried, "page 1 carries an amount forward")
        elif checked.require(len(carried) == 1, f"page {number}: no 承前页"):
            checked.equal(f"page {number}: 承前页 = page {number - 1}'s 过次页", carried[0],
                          carried_forward if carried_forward is not None else 0)
        running = (carried[0] if carried else 0) + subtotal
        if number < len(pages):
            if checked.require(len(forward) == 1, f"page {number}: no 过次页"):
                checked.equal(f"page {number}: 过次页 = 承前页 + 本页小计", forward[0], running)
                carried_forward = forward[0]
        else:
            checked.require(not forward, "the last page carries an amount forward")
    for r in rows:
        if r.quantity is not None:
            checked.equal(f"page {r.page}: {r.category} row: quantity × unit price = amount",
                          r.quantity * r.unit, r.amount)
        if r.self_paid is not None:
            checked.require(0 <= r.self_paid <= r.amount or r.amount <= r.self_paid <= 0,
                            f"page {r.page}: a self-paid part outside its amount")
            if r.grade == "丙":
                checked.equal(f"page {r.page}: a 丙 row is self-paid in full", r.self_paid, r.amount)

    checked.categories = {r.category for r in rows}
    last = pages[-1].splitlines() if pages else []
    total = _one(last, "合计", checked)
    if total is None:
        return
    checked.equal("合计 = the last page's running total (承前页 + 本页小计)", total, running)
    checked.equal("合计 = every row", total, sum(r.amount for r in rows))
    fund = _one(last, "医保统筹支付", checked)
    personal = _one(last, "个人负担", checked)
    if fund is not None and personal is not None:
        checked.equal("合计 = 医保统筹支付 + 个人负担", total, fund + personal)
    parts = [(label, _labelled(last, label)) for label in _PERSONAL_PARTS]
    parts = [(label, found[0]) for label, found in parts if found]
    if checked.require(bool(parts), "个人负担 without its parts (信用额度记账, 现场支付 …)") and personal is not None:
        checked.equal("个人负担 = " + " + ".join(label for label, _ in parts), personal,
                      sum(value for _, value in parts))
    _summary(last, rows, total, personal, checked)


def _summary(lines: list[str], rows: list[_Row], total: int, personal: int | None, checked: Checked) -> None:
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("费用汇总")), None)
    if not checked.require(start is not None, "no summary by category (费用汇总)"):
        return
    heading = lines[start + 1].split()
    checked.require(heading[:2] == ["类别", "金额"] and heading[-1] == "自付", f"summary headings {heading}")
    columns = heading[1:]
    by_category: dict[str, list[int]] = {}
    sums = None
    for line in lines[start + 2:]:
        tokens = line.split()
        if not tokens:
            continue
        figures = tokens[1:]
        if len(figures) != len(columns) or not all(_MONEY.fullmatch(t) for t in figures):
            break
        values = [fen(t) for t in figures]
        if tokens[0] == "金额合计":
            sums = values
            break
        by_category[tokens[0]] = values
    if not checked.require(sums is not None, "the summary has no 金额合计 row"):
        return
    for i, column in enumerate(columns):
        checked.equal(f"summary: 金额合计 {column} = its rows", sums[i], sum(v[i] for v in by_category.values()))
    checked.equal("summary: 金额合计 = 合计", sums[0], total)
    categories = {r.category for r in rows}
    checked.require(set(by_category) == categories,
                    f"summary categories {sorted(by_category)} ≠ the rows' {sorted(categories)}")
    for name, values in by_category.items():
        mine = [r for r in rows if r.category == name]
        checked.equal(f"summary: {name} 金额 = its rows", values[0], sum(r.amount for r in mine))
        if columns[-1] == "自付" and all(r.self_paid is not None for r in mine):
            checked.equal(f"summary: {name} 自付 = its rows", values[-1], sum(r.self_paid for r in mine))
        if len(columns) == 5:  # 金额 甲类 乙类 丙类 自付
            checked.equal(f"summary: {name} 金额 = 甲类 + 乙类 + 丙类", values[0], sum(values[1:4]))
            for i, grade in enumerate(("甲", "乙", "丙"), start=1):
                checked.equal(f"summary: {name} {grade}类 = its rows", values[i],
                              sum(r.amount for r in mine if r.grade == grade))
    if personal is not None:
        checked.require(sums[-1] <= personal, "the self-paid parts exceed 个人负担")


# -- the shift report ---------------------------------------------------------------------------

_KINDS = ("挂号", "退号", "门诊结算", "出院结算", "还款", "退费")
_OUTGOING = ("退号", "退费")


def _table(lines: list[str], start: int, width: int, checked: Checked, what: str) -> dict[str, list[str]]:
    """Rows from ``start`` on (kinds, then 合计), each ``width`` cells after the name."""
    table: dict[str, list[str]] = {}
    for line in lines[start:]:
        tokens = line.split()
        if not tokens or tokens[0] not in (*_KINDS, "合计"):
            continue
        if tokens[0] in table:
            break  # the next table (or the chart's axis)
        checked.require(len(tokens) == width + 1, f"{what}: row {tokens[0]} has {len(tokens) - 1} cells")
        table[tokens[0]] = tokens[1:]
        if tokens[0] == "合计":
            break
    checked.require(set(table) == {*_KINDS, "合计"}, f"{what}: rows {sorted(table)}")
    return table


def _shift_report(text: str, checked: Checked) -> None:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.split()[:2] == ["类别", "笔数"]), None)
    second = next((i for i, line in enumerate(lines) if line.strip().startswith("平台记录")), None)
    if not checked.require(first is not None and second is not None, "the two tables are not both there"):
        return
    desk = _table(lines, first + 1, 8, checked, "desk table")
    platform = _table(lines, second + 1, 5, checked, "platform table")
    if checked.problems:
        return
    try:
        desk_figures = {k: [int(v[0]), *map(fen, v[1:5]), int(v[5]), fen(v[6])] for k, v in desk.items()}
        platform_figures = {k: [int(v[0]), *map(fen, v[1:5])] for k, v in platform.items()}
    except ValueError as exc:
        checked.problems.append(f"unreadable figure: {exc}")
        return
    for side, figures in (("desk", desk_figures), ("platform", platform_figures)):
        for kind, f in figures.items():
            checked.equal(f"{side} {kind}: 合计 = 信用额度 + 渠道/银行卡 + 现金", f[1], f[2] + f[3] + f[4])
        columns = len(figures["合计"])
        for i in range(columns):
            checked.equal(f"{side} 合计 row, column {i + 1} = the kinds'", figures["合计"][i],
                          sum(figures[k][i] for k in _KINDS))
    for kind in (*_KINDS, "合计"):
        d, p = desk_figures[kind], platform_figures[kind]
        checked.equal(f"{kind}: 平台笔数 = the platform table's", d[5], p[0])
        checked.equal(f"{kind}: 平台合计 = the platform table's", d[6], p[1])
        agrees = d[:5] == p
        verdict = desk[kind][7]
        checked.require(verdict == ("一致" if agrees else "不符"),
                        f"{kind}: printed {verdict} but the two sides {'agree' if agrees else 'differ'}")
    m = re.search(rf"应交现金（收入减退出）\s*本机\s*{_AMOUNT}\s*平台\s*{_AMOUNT}", text)
    if checked.require(m is not None, "no cash to hand over (应交现金)"):
        for index, (side, figures) in enumerate((("本机", desk_figures), ("平台", platform_figures)), start=1):
            cash = sum(-figures[k][4] if k in _OUTGOING else figures[k][4] for k in _KINDS)
            checked.equal(f"应交现金 {side} = cash in − cash out", fen(m.group(index)), cash)
