"""The start's timeline, for IT (and ``docs/benchmarks.md``): milliseconds from the entry point
to the window made, its first paint, the keyring read, the services built, the home screen usable
and the platform's first answer, logged as one INFO line once the kiosk is usable and has heard
the platform (``kiosk.log``: "start-up: ..."). Marks are cheap (a clock read); only the first
mark of each name counts."""
from __future__ import annotations

import gc
import logging
import threading
import time

log = logging.getLogger("kiosk.startup")

_began = time.monotonic()
_marks: dict[str, float] = {}
_logged = False
_lock = threading.Lock()

#: The marks the line waits for before it is written.
_UNTIL = ("usable", "platform answered")


def begin() -> None:
    """The entry point: the timeline's zero."""
    global _began
    _began = time.monotonic()


def mark(name: str) -> None:
    global _logged
    with _lock:
        _marks.setdefault(name, round((time.monotonic() - _began) * 1000, 1))
        if _logged or not all(name in _marks for name in _UNTIL):
            return
        _logged = True
        line = ", ".join(f"{name} {ms:.0f} ms" for name, ms in sorted(_marks.items(), key=lambda kv: kv[1]))
    log.info("start-up: %s", line)


def collect_from_now_on(*_) -> None:
    """The start is over (the entry point disabled the collector for it): what it built stays,
    frozen out of the collector's scans, and garbage is collected again. A full collection
    then walks only what was made since: over everything the start made it took ≈40 ms, and
    on whichever thread it falls the GUI thread waits for it (``benchmarks/offline.py``)."""
    gc.freeze()
    gc.enable()
