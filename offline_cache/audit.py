"""The cashier's audit log: every desk action, in a hash chain that shows tampering.

Each record carries the SHA-256 of the record before it (``prev_hash``) and its own hash
over its content and ``prev_hash``; the first record chains to :data:`GENESIS`. Changing
a record changes its hash; deleting one breaks the chain at the next record; deleting the
newest ones is caught by the *anchor*, a small file next to the database (``<db>.head``)
that names the newest committed record (its sequence number and hash). The shift report
prints the head hash too, so paper anchors the chain as well.

The anchor and the database cannot change in one atomic step, so a record is written in
this order (``record``), each step durable (fsync) before the next:

1. the anchor is rewritten to name the newest committed record, plus a ``pending`` line
   with the number and hash of the record about to be committed;
2. the record is committed;
3. the anchor is rewritten to name it, without a ``pending`` line.

The anchor's first line never names a record that was not committed. A kill between 1
and 2 leaves the anchor naming the head, with a pending record that never came; a kill
between 2 and 3 leaves it one record behind, and the pending line proves that this
newest record is the one being written (its hash matches). ``verify`` accepts exactly
these two states; an anchor behind the log without that proof, or ahead of it (the
newest records deleted), is reported. The next ``record`` completes an interrupted step 3.
When the anchor disagrees with the log otherwise, ``record`` still writes the record (the
action happened) but leaves the anchor as it is: the evidence stays for ``verify``.

What the order cannot tell: the one record whose commit was interrupted before step 3,
deleted afterwards, looks like a write that never committed. Nor does the anchor stop
someone who can write both files and recomputes every hash from the changed record on.
The printed head hash (and a head sent to the platform, later) catches that at the next
comparison; a keyed chain (HMAC with a secret the desk user cannot read) would catch it
locally. One process writes a log (the desk app; a lock orders its threads).

Records hold staff numbers, actions, references and amounts; never a patient's name, ID
number or phone, and never a PIN.

``verify(path)`` is the entry point for ``kiosk-admin audit verify`` (and tests).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from offline_cache.db import Database

GENESIS = "0" * 64
FILE_NAME = "audit.sqlite"
VERIFY_ATTEMPTS = 5  # a record written while verifying changes the anchor: read again

log = logging.getLogger("offline_cache.audit")

#: Installed only by the crash tests' processes: called with ("before_commit", seq) once the
#: pending anchor and the row are written, and ("after_commit", seq) before the anchor names it.
trace_hook: Callable[[str, int], None] | None = None


def _phase(name: str, seq: int) -> None:
    hook = trace_hook
    if hook is not None:
        hook(name, seq)

_MIGRATIONS = [
    """
    CREATE TABLE audit (
        seq         INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        action      TEXT NOT NULL,
        details     TEXT NOT NULL,
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL
    );
    CREATE INDEX audit_by_action ON audit(action, seq)
    """,
]


@dataclass(frozen=True)
class Record:
    """One record of the hash-chained operator audit trail."""

    seq: int
    at: datetime
    operator_id: str
    action: str
    details: dict
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Verification:
    """The audit trail checked: its records, its head hash and any break in the chain."""

    records: int
    head: str  # hash of the newest record (GENESIS when empty)
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def record_hash(prev_hash: str, seq: int, at: str, operator_id: str, action: str, details: str) -> str:
    """The hash of one record: its fields and the hash before it, as canonical JSON."""
    body = json.dumps([prev_hash, seq, at, operator_id, action, details], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _canonical(details: dict) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Anchor:
    """The anchor file: the newest committed record, and the one being committed, if any."""

    seq: int
    hash: str
    pending: tuple[int, str] | None = None

    def text(self) -> str:
        text = f"{self.seq} {self.hash}\n"
        if self.pending is not None:
            text += f"pending {self.pending[0]} {self.pending[1]}\n"
        return text

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """``ValueError`` for anything but one or two well-formed lines."""
        lines = text.splitlines()
        if not 1 <= len(lines) <= 2:
            raise ValueError("anchor: one or two lines")
        seq, digest = _seq_and_hash(lines[0].split())
        pending = None
        if len(lines) == 2:
            words = lines[1].split()
            if not words or words[0] != "pending":
                raise ValueError("anchor: the second line is the pending record")
            pending = _seq_and_hash(words[1:])
            if pending[0] != seq + 1:
                raise ValueError("anchor: the pending record follows the committed one")
        return cls(seq, digest, pending)


def _seq_and_hash(words: list[str]) -> tuple[int, str]:
    if len(words) != 2 or not words[0].isdigit() or not _HASH.fullmatch(words[1]):
        raise ValueError("anchor: a sequence number and a SHA-256")
    return int(words[0]), words[1]


_writers: dict[Path, threading.Lock] = {}
_writers_guard = threading.Lock()


def _writer_lock(path: Path) -> threading.Lock:
    """One lock per log file in this process, shared by every AuditLog opened on it."""
    with _writers_guard:
        return _writers.setdefault(path.resolve(), threading.Lock())


class AuditLog:
    """Append-only in use: there is no method that changes or removes a record."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.anchor_path = self.path.with_name(self.path.name + ".head")
        self.db = Database(self.path, _MIGRATIONS)
        self._writer = _writer_lock(self.path)

    def record(self, operator_id: str, action: str, details: dict | None = None) -> Record:
        """Append a record: pending anchor, commit, anchor (the module docstring says why)."""
        details_text = _canonical(details or {})
        at = datetime.now(UTC).isoformat()
        with self._writer:  # one record at a time, from the pending anchor to the final one
            with self.db.transaction() as conn:
                last = conn.execute("SELECT seq, hash, prev_hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
                head = (last["seq"], last["hash"], last["prev_hash"]) if last else (0, GENESIS, GENESIS)
                seq, prev = head[0] + 1, head[1]
                digest = record_hash(prev, seq, at, operator_id, action, details_text)
                follows = not self._anchor_problems(*head, conn=conn)
                if follows:  # (also completes step 3 of a record interrupted after its commit)
                    self._write_anchor(Anchor(head[0], prev, pending=(seq, digest)))
                conn.execute("INSERT INTO audit (seq, at, operator_id, action, details, prev_hash, hash) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", (seq, at, operator_id, action, details_text, prev, digest))
                _phase("before_commit", seq)
            _phase("after_commit", seq)
            if follows:
                self._write_anchor(Anchor(seq, digest))
            else:
                log.error("audit log %s does not match its anchor: record %d written, the anchor left as it was "
                          "for kiosk-admin audit verify", self.path, seq)
        return Record(seq, datetime.fromisoformat(at), operator_id, action, json.loads(details_text), prev, digest)

    def records(self, *actions: str, since_seq: int = 0) -> list[Record]:
        sql, params = "SELECT * FROM audit WHERE seq > ?", [since_seq]
        if actions:
            sql += f" AND action IN ({','.join('?' * len(actions))})"
            params += actions
        return [_record(r) for r in self.db.query(sql + " ORDER BY seq", params)]

    def last(self, *actions: str) -> Record | None:
        sql, params = "SELECT * FROM audit", []
        if actions:
            sql += f" WHERE action IN ({','.join('?' * len(actions))})"
            params = list(actions)
        rows = self.db.query(sql + " ORDER BY seq DESC LIMIT 1", params)
        return _record(rows[0]) if rows else None

    def head(self) -> str:
        rows = self.db.query("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
        return rows[0]["hash"] if rows else GENESIS

    def verify(self) -> Verification:
        """Walk the chain: every hash recomputed, every link and sequence number checked,
        and the newest record against the anchor file. The walk is one read of the database;
        if the anchor changed meanwhile (a record was being written), it is done again."""
        for _ in range(VERIFY_ATTEMPTS):
            before = self._anchor_text()
            with self.db.reading() as conn:
                result = self._walk(conn)
            if self._anchor_text() == before:
                break
        return result

    def _walk(self, conn) -> Verification:
        problems: list[str] = []
        prev, expected_seq, count = GENESIS, 1, 0
        head = (0, GENESIS, GENESIS)
        for row in conn.execute("SELECT * FROM audit ORDER BY seq"):
            count += 1
            seq = row["seq"]
            if seq != expected_seq:
                problems.append(f"records {expected_seq}-{seq - 1} are missing")
            if row["prev_hash"] != prev:
                problems.append(f"record {seq}: the chain is broken (the record before it was changed or deleted)")
            if record_hash(row["prev_hash"], seq, row["at"], row["operator_id"], row["action"],
                           row["details"]) != row["hash"]:
                problems.append(f"record {seq}: changed after it was written")
            prev, expected_seq = row["hash"], seq + 1
            head = (seq, row["hash"], row["prev_hash"])
        problems += self._anchor_problems(*head, conn=conn)
        return Verification(count, head[1], tuple(problems))

    def close(self) -> None:
        self.db.close()

    # -- the anchor -----------------------------------------------------------------------
    def _anchor_text(self) -> str | None:
        try:
            return self.anchor_path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            return f"unreadable: {exc}"

    def _write_anchor(self, anchor: Anchor) -> None:
        """Replace the anchor file atomically and durably (the file, then its folder)."""
        tmp = self.anchor_path.with_name(self.anchor_path.name + ".tmp")
        with open(tmp, "w", encoding="ascii") as f:
            f.write(anchor.text())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.anchor_path)
        if hasattr(os, "O_DIRECTORY"):  # POSIX: the rename itself survives a power cut
            folder = os.open(self.anchor_path.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)

    def _anchor_problems(self, last_seq: int, last_hash: str, last_prev: str, *, conn) -> list[str]:
        """The anchor against the log's newest record (``last_*``; 0 and GENESIS when empty)."""
        text = self._anchor_text()
        if text is None:
            return [] if last_seq == 0 else ["the anchor file is missing"]
        try:
            anchor = Anchor.parse(text)
        except ValueError:
            return ["the anchor file is damaged"]
        if anchor.seq > last_seq:
            return [f"records {last_seq + 1}-{anchor.seq} were deleted (the anchor names record {anchor.seq})"]
        if anchor.seq == last_seq:
            return [] if anchor.hash == last_hash else [f"record {anchor.seq} does not match the anchor"]
        if anchor.seq == last_seq - 1 and anchor.pending == (last_seq, last_hash) and anchor.hash == last_prev:
            return []  # killed between the commit and the anchor's rewrite: the pending line proves it
        problems = []
        row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (anchor.seq,)).fetchone()
        if (row["hash"] if row else GENESIS if anchor.seq == 0 else None) != anchor.hash:
            problems.append(f"record {anchor.seq} does not match the anchor")
        problems.append(f"records {anchor.seq + 1}-{last_seq} are newer than the anchor, which names record "
                        f"{anchor.seq} (written outside the desk, or an older anchor file put back)")
        return problems


def _record(row) -> Record:
    return Record(row["seq"], datetime.fromisoformat(row["at"]), row["operator_id"], row["action"],
                  json.loads(row["details"]), row["prev_hash"], row["hash"])


def audit_path(data_dir: Path | str) -> Path:
    """Where a desk keeps its audit log: ``audit.sqlite`` in its data folder."""
    return Path(data_dir) / FILE_NAME


def verify(path: Path | str) -> Verification:
    """Verify the audit log at ``path`` (``kiosk-admin``: ``verify(audit_path(settings.data_path))``).
    A missing database whose anchor file is still there counts as tampering."""
    path = Path(path)
    if not path.exists():
        anchor = path.with_name(path.name + ".head")
        return Verification(0, GENESIS, ("the audit log is missing",) if anchor.exists() else ())
    log = AuditLog(path)
    try:
        return log.verify()
    finally:
        log.close()
