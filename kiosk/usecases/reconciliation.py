"""Daily reconciliation: the terminal's own count of a business day against the platform's."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk.domain.clock import business_date, midnight
from kiosk.domain.plan import SettlementPlan
from kiosk.domain.reconciliation import DayReport, Entry, compare, entry_from_write

#: The platform's ledger kind of a settlement saga's booking (a void of it is ``void``).
SAGA_LEDGER_KIND = {"outpatient": "settlement", "discharge": "discharge", "registration": "registration"}


@dataclass(frozen=True)
class Reconciliation:
    """The day's ledger of this terminal against the platform's, and the differences."""

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
        report.entries.extend(saga_entries(self.journal, start, end))
        return report

    def platform_day(self, day: date) -> dict:
        """The platform's count of this terminal's business day: ``{entries, totals}``."""
        return self.platform.request("GET", f"/v1/reconciliation?date={day.isoformat()}")

    def __call__(self, day: date) -> Reconciliation:
        ours = self.kiosk_day(day)
        theirs = self.platform_day(day)
        return Reconciliation(day, ours.totals(), theirs["totals"], tuple(compare(ours, theirs["entries"])))


def saga_entries(journal, start: datetime, end: datetime) -> list[Entry]:
    """The settlement sagas' bookings at the credit platform sent in [start, end) by the kiosk's clock (the
    platform's own times never need to agree with it), as its ledger counts them: the
    part on credit, the part paid now by channel and in cash; a booking voided when the saga was undone counts
    again as ``void``. A saga that booked nothing (nothing on credit) is not in the platform's ledger."""
    from offline_cache.sagas import Sagas

    sagas = Sagas(journal)
    found: list[Entry] = []
    day, last = business_date(start - timedelta(days=1)), business_date(end)
    while day <= last:
        for saga in sagas.of_day(day):
            step = "book" if saga.done("book") else "booked"  # booked: the personal part queued, booked later
            booking = saga.done(step)
            kind = SAGA_LEDGER_KIND.get(saga.kind)
            if not booking or kind is None or not booking.get("reference"):
                continue
            if not start <= saga.last(step).created_at < end:  # the kiosk's clock, as for its other writes
                continue
            plan = SettlementPlan.from_dict(saga.facts.get("settled_plan") or saga.facts["plan"])
            entry = Entry(kind, booking["reference"], credit_fen=booking.get("booked_fen") or plan.on_credit_fen,
                          channel_fen=plan.paid_now_fen, cash_fen=plan.cash_fen)
            found.append(entry)
            if saga.done("void") or saga.done("void_queued"):
                found.append(Entry("void", booking["reference"], entry.credit_fen, entry.channel_fen, entry.cash_fen))
        day += timedelta(days=1)
    return found
