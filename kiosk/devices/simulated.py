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
from collections.abc import Callable

from kiosk.devices.events import CardPresented, CardRemoved, IdCard, ReadError
from kiosk.domain.idnumber import InvalidIdNumber, parse_id_number

log = logging.getLogger("kiosk.devices.simulated_id")

_STOP = object()


class SimulatedIdCardReader:
    name = "id-reader"
    kind = "id-reader (simulated)"
    simulated = True
    state = "ready"
    problem = ""

    def __init__(self, listener: Callable[[object], None], cards: dict[str, IdCard] | None = None):
        self.listener = listener
        self.cards = dict(cards or {})  # label -> card, offered on the training panel
        self._inbox: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="device-id-reader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._inbox.put(_STOP)
            self._thread.join(timeout=5)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

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


class _SimulatedDevice:
    """An in-process stand-in with its own worker thread: items put in, events out."""

    name = "device"
    kind = "device (simulated)"
    simulated = True
    state = "ready"
    problem = ""

    def __init__(self, listener: Callable[[object], None]):
        self.listener = listener
        self._inbox: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=f"device-{self.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._inbox.put(_STOP)
            self._thread.join(timeout=5)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while True:
            item = self._inbox.get()
            if item is _STOP:
                return
            self.listener(self._event(item))

    def _event(self, item):
        raise NotImplementedError


class SimulatedSocialSecurityReader(_SimulatedDevice):
    """A social-security card reader for training: ``present`` a ``SocialSecurityCard``."""

    name = "sscard"
    kind = "social-security card (simulated)"

    def present(self, card) -> None:
        self._inbox.put(card)

    def remove(self) -> None:
        self._inbox.put(None)

    def _event(self, card):
        if card is None:
            return CardRemoved(self.name)
        try:
            parse_id_number(card.id_number)
        except InvalidIdNumber:
            return ReadError(self.name, "bad_card")
        return CardPresented(self.name, card)


class SimulatedScanner(_SimulatedDevice):
    """A QR/barcode scanner for training: ``scan`` the text a code holds."""

    name = "scanner"
    kind = "scanner (simulated)"

    def scan(self, text: str) -> None:
        self._inbox.put(text)

    def _event(self, text: str):
        from kiosk.devices.scanner import scan_event

        return scan_event(self.name, text)
