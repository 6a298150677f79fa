"""2601: the reversal of a message whose answer was lost, by its msgid (in the message's own
transaction, as every transaction of ``sandbox.insurance.transactions``).

It undoes a settlement (2207/2304: the fees unsettled, the account and the year's deductible given
back), a cancel (2208/2305: the settlement stands again, unless its fees were settled anew or
cancelled since), an admission or registration (2401/2201: the visit cancelled, unless settled), a
discharge (2402) and a fee upload (2204/2301, unless settled). A message that never arrived, or was
refused, has nothing to undo: success, output empty. A message already reversed: success again.
``oinfno`` or ``psn_no`` not those of the message: refused. A read (1101, 2206, 2303, 3201) changed
nothing: success. Other writes (2202, 2203, 2205, 9001, 9002) are not reversed: send the opposite
transaction. (docs/integration.md says the same.)
"""
from __future__ import annotations

import json

from kiosk.domain.insurance import REVERSIBLE
from sandbox.insurance.transactions import BusinessError, Ctx, book, field_text, input_node, require_unsettled


def reverse(ctx: Ctx, given: dict) -> dict:
    node = input_node(given, "data")
    person = ctx.person(field_text(node, "psn_no"))
    omsgid, oinfno = field_text(node, "omsgid"), field_text(node, "oinfno")
    original = ctx.db.execute("SELECT * FROM messages WHERE msgid = ?", (omsgid,)).fetchone()
    if original is None or original["status"] in ("refused", "reversed"):
        return {}  # never arrived, refused or already undone: nothing to undo
    if original["infno"] != oinfno:
        raise BusinessError("原交易编号与原报文不符 (oinfno is not the message's)")
    if original["psn_no"] != person["psn_no"]:
        raise BusinessError("原报文不属于该人员 (the message is another person's)")
    if oinfno not in REVERSIBLE:
        if oinfno in ("1101", "2206", "2303", "3201"):
            return {}  # a read changed nothing
        raise BusinessError(f"交易 {oinfno} 不能冲正，请做反向交易 (not reversible: send the opposite transaction)")
    effect = json.loads(original["effect"] or "{}")
    UNDO[oinfno](ctx, effect, omsgid)
    ctx.db.execute("UPDATE messages SET status = 'reversed', reversed_by = ? WHERE msgid = ?", (ctx.msgid, omsgid))
    return {}


def _undo_visit(ctx: Ctx, effect: dict, omsgid: str) -> None:
    require_unsettled(ctx, effect["mdtrt_id"])
    ctx.db.execute("UPDATE visits SET status = 'cancelled' WHERE mdtrt_id = ?", (effect["mdtrt_id"],))
    ctx.db.execute("UPDATE fees SET cancelled = 1 WHERE mdtrt_id = ?", (effect["mdtrt_id"],))


def _undo_discharge(ctx: Ctx, effect: dict, omsgid: str) -> None:
    require_unsettled(ctx, effect["mdtrt_id"])
    ctx.db.execute("UPDATE visits SET status = 'admitted', endtime = NULL WHERE mdtrt_id = ?", (effect["mdtrt_id"],))


def _undo_upload(ctx: Ctx, effect: dict, omsgid: str) -> None:
    if ctx.db.execute("SELECT 1 FROM fees WHERE msgid = ? AND setl_id IS NOT NULL", (omsgid,)).fetchone():
        raise BusinessError("明细已结算，请先撤销结算 (the lines are settled: cancel the settlement first)")
    ctx.db.execute("UPDATE fees SET cancelled = 1 WHERE msgid = ?", (omsgid,))


def _undo_settlement(ctx: Ctx, effect: dict, omsgid: str) -> None:
    row = ctx.db.execute("SELECT * FROM settlements WHERE setl_id = ?", (effect["setl_id"],)).fetchone()
    if row["status"] != "settled":
        raise BusinessError("该结算已撤销，请先冲正撤销交易 (cancelled: reverse the cancel first)")
    book(ctx, row["psn_no"], row["insutype"], row["clr_type"], row["year"], -row["acct_fen"], -row["deductible_fen"])
    ctx.db.execute("UPDATE fees SET setl_id = NULL WHERE setl_id = ?", (row["setl_id"],))
    ctx.db.execute("UPDATE settlements SET status = 'reversed' WHERE setl_id = ?", (row["setl_id"],))


def _undo_cancel(ctx: Ctx, effect: dict, omsgid: str) -> None:
    cancel = ctx.db.execute("SELECT * FROM settlements WHERE setl_id = ?", (effect["setl_id"],)).fetchone()
    original = ctx.db.execute("SELECT * FROM settlements WHERE setl_id = ?", (effect["of"],)).fetchone()
    lines = ctx.db.execute("SELECT f.fee_id, f.setl_id, f.cancelled FROM settlement_lines s JOIN fees f "
                           "ON f.fee_id = s.fee_id WHERE s.setl_id = ?", (original["setl_id"],)).fetchall()
    if any(r["setl_id"] is not None or r["cancelled"] for r in lines):
        raise BusinessError("费用已重新结算或已撤销，不能冲正撤销 (the lines changed since the cancel)")
    book(ctx, original["psn_no"], original["insutype"], original["clr_type"], original["year"], original["acct_fen"],
          original["deductible_fen"])
    ctx.db.executemany("UPDATE fees SET setl_id = ? WHERE fee_id = ?",
                       [(original["setl_id"], r["fee_id"]) for r in lines])
    ctx.db.execute("UPDATE settlements SET status = 'settled' WHERE setl_id = ?", (original["setl_id"],))
    ctx.db.execute("UPDATE settlements SET status = 'reversed' WHERE setl_id = ?", (cancel["setl_id"],))


UNDO = {"2201": _undo_visit, "2401": _undo_visit, "2402": _undo_discharge, "2204": _undo_upload,
        "2301": _undo_upload, "2207": _undo_settlement, "2304": _undo_settlement, "2208": _undo_cancel,
        "2305": _undo_cancel}
