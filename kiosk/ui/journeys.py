"""The journeys offered on the home screen, in the order of their buttons.

Each line names a ``Journey`` subclass; desk-only journeys appear only in the
cashier's desk mode.
"""
from __future__ import annotations


def journey_classes() -> list[type]:
    from kiosk.ui.admit import AdmitJourney
    from kiosk.ui.close_service import CloseServiceJourney
    from kiosk.ui.conflicts import ConflictsJourney
    from kiosk.ui.discharge import DischargeJourney
    from kiosk.ui.dispute import DisputeJourney
    from kiosk.ui.late_payments import LatePaymentsJourney
    from kiosk.ui.open_service import OpenServiceJourney
    from kiosk.ui.pay import PayJourney
    from kiosk.ui.query import QueryJourney
    from kiosk.ui.refund import RefundJourney
    from kiosk.ui.register import RegisterJourney
    from kiosk.ui.repay import RepayJourney
    from kiosk.ui.reprint import ReprintJourney
    from kiosk.ui.shift import ShiftJourney

    return [RegisterJourney, PayJourney, RepayJourney, OpenServiceJourney, QueryJourney, DisputeJourney,
            CloseServiceJourney, AdmitJourney, DischargeJourney, RefundJourney, ReprintJourney, ShiftJourney,
            ConflictsJourney, LatePaymentsJourney]
