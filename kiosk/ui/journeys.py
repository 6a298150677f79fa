"""The journeys offered on the home screen, in the order of their buttons.

Each line names a ``Journey`` subclass; desk-only journeys appear only in the
cashier's desk mode.
"""
from __future__ import annotations


def journey_classes() -> list[type]:
    from kiosk.ui.admit import AdmitJourney
    from kiosk.ui.discharge import DischargeJourney
    from kiosk.ui.pay import PayJourney

    return [PayJourney, AdmitJourney, DischargeJourney]
