"""A simulated resident ID-card reader for the demo, staff training and tests.

It behaves like the real driver seen from the kiosk: a worker thread of its
own, events to a listener. ``present`` stands for a patient laying a card on
the reader; the simulated SAM module checks the number's check digit the way a
damaged card shows up on a real reader.
"""
from __future__ import annotations

import logging
import queue
import threading
from typing import Callable

from kiosk.domain.idnumber import InvalidIdNumber, parse_id_number
from kiosk.devices.events import CardPresented, CardRemoved, IdCard, ReadError

log = logging.getLogger("kiosk.devices.simulated_id")

_STOP = object()


class SimulatedIdCardReader:
    name = "id-reader"
    simulated = True

    def __init__(self, listener: Callable[[object], None], cards: dict[str, IdCard] | None = None):
        self.listener = listener
        self.cards = dict(cards or {})  # label -> card, offered on the training panel
        self._inbox: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="device-id-reader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._inbox.put(_STOP)
        self._thread.join(timeout=5)

    def present(self, card: IdCard) -> None:
        self._inbox.put(card)

    def remove(self) -> None:
        self._inbox.put(None)

    def _run(self) -> None:
        while True:
            item = self._inbox.get()
            if item is _STOP:
                return
            if item is None:
                self.listener(CardRemoved(self.name))
                continue
            try:
                parse_id_number(item.id_number)
            except InvalidIdNumber:
                log.info("card rejected: unreadable number")
                self.listener(ReadError(self.name, "bad_card"))
                continue
            self.listener(CardPresented(self.name, item))
