"""``kiosk-admin queue``: the offline outbox, for IT (see docs/offline.md).

- ``queue list``: what waits to be sent and the open conflicts, oldest first; items older
  than ``queue_expiry_h`` are marked EXPIRED (exit 1 while there are any).
- ``queue retry [KEY…]``: make waiting items due now (all, or those whose key starts with
  a given prefix); the running kiosk's sync thread sends them within seconds.
- ``queue export [--out FILE]``: the same as JSON.

Only the metadata is read (keys, kinds, lanes: opaque account ids, amounts, states,
times, the last error): the sealed part (paths, bodies, who) is never opened here, so
nothing personal is shown or written, and no data key is needed.
"""
from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.admin import AdminError, load_settings
from kiosk.domain.money import format_cny


def _outbox(settings):
    from offline_cache.journal import Journal

    path = settings.data_path / "journal.sqlite"
    if not path.exists():
        raise AdminError(f"no queue at {path} (the kiosk has not run with this data folder)", 1)
    return Journal(path)


def _rows(settings) -> tuple[list[dict], int]:
    outbox = _outbox(settings)
    try:
        rows = outbox.metadata()
        conflicts = {c.key: c for c in outbox.conflicts("open")}
    finally:
        outbox.close()
    expiry = timedelta(hours=settings.queue_expiry_h)
    now = datetime.now(UTC)
    expired = 0
    for row in rows:
        row["expired"] = row["state"] == "pending" and now - datetime.fromisoformat(row["created_at"]) > expiry
        expired += row["expired"]
        conflict = conflicts.get(row["key"])
        row["conflict"] = {"id": conflict.id, "code": conflict.code} if conflict else None
    return rows, expired


def _age(created_at: str) -> str:
    seconds = int((datetime.now(UTC) - datetime.fromisoformat(created_at)).total_seconds())
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d{seconds % 86400 // 3600:02d}h"


def _list(args) -> int:
    settings = load_settings()
    rows, expired = _rows(settings)
    if not rows:
        print("queue empty: nothing waits to be sent, no open conflict")
        return 0
    print(f"{'key':<12}  {'kind':<18} {'lane':<12} {'state':<8} {'age':>7} {'tries':>5} {'credit':>12}  note")
    for r in rows:
        note = ("EXPIRED " if r["expired"] else "") + (
            f"conflict #{r['conflict']['id']}: {r['conflict']['code']}" if r["conflict"] else (r["last_error"] or ""))
        print(f"{r['key'][:12]:<12}  {r['kind']:<18} {r['lane'][:12]:<12} {r['state']:<8} {_age(r['created_at']):>7} "
              f"{r['attempts']:>5} {format_cny(r['credit_fen']):>12}  {note}".rstrip())
    pending = sum(r["state"] == "pending" for r in rows)
    conflicts = sum(r["state"] == "conflict" for r in rows)
    credit = sum(r["credit_fen"] for r in rows)
    print(f"# {pending} waiting ({expired} expired, over {settings.queue_expiry_h} h), {conflicts} conflicts "
          f"(resolved at the cashier desk), {format_cny(credit)} credit unconfirmed")
    if expired:
        print(f"! {expired} queued write(s) older than {settings.queue_expiry_h} h: check the platform link "
              "(kiosk-admin selftest), then kiosk-admin queue retry", file=sys.stderr)
    return 1 if expired else 0


def _retry(args) -> int:
    settings = load_settings()
    outbox = _outbox(settings)
    try:
        waiting = [r["key"] for r in outbox.metadata(("pending",))]
        keys = waiting if not args.keys else [k for k in waiting if any(k.startswith(p) for p in args.keys)]
        if args.keys and not keys:
            raise AdminError("no waiting item has such a key", 1)
        outbox.make_due(keys)
    finally:
        outbox.close()
    print(f"{len(keys)} waiting item(s) due now; the kiosk's sync sends them as soon as the platform answers")
    return 0


def _export(args) -> int:
    settings = load_settings()
    rows, expired = _rows(settings)
    document = {
        "exported_at": datetime.now(UTC).isoformat(),
        "terminal_id": settings.terminal_id,
        "expiry_h": settings.queue_expiry_h,
        "expired": expired,
        "items": rows,
    }
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"{len(rows)} item(s) written to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def register(sub) -> None:
    queue = sub.add_parser("queue", help="the offline outbox: writes waiting for the platform, conflicts")
    queue_sub = queue.add_subparsers(dest="action", required=True)
    queue_sub.add_parser("list", help="waiting items and open conflicts, expired ones marked").set_defaults(func=_list)
    retry = queue_sub.add_parser("retry", help="make waiting items due now (all, or by key prefix)")
    retry.add_argument("keys", nargs="*", metavar="KEY", help="key prefixes as `queue list` shows them")
    retry.set_defaults(func=_retry)
    export = queue_sub.add_parser("export", help="the queue's metadata as JSON (nothing personal)")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.set_defaults(func=_export)
