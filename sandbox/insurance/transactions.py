"""The insurance service's transactions, one function per infno, each inside the message's own
SQLite transaction (``sandbox.insurance.service``). A :class:`BusinessError` rolls the message's
effects back and answers infcode -1 with its ``err_msg``.

The decisions about 2601 and 3201 are in ``sandbox.insurance.reversal`` and ``sandbox.insurance.totals``.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from kiosk.domain import age
from kiosk.domain.insurance import fen_to_yuan, inf_time, parse_decimal, parse_inf_time, yuan_to_fen
from sandbox.insurance import catalogue, policy
from sandbox.insurance.wire import Number


class BusinessError(Exception):
    """The platform says no: infcode -1 and this err_msg."""

    def __init__(self, err_msg: str):
        super().__init__(err_msg)
        self.err_msg = err_msg


@dataclass
class Ctx:
    db: sqlite3.Connection
    store: object
    service: object
    message: dict
    now: datetime
    psn_no: str | None = None
    effect: dict = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.message["msgid"]

    def person(self, psn_no: str) -> sqlite3.Row:
        """The person, checked against the envelope's insuplc_admdvs."""
        row = self.db.execute("SELECT * FROM persons WHERE psn_no = ?", (psn_no,)).fetchone()
        if row is None:
            raise BusinessError("人员编号不存在 (unknown psn_no)")
        if self.message.get("insuplc_admdvs") != row["insuplc_admdvs"]:
            raise BusinessError("参保地医保区划与人员不符 (insuplc_admdvs is not the person's)")
        self.psn_no = psn_no
        return row

    def serial_id(self, name: str) -> str:
        """A visit's or settlement's id: the division, 1 (visit) or 2 (settlement), a serial."""
        kind = {"mdtrt_id": "1", "setl_id": "2"}[name]
        return f"{self.service.admdvs}{kind}{self.store.next_serial(self.db, name):09d}"


def _amount(fen: int):
    return Number(fen_to_yuan(fen))


def input_node(given: dict, name: str) -> dict:
    node = given.get(name)
    if not isinstance(node, dict):
        raise BusinessError(f"输入缺少节点 {name} (input node {name} missing)")
    return node


def input_rows(given: dict, name: str) -> list[dict]:
    rows = given.get(name)
    if isinstance(rows, dict):
        rows = [rows]
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise BusinessError(f"输入缺少节点 {name} (input node {name} missing)")
    return rows


def field_text(node: dict, name: str, required: bool = True) -> str:
    value = node.get(name)
    if value is None or value == "":
        if required:
            raise BusinessError(f"{name} 不能为空 ({name} is required)")
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise BusinessError(f"{name} 格式错误")
    return str(value)


def field_fen(node: dict, name: str) -> int:
    try:
        return yuan_to_fen(node.get(name), name)
    except (TypeError, ValueError):
        raise BusinessError(f"{name} 不是两位小数的金额 ({name} is not an amount in yuan)") from None


def field_time(node: dict, name: str) -> datetime:
    try:
        return parse_inf_time(field_text(node, name))
    except ValueError:
        raise BusinessError(f"{name} 格式应为 yyyy-MM-dd HH:mm:ss") from None


# -- 9001, 9002, 1101 ------------------------------------------------------------------------------


def sign_in(ctx: Ctx, given: dict) -> dict:
    node = input_node(given, "signIn")
    opter = field_text(node, "opter_no")
    field_text(node, "ip")
    sign_no = f"{ctx.now:%Y%m%d}{ctx.store.next_serial(ctx.db, 'sign_no'):08d}"
    ctx.db.execute("INSERT INTO sign_ins VALUES (?, ?, ?, ?, 0)",
                   (sign_no, opter, ctx.now.date().isoformat(), ctx.now.isoformat()))
    return {"signinoutb": {"sign_no": sign_no, "sign_time": inf_time(ctx.now)}}


def sign_out(ctx: Ctx, given: dict) -> dict:
    node = input_node(given, "signOut")
    ctx.db.execute("UPDATE sign_ins SET signed_out = 1 WHERE sign_no = ?", (field_text(node, "sign_no"),))
    return {"signoutoutb": {"sign_time": inf_time(ctx.now)}}


def _by_voucher(ctx: Ctx, cert_type: str, cert_no: str, card_sn: str) -> sqlite3.Row:
    db = ctx.db
    if cert_type == "01":
        if cert_no.endswith("-000000"):
            raise BusinessError("医保电子凭证已过期，请刷新二维码 (the e-voucher code has expired)")
        row = db.execute("SELECT * FROM persons WHERE token = ?", (cert_no,)).fetchone()
    elif cert_type == "02":
        row = db.execute("SELECT * FROM persons WHERE certno = ?", (cert_no,)).fetchone()
    elif cert_type == "03":
        row = db.execute("SELECT * FROM persons WHERE card_no = ?", (cert_no,)).fetchone()
        if row is not None and row["card_sn"] != card_sn:
            raise BusinessError("社会保障卡卡识别码不符 (card_sn does not match the card)")
    else:
        raise BusinessError("就诊凭证类型错误 (mdtrt_cert_type must be 01, 02 or 03)")
    if row is None:
        raise BusinessError("未查询到该人员的参保信息 (no such person)")
    return row


def person_info(ctx: Ctx, given: dict) -> dict:
    node = input_node(given, "data")
    person = _by_voucher(ctx, field_text(node, "mdtrt_cert_type"), field_text(node, "mdtrt_cert_no"),
                         field_text(node, "card_sn", required=False))
    ctx.psn_no = person["psn_no"]
    birth = date.fromisoformat(person["brdy"])
    insurances = ctx.db.execute("SELECT * FROM insurances WHERE psn_no = ?", (person["psn_no"],)).fetchall()
    return {
        "baseinfo": {"psn_no": person["psn_no"], "psn_cert_type": "01", "certno": person["certno"],
                     "psn_name": person["name"], "gend": person["gend"], "naty": "01", "brdy": person["brdy"],
                     "age": Number(str(age.age_on(birth, ctx.now.date())))},
        "insuinfo": [{"balc": _amount(i["balance_fen"]), "insutype": i["insutype"], "psn_type": i["psn_type"],
                      "psn_insu_stas": i["psn_insu_stas"], "psn_insu_date": i["psn_insu_date"], "paus_insu_date": None,
                      "cvlserv_flag": "0", "insuplc_admdvs": person["insuplc_admdvs"], "emp_name": ""}
                     for i in insurances],
        "idetinfo": [],
    }


# -- visits ------------------------------------------------------------------------------------------


def _insurance(ctx: Ctx, psn_no: str, insutype: str) -> sqlite3.Row:
    row = ctx.db.execute("SELECT * FROM insurances WHERE psn_no = ? AND insutype = ? AND psn_insu_stas = '1'",
                         (psn_no, insutype)).fetchone()
    if row is None:
        raise BusinessError(f"人员无有效的险种 {insutype} 参保 (not insured under {insutype})")
    return row


def _check_voucher(ctx: Ctx, node: dict, person: sqlite3.Row) -> None:
    holder = _by_voucher(ctx, field_text(node, "mdtrt_cert_type"), field_text(node, "mdtrt_cert_no"),
                         field_text(node, "card_sn", required=False) or person["card_sn"])
    if holder["psn_no"] != person["psn_no"]:
        raise BusinessError("就诊凭证与人员编号不符 (the voucher is another person's)")


def _visit(ctx: Ctx, mdtrt_id: str, psn_no: str, clr_type: str) -> sqlite3.Row:
    row = ctx.db.execute("SELECT * FROM visits WHERE mdtrt_id = ?", (mdtrt_id,)).fetchone()
    if row is None or row["psn_no"] != psn_no or row["clr_type"] != clr_type:
        raise BusinessError("就诊信息不存在 (no such visit of this person)")
    if row["status"] == "cancelled":
        raise BusinessError("就诊已撤销 (the visit was cancelled)")
    return row


def register(ctx: Ctx, given: dict) -> dict:
    node = input_node(given, "data")
    person = ctx.person(field_text(node, "psn_no"))
    insutype = field_text(node, "insutype")
    _insurance(ctx, person["psn_no"], insutype)
    _check_voucher(ctx, node, person)
    mdtrt_id = ctx.serial_id("mdtrt_id")
    ipt_otp_no = field_text(node, "ipt_otp_no")
    ctx.db.execute("INSERT INTO visits VALUES (?, ?, ?, '11', '11', ?, 'open', ?, NULL, ?, NULL)",
                   (mdtrt_id, person["psn_no"], insutype, ipt_otp_no, field_time(node, "begntime").isoformat(),
                    ctx.msgid))
    ctx.effect = {"mdtrt_id": mdtrt_id}
    return {"data": {"mdtrt_id": mdtrt_id, "psn_no": person["psn_no"], "ipt_otp_no": ipt_otp_no}}


def require_unsettled(ctx: Ctx, mdtrt_id: str) -> None:
    if ctx.db.execute("SELECT 1 FROM fees WHERE mdtrt_id = ? AND setl_id IS NOT NULL AND cancelled = 0",
                      (mdtrt_id,)).fetchone():
        raise BusinessError("就诊已有结算，请先撤销结算 (the visit has a settlement: cancel it first)")


def cancel_registration(ctx: Ctx, given: dict) -> dict:
    node = input_node(given, "data")
    person = ctx.person(field_text(node, "psn_no"))
    visit = _visit(ctx, field_text(node, "mdtrt_id"), person["psn_no"], "11")
    require_unsettled(ctx, visit["mdtrt_id"])
    ctx.db.execute("UPDATE visits SET status = 'cancelled' WHERE mdtrt_id = ?", (visit["mdtrt_id"],))
    ctx.db.execute("UPDATE fees SET cancelled = 1 WHERE mdtrt_id = ?", (visit["mdtrt_id"],))
    return {}


def visit_info(ctx: Ctx, given: dict) -> dict:
    node = input_node(given, "mdtrtinfo")
    person = ctx.person(field_text(node, "psn_no"))
    visit = _visit(ctx, field_text(node, "mdtrt_id"), person["psn_no"], "11")
    ctx.db.execute("UPDATE visits SET med_type = ? WHERE mdtrt_id = ?",
                   (field_text(node, "med_type"), visit["mdtrt_id"]))
    return {}


def _upload(ctx: Ctx, given: dict, clr_type: str) -> dict:
    lines = input_rows(given, "feedetail")
    psn_no, mdtrt_id = field_text(lines[0], "psn_no"), field_text(lines[0], "mdtrt_id")
    person = ctx.person(psn_no)
    visit = _visit(ctx, mdtrt_id, person["psn_no"], clr_type)
    if clr_type == "21" and visit["status"] not in ("admitted", "discharged"):
        raise BusinessError("未办理入院 (no admission)")
    results, seen = [], set()
    for line in lines:
        if (field_text(line, "psn_no"), field_text(line, "mdtrt_id")) != (psn_no, mdtrt_id):
            raise BusinessError("同一批明细须属于同一就诊 (one upload, one visit)")
        sn = field_text(line, "feedetl_sn")
        batch = field_text(line, "chrg_bchno") if clr_type == "11" else ctx.msgid
        if sn in seen or ctx.db.execute("SELECT 1 FROM fees WHERE mdtrt_id = ? AND feedetl_sn = ? AND cancelled = 0",
                                        (mdtrt_id, sn)).fetchone():
            raise BusinessError(f"费用明细流水号 {sn} 重复 (feedetl_sn already uploaded)")
        seen.add(sn)
        amount = field_fen(line, "det_item_fee_sumamt")
        try:
            cnt, pric = parse_decimal(line.get("cnt"), 4, "cnt"), parse_decimal(line.get("pric"), 6, "pric")
        except (TypeError, ValueError):
            raise BusinessError("数量或单价格式错误 (cnt is 16,4, pric 16,6)") from None
        if abs(cnt * pric * 100 - amount) >= 1:
            raise BusinessError(f"明细 {sn} 金额不等于数量乘单价 (amount is not cnt × pric)")
        item = catalogue.classify(field_text(line, "med_list_codg"), field_text(line, "medins_list_codg"))
        ctx.db.execute("INSERT INTO fees VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0)",
                       (mdtrt_id, sn, batch, line["med_list_codg"], line["medins_list_codg"], amount, str(cnt),
                        str(pric), item.chrgitm_lv, item.med_chrgitm_type,
                        field_time(line, "fee_ocur_time").isoformat(), ctx.msgid))
        own, first, scope = policy.Line(amount, item.chrgitm_lv).parts
        results.append({"feedetl_sn": sn, "det_item_fee_sumamt": _amount(amount), "cnt": Number(str(cnt)),
                        "pric": Number(str(pric)), "pric_uplmt_amt": Number("999999"),
                        "selfpay_prop": Number(policy.selfpay_prop(item.chrgitm_lv)),
                        "fulamt_ownpay_amt": _amount(own), "overlmt_amt": _amount(0), "preselfpay_amt": _amount(first),
                        "inscp_scp_amt": _amount(scope), "chrgitm_lv": item.chrgitm_lv,
                        "med_chrgitm_type": item.med_chrgitm_type, "bas_medn_flag": "0", "hi_nego_drug_flag": "0",
                        "drt_reim_flag": "0", "lmt_used_flag": "0"})
    ctx.effect = {"mdtrt_id": mdtrt_id}
    return {"result": results}


def upload_fees(ctx: Ctx, given: dict) -> dict:
    return _upload(ctx, given, "11")


def upload_inpatient_fees(ctx: Ctx, given: dict) -> dict:
    return _upload(ctx, given, "21")


def cancel_fees(ctx: Ctx, given: dict) -> dict:
    node = input_node(given, "data")
    person = ctx.person(field_text(node, "psn_no"))
    visit = _visit(ctx, field_text(node, "mdtrt_id"), person["psn_no"], "11")
    batch = field_text(node, "chrg_bchno")
    sql = "UPDATE fees SET cancelled = 1 WHERE mdtrt_id = ? AND setl_id IS NULL AND cancelled = 0"
    args: tuple = (visit["mdtrt_id"],)
    if batch != "0000":  # "0000": every unsettled line of the visit
        sql, args = sql + " AND chrg_bchno = ?", (*args, batch)
    if ctx.db.execute(sql, args).rowcount == 0:
        raise BusinessError("没有可撤销的未结算费用明细 (no unsettled fee lines to cancel)")
    return {}


# -- settlements ---------------------------------------------------------------------------------


def _deductible_used(ctx: Ctx, psn_no: str, insutype: str, clr_type: str, year: int) -> int:
    row = ctx.db.execute("SELECT used_fen FROM deductibles WHERE psn_no = ? AND insutype = ? AND clr_type = ? "
                         "AND year = ?", (psn_no, insutype, clr_type, year)).fetchone()
    return row["used_fen"] if row else 0


def book(ctx: Ctx, psn_no: str, insutype: str, clr_type: str, year: int, acct_fen: int, deductible_fen: int) -> None:
    """Take ``acct_fen`` from the account and add ``deductible_fen`` to the year's deductible (negative: give back)."""
    ctx.db.execute("UPDATE insurances SET balance_fen = balance_fen - ? WHERE psn_no = ? AND insutype = ?",
                   (acct_fen, psn_no, insutype))
    ctx.db.execute("INSERT INTO deductibles VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET used_fen = used_fen + ?",
                   (psn_no, insutype, clr_type, year, deductible_fen, deductible_fen))


def _setlinfo(ctx: Ctx, person: sqlite3.Row, visit: sqlite3.Row, split: policy.Split, sign: int, setl_id: str | None,
              node: dict, insurance: sqlite3.Row, clr_type: str) -> dict:
    def a(fen: int):
        return _amount(sign * fen)

    return {
        "setlinfo": {
            "mdtrt_id": visit["mdtrt_id"], "setl_id": setl_id, "psn_no": person["psn_no"],
            "psn_name": person["name"], "psn_cert_type": "01", "certno": person["certno"], "gend": person["gend"],
            "naty": "01", "brdy": person["brdy"], "insutype": visit["insutype"], "psn_type": insurance["psn_type"],
            "cvlserv_flag": "0", "setl_time": inf_time(ctx.now) if setl_id else None,
            "mdtrt_cert_type": node.get("mdtrt_cert_type"), "med_type": visit["med_type"],
            "medfee_sumamt": a(split.medfee), "fulamt_ownpay_amt": a(split.fulamt_ownpay),
            "overlmt_selfpay": a(split.overlmt_selfpay), "preselfpay_amt": a(split.preselfpay),
            "inscp_scp_amt": a(split.inscp), "act_pay_dedc": a(split.deductible), "hifp_pay": a(split.fund),
            "pool_prop_selfpay": Number("0"), "cvlserv_pay": a(0), "hifes_pay": a(0), "hifmi_pay": a(0),
            "hifob_pay": a(0), "maf_pay": a(0), "oth_pay": a(0), "fund_pay_sumamt": a(split.fund),
            "psn_part_amt": a(split.psn_part), "acct_pay": a(split.acct), "psn_cash_pay": a(split.cash),
            "hosp_part_amt": a(0), "balc": _amount(insurance["balance_fen"] - split.acct), "acct_mulaid_pay": a(0),
            "medins_setl_id": ctx.msgid, "clr_optins": person["insuplc_admdvs"], "clr_way": "1", "clr_type": clr_type,
        },
        "setldetail": [{"fund_pay_type": t, "fund_payamt": a(amount), "inscp_scp_amt": a(split.inscp),
                        "crt_payb_lmt_amt": None, "setl_proc_info": None}
                       for t, amount in ((split.fund_pay_type, split.fund), (policy.ACCOUNT_FUND_PAY_TYPE, split.acct))
                       if amount],
    }


def _settle(ctx: Ctx, given: dict, clr_type: str, commit: bool) -> dict:
    node = input_node(given, "data")
    person = ctx.person(field_text(node, "psn_no"))
    visit = _visit(ctx, field_text(node, "mdtrt_id"), person["psn_no"], clr_type)
    insutype = field_text(node, "insutype")
    if insutype != visit["insutype"]:
        raise BusinessError("险种与就诊登记不符 (insutype is not the visit's)")
    insurance = _insurance(ctx, person["psn_no"], insutype)
    _check_voucher(ctx, node, person)
    scheme = policy.SCHEMES.get((insutype, clr_type))
    if scheme is None:
        raise BusinessError(f"险种 {insutype} 不支持该结算 (no scheme for this insutype)")
    if clr_type == "11":
        where, args = "AND chrg_bchno = ?", (visit["mdtrt_id"], field_text(node, "chrg_bchno"))
    else:
        if field_text(node, "mid_setl_flag") != "1" and visit["status"] != "discharged":
            raise BusinessError("未办理出院，不能出院结算 (discharge (2402) before settling)")
        where, args = "", (visit["mdtrt_id"],)
    lines = ctx.db.execute("SELECT fee_id, amount_fen, chrgitm_lv FROM fees WHERE mdtrt_id = ? AND cancelled = 0 "
                           f"AND setl_id IS NULL {where}", args).fetchall()
    if not lines:
        raise BusinessError("没有待结算的费用明细 (no unsettled fee lines)")
    year = ctx.now.year
    split = policy.split([policy.Line(r["amount_fen"], r["chrgitm_lv"]) for r in lines], scheme,
                         _deductible_used(ctx, person["psn_no"], insutype, clr_type, year), insurance["balance_fen"],
                         field_text(node, "acct_used_flag") == "1")
    if field_fen(node, "medfee_sumamt") != split.medfee:
        raise BusinessError(f"医疗费总额与上传明细不符 (medfee_sumamt is not the lines' {fen_to_yuan(split.medfee)})")
    if commit:
        given_split = tuple(field_fen(node, n) for n in ("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
                                                      "inscp_scp_amt"))
        if given_split != (split.fulamt_ownpay, split.overlmt_selfpay, split.preselfpay, split.inscp):
            raise BusinessError("结算信息与预结算不一致，请重新预结算 (the split is not the pre-settlement's)")
    setl_id = ctx.serial_id("setl_id") if commit else None
    output = _setlinfo(ctx, person, visit, split, 1, setl_id, node, insurance, clr_type)
    if commit:
        ctx.db.executemany("UPDATE fees SET setl_id = ? WHERE fee_id = ?", [(setl_id, r["fee_id"]) for r in lines])
        ctx.db.executemany("INSERT INTO settlement_lines VALUES (?, ?)", [(setl_id, r["fee_id"]) for r in lines])
        book(ctx, person["psn_no"], insutype, clr_type, year, split.acct, split.deductible)
        ctx.db.execute("INSERT INTO settlements VALUES (?, 'settle', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "'settled', ?)",
                       (setl_id, visit["mdtrt_id"], person["psn_no"], insutype, clr_type, person["insuplc_admdvs"],
                        ctx.now.isoformat(), ctx.now.date().isoformat(), ctx.msgid, split.medfee, split.fund,
                        split.acct, split.cash, split.deductible, year, json.dumps(_plain(output))))
        ctx.effect = {"setl_id": setl_id}
    return output


def _plain(value):
    return json.loads(json.dumps(value))


def _cancel(ctx: Ctx, given: dict, clr_type: str) -> dict:
    node = input_node(given, "data")
    person = ctx.person(field_text(node, "psn_no"))
    original = ctx.db.execute("SELECT * FROM settlements WHERE setl_id = ? AND kind = 'settle'",
                              (field_text(node, "setl_id"),)).fetchone()
    if (original is None or original["psn_no"] != person["psn_no"] or original["clr_type"] != clr_type
            or original["mdtrt_id"] != field_text(node, "mdtrt_id")):
        raise BusinessError("结算信息不存在 (no such settlement of this visit and person)")
    if original["status"] != "settled":
        raise BusinessError("该结算已撤销 (the settlement was already cancelled)")
    cancel_id = ctx.serial_id("setl_id")
    book(ctx, person["psn_no"], original["insutype"], clr_type, original["year"], -original["acct_fen"],
          -original["deductible_fen"])
    ctx.db.execute("UPDATE fees SET setl_id = NULL WHERE setl_id = ?", (original["setl_id"],))
    ctx.db.execute("UPDATE settlements SET status = 'cancelled' WHERE setl_id = ?", (original["setl_id"],))
    output = json.loads(original["output"])
    info = output["setlinfo"]
    balance = ctx.db.execute("SELECT balance_fen FROM insurances WHERE psn_no = ? AND insutype = ?",
                             (person["psn_no"], original["insutype"])).fetchone()["balance_fen"]
    negated = {k: (Number(_negate(v)) if k in _AMOUNTS else Number(v) if k == "pool_prop_selfpay" else v)
               for k, v in info.items()}
    negated.update(setl_id=cancel_id, setl_time=inf_time(ctx.now), balc=_amount(balance), medins_setl_id=ctx.msgid)
    details = [{k: (Number(_negate(v)) if k in ("fund_payamt", "inscp_scp_amt") else v) for k, v in row.items()}
               for row in output["setldetail"]]
    result = {"setlinfo": negated, "setldetail": details}
    ctx.db.execute("INSERT INTO settlements VALUES (?, 'cancel', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                   "'settled', ?)",
                   (cancel_id, original["setl_id"], original["mdtrt_id"], person["psn_no"], original["insutype"],
                    clr_type, original["clr_optins"], ctx.now.isoformat(), ctx.now.date().isoformat(), ctx.msgid,
                    -original["medfee_fen"], -original["fund_fen"], -original["acct_fen"], -original["cash_fen"],
                    -original["deductible_fen"], original["year"], json.dumps(_plain(result))))
    ctx.effect = {"setl_id": cancel_id, "of": original["setl_id"]}
    return result


_AMOUNTS = frozenset({"medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
                      "act_pay_dedc", "hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay",
                      "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt",
                      "acct_mulaid_pay"})


def _negate(text: str) -> str:
    return fen_to_yuan(-yuan_to_fen(Decimal(text)))


def pre_settle(ctx: Ctx, given: dict) -> dict:
    return _settle(ctx, given, "11", commit=False)


def settle(ctx: Ctx, given: dict) -> dict:
    return _settle(ctx, given, "11", commit=True)


def cancel_settlement(ctx: Ctx, given: dict) -> dict:
    return _cancel(ctx, given, "11")


def pre_settle_inpatient(ctx: Ctx, given: dict) -> dict:
    return _settle(ctx, given, "21", commit=False)


def settle_inpatient(ctx: Ctx, given: dict) -> dict:
    return _settle(ctx, given, "21", commit=True)


def cancel_inpatient_settlement(ctx: Ctx, given: dict) -> dict:
    return _cancel(ctx, given, "21")


# -- inpatient stays ---------------------------------------------------------------------------------


def admit(ctx: Ctx, given: dict) -> dict:
    node = input_node(given, "mdtrtinfo")
    person = ctx.person(field_text(node, "psn_no"))
    insutype = field_text(node, "insutype")
    _insurance(ctx, person["psn_no"], insutype)
    _check_voucher(ctx, node, person)
    for name in ("ipt_no", "adm_dept_codg", "adm_dept_name", "atddr_no", "chfpdr_name", "adm_diag_dscr"):
        field_text(node, name)
    if ctx.db.execute("SELECT 1 FROM visits WHERE psn_no = ? AND clr_type = '21' AND status = 'admitted'",
                      (person["psn_no"],)).fetchone():
        raise BusinessError("该人员已有在院登记 (already admitted)")
    mdtrt_id = ctx.serial_id("mdtrt_id")
    ctx.db.execute("INSERT INTO visits VALUES (?, ?, ?, ?, '21', ?, 'admitted', ?, NULL, ?, NULL)",
                   (mdtrt_id, person["psn_no"], insutype, field_text(node, "med_type"), field_text(node, "ipt_no"),
                    field_time(node, "begntime").isoformat(), ctx.msgid))
    ctx.effect = {"mdtrt_id": mdtrt_id}
    return {"result": {"mdtrt_id": mdtrt_id}}


def discharge(ctx: Ctx, given: dict) -> dict:
    node = input_node(given, "dscginfo")
    person = ctx.person(field_text(node, "psn_no"))
    visit = _visit(ctx, field_text(node, "mdtrt_id"), person["psn_no"], "21")
    if visit["status"] != "admitted":
        raise BusinessError("该就诊不在院 (not in hospital)")
    field_text(node, "dscg_dept_codg")
    ctx.db.execute("UPDATE visits SET status = 'discharged', endtime = ?, dscg_msgid = ? WHERE mdtrt_id = ?",
                   (field_time(node, "endtime").isoformat(), ctx.msgid, visit["mdtrt_id"]))
    ctx.effect = {"mdtrt_id": visit["mdtrt_id"]}
    return {}
