"""Start-up and wiring: the window first, the services after its first paint."""
from __future__ import annotations

import logging
from collections.abc import MutableMapping
from datetime import UTC
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from kiosk import startup
from kiosk.devices.qt import DeviceBridge
from kiosk.settings import Settings
from kiosk.ui.i18n import Languages
from kiosk.ui.main_window import MainWindow
from kiosk.ui.tasks import TaskRunner
from kiosk.ui.theme import stylesheet, use_screen, window_size

log = logging.getLogger("kiosk.app")


class Journeys(MutableMapping):
    """``key -> Journey`` for the home screen's journeys, each built (its module imported,
    its screens made) on first use: by ``build_next`` in the idle turns after the home screen
    is usable, or at once when a button or another journey asks first. ``key in journeys``
    is true for every journey offered, built or not. ``entries``: the journeys offered
    (``kiosk.ui.journeys.JourneyEntry``: key, title, where the class is)."""

    def __init__(self, ctx, entries):
        self._ctx = ctx
        self._entries = {entry.key: entry for entry in entries}
        self._built: dict = {}

    def __getitem__(self, key: str):
        journey = self._built.get(key)
        if journey is None:
            journey = self._built[key] = self._entries[key].load()(self._ctx)
        return journey

    def __setitem__(self, key: str, journey) -> None:
        self._entries.setdefault(key, _Built(type(journey)))
        self._built[key] = journey

    def __delitem__(self, key: str) -> None:
        del self._entries[key]
        self._built.pop(key, None)

    def __iter__(self):
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def is_built(self, key: str) -> bool:
        return key in self._built

    def build_next(self) -> bool:
        """Build the next journey not built yet; False when all are."""
        for key in self._entries:
            if key not in self._built:
                self[key]  # builds it
                return True
        return False

    def lazy(self, key: str):
        """A stand-in for the journey that builds it on the first call of any of its methods."""
        return _LazyJourney(self, key)


class _Built:
    """The entry of a journey put in by hand (``journeys[key] = journey``)."""

    def __init__(self, cls: type):
        self._cls = cls

    def load(self) -> type:
        return self._cls


class _LazyJourney:
    def __init__(self, journeys: Journeys, key: str):
        self.key = key
        self._journeys = journeys

    def __getattr__(self, name: str):
        return getattr(self._journeys[self.key], name)


class KioskApp(QObject):
    """Owns the window, the task runner and, once booted, the services.

    ``usable``: the home screen's journey buttons are enabled (the services are built; the
    journeys themselves are built in the idle turns that follow, or on a tap). ``ready``:
    everything is built; ``warmed``: then the printing code loaded on a worker too."""

    usable = Signal()
    ready = Signal()
    warmed = Signal()  # after ready: the printing code and its font loaded (the first receipt pays nothing)
    boot_failed = Signal(str)

    def __init__(self, settings: Settings, *, secret: bytes | None = None, boot: bool = True):
        self.qapp = QApplication.instance() or QApplication([])
        super().__init__()
        self.settings = settings
        self.languages = Languages(self.qapp)
        self.languages.set(settings.language)  # before any widget exists
        self.qapp.setStyleSheet(stylesheet("kiosk", use_screen(settings)))  # sizes for this screen, then the look
        self.tasks = TaskRunner(parent=self)
        self.bridge = DeviceBridge(self)
        self.window = MainWindow(settings)
        self.window.home.language = self.languages.current
        self.window.home.language_toggled.connect(self.toggle_language)
        self._kiosk_shell(settings)
        self.services = None
        self.ctx = None  # the journeys' context, once booted
        self._secret = secret  # tests and the demo hand it in; otherwise the keyring
        self._closing = False
        self._unowned = None  # services built on the worker, not yet taken by _booted
        self._boot_finished = False  # _finish_boot has run
        self.heartbeat = None  # fleet health reports (kiosk/heartbeat.py), once booted
        self.sync_bridge = None  # the sync engine's status to the offline banner, once booting
        self._started_at = _started_at()
        if boot:
            self.window.first_paint.connect(lambda: QTimer.singleShot(0, self._boot))

    def _kiosk_shell(self, settings: Settings) -> None:
        """Lockdown (kiosk mode, full screen) before the window shows; elderly mode and the
        idle notices right after the first paint (``_comforts``); the desk's login comes with
        the services (ui/lockdown.py, ui/elderly.py, ui/notices.py, ui/login.py)."""
        self.lockdown = self.notices = self.desk_login = self.it_exit = self.elderly = self.voice = None
        kiosk_mode = settings.mode == "kiosk"
        if kiosk_mode and settings.full_screen:
            from kiosk.ui.lockdown import Lockdown

            self.lockdown = Lockdown(self.window, touch_screen=settings.touch_screen)
        self.window.home.elderly_button.setVisible(kiosk_mode)  # for patients, not at the desk
        self.window.first_paint.connect(self._comforts)

    def _comforts(self) -> None:
        from kiosk.ui.elderly import ElderlyMode, SpokenSteps

        settings = self.settings
        self.elderly = ElderlyMode(self.window, settings, self.languages)
        self.voice = SpokenSteps(self.window, settings, self.languages)
        if settings.mode == "kiosk" and settings.notices_after_s:
            from kiosk.ui.notices import Notices

            self.notices = Notices(self.window, settings)
            self.notices.shown.connect(lambda: self.elderly.set(False))  # the next patient starts afresh

    def _build_services(self):
        from kiosk.services import build_services

        startup.mark("services begun")
        services = self._unowned = build_services(self.settings, self.bridge.deliver, secret=self._secret,
                                                  sync_listener=self.sync_bridge.deliver)
        startup.mark("services built")
        return services

    def show(self) -> None:
        if self.settings.full_screen:
            self.window.showFullScreen()
        else:
            self.window.resize(*window_size(self.settings))
            self.window.show()

    def toggle_language(self) -> None:
        self.window.home.language = self.languages.toggle()
        self.window.home.retranslate()

    # -- boot ---------------------------------------------------------------
    def _boot(self) -> None:
        from kiosk.ui.offline import SyncBridge

        if self._closing:  # shut down before the first paint's turn came
            return
        startup.mark("first paint")

        # The offline banner hears the sync engine, whose thread the services start as soon
        # as they can (the platform's first answer is then not left for after the start).
        self.sync_bridge = SyncBridge(self)
        self.sync_bridge.status.connect(self.window.offline_banner.show_status)
        self.sync_bridge.status.connect(_platform_heard)
        self.tasks.run(self._build_services, self._booted, self._boot_error)
        self._prepare_screens()  # meanwhile, here: what needs no service

    def _prepare_screens(self) -> None:
        """While a worker builds the services: the journey buttons, labelled but disabled until the
        services are ready (their layout and fonts are then paid before the patient can tap, not
        after). The shared screens come after the usable frame (``_finish_boot``)."""
        from kiosk.ui.journeys import journey_entries

        w = self.window
        # Labelled from kiosk.ui.journeys: the journeys' own modules load after the kiosk is usable.
        self._journey_entries = journey_entries(self.settings.mode)
        for entry in self._journey_entries:
            w.home.add_journey(entry.key, entry.title, partial(self._start_journey, entry.key)).setEnabled(False)

    def _shared_screens(self) -> None:
        """The screens every journey uses: identification, outcome, payment."""
        from kiosk.domain.media import media_for
        from kiosk.ui.identify import IdentifyScreen
        from kiosk.ui.outcome import OutcomeScreen
        from kiosk.ui.payment import PaymentScreen

        w = self.window
        s = self.settings
        w.add_screen(IdentifyScreen(desk_mode=s.mode == "desk",
                                    media=media_for(s.id_reader, s.sscard_reader, s.scanner)))
        w.add_screen(OutcomeScreen()).done_requested.connect(w.go_home)
        w.add_screen(PaymentScreen(training=not self.settings.platform_url))  # the embedded sandbox: training

    def _start_journey(self, key: str, *_checked) -> None:
        """A journey button tapped (enabled once the services are ready): the start finished first
        if the tap came before its turn, then the journey, built now if the idle turns have not
        built it yet. (``clicked`` may add its ``checked``.)"""
        from kiosk.ui.offline import offline_guard

        if self.ctx is not None:
            self._finish_boot()
            offline_guard(self.ctx, self.ctx.journeys.lazy(key))()

    def _booted(self, services) -> None:
        """The services are built: the journey buttons enabled and painted (``usable``); the rest
        of the start in the next turn of the event loop, or at once if a tap comes first (at the
        desk, before the buttons: the cashier logs in first)."""
        from kiosk.ui.journey import Context

        if self._closing:  # shut down while they were built: shutdown() closed them
            return
        self._unowned = None
        self.services = services
        w = self.window
        ctx = self.ctx = Context(w, self.tasks, services)
        ctx.journeys = Journeys(ctx, self._journey_entries)  # each built on first use, or in the idle turns
        for button in w.home.buttons.values():
            button.setEnabled(True)
        w.home.set_ready(True)
        if self.settings.mode == "desk":
            self._finish_boot()
        self.usable.emit()
        startup.mark("usable")
        # The usable frame now: a repaint is a low-priority event, which the idle turns
        # below would otherwise come before.
        self.window.repaint()
        QTimer.singleShot(0, self._finish_boot)

    def _finish_boot(self) -> None:
        """The rest of the start (once): the shared screens, identification and payments, the
        devices, the status bar's printer, the desk's login, IT's exit, the idle notices, the
        recovery of unfinished work and the heartbeat; then the journeys in the idle turns."""
        from kiosk.ui.identification import Identification
        from kiosk.ui.payment import Payments

        if self._boot_finished or self.services is None or self._closing:
            return
        self._boot_finished = True
        services, ctx, w = self.services, self.ctx, self.window
        self._shared_screens()
        w.cleared.connect(self._patients_left)
        ctx.identification = Identification(ctx, self)
        ctx.payments = Payments(ctx, self)
        self.bridge.event.connect(ctx.identification.on_device_event)
        self.bridge.state_changed.connect(self._device_state_changed)
        for role in services.training_cards:
            w.identify.add_training_card(role)
        w.identify.training_card_tapped.connect(self._present_training_card)
        services.reader.start()
        self._device_state_changed()
        w.services_ready(services, self.tasks)  # the status bar's printer, the icons
        if self.settings.mode == "desk":
            from kiosk.ui.login import DeskLogin

            self.desk_login = ctx.desk_login = DeskLogin(ctx, self.settings.operator_idle_s)
            self.desk_login.start()
        if self.lockdown is not None:
            from kiosk.ui.lockdown import ItExit

            self.it_exit = ItExit(ctx, self.lockdown)
        if self.notices is not None:
            self.notices.start()
        self.tasks.run(services.recover, self._recovered, lambda e: log.warning("recovery failed: %s", e))
        from kiosk.heartbeat import start_heartbeat

        self.heartbeat = start_heartbeat(services, self.settings, started_at=self._started_at)
        from kiosk.ui.kit import start_touch_scrolling

        QTimer.singleShot(0, start_touch_scrolling)
        QTimer.singleShot(0, self._warm_use_cases)
        QTimer.singleShot(0, self._build_journeys)

    def _warm_use_cases(self) -> None:
        """After the usable frame, on a worker: the journeys' use cases (else built on first use)."""
        if self.services is not None and not self._closing:
            self.tasks.run(self.services.warm_use_cases, lambda _none: None,
                           lambda e: log.warning("use cases not built ahead: %s", e))

    def _build_journeys(self) -> None:
        """After the usable frame, one journey (its screens) per turn of the event loop, so a
        tap in between is served at once; then ``ready``, and the printing code and its font
        warmed on a worker (the first receipt should not pay for them)."""
        if self.services is None:  # shut down meanwhile
            return
        if self.ctx.journeys.build_next():
            QTimer.singleShot(0, self._build_journeys)
            return
        from kiosk.services import warm_printing

        self.tasks.run(partial(warm_printing, self.services), self._warmed, self._warmed)
        self.ready.emit()

    def _warmed(self, failure) -> None:
        if isinstance(failure, BaseException):
            log.warning("printing warm-up failed: %s", failure)
        self.warmed.emit()

    def _patients_left(self) -> None:
        """The window cleared for the next patient: the platform ends their patient sessions
        (on a worker; unanswered, they end by themselves)."""
        if self.services is None:
            return
        try:
            self.tasks.run(self.services.platform.end_patient_sessions, lambda _count: None,
                           lambda error: log.info("patient sessions left to expire: %s", type(error).__name__))
        except RuntimeError:  # shutting down: the pool is closed
            pass

    def _present_training_card(self, role: str) -> None:
        """A training card tapped: its card laid on the simulated reader."""
        card = self.services.training_cards.get(role) if self.services is not None else None
        if card is not None:
            self.services.reader.present(card)

    def _device_state_changed(self, device: str = "") -> None:
        """A device lost or back: the notice on the window, the training cards, and IT at once."""
        if self.services is None:
            return
        statuses = self.services.reader.status()
        self.window.device_notice.show_status(statuses)
        self.window.identify.set_training_enabled(
            all(s.state != "lost" for s in statuses if s.name == "id-reader"))
        if self.heartbeat is not None and device:  # a change, not the first look at start-up
            self.heartbeat.beat_now()

    def _boot_error(self, error: BaseException) -> None:
        from kiosk.ui.messages import startup_problem

        log.error("start-up failed", exc_info=error)
        self.window.home.show_problem(lambda: startup_problem(error))
        self.boot_failed.emit(type(error).__name__)

    def _recovered(self, report) -> None:
        if report.completed or report.refused:
            log.info("completed %d pending settlements at start", len(report.completed))

    def shutdown(self) -> None:
        self.languages.set("en")  # removes our translators from the (shared) application
        if self.heartbeat is not None:
            self.heartbeat.stop()
            self.heartbeat = None
        for part in (self.lockdown, self.notices, self.desk_login):
            if part is not None:
                part.shutdown()
        if self.voice is not None:
            self.voice.close()
        self._closing = True
        self.tasks.shutdown()  # waits for services still being built
        if self._unowned is not None:  # built, never booted (their sync thread already runs)
            self._unowned.close()
            self._unowned = None
        if self.services is not None:
            self.services.close()
            self.services = None
        self.window.close()


def _platform_heard(status) -> None:
    if status.online:
        startup.mark("platform answered")


def _started_at():
    from datetime import datetime

    return datetime.now(UTC).astimezone()
