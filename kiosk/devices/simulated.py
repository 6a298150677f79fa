"""Simulated devices for the demo, staff training and tests.

They behave like the real drivers seen from the kiosk: a worker thread of their
own (``DeviceWorker``: a live state, restarted by the supervisor if it dies),
events to a listener. ``present`` stands for a patient laying a card on the
reader; the simulated SAM module checks the number's check digit the way a
damaged card shows up on a real reader. An item that is not what the device
takes (not a card, not text) is refused with a logged error: one bad item never
ends the worker.
"""
from __future__ import annotations

import queue
from collections.abc import Callable

from kiosk.devices.base import DeviceWorker
from kiosk.devices.events import CardPresented, CardRemoved, IdCard, ReadError, SocialSecurityCard
from kiosk.domain.idnumber import InvalidIdNumber, parse_id_number

_STOP = object()
_REMOVE = object()


class _InboxDevice(DeviceWorker):
    """Items put in the inbox from any thread; the worker turns each into an event.

    Like a real driver polling its device, the loop comes round at least every
    ``poll_s``; each time round the device has answered, so it is ``ready`` (the
    first time at once, and after a restart only once the loop works again)."""

    simulated = True
    poll_s = 0.5

    def __init__(self, name: str, listener: Callable[[object], None]):
        super().__init__(name, listener)
        self._inbox: queue.Queue = queue.Queue()

    def _wake(self) -> None:
        self._inbox.put(_STOP)

    def _run(self) -> None:
        wait = 0.0  # the first time round: at once
        while not self._stop.is_set():
            item = self._next(wait)
            wait = self.poll_s
            self._set_ready()
            if item is None or item is _STOP:
                continue  # nothing came; or stop, or a wake-up left over from before a restart
            self._take(item)

    def _next(self, timeout: float):
        """The next item, or None when none came within ``timeout`` seconds."""
        try:
            return self._inbox.get(timeout=timeout)
        except queue.Empty:
            return None

    def _take(self, item) -> None:
        try:
            event = self._event(item)
        except Exception:  # one bad item is logged and dropped; the device goes on
            self.log.exception("item refused: %s", type(item).__name__)
            return
        if event is not None:
            self._emit(event)

    def _event(self, item):
        raise NotImplementedError


def _card_event(device: str, card, kind: type, what: str, log):
    if card is _REMOVE:
        return CardRemoved(device)
    if not isinstance(card, kind):
        log.error("refused: %s is not %s", type(card).__name__, what)
        return None
    try:
        parse_id_number(card.id_number)
    except InvalidIdNumber:
        log.info("card rejected: unreadable number")
        return ReadError(device, "bad_card")
    return CardPresented(device, card)


class SimulatedIdCardReader(_InboxDevice):
    kind = "id-reader (simulated)"

    def __init__(self, listener: Callable[[object], None], cards: dict[str, IdCard] | None = None):
        super().__init__("id-reader", listener)
        self.cards = dict(cards or {})  # label -> card, offered on the training panel

    def present(self, card: IdCard) -> None:
        self._inbox.put(card)

    def remove(self) -> None:
        self._inbox.put(_REMOVE)

    def _event(self, card):
        return _card_event(self.name, card, IdCard, "an ID card", self.log)


class SimulatedSocialSecurityReader(_InboxDevice):
    """A social-security card reader for training: ``present`` a ``SocialSecurityCard``."""

    kind = "social-security card (simulated)"

    def __init__(self, listener: Callable[[object], None]):
        super().__init__("sscard", listener)

    def present(self, card: SocialSecurityCard) -> None:
        self._inbox.put(card)

    def remove(self) -> None:
        self._inbox.put(_REMOVE)

    def _event(self, card):
        return _card_event(self.name, card, SocialSecurityCard, "a social-security card", self.log)


class SimulatedScanner(_InboxDevice):
    """A QR/barcode scanner for training: ``scan`` the text a code holds."""

    kind = "scanner (simulated)"

    def __init__(self, listener: Callable[[object], None]):
        super().__init__("scanner", listener)

    def scan(self, text: str) -> None:
        self._inbox.put(text)

    def _event(self, text):
        from kiosk.devices.scanner import scan_event

        if not isinstance(text, str):
            self.log.error("refused: %s is not scanned text", type(text).__name__)
            return None
        return scan_event(self.name, text)
