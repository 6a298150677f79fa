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

import copy
import logging
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject

from kiosk.devices.errors import DeviceError
from kiosk.domain.errors import Refusal

log = logging.getLogger("kiosk.ui.journey")

INTERNAL = "internal"

#: The way on from the outcome screen: its button's label (a callable: rendered again on a
#: language change) and what a tap does.
Action = tuple[Callable[[], str], Callable[[], None]]


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
        self.problem_actions: dict[str, Action] = {}

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
        if code == "offline_needs_platform":  # a write the credit platform must answer: what still works here
            from kiosk.ui.offline import needs_platform_code

            code = needs_platform_code(self.services)
        self.problem(code, self.problem_actions.get(code))

    def outcome(self, render: Callable[[], Any], action: Action | None = None) -> None:
        """The outcome screen with ``render()``'s texts (rendered again on a language change),
        the way home, and ``action`` (label, what it does), the way on, if any."""
        self.window.outcome.show_text(render, action)
        self.window.show_screen("outcome")

    def problem(self, code: str, action: Action | None = None) -> None:
        """The outcome screen with a problem's translated words, the way home, and ``action``."""
        self.window.outcome.show_problem(code, action)
        self.window.show_screen("outcome")

    def offer(self, key: str, label: Callable[[], str], session) -> Action | None:
        """The way on to journey ``key`` for ``session`` (its button's ``label``), or None where
        that journey is not offered here."""
        journeys = getattr(self, "journeys", {})
        if key not in journeys:
            return None
        return label, lambda: journeys[key].begin(session)


class Journey(QObject):
    """A patient task: its screens (``add_screen``), what it does, and how it ends: ``finish``
    (the outcome), ``failed`` (a use case refused or broke), ``problem`` (a refusal known
    before anything was sent), ``hand_over`` (another journey goes on with the patient)."""

    key = ""
    needs_identity = True
    desk_only = False
    #: What the journey holds of the patient besides their session, attribute -> its value when
    #: nobody is served (what ``forget`` restores).
    HOLDS: ClassVar[dict[str, Any]] = {}

    def __init__(self, ctx: Context):
        super().__init__(ctx.window)
        self.ctx = ctx
        self.screens: list = []
        self._hold_nothing()
        ctx.window.cleared.connect(self.forget)

    def _hold_nothing(self) -> None:
        self.session = None  # the PatientSession of the patient served
        for attr, empty in self.HOLDS.items():
            setattr(self, attr, copy.copy(empty))

    def add_screen(self, screen, back: str | Callable[[], None] | None = "home"):
        """``screen`` added to the window as one of this journey's. Its ``back_requested`` goes
        ``back``: to the start (``"home"``), to the screen of that name, or to a callable; None:
        the journey connects it itself."""
        window = self.ctx.window
        window.add_screen(screen)
        self.screens.append(screen)
        if back is not None and hasattr(screen, "back_requested"):
            if back == "home":
                screen.back_requested.connect(window.go_home)
            elif isinstance(back, str):
                screen.back_requested.connect(lambda: window.show_screen(back))
            else:
                screen.back_requested.connect(back)
        return screen

    def show(self, screen) -> None:
        """Show one of the journey's screens (or the shared one of that name)."""
        self.ctx.window.show_screen(screen if isinstance(screen, str) else screen.name)

    def finish(self, render: Callable[[], Any], action: Action | None = None) -> None:
        """Done: the outcome screen with ``render()``'s texts and ``action``, the way on if any."""
        self.ctx.outcome(render, action)

    def finished(self, signal, text: Callable[[Any], Any], action: Action | None = None) -> Callable[[Any], None]:
        """The ``on_success`` of a use case: its answer goes out on ``signal`` (for the tour and
        the tests), then the outcome screen shows ``text(answer)`` and ``action``."""
        def done(answer) -> None:
            signal.emit(answer)
            self.finish(lambda: text(answer), action)

        return done

    def problem(self, code: str, action: Action | None = None) -> None:
        """Not done, for a reason known here: the outcome screen says it."""
        self.ctx.problem(code, action)

    def failed(self, error: BaseException) -> None:
        """A use case refused or broke: no screen of the journey stays busy, and the outcome
        screen says why (``Context.fail``). The journey's ``on_failure`` unless it corrects
        some refusals on the spot first."""
        for screen in self.screens:
            if screen.busy:
                screen.set_busy(False)
        self.ctx.fail(error)

    def identify_another(self, on_identified: Callable[[Any], None]) -> None:
        """Someone else identifies for the patient served (a guardian who consents, a parent who
        agrees): the shared identification step, then ``on_identified(their session)``."""
        from kiosk.ui.widgets import CardStep

        if self.session is not None:
            self.ctx.identification.start(CardStep(on_identified))

    def hand_over(self, key: str, session) -> None:
        """Another journey goes on with this patient (a suspended patient's "Repay now")."""
        self.ctx.journeys[key].begin(session)

    def offers(self, key: str) -> bool:
        """Journey ``key`` is offered here (a kiosk has no desk journeys)."""
        return key in getattr(self.ctx, "journeys", {})

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
        """The window was cleared: drop any patient data held here (the session and ``HOLDS``)."""
        self._hold_nothing()
