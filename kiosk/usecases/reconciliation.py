"""Daily reconciliation: the terminal's own count of a business day against the platform's."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk.domain.clock import midnight
from kiosk.domain.reconciliation import DayReport, compare, entry_from_write


@dataclass(frozen=True)
class Reconciliation:
    day: date
    kiosk: dict  # totals by kind
    platform: dict  # totals by kind
    differences: tuple[str, ...]

    @property
    def agrees(self) -> bool:
        return not self.differences


class Reconcile:
    def __init__(self, platform, journal):
        self.platform = platform
        self.journal = journal

    def kiosk_day(self, day: date) -> DayReport:
        return self.kiosk_between(midnight(day), midnight(day + timedelta(days=1)))

    def kiosk_between(self, start: datetime, end: datetime) -> DayReport:
        """What the kiosk wrote and the platform confirmed in [start, end) (a day, a shift)."""
        report = DayReport()
        for entry in self.journal.done_between(start, end):
            result = entry.result or {}
            counted = entry_from_write(entry.kind, result.get("reference", ""), result.get("amounts", {}),
                                       result.get("channel"))
            if counted is not None:
                report.entries.append(counted)
        return report

    def platform_day(self, day: date) -> dict:
        """The platform's count of this terminal's business day: ``{entries, totals}``."""
        return self.platform.request("GET", f"/v1/reconciliation?date={day.isoformat()}")

    def __call__(self, day: date) -> Reconciliation:
        ours = self.kiosk_day(day)
        theirs = self.platform_day(day)
        return Reconciliation(day, ours.totals(), theirs["totals"], tuple(compare(ours, theirs["entries"])))
