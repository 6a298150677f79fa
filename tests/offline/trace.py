"""Stop points for the crash tests, in the process under test (the kiosk, the platform, and
later any other service of a settlement).

A process marks named points of its work: the kiosk through ``kiosk.usecases.writes.phase``
(a no-op in the app; its driver installs ``Tracer.stop_here`` as the hook), the platform
through its trace middleware (``tests/offline/platform.py``). The harness *arms* a phase;
the next time the process reaches it, it prints ``stop <process> <phase> <detail>`` and that
thread waits there, for ``go`` or, usually, for the SIGKILL the harness sends at exactly
that point. An unarmed phase costs a dictionary look-up.

The harness speaks to the process on its stdin, one command a line:

- ``arm <phase> [skip]``: stop the (skip+1)-th next time; answered ``armed <phase>``.
- ``disarm <phase>``: answered ``disarmed <phase> 1`` if it was still armed, ``... 0`` if the
  stop has happened (its ``stop`` line came first: one lock orders both lines).
- ``go``: release every thread waiting at a stop.
- anything else goes, in order, to the process's own command queue; the end of stdin
  becomes ``quit``.

``TRACE_ARM=<phase>[:skip],...`` in the environment arms phases before anything runs (a
restarted kiosk stopped inside its start-up recovery).
"""
from __future__ import annotations

import os
import queue
import sys
import threading

ARM_ENV = "TRACE_ARM"


class Tracer:
    def __init__(self, process: str, out=None):
        self.process = process
        self._out = out or sys.stdout
        self._lock = threading.Lock()
        self._armed: dict[str, int] = {}
        self._waiting: list[threading.Event] = []
        for item in filter(None, os.environ.get(ARM_ENV, "").split(",")):
            name, _, skip = item.rpartition(":")  # a phase may hold colons itself (saga:outpatient:hold:sent)
            if not skip.isdigit():
                name, skip = item, "0"
            self._armed[name] = int(skip)

    def say(self, line: str) -> None:
        """One whole line on stdout (threads never interleave their lines)."""
        with self._lock:
            self._write(line)

    def _write(self, line: str) -> None:
        self._out.write(line + "\n")
        self._out.flush()

    # -- the process side ---------------------------------------------------------------
    def hit(self, phase: str, detail: str = "") -> threading.Event | None:
        """At ``phase``: if it is armed (and its skips are used up) announce the stop and
        return the event to wait on; else None at once."""
        with self._lock:
            skip = self._armed.get(phase)
            if skip is None:
                return None
            if skip:
                self._armed[phase] = skip - 1
                return None
            del self._armed[phase]
            released = threading.Event()
            self._waiting.append(released)
            self._write(f"stop {self.process} {phase} {detail}".rstrip())
        return released

    def stop_here(self, phase: str, detail: str = "") -> None:
        """The hook for a thread: returns at once unless ``phase`` is armed; then waits."""
        released = self.hit(phase, detail)
        if released is not None:
            released.wait()

    # -- the harness side ---------------------------------------------------------------
    def command(self, line: str) -> bool:
        """Carry out a trace command; False if ``line`` is not one."""
        words = line.split()
        if not words or words[0] not in ("arm", "disarm", "go"):
            return False
        with self._lock:
            if words[0] == "arm":
                self._armed[words[1]] = int(words[2]) if len(words) > 2 else 0
                self._write(f"armed {words[1]}")
            elif words[0] == "disarm":
                self._write(f"disarmed {words[1]} {int(self._armed.pop(words[1], None) is not None)}")
            else:
                waiting, self._waiting = self._waiting, []
                for released in waiting:
                    released.set()
        return True

    def serve(self, commands: queue.Queue, stdin=None) -> threading.Thread:
        """Read stdin on a thread of its own: trace commands at once (even while the main
        thread is busy or stopped), the rest into ``commands``; ``quit`` at the end."""

        def read() -> None:
            for line in stdin or sys.stdin:
                line = line.strip()
                if line and not self.command(line):
                    commands.put(line)
            commands.put("quit")

        thread = threading.Thread(target=read, name="trace-stdin", daemon=True)
        thread.start()
        return thread
