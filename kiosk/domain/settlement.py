"""How a bill is split between the insurance fund, the credit line and the spot payment."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.domain.age import is_adult_on
from kiosk.domain.errors import Refusal
from kiosk.domain.models import Account, Patient


class CannotUseCredit(Refusal):
    """``code``: account_suspended | repay_first | guardian_line_ended (offline: ``offline_*``)."""

    def __init__(self, code: str):
        super().__init__(code)


@dataclass(frozen=True)
class Split:
    """A bill split: the fund's part and the personal part, which goes on the credit line (booked) and any
    shortfall paid now."""

    total_fen: int
    fund_fen: int
    personal_fen: int
    booked_fen: int  # on the credit line
    shortfall_fen: int  # paid on the spot through the payment channel

    def __post_init__(self):
        if self.fund_fen + self.personal_fen != self.total_fen:
            raise ValueError("fund and personal parts must add up to the total")
        if self.booked_fen + self.shortfall_fen != self.personal_fen or min(self.booked_fen, self.shortfall_fen) < 0:
            raise ValueError("booked and shortfall must add up to the personal part")


def guardian_line_ended(patient: Patient, account: Account | None, today: date) -> bool:
    """The patient may no longer settle on a guardian's credit line: they have come of age
    (``kiosk.domain.age``: from the 18th birthday itself, on the business date ``today``).

    With no account, the platform says so (the lookup's ``guardian_line_ended``). A patient it
    called a minor on the guardian's account (a look-up before midnight) who is an adult
    ``today`` has left the line too. An adult with their own account has not: it is theirs."""
    if account is None:
        return patient.guardian_line_ended
    return patient.is_minor and patient.guardian_patient_id is not None and is_adult_on(patient.birth_date, today)


def split_bill(total_fen: int, fund_fen: int, personal_fen: int, account: Account | None,
               repay_before_reuse: bool = True) -> Split:
    """The personal part goes on the line as far as it reaches; the rest is paid on the spot.

    No credit service: everything personal is paid on the spot. A suspended
    service cannot be used at all; with "repay before reuse", neither can a
    line that is used up or has anything overdue.
    """
    if account is None:
        return Split(total_fen, fund_fen, personal_fen, 0, personal_fen)
    if account.status != "active":
        raise CannotUseCredit("account_suspended")
    if repay_before_reuse and (account.available_fen <= 0 or account.overdue_fen > 0):
        raise CannotUseCredit("repay_first")
    booked = min(personal_fen, account.available_fen)
    return Split(total_fen, fund_fen, personal_fen, booked, personal_fen - booked)


def split_visits(visits, account: Account | None, repay_before_reuse: bool = True) -> Split:
    return split_bill(sum(v.total_fen for v in visits), sum(v.fund_fen for v in visits),
                      sum(v.personal_fen for v in visits), account, repay_before_reuse)
