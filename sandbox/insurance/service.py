"""The insurance service's front: the gateway check, the envelope's rules, msgid uniqueness, the
sign_no, faults; then one transaction per message (``sandbox.insurance.transactions``).

Order of the checks, each refusing before the next:

1. **Gateway** (when a paasid is registered): ``x-tif-paasid`` known, ``x-tif-timestamp`` within
   300 s of the wall clock, ``x-tif-signature`` = SHA-256 hex of timestamp + secret + nonce +
   timestamp, ``x-tif-nonce`` never seen before from that paasid. Refused with HTTP 401 and the
   gateway's own JSON (``{"code": ..., "message": ...}``), not an envelope: the platform never saw it.
2. **Envelope**: JSON; the fields of the interface's table within their lengths; ``inf_time``
   ``yyyy-MM-dd HH:mm:ss``; ``msgid`` fixmedins_code(12) + ``yyyyMMddHHmmss`` + 4 digits;
   ``fixmedins_code`` this hospital's; ``infno`` a transaction this service speaks (and the one of
   the path, when posted to base + infno); ``insuplc_admdvs`` given when the input names a psn_no.
3. **sign_no** (every transaction but 9001): one 9001 gave today (Asia/Shanghai business date) and
   9002 has not ended. Otherwise infcode -1 with "sign_no 已失效，请重新签到【9001】".
4. **msgid** never seen before: a reused msgid is refused (infcode -1, "msgid 重复"), whatever
   became of the first message. Every message that passes 1-3 uses its msgid up, refused or not.
5. **Faults** (the control API, tests only): "fail" answers infcode -1 having done nothing; "hold"
   neither processes nor answers; "blackhole" processes and commits, then withholds the answer.

Answers are the interface's envelope with ``infcode`` a JSON number and amounts JSON numbers with
two decimals (as recorded replies write them).
"""
from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.domain.insurance import (
    TRANSACTIONS,
    answer_envelope,
    answer_time,
    decode_json,
    envelope_problems,
    inf_refmsgid,
    tif_signature,
)
from sandbox.insurance import reversal, totals, transactions
from sandbox.insurance.store import InsuranceStore
from sandbox.insurance.transactions import BusinessError, Ctx
from sandbox.insurance.wire import number_json

log = logging.getLogger("sandbox.insurance")

TIMESTAMP_WINDOW_S = 300
SIGN_NO_EXPIRED = "sign_no 已失效，请重新签到【9001】(sign_no expired: sign in again)"
FAULT_MODES = ("fail", "blackhole", "hold", "none")


T = transactions
#: infno -> the transaction.
HANDLERS = {
    "9001": T.sign_in, "9002": T.sign_out, "1101": T.person_info, "2201": T.register, "2202": T.cancel_registration,
    "2203": T.visit_info, "2204": T.upload_fees, "2205": T.cancel_fees, "2206": T.pre_settle, "2207": T.settle,
    "2208": T.cancel_settlement, "2601": reversal.reverse, "2401": T.admit, "2402": T.discharge,
    "2301": T.upload_inpatient_fees, "2303": T.pre_settle_inpatient, "2304": T.settle_inpatient,
    "2305": T.cancel_inpatient_settlement, "3201": totals.day_totals,
}


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    withhold: bool = False  # processed; the answer is withheld (black hole)
    hold: bool = False  # not processed; no answer


class InsuranceService:
    def __init__(self, store: InsuranceStore, *, admdvs: str, fixmedins_code: str, fixmedins_name: str,
                 gateway: Mapping[str, str] | None = None):
        self.store = store
        self.admdvs = admdvs
        self.fixmedins_code = fixmedins_code
        self.fixmedins_name = fixmedins_name
        self.gateway = dict(gateway or {})  # paasid -> secret; empty: no gateway check

    # -- the gateway --------------------------------------------------------------------------

    def gateway_refusal(self, headers: Mapping[str, str]) -> tuple[str, str] | None:
        if not self.gateway:
            return None
        paasid = headers.get("x-tif-paasid", "")
        timestamp = headers.get("x-tif-timestamp", "")
        nonce = headers.get("x-tif-nonce", "")
        signature = headers.get("x-tif-signature", "")
        secret = self.gateway.get(paasid)
        if secret is None:
            return "unknown_paasid", "x-tif-paasid is not registered at this gateway"
        if not (timestamp.isdigit() and nonce and signature) or len(nonce) > 64 or not nonce.isascii():
            return "bad_signature", "x-tif-timestamp, x-tif-nonce and x-tif-signature are required"
        if not hmac.compare_digest(signature.encode(), tif_signature(timestamp, secret, nonce).encode()):
            return "bad_signature", "x-tif-signature does not match"
        now = int(self.store.wall_now().timestamp())
        if abs(now - int(timestamp)) > TIMESTAMP_WINDOW_S:
            return "stale_timestamp", f"x-tif-timestamp is more than {TIMESTAMP_WINDOW_S} s from the gateway's time"
        if not self.store.remember_nonce(paasid, nonce, int(timestamp), TIMESTAMP_WINDOW_S):
            return "replayed_nonce", "x-tif-nonce was already used"
        return None

    # -- a message ---------------------------------------------------------------------------------

    def handle(self, headers: Mapping[str, str], path_infno: str | None, body: bytes) -> Reply:
        refusal = self.gateway_refusal(headers)
        if refusal is not None:
            return Reply(401, json.dumps({"code": refusal[0], "message": refusal[1]}).encode())
        received = self.store.now()
        try:
            message = decode_json(body)
        except (ValueError, UnicodeDecodeError):
            return self._answer(-1, "报文不是 JSON (the body is not JSON)")
        problems = envelope_problems(message)
        if problems:
            return self._answer(-1, "报文不符合接口规范: " + "; ".join(problems))
        infno, msgid = message["infno"], message["msgid"]
        if message["fixmedins_code"] != self.fixmedins_code or not msgid.startswith(self.fixmedins_code):
            return self._answer(-1, "定点医药机构编号不存在或与 msgid 不符 (unknown fixmedins_code)")
        if infno not in TRANSACTIONS or (path_infno is not None and path_infno != infno):
            return self._answer(-1, f"交易编号 {infno} 不支持 (transaction not offered)")
        if infno != "9001" and not self._sign_no_valid(message.get("sign_no", "")):
            return self._answer(-1, SIGN_NO_EXPIRED)
        fault = self.store.fault(infno)
        if fault == "hold":
            return Reply(200, b"", hold=True)
        ctx = None
        output = None
        try:
            with self.store.transaction() as db:
                if not db.execute("SELECT 1 FROM messages WHERE msgid = ?", (msgid,)).fetchone():
                    if fault == "fail":
                        raise BusinessError("医保平台系统异常 (sandbox fault: fail)")
                    ctx = Ctx(db, self.store, self, message, received)
                    output = HANDLERS[infno](ctx, message["input"])
                    db.execute("INSERT INTO messages VALUES (?, ?, ?, ?, 0, 'done', ?, NULL)",
                               (msgid, infno, ctx.psn_no, received.isoformat(), json.dumps(ctx.effect)))
        except BusinessError as exc:
            with self.store.transaction() as db:
                db.execute("INSERT OR IGNORE INTO messages VALUES (?, ?, ?, ?, -1, 'refused', NULL, NULL)",
                           (msgid, infno, ctx.psn_no if ctx else None, received.isoformat()))
            return self._answer(-1, exc.err_msg)
        if output is None:
            return self._answer(-1, "msgid 重复，一个报文 ID 只能用一次 (msgid already used)")
        reply = self._answer(0, "", output)
        return Reply(reply.status, reply.body, withhold=fault == "blackhole")

    def _sign_no_valid(self, sign_no: str) -> bool:
        if not sign_no:
            return False
        day = self.store.now().date().isoformat()
        return bool(self.store.read("SELECT 1 FROM sign_ins WHERE sign_no = ? AND day = ? AND signed_out = 0",
                                    (sign_no, day)))

    def _answer(self, infcode: int, err_msg: str, output: dict | None = None) -> Reply:
        now = self.store.now()
        with self.store.transaction() as db:
            serial = self.store.next_serial(db, "inf_refmsgid")
        envelope = answer_envelope(infcode=infcode, inf_refmsgid=inf_refmsgid(self.admdvs, now, serial),
                                   refmsg_time=answer_time(now), respond_time=answer_time(self.store.now()),
                                   output=output, err_msg=err_msg)
        return Reply(200, number_json(envelope))
