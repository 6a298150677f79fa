"""The journeys offered on the home screen, in the order of their buttons.

Each entry names a ``Journey`` subclass by its module, with what the home screen needs
before the journey exists: its key, its title (the same context and text as the class's
``title()``, so one translation serves both; ``tests/test_startup.py`` checks they agree)
and whether it is for the cashier's desk only. The home screen's buttons are labelled from
here, so the journeys' modules (their screens, their use cases) are imported only when each
is built, after the kiosk is usable (``kiosk.app.Journeys``).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication


@dataclass(frozen=True)
class JourneyEntry:
    """A journey on the home screen: its key, where its class lives (imported on first use) and its title."""

    key: str
    module: str
    class_name: str
    context: str  # the translation context of the title: the class's own
    title_text: str
    desk_only: bool = False

    def title(self) -> str:
        """The button's title in the current language, as the journey's ``title()`` gives it."""
        return QCoreApplication.translate(self.context, self.title_text)

    def load(self) -> type:
        """The ``Journey`` subclass (its module imported now)."""
        return getattr(importlib.import_module(self.module), self.class_name)


def _entry(key: str, module: str, class_name: str, title_text: str, *, desk_only: bool = False) -> JourneyEntry:
    return JourneyEntry(key, f"kiosk.ui.{module}", class_name, class_name, title_text, desk_only)


JOURNEYS: tuple[JourneyEntry, ...] = (
    _entry("register", "register", "RegisterJourney", QT_TRANSLATE_NOOP("RegisterJourney", "Register for a clinic")),
    _entry("pay", "pay", "PayJourney", QT_TRANSLATE_NOOP("PayJourney", "Pay outpatient bill")),
    _entry("repay", "repay", "RepayJourney", QT_TRANSLATE_NOOP("RepayJourney", "Repay")),
    _entry("open", "open_service", "OpenServiceJourney",
           QT_TRANSLATE_NOOP("OpenServiceJourney", "Open credit service")),
    _entry("query", "query", "QueryJourney", QT_TRANSLATE_NOOP("QueryJourney", "My credit account")),
    _entry("dispute", "dispute", "DisputeJourney", QT_TRANSLATE_NOOP("DisputeJourney", "Dispute a bill")),
    _entry("close", "close_service", "CloseServiceJourney",
           QT_TRANSLATE_NOOP("CloseServiceJourney", "Close credit service")),
    _entry("admit", "admit", "AdmitJourney", QT_TRANSLATE_NOOP("AdmitJourney", "Admission on credit")),
    _entry("discharge", "discharge", "DischargeJourney", QT_TRANSLATE_NOOP("DischargeJourney", "Discharge on credit")),
    _entry("refund", "refund", "RefundJourney", QT_TRANSLATE_NOOP("RefundJourney", "Refund"), desk_only=True),
    _entry("reprint", "reprint", "ReprintJourney", QT_TRANSLATE_NOOP("ReprintJourney", "Reprints"), desk_only=True),
    _entry("shift", "shift", "ShiftJourney", QT_TRANSLATE_NOOP("ShiftJourney", "Shift and report"), desk_only=True),
    _entry("conflicts", "conflicts", "ConflictsJourney", QT_TRANSLATE_NOOP("ConflictsJourney", "Queue conflicts"),
           desk_only=True),
    _entry("late_payments", "late_payments", "LatePaymentsJourney",
           QT_TRANSLATE_NOOP("LatePaymentsJourney", "Late phone payments"), desk_only=True),
)


def journey_entries(mode: str) -> list[JourneyEntry]:
    """The journeys offered in ``mode`` (``kiosk`` or ``desk``), in button order."""
    return [entry for entry in JOURNEYS if mode == "desk" or not entry.desk_only]


def journey_classes() -> list[type]:
    """Every journey's class, in button order (their modules imported now)."""
    return [entry.load() for entry in JOURNEYS]
