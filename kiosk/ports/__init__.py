"""The kiosk's counterparts, one port each: a small interface (a ``typing.Protocol``) with the
typed models it speaks (frozen dataclasses, money in integer fen). Adapters implementing them
live in ``kiosk.adapters``; docs/integration.md says what each port needs."""
