"""City policy profiles: score tiers, due rule, overdue rule.

A profile is data (``kiosk/policies/<city>.json``, read by both the kiosk and the
sandbox); this module only interprets it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.domain.clock import business_date, midnight


@dataclass(frozen=True)
class Tier:
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
class PolicyProfile:
    city: str
    name: str
    score_name: str
    tiers: tuple[Tier, ...]
    due: DueRule
    overdue: dict
    repay_before_reuse: bool = True
    adult_age: int = 18

    @classmethod
    def from_dict(cls, data: dict) -> "PolicyProfile":
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
