"""The "pay outpatient bill" journey: home → identify → bill → result → home.

This object only sequences screens and calls use cases through the task
runner; rules live in the use cases, words in the screens.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from kiosk.devices.events import CardPresented, ReadError
from kiosk.domain.idnumber import InvalidIdNumber
from kiosk.platform import PlatformError
from kiosk.usecases.settle import SettlementRefused, precheck

log = logging.getLogger("kiosk.ui.pay")


class PayBillFlow(QObject):
    settled = Signal(object)  # SettleOutcome, for the tour and for tests

    def __init__(self, window, tasks, services, parent=None):
        super().__init__(parent)
        self.window, self.tasks, self.services = window, tasks, services
        self._journey = 0  # answers for a journey that has ended are dropped
        self._session = None
        self._visit = None
        w = window
        w.home.pay_bill_requested.connect(self.start)
        w.identify.id_submitted.connect(self.identify)
        w.identify.back_requested.connect(w.go_home)
        w.bill.back_requested.connect(w.go_home)
        w.bill.confirm_requested.connect(self.confirm)
        w.result.done_requested.connect(w.go_home)
        w.cleared.connect(self._forget)

    def _forget(self) -> None:
        self._journey += 1
        self._session = self._visit = None

    def start(self) -> None:
        self._forget()
        self.window.show_screen("identify")

    def on_device_event(self, event) -> None:
        if self.window.current != "identify":
            return  # a card laid down elsewhere is ignored; the patient starts from home
        if isinstance(event, CardPresented):
            self.identify(event.card.id_number)
        elif isinstance(event, ReadError):
            self.window.identify.show_error(event.reason)

    def identify(self, id_text: str) -> None:
        journey = self._journey
        self.window.identify.set_busy(True)
        self.tasks.run(lambda: self.services.identify(id_text),
                       lambda session: self._identified(journey, session),
                       lambda error: self._identify_failed(journey, error))

    def _identified(self, journey: int, session) -> None:
        if journey != self._journey:
            return
        self._session = session
        self._visit = session.visits[0] if session.visits else None
        refusal = "no_open_visits" if self._visit is None else precheck(session, self._visit)
        self.window.identify.set_busy(False)
        self.window.bill.show_session(session, self._visit, refusal)
        self.window.show_screen("bill")

    def _identify_failed(self, journey: int, error: BaseException) -> None:
        if journey != self._journey:
            return
        self.window.identify.show_error(_code(error))

    def confirm(self) -> None:
        journey, session, visit = self._journey, self._session, self._visit
        if session is None or visit is None:
            return
        self.window.bill.set_busy(True)
        self.tasks.run(lambda: self.services.settle(session, visit),
                       lambda outcome: self._settled(journey, outcome),
                       lambda error: self._settle_failed(journey, error))

    def _settled(self, journey: int, outcome) -> None:
        self.settled.emit(outcome)
        if journey != self._journey:
            return
        self.window.result.show_outcome(outcome)
        self.window.show_screen("result")

    def _settle_failed(self, journey: int, error: BaseException) -> None:
        if journey != self._journey:
            return
        self.window.result.show_error(_code(error))
        self.window.show_screen("result")


def _code(error: BaseException) -> str:
    if isinstance(error, InvalidIdNumber):
        return error.reason
    if isinstance(error, (PlatformError, SettlementRefused)):
        return error.code
    log.error("unexpected failure in a journey", exc_info=error)
    return "internal"
