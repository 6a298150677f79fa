"""What every real driver shares: one worker thread, a live state, events to a listener."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kiosk.devices.events import DeviceBack, DeviceLost

STARTING, READY, LOST, STOPPED = "starting", "ready", "lost", "stopped"


class DeviceWorker:
    """Base of the drivers: ``_run`` is the body of the device's own thread.

    ``state`` is ``starting`` until the device first answers, then ``ready`` or
    ``lost``; ``DeviceLost`` and ``DeviceBack`` go to the listener on each change
    (the first answer after start-up is not a "back"). ``problem`` says why a
    device is lost, in words for IT staff. All I/O happens on the worker thread;
    the public methods only set flags.
    """

    kind = "device"
    simulated = False

    def __init__(self, name: str, listener: Callable[[object], None]):
        self.name = name
        self.listener = listener
        self.state = STARTING
        self.problem = ""
        self.log = logging.getLogger(f"kiosk.devices.{name}")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._guarded_run, name=f"device-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout)
        self.state = STOPPED

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _wake(self) -> None:
        """Interrupt a blocking wait of the worker (drivers that block override this)."""

    def _guarded_run(self) -> None:
        try:
            self._run()
        except Exception:  # a bug: say so, and leave the device marked lost, not silently dead
            self.log.exception("device worker failed")
            self._set_lost("driver failure (see the log)")

    def _run(self) -> None:
        raise NotImplementedError

    def _emit(self, event: object) -> None:
        try:
            self.listener(event)
        except Exception:
            self.log.exception("device listener failed")

    def _set_lost(self, problem: str) -> None:
        if self.state != LOST:
            self.log.warning("lost: %s", problem)
            self.state = LOST
            self.problem = problem
            self._emit(DeviceLost(self.name))
        else:
            self.problem = problem

    def _set_ready(self) -> None:
        if self.state == READY:
            return
        was_lost = self.state == LOST
        self.state = READY
        self.problem = ""
        if was_lost:
            self.log.info("back")
            self._emit(DeviceBack(self.name))
