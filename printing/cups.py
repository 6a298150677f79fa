"""The system printer through CUPS: ``lp`` to submit, ``lpstat`` to follow, ``cancel`` to give up.

A job is submitted with ``lp -d QUEUE`` (the PDF, or raw ESC/POS bytes with ``-o raw`` for
a raw queue) and then followed with ``lpstat`` until it leaves the queue's list of
unfinished jobs. A job that has not left it within ``job_timeout_s`` (a paused queue, a
printer that does not take the data) is **stuck**: it is cancelled, so it cannot come out
hours later while the patient's copy is being reprinted, and ``PrintError("stuck")`` is
raised. A queue that reports itself disabled (``cupsdisable``, or CUPS stopped it after a
back-end failure) while our job waits is stuck at once: it will not resume by itself.

Documents for CUPS are drawn with the embedded CJK face (``embeds_font``): the print host
may have no Chinese font, and CUPS filters (Ghostscript) re-render the PDF.

Windows has no ``lp``; there the system printer would be reached through Qt's
``QPrinter`` in the UI layer (see ``docs/printing.md``).
"""
from __future__ import annotations

import logging
import os
import re
import subprocess
import time

from .base import PrintError, QueueState

__all__ = ["CupsBackend", "QueueState"]

log = logging.getLogger("printing.cups")

_REQUEST_ID = re.compile(r"request id is (\S+)")
_COMMAND_TIMEOUT_S = 15.0


class CupsBackend:
    """Print to the CUPS queue ``queue`` (on ``server``: ``host:port`` or a socket path;
    ``None``: the default, or ``$CUPS_SERVER``)."""

    kind = "cups"
    embeds_font = True

    def __init__(self, queue: str, *, server: str | None = None, job_timeout_s: float = 30.0,
                 poll_s: float = 0.05):
        if not queue or any(ch.isspace() or ch in "/#" for ch in queue):
            raise ValueError("cups backend needs a queue name (no spaces, '/' or '#')")
        if job_timeout_s <= 0:
            raise ValueError("job_timeout_s must be more than 0")
        self.queue = queue
        self.server = server or None
        self.job_timeout_s = job_timeout_s
        self.poll_s = poll_s

    def __repr__(self) -> str:
        return f"CupsBackend({self.queue!r}, server={self.server!r})"

    # -- printing -----------------------------------------------------------------------
    def print_document(self, name: str, pdf: bytes) -> str:
        return self.submit(pdf, name)

    def submit(self, data: bytes, title: str, *, raw: bool = False) -> str:
        """Submit ``data`` and wait until the job completes; return the job id
        (``QUEUE-123``). Raises ``PrintError`` (``offline``, ``stuck``)."""
        argv = ["lp", *self._host(), "-d", self.queue, "-t", title[:200] or "document"]
        if raw:
            argv += ["-o", "raw"]
        proc = self._run(argv, data)
        found = _REQUEST_ID.search(proc.stdout)
        if proc.returncode != 0 or found is None:
            raise PrintError("offline", _first_line(proc.stderr) or f"lp exited {proc.returncode}")
        job = found.group(1)
        log.info("job %s submitted to %s (%d bytes)", job, self.queue, len(data))
        self._wait(job)
        return job

    def _wait(self, job: str) -> None:
        started = time.monotonic()
        deadline = started + self.job_timeout_s
        interval = self.poll_s
        while True:
            state = self.queue_state()
            if job not in state.jobs:
                log.info("job %s completed in %.2f s", job, time.monotonic() - started)
                return
            if not state.enabled:
                self.cancel(job)
                raise PrintError("stuck", f"queue {self.queue} is paused"
                                          + (f": {state.message}" if state.message else ""))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.cancel(job)
                raise PrintError("stuck", f"job {job} not completed within {self.job_timeout_s:g} s"
                                          + (f" ({state.message})" if state.message else ""))
            time.sleep(min(interval, remaining))
            interval = min(interval * 1.5, 0.5)

    def cancel(self, job: str) -> None:
        proc = self._run(["cancel", *self._host(), job], check_missing=False)
        if proc.returncode != 0:
            log.warning("could not cancel %s: %s", job, _first_line(proc.stderr))
        else:
            log.warning("cancelled stuck job %s", job)

    # -- state --------------------------------------------------------------------------
    def queue_state(self) -> QueueState:
        """The queue as ``lpstat -p QUEUE -o QUEUE`` reports it."""
        proc = self._run(["lpstat", *self._host(), "-p", self.queue, "-o", self.queue])
        if proc.returncode != 0 and not proc.stdout.strip():
            raise PrintError("offline", _first_line(proc.stderr) or "lpstat failed")
        return parse_lpstat(self.queue, proc.stdout)

    def status(self) -> dict:
        """For the fleet heartbeat: ``state`` is ``ready``, ``printing``, ``stopped`` or
        ``offline`` (no scheduler, no such queue)."""
        try:
            state = self.queue_state()
        except PrintError as exc:
            return {"state": "offline", "detail": exc.detail, "queue": self.queue}
        if not state.exists:
            return {"state": "offline", "detail": "no such queue", "queue": self.queue}
        name = "stopped" if not state.enabled else "printing" if state.printing else "ready"
        return {"state": name, "detail": state.message, "queue": self.queue, "jobs": len(state.jobs)}

    # -- commands -----------------------------------------------------------------------
    def _host(self) -> list[str]:
        return ["-h", self.server] if self.server else []

    def _run(self, argv: list[str], data: bytes | None = None, *, check_missing: bool = True):
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}  # lpstat's words are parsed
        try:
            proc = subprocess.run(argv, input=data if data is not None else b"", capture_output=True,
                                  timeout=_COMMAND_TIMEOUT_S, env=env)
        except FileNotFoundError:
            raise PrintError("offline", f"{argv[0]} is not installed (Debian: cups-client)") from None
        except subprocess.TimeoutExpired:
            raise PrintError("offline", f"{argv[0]} did not answer within {_COMMAND_TIMEOUT_S:g} s") from None
        return subprocess.CompletedProcess(argv, proc.returncode, proc.stdout.decode(errors="replace"),
                                           proc.stderr.decode(errors="replace"))


def parse_lpstat(queue: str, text: str) -> QueueState:
    """Read ``lpstat -p QUEUE -o QUEUE`` output (C locale)::

        printer Q is idle.  enabled since ...
        printer Q now printing Q-7.  enabled since ...
        \\tWaiting for printer to become available.
        printer Q disabled since ... -
        \\tPaused
        Q-7    root    5120   Wed 01 Jan 2025 ...
    """
    exists = enabled = printing = False
    message_lines: list[str] = []
    jobs: list[str] = []
    in_printer = False
    for line in text.splitlines():
        if line.startswith(f"printer {queue} "):
            exists, in_printer = True, True
            rest = line[len(f"printer {queue} "):]
            enabled = " disabled since " not in f" {rest}"
            printing = rest.startswith("now printing")
            continue
        if line.startswith(("\t", " ")) and in_printer:
            text_line = line.strip()
            if text_line:
                message_lines.append(text_line)
            continue
        in_printer = False
        first = line.split(maxsplit=1)[0] if line.strip() else ""
        if first.startswith(f"{queue}-") and first[len(queue) + 1:].isdigit():
            jobs.append(first)
    return QueueState(exists, enabled, printing, tuple(jobs), " ".join(message_lines))


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""
