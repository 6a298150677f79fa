"""The insurance port's msgids from a counter the kiosk stores (issue 12).

A msgid is ``fixmedins_code`` (12) + ``yyyyMMddHHmmss`` (Asia/Shanghai) + a 4-digit sequence
(``kiosk.domain.insurance.make_msgid``), unique per message: the insurance platform refuses a msgid used
before, whatever became of the first message, and 2601 names a lost message by it. The sequence is the
journal's counter ``insurance_msgid`` (``offline_cache.journal.Journal.next_in``: committed before it is
handed out), so a restarted kiosk never numbers a message as one it sent before; the saga journals each
msgid before its call. Terminals of one hospital share its ``fixmedins_code``: each terminal's counter
starts at a point of its own (from its id), so two kiosks sending in the same second do not meet at the
same number unless one of them sent thousands in between (the platform would refuse the second; the saga
sends it again under a new msgid).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from kiosk.domain import clock as business_clock
from kiosk.domain.insurance import MSGID_SEQUENCE_MODULUS, make_msgid

COUNTER = "insurance_msgid"


def terminal_start(terminal_id: str) -> int:
    """Where a terminal's sequence starts: spread over the 10,000 numbers by its id."""
    return int.from_bytes(hashlib.sha256(terminal_id.encode()).digest()[:4], "big") % MSGID_SEQUENCE_MODULUS


class Msgids:
    """``Msgids(journal, fixmedins_code, terminal_id)()`` → the next msgid, its sequence stored first."""

    def __init__(self, journal, fixmedins_code: str, terminal_id: str,
                 clock: Callable[[], datetime] = business_clock.now):
        self.journal = journal
        self.fixmedins_code = fixmedins_code
        self.start = terminal_start(terminal_id)
        self.clock = clock

    def __call__(self) -> str:
        return make_msgid(self.fixmedins_code, self.clock(), self.journal.next_in(COUNTER, self.start))
