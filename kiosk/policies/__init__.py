"""Policy profile data files, one per city, shared by the kiosk and the sandbox."""
from __future__ import annotations

import json
from functools import cache
from importlib import resources

from kiosk.domain.policy import PolicyProfile

CITIES = ("xiamen", "hangzhou")


@cache
def load_profile(city: str) -> PolicyProfile:
    if city not in CITIES:
        raise ValueError(f"unknown policy profile {city!r}; known: {', '.join(CITIES)}")
    text = resources.files(__package__).joinpath(f"{city}.json").read_text(encoding="utf-8")
    return PolicyProfile.from_dict(json.loads(text))
