"""Queue conflicts at the cashier's desk (desk only).

A payment made offline that the platform refused when the kiosk sent it later (the line
no longer covers it, the account was suspended meanwhile, the visit was settled
elsewhere) is never dropped: it waits here until a cashier resolves it, either by
collecting the payment from the patient ("Payment collected") or by confirming it was
settled another way ("Settled elsewhere"). Each resolution goes to the desk's audit log.
Queued payments waiting longer than the expiry are listed too, as alerts for IT, and the conflicts
closed today because their registration was cancelled at the kiosk (the platform had refused its fee:
nothing to collect; the cancel closed the conflict and wrote it in the audit log).
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal

from kiosk.domain.clock import business_date
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_optional_text
from kiosk.ui.journey import Journey
from kiosk.ui.keys import CHOICE_KEYS, focus_first, give_key
from kiosk.ui.kit import back_button, primary_button, secondary_button
from kiosk.ui.widgets import ChoiceList

translate = QCoreApplication.translate


def reason_text(code: str) -> str:
    if code in ("shortfall_unpaid", "insufficient_line", "repay_first"):
        return translate("Conflicts", "credit line no longer covers it")
    if code in ("account_suspended", "insurance_suspended", "no_credit_service"):
        return translate("Conflicts", "account suspended or closed meanwhile")
    if code in ("visit_already_settled", "bill_already_booked"):
        return translate("Conflicts", "already settled elsewhere")
    return translate("Conflicts", "refused by the platform ({code})").format(code=code)


def conflict_text(c) -> str:
    return "\n".join((
        translate("Conflicts", "{name}  ID {masked_id} · {amount} on credit · {date}").format(
            name=c.masked_name, masked_id=c.masked_id, amount=format_cny(c.credit_fen),
            date=business_date(c.queued_at or c.refused_at).isoformat()),
        translate("Conflicts", "{what}: {reason}").format(what=what_text(c), reason=reason_text(c.code)),
    ))


def what_text(c) -> str:
    if c.visits:
        return translate("Conflicts", "Visits {visits}").format(visits=", ".join(c.visits))
    return f"{c.kind} · {c.lane}"


def cancelled_text(c) -> str:
    """A conflict closed by itself: its bill was cancelled at the kiosk (a registration), nothing to collect."""
    head = translate("Conflicts", "{name}  ID {masked_id} · {amount} on credit · {date}").format(
        name=c.masked_name, masked_id=c.masked_id, amount=format_cny(c.credit_fen),
        date=business_date(c.queued_at or c.refused_at).isoformat())
    if c.what == "registration":
        done = translate("Conflicts", "Registration cancelled at the kiosk: nothing to collect")
    else:
        done = translate("Conflicts", "Bill cancelled at the kiosk: nothing to collect")
    return "\n".join(("✓ " + head, translate("Conflicts", "{done} (refused: {reason})").format(
        done=done, reason=reason_text(c.code))))


def expired_text(e) -> str:
    return "\n".join((
        "⚠ " + translate("Conflicts", "Not yet sent since {date}: {kind}, {amount} on credit").format(
            date=e.queued_at.astimezone().strftime("%Y-%m-%d %H:%M"), kind=e.kind, amount=format_cny(e.credit_fen)),
        translate("Conflicts", "Attempts {attempts}; last problem: {error}. IT: kiosk-admin queue list").format(
            attempts=e.attempts, error=e.last_error or "—"),
    ))


class ConflictListScreen(Screen):
    name = "conflicts"
    chosen = Signal(int)
    back_requested = Signal()
    # ``notice``: what the last resolution did, above the list; ``cancelled``: conflicts closed today because
    # their registration was cancelled (nothing to collect: listed, not chosen)
    DATA = {"conflicts": (), "expired": (), "notice": "", "cancelled": ()}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choices = ChoiceList(self, lines=2)
        self.choices.chosen.connect(self._chosen)
        self.back_button = back_button(self, self.back_requested)
        self.page("status", (self.choices, 1), buttons=[self.back_button])
        self.retranslate()

    def show_loading(self, **data) -> None:
        self.set_state(loading=True, **data)  # the list stays while it is asked again

    def keyboard_focus(self):
        """The desk's keyboard on the first conflict: Enter opens it, the arrows move on."""
        return self.choices.buttons[0] if self.conflicts else None

    def show_conflicts(self, conflicts, expired, notice: str = "", cancelled=()) -> None:
        self.show_items(conflicts=tuple(conflicts), expired=tuple(expired), notice=notice, cancelled=tuple(cancelled))

    def _chosen(self, index: int) -> None:
        if 0 <= index < len(self.conflicts):  # the expired rows below are alerts, not choices
            self.chosen.emit(index)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Queue conflicts"))
        if self.loading:
            status = self.tr("Loading, please wait…")
        elif not self.conflicts and not self.expired and self.cancelled:
            status = self.tr("No conflicts to resolve. Closed today because the registration was cancelled: "
                             "{cancelled}.").format(cancelled=len(self.cancelled))
        elif not self.conflicts and not self.expired:
            status = self.tr("No conflicts: every payment made offline was accepted or is still on its way.")
        else:
            status = self.tr("{conflicts} payment(s) refused by the platform after they were made offline; "
                             "{expired} queued payment(s) waiting too long.").format(
                conflicts=len(self.conflicts), expired=len(self.expired))
        if self.notice:
            status = self.notice + "\n" + status
        set_optional_text(self.status, status)
        texts = ([conflict_text(c) for c in self.conflicts] + [cancelled_text(c) for c in self.cancelled]
                 + [expired_text(e) for e in self.expired])
        self.choices.set_choices(texts, [True] * len(self.conflicts) + [False] * (len(self.cancelled)
                                                                                + len(self.expired)))
        focus_first(self, self.choices.buttons)
        set_button_text(self.back_button, self.tr("Back to start"))


class ConflictScreen(Screen):
    """One conflict and its two resolutions."""

    name = "conflict"
    resolve_requested = Signal(str)  # payment_collected | settled_elsewhere
    back_requested = Signal()

    DATA = {"conflict": None}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.collected_button = give_key(primary_button(self, lambda: self._resolve("payment_collected")),
                                         CHOICE_KEYS[0])
        self.elsewhere_button = give_key(secondary_button(self, lambda: self._resolve("settled_elsewhere")),
                                         CHOICE_KEYS[1])
        self.back_button = back_button(self, self.back_requested)
        self.page("details:details", "help", 1, "status",
                  buttons=[self.back_button, (self.elsewhere_button, 2), self.collected_button])
        self.retranslate()

    def show_conflict(self, conflict) -> None:
        self.show_items(conflict=conflict)

    def _resolve(self, resolution: str) -> None:
        if self.conflict is not None and not self.busy:
            self.resolve_requested.emit(resolution)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Resolve a queue conflict"))
        self.details.setText(conflict_text(self.conflict) if self.conflict else "")
        self.help.setText(self.tr("The patient left with this bill paid on credit while the hospital system was "
                                  "offline; the platform has since refused it. Collect the amount from the "
                                  "patient, or confirm the bill was settled another way."))
        self.say_status(self.tr("Saving, please wait…"))
        set_button_text(self.collected_button, self.tr("Payment collected"))
        set_button_text(self.elsewhere_button, self.tr("Settled elsewhere"))
        set_button_text(self.back_button, self.tr("Back"))
        for button in (self.collected_button, self.elsewhere_button, self.back_button):
            button.setEnabled(self.conflict is not None and not self.busy or button is self.back_button)


class ConflictsJourney(Journey):
    key = "conflicts"
    desk_only = True
    needs_identity = False
    resolved = Signal(int)  # conflict id, for tests
    HOLDS = {"conflicts": (), "current": None}

    def __init__(self, ctx):
        super().__init__(ctx)
        self.list_screen: ConflictListScreen = self.add_screen(ConflictListScreen())
        self.detail_screen: ConflictScreen = self.add_screen(ConflictScreen(), back=ConflictListScreen.name)
        self.list_screen.chosen.connect(self.choose)
        self.detail_screen.resolve_requested.connect(self.resolve)

    def title(self) -> str:
        return translate("ConflictsJourney", "Queue conflicts")

    def begin(self, session) -> None:
        self.forget()
        self.list_screen.show_loading()
        self.show(self.list_screen)
        self._load()

    def _load(self, notice: str = "") -> None:
        offline = self.ctx.services.offline
        self.ctx.run(lambda: (offline.conflicts(), offline.expired(), offline.cancelled_conflicts()),
                     lambda found: self._loaded(found, notice))

    def _loaded(self, found, notice: str) -> None:
        conflicts, expired, cancelled = found
        self.conflicts = tuple(conflicts)
        self.list_screen.show_conflicts(self.conflicts, expired, notice, cancelled)
        self.show(self.list_screen)

    def choose(self, index: int) -> None:
        if 0 <= index < len(self.conflicts):
            self.current = self.conflicts[index]
            self.detail_screen.show_conflict(self.current)
            self.show(self.detail_screen)

    def resolve(self, resolution: str) -> None:
        conflict = self.current
        if conflict is None:
            return
        desk = getattr(self.ctx.services, "desk", None)
        operator_id = desk.operator_id if desk is not None else self.ctx.services.settings.terminal_id
        self.detail_screen.set_busy(True)
        self.ctx.run(lambda: self.ctx.services.offline.resolve(conflict.conflict_id, resolution, operator_id),
                     lambda _: self._resolved(conflict, resolution))

    def _resolved(self, conflict, resolution: str) -> None:
        self.resolved.emit(conflict.conflict_id)
        notice = (translate("ConflictsJourney", "✓ Marked as payment collected.") if resolution == "payment_collected"
                  else translate("ConflictsJourney", "✓ Marked as settled elsewhere."))
        self._load(notice)
