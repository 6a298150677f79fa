"""The national medical-insurance interface (定点医药机构接口规范) as pure rules: code tables,
money, msgid, the request and answer envelopes, and the errors (stdlib only).

Sources: the team's digest of the interface from public HIS code (shared/docs/insurance-interface.md)
and the field tables of newtouch-cloud/openhis ``WinServiceAPI/YiBaoInterface/Models``;
tests/insurance/vectors holds the recorded messages the codec is checked against.

**Money.** The messages carry yuan with two decimals (数值型 16,2), as JSON numbers or strings;
inside it is integer fen. :func:`yuan_to_fen` parses the decimal text exactly (a JSON body is
decoded with :func:`decode_json`, numbers as ``Decimal``): more than two decimal places refused
unless the extra places are zeros (``"4.520"``, which a C# ``decimal`` may print), a Python
``float`` refused outright, so binary noise (``0.30000000000000004``) never becomes money.
:func:`fen_to_yuan` writes ``"123.40"``; requests carry amounts as such strings. ``cnt`` (16,4),
``pric`` (16,6) and ratios (5,4) stay ``Decimal`` (:func:`parse_decimal`).

**msgid** = fixmedins_code (12) + ``yyyyMMddHHmmss`` (Asia/Shanghai) + a 4-digit sequence
taken from a stored counter the caller keeps (:func:`make_msgid`): unique per message; a retry
is a new message with a new msgid, and 2601 names a lost one by its msgid.

**Errors.** An answer with a non-zero ``infcode`` (-1, or -2 in DLL mode) is a business error,
:class:`InsuranceRefused`: the platform answered and did nothing. No usable answer (network,
timeout, a lost or garbled answer) is a system error, :class:`InsuranceSystemError`, whose
``outcome_unknown`` says whether the message may have been processed (then it is reversed by
its msgid with 2601). ``err_msg`` may name the patient: kept on the exception for staff, never
in its message, ``repr`` or ``details``, so never in a log line.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from enum import StrEnum

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.errors import Refusal

# -- code tables -------------------------------------------------------------------------------


class InsuType(StrEnum):
    """险种类型 (insutype)."""
    EMPLOYEE = "310"  # 职工基本医疗保险
    CIVIL_SERVANT = "320"  # 公务员医疗补助
    LARGE_AMOUNT = "330"  # 大额医疗费用补助
    RETIRED_CADRE = "340"  # 离休人员医疗保障
    DISABLED_SOLDIER = "350"  # 一至六级残疾军人医疗补助
    RED_ARMY = "360"  # 老红军医疗保障
    ENTERPRISE = "370"  # 企业补充医疗保险
    NCMS = "380"  # 新型农村合作医疗
    RESIDENT = "390"  # 城乡居民基本医疗保险
    URBAN_RESIDENT = "391"  # 城镇居民基本医疗保险
    RESIDENT_CRITICAL = "392"  # 城乡居民大病医疗保险
    OTHER = "399"  # 其他特殊人员医疗保障
    LONG_TERM_CARE = "410"  # 长期照护保险
    MATERNITY = "510"  # 生育保险


class MedType(StrEnum):
    """医疗类别 (med_type)."""
    OUTPATIENT = "11"  # 普通门诊
    REGISTRATION = "12"  # 门诊挂号
    EMERGENCY = "13"  # 急诊
    CHRONIC_OUTPATIENT = "14"  # 门诊慢特病
    INPATIENT = "21"  # 普通住院
    INJURY_INPATIENT = "22"  # 外伤住院
    TRANSFERRED_INPATIENT = "23"  # 转外诊治住院
    EMERGENCY_TO_INPATIENT = "24"  # 急诊转住院
    PHARMACY = "41"  # 药店购药
    MATERNITY_OUTPATIENT = "51"  # 生育门诊
    MATERNITY_INPATIENT = "52"  # 生育住院


class MdtrtCertType(StrEnum):
    """就诊凭证类型 (mdtrt_cert_type): what mdtrt_cert_no holds."""
    EVOUCHER = "01"  # 医保电子凭证令牌
    ID_NUMBER = "02"  # 居民身份证号
    SOCIAL_SECURITY_CARD = "03"  # 社会保障卡卡号 (with card_sn)


class PsnCertType(StrEnum):
    """人员证件类型 (psn_cert_type)."""
    RESIDENT_ID = "01"
    PLA = "02"
    ARMED_POLICE = "03"
    HONG_KONG = "04"
    MACAU = "05"
    TAIWAN = "06"
    FOREIGN_RESIDENCE = "07"
    FOREIGN_PASSPORT = "08"
    SOCIAL_SECURITY_CARD = "90"
    OTHER = "99"


class PsnSetlway(StrEnum):
    """个人结算方式 (psn_setlway)."""
    BY_ITEM = "01"  # 按项目结算
    BY_QUOTA = "02"  # 按定额结算


class ClrType(StrEnum):
    """清算类别 (clr_type)."""
    OUTPATIENT = "11"
    INPATIENT = "21"


class FundPayType(StrEnum):
    """基金支付类型 (fund_pay_type) of the settlement's setldetail rows."""
    EMPLOYEE_POOL = "310100"  # 职工基本医疗保险统筹基金
    EMPLOYEE_ACCOUNT = "310200"  # 职工基本医疗保险个人账户基金
    RESIDENT_POOL = "390100"  # 城乡居民基本医疗保险基金
    RESIDENT_CRITICAL = "390200"  # 城乡居民大病医疗保险基金
    MEDICAL_AID = "610100"  # 医疗救助基金


class ChrgitmLv(StrEnum):
    """收费项目等级 (chrgitm_lv)."""
    CLASS_A = "01"  # 甲类: all of it within the fund's scope
    CLASS_B = "02"  # 乙类: the patient first pays a share (先行自付, selfpay_prop)
    CLASS_C = "03"  # 丙类: outside the list, paid in full by the patient


class MedChrgitmType(StrEnum):
    """医疗收费项目类别 (med_chrgitm_type); names in ``printing.charges``."""
    BED = "01"
    CONSULTATION = "02"
    EXAMINATION = "03"
    LABORATORY = "04"
    TREATMENT = "05"
    SURGERY = "06"
    NURSING = "07"
    MATERIAL = "08"
    WESTERN_DRUG = "09"
    TCM_PIECES = "10"
    TCM_PATENT = "11"
    GENERAL_DIAGNOSIS = "12"
    REGISTRATION = "13"
    OTHER = "14"


class OpterType(StrEnum):
    """经办人类别 (opter_type)."""
    STAFF = "1"
    SELF_SERVICE = "2"  # a self-service kiosk
    MOBILE = "3"


#: The transactions the kiosk speaks, by infno.
TRANSACTIONS: dict[str, str] = {
    "9001": "sign in", "9002": "sign out", "1101": "person information",
    "2201": "outpatient registration", "2202": "registration cancel", "2203": "visit information",
    "2204": "outpatient fee upload", "2205": "fee upload cancel", "2206": "outpatient pre-settlement",
    "2207": "outpatient settlement", "2208": "outpatient settlement cancel", "2601": "reversal",
    "2401": "admission", "2402": "discharge", "2301": "inpatient fee upload",
    "2303": "inpatient pre-settlement", "2304": "inpatient settlement", "2305": "inpatient settlement cancel",
    "3201": "day totals",
}

#: Transactions whose lost answer leaves the outcome unknown: reversed by msgid with 2601.
REVERSIBLE = frozenset({"2201", "2204", "2207", "2208", "2301", "2304", "2305", "2401", "2402"})

# -- times ---------------------------------------------------------------------------------------

INF_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_INF_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def inf_time(moment: datetime) -> str:
    """``yyyy-MM-dd HH:mm:ss`` in Asia/Shanghai; a naive moment is refused."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: interface times are Asia/Shanghai")
    return moment.astimezone(BUSINESS_TZ).strftime(INF_TIME_FORMAT)


def parse_inf_time(text: str) -> datetime:
    """A ``yyyy-MM-dd HH:mm:ss`` of the interface, read as Asia/Shanghai."""
    if not isinstance(text, str) or not _INF_TIME.fullmatch(text):
        raise ValueError("not a yyyy-MM-dd HH:mm:ss time")
    return datetime.strptime(text, INF_TIME_FORMAT).replace(tzinfo=BUSINESS_TZ)


# -- msgid ---------------------------------------------------------------------------------------

FIXMEDINS_CODE_CHARS = 12
MSGID_CHARS = 30
MSGID_SEQUENCE_MODULUS = 10_000
_MSGID = re.compile(r"([0-9A-Za-z]{12})(\d{14})(\d{4})")


@dataclass(frozen=True)
class MsgId:
    """An insurance message id (``msgid``): the institution's code, the moment and a 4-digit sequence."""

    fixmedins_code: str
    moment: datetime
    sequence: int

    def __str__(self) -> str:
        return make_msgid(self.fixmedins_code, self.moment, self.sequence)


def _check_fixmedins_code(code: str) -> None:
    if len(code) != FIXMEDINS_CODE_CHARS or not code.isascii() or not code.isalnum():
        raise ValueError("fixmedins_code must be 12 ASCII letters and digits")


def make_msgid(fixmedins_code: str, moment: datetime, sequence: int) -> str:
    """fixmedins_code (12) + ``yyyyMMddHHmmss`` in Asia/Shanghai + the counter's value modulo
    10,000 as 4 digits: ``H35020000001`` ``20270110093015`` ``0042``."""
    _check_fixmedins_code(fixmedins_code)
    if moment.tzinfo is None:
        raise ValueError("naive datetime: msgid times are Asia/Shanghai")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
        raise ValueError("the msgid sequence is a counter value, 0 or more")
    stamp = moment.astimezone(BUSINESS_TZ).strftime("%Y%m%d%H%M%S")
    return f"{fixmedins_code}{stamp}{sequence % MSGID_SEQUENCE_MODULUS:04d}"


def parse_msgid(text: str) -> MsgId:
    """The parts of a msgid; ``ValueError`` for anything else (wrong length, a time that is no time)."""
    if not isinstance(text, str):
        raise ValueError("msgid must be text")
    match = _MSGID.fullmatch(text)
    if match is None:
        raise ValueError("msgid must be fixmedins_code(12) + yyyyMMddHHmmss + 4 digits")
    code, stamp, sequence = match.groups()
    moment = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=BUSINESS_TZ)
    return MsgId(code, moment, int(sequence))


# -- money and decimals ------------------------------------------------------------------------

MAX_YUAN_DIGITS = 14  # 16,2: fourteen digits before the point
_PLAIN_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")


def _as_decimal(value: object, name: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{name}: a float is not an amount (binary noise); pass the decimal text")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name}: not a finite number")
        return value
    if isinstance(value, str):
        text = value.strip()
        if not _PLAIN_DECIMAL.fullmatch(text):
            raise ValueError(f"{name}: not a decimal number")
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
            raise ValueError(f"{name}: not a decimal number") from None
    raise TypeError(f"{name}: not a number")


def parse_decimal(value: object, places: int, name: str = "value") -> Decimal:
    """A number of the interface with at most ``places`` decimals (trailing zeros beyond them are
    the same number), exactly: ``cnt`` 4, ``pric`` 6, ratios 4. Floats refused."""
    number = _as_decimal(value, name)
    step = Decimal(1).scaleb(-places)
    try:
        exact = number.quantize(step, rounding=ROUND_DOWN)
    except InvalidOperation:  # too many digits for any field of the interface
        raise ValueError(f"{name}: too large") from None
    if number != exact:
        raise ValueError(f"{name}: more than {places} decimal places")
    return exact if number.as_tuple().exponent < -places else number


def yuan_to_fen(value: object, name: str = "amount") -> int:
    """Yuan with at most two decimals (text, ``Decimal`` or a JSON integer) -> integer fen,
    exactly: ``"123.4"`` -> 12340, ``-25.1`` (decoded as Decimal) -> -2510, ``9`` -> 900."""
    number = parse_decimal(value, 2, name)
    if abs(number) >= Decimal(10) ** MAX_YUAN_DIGITS:
        raise ValueError(f"{name}: more than {MAX_YUAN_DIGITS} digits of yuan")
    return int(number * 100)


def fen_to_yuan(fen: int) -> str:
    """Integer fen -> yuan with two decimals: 12340 -> ``"123.40"``, -5 -> ``"-0.05"``."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError("money is integer fen")
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole}.{part:02d}"


def format_decimal(value: Decimal, places: int) -> str:
    """A ``cnt`` or ``pric`` as text with at most ``places`` decimals (no exponent)."""
    number = parse_decimal(value, places)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def optional_fen(value: object, name: str) -> int | None:
    """:func:`yuan_to_fen`, with ``None`` and ``""`` (a field sent empty) as None."""
    if value is None or value == "":
        return None
    return yuan_to_fen(value, name)


# -- JSON --------------------------------------------------------------------------------------


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number of the interface")


def decode_json(body: bytes | str) -> object:
    """A message body with its numbers as ``Decimal`` (never float) and integers as ``int``."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return json.loads(body, parse_float=Decimal, parse_constant=_no_constant)


def _plain(value: object) -> object:
    if isinstance(value, float):
        raise TypeError("a float in a message: write amounts with fen_to_yuan")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def encode_json(message: object) -> bytes:
    """A message as compact UTF-8 JSON (``"infno":"2207"``, Chinese as is); no float gets through."""
    return json.dumps(_plain(message), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# -- the request envelope ----------------------------------------------------------------------

#: Request fields: (most characters, required), as the interface's table gives them.
REQUEST_FIELDS: dict[str, tuple[int, bool]] = {
    "infno": (6, True),
    "msgid": (MSGID_CHARS, True),
    "mdtrtarea_admvs": (6, True),
    "insuplc_admdvs": (6, False),  # required when the input names a psn_no
    "recer_sys_code": (10, True),
    "dev_no": (100, False),
    "dev_safe_info": (2000, False),
    "cainfo": (1024, False),
    "signtype": (10, False),
    "infver": (6, True),
    "opter_type": (3, True),
    "opter": (30, True),
    "opter_name": (50, True),
    "inf_time": (19, True),
    "fixmedins_code": (30, True),
    "fixmedins_name": (200, True),
    "sign_no": (30, False),
}
INPUT_MAX_CHARS = 40_000


def _names_psn_no(node: object) -> bool:
    if isinstance(node, dict):
        return "psn_no" in node or any(_names_psn_no(v) for v in node.values())
    if isinstance(node, list):
        return any(_names_psn_no(v) for v in node)
    return False


def envelope_problems(message: object) -> list[str]:
    """What makes ``message`` no request of the interface (empty: it is one): fields missing,
    too long or not text, an inf_time or msgid out of format, an input that is no object or
    too long, an insuplc_admdvs missing though the input names a person."""
    if not isinstance(message, dict):
        return ["the message is not a JSON object"]
    problems = []
    for name, (most, required) in REQUEST_FIELDS.items():
        value = message.get(name)
        if value is None or value == "":
            if required:
                problems.append(f"{name} is required")
            continue
        if not isinstance(value, str):
            problems.append(f"{name} must be text")
        elif len(value) > most:
            problems.append(f"{name} is longer than {most} characters")
    if isinstance(message.get("inf_time"), str) and not _INF_TIME.fullmatch(message["inf_time"]):
        problems.append("inf_time must be yyyy-MM-dd HH:mm:ss")
    if isinstance(message.get("msgid"), str):
        try:
            parse_msgid(message["msgid"])
        except ValueError as exc:
            problems.append(str(exc))
    given = message.get("input")
    if not isinstance(given, dict):
        problems.append("input must be an object of named nodes")
    else:
        if len(encode_json(given).decode("utf-8")) > INPUT_MAX_CHARS:
            problems.append(f"input is longer than {INPUT_MAX_CHARS} characters")
        if _names_psn_no(given) and not message.get("insuplc_admdvs"):
            problems.append("insuplc_admdvs is required when the input names a psn_no")
    return problems


def request_envelope(*, infno: str, msgid: str, input: dict, mdtrtarea_admvs: str, recer_sys_code: str,
                     infver: str, opter_type: str, opter: str, opter_name: str, moment: datetime,
                     fixmedins_code: str, fixmedins_name: str, sign_no: str = "", insuplc_admdvs: str = "",
                     dev_no: str = "", dev_safe_info: str = "", cainfo: str = "", signtype: str = "") -> dict:
    """The request as the interface lays it out (its field order); ``ValueError`` naming the
    first problem when a field breaks the interface's table."""
    message = {
        "infno": infno, "msgid": msgid, "mdtrtarea_admvs": mdtrtarea_admvs, "insuplc_admdvs": insuplc_admdvs,
        "recer_sys_code": recer_sys_code, "dev_no": dev_no, "dev_safe_info": dev_safe_info, "cainfo": cainfo,
        "signtype": signtype, "infver": infver, "opter_type": opter_type, "opter": opter,
        "opter_name": opter_name, "inf_time": inf_time(moment), "fixmedins_code": fixmedins_code,
        "fixmedins_name": fixmedins_name, "sign_no": sign_no, "input": input,
    }
    problems = envelope_problems(message)
    if problems:
        raise ValueError(f"{infno}: {problems[0]}")
    if not msgid.startswith(fixmedins_code):
        raise ValueError(f"{infno}: the msgid must begin with this hospital's fixmedins_code")
    return message


# -- the answer envelope -----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """The answer envelope: ``infcode`` as a number whether it came as 0 or "0"."""
    infcode: int
    inf_refmsgid: str
    refmsg_time: str
    respond_time: str
    output: dict
    err_msg: str = ""
    warn_msg: str = ""

    def __repr__(self) -> str:  # err_msg and output may name the patient
        return f"Answer(infcode={self.infcode}, inf_refmsgid={self.inf_refmsgid!r})"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool):
        return str(value)
    raise ValueError("not text")


def parse_answer(message: object) -> Answer:
    """The answer envelope of any transaction. ``infcode`` may come as a number or as text;
    ``output`` may be missing or null (an empty object then). :class:`InsuranceAnswerInvalid`
    for anything that is no answer of the interface."""
    if not isinstance(message, dict) or "infcode" not in message:
        raise InsuranceAnswerInvalid("the answer has no infcode")
    raw = message["infcode"]
    try:
        if isinstance(raw, bool):
            raise ValueError
        if isinstance(raw, str):
            infcode = int(raw.strip())
        elif isinstance(raw, int):
            infcode = raw
        elif isinstance(raw, Decimal) and raw == raw.to_integral_value():
            infcode = int(raw)
        else:
            raise ValueError
        output = message.get("output")
        if output is None or output == "":
            output = {}
        if not isinstance(output, dict):
            raise ValueError
        return Answer(infcode, _text(message.get("inf_refmsgid")), _text(message.get("refmsg_time")),
                      _text(message.get("respond_time")), output, _text(message.get("err_msg")),
                      _text(message.get("warn_msg")))
    except ValueError:
        raise InsuranceAnswerInvalid("the answer's infcode or output is not of the interface") from None


def answer_envelope(*, infcode: int, inf_refmsgid: str, refmsg_time: str, respond_time: str,
                    output: dict | None = None, err_msg: str = "", warn_msg: str | None = None) -> dict:
    """An answer as the platform writes it (the sandbox's)."""
    return {"infcode": infcode, "inf_refmsgid": inf_refmsgid, "refmsg_time": refmsg_time,
            "respond_time": respond_time, "err_msg": err_msg or None, "warn_msg": warn_msg,
            "output": output if output is not None else {}}


def inf_refmsgid(admdvs: str, moment: datetime, serial: int) -> str:
    """The platform's answer id: division (6) + ``yyyyMMddHHmmss`` + a 10-digit serial."""
    stamp = moment.astimezone(BUSINESS_TZ).strftime("%Y%m%d%H%M%S")
    return f"{admdvs}{stamp}{serial % 10**10:010d}"


def answer_time(moment: datetime) -> str:
    """``yyyyMMddHHmmssSSS`` (refmsg_time, respond_time)."""
    local = moment.astimezone(BUSINESS_TZ)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


# -- the gateway ---------------------------------------------------------------------------------

TIF_HEADERS = ("x-tif-paasid", "x-tif-timestamp", "x-tif-nonce", "x-tif-signature")


def tif_signature(timestamp: str, secret: str, nonce: str) -> str:
    """The TIF ("ebus") gateway's x-tif-signature: lower-case hex SHA-256 of
    timestamp + secret + nonce + timestamp (timestamp in Unix seconds, as sent)."""
    return hashlib.sha256(f"{timestamp}{secret}{nonce}{timestamp}".encode()).hexdigest()


# -- errors ------------------------------------------------------------------------------------


class InsuranceRefused(Refusal):
    """Business error: the platform answered with a non-zero ``infcode`` and did nothing.

    ``err_msg`` is the platform's text, for staff; it may name the patient, so it is in
    neither the message, the ``repr`` nor ``details`` (never in a log)."""

    def __init__(self, infno: str, infcode: int, err_msg: str = "", code: str = "insurance_refused"):
        super().__init__(code, f"the insurance platform refused {infno} (infcode {infcode})",
                         infno=infno, infcode=infcode)
        self.infno = infno
        self.infcode = infcode
        self.err_msg = err_msg


class SignInRenewed(InsuranceRefused):
    """The platform refused the message because the sign_no expired; the adapter has signed in
    again. Nothing was processed (nothing to reverse): send it again under a new msgid."""

    def __init__(self, infno: str, infcode: int, err_msg: str = ""):
        super().__init__(infno, infcode, err_msg, code="insurance_sign_in_renewed")


class InsuranceSystemError(Refusal):
    """System error: no usable answer (refused connection, timeout, a lost or garbled answer,
    a gateway that turned the request away). ``outcome_unknown``: the platform may have
    processed the message; reverse it by its msgid (2601) before anything else."""

    def __init__(self, reason: str, *, outcome_unknown: bool, code: str = "insurance_unavailable"):
        super().__init__(code, reason, outcome_unknown=outcome_unknown)
        self.reason = reason
        self.outcome_unknown = outcome_unknown


class InsuranceAnswerInvalid(InsuranceSystemError):
    """An answer arrived but is not one of the interface (no infcode, amounts that do not add
    up): treated as no answer, the outcome unknown."""

    def __init__(self, reason: str):
        super().__init__(reason, outcome_unknown=True, code="insurance_answer_invalid")


def check_answer(answer: Answer, infno: str) -> Answer:
    """``answer`` when its infcode is 0; :class:`InsuranceRefused` otherwise. (An ``err_msg``
    beside infcode 0 is no refusal: recorded answers carry "成功" there.)"""
    if answer.infcode != 0:
        raise InsuranceRefused(infno, answer.infcode, answer.err_msg)
    return answer
