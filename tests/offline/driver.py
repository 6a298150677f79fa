"""A headless kiosk for the crash and concurrency tests: the real services and use cases
(``build_services``: outbox, sync engine, identify, settle), no Qt, a printer that prints
nothing (the receipts are not what these tests are about, and they would slow each of
the many restarts).

``python -m tests.offline.driver --data-dir D --url U --terminal T MODE``

- ``settle --people FILE``: first complete what an earlier (killed) run left queued, the
  way the app does at start; print ``ready``; then for each ID number in FILE (JSON list)
  identify the patient and settle their open visits one at a time, printing
  ``settled <n>`` after each; ``finished`` at the end.
- ``drain``: print ``ready``, wait for a line on stdin, send the whole queue (the sync
  engine's drain), print ``drained <done> <conflicts>``.

The terminal secret comes from ``KIOSK_TEST_SECRET`` (hex); the data key from the keyring
the environment pins. Exit 0 when done.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


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
                        sync_batch_size=args.batch_size)
    services = build_services(settings, lambda event: None, secret=bytes.fromhex(os.environ["KIOSK_TEST_SECRET"]))
    services.settle.printer = NullPrinter(services.printer.config)
    return services


def settle(services, people: list[str]) -> None:
    print("recovering", flush=True)
    report = services.writes.complete_pending()  # what the app does at start (services.recover)
    print(f"ready {len(report.completed)} {report.still_pending}", flush=True)
    count = 0
    for id_number in people:
        while True:
            session = services.identify(id_number)
            if not session.visits:
                break
            outcome = services.settle(session, session.visits[:1])
            if outcome.settlement is None:
                raise SystemExit("a settlement was left pending: the platform did not answer")
            count += 1
            print(f"settled {count}", flush=True)
    print("finished", flush=True)


def drain(services) -> None:
    print("ready", flush=True)
    sys.stdin.readline()
    report = services.offline.sync.drain()
    print(f"drained {len(report.done)} {len(report.conflicts)}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("settle", "drain"))
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--terminal", required=True)
    parser.add_argument("--people", type=Path)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    services = build(args)
    try:
        if args.mode == "settle":
            settle(services, json.loads(args.people.read_text()))
        else:
            drain(services)
    finally:
        services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
