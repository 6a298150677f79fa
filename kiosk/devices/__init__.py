"""Device drivers and their simulators.

Every driver does its I/O on a worker thread of its own and reports to the
rest of the kiosk only through events (``kiosk.devices.events``), delivered to
a listener callable. The Qt side (``kiosk.devices.qt``) turns them into a
signal so that slots run on the GUI thread.

=====================  =====================================================================
``events``             what devices say: CardPresented, CardRemoved, TokenPresented,
                       ReadError, DeviceLost, DeviceBack
``errors``             ``DeviceError(reason)``: the one error the drivers and parsers raise
``base``               the worker thread, live state and lost/back bookkeeping; ``restart``
``sam``                ID-card reader frames (GA 467) and the card's text block (pure)
``idcard_serial``      the serial ID-card reader driver
``sam_simulator``      a simulated SAM reader *process* on a pty (tests, bench, demo)
``sscard``             the social-security card over PC/SC (pyscard)
``payloads``           what a scanned code means (pure)
``scanner``            serial QR/barcode scanner; the wedge burst rule (pure)
``wedge_qt``           the keyboard-wedge scanner: a Qt event filter (GUI thread, no I/O)
``simulated``          in-process simulators for training (ID card, SS card, scanner)
``manager``            builds the configured devices; status; ``check`` for kiosk-admin
``supervisor``         restarts a device whose thread died (bounded back-off); ``devices.json``
=====================  =====================================================================
"""
