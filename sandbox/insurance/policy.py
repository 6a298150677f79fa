"""The sandbox's reimbursement policy: simple, but the shape of a real one (a demo rule, not any
city's actual figures).

Per insutype (310 employee, 390 resident) and clearing type (11 outpatient, 21 inpatient):

1. each fee line by its list class: 甲类 all within scope (``inscp_scp_amt``); 乙类 the patient first
   pays ``selfpay_prop`` of it (``preselfpay_amt``, rounded down to the fen), the rest within scope;
   丙类 fully self-paid (``fulamt_ownpay_amt``). No price caps: ``overlmt_selfpay`` is 0;
2. the in-scope amount first fills what is left of the year's deductible (起付线, per person,
   insutype and clearing type, calendar year in Asia/Shanghai), paid by the patient;
3. the fund pays its ratio of the in-scope amount above the deductible (rounded down to the fen);
4. the personal part is the rest; the personal account (employees only) pays it first when the
   request says ``acct_used_flag`` 1, up to its balance; ``psn_cash_pay`` is what remains.
   The hospital bears nothing (``hosp_part_amt`` 0).

So ``medfee = fulamt + overlmt + preselfpay + inscp``, ``medfee = fund + psn_part + hosp`` and
``psn_part = acct + cash``, to the fen.
"""
from __future__ import annotations

from dataclasses import dataclass

from sandbox.insurance import catalogue


@dataclass(frozen=True)
class Scheme:
    deductible_fen: int  # per calendar year
    fund_permille: int  # of the in-scope amount above the deductible
    fund_pay_type: str
    has_account: bool


#: (insutype, clr_type) -> the scheme.
SCHEMES: dict[tuple[str, str], Scheme] = {
    ("310", "11"): Scheme(5_000, 700, "310100", True),
    ("310", "21"): Scheme(80_000, 900, "310100", True),
    ("390", "11"): Scheme(3_000, 500, "390100", False),
    ("390", "21"): Scheme(60_000, 700, "390100", False),
}
ACCOUNT_FUND_PAY_TYPE = "310200"


@dataclass(frozen=True)
class Line:
    """A fee line as classified (fen)."""
    amount_fen: int
    chrgitm_lv: str

    @property
    def parts(self) -> tuple[int, int, int]:
        """(fulamt_ownpay, preselfpay, inscp) of the line."""
        if self.chrgitm_lv == catalogue.C:
            return self.amount_fen, 0, 0
        if self.chrgitm_lv == catalogue.B:
            first = self.amount_fen * catalogue.SELFPAY_PERMILLE[catalogue.B] // 1000
            return 0, first, self.amount_fen - first
        return 0, 0, self.amount_fen


@dataclass(frozen=True)
class Split:
    medfee: int
    fulamt_ownpay: int
    overlmt_selfpay: int
    preselfpay: int
    inscp: int
    deductible: int  # of inscp, paid by the patient toward the year's deductible
    fund: int
    psn_part: int
    acct: int
    cash: int
    fund_pay_type: str

    def __post_init__(self):
        assert self.medfee == self.fulamt_ownpay + self.overlmt_selfpay + self.preselfpay + self.inscp
        assert self.medfee == self.fund + self.psn_part and self.psn_part == self.acct + self.cash


def split(lines: list[Line], scheme: Scheme, deductible_used_fen: int, balance_fen: int, use_account: bool) -> Split:
    fulamt = preselfpay = inscp = 0
    for line in lines:
        own, first, scope = line.parts
        fulamt, preselfpay, inscp = fulamt + own, preselfpay + first, inscp + scope
    medfee = fulamt + preselfpay + inscp
    deductible = min(inscp, max(0, scheme.deductible_fen - deductible_used_fen))
    fund = (inscp - deductible) * scheme.fund_permille // 1000
    psn_part = medfee - fund
    acct = min(psn_part, max(0, balance_fen)) if use_account and scheme.has_account else 0
    return Split(medfee, fulamt, 0, preselfpay, inscp, deductible, fund, psn_part, acct, psn_part - acct,
                 scheme.fund_pay_type)


def selfpay_prop(chrgitm_lv: str) -> str:
    """The answer's selfpay_prop of a class, as text: 0, 0.1, 1."""
    permille = catalogue.SELFPAY_PERMILLE.get(chrgitm_lv, 1000)
    whole, rest = divmod(permille, 1000)
    return f"{whole}.{rest:03d}".rstrip("0").rstrip(".") if rest else str(whole)
