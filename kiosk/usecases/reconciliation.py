"""Daily reconciliation: the terminal's own count of a business day against the platform's."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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
        report = DayReport()
        for entry in self.journal.done_between(midnight(day), midnight(day + timedelta(days=1))):
            result = entry.result or {}
            counted = entry_from_write(entry.kind, result.get("reference", ""), result.get("amounts", {}),
                                       result.get("channel"))
            if counted is not None:
                report.entries.append(counted)
        return report

    def __call__(self, day: date) -> Reconciliation:
        ours = self.kiosk_day(day)
        theirs = self.platform.request("GET", f"/v1/reconciliation?date={day.isoformat()}")
        return Reconciliation(day, ours.totals(), theirs["totals"], tuple(compare(ours, theirs["entries"])))
