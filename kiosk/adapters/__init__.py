"""Adapters of the kiosk's ports (``kiosk.ports``) onto real counterparts: one module per
counterpart and protocol, each with its own HTTP session (TLS through ``kiosk.transport``)."""
