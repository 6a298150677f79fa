"""The Qt side of the devices: driver events re-emitted as signals.

Drivers call ``bridge.deliver`` from their own worker threads; Qt queues the
signals so that connected slots run on the GUI thread. ``state_changed`` (the
device's name) follows every ``DeviceLost`` and ``DeviceBack``: the device notice,
the training cards and the heartbeat listen to it.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from kiosk.devices.events import DeviceBack, DeviceLost


class DeviceBridge(QObject):
    event = Signal(object)
    state_changed = Signal(str)

    def deliver(self, event: object) -> None:
        self.event.emit(event)
        if isinstance(event, (DeviceLost, DeviceBack)):
            self.state_changed.emit(event.device)
