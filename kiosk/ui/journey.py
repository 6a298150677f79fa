"""What every journey shares: the context it runs in and the way it reports problems.

A journey is a patient task started from the home screen (pay a bill,
register, ...). It owns its screens and sequences them; rules live in the use
cases, words in the screens. Work runs through ``Context.run``: the answer
comes back on the GUI thread, and is dropped if the patient has left since
(the window was cleared), so the next patient never sees it.

Problems are told apart by type: a :class:`~kiosk.domain.errors.Refusal` (or a
device's ``DeviceError``) is something the patient is told in its own words; anything
else is a bug: ``Context.run`` logs it with its traceback, and the patient sees the
generic message (``internal``: nothing was charged twice, ask staff).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from kiosk.devices.errors import DeviceError
from kiosk.domain.errors import Refusal

log = logging.getLogger("kiosk.ui.journey")

INTERNAL = "internal"


def is_refusal(error: BaseException) -> bool:
    """A problem meant for the patient (its code has words), not a bug."""
    return isinstance(error, (Refusal, DeviceError))


def error_code(error: BaseException) -> str:
    """The stable code of a problem meant for the patient; ``internal`` for a bug (which
    ``Context.run`` has logged). Never an attribute of a bug: a ``UnicodeDecodeError`` has a
    ``reason`` too."""
    if isinstance(error, Refusal):
        return error.code
    if isinstance(error, DeviceError):
        return error.reason
    return INTERNAL


def report_bug(error: BaseException, where: str) -> None:
    """Log a bug with its traceback (the handler redacts personal data)."""
    log.error("bug in %s: %s", where, type(error).__name__,
              exc_info=(type(error), error, error.__traceback__))


class Context:
    """The window, the task runner and the services, as one journey sees them."""

    def __init__(self, window, tasks, services, identification=None, payments=None):
        self.window = window
        self.tasks = tasks
        self.services = services
        self.identification = identification
        self.payments = payments
        #: code -> (label, action): the way on that ``fail`` offers for a refusal (the desk's
        #: "open your shift first" opens the shift; kiosk/ui/login.py registers them)
        self.problem_actions: dict[str, tuple[Callable[[], str], Callable[[], None]]] = {}

    @property
    def desk(self) -> bool:
        return self.services.settings.mode == "desk"

    def run(self, fn: Callable[[], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[BaseException], None] | None = None):
        generation = self.window.generation

        def success(result):
            if generation == self.window.generation:
                on_success(result)

        def failure(error):
            if is_refusal(error):
                log.info("refused: %s", error_code(error))
            else:  # logged even if the patient has left: a bug is a bug
                report_bug(error, getattr(fn, "__qualname__", "a journey's work"))
            if generation == self.window.generation:
                (on_failure or self.fail)(error)

        return self.tasks.run(fn, success, failure)

    def fail(self, error: BaseException) -> None:
        """Default: the outcome screen with a translated message and a way home (and the way on,
        when one is registered for the refusal)."""
        code = error_code(error)
        self.window.outcome.show_problem(code, self.problem_actions.get(code))
        self.window.show_screen("outcome")


class Journey(QObject):
    key = ""
    needs_identity = True
    desk_only = False

    def __init__(self, ctx: Context):
        super().__init__(ctx.window)
        self.ctx = ctx

    def title(self) -> str:
        raise NotImplementedError

    def start(self) -> None:
        """From the home button: identify first unless the journey needs no patient."""
        if self.needs_identity:
            self.ctx.identification.start(self)
        else:
            self.begin(None)

    def begin(self, session) -> None:
        raise NotImplementedError

    def forget(self) -> None:
        """The window was cleared: drop any patient data held here."""
