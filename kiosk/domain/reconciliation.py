"""Daily reconciliation (对账): one terminal's business day, counted to the fen.

The kiosk counts what it wrote (from its journal); the platform counts what it
booked; ``compare`` lists every difference.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: ``void``: a booking of the settlement saga undone (its insurance settlement cancelled): money going back.
KINDS = ("registration", "registration_cancel", "settlement", "discharge", "repayment", "refund", "void")


@dataclass(frozen=True)
class Entry:
    """One confirmed write as it counts in the day's ledger: on credit, through the channel, in cash."""

    kind: str
    reference: str
    credit_fen: int = 0
    channel_fen: int = 0
    cash_fen: int = 0

    @property
    def amount_fen(self) -> int:
        return self.credit_fen + self.channel_fen + self.cash_fen


def entry_from_write(kind: str, reference: str, amounts: dict, channel: str | None = None) -> Entry | None:
    """How one confirmed write counts in the day, from the platform's answer to it.

    Writes that move no money (consent, dispute, admission...) count for nothing.
    """
    def fen(name: str) -> int:
        return int(amounts.get(name, 0) or 0)

    if kind in ("settlement", "discharge", "registration"):
        return Entry(kind, reference, credit_fen=fen("booked_fen"), channel_fen=fen("paid_fen"))
    if kind == "registration_cancel":
        return Entry(kind, reference, credit_fen=fen("returned_to_line_fen"),
                     channel_fen=fen("refunded_to_channel_fen"))
    if kind == "repayment":
        amount = fen("amount_fen")
        return Entry(kind, reference, cash_fen=amount if channel == "cash" else 0,
                     channel_fen=0 if channel == "cash" else amount)
    if kind == "refund":
        return Entry(kind, reference, credit_fen=fen("to_credit_fen"), channel_fen=fen("to_channel_fen"))
    return None


@dataclass
class Totals:
    """A kind of write's count and amounts in the day's ledger."""

    count: int = 0
    amount_fen: int = 0
    credit_fen: int = 0
    channel_fen: int = 0
    cash_fen: int = 0

    def add(self, e: Entry) -> None:
        self.count += 1
        self.amount_fen += e.amount_fen
        self.credit_fen += e.credit_fen
        self.channel_fen += e.channel_fen
        self.cash_fen += e.cash_fen

    def as_dict(self) -> dict:
        return {"count": self.count, "amount_fen": self.amount_fen, "credit_fen": self.credit_fen,
                "channel_fen": self.channel_fen, "cash_fen": self.cash_fen}


@dataclass
class DayReport:
    """The terminal's confirmed writes of one business day, totalled by kind."""

    entries: list[Entry] = field(default_factory=list)

    def totals(self) -> dict[str, dict]:
        by_kind = {kind: Totals() for kind in KINDS}
        for e in self.entries:
            by_kind.setdefault(e.kind, Totals()).add(e)
        return {kind: t.as_dict() for kind, t in by_kind.items()}


def compare(kiosk: DayReport, platform_entries: list[dict]) -> list[str]:
    """Differences, entry by entry (by reference and kind) and in the totals; empty when they agree."""
    problems = []
    ours = {(e.kind, e.reference): e for e in kiosk.entries}
    theirs = {(p["kind"], p["reference"]): p for p in platform_entries}
    for key in sorted(ours.keys() - theirs.keys()):
        problems.append(f"{key[0]} {key[1]}: on the kiosk, not on the platform")
    for key in sorted(theirs.keys() - ours.keys()):
        problems.append(f"{key[0]} {key[1]}: on the platform, not on the kiosk")
    for key in sorted(ours.keys() & theirs.keys()):
        e, p = ours[key], theirs[key]
        for name in ("credit_fen", "channel_fen", "cash_fen", "amount_fen"):
            if getattr(e, name) != p.get(name, 0):
                problems.append(f"{key[0]} {key[1]}: {name} {getattr(e, name)} here, {p.get(name, 0)} there")
    return problems
