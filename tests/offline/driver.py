"""A headless kiosk for the crash and concurrency tests: the real services and use cases
(``build_services``: outbox, sync engine and its thread, cache, identify, settle), no Qt,
a printer that prints nothing (the receipts are not what these tests are about, and they
would slow each of the many restarts).

``python -m tests.offline.driver --data-dir D --url U --terminal T MODE``

- ``kiosk``: start as the app does — the sync engine's thread, then the recovery of what an
  earlier (killed) run left queued — and print ``ready <completed> <still pending>``. Then
  serve patients, one command a line on stdin (``tests/offline/trace.py`` for the stop
  commands, ``TRACE_ARM`` to stop inside the start-up recovery):

  - ``attempt <n> <id number> <visit id>``: a patient identifies and pays that one visit,
    once: no retry of any kind. The bill the kiosk shows is printed as
    ``shown {"n", "offline", "offered"}``; what the patient is told at the end as
    ``told {"n", "visit", "outcome", ...}`` with ``outcome`` one of ``settled`` (with the
    ``reference`` and ``booked_fen``), ``queued`` (offline: ``booked_fen``, will sync),
    ``pending`` (the platform did not answer: will complete by itself), ``not-offered``
    (the bill was not on the screen) or ``refused`` (with the ``code``: offline limits,
    a patient not seen here, a refusal by the platform).
  - ``wait-synced``: print ``synced <conflicts>`` once the platform answers and nothing is
    queued (``unsynced <queued>`` after 60 s).
  - ``quit``: close the services (the sync thread stops) and exit 0.

  The write path's phases (``kiosk.usecases.writes.phase``: identify, journal, printing,
  sync) are stop points: an armed one prints ``stop kiosk <phase> <detail>`` and waits there
  for the harness's SIGKILL.
- ``drain``: print ``ready``, wait for a line on stdin, send the whole queue (the sync
  engine's drain), print ``drained <done> <conflicts>``.

The terminal secret comes from ``KIOSK_TEST_SECRET`` (hex); the data key from the keyring
the environment pins. Nothing personal is printed (visit ids, references, amounts).
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time
from pathlib import Path

SYNC_WAIT_S = 60.0


class NullPrinter:
    """Takes the receipt, prints nothing."""

    def __init__(self, config):
        self.config = config

    def print_receipt(self, receipt, name: str):
        return name, None


def build(args):
    from kiosk.services import build_services
    from kiosk.settings import Settings

    settings = Settings(platform_url=args.url, terminal_id=args.terminal, data_dir=str(args.data_dir),
                        printer_pdf_dir=str(args.data_dir / "receipts"), request_timeout_s=args.timeout,
                        sync_batch_size=args.batch_size, health_probe_s=args.probe)
    services = build_services(settings, lambda event: None, secret=bytes.fromhex(os.environ["KIOSK_TEST_SECRET"]))
    services.settle.printer = NullPrinter(services.printer.config)
    return services


# -- kiosk mode ---------------------------------------------------------------------------------

class Kiosk:
    def __init__(self, services, tracer):
        self.services = services
        self.tracer = tracer
        self.changed = threading.Condition()
        services.offline.sync.listener = self._status  # the sync thread's news (the app's banner)

    def _status(self, status) -> None:
        with self.changed:
            self.changed.notify_all()

    def start(self) -> None:
        self.services.offline.sync.start()  # as the app: the queue's thread, then recovery
        report = self.services.recover()
        self.tracer.say(f"ready {len(report.completed)} {report.still_pending}")

    def tell(self, n: int, visit: str, outcome: str, **facts) -> None:
        self.tracer.say("told " + json.dumps({"n": n, "visit": visit, "outcome": outcome, **facts}))

    def attempt(self, n: int, id_number: str, visit_id: str) -> None:
        from kiosk.domain.settlement import CannotUseCredit
        from kiosk.platform import PlatformError

        try:
            session = self.services.identify(id_number)
        except PlatformError as exc:  # not seen here while offline, or refused
            self.tell(n, visit_id, "refused", code=exc.code)
            return
        offered = [v.visit_id for v in session.visits]
        self.tracer.say("shown " + json.dumps({"n": n, "offline": session.offline, "offered": offered}))
        chosen = tuple(v for v in session.visits if v.visit_id == visit_id)
        if not chosen:
            self.tell(n, visit_id, "not-offered")
            return
        try:
            outcome = self.services.settle(session, chosen)
        except (CannotUseCredit, PlatformError) as exc:
            self.tell(n, visit_id, "refused", code=exc.code)
            return
        if outcome.settlement is not None:
            s = outcome.settlement
            self.tell(n, visit_id, "settled", reference=s.reference, booked_fen=s.booked_fen)
        elif outcome.offline:
            self.tell(n, visit_id, "queued", booked_fen=outcome.offline_split.booked_fen)
        else:
            self.tell(n, visit_id, "pending")

    def wait_synced(self) -> None:
        engine = self.services.offline.sync
        deadline = time.monotonic() + SYNC_WAIT_S
        with self.changed:
            while True:
                status = engine.status()
                if status.online and not status.queued:
                    self.tracer.say(f"synced {status.conflicts}")
                    return
                if time.monotonic() > deadline:
                    self.tracer.say(f"unsynced {status.queued}")
                    return
                self.changed.wait(0.25)  # woken by the sync thread's news; the timeout re-reads the file

    def serve(self, commands: queue.Queue) -> None:
        while True:
            verb, *words = commands.get().split()
            if verb == "attempt":
                self.attempt(int(words[0]), words[1], words[2])
            elif verb == "wait-synced":
                self.wait_synced()
            elif verb == "quit":
                return
            else:
                raise SystemExit(f"unknown command {verb!r}")


def kiosk(services) -> None:
    from kiosk.usecases import writes
    from tests.offline.trace import Tracer

    tracer = Tracer("kiosk")
    writes.trace_hook = tracer.stop_here
    commands: queue.Queue = queue.Queue()
    tracer.serve(commands)
    driver = Kiosk(services, tracer)
    driver.start()
    driver.serve(commands)


def drain(services) -> None:
    print("ready", flush=True)
    sys.stdin.readline()
    report = services.offline.sync.drain()
    print(f"drained {len(report.done)} {len(report.conflicts)}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("kiosk", "drain"))
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--terminal", required=True)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--probe", type=int, default=10, help="seconds between health probes")
    args = parser.parse_args(argv)
    services = build(args)
    try:
        if args.mode == "kiosk":
            kiosk(services)
        else:
            drain(services)
    finally:
        services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
