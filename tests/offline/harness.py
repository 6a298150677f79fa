"""The harness side of the crash tests: processes that can be stopped at named phases and
killed exactly there, the ledger of what patients were told, and kills counted by phase.

- ``Role``: a kind of process (the kiosk, the platform; later the HIS, the insurer...):
  how to start one, the line that says it is ready, whether it is started again at once
  after a kill (a service) or by the scenario (the kiosk, which may be armed at start).
- ``Traced``: one incarnation of a role. Its stdout lines become ``Event``s on one queue;
  ``told`` and ``shown`` lines go to the ledger first, from the reading thread, before any
  other part of the harness sees them (a kill never outruns what the patient was told).
- ``Stop``: a planned kill — the phase, the process that stops there, the victims
  (the stopped process, others, or only others: a platform killed while the kiosk waits
  for its answer). ``Harness.arm`` arms it; when its ``stop`` line comes, ``land`` kills
  the victims (SIGKILL, in order), releases the stopped process if it is not one of them,
  restarts services, and counts the kill in the ``KillTable`` under the phase and the
  context the scenario set (online, offline, sync, start-up).
- ``Ledger``: what the kiosk told each patient, one JSON line per event, appended and
  fsynced: a file of the test's own, not the kiosk's data.

At most one stop is armed at a time, across all processes.
"""
from __future__ import annotations

import itertools
import json
import os
import queue
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.offline.trace import ARM_ENV

LEDGER_KINDS = frozenset({"told", "shown"})


class Ledger:
    """Append-only, one JSON object a line, each line fsynced before ``record`` returns."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._file = open(self.path, "a", encoding="utf-8")  # closed by close()
        self._lock = threading.Lock()
        self.shown: dict[int, dict] = {}  # attempt -> what the kiosk showed (for checks on the way)

    def record(self, entry: dict) -> None:
        with self._lock:
            self._file.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            self._file.flush()
            os.fsync(self._file.fileno())
            if entry.get("event") == "shown":
                self.shown[entry["n"]] = entry

    def close(self) -> None:
        self._file.close()

    def entries(self) -> list[dict]:
        return self.read(self.path)

    @staticmethod
    def read(path: Path) -> list[dict]:
        """Read back from the file (what survives is what counts)."""
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]


@dataclass(frozen=True)
class Event:
    process: Traced
    kind: str
    text: str = ""

    @property
    def role(self) -> str:
        return self.process.role

    @property
    def data(self) -> dict:
        return json.loads(self.text)


class Traced:
    """One process of a role: stdin for commands, stdout lines as events, stderr to a file."""

    _serial = itertools.count(1)

    def __init__(self, role: str, argv: list[str], env: dict, events: queue.Queue, log_dir: Path,
                 ledger: Ledger | None):
        self.role = role
        self.name = f"{role}-{next(self._serial)}"
        self.stderr_path = Path(log_dir) / f"{self.name}.stderr"
        self.killed = False
        self._events = events
        self._ledger = ledger
        with open(self.stderr_path, "w") as stderr:
            self.process = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=stderr, text=True, bufsize=1)
        self._reader = threading.Thread(target=self._read, name=f"{self.name}-stdout", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for raw in self.process.stdout:
            if not raw.endswith("\n"):
                break  # cut short by a kill: never said whole
            line = raw.rstrip("\n")
            kind, _, text = line.partition(" ")
            if kind in LEDGER_KINDS and self._ledger is not None:
                self._ledger.record({"event": kind, "process": self.name, **json.loads(text)})
            self._events.put(Event(self, kind, text))
        self._events.put(Event(self, "exit"))

    @property
    def alive(self) -> bool:
        return not self.killed and self.process.poll() is None

    def send(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind. Returns once every line it wrote has been read."""
        self.killed = True
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self._finish()

    def close(self, timeout_s: float = 30.0) -> int:
        """End of stdin (``quit``), then wait for a clean exit."""
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        return self._finish(timeout_s)

    def _finish(self, timeout_s: float = 30.0) -> int:
        code = self.process.wait(timeout=timeout_s)
        self._reader.join(timeout_s)
        self.process.stdout.close()
        if not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass
        return code

    def stderr_tail(self, chars: int = 3000) -> str:
        return self.stderr_path.read_text(errors="replace")[-chars:]


@dataclass(frozen=True)
class Role:
    name: str
    argv: Callable[[], list[str]]
    env: Callable[[], dict]
    ready: str  # the first word of the line that says it is ready
    on_ready: Callable[[Event], None] = lambda event: None
    restart_on_kill: bool = False  # a service: started again at once; else the scenario's call


@dataclass(frozen=True)
class Stop:
    phase: str
    process: str  # the role that stops there
    victims: tuple[str, ...]  # roles killed there, in this order
    #: Done while the process waits at the stop, before anything is killed (the world changes at exactly
    #: that point: a cashier takes the bill the kiosk is about to mark).
    before: Callable[[], None] | None = None
    #: Armed on the stopped process before it is released (when it is not a victim): the next stop.
    then: Stop | None = None

    def __str__(self) -> str:
        return f"{self.phase}@{self.process}→{'+'.join(self.victims)}"


@dataclass
class KillTable:
    """Kills by phase: of each role, in each context."""

    phases: dict[str, str]  # phase -> description, in the report's order
    kills: Counter = field(default_factory=Counter)  # (phase, role, context) -> n

    def add(self, phase: str, context: str, killed) -> None:
        for role in killed:
            self.kills[phase, role, context] += 1

    def count(self, phase: str, role: str) -> int:
        return sum(n for (p, r, _), n in self.kills.items() if p == phase and r == role)

    def render(self, role: str, contexts: tuple[str, ...], others: tuple[str, ...]) -> str:
        head = ["phase", *contexts, f"{role} kills", *(f"{o} killed" for o in others)]
        rows = [head]
        for phase, description in self.phases.items():
            row = [f"{phase}: {description}"]
            row += [str(self.kills[phase, role, c]) for c in contexts]
            row.append(str(self.count(phase, role)))
            row += [str(self.count(phase, o)) for o in others]
            rows.append(row)
        total = ["total", *(str(sum(self.kills[p, role, c] for p in self.phases)) for c in contexts),
                 str(sum(self.count(p, role) for p in self.phases)),
                 *(str(sum(self.count(p, o) for p in self.phases)) for o in others)]
        rows.append(total)
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths)))
                 for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        lines.insert(len(lines) - 1, "-" * len(lines[0]))
        return "\n".join(lines)


class Harness:
    """The processes of one crash test, their events, the armed stop and the kills."""

    def __init__(self, roles: list[Role], table: KillTable, ledger: Ledger, log_dir: Path, *,
                 wait_s: float = 60.0):
        self.roles = {r.name: r for r in roles}
        self.table = table
        self.ledger = ledger
        self.log_dir = Path(log_dir)
        self.wait_s = wait_s
        self.events: queue.Queue[Event] = queue.Queue()
        self._backlog: list[Event] = []  # lines no wait has wanted yet (a nested wait must not lose them)
        self.procs: dict[str, Traced] = {}
        self.armed: Stop | None = None
        self.context = ""
        self.starts = Counter()

    # -- processes ----------------------------------------------------------------------
    def alive(self, role: str) -> bool:
        proc = self.procs.get(role)
        return proc is not None and proc.alive

    def start(self, role: str, arm: Stop | None = None) -> Event:
        """Start ``role`` (``arm``: a stop armed before it runs — in its environment if it is
        its own, else on the process that stops) and wait until it is ready. Returns the
        ready event, or the stop event if a stop landed first (see ``until``)."""
        spec = self.roles[role]
        env = spec.env()
        if arm is not None:
            if arm.process == role:
                env[ARM_ENV] = arm.phase
                self.armed = arm
            else:
                self.arm(arm)
        proc = self.procs[role] = Traced(role, spec.argv(), env, self.events, self.log_dir, self.ledger)
        self.starts[role] += 1
        event = self.until(lambda e: e.process is proc and e.kind == spec.ready, waiting_on=role)
        if event.kind == spec.ready:
            spec.on_ready(event)
        return event

    def close(self, role: str) -> int:
        proc = self.procs.pop(role)
        return proc.close()

    def kill_all(self) -> None:
        for proc in self.procs.values():
            if proc.process.poll() is None:
                proc.kill()

    # -- stops --------------------------------------------------------------------------
    def arm(self, stop: Stop) -> None:
        assert self.armed is None, f"{stop} while {self.armed} is armed"
        proc = self.procs[stop.process]
        proc.send(f"arm {stop.phase}")
        self.until(lambda e: e.process is proc and e.kind == "armed", waiting_on=stop.process)
        self.armed = stop

    def disarm(self) -> bool:
        """Take back the armed stop: True if it had not landed (it may land meanwhile)."""
        stop = self.armed
        if stop is None:
            return False
        proc = self.procs[stop.process]
        if not proc.alive:
            self.armed = None
            return True
        proc.send(f"disarm {stop.phase}")
        while True:
            event = self.until(lambda e: e.process is proc and e.kind == "disarmed", waiting_on=stop.process)
            if event.kind == "disarmed":
                if event.text.endswith(" 1"):
                    self.armed = None
                    return True
                continue  # "0": its stop line came first and has been carried out
            if not proc.alive:  # it landed and killed the process that would answer
                return False

    def land(self, event: Event) -> list[str]:
        """Carry out the armed stop whose line this is: kill its victims, release the
        stopped process if it lives on, restart services. Returns the roles killed."""
        stop = self.armed
        phase = event.text.split(" ", 2)[1]
        assert stop is not None and stop.process == event.role and stop.phase == phase, \
            f"a stop nobody armed: {event.role} {event.text} (armed: {stop})"
        self.armed = None
        if stop.before is not None:
            stop.before()
        for role in stop.victims:
            self.procs[role].kill()
        if stop.process not in stop.victims:
            if stop.then is not None:
                self.arm(stop.then)
            self.procs[stop.process].send("go")
        self.table.add(stop.phase, self.context, stop.victims)
        for role in stop.victims:
            if self.roles[role].restart_on_kill:
                self.start(role)
        return list(stop.victims)

    def until(self, target: Callable[[Event], bool], *, waiting_on: str, timeout_s: float | None = None) -> Event:
        """The first event meeting ``target``. A stop that lands meanwhile is carried out;
        if it killed ``waiting_on`` (whose answer will never come) its event is returned."""
        deadline = time.monotonic() + (timeout_s or self.wait_s)
        while True:
            for event in list(self._backlog):  # stops and exits never wait here: they are dealt with at once
                if self.procs.get(event.role) is not event.process:
                    self._backlog.remove(event)
                elif target(event):
                    self._backlog.remove(event)
                    return event
            try:
                event = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no answer from {waiting_on} in {timeout_s or self.wait_s} s; "
                                     f"stderr: {self._tails()}") from None
            current = self.procs.get(event.role) is event.process
            if event.kind == "stop" and current:
                killed = self.land(event)
                if waiting_on in killed:
                    return event
                continue
            if event.kind == "exit":
                if current and not event.process.killed:
                    raise AssertionError(f"{event.process.name} ended by itself: {event.process.stderr_tail()}")
                continue
            if current and target(event):
                return event
            if current:
                self._backlog.append(event)

    def _tails(self) -> str:
        return " | ".join(f"{p.name}: {p.stderr_tail(1500)}" for p in self.procs.values())
