"""Write the platform API's OpenAPI document to ``docs/platform-api.json``.

Run ``python -m sandbox.openapi`` after changing the API; ``tests/test_api_contract.py``
fails while the committed document differs from what the code serves.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from sandbox.app import create_app
from sandbox.store import Store

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "platform-api.json"


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def current_schema() -> dict:
    """The OpenAPI document of a freshly created app (independent of the data)."""
    with Store(":memory:") as store:
        return create_app(store).openapi()


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0]) if argv else DOC_PATH
    target.write_text(render(current_schema()), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
