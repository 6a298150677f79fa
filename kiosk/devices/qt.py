"""The Qt side of the devices: driver events re-emitted as a signal.

Drivers call ``bridge.deliver`` from their own worker threads; Qt queues the
signal so that connected slots run on the GUI thread.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class DeviceBridge(QObject):
    event = Signal(object)

    def deliver(self, event: object) -> None:
        self.event.emit(event)
