"""Run work off the GUI thread and hand the result back to it.

``run(fn, on_success, on_failure)`` submits ``fn`` to a worker pool; the
callbacks run on the GUI thread (a queued signal), never on the worker. The
GUI thread never waits on the network, a device, a printer or the disk.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger("kiosk.tasks")


class TaskRunner(QObject):
    _finished = Signal(object, object, object)  # future, on_success, on_failure
    busy_changed = Signal(int)

    def __init__(self, workers: int = 4, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk-task")
        self._running = 0
        self._finished.connect(self._deliver)

    @property
    def running(self) -> int:
        return self._running

    def run(self, fn: Callable[[], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[BaseException], None] | None = None) -> Future:
        self._running += 1
        self.busy_changed.emit(self._running)
        future = self._pool.submit(fn)
        future.add_done_callback(lambda f: self._finished.emit(f, on_success, on_failure))
        return future

    @Slot(object, object, object)
    def _deliver(self, future: Future, on_success, on_failure) -> None:
        self._running -= 1
        self.busy_changed.emit(self._running)
        if future.cancelled():  # shutting down: nobody is waiting for it
            return
        error = future.exception()
        if error is None:
            on_success(future.result())
        elif on_failure is not None:
            on_failure(error)
        else:
            log.error("background task failed", exc_info=error)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
