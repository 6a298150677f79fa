"""City policy profiles: score tiers, due rule, overdue rule.

A profile is data (``kiosk/policies/<city>.json``, read by both the kiosk and the
sandbox); this module only interprets it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.domain import periods
from kiosk.domain.clock import business_date, midnight


@dataclass(frozen=True)
class Tier:
    """A credit tier of a city's policy: from this score up, this credit line."""

    min_score: int  # inclusive
    line_fen: int
    value_added: bool = False


@dataclass(frozen=True)
class DueRule:
    """``days``: due at the end of the business day ``value`` days after the visit ended.
    ``hours_after_next_midnight``: ``value`` hours counted from 00:00 of the next day."""

    kind: str
    value: int

    def due_at(self, visit_end: datetime) -> datetime:
        day = business_date(visit_end)
        if self.kind == "days":
            return midnight(day + timedelta(days=self.value + 1))
        if self.kind == "hours_after_next_midnight":
            return midnight(day + timedelta(days=1)) + timedelta(hours=self.value)
        raise ValueError(f"unknown due rule {self.kind!r}")


@dataclass(frozen=True)
class OverdueRule:
    """What the nightly batch does with overdue bills (read from the profile's ``overdue``).

    ``reminder_interval_days``: one reminder per overdue bill every so many days.
    ``suspend_after_reminders``: the account is suspended once the patient was reminded this
    many times (days with a reminder) and did not pay (Xiamen 000 art. 27: 提醒催缴3次仍不履行);
    None: not by reminders. ``suspend_when_overdue``: suspended as soon as a bill is overdue
    (Hangzhou). ``dishonest_after_months`` (Hangzhou 001: 超过1个月仍欠费): listed as dishonest
    (insurance real-time settlement suspended) once a bill has been overdue for over so many
    calendar months (:meth:`dishonest_from`); ``dishonest_after_days`` the same in days (a
    profile may give either); None: never.
    """

    reminder_interval_days: int = 1
    suspend_after_reminders: int | None = None
    suspend_when_overdue: bool = False
    dishonest_after_days: int | None = None
    dishonest_after_months: int | None = None

    @classmethod
    def from_dict(cls, data: dict) -> OverdueRule:
        def opt(key: str) -> int | None:
            return int(data[key]) if data.get(key) is not None else None

        return cls(
            reminder_interval_days=max(1, int(data.get("reminder_interval_days", 1))),
            suspend_after_reminders=opt("suspend_after_reminders"),
            suspend_when_overdue=bool(data.get("suspend_when_overdue", False)),
            dishonest_after_days=opt("dishonest_after_days"),
            dishonest_after_months=opt("dishonest_after_months"),
        )

    def dishonest_from(self, due_at: datetime) -> datetime | None:
        """From when a bill due at ``due_at`` (00:00 of its first overdue day) and still unpaid
        lists its holder as dishonest; None if the rule never does. In months: the period
        starts on the first overdue day, ends on the corresponding day of the last month (that
        month's last day when it has none) at 24:00 (Civil Code arts. 201-203,
        ``kiosk.domain.periods``), and "over" it is from 00:00 of the next day. A visit ending
        on 31 January (Hangzhou): due 3 February, listed from 4 March; one ending on
        28 January: due 31 January, listed from 1 March."""
        if self.dishonest_after_months is not None:
            first_overdue_day = business_date(due_at)
            return midnight(periods.day_after(first_overdue_day, months=self.dishonest_after_months))
        if self.dishonest_after_days is not None:
            return due_at + timedelta(days=self.dishonest_after_days)
        return None


@dataclass(frozen=True)
class PolicyProfile:
    """A city's credit-care rules (the seeds): score tiers, when bills fall due, what overdue leads to, adult
    age, dispute answer time."""

    city: str
    name: str
    score_name: str
    tiers: tuple[Tier, ...]
    due: DueRule
    overdue: dict
    repay_before_reuse: bool = True
    adult_age: int = 18
    dispute_answer_working_days: int = 5

    @property
    def overdue_rule(self) -> OverdueRule:
        return OverdueRule.from_dict(self.overdue)

    @property
    def lowest_open_score(self) -> int | None:
        """The lowest score that gives a line > 0 (None: no tier has a line)."""
        for tier in self.tiers:
            if tier.line_fen > 0:
                return tier.min_score
        return None

    def tier_index(self, score: int) -> int:
        """1-based index of the score's tier; 0 below the lowest tier."""
        tier = self.tier_for(score)
        return self.tiers.index(tier) + 1 if tier else 0

    @classmethod
    def from_dict(cls, data: dict) -> PolicyProfile:
        tiers = tuple(sorted((Tier(**t) for t in data["tiers"]), key=lambda t: t.min_score))
        if not tiers:
            raise ValueError("a profile needs at least one tier")
        return cls(
            city=data["city"],
            name=data["name"],
            score_name=data["score_name"],
            tiers=tiers,
            due=DueRule(**data["due"]),
            overdue=dict(data.get("overdue", {})),
            repay_before_reuse=bool(data.get("repay_before_reuse", True)),
            adult_age=int(data.get("adult_age", 18)),
            dispute_answer_working_days=int(data.get("dispute_answer_working_days", 5)),
        )

    def tier_for(self, score: int) -> Tier | None:
        """The highest tier whose floor the score reaches; None below the lowest."""
        found = None
        for tier in self.tiers:
            if score >= tier.min_score:
                found = tier
        return found

    def line_for(self, score: int) -> int:
        tier = self.tier_for(score)
        return tier.line_fen if tier else 0
