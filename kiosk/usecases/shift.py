"""A cashier's shift: opened, then closed with a reconciliation report printed on A4.

The platform holds the shift (``POST /v1/shifts/open``, ``/v1/shifts/close``, ``GET
/v1/shifts/current``) and takes no money at the desk without it (409 ``shift_not_open``);
the desk's audit log records its opening and closing too (``shift_open`` and
``shift_close`` records), so they are part of the tamper-evident trail.

At close, the cashier confirms and enters the cash they counted in the drawer (a blind count:
the expected figure is shown only after). The report compares what the desk counted in the
shift (the journal's confirmed writes between the kiosk's open and close times:
``Reconcile.kiosk_between``) with what the platform booked for that operator's shift at this
desk: its entries between the *platform's* open and close times of the shift it holds (the
platform allows no money at the desk but in the operator's open shift, so these are exactly the
shift's), so the two clocks never need to agree. Counts and sums by kind and by channel, to the
fen; every difference item by item (:class:`Difference`: an entry on one side only, or a part
that differs); the counted cash against the cash the journal says to hand over. The records
"agree" only when there is no difference at all.

With the three counterparts (issue 12), the close also reconciles the business day so far with each of them
(``kiosk.usecases.counterparts``: the insurance platform's 3201, the credit platform's bookings, the HIS's marks):
its findings are shown and printed apart (``ShiftClosed.counterparts``), as they are the day's, not the shift's.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from kiosk.domain.clock import business_date
from kiosk.domain.money import format_cny
from kiosk.domain.reconciliation import DayReport, Entry
from kiosk.usecases.reconciliation import Reconcile
from kiosk.usecases.repayment import Refused

log = logging.getLogger("kiosk.shift")

OPEN, CLOSE = "shift_open", "shift_close"
#: Kinds whose money goes back to the patient (cash out of the drawer, when in cash).
OUTGOING = ("registration_cancel", "refund", "void")
PARTS = ("credit_fen", "channel_fen", "cash_fen", "amount_fen")
#: How paper names them (the report is in Chinese).
KIND_ON_PAPER = {"registration": "挂号", "registration_cancel": "退号", "settlement": "门诊结算",
                 "discharge": "出院结算", "repayment": "还款", "refund": "退费"}
PART_ON_PAPER = {"credit_fen": "信用额度", "channel_fen": "渠道/银行卡", "cash_fen": "现金", "amount_fen": "合计"}


@dataclass(frozen=True)
class Difference:
    """One item where the desk's journal and the platform's records of the shift differ. ``part``:
    ``only_desk`` (in the journal, not in the platform's records), ``only_platform`` (the reverse), or
    the part of the amount that differs (``credit_fen``, ``channel_fen``, ``cash_fen``, ``amount_fen``)."""

    kind: str
    reference: str
    part: str
    desk_fen: int = 0
    platform_fen: int = 0

    def on_paper(self) -> str:
        kind = KIND_ON_PAPER.get(self.kind, self.kind)
        if self.part == "only_desk":
            return f"{kind} {self.reference}：本窗口日志有（{format_cny(self.desk_fen)}），平台记录无"
        if self.part == "only_platform":
            return f"{kind} {self.reference}：平台记录有（{format_cny(self.platform_fen)}），本窗口日志无"
        return (f"{kind} {self.reference}：{PART_ON_PAPER.get(self.part, self.part)} 本窗口 "
                f"{format_cny(self.desk_fen)}，平台 {format_cny(self.platform_fen)}")


def differences(ours: DayReport, theirs: list[dict]) -> tuple[Difference, ...]:
    """Item by item, by kind and reference: entries on one side only, then each part that differs."""
    mine = {(e.kind, e.reference): e for e in ours.entries}
    platform = {(p["kind"], p["reference"]): p for p in theirs}
    found = [Difference(k, r, "only_desk", mine[(k, r)].amount_fen) for k, r in sorted(mine.keys() - platform.keys())]
    found += [Difference(k, r, "only_platform", 0, int(platform[(k, r)].get("amount_fen", 0)))
              for k, r in sorted(platform.keys() - mine.keys())]
    for key in sorted(mine.keys() & platform.keys()):
        e, p = mine[key], platform[key]
        found += [Difference(*key, part, getattr(e, part), int(p.get(part, 0))) for part in PARTS
                  if getattr(e, part) != int(p.get(part, 0))]
    return tuple(found)


def cash_to_hand_over(totals: dict) -> int:
    """Cash taken in less cash given back, from totals by kind."""
    return sum(-t.get("cash_fen", 0) if kind in OUTGOING else t.get("cash_fen", 0) for kind, t in totals.items())


@dataclass(frozen=True)
class Shift:
    """A cashier's shift at the desk, as opened here and at the platform."""

    number: int  # the audit record that opened it
    operator_id: str
    operator_name: str
    opened_at: datetime  # the kiosk's clock (UTC)
    platform_opened_at: datetime  # the platform's clock
    shift_id: str = ""  # the platform's


@dataclass(frozen=True)
class ShiftClosed:
    """A shift closed: the kiosk's and the platform's figures, their differences and the cash counted."""

    shift: Shift
    closed_at: datetime
    platform_closed_at: datetime
    kiosk: dict  # kind -> totals (count, amount_fen, credit_fen, channel_fen, cash_fen)
    platform: dict
    differences: tuple[Difference, ...]
    audit_head: str
    counted_cash_fen: int = 0  # what the cashier counted in the drawer
    report_job: str | None = None
    print_error: str | None = None
    #: The day's reconciliation with the HIS, the insurance and the credit platform (``Finding``s), and which
    #: of them answered; ``None``: the desk has no such counterparts (or the reconciliation failed).
    counterparts: tuple | None = None
    counterparts_checked: tuple[str, ...] = ()

    @property
    def agrees(self) -> bool:
        """The desk's journal and the platform's records agree, item by item."""
        return not self.differences

    @property
    def expected_cash_fen(self) -> int:
        """The cash the journal says is in the drawer (taken in less given back)."""
        return cash_to_hand_over(self.kiosk)

    @property
    def cash_difference_fen(self) -> int:
        """Counted less expected: negative is short."""
        return self.counted_cash_fen - self.expected_cash_fen


class Shifts:
    def __init__(self, platform, journal, desk, printer, counterparts=None):
        self.platform = platform
        self.desk = desk
        self.printer = printer
        self.reconcile = Reconcile(platform, journal)
        self.counterparts = counterparts  # ReconcileCounterparts, with the HIS and the insurance

    # -- on a worker ----------------------------------------------------------------------
    def current(self) -> Shift | None:
        """The desk's open shift as the platform holds it (the audit log's record of its opening
        gives the number and the desk's time); None when none is open."""
        found = self.platform.request("GET", "/v1/shifts/current").get("shift")
        if not found:
            return None
        opened = datetime.fromisoformat(found["opened_at"])
        last = self.desk.audit.last(OPEN, CLOSE)
        if last is not None and last.action == OPEN and last.details.get("shift_id") == found["shift_id"]:
            return Shift(last.seq, last.operator_id, last.details.get("operator_name", ""), last.at, opened,
                         found["shift_id"])
        return Shift(0, found["operator_id"], "", opened, opened, found["shift_id"])  # opened before this desk's log

    def open(self, operator) -> Shift:
        if self.current() is not None:
            raise Refused("shift_already_open")
        found = self.platform.request("POST", "/v1/shifts/open", {}, key=uuid.uuid4().hex)["shift"]
        platform_time = datetime.fromisoformat(found["opened_at"])
        record = self.desk.record(OPEN, {"operator_name": operator.name, "platform_time": platform_time.isoformat(),
                                         "shift_id": found["shift_id"]}, operator.operator_id)
        log.info("shift %d opened by %s", record.seq, operator.operator_id)
        return Shift(record.seq, operator.operator_id, operator.name, record.at, platform_time, found["shift_id"])

    def close(self, operator, hospital: str, counted_cash_fen: int) -> ShiftClosed:
        """Count, compare, record the close (audit) and print the report. ``counted_cash_fen``: the cash
        the cashier counted in the drawer."""
        if counted_cash_fen < 0:
            raise Refused("amount_invalid")
        shift = self.current()
        if shift is None:
            raise Refused("no_shift_open")
        if operator.operator_id != shift.operator_id and not operator.is_supervisor:
            raise Refused("not_your_shift")
        found = self.platform.request("POST", "/v1/shifts/close", {"shift_id": shift.shift_id},
                                      key=uuid.uuid4().hex)["shift"]
        platform_closed = datetime.fromisoformat(found["closed_at"])
        closed_at = datetime.now(UTC)
        ours = self.reconcile.kiosk_between(shift.opened_at, closed_at)
        theirs = self._platform_entries(shift.platform_opened_at, platform_closed)
        found = differences(ours, theirs)
        platform_report = DayReport([Entry(e["kind"], e["reference"], e.get("credit_fen", 0),
                                           e.get("channel_fen", 0), e.get("cash_fen", 0)) for e in theirs])
        kiosk_totals, platform_totals = ours.totals(), platform_report.totals()
        record = self.desk.record(CLOSE, {
            "shift": shift.number, "agrees": not found, "differences": len(found),
            "counts": {kind: t["count"] for kind, t in kiosk_totals.items() if t["count"]},
            "amounts_fen": {kind: t["amount_fen"] for kind, t in kiosk_totals.items() if t["count"]},
            "counted_cash_fen": counted_cash_fen, "expected_cash_fen": cash_to_hand_over(kiosk_totals),
        }, operator.operator_id)
        closed = ShiftClosed(shift, closed_at, platform_closed, kiosk_totals, platform_totals, found,
                             record.hash, counted_cash_fen)
        closed = self._with_counterparts(closed)
        job, error = self._print(closed, hospital)
        log.info("shift %d closed: %s, cash %+d fen, report %s", shift.number, "agrees" if closed.agrees else
                 f"{len(found)} differences", closed.cash_difference_fen,
                 "printed" if error is None else f"not printed ({error})")
        return replace(closed, report_job=job, print_error=error)

    # -- helpers ----------------------------------------------------------------------------
    def _with_counterparts(self, closed: ShiftClosed) -> ShiftClosed:
        """The day so far reconciled with each counterpart (a failure is logged: the shift still closes)."""
        if self.counterparts is None:
            return closed
        try:
            report = self.counterparts(business_date(closed.closed_at))
        except Exception as exc:  # the shift closes even when the day's cross-check fails
            log.error("the day's reconciliation with the counterparts failed: %s", type(exc).__name__, exc_info=exc)
            return closed
        return replace(closed, counterparts=tuple(report.findings), counterparts_checked=report.checked)

    def _platform_entries(self, start: datetime, end: datetime) -> list[dict]:
        """The platform's entries for this terminal between two of its own times."""
        entries, day = [], business_date(start)
        while day <= business_date(end):
            for e in self.reconcile.platform_day(day)["entries"]:
                if start <= datetime.fromisoformat(e["at"]) <= end:
                    entries.append(e)
            day += timedelta(days=1)
        return entries

    def _print(self, closed: ShiftClosed, hospital: str) -> tuple[str | None, str | None]:
        """Render and print the A4 report; a printer fault is reported, never raised."""
        from printing.backends import PrintError, PrintJob, send
        from printing.shift_report import KINDS, KindFigures, ShiftSheet, render_shift_report

        s = closed.shift
        sheet = ShiftSheet(hospital, self.desk.terminal_id, s.operator_id, s.operator_name, s.number, s.opened_at,
                           closed.closed_at, tuple(KindFigures(kind, closed.kiosk.get(kind, {}),
                                                               closed.platform.get(kind, {})) for kind, _ in KINDS),
                           tuple(d.on_paper() for d in closed.differences), closed.audit_head, datetime.now(UTC),
                           counted_cash_fen=closed.counted_cash_fen, counterparts=_counterparts_on_paper(closed))
        name = f"shift-{self.desk.terminal_id}-{s.number}"
        backend = getattr(self.printer, "a4_backend", None) or self.printer.backend
        try:
            pdf = render_shift_report(sheet, face=_face_for(backend))
        except Exception as exc:
            log.error("shift report not rendered: %s", type(exc).__name__, exc_info=exc)
            return None, "document"
        archive = getattr(self.printer, "archive", None)
        if archive is not None:
            archive.store(name, pdf, sheet.printed_at)
        try:
            return send(backend, PrintJob(name, pdf, a4=True)), None
        except PrintError as exc:
            log.error("shift report not printed: %s", exc.reason)
            return None, exc.reason


def _counterparts_on_paper(closed: ShiftClosed) -> tuple[str, ...] | None:
    if closed.counterparts is None:
        return None
    from kiosk.reconciliation_words import on_paper

    return tuple(on_paper(f) for f in closed.counterparts)


def _face_for(backend):
    """The embedded CJK face for a back-end that prints on a host without Chinese fonts
    (a CUPS queue), as ``DocumentPrinter`` does; ``None``: the PDF's CID font."""
    if not getattr(backend, "embeds_font", False):
        return None
    from printing.fonts import FontUnavailable, embedded_face

    try:
        return embedded_face()
    except FontUnavailable as exc:
        log.error("shift report without an embedded CJK font: %s", exc)
        return None
