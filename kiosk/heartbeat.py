"""Fleet health: the kiosk tells the platform how it is, every few minutes.

A :class:`Heartbeat` is one plain thread (``kiosk-heartbeat``), never the GUI thread: it
collects a report and sends it (``POST /v1/fleet/heartbeat``), then waits
``heartbeat_interval_s``. The first report goes out at start, so IT sees a kiosk come up.
A report that cannot be sent is not retried (the next one follows): the failure is
logged once, and its end once.

The report (:func:`collect`) reads the services through small hooks, each optional, so
a part that is missing or fails never stops the heartbeat:

========== ======================================================================
queue      ``services.queue_state()`` → ``{"length", "oldest_at", "conflicts"}``; without
           it the journal's ``pending()`` entries (and ``conflicts()``, when it has them)
printer    ``services.printer_state()``; without it ``services.printer.status()`` or
           its back-end's → ``{"state", "detail"[, "last_error", "reprints_waiting"]}``
devices    ``services.reader.status()`` → the device manager's ``DeviceStatus`` list: a
           device whose thread died is ``lost`` with the reason and the restarts in
           ``problem`` until it is back; once back, ``problem`` still says how often it
           was restarted and why it last went down
========== ======================================================================

The app sends a report at once when a device is lost or back (``beat_now``), so IT
hears of a dead reader within seconds, not at the next interval.

No personal data: versions, counts, times and states only.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime

log = logging.getLogger("kiosk.heartbeat")

PATH = "/v1/fleet/heartbeat"
STOP_TIMEOUT_S = 15.0


def _iso(moment) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def _queue(services) -> dict | None:
    hook = getattr(services, "queue_state", None)
    if hook is not None:
        state = hook()
        return None if state is None else {"length": int(state["length"]),
                                           "oldest_at": _iso(state.get("oldest_at")),
                                           "conflicts": int(state.get("conflicts", 0))}
    journal = getattr(services, "journal", None)
    pending = getattr(journal, "pending", None)
    if pending is None:
        return None
    entries = pending()
    oldest = min((e.created_at for e in entries), default=None)
    conflicts = getattr(journal, "conflicts", None)  # the offline outbox: awaiting a cashier
    return {"length": len(entries), "oldest_at": _iso(oldest),
            "conflicts": len(conflicts()) if conflicts is not None else 0}


def _printer(services) -> dict | None:
    hook = getattr(services, "printer_state", None)
    if hook is None:  # DocumentPrinter.status(), else its back-end's
        printer = getattr(services, "printer", None)
        hook = getattr(printer, "status", None) or getattr(getattr(printer, "backend", None), "status", None)
    if hook is None:
        return None
    state = hook() or {}
    report = {"state": str(state.get("state", "unknown"))[:64], "detail": str(state.get("detail", ""))[:300]}
    if state.get("last_error"):
        report["last_error"] = str(state["last_error"])[:64]
    if state.get("reprints_waiting"):
        report["reprints_waiting"] = int(state["reprints_waiting"])
    return report


def _devices(services) -> list[dict]:
    status = getattr(getattr(services, "reader", None), "status", None)
    if status is None:
        return []
    devices = []
    for device in status()[:32]:
        fields = asdict(device) if is_dataclass(device) else dict(device)
        report = {key: str(fields.get(key, ""))[:64 if key in ("name", "state") else 300]
                  for key in ("name", "kind", "state", "problem")}
        restarts = int(fields.get("restarts") or 0)
        if restarts and not report["problem"]:  # back, but IT should know it went down
            times = "1 time" if restarts == 1 else f"{restarts} times"
            report["problem"] = (f"restarted {times} since the kiosk started; last down at "
                                 f"{fields.get('last_failure_at', '')}: {fields.get('last_failure', '')}")[:300]
        devices.append(report)
    return devices


def collect(services, *, started_at: datetime, now: Callable[[], datetime] | None = None) -> dict:
    """The report: the app's version and mode, the queue, the printer, the devices."""
    from kiosk import __version__

    settings = getattr(services, "settings", None)
    report = {
        "version": __version__,
        "sent_at": _iso((now or _now)()),
        "started_at": _iso(started_at),
        "mode": getattr(settings, "mode", "kiosk"),
        "training": bool(getattr(services, "training", False)),
        "queue": None,
        "printer": None,
        "devices": [],
    }
    for key, read in (("queue", _queue), ("printer", _printer), ("devices", _devices)):
        try:
            report[key] = read(services)
        except Exception as exc:  # noqa: BLE001 - a broken part is reported, never fatal
            log.warning("heartbeat: cannot read the %s state: %s", key, type(exc).__name__)
            if key == "printer":
                report[key] = {"state": "unknown", "detail": f"status failed: {type(exc).__name__}"}
    return report


def _now() -> datetime:
    return datetime.now(UTC).astimezone()


class Heartbeat:
    """Calls ``send(collect())`` now and then every ``interval_s`` on its own thread."""

    def __init__(self, collect: Callable[[], dict], send: Callable[[dict], object], interval_s: float,
                 *, name: str = "kiosk-heartbeat"):
        if interval_s <= 0:
            raise ValueError("interval_s must be more than 0")
        self._collect = collect
        self._send = send
        self.interval_s = interval_s
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.sent = 0  # reports the platform took
        self.failed = 0
        self.last_error: str | None = None
        self.last_report: dict | None = None

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def beat_now(self) -> None:
        """Send a report at once (then every ``interval_s`` again)."""
        self._wake.set()

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Stop and wait for the thread (a report being sent finishes or times out first)."""
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stopping:
            self._beat()
            self._wake.wait(self.interval_s)
            self._wake.clear()

    def _beat(self) -> None:
        try:
            report = self._collect()
            self._send(report)
        except Exception as exc:  # noqa: BLE001 - the next beat tries again
            self.failed += 1
            error = f"{type(exc).__name__}: {exc}"
            if self.last_error is None:
                log.warning("heartbeat not sent: %s", error)
            self.last_error = error
            return
        self.sent += 1
        self.last_report = report
        if self.last_error is not None:
            log.info("heartbeat sent again after %d failures", self.failed)
            self.last_error = None


def start_heartbeat(services, settings, *, started_at: datetime | None = None) -> Heartbeat | None:
    """The app's heartbeat to its platform, started; None when ``heartbeat_interval_s`` is 0."""
    if not settings.heartbeat_interval_s:
        return None
    started_at = started_at or _now()
    platform = services.platform
    beat = Heartbeat(lambda: collect(services, started_at=started_at),
                     lambda report: platform.request("POST", PATH, report),
                     settings.heartbeat_interval_s)
    return beat.start()
