"""3201: the day's totals, compared with the hospital's (in the message's own transaction).

Sums, for one insutype, clearing type and clearing institution (the person's insuplc_admdvs), the
settlements (2207/2304) and cancels (2208/2305, negative) over stmt_begndate..stmt_enddate
(Asia/Shanghai), reversed ones left out; ``fixmedins_setl_cnt`` is settlements minus cancels.
``stmt_rslt`` "0" when medfee_sumamt, fund_pay_sumamt, acct_pay and the count all agree with the
hospital's, "1" otherwise (``stmt_rslt_dscr`` names each difference: the platform's, the hospital's).
"""
from __future__ import annotations

from datetime import date

from kiosk.domain.insurance import fen_to_yuan
from sandbox.insurance.transactions import BusinessError, Ctx, field_fen, field_text, input_node


def day_totals(ctx: Ctx, given: dict) -> dict:
    node = input_node(given, "data")
    try:
        begin = date.fromisoformat(field_text(node, "stmt_begndate"))
        end = date.fromisoformat(field_text(node, "stmt_enddate"))
    except ValueError:
        raise BusinessError("对账日期格式应为 yyyy-MM-dd") from None
    rows = ctx.db.execute(
        "SELECT kind, medfee_fen, fund_fen, acct_fen FROM settlements WHERE insutype = ? AND clr_type = ? AND "
        "clr_optins = ? AND setl_day BETWEEN ? AND ? AND status != 'reversed'",
        (field_text(node, "insutype"), field_text(node, "clr_type"), field_text(node, "setl_optins"), begin.isoformat(),
         end.isoformat())).fetchall()
    ours = {"medfee_sumamt": sum(r["medfee_fen"] for r in rows), "fund_pay_sumamt": sum(r["fund_fen"] for r in rows),
            "acct_pay": sum(r["acct_fen"] for r in rows),
            "fixmedins_setl_cnt": sum(1 if r["kind"] == "settle" else -1 for r in rows)}
    try:
        theirs = {name: field_fen(node, name) for name in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")}
        theirs["fixmedins_setl_cnt"] = int(field_text(node, "fixmedins_setl_cnt"))
    except ValueError:
        raise BusinessError("fixmedins_setl_cnt 应为整数") from None
    differences = [f"{name}: 平台 {_show(name, ours[name])} 医院 {_show(name, theirs[name])}"
                   for name in ours if ours[name] != theirs[name]]
    return {"stmtinfo": {"setl_optins": node["setl_optins"], "stmt_rslt": "1" if differences else "0",
                         "stmt_rslt_dscr": "; ".join(differences) if differences else "对账一致 (totals agree)"}}


def _show(name: str, value: int) -> str:
    return str(value) if name == "fixmedins_setl_cnt" else fen_to_yuan(value)
