"""Device threads that die are restarted; what the devices are doing is written down.

:class:`DeviceSupervisor` is one plain thread (``device-supervisor``) that watches every
supervised device of the manager. A device is *down* when its worker thread has ended
on its own (``failure`` says why: an exception escaped the driver's loop) or is simply
no longer running (a simulator process that was killed). A down device is marked lost
with the reason in words (the device emits ``DeviceLost``), then restarted after a
back-off that doubles with each failure in a row, from ``first_delay_s`` up to
``max_delay_s`` (30 s); a device that has run ``stable_s`` since its last restart starts
again from the shortest delay. The restarted device stays lost until it answers, which
gives ``DeviceBack``. It never gives up: a kiosk with no reader helps nobody, and the
tries cost nothing when far apart.

The live states (state, problem, restarts, last failure) are written to
``devices.json`` in the data folder each time they change, by this thread, never by the
GUI thread: ``kiosk-admin selftest`` and ``kiosk-admin logs bundle`` run in another
process and read them from there (:func:`read_live_states`). The file holds device
names, states and error *types*, never an exception's text: no personal data.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger("kiosk.devices.supervisor")

LIVE_STATES = "devices.json"


@dataclass
class Watch:
    """What the supervisor knows of one device."""

    started: bool = False  # the manager started it (or tried to)
    restarts: int = 0  # restarts since the kiosk started
    streak: int = 0  # failures in a row: sets the back-off
    due: float | None = None  # monotonic time the next restart is due, while down
    up_since: float = 0.0
    last_failure: str = ""
    last_failure_at: str = ""
    start_error: str = ""  # why the last start or restart itself failed


def _now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


class DeviceSupervisor:
    def __init__(self, devices: list, *, first_delay_s: float = 0.5, max_delay_s: float = 30.0,
                 stable_s: float = 60.0, watch_s: float = 1.0,
                 on_round: Callable[[], None] | None = None, clock: Callable[[], float] = time.monotonic):
        self.devices = [d for d in devices if getattr(d, "supervised", False)]
        self.first_delay_s = first_delay_s
        self.max_delay_s = max_delay_s
        self.stable_s = stable_s
        self.watch_s = watch_s
        self.on_round = on_round  # after each round, on this thread (the manager writes the live states)
        self.clock = clock
        self.watches: dict[str, Watch] = {d.name: Watch() for d in devices}
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the manager's calls ---------------------------------------------------------
    def started(self, device, error: str = "") -> None:
        """The manager started ``device``; ``error``: why it did not start (then it is down)."""
        watch = self.watches[device.name]
        watch.started = True
        watch.up_since = self.clock()
        watch.start_error = error

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="device-supervisor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)

    def wake(self) -> None:
        """Look at the devices now (a device changed state)."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the thread --------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                next_due = self.round()
            except Exception:
                log.exception("device supervisor round failed")
                next_due = None
            if self.on_round is not None:
                try:
                    self.on_round()
                except Exception:
                    log.exception("device states not written")
            wait = self.watch_s if next_due is None else min(self.watch_s, max(0.0, next_due - self.clock()))
            self._wake.wait(wait)
            self._wake.clear()

    def round(self) -> float | None:
        """Look at every device once: mark the newly down, restart those due. Returns when
        the next restart is due (monotonic), or None."""
        next_due = None
        for device in self.devices:
            if self._stopping.is_set():
                break
            watch = self.watches[device.name]
            if not watch.started:
                continue
            if watch.due is None:
                self._look(device, watch)
            elif self.clock() >= watch.due:
                self._restart(device, watch)
            if watch.due is not None:
                next_due = watch.due if next_due is None else min(next_due, watch.due)
        return next_due

    def _look(self, device, watch: Watch) -> None:
        # ``running`` first, then why: a device that ends between the two reads is then seen
        # down with its reason (read the other way round, the reason could still be "").
        running = device.running
        failure = getattr(device, "failure", "") or watch.start_error
        if running and not failure:
            if watch.streak and self.clock() - watch.up_since >= self.stable_s:
                watch.streak = 0  # it has run a good while: the next failure is a fresh one
            return
        reason = failure or "its worker stopped"
        delay = min(self.max_delay_s, self.first_delay_s * 2 ** watch.streak)
        watch.streak += 1
        watch.due = self.clock() + delay
        watch.last_failure, watch.last_failure_at = reason, _now_iso()
        log.error("%s is down: %s; restart %d in %g s", device.name, reason, watch.restarts + 1, delay)
        device.fail(f"{reason}; restarting it in {delay:g} s")

    def _restart(self, device, watch: Watch) -> None:
        watch.due = None
        watch.restarts += 1
        watch.up_since = self.clock()
        watch.start_error = ""
        times = "1 time" if watch.restarts == 1 else f"{watch.restarts} times"
        # Said before the restart: once running, the device may answer (and be ready) at once.
        device.fail(f"{watch.last_failure}; restarted {times}, waiting for it to answer")
        try:
            device.restart()
        except Exception as exc:  # noqa: BLE001 - a restart that fails is a failure like any other
            log.error("%s did not restart: %s", device.name, exc)
            watch.start_error = f"it did not restart ({type(exc).__name__})"
            return
        log.info("%s restarted (%s)", device.name, times)


# -- the live states, for kiosk-admin in another process ---------------------------------------
def live_states_path(settings) -> Path | None:
    data_path = getattr(settings, "data_path", None)
    return None if data_path is None else Path(data_path) / LIVE_STATES


def write_live_states(path: Path, devices: list[dict], *, running: bool) -> None:
    """Atomically: the devices' states, this process's id and whether it still runs them."""
    record = {"pid": os.getpid(), "running": running, "written_at": _now_iso(), "devices": devices}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".devices-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class LiveStates:
    """What a kiosk process last wrote. ``live``: that process runs now and runs its devices."""

    live: bool
    pid: int
    written_at: str
    devices: list[dict]

    def problems(self) -> list[dict]:
        return [d for d in self.devices if d.get("state") == "lost"]


def read_live_states(path: Path | None) -> LiveStates | None:
    """The states a kiosk wrote, or None when none was ever written here (or it is unreadable)."""
    if path is None:
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        pid = int(record["pid"])
        devices = [dict(d) for d in record["devices"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    live = bool(record.get("running")) and _process_alive(pid)
    return LiveStates(live, pid, str(record.get("written_at", "")), devices)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's: alive
    return True
