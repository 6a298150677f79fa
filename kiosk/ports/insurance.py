"""The insurance port: what the kiosk asks of the medical-insurance platform (the national
interface, 定点医药机构接口规范), as a ``Protocol`` with typed models (money in integer fen).

Every call takes the ``msgid`` to send (``kiosk.domain.insurance.make_msgid``): the saga journals
it BEFORE the call, so that an answer lost on the way can be reversed by it (:meth:`reverse`,
2601). A call raises :class:`~kiosk.domain.insurance.InsuranceRefused` when the platform says no
(nothing was done) and :class:`~kiosk.domain.insurance.InsuranceSystemError` when no usable answer
came (``outcome_unknown``: reverse before anything else). An adapter never sends a write twice: a
retry is a new message with a new msgid, decided by the caller.

The answers are the parsed outputs of ``kiosk.domain.insurance_output`` (re-exported here).
docs/integration.md says how a hospital points the port at its 医保 gateway.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

from kiosk.domain.errors import Refusal
from kiosk.domain.insurance import (
    ClrType,
    InsuType,
    MdtrtCertType,
    MedType,
    PsnCertType,
    PsnSetlway,
    parse_decimal,
)
from kiosk.domain.insurance_output import (
    DayTotals,
    FeeResult,
    FundPart,
    InsuInfo,
    Person,
    Registered,
    Settlement,
    SignIn,
)

__all__ = [
    "AdmissionRequest", "DayTotals", "DayTotalsRequest", "Diagnosis", "DischargeRequest", "FeeLine", "FeeResult",
    "FundPart", "InpatientSettleRequest", "InsuInfo", "InsurancePort", "Insured", "MAX_FEE_LINES_PER_MESSAGE",
    "NotInsured", "fee_uploads",
    "OutpatientSettleRequest", "Person", "PersonQuery", "Registered", "RegistrationRequest", "Settlement", "SignIn",
    "VisitInfo",
]


#: The most fee lines one 2204 or 2301 message carries: the input of a message holds at most 40,000
#: characters, and a line takes some 400-700. More lines go in several messages (:func:`fee_uploads`),
#: each with its own msgid.
MAX_FEE_LINES_PER_MESSAGE = 50


class NotInsured(Refusal):
    """1101 found the person but no insurance that pays (none, or none active of that insutype)."""

    def __init__(self):
        super().__init__("not_insured", "the person has no active medical insurance here")


# -- who -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonQuery:
    """How the patient identified themselves to the kiosk (1101 input): an e-voucher token (01),
    the ID number (02) or the social-security card's number and 卡识别码 (03)."""
    mdtrt_cert_type: MdtrtCertType
    mdtrt_cert_no: str = field(repr=False)
    card_sn: str = field(default="", repr=False)
    psn_cert_type: PsnCertType = PsnCertType.RESIDENT_ID
    certno: str = field(default="", repr=False)
    psn_name: str = field(default="", repr=False)

    @classmethod
    def by_evoucher(cls, token: str) -> PersonQuery:
        return cls(MdtrtCertType.EVOUCHER, token)

    @classmethod
    def by_id_number(cls, id_number: str, name: str = "") -> PersonQuery:
        return cls(MdtrtCertType.ID_NUMBER, id_number, certno=id_number, psn_name=name)

    @classmethod
    def by_card(cls, card_no: str, card_sn: str, id_number: str = "", name: str = "") -> PersonQuery:
        return cls(MdtrtCertType.SOCIAL_SECURITY_CARD, card_no, card_sn, certno=id_number, psn_name=name)


@dataclass(frozen=True)
class Insured:
    """The person a message is about, as 1101 answered: what every later input and the envelope's
    insuplc_admdvs need. ``mdtrt_cert_*`` is the voucher the patient showed, sent again with
    registration, pre-settlement and settlement."""
    psn_no: str = field(repr=False)
    insutype: str
    insuplc_admdvs: str
    mdtrt_cert_type: MdtrtCertType
    mdtrt_cert_no: str = field(repr=False)
    card_sn: str = field(default="", repr=False)
    balance_fen: int = 0  # the personal account (1101 balc)

    @classmethod
    def of(cls, person: Person, query: PersonQuery, insutype: str | None = None) -> Insured:
        """The person's active insurance (of ``insutype`` when given); :class:`NotInsured` without one."""
        info = person.insurance(insutype)
        if info is None:
            raise NotInsured()
        return cls(person.psn_no, info.insutype, info.insuplc_admdvs, query.mdtrt_cert_type, query.mdtrt_cert_no,
                   query.card_sn, info.balc)


# -- visits and fees -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationRequest:
    """2201: open an outpatient visit (门诊挂号) at the platform."""
    insured: Insured
    begntime: datetime
    ipt_otp_no: str  # the hospital's own visit number
    atddr_no: str
    dr_name: str
    dept_code: str
    dept_name: str
    caty: str  # 科别


@dataclass(frozen=True)
class Diagnosis:
    """A diagnosis as the insurance interface carries it (2201/2203 ``diseinfo``)."""

    diag_code: str  # ICD-10
    diag_name: str
    diag_dept: str
    dise_dor_no: str
    dise_dor_name: str
    diag_time: datetime
    diag_srt_no: int = 1
    diag_type: str = "1"  # 西医诊断
    maindiag_flag: str = "1"


@dataclass(frozen=True)
class VisitInfo:
    """2203: the visit's medical type and diagnoses."""
    insured: Insured
    mdtrt_id: str
    begntime: datetime
    diagnoses: tuple[Diagnosis, ...]
    med_type: MedType = MedType.OUTPATIENT
    main_cond_dscr: str = ""


@dataclass(frozen=True)
class FeeLine:
    """A charge line as the HIS bills it (2204 / 2301 feedetail): amounts in fen, ``cnt`` and
    ``pric`` exact decimals (16,4 and 16,6). ``amount_fen`` is ``cnt`` × ``pric`` to the fen."""
    feedetl_sn: str  # unique within the visit
    fee_ocur_time: datetime
    med_list_codg: str  # the national list code
    medins_list_codg: str  # the hospital's own code
    cnt: Decimal
    pric: Decimal
    amount_fen: int
    bilg_dept_codg: str
    bilg_dept_name: str
    bilg_dr_codg: str
    bilg_dr_name: str
    rxno: str = ""
    drord_no: str = ""  # 医嘱号 (inpatient)

    def __post_init__(self):
        cnt = parse_decimal(self.cnt, 4, "cnt")
        pric = parse_decimal(self.pric, 6, "pric")
        if isinstance(self.amount_fen, bool) or not isinstance(self.amount_fen, int):
            raise TypeError("amount_fen must be integer fen")
        if abs(cnt * pric * 100 - self.amount_fen) >= 1:
            raise ValueError(f"fee line {self.feedetl_sn}: {self.amount_fen} fen is not cnt × pric ({cnt} × {pric})")


@dataclass(frozen=True)
class OutpatientSettleRequest:
    """2206 pre-settlement, then 2207 settlement of one charge batch (chrg_bchno) of a visit.
    For 2207 the split the pre-settlement answered goes along (:meth:`with_split`)."""
    insured: Insured
    mdtrt_id: str
    chrg_bchno: str
    medfee_sumamt: int
    med_type: MedType = MedType.OUTPATIENT
    psn_setlway: PsnSetlway = PsnSetlway.BY_ITEM
    acct_used_flag: bool = False  # the kiosk leaves the personal account alone unless told
    invono: str = ""
    fulamt_ownpay_amt: int | None = None
    overlmt_selfpay: int | None = None
    preselfpay_amt: int | None = None
    inscp_scp_amt: int | None = None

    def with_split(self, pre: Settlement) -> OutpatientSettleRequest:
        return replace(self, fulamt_ownpay_amt=pre.fulamt_ownpay_amt or 0, overlmt_selfpay=pre.overlmt_selfpay or 0,
                       preselfpay_amt=pre.preselfpay_amt or 0, inscp_scp_amt=pre.inscp_scp_amt or 0)


def fee_uploads(lines: tuple[FeeLine, ...] | list[FeeLine]) -> tuple[tuple[FeeLine, ...], ...]:
    """``lines`` in the messages that carry them, in order, at most :data:`MAX_FEE_LINES_PER_MESSAGE`
    each (one 2204 or 2301 message, one msgid, per chunk)."""
    lines = tuple(lines)
    step = MAX_FEE_LINES_PER_MESSAGE
    return tuple(lines[i:i + step] for i in range(0, len(lines), step))


# -- inpatient -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdmissionRequest:
    """2401: the admission, from the doctor's admission order (入院证)."""
    insured: Insured
    begntime: datetime
    ipt_no: str  # the hospital's stay number
    atddr_no: str
    chfpdr_name: str
    adm_diag_dscr: str
    adm_dept_codg: str
    adm_dept_name: str
    adm_bed: str
    dscg_maindiag_code: str
    dscg_maindiag_name: str
    diagnoses: tuple[Diagnosis, ...] = ()
    med_type: MedType = MedType.INPATIENT


@dataclass(frozen=True)
class DischargeRequest:
    """2402: the discharge."""
    insured: Insured
    mdtrt_id: str
    endtime: datetime
    dscg_dept_codg: str
    dscg_dept_name: str
    diagnoses: tuple[Diagnosis, ...] = ()
    dscg_way: str = "1"  # 医嘱离院
    dscg_bed: str = ""


@dataclass(frozen=True)
class InpatientSettleRequest:
    """2303 pre-settlement, then 2304 settlement of a stay's uploaded fees."""
    insured: Insured
    mdtrt_id: str
    medfee_sumamt: int
    mid_setl_flag: bool = False  # 中途结算
    psn_setlway: PsnSetlway = PsnSetlway.BY_ITEM
    acct_used_flag: bool = False
    invono: str = ""
    fulamt_ownpay_amt: int | None = None
    overlmt_selfpay: int | None = None
    preselfpay_amt: int | None = None
    inscp_scp_amt: int | None = None

    def with_split(self, pre: Settlement) -> InpatientSettleRequest:
        return replace(self, fulamt_ownpay_amt=pre.fulamt_ownpay_amt or 0, overlmt_selfpay=pre.overlmt_selfpay or 0,
                       preselfpay_amt=pre.preselfpay_amt or 0, inscp_scp_amt=pre.inscp_scp_amt or 0)


# -- reconciliation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayTotalsRequest:
    """3201: the hospital's totals of its settlements over the days (settlements minus cancels,
    to the fen), for one insutype and clearing type."""
    insutype: InsuType | str
    clr_type: ClrType | str
    setl_optins: str  # the clearing institution's division
    begndate: date
    enddate: date
    medfee_sumamt: int
    fund_pay_sumamt: int
    acct_pay: int
    fixmedins_setl_cnt: int


# -- the port --------------------------------------------------------------------------------------


@runtime_checkable
class InsurancePort(Protocol):
    """The medical-insurance platform. Each call sends one message under ``msgid``."""

    def sign_in(self, msgid: str) -> SignIn:
        """9001: a sign_no for the day (adapters also sign in by themselves at first use)."""

    def sign_out(self, msgid: str) -> None:
        """9002."""

    def person(self, msgid: str, query: PersonQuery) -> Person:
        """1101: who the voucher names, with their insurances."""

    def register(self, msgid: str, request: RegistrationRequest) -> Registered:
        """2201: an outpatient visit (mdtrt_id)."""

    def cancel_registration(self, msgid: str, insured: Insured, mdtrt_id: str, ipt_otp_no: str) -> None:
        """2202."""

    def visit_info(self, msgid: str, info: VisitInfo) -> None:
        """2203."""

    def upload_fees(self, msgid: str, insured: Insured, mdtrt_id: str, chrg_bchno: str,
                    lines: tuple[FeeLine, ...]) -> tuple[FeeResult, ...]:
        """2204: the batch's lines (at most MAX_FEE_LINES_PER_MESSAGE: :func:`fee_uploads`), as the
        platform classified them."""

    def cancel_fees(self, msgid: str, insured: Insured, mdtrt_id: str, chrg_bchno: str) -> None:
        """2205 (``chrg_bchno`` "0000": every unsettled line of the visit)."""

    def pre_settle(self, msgid: str, request: OutpatientSettleRequest) -> Settlement:
        """2206: the split, nothing settled (``setl_id`` empty)."""

    def settle(self, msgid: str, request: OutpatientSettleRequest) -> Settlement:
        """2207."""

    def cancel_settlement(self, msgid: str, insured: Insured, mdtrt_id: str, setl_id: str) -> Settlement:
        """2208: the cancel, a new setl_id with negated amounts."""

    def reverse(self, msgid: str, insured: Insured, omsgid: str, oinfno: str) -> None:
        """2601: undo the message sent as ``omsgid`` (whose answer was lost); success also when it
        never arrived (nothing to undo)."""

    def admit(self, msgid: str, request: AdmissionRequest) -> str:
        """2401: the stay's mdtrt_id."""

    def discharge(self, msgid: str, request: DischargeRequest) -> None:
        """2402."""

    def upload_inpatient_fees(self, msgid: str, insured: Insured, mdtrt_id: str,
                              lines: tuple[FeeLine, ...], med_type: MedType = MedType.INPATIENT,
                              ) -> tuple[FeeResult, ...]:
        """2301 (at most MAX_FEE_LINES_PER_MESSAGE lines: :func:`fee_uploads`)."""

    def pre_settle_inpatient(self, msgid: str, request: InpatientSettleRequest) -> Settlement:
        """2303."""

    def settle_inpatient(self, msgid: str, request: InpatientSettleRequest) -> Settlement:
        """2304."""

    def cancel_inpatient_settlement(self, msgid: str, insured: Insured, mdtrt_id: str, setl_id: str) -> Settlement:
        """2305."""

    def day_totals(self, msgid: str, request: DayTotalsRequest) -> DayTotals:
        """3201: whether the platform's totals agree with the hospital's."""
