"""What every driver shares: one worker thread, a live state, events to a listener."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kiosk.devices.events import DeviceBack, DeviceLost

STARTING, READY, LOST, STOPPED = "starting", "ready", "lost", "stopped"


class DeviceWorker:
    """Base of the drivers and simulators: ``_run`` is the body of the device's own thread.

    ``state`` is ``starting`` until the device first answers, then ``ready`` or
    ``lost``; ``DeviceLost`` and ``DeviceBack`` go to the listener on each change
    (the first answer after start-up is not a "back"). ``problem`` says why a
    device is lost, in words for IT staff. All I/O happens on the worker thread;
    the public methods only set flags.

    A worker that ends on its own (an exception escaping ``_run``: a bug) leaves the
    device lost with ``failure`` saying why; the device manager's supervisor
    (``kiosk.devices.supervisor``) then calls ``restart``: a new thread, and the state
    stays ``lost`` until the device answers again, which gives ``DeviceBack``.
    """

    kind = "device"
    simulated = False
    supervised = True  # restarted by the supervisor when its thread dies

    def __init__(self, name: str, listener: Callable[[object], None]):
        self.name = name
        self.listener = listener
        self.state = STARTING
        self.problem = ""
        self.failure = ""  # why the worker last ended on its own ("" while it runs as asked)
        self.log = logging.getLogger(f"kiosk.devices.{name}")
        self._stop = threading.Event()
        self._state_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker thread (again, after ``halt`` or a failure)."""
        if self.running:
            return
        self._stop.clear()
        self.failure = ""
        self._thread = threading.Thread(target=self._guarded_run, name=f"device-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.halt(timeout)
        self.state = STOPPED

    def halt(self, timeout: float = 5.0) -> None:
        """End the worker thread but keep the state (a restart follows)."""
        self._stop.set()
        self._wake()
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout=timeout)

    def restart(self) -> None:
        """A new worker thread after a failure. Still ``lost`` until the device answers."""
        self.halt()
        self.start()

    def fail(self, problem: str) -> None:
        """The supervisor's word: the device is lost, for ``problem``."""
        self._set_lost(problem)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _wake(self) -> None:
        """Interrupt a blocking wait of the worker (drivers that block override this)."""

    def _guarded_run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # a bug: say so, and leave the device lost, for the supervisor to restart
            self.log.exception("device worker failed")
            failure = f"the driver stopped on an error ({type(exc).__name__}; see the kiosk log)"
        else:
            if self._stop.is_set():
                return
            failure = "the driver's worker ended without being asked to"
        self.failure = failure
        self._set_lost(failure)

    def _run(self) -> None:
        raise NotImplementedError

    def _emit(self, event: object) -> None:
        try:
            self.listener(event)
        except Exception:
            self.log.exception("device listener failed")

    def _set_lost(self, problem: str) -> None:
        with self._state_lock:
            changed = self.state != LOST
            self.state = LOST
            self.problem = problem
        if changed:
            self.log.warning("lost: %s", problem)
            self._emit(DeviceLost(self.name))

    def _set_ready(self) -> None:
        with self._state_lock:
            if self.state == READY:
                return
            was_lost = self.state == LOST
            self.state = READY
            self.problem = ""
        if was_lost:
            self.log.info("back")
            self._emit(DeviceBack(self.name))
