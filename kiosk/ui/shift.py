"""The cashier's shift (desk only): open it, close it with the reconciliation report
(counts and sums by kind and channel, the desk's journal against the platform's records of the
shift, printed on A4 with a chart), and log out. Closing asks for confirmation and the cash
counted in the drawer (blind: the expected cash is shown after); the result says "agree"
only when both agree, lists every difference item by item, and the counted cash against the
expected. Home(1) close(2) count and confirm(3) done.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit

from kiosk.domain.clock import BUSINESS_TZ
from kiosk.domain.money import format_cny
from kiosk.ui.base import Screen, set_button_text, set_optional_text
from kiosk.ui.journey import Journey, error_code
from kiosk.ui.keys import LOGOUT_KEY, give_key
from kiosk.ui.kit import back_button, button_row, primary_button, secondary_button
from kiosk.ui.messages import message_for
from kiosk.ui.widgets import item_table, set_row

translate = QCoreApplication.translate

KINDS = ("registration", "registration_cancel", "settlement", "discharge", "repayment", "refund")


def kind_name(kind: str) -> str:
    return {"registration": translate("Shift", "Registration"),
            "registration_cancel": translate("Shift", "Registration cancelled"),
            "settlement": translate("Shift", "Outpatient settlement"),
            "discharge": translate("Shift", "Discharge"),
            "repayment": translate("Shift", "Repayment"),
            "refund": translate("Shift", "Refund")}.get(kind, kind)


def part_name(part: str) -> str:
    return {"credit_fen": translate("Shift", "credit line"), "channel_fen": translate("Shift", "channel or card"),
            "cash_fen": translate("Shift", "cash"), "amount_fen": translate("Shift", "total")}.get(part, part)


def difference_text(d) -> str:
    """One difference between the desk's journal and the platform's records, in words."""
    if d.part == "only_desk":
        return translate("Shift", "{kind} {reference} ({amount}): in the desk's journal, not in the platform's "
                         "records").format(kind=kind_name(d.kind), reference=d.reference,
                                           amount=format_cny(d.desk_fen))
    if d.part == "only_platform":
        return translate("Shift", "{kind} {reference} ({amount}): in the platform's records, not in the desk's "
                         "journal").format(kind=kind_name(d.kind), reference=d.reference,
                                           amount=format_cny(d.platform_fen))
    return translate("Shift", "{kind} {reference}: {part} {desk} here, {platform} at the platform").format(
        kind=kind_name(d.kind), reference=d.reference, part=part_name(d.part), desk=format_cny(d.desk_fen),
        platform=format_cny(d.platform_fen))


def cash_text(closed) -> str:
    counted, expected, gap = closed.counted_cash_fen, closed.expected_cash_fen, closed.cash_difference_fen
    if gap == 0:
        return "✓ " + translate("Shift", "Cash counted {counted}, as expected.").format(counted=format_cny(counted))
    if gap < 0:
        return "⚠ " + translate("Shift", "Cash counted {counted}, expected {expected}: short by {gap}. Count again, "
                                "then tell the supervisor.").format(counted=format_cny(counted),
                                                                    expected=format_cny(expected),
                                                                    gap=format_cny(-gap))
    return "⚠ " + translate("Shift", "Cash counted {counted}, expected {expected}: over by {gap}. Count again, "
                            "then tell the supervisor.").format(counted=format_cny(counted),
                                                                expected=format_cny(expected), gap=format_cny(gap))


def counterparts_text(closed) -> str:
    """The day so far reconciled with the insurance platform, the credit platform and the HIS (the desk's
    counterparts), each difference with what to do next; empty without them."""
    from kiosk.reconciliation_words import finding_text

    found = closed.counterparts
    if found is None:
        return ""
    if not found:
        return "✓ " + translate("Shift", "The day so far agrees with the insurance platform, the credit platform and "
                                "the HIS, to the fen.")
    head = "⚠ " + translate("Shift", "The day so far at the insurance platform, the credit platform and the HIS: "
                            "{count} differences. A supervisor deals with each one:").format(count=len(found))
    return "\n".join([head, *("• " + finding_text(f, translate) for f in found)])


def _time(moment) -> str:
    return moment.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")


class ShiftScreen(Screen):
    name = "shift"
    open_requested = Signal()
    close_requested = Signal(int)  # the cash counted, in fen
    logout_requested = Signal()
    back_requested = Signal()

    #: ``counting``: the close asked, to confirm with the cash counted; ``doing``: "opening" or "closing"
    DATA = {"operator": None, "shift": None, "closed": None, "counting": False, "doing": ""}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = item_table(self, 8, "shiftFigures", stretch=range(8))
        self.table.hide()
        self.count_field = QLineEdit(self)
        self.count_field.setObjectName("countedCash")
        self.count_field.setMaxLength(10)
        self.count_field.setValidator(QRegularExpressionValidator(r"[0-9]{0,7}(\.[0-9]{0,2})?", self.count_field))
        self.count_field.returnPressed.connect(self._confirm_close)
        self.clear_with(self.count_field)
        self.confirm_button = primary_button(self, self._confirm_close)
        self.keep_button = secondary_button(self, self._keep_open)
        self.open_button = primary_button(self, self.open_requested)
        self.close_button = primary_button(self, self._ask_close)
        self.logout_button = give_key(secondary_button(self, self.logout_requested), LOGOUT_KEY)
        self.back_button = back_button(self, self.back_requested)
        counted = button_row([(self.count_field, 2), self.keep_button, self.confirm_button])
        self.page("who", "state", (self.table, 1), "result:who", "differences:shiftDifferences",
                  "day:shiftDifferences", "cash:who",
                  "count_label", counted, "notice", "status", 0,
                  buttons=[self.back_button, self.logout_button, self.open_button, self.close_button])
        self.retranslate()

    def _ask_close(self) -> None:
        """Close tapped: confirm, with the cash counted in the drawer (nothing is closed yet)."""
        self.count_field.clear()
        self.set_state(counting=True, error_code=None)
        self.count_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _keep_open(self) -> None:
        self.set_state(counting=False, error_code=None)

    def _confirm_close(self) -> None:
        from kiosk.domain.money import parse_yuan

        if not self.counting or self.busy or self.loading:
            return
        try:
            counted = parse_yuan(self.count_field.text())
        except ValueError:
            self.show_error("cash_count_required")
            return
        self.counting = False
        self.close_requested.emit(counted)

    def show_shift(self, shift) -> None:
        self.show_items(shift=shift)

    def show_closed(self, closed) -> None:
        self.show_items(shift=None, closed=closed, counting=False)

    def set_busy(self, busy: bool = True, doing: str = "") -> None:
        """``doing``: "opening" or "closing" the shift, said on the screen while it lasts."""
        self.doing = doing if busy else ""
        super().set_busy(busy)

    def _fill_table(self) -> None:
        c = self.closed
        self.table.setVisible(c is not None)
        self.table.setHorizontalHeaderLabels([
            self.tr("Kind"), self.tr("Count"), self.tr("Total"), self.tr("Credit line"),
            self.tr("Channel or card"), self.tr("Cash"), self.tr("Platform"), self.tr("Check")])
        self.table.setAccessibleName(self.tr("Shift figures by kind and channel"))
        if c is None:
            self.table.setRowCount(0)
            return
        self.table.setRowCount(len(KINDS))
        for row, kind in enumerate(KINDS):
            k, p = c.kiosk.get(kind, {}), c.platform.get(kind, {})
            agrees = all(k.get(f, 0) == p.get(f, 0) for f in ("count", "amount_fen", "credit_fen", "channel_fen",
                                                                 "cash_fen"))
            cells = [kind_name(kind), str(k.get("count", 0)), format_cny(k.get("amount_fen", 0)),
                     format_cny(k.get("credit_fen", 0)), format_cny(k.get("channel_fen", 0)),
                     format_cny(k.get("cash_fen", 0)),
                     self.tr("{count} · {amount}").format(count=p.get("count", 0),
                                                          amount=format_cny(p.get("amount_fen", 0))),
                     self.tr("✓ agrees") if agrees else "⚠ " + self.tr("differs")]  # words and signs, not colour
            set_row(self.table, row, cells)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Shift"))
        o = self.operator
        self.who.setText(self.tr("Cashier {name} (staff number {operator_id})").format(
            name=o.name, operator_id=o.operator_id) if o else "")
        if self.loading:
            state = ""
        elif self.shift is not None:
            state = self.tr("Shift {number} open since {time}.").format(number=self.shift.number,
                                                                       time=_time(self.shift.opened_at))
        elif self.closed is not None:
            state = self.tr("Shift {number} closed at {time}.").format(number=self.closed.shift.number,
                                                                      time=_time(self.closed.closed_at))
        else:
            state = self.tr("No shift is open. Open one before serving patients.")
        self.state.setText(state)
        self._fill_table()
        c = self.closed
        if c is None:
            result = ""
        elif c.agrees:
            result = "✓ " + self.tr("The desk's journal and the platform's records agree completely, to the fen.")
        else:
            result = "⚠ " + self.tr("{count} differences between the desk's journal and the platform's records: a "
                                    "supervisor must check each one.").format(count=len(c.differences))
        set_optional_text(self.result, result)
        set_optional_text(self.differences, "\n".join("• " + difference_text(d) for d in c.differences) if c else "")
        set_optional_text(self.day, counterparts_text(c) if c else "")
        set_optional_text(self.cash, cash_text(c) if c else "")
        counting = self.counting and self.shift is not None
        set_optional_text(self.count_label, self.tr(
            "Count the cash in the drawer and enter it in yuan, then tap \"Close the shift\". The shift is closed "
            "at the platform and the report printed.") if counting else "")
        self.count_field.setVisible(counting)
        self.count_field.setAccessibleName(self.tr("Cash counted in the drawer, in yuan"))
        self.confirm_button.setVisible(counting)
        self.keep_button.setVisible(counting)
        set_button_text(self.confirm_button, self.tr("Close the shift"))
        set_button_text(self.keep_button, self.tr("Keep it open"))
        self.confirm_button.setEnabled(not (self.busy or self.loading))
        if c is not None and c.print_error is None:
            printed = self.tr("The report is printing on A4.")
        elif c is not None:
            printed = "⚠ " + self.tr("The report could not be printed. Check the A4 printer.")
        else:
            printed = ""
        doing = {"opening": self.tr("Opening the shift…"),
                 "closing": self.tr("Counting and printing the report, please wait…")}.get(self.doing, "")
        busy = self.tr("Loading, please wait…") if self.loading else doing if self.busy else ""
        set_optional_text(self.status, busy or printed)
        if self.error_code == "cash_count_required":
            notice = self.tr("Enter the cash counted in the drawer, in yuan (0 if there is none).")
        else:
            notice = message_for(self.error_code) if self.error_code else ""
        set_optional_text(self.notice, "⚠ " + notice if notice else "")
        set_button_text(self.open_button, self.tr("Open shift"))
        set_button_text(self.close_button, self.tr("Close shift and print the report"))
        set_button_text(self.logout_button, self.tr("Log out"))
        set_button_text(self.back_button, self.tr("Back to start"))
        idle = not (self.busy or self.loading)
        self.open_button.setVisible(self.shift is None and not self.loading)
        self.close_button.setVisible(self.shift is not None and not counting)
        self.open_button.setEnabled(idle)
        self.close_button.setEnabled(idle)
        self.back_button.setEnabled(idle)
        self.logout_button.setEnabled(idle)


class ShiftJourney(Journey):
    key = "shift"
    needs_identity = False
    desk_only = True
    opened = Signal(object)  # Shift, for tests
    closed = Signal(object)  # ShiftClosed

    def __init__(self, ctx):
        super().__init__(ctx)
        self.screen: ShiftScreen = self.add_screen(ShiftScreen())
        self.screen.open_requested.connect(self.open)
        self.screen.close_requested.connect(self.close)
        self.screen.logout_requested.connect(self.logout)

    def title(self) -> str:
        return translate("ShiftJourney", "Shift and report")

    def begin(self, session) -> None:
        desk = self.ctx.services.desk
        self.screen.show_loading(operator=desk.acting())
        self.show(self.screen)
        self.ctx.run(self.ctx.services.shifts.current, self.screen.show_shift, self._failed)

    def open(self) -> None:
        operator = self.ctx.services.desk.acting()
        self.screen.set_busy(doing="opening")
        self.ctx.run(lambda: self.ctx.services.shifts.open(operator), self._opened, self._failed)

    def _opened(self, shift) -> None:
        self.screen.show_shift(shift)
        self.opened.emit(shift)

    def close(self, counted_cash_fen: int) -> None:
        operator = self.ctx.services.desk.acting()
        hospital = self.ctx.services.settings.hospital_name
        self.screen.set_busy(doing="closing")
        self.ctx.run(lambda: self.ctx.services.shifts.close(operator, hospital, counted_cash_fen), self._closed,
                     self._failed)

    def _closed(self, closed) -> None:
        self.screen.show_closed(closed)
        self.closed.emit(closed)

    def _failed(self, error) -> None:
        self.screen.show_error(error_code(error))

    def logout(self) -> None:
        login = getattr(self.ctx, "desk_login", None)
        if login is not None:
            login.logout("logout")
        else:
            self.ctx.window.go_home()
