"""What a patient (or a cashier) may be told, as one type.

A :class:`Refusal` is an expected "no": an ID number that fails its check digit, a
suspended account, a platform that refused or did not answer. Its ``code`` is stable
snake_case that ``kiosk.ui.messages`` turns into translated words with what to do next;
``details`` carries what the screen may need beyond the code (an amount owed, a version).

The UI tells refusals from bugs by type (``isinstance(error, Refusal)``), never by looking
for a ``code`` attribute: anything else that escapes a use case is a bug, logged with its
traceback and shown as the generic "something went wrong" message.
"""
from __future__ import annotations


class Refusal(Exception):
    """An expected refusal with a stable ``code`` (a key of ``kiosk.ui.messages``)."""

    def __init__(self, code: str, message: str = "", **details):
        super().__init__(message or code)
        self.code = code
        self.details = details

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r})"
