"""The insurance port over the national interface: one JSON envelope per HTTP POST.

- **Where.** ``path_style`` "single" posts every message to the URL the 医保 gateway gives (e.g.
  ``.../fsi/api/rsfComIfsService/callService``); "infno" posts to that URL + "/" + infno.
- **Gateway auth** is pluggable (:class:`GatewayAuth`): :class:`TifGateway` (the default style:
  ``x-tif-paasid``, ``x-tif-timestamp`` in Unix seconds, ``x-tif-nonce``, ``x-tif-signature`` = lower-
  case SHA-256 hex of timestamp + secret + nonce + timestamp) or :class:`NoGateway`.
- **TLS** verified against the CA file ``kiosk.transport.trust_store`` names (the settings'
  ``ca_bundle`` or the system's), never the environment's; plain http only on loopback.
- **No automatic retry of a write**: urllib3 retries nothing, a write is sent once; its retry is a
  new message with a new msgid, the caller's decision. A refused connection or a connect timeout
  is a system error with ``outcome_unknown`` False (nothing was sent); a timeout or a broken
  connection after sending, a 5xx or an answer that is no answer of the interface leave a write's
  outcome unknown (reverse it with 2601 by its msgid).
- **Sign-in** (9001) at first use, again when the business day changed and when the platform
  answers that the sign_no expired: then a read (1101, 2206, 2303, 3201) is sent once more under a
  new msgid of the adapter's own counter (``next_msgid``); a write raises
  :class:`~kiosk.domain.insurance.SignInRenewed` (nothing processed; send it anew).
"""
from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kiosk.domain import clock as business_clock
from kiosk.domain import insurance_output as out
from kiosk.domain.insurance import (
    Answer,
    InsuranceAnswerInvalid,
    InsuranceRefused,
    InsuranceSystemError,
    MedType,
    OpterType,
    SignInRenewed,
    check_answer,
    decode_json,
    encode_json,
    fen_to_yuan,
    format_decimal,
    inf_time,
    parse_answer,
    request_envelope,
    tif_signature,
)
from kiosk.ports.insurance import (
    MAX_FEE_LINES_PER_MESSAGE,
    AdmissionRequest,
    DayTotals,
    DayTotalsRequest,
    Diagnosis,
    DischargeRequest,
    FeeLine,
    FeeResult,
    InpatientSettleRequest,
    Insured,
    OutpatientSettleRequest,
    Person,
    PersonQuery,
    Registered,
    RegistrationRequest,
    Settlement,
    SignIn,
    VisitInfo,
)
from kiosk.transport import acceptable_platform_url, trust_store

log = logging.getLogger("kiosk.insurance")

#: Transactions that change nothing at the platform: sent once more after a renewed sign-in.
READS = frozenset({"1101", "2206", "2303", "3201"})
PATH_STYLES = ("single", "infno")


class GatewayAuth(Protocol):
    """The headers the 医保 gateway wants on a request with this body."""

    def headers(self, body: bytes) -> dict[str, str]: ...


class NoGateway:
    """No gateway headers (a front-end processor on the hospital's own network)."""

    def headers(self, body: bytes) -> dict[str, str]:
        return {}


class TifGateway:
    """The TIF ("ebus") gateway: paasid, Unix-second timestamp, a fresh nonce, the signature."""

    def __init__(self, paasid: str, secret: str, wall_clock: Callable[[], float] = time.time):
        if not paasid or not secret:
            raise ValueError("the TIF gateway needs a paasid and its secret")
        self.paasid = paasid
        self._secret = secret
        self._wall_clock = wall_clock

    def headers(self, body: bytes) -> dict[str, str]:
        timestamp = str(int(self._wall_clock()))
        nonce = secrets.token_hex(16)
        return {"x-tif-paasid": self.paasid, "x-tif-timestamp": timestamp, "x-tif-nonce": nonce,
                "x-tif-signature": tif_signature(timestamp, self._secret, nonce)}

    def __repr__(self) -> str:
        return f"TifGateway(paasid={self.paasid!r})"


def gateway_for(style: str, paasid: str = "", secret: str = "") -> GatewayAuth:
    """The gateway of the ``insurance_gateway_style`` setting."""
    if style == "tif":
        return TifGateway(paasid, secret)
    if style == "none":
        return NoGateway()
    raise ValueError(f"unknown insurance gateway style {style!r}")


class _Session(requests.Session):
    """Verifies against its own CA file however a request is made (never REQUESTS_CA_BUNDLE)."""

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
        merged["verify"] = self.verify
        return merged


def _sign_in_expired(err_msg: str) -> bool:
    """The platform's refusal of a sign_no no longer valid (its text speaks of 签到 or sign_no)."""
    return "签到" in err_msg or "sign_no" in err_msg


class NationalInsurance:
    """:class:`~kiosk.ports.insurance.InsurancePort` over HTTP. Thread-safe: the sign-in is
    shared under a lock; ``requests`` sessions may serve threads for plain POSTs."""

    def __init__(self, url: str, *, fixmedins_code: str, fixmedins_name: str, admdvs: str, opter: str,
                 opter_name: str, next_msgid: Callable[[], str], recer_sys_code: str = "YBXT",
                 opter_type: OpterType = OpterType.SELF_SERVICE, infver: str = "V1.0",
                 gateway: GatewayAuth | None = None, path_style: str = "single", ca_bundle: str = "",
                 timeout_s: float = 8.0, connect_timeout_s: float = 3.0,
                 clock: Callable[[], datetime] = business_clock.now,
                 sign_in_expired: Callable[[str], bool] = _sign_in_expired):
        if not acceptable_platform_url(url):
            raise ValueError("insurance_url must use https:// (plain http only on loopback), with no user name")
        if path_style not in PATH_STYLES:
            raise ValueError(f"path_style must be one of {PATH_STYLES}")
        self.url = url.rstrip("/") if path_style == "infno" else url
        self.path_style = path_style
        self.fixmedins_code = fixmedins_code
        self.fixmedins_name = fixmedins_name
        self.admdvs = admdvs
        self.opter = opter
        self.opter_name = opter_name
        self.opter_type = opter_type
        self.recer_sys_code = recer_sys_code
        self.infver = infver
        self.gateway = gateway or NoGateway()
        self.timeout = (connect_timeout_s, timeout_s)
        self.clock = clock
        self.next_msgid = next_msgid
        self.sign_in_expired = sign_in_expired
        self._session = _Session()
        self._session.verify = trust_store(ca_bundle)
        no_retry = HTTPAdapter(max_retries=Retry(total=0, connect=0, read=0, redirect=0, status=0, other=0,
                                                 raise_on_status=False))
        self._session.mount("https://", no_retry)
        self._session.mount("http://", no_retry)
        self._lock = threading.Lock()
        self._sign_no: str | None = None
        self._signed_on: date | None = None

    def close(self) -> None:
        self._session.close()

    # -- transport ------------------------------------------------------------------------------

    def _post(self, infno: str, msgid: str, given: dict, insured: Insured | None = None,
              sign_no: str = "") -> Answer:
        envelope = request_envelope(
            infno=infno, msgid=msgid, input=given, mdtrtarea_admvs=self.admdvs, recer_sys_code=self.recer_sys_code,
            infver=self.infver, opter_type=str(self.opter_type), opter=self.opter, opter_name=self.opter_name,
            moment=self.clock(), fixmedins_code=self.fixmedins_code, fixmedins_name=self.fixmedins_name,
            sign_no=sign_no, insuplc_admdvs=insured.insuplc_admdvs if insured else "")
        body = encode_json(envelope)
        headers = {"Content-Type": "application/json;charset=utf-8", "Accept": "application/json",
                   **self.gateway.headers(body)}
        target = f"{self.url}/{infno}" if self.path_style == "infno" else self.url
        changes = infno not in READS and infno != "9001"
        try:
            response = self._session.post(target, data=body, headers=headers, timeout=self.timeout,
                                          allow_redirects=False)
        except (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError, requests.exceptions.InvalidURL,
                requests.exceptions.ProxyError) as exc:
            raise InsuranceSystemError(f"{infno}: not sent ({type(exc).__name__})", outcome_unknown=False) from None
        except requests.exceptions.ConnectionError as exc:
            sent = not _refused_before_sending(exc)
            raise InsuranceSystemError(f"{infno}: no answer ({type(exc).__name__})",
                                       outcome_unknown=sent and changes) from None
        except requests.exceptions.RequestException as exc:  # a read timeout, a broken answer
            raise InsuranceSystemError(f"{infno}: no answer ({type(exc).__name__})", outcome_unknown=changes) from None
        try:
            if response.status_code in (401, 403):
                raise InsuranceSystemError(f"{infno}: the gateway refused the request ({response.status_code})",
                                           outcome_unknown=False, code="insurance_gateway_refused")
            if 400 <= response.status_code < 500:
                raise InsuranceSystemError(f"{infno}: the gateway answered {response.status_code}",
                                           outcome_unknown=False)
            if response.status_code != 200:
                raise InsuranceSystemError(f"{infno}: the gateway answered {response.status_code}",
                                           outcome_unknown=changes)
            try:
                return parse_answer(decode_json(response.content))
            except (ValueError, UnicodeDecodeError):
                raise InsuranceAnswerInvalid(f"{infno}: the answer is not JSON") from None
        finally:
            response.close()

    def _call(self, infno: str, msgid: str, given: dict, insured: Insured | None = None) -> Answer:
        answer = self._post(infno, msgid, given, insured, self._current_sign_no())
        if answer.infcode != 0 and self.sign_in_expired(answer.err_msg):
            log.info("insurance %s: the platform says the sign-in expired; signing in again", infno)
            self._renew_sign_in()
            if infno not in READS:
                raise SignInRenewed(infno, answer.infcode, answer.err_msg)
            answer = self._post(infno, self.next_msgid(), given, insured, self._current_sign_no())
        if answer.infcode != 0:
            # never err_msg in the log: it may name the patient
            log.info("insurance %s refused (infcode %s)", infno, answer.infcode)
        return check_answer(answer, infno)

    # -- sign-in ----------------------------------------------------------------------------------

    def _current_sign_no(self) -> str:
        with self._lock:
            if self._sign_no is not None and self._signed_on == business_clock.business_date(self.clock()):
                return self._sign_no
        return self._renew_sign_in()

    def _renew_sign_in(self) -> str:
        with self._lock:
            result = self._sign_in(self.next_msgid())
            return result.sign_no

    def _sign_in(self, msgid: str) -> SignIn:
        given = {"signIn": {"opter_no": self.opter[:20], "mac": _mac(), "ip": _local_ip(self.url)}}
        answer = check_answer(self._post("9001", msgid, given), "9001")
        result = out.parse_sign_in(answer.output)
        self._sign_no = result.sign_no
        self._signed_on = business_clock.business_date(self.clock())
        return result

    def sign_in(self, msgid: str) -> SignIn:
        with self._lock:
            return self._sign_in(msgid)

    def sign_out(self, msgid: str) -> None:
        with self._lock:
            if self._sign_no is None:
                return
            given = {"signOut": {"sign_no": self._sign_no, "opter_no": self.opter[:20]}}
            check_answer(self._post("9002", msgid, given, sign_no=self._sign_no), "9002")
            self._sign_no = None

    # -- the transactions -----------------------------------------------------------------------

    def person(self, msgid: str, query: PersonQuery) -> Person:
        data = {"mdtrt_cert_type": str(query.mdtrt_cert_type), "mdtrt_cert_no": query.mdtrt_cert_no,
                "card_sn": query.card_sn, "begntime": inf_time(self.clock()),
                "psn_cert_type": str(query.psn_cert_type), "certno": query.certno, "psn_name": query.psn_name}
        return out.parse_person(self._call("1101", msgid, {"data": data}).output)

    def register(self, msgid: str, request: RegistrationRequest) -> Registered:
        who = request.insured
        data = {"psn_no": who.psn_no, "insutype": who.insutype, "begntime": inf_time(request.begntime),
                **_voucher(who), "ipt_otp_no": request.ipt_otp_no, "atddr_no": request.atddr_no,
                "dr_name": request.dr_name, "dept_code": request.dept_code, "dept_name": request.dept_name,
                "caty": request.caty}
        return out.parse_registration(self._call("2201", msgid, {"data": data}, who).output)

    def cancel_registration(self, msgid: str, insured: Insured, mdtrt_id: str, ipt_otp_no: str) -> None:
        data = {"psn_no": insured.psn_no, "mdtrt_id": mdtrt_id, "ipt_otp_no": ipt_otp_no}
        self._call("2202", msgid, {"data": data}, insured)

    def visit_info(self, msgid: str, info: VisitInfo) -> None:
        who = info.insured
        mdtrtinfo = {"mdtrt_id": info.mdtrt_id, "psn_no": who.psn_no, "med_type": str(info.med_type),
                     "begntime": inf_time(info.begntime), "main_cond_dscr": info.main_cond_dscr}
        diseinfo = [{k: v for k, v in _diagnosis(d).items() if k != "maindiag_flag"} | {"vali_flag": "1"}
                    for d in info.diagnoses]
        self._call("2203", msgid, {"mdtrtinfo": mdtrtinfo, "diseinfo": diseinfo}, who)

    def upload_fees(self, msgid: str, insured: Insured, mdtrt_id: str, chrg_bchno: str,
                    lines: tuple[FeeLine, ...]) -> tuple[FeeResult, ...]:
        _within_one_message(lines)
        feedetail = [_fee_line(line) | {"mdtrt_id": mdtrt_id, "psn_no": insured.psn_no, "chrg_bchno": chrg_bchno,
                                        "rxno": line.rxno, "rx_circ_flag": "0"} for line in lines]
        return out.parse_fee_results(self._call("2204", msgid, {"feedetail": feedetail}, insured).output)

    def cancel_fees(self, msgid: str, insured: Insured, mdtrt_id: str, chrg_bchno: str) -> None:
        data = {"mdtrt_id": mdtrt_id, "chrg_bchno": chrg_bchno, "psn_no": insured.psn_no}
        self._call("2205", msgid, {"data": data}, insured)

    def pre_settle(self, msgid: str, request: OutpatientSettleRequest) -> Settlement:
        data = _outpatient_settle(request)
        return out.parse_settlement(self._call("2206", msgid, {"data": data}, request.insured).output)

    def settle(self, msgid: str, request: OutpatientSettleRequest) -> Settlement:
        if request.inscp_scp_amt is None:
            raise ValueError("2207 needs the pre-settlement's split: request.with_split(pre)")
        data = _outpatient_settle(request) | {"invono": request.invono} | _split(request)
        return out.parse_settlement(self._call("2207", msgid, {"data": data}, request.insured).output)

    def cancel_settlement(self, msgid: str, insured: Insured, mdtrt_id: str, setl_id: str) -> Settlement:
        data = {"setl_id": setl_id, "mdtrt_id": mdtrt_id, "psn_no": insured.psn_no}
        return out.parse_settlement(self._call("2208", msgid, {"data": data}, insured).output)

    def reverse(self, msgid: str, insured: Insured, omsgid: str, oinfno: str) -> None:
        data = {"psn_no": insured.psn_no, "omsgid": omsgid, "oinfno": oinfno}
        self._call("2601", msgid, {"data": data}, insured)

    def admit(self, msgid: str, request: AdmissionRequest) -> str:
        who = request.insured
        mdtrtinfo = {"psn_no": who.psn_no, "insutype": who.insutype, "begntime": inf_time(request.begntime),
                     **_voucher(who), "med_type": str(request.med_type), "ipt_no": request.ipt_no,
                     "atddr_no": request.atddr_no, "chfpdr_name": request.chfpdr_name,
                     "adm_diag_dscr": request.adm_diag_dscr, "adm_dept_codg": request.adm_dept_codg,
                     "adm_dept_name": request.adm_dept_name, "adm_bed": request.adm_bed,
                     "dscg_maindiag_code": request.dscg_maindiag_code,
                     "dscg_maindiag_name": request.dscg_maindiag_name}
        diseinfo = [_diagnosis(d) | {"psn_no": who.psn_no} for d in request.diagnoses]
        answer = self._call("2401", msgid, {"mdtrtinfo": mdtrtinfo, "diseinfo": diseinfo}, who)
        return out.parse_admission(answer.output)

    def discharge(self, msgid: str, request: DischargeRequest) -> None:
        who = request.insured
        dscginfo = {"mdtrt_id": request.mdtrt_id, "psn_no": who.psn_no, "insutype": who.insutype,
                    "endtime": inf_time(request.endtime), "dscg_dept_codg": request.dscg_dept_codg,
                    "dscg_dept_name": request.dscg_dept_name, "dscg_bed": request.dscg_bed,
                    "dscg_way": request.dscg_way}
        diseinfo = [_diagnosis(d) | {"psn_no": who.psn_no} for d in request.diagnoses]
        self._call("2402", msgid, {"dscginfo": dscginfo, "diseinfo": diseinfo}, who)

    def upload_inpatient_fees(self, msgid: str, insured: Insured, mdtrt_id: str, lines: tuple[FeeLine, ...],
                              med_type: MedType = MedType.INPATIENT) -> tuple[FeeResult, ...]:
        _within_one_message(lines)
        feedetail = [_fee_line(line) | {"mdtrt_id": mdtrt_id, "psn_no": insured.psn_no, "med_type": str(med_type),
                                        "drord_no": line.drord_no} for line in lines]
        return out.parse_fee_results(self._call("2301", msgid, {"feedetail": feedetail}, insured).output)

    def pre_settle_inpatient(self, msgid: str, request: InpatientSettleRequest) -> Settlement:
        data = _inpatient_settle(request) | _split(request, default_zero=True)
        return out.parse_settlement(self._call("2303", msgid, {"data": data}, request.insured).output)

    def settle_inpatient(self, msgid: str, request: InpatientSettleRequest) -> Settlement:
        if request.inscp_scp_amt is None:
            raise ValueError("2304 needs the pre-settlement's split: request.with_split(pre)")
        data = _inpatient_settle(request) | _split(request)
        return out.parse_settlement(self._call("2304", msgid, {"data": data}, request.insured).output)

    def cancel_inpatient_settlement(self, msgid: str, insured: Insured, mdtrt_id: str, setl_id: str) -> Settlement:
        data = {"mdtrt_id": mdtrt_id, "setl_id": setl_id, "psn_no": insured.psn_no}
        return out.parse_settlement(self._call("2305", msgid, {"data": data}, insured).output)

    def day_totals(self, msgid: str, request: DayTotalsRequest) -> DayTotals:
        data = {"insutype": str(request.insutype), "clr_type": str(request.clr_type),
                "setl_optins": request.setl_optins, "stmt_begndate": request.begndate.isoformat(),
                "stmt_enddate": request.enddate.isoformat(), "medfee_sumamt": fen_to_yuan(request.medfee_sumamt),
                "fund_pay_sumamt": fen_to_yuan(request.fund_pay_sumamt), "acct_pay": fen_to_yuan(request.acct_pay),
                "fixmedins_setl_cnt": request.fixmedins_setl_cnt}
        return out.parse_day_totals(self._call("3201", msgid, {"data": data}).output)


# -- inputs ---------------------------------------------------------------------------------------


def _voucher(who: Insured) -> dict:
    return {"mdtrt_cert_type": str(who.mdtrt_cert_type), "mdtrt_cert_no": who.mdtrt_cert_no}


def _diagnosis(d: Diagnosis) -> dict:
    return {"diag_type": d.diag_type, "maindiag_flag": d.maindiag_flag, "diag_srt_no": d.diag_srt_no,
            "diag_code": d.diag_code, "diag_name": d.diag_name, "diag_dept": d.diag_dept,
            "dise_dor_no": d.dise_dor_no, "dise_dor_name": d.dise_dor_name, "diag_time": inf_time(d.diag_time)}


def _within_one_message(lines: tuple[FeeLine, ...]) -> None:
    if not lines or len(lines) > MAX_FEE_LINES_PER_MESSAGE:
        raise ValueError(f"one upload carries 1 to {MAX_FEE_LINES_PER_MESSAGE} fee lines: split them with fee_uploads")


def _fee_line(line: FeeLine) -> dict:
    return {"feedetl_sn": line.feedetl_sn, "fee_ocur_time": inf_time(line.fee_ocur_time),
            "med_list_codg": line.med_list_codg, "medins_list_codg": line.medins_list_codg,
            "det_item_fee_sumamt": fen_to_yuan(line.amount_fen), "cnt": format_decimal(line.cnt, 4),
            "pric": format_decimal(line.pric, 6), "bilg_dept_codg": line.bilg_dept_codg,
            "bilg_dept_name": line.bilg_dept_name, "bilg_dr_codg": line.bilg_dr_codg,
            "bilg_dr_name": line.bilg_dr_name, "hosp_appr_flag": "1"}


def _outpatient_settle(request: OutpatientSettleRequest) -> dict:
    who = request.insured
    return {"psn_no": who.psn_no, **_voucher(who), "med_type": str(request.med_type),
            "medfee_sumamt": fen_to_yuan(request.medfee_sumamt), "psn_setlway": str(request.psn_setlway),
            "mdtrt_id": request.mdtrt_id, "chrg_bchno": request.chrg_bchno, "insutype": who.insutype,
            "acct_used_flag": "1" if request.acct_used_flag else "0"}


def _inpatient_settle(request: InpatientSettleRequest) -> dict:
    who = request.insured
    return {"psn_no": who.psn_no, **_voucher(who), "medfee_sumamt": fen_to_yuan(request.medfee_sumamt),
            "psn_setlway": str(request.psn_setlway), "mdtrt_id": request.mdtrt_id, "insutype": who.insutype,
            "acct_used_flag": "1" if request.acct_used_flag else "0", "invono": request.invono,
            "mid_setl_flag": "1" if request.mid_setl_flag else "0"}


def _split(request: OutpatientSettleRequest | InpatientSettleRequest, default_zero: bool = False) -> dict:
    names = ("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt")
    values = {name: getattr(request, name) for name in names}
    if any(v is None for v in values.values()):
        if not default_zero:
            raise ValueError("the settlement needs the pre-settlement's split")
        values = {name: v or 0 for name, v in values.items()}
    return {name: fen_to_yuan(v) for name, v in values.items()}


def _refused_before_sending(exc: requests.exceptions.ConnectionError) -> bool:
    """A refused connection or a failed name lookup: the request never left."""
    reason = exc.args[0] if exc.args else None
    inner = getattr(reason, "reason", reason)
    text = type(inner).__name__
    return text in ("NewConnectionError", "NameResolutionError", "ConnectTimeoutError") or isinstance(
        inner, ConnectionRefusedError)


def _mac() -> str:
    node = uuid.getnode()
    return "-".join(f"{(node >> shift) & 0xFF:02X}" for shift in range(40, -1, -8))


def _local_ip(url: str) -> str:
    """The address this machine reaches the gateway from (a UDP "connect" sends nothing)."""
    host = urlsplit(url).hostname or "127.0.0.1"
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((host, 9))
            return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"


def adapter_from_settings(settings, *, secret: str, next_msgid: Callable[[], str],
                          url: str | None = None) -> NationalInsurance:
    """The adapter the settings describe (``insurance_*``, ``terminal_id``, ``mode``, ``ca_bundle``,
    ``request_timeout_s``); ``secret`` from the keyring (insurance:<terminal_id>); ``url`` overrides
    ``insurance_url`` (the embedded sandbox's address in training)."""
    opter_type = OpterType.STAFF if settings.mode == "desk" else OpterType.SELF_SERVICE
    return NationalInsurance(
        url or settings.insurance_url, fixmedins_code=settings.insurance_fixmedins_code,
        fixmedins_name=settings.insurance_fixmedins_name, admdvs=settings.insurance_admdvs,
        recer_sys_code=settings.insurance_recer_sys_code, opter=settings.terminal_id,
        opter_name="自助机" if opter_type is OpterType.SELF_SERVICE else "收费窗口", opter_type=opter_type,
        infver=settings.insurance_infver,
        gateway=gateway_for(settings.insurance_gateway_style, settings.insurance_paasid, secret),
        path_style=settings.insurance_path_style, ca_bundle=settings.ca_bundle,
        timeout_s=settings.request_timeout_s, next_msgid=next_msgid)


def build(config) -> NationalInsurance:
    """The registry's factory (``kiosk.ports.registry``, adapter ``national``): the adapter the settings describe
    (:func:`adapter_from_settings`) at ``config.url`` or ``insurance_url``; the gateway's secret is
    ``config.secret`` (training: the embedded service's) or the keyring's ``insurance:<terminal_id>`` (a
    ``tif`` gateway only); the adapter's own messages (sign-ins, a read sent again) are numbered from
    ``config.msgids``, the kiosk's stored sequence, which the saga numbers its messages from too."""
    settings = config.settings
    url = config.url or settings.insurance_url
    if not url:
        raise ValueError("insurance_url is empty: name the 医保 gateway's address (or leave it empty for training, "
                         "where the kiosk runs the sandbox insurance service itself)")
    if config.msgids is None:
        raise ValueError("the insurance adapter numbers its messages from the kiosk's stored msgid sequence "
                         "(PortConfig.msgids)")
    secret = config.secret
    if secret is None and settings.insurance_gateway_style == "tif":
        from kiosk.secrets import insurance_secret

        secret = insurance_secret(settings.terminal_id)
    if isinstance(secret, bytes):
        secret = secret.decode("ascii")
    return adapter_from_settings(settings, secret=secret or "", next_msgid=config.msgids, url=url)


__all__ = ["GatewayAuth", "InsuranceRefused", "NationalInsurance", "NoGateway", "TifGateway", "adapter_from_settings",
           "build", "gateway_for"]
