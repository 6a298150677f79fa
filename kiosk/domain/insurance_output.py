"""The outputs of the national medical-insurance interface, parsed once into typed values
(integer fen) with their invariants checked (stdlib only; the envelope is
``kiosk.domain.insurance``).

A settlement (2206/2207/2208, 2303/2304/2305) obeys, and is refused as
:class:`~kiosk.domain.insurance.InsuranceAnswerInvalid` otherwise:

- ``medfee_sumamt = fund_pay_sumamt + psn_part_amt + hosp_part_amt``;
- ``psn_part_amt = acct_pay + psn_cash_pay``;
- ``medfee_sumamt = fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt`` when
  the answer gives all four (it holds in every recorded reply in tests/insurance/vectors).

Recorded replies leave parts out, and the parser fills them as they do (tests/insurance/vectors):
a null ``psn_part_amt`` is ``acct_pay + psn_cash_pay`` (a 2208 and a 2305 reply); a null
``hosp_part_amt`` is the reply's ``ownpay_hosp_part`` when it has one (a 2305 reply), else 0;
``psn_cash_pay`` may be spelt ``pdn_cash_pay`` (the published tables of 2208). A fee line of
2204/2301 obeys ``det_item_fee_sumamt = fulamt_ownpay_amt + overlmt_amt + preselfpay_amt +
inscp_scp_amt``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kiosk.domain.insurance import InsuranceAnswerInvalid, optional_fen, parse_decimal


def _node(output: dict, name: str) -> dict:
    node = output.get(name)
    if not isinstance(node, dict):
        raise InsuranceAnswerInvalid(f"the output has no {name} node")
    return node


def _rows(output: dict, name: str) -> list:
    rows = output.get(name)
    if rows is None:
        return []
    if isinstance(rows, dict):  # one source sends a single row as an object
        return [rows]
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InsuranceAnswerInvalid(f"the output's {name} is not a list of rows")
    return rows


def _str(node: dict, name: str) -> str:
    value = node.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise InsuranceAnswerInvalid(f"{name} is not text")
    return str(value)


def _fen(node: dict, name: str, default: int | None = 0) -> int | None:
    try:
        value = optional_fen(node.get(name), name)
    except (TypeError, ValueError) as exc:
        raise InsuranceAnswerInvalid(str(exc)) from None
    return default if value is None else value


def _ratio(node: dict, name: str, places: int = 4) -> Decimal | None:
    value = node.get(name)
    if value is None or value == "":
        return None
    try:
        return parse_decimal(value, places, name)
    except (TypeError, ValueError) as exc:
        raise InsuranceAnswerInvalid(str(exc)) from None


# -- 9001 ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    """The insurance platform's answer to sign-in (9001): the sign-in number later messages carry, and when."""

    sign_no: str
    sign_time: str


def parse_sign_in(output: dict) -> SignIn:
    node = _node(output, "signinoutb")
    sign_no = _str(node, "sign_no")
    if not sign_no or len(sign_no) > 30:
        raise InsuranceAnswerInvalid("9001 gave no sign_no")
    return SignIn(sign_no, _str(node, "sign_time"))


# -- 1101 ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InsuInfo:
    """One insurance of the person (1101 insuinfo): ``balc`` is the personal account in fen."""
    insutype: str
    psn_type: str
    balc: int
    psn_insu_stas: str
    insuplc_admdvs: str
    psn_insu_date: str = ""
    paus_insu_date: str = ""
    cvlserv_flag: str = ""
    emp_name: str = field(default="", repr=False)

    @property
    def active(self) -> bool:
        """参保缴费 (``psn_insu_stas`` 1): the insurance pays."""
        return self.psn_insu_stas == "1"


@dataclass(frozen=True)
class Person:
    """1101: who the platform says the person is (personal fields kept out of ``repr``)."""
    psn_no: str = field(repr=False)
    psn_cert_type: str
    certno: str = field(repr=False)
    psn_name: str = field(repr=False)
    gend: str = field(repr=False)
    brdy: str = field(repr=False)
    naty: str = field(repr=False)
    age: Decimal | None = field(repr=False)
    insurances: tuple[InsuInfo, ...]
    identities: tuple[str, ...] = ()  # idetinfo psn_idet_type codes

    def insurance(self, insutype: str | None = None) -> InsuInfo | None:
        """The first active insurance (of ``insutype`` when given), or None: not insured here."""
        for info in self.insurances:
            if info.active and (insutype is None or info.insutype == insutype):
                return info
        return None


def parse_person(output: dict) -> Person:
    base = _node(output, "baseinfo")
    psn_no = _str(base, "psn_no")
    if not psn_no:
        raise InsuranceAnswerInvalid("1101 gave no psn_no")
    insurances = tuple(
        InsuInfo(_str(row, "insutype"), _str(row, "psn_type"), _fen(row, "balc"), _str(row, "psn_insu_stas"),
                 _str(row, "insuplc_admdvs"), _str(row, "psn_insu_date"), _str(row, "paus_insu_date"),
                 _str(row, "cvlserv_flag"), _str(row, "emp_name"))
        for row in _rows(output, "insuinfo"))
    identities = tuple(_str(row, "psn_idet_type") for row in _rows(output, "idetinfo"))
    return Person(psn_no, _str(base, "psn_cert_type"), _str(base, "certno"), _str(base, "psn_name"),
                  _str(base, "gend"), _str(base, "brdy"), _str(base, "naty"), _ratio(base, "age", 2),
                  insurances, identities)


# -- 2201, 2401 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    """2201: the visit the platform opened."""
    mdtrt_id: str
    psn_no: str = field(repr=False)
    ipt_otp_no: str = ""


def parse_registration(output: dict) -> Registered:
    node = _node(output, "data")
    if not _str(node, "mdtrt_id"):
        raise InsuranceAnswerInvalid("2201 gave no mdtrt_id")
    return Registered(_str(node, "mdtrt_id"), _str(node, "psn_no"), _str(node, "ipt_otp_no"))


def parse_admission(output: dict) -> str:
    """2401: the stay's mdtrt_id (``result``; ``data`` in some sites)."""
    node = output.get("result") if isinstance(output.get("result"), dict) else output.get("data")
    mdtrt_id = _str(node, "mdtrt_id") if isinstance(node, dict) else ""
    if not mdtrt_id:
        raise InsuranceAnswerInvalid("2401 gave no mdtrt_id")
    return mdtrt_id


# -- 2204, 2301 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeResult:
    """One uploaded fee line as the platform classified it (fen)."""
    feedetl_sn: str
    det_item_fee_sumamt: int
    fulamt_ownpay_amt: int
    overlmt_amt: int
    preselfpay_amt: int
    inscp_scp_amt: int
    chrgitm_lv: str
    med_chrgitm_type: str = ""
    selfpay_prop: Decimal | None = None
    pric_uplmt_amt: Decimal | None = None

    def __post_init__(self):
        parts = self.fulamt_ownpay_amt + self.overlmt_amt + self.preselfpay_amt + self.inscp_scp_amt
        if parts != self.det_item_fee_sumamt:
            raise ValueError(f"fee line {self.feedetl_sn}: {self.det_item_fee_sumamt} fen is not the sum of its "
                             f"self-paid, over-limit, first-paid and in-scope parts ({parts} fen)")


def parse_fee_results(output: dict) -> tuple[FeeResult, ...]:
    results = []
    for row in _rows(output, "result"):
        try:
            results.append(FeeResult(
                _str(row, "feedetl_sn"), _fen(row, "det_item_fee_sumamt"), _fen(row, "fulamt_ownpay_amt"),
                _fen(row, "overlmt_amt"), _fen(row, "preselfpay_amt"), _fen(row, "inscp_scp_amt"),
                _str(row, "chrgitm_lv"), _str(row, "med_chrgitm_type"), _ratio(row, "selfpay_prop"),
                _ratio(row, "pric_uplmt_amt", 6)))
        except ValueError as exc:
            raise InsuranceAnswerInvalid(str(exc)) from None
    return tuple(results)


# -- 2206/2207/2208, 2303/2304/2305 ------------------------------------------------------------


@dataclass(frozen=True)
class FundPart:
    """A setldetail row: what one fund (or the account, or the hospital) paid."""
    fund_pay_type: str
    fund_payamt: int
    inscp_scp_amt: int | None = None


#: The fund parts of setlinfo (fen, 0 when the answer leaves them out).
FUND_PARTS = ("hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay")


@dataclass(frozen=True)
class Settlement:
    """A pre-settlement (``setl_id`` empty), a settlement or its cancel (negative amounts), in fen.
    The invariants of the module's docstring are checked on construction (``ValueError``)."""
    mdtrt_id: str
    psn_no: str = field(repr=False)
    setl_id: str
    medfee_sumamt: int
    fund_pay_sumamt: int
    psn_part_amt: int
    acct_pay: int
    psn_cash_pay: int
    hosp_part_amt: int = 0
    fulamt_ownpay_amt: int | None = None
    overlmt_selfpay: int | None = None
    preselfpay_amt: int | None = None
    inscp_scp_amt: int | None = None
    fund_parts: tuple[tuple[str, int], ...] = ()  # (setlinfo field, fen) of FUND_PARTS, non-zero ones
    balc: int | None = None
    acct_mulaid_pay: int = 0
    setl_time: str = ""
    insutype: str = ""
    med_type: str = ""
    clr_type: str = ""
    clr_way: str = ""
    clr_optins: str = ""
    medins_setl_id: str = ""
    details: tuple[FundPart, ...] = ()

    def __post_init__(self):
        parts = self.fund_pay_sumamt + self.psn_part_amt + self.hosp_part_amt
        if parts != self.medfee_sumamt:
            raise ValueError(f"medfee_sumamt {self.medfee_sumamt} fen is not fund_pay_sumamt + psn_part_amt + "
                             f"hosp_part_amt ({parts} fen)")
        if self.acct_pay + self.psn_cash_pay != self.psn_part_amt:
            raise ValueError(f"psn_part_amt {self.psn_part_amt} fen is not acct_pay + psn_cash_pay "
                             f"({self.acct_pay + self.psn_cash_pay} fen)")
        split = (self.fulamt_ownpay_amt, self.overlmt_selfpay, self.preselfpay_amt, self.inscp_scp_amt)
        if None not in split and sum(split) != self.medfee_sumamt:
            raise ValueError(f"medfee_sumamt {self.medfee_sumamt} fen is not fulamt_ownpay_amt + overlmt_selfpay "
                             f"+ preselfpay_amt + inscp_scp_amt ({sum(split)} fen)")

    def fund_part(self, name: str) -> int:
        return dict(self.fund_parts).get(name, 0)


def parse_settlement(output: dict) -> Settlement:
    """``setlinfo`` and ``setldetail`` of a (pre-)settlement or cancel answer."""
    info = _node(output, "setlinfo")
    acct_pay = _fen(info, "acct_pay")
    cash_name = "psn_cash_pay" if info.get("psn_cash_pay") is not None else "pdn_cash_pay"
    cash = _fen(info, cash_name)
    psn_part = _fen(info, "psn_part_amt", default=None)
    hosp_part = _fen(info, "hosp_part_amt", default=None)
    if hosp_part is None:
        hosp_part = _fen(info, "ownpay_hosp_part")
    details = tuple(FundPart(_str(row, "fund_pay_type"), _fen(row, "fund_payamt"),
                             _fen(row, "inscp_scp_amt", default=None)) for row in _rows(output, "setldetail"))
    fund_parts = tuple((name, amount) for name in FUND_PARTS if (amount := _fen(info, name)))
    medfee = _fen(info, "medfee_sumamt", default=None)
    fund = _fen(info, "fund_pay_sumamt", default=None)
    if medfee is None or fund is None:
        raise InsuranceAnswerInvalid("the settlement has no medfee_sumamt or fund_pay_sumamt")
    try:
        return Settlement(
            mdtrt_id=_str(info, "mdtrt_id"), psn_no=_str(info, "psn_no"), setl_id=_str(info, "setl_id"),
            medfee_sumamt=medfee, fund_pay_sumamt=fund,
            psn_part_amt=acct_pay + cash if psn_part is None else psn_part, acct_pay=acct_pay, psn_cash_pay=cash,
            hosp_part_amt=hosp_part, fulamt_ownpay_amt=_fen(info, "fulamt_ownpay_amt", default=None),
            overlmt_selfpay=_fen(info, "overlmt_selfpay", default=None),
            preselfpay_amt=_fen(info, "preselfpay_amt", default=None),
            inscp_scp_amt=_fen(info, "inscp_scp_amt", default=None), fund_parts=fund_parts,
            balc=_fen(info, "balc", default=None), acct_mulaid_pay=_fen(info, "acct_mulaid_pay"),
            setl_time=_str(info, "setl_time"), insutype=_str(info, "insutype"), med_type=_str(info, "med_type"),
            clr_type=_str(info, "clr_type"), clr_way=_str(info, "clr_way"), clr_optins=_str(info, "clr_optins"),
            medins_setl_id=_str(info, "medins_setl_id"), details=details)
    except ValueError as exc:
        raise InsuranceAnswerInvalid(str(exc)) from None


# -- 3201 ----------------------------------------------------------------------------------------

STMT_AGREES, STMT_DIFFERS = "0", "1"


@dataclass(frozen=True)
class DayTotals:
    """3201: whether the platform's totals of the day agree with the hospital's (stmt_rslt "0") or
    not ("1"; stmt_rslt_dscr says which)."""
    stmt_rslt: str
    stmt_rslt_dscr: str = ""
    setl_optins: str = ""

    @property
    def agrees(self) -> bool:
        return self.stmt_rslt == STMT_AGREES


def parse_day_totals(output: dict) -> DayTotals:
    node = _node(output, "stmtinfo")
    result = _str(node, "stmt_rslt")
    if not result:
        raise InsuranceAnswerInvalid("3201 gave no stmt_rslt")
    return DayTotals(result, _str(node, "stmt_rslt_dscr"), _str(node, "setl_optins"))

