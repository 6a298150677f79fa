"""The rules of credit offline (pure): what may go on a patient's credit line while the credit platform does
not answer, from the signed snapshot of the account the kiosk last saw.

Only an active account with nothing overdue, whose snapshot is younger than ``max_age_s`` (and not from the
future by more than the clock's slack), never over the line the snapshot showed less what this kiosk booked
since and has not synced, up to ``txn_cap_fen`` per settlement and ``terminal_cap_fen`` of unsynced credit for
the terminal. Otherwise ``OfflineRefused`` with its code: the cashier.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.settlement import CannotUseCredit, Split

CLOCK_SLACK_S = 60  # a snapshot "from the future" by more than this: the clock moved; not trusted


class OfflineRefused(CannotUseCredit):
    """Offline, this cannot be done at the kiosk: ``code`` says why (``offline_*``)."""


@dataclass(frozen=True)
class OfflineLimits:
    """What the kiosk may promise without the platform: the snapshot's age, per payment and in all unsynced."""

    max_age_s: int = 1800
    txn_cap_fen: int = 50_000
    terminal_cap_fen: int = 300_000

    @classmethod
    def from_settings(cls, settings) -> OfflineLimits:
        return cls(settings.offline_snapshot_max_age_s, settings.offline_txn_cap_fen,
                   settings.offline_terminal_cap_fen)


def offline_split(session, visits, limits: OfflineLimits, *, now: datetime, account_unsynced_fen: int = 0,
                  terminal_unsynced_fen: int | None = None) -> Split:
    """The split of an offline credit settlement, or ``OfflineRefused``. Pure."""
    total = sum(v.total_fen for v in visits)
    fund = sum(v.fund_fen for v in visits)
    personal = sum(v.personal_fen for v in visits)
    offline_check(session, personal, limits, now=now, account_unsynced_fen=account_unsynced_fen,
                  terminal_unsynced_fen=terminal_unsynced_fen)
    return Split(total, fund, personal, personal, 0)


def offline_check(session, personal: int, limits: OfflineLimits, *, now: datetime, account_unsynced_fen: int = 0,
                  terminal_unsynced_fen: int | None = None) -> None:
    """May ``personal`` fen go on credit offline? ``OfflineRefused`` with the first rule it breaks (the account,
    its snapshot, the per-settlement cap, the line less what is unsynced, the terminal's cap). Pure."""
    _usable(session, limits, now)
    if personal > limits.txn_cap_fen:
        raise OfflineRefused("offline_over_txn_cap")
    if personal > session.account.available_fen - account_unsynced_fen:
        raise OfflineRefused("offline_over_line")
    if terminal_unsynced_fen is not None and terminal_unsynced_fen + personal > limits.terminal_cap_fen:
        raise OfflineRefused("offline_over_terminal_cap")


def _usable(session, limits: OfflineLimits, now: datetime) -> None:
    """An account, active, nothing overdue, a signed snapshot fresh enough; else ``OfflineRefused``."""
    account = session.account
    if account is None:
        raise OfflineRefused("offline_no_credit")
    if not account.active:
        raise OfflineRefused("offline_account_suspended")
    if account.overdue_fen > 0:
        raise OfflineRefused("offline_repay_first")
    age = (now - session.snapshot_at).total_seconds() if session.snapshot_at else None
    if age is None or age > limits.max_age_s or age < -CLOCK_SLACK_S:
        raise OfflineRefused("offline_snapshot_stale")


def offline_room(session, limits: OfflineLimits, *, now: datetime, account_unsynced_fen: int = 0,
                 terminal_unsynced_fen: int = 0) -> int:
    """How much of a bill may go on credit while the credit platform does not answer (the saga queues it): the
    same rules as :func:`offline_split` (an active account, nothing overdue, a fresh signed snapshot), the room
    the smallest of the line the snapshot showed less the credit queued on it since, the per-settlement cap and
    what the terminal's cap leaves. ``OfflineRefused`` when none may. Pure."""
    _usable(session, limits, now)
    account = session.account
    return max(0, min(account.available_fen - account_unsynced_fen, limits.txn_cap_fen,
                      limits.terminal_cap_fen - terminal_unsynced_fen))
