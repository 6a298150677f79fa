"""Device drivers and their simulators.

Every driver does its I/O on a worker thread of its own and reports to the
rest of the kiosk only through events (``kiosk.devices.events``), delivered to
a listener callable. The Qt side (``kiosk.devices.qt``) turns them into a
signal so that slots run on the GUI thread.
"""
