"""A patient come of age who can no longer use a guardian's credit line (``guardian_line_ended``),
for journeys with no pay-now path of their own (admission): the outcome screen with the reason,
as the bill gives it, and the way on, "Open my own credit service" (the open journey for them).
The pay and registration journeys say it on their own screens, next to paying now.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

CODE = "guardian_line_ended"


def offer_own_service(ctx, session) -> None:
    """The reason and the offer, for ``session``'s patient (the service opened for them as the
    adult they are now, whatever the look-up before midnight said)."""
    from kiosk.usecases.settle import without_guardian_line

    grown_up = without_guardian_line(session)
    ctx.problem(CODE, ctx.offer("open", lambda: translate("ComeOfAge", "Open my own credit service"), grown_up))
