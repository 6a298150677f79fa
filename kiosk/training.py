"""The demo cards offered on the identify screen while the ID reader is simulated.

One card per demo patient (``sandbox.demo_data``: the same patients whether the
sandbox runs embedded or in its own process), in the order of the demo data, and
a damaged one: the tier-1 card with a wrong check digit, which a reader reports
as unreadable. Staff train on every path a card can take, by touch.
"""
from __future__ import annotations

from dataclasses import replace

from kiosk.devices.events import IdCard

DAMAGED = "damaged"


def demo_cards() -> dict[str, IdCard]:
    """Role -> card, in the demo data's order, then the damaged card."""
    from sandbox.demo_data import DEMO_PATIENTS, demo_card

    cards = {p["role"]: IdCard(**demo_card(p["role"])) for p in DEMO_PATIENTS}
    cards[DAMAGED] = damaged(cards["tier1"])
    return cards


def damaged(card: IdCard) -> IdCard:
    """The same card with its check digit wrong (what a damaged chip reads like)."""
    last = card.id_number[-1]
    return replace(card, id_number=card.id_number[:-1] + ("0" if last != "0" else "1"))
