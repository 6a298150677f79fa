"""The device notice: a reader that is not working, said on the window, with what still works.

It sits under the header with the other banners, and shows while any device is ``lost``
(its thread died and the supervisor is restarting it, or its cable is out); it goes away
when the device is back. The app calls ``show_status`` with the device manager's states
on every ``DeviceBridge.state_changed`` (the GUI thread: reading states is cheap).

What the patient can do instead follows from the devices that still work: at the desk
the ID number can always be typed; at a kiosk another reader, the code scanner, or the
service desk.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout

from kiosk.ui.base import body_text

translate = QCoreApplication.translate

_BROKEN = {
    "id-reader": QT_TRANSLATE_NOOP("DeviceNotice", "The ID-card reader is not working at the moment."),
    "sscard": QT_TRANSLATE_NOOP("DeviceNotice", "The social-security card reader is not working at the moment."),
    "scanner": QT_TRANSLATE_NOOP("DeviceNotice", "The code scanner is not working at the moment."),
}
_OTHER = QT_TRANSLATE_NOOP("DeviceNotice", "A reader of this kiosk is not working at the moment.")
#: At a kiosk, the first device still working, in this order, is what the patient is offered.
_INSTEAD = (
    ("id-reader", QT_TRANSLATE_NOOP("DeviceNotice", "Please place your resident ID card on the ID-card reader.")),
    ("sscard", QT_TRANSLATE_NOOP("DeviceNotice", "Please use your social-security card in its reader instead.")),
    ("scanner", QT_TRANSLATE_NOOP("DeviceNotice", "Please scan your e-health code or insurance e-voucher instead.")),
)
_NOTHING_LEFT = QT_TRANSLATE_NOOP("DeviceNotice", "Please go to the service desk: staff there can help you.")
_TYPE_IT = QT_TRANSLATE_NOOP("DeviceNotice", "You can still type the patient's ID number.")

class DeviceNotice(QFrame):
    statuses_changed = Signal(list)  # every device's state, each time they are shown (the status bar)

    def __init__(self, desk: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("deviceNotice")  # amber like the idle and offline banners (kiosk.qss)
        self.desk = desk
        self.statuses: list = []
        self.text = body_text(self, "deviceNoticeText")
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        self.hide()

    @property
    def broken(self) -> list[str]:
        """The names of the devices that are not working now."""
        return [s.name for s in self.statuses if s.state == "lost"]

    def show_status(self, statuses: list) -> None:
        self.statuses = list(statuses)
        self.retranslate()
        self.statuses_changed.emit(self.statuses)

    def retranslate(self) -> None:
        broken = self.broken
        if not broken:
            self.text.setText("")
            self.hide()
            return
        said = [translate("DeviceNotice", _BROKEN.get(name, _OTHER)) for name in broken]
        said.append(translate("DeviceNotice", self._instead(broken)))
        self.text.setText("⚠ " + " ".join(said))  # the sign, so colour is never the only cue
        self.show()

    def _instead(self, broken: list[str]) -> str:
        if self.desk:
            return _TYPE_IT
        working = {s.name for s in self.statuses if s.state != "lost"}
        for name, text in _INSTEAD:
            if name in working:
                return text
        return _NOTHING_LEFT

    def changeEvent(self, event):
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
