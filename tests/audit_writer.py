"""A process that appends records to an audit log and stops for good at one named point of
one record (``offline_cache.audit.trace_hook``), so that a test can kill it there with
SIGKILL: ``python -m tests.audit_writer PATH COUNT PHASE SEQ`` (PHASE ``before_commit`` or
``after_commit``; ``-`` runs to the end). It prints ``at PHASE SEQ`` when it stops there and
``done`` after the last record."""
from __future__ import annotations

import sys
import threading

from offline_cache import audit


def main(path: str, count: int, phase: str, seq: int) -> None:
    def stop_there(name: str, at: int) -> None:
        if (name, at) == (phase, seq):
            print(f"at {name} {at}", flush=True)
            threading.Event().wait()  # until killed

    audit.trace_hook = stop_there
    log = audit.AuditLog(path)
    for n in range(count):
        log.record("1001", "refund", {"reference": f"TK20261125{n:06d}", "amount_fen": 100 + n})
    log.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]) if sys.argv[4] != "-" else 0)
