"""Adapters of the kiosk's ports (``kiosk.ports``) onto real counterparts: one module per
counterpart and protocol, each with its HTTP session (TLS through ``kiosk.transport``; the HIS's on
the kiosk's signed client, ``kiosk.platform``)."""
