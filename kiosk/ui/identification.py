"""The shared first step of most journeys: a card on the reader, or a typed ID at the desk."""
from __future__ import annotations

from PySide6.QtCore import QObject

from kiosk.devices.events import CardPresented, ReadError, TokenPresented
from kiosk.ui.journey import error_code


class Identification(QObject):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.journey = None
        screen = ctx.window.identify
        screen.id_submitted.connect(self.identify)
        screen.back_requested.connect(ctx.window.go_home)

    def start(self, journey) -> None:
        self.journey = journey
        self.ctx.window.identify.clear()
        self.ctx.window.show_screen("identify")

    def on_device_event(self, event) -> None:
        if self.ctx.window.current != "identify":
            return  # a card laid down elsewhere is ignored; the patient starts from home
        if isinstance(event, CardPresented):  # an ID card or a social-security card
            self.identify(event.card.id_number)
        elif isinstance(event, TokenPresented):  # a scanned code
            if event.token_type == "id_number":
                self.identify(event.token)
            else:
                self.resolve(event.token_type, event.token)
        elif isinstance(event, ReadError):
            self.ctx.window.identify.show_error(event.reason)

    def identify(self, id_text: str) -> None:
        journey = self.journey
        if journey is None:
            return
        self.ctx.window.identify.set_busy(True)
        self.ctx.run(lambda: self.ctx.services.identify(id_text),
                     lambda session: self._identified(journey, session),
                     lambda error: self.ctx.window.identify.show_error(error_code(error)))

    def resolve(self, token_type: str, token: str) -> None:
        """An e-voucher or e-health-card code: the platform resolves it to the patient."""
        journey = self.journey
        if journey is None:
            return
        self.ctx.window.identify.set_busy(True)
        self.ctx.run(lambda: self.ctx.services.identify.resolve_token(token_type, token),
                     lambda session: self._identified(journey, session),
                     lambda error: self.ctx.window.identify.show_error(error_code(error)))

    def _identified(self, journey, session) -> None:
        self.ctx.window.identify.set_busy(False)
        journey.begin(session)
