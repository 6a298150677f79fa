"""Helpers of the insurance tests: the recorded messages of tests/insurance/vectors.

Each ``*.jsonc`` there starts with ``//`` lines naming where it was published; the rest is the
message's JSON text as published (numbers keep their written form: ``4.52``, ``0.0``, ``999999``).
"""
from __future__ import annotations

from pathlib import Path

VECTORS = Path(__file__).parent / "vectors"


def vector_text(name: str) -> str:
    """The JSON text of vector ``name`` (without its comment lines)."""
    lines = (VECTORS / f"{name}.jsonc").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("//"))


def vector(name: str):
    """Vector ``name`` decoded as the kiosk decodes messages (numbers as Decimal)."""
    from kiosk.domain.insurance import decode_json

    return decode_json(vector_text(name))


def published_tables() -> dict:
    import json

    return json.loads(vector_text("published_tables"))
