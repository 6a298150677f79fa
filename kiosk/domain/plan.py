"""The settlement plan: how one bill is paid, computed once, from the insurance pre-settlement (issue 12).

The insurance platform's pre-settlement (2206 outpatient, 2303 inpatient; a registration's fee alike)
says the fund's part and the patient's; the credit line takes what it can of the patient's cash part;
the rest is paid now (through the hospital's payment channel, or in cash at a desk). The plan is shown
to the patient, carried through the saga (the credit hold is ``on_credit``, the booking and the HIS's
mark carry its parts) and printed on the receipt: nothing works the split out again.

Invariants, checked when a plan is made (``ValueError`` otherwise), every figure integer fen, 0 or more:

- ``total = fund + personal``: the insurance fund's part (``fund_pay_sumamt``, and whatever the hospital
  bears, ``hosp_part_amt``) and the patient's (``psn_part_amt``);
- ``personal = account + personal_cash``: the insured's personal account (``acct_pay``) and the rest
  (``psn_cash_pay``);
- ``personal_cash = on_credit + paid_now + cash``: on the credit line, paid now by phone, paid in cash.

A patient without insurance (自费) has ``fund = account = 0``.
"""
from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.models import Account
from kiosk.domain.settlement import CannotUseCredit


def _fen(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be integer fen")
    if value < 0:
        raise ValueError(f"{name} must be 0 or more")


@dataclass(frozen=True)
class SettlementPlan:
    """How a bill is paid, in fen: fund, personal account, and the personal cash part on credit, paid now through
    the channel or in cash; every part adds up."""

    total_fen: int
    fund_fen: int
    account_fen: int
    personal_cash_fen: int
    on_credit_fen: int
    paid_now_fen: int
    cash_fen: int = 0

    def __post_init__(self):
        for name in ("total_fen", "fund_fen", "account_fen", "personal_cash_fen", "on_credit_fen", "paid_now_fen",
                     "cash_fen"):
            _fen(getattr(self, name), name)
        if self.fund_fen + self.account_fen + self.personal_cash_fen != self.total_fen:
            raise ValueError("the plan does not add up: total = fund + personal, personal = account + cash part")
        if self.on_credit_fen + self.paid_now_fen + self.cash_fen != self.personal_cash_fen:
            raise ValueError("the plan does not add up: the cash part = on credit + paid now + cash")

    @property
    def personal_fen(self) -> int:
        """The patient's part: the personal account's and the rest."""
        return self.account_fen + self.personal_cash_fen

    # the names the screens and receipts knew the figures by
    @property
    def booked_fen(self) -> int:
        return self.on_credit_fen

    @property
    def shortfall_fen(self) -> int:
        return self.paid_now_fen

    def paying_in_full(self) -> SettlementPlan:
        """The same bill with nothing on credit: the cash part paid now."""
        return SettlementPlan(self.total_fen, self.fund_fen, self.account_fen, self.personal_cash_fen, 0,
                              self.personal_cash_fen - self.cash_fen, self.cash_fen)

    def as_dict(self) -> dict:
        return {"total_fen": self.total_fen, "fund_fen": self.fund_fen, "account_fen": self.account_fen,
                "personal_cash_fen": self.personal_cash_fen, "on_credit_fen": self.on_credit_fen,
                "paid_now_fen": self.paid_now_fen, "cash_fen": self.cash_fen}

    @classmethod
    def from_dict(cls, data: dict) -> SettlementPlan:
        return cls(**{k: data[k] for k in ("total_fen", "fund_fen", "account_fen", "personal_cash_fen",
                                           "on_credit_fen", "paid_now_fen", "cash_fen")})


def credit_room(account: Account | None, repay_before_reuse: bool = True) -> int:
    """How much the credit line may take now: nothing without a service; ``CannotUseCredit`` for a
    suspended service or, under "repay before reuse", a line used up or with anything overdue."""
    if account is None:
        return 0
    if account.status != "active":
        raise CannotUseCredit("account_suspended")
    if repay_before_reuse and (account.available_fen <= 0 or account.overdue_fen > 0):
        raise CannotUseCredit("repay_first")
    return max(0, account.available_fen)


def make_plan(*, total_fen: int, fund_fen: int, account_fen: int, room_fen: int, cash_fen: int = 0,
              ) -> SettlementPlan:
    """The plan of a pre-settled bill: the cash part (total less fund and account) on the credit line as far
    as ``room_fen`` reaches (less any ``cash_fen`` taken at a desk), the rest paid now."""
    personal_cash = total_fen - fund_fen - account_fen
    if personal_cash < 0:
        raise ValueError("the fund and the account pay more than the total")
    on_credit = min(max(0, personal_cash - cash_fen), room_fen)
    return SettlementPlan(total_fen, fund_fen, account_fen, personal_cash, on_credit,
                          personal_cash - cash_fen - on_credit, cash_fen)


def plan_for(*, total_fen: int, fund_fen: int, account_fen: int, account: Account | None,
             repay_before_reuse: bool = True) -> SettlementPlan:
    """:func:`make_plan` with the room the account gives (``CannotUseCredit`` when it gives none it may)."""
    return make_plan(total_fen=total_fen, fund_fen=fund_fen, account_fen=account_fen,
                     room_fen=credit_room(account, repay_before_reuse))
