"""The cashier's audit log: every desk action, in a hash chain that shows tampering.

Each record carries the SHA-256 of the record before it (``prev_hash``) and its own hash
over its content and ``prev_hash``; the first record chains to :data:`GENESIS`. Changing
a record changes its hash; deleting one breaks the chain at the next record; deleting the
newest ones is caught by the *anchor*, a small file next to the database that names the
newest record (its sequence number and hash), rewritten after every record. The shift
report prints the head hash too, so paper anchors the chain as well.

What it does not stop: someone who can write both files and recomputes every hash from
the changed record on. The printed head hash (and a head sent to the platform, later)
catches that at the next comparison; a keyed chain (HMAC with a secret the desk user
cannot read) would catch it locally.

Records hold staff numbers, actions, references and amounts; never a patient's name, ID
number or phone, and never a PIN.

``verify(path)`` is the entry point for ``kiosk-admin`` (and tests).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from offline_cache.db import Database

GENESIS = "0" * 64
FILE_NAME = "audit.sqlite"

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
    seq: int
    at: datetime
    operator_id: str
    action: str
    details: dict
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Verification:
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


class AuditLog:
    """Append-only in use: there is no method that changes or removes a record."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.anchor_path = self.path.with_name(self.path.name + ".head")
        self.db = Database(self.path, _MIGRATIONS)

    def record(self, operator_id: str, action: str, details: dict | None = None) -> Record:
        details_text = _canonical(details or {})
        at = datetime.now(UTC).isoformat()
        with self.db.transaction() as conn:
            last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (last["seq"] + 1, last["hash"]) if last else (1, GENESIS)
            digest = record_hash(prev, seq, at, operator_id, action, details_text)
            conn.execute("INSERT INTO audit (seq, at, operator_id, action, details, prev_hash, hash) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", (seq, at, operator_id, action, details_text, prev, digest))
            self._write_anchor(seq, digest)  # under the transaction's lock: anchors never go back
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
        and the newest record against the anchor file."""
        problems: list[str] = []
        prev, expected_seq, count = GENESIS, 1, 0
        last_seq, last_hash = 0, GENESIS
        for row in self.db.query("SELECT * FROM audit ORDER BY seq"):
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
            last_seq, last_hash = seq, row["hash"]
        problems += self._check_anchor(last_seq, last_hash)
        return Verification(count, last_hash, tuple(problems))

    def close(self) -> None:
        self.db.close()

    # -- the anchor -----------------------------------------------------------------------
    def _write_anchor(self, seq: int, digest: str) -> None:
        tmp = self.anchor_path.with_name(self.anchor_path.name + ".tmp")
        with open(tmp, "w", encoding="ascii") as f:
            f.write(f"{seq} {digest}\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.anchor_path)

    def _check_anchor(self, last_seq: int, last_hash: str) -> list[str]:
        try:
            seq_text, digest = self.anchor_path.read_text(encoding="ascii").split()
            seq = int(seq_text)
        except FileNotFoundError:
            return [] if last_seq == 0 else ["the anchor file is missing"]
        except ValueError:
            return ["the anchor file is damaged"]
        if seq > last_seq:
            return [f"records {last_seq + 1}-{seq} were deleted (the anchor names record {seq})"]
        if seq == last_seq and digest != last_hash:
            return [f"record {seq} does not match the anchor"]
        if seq < last_seq:
            # A crash between the commit and the anchor's rewrite leaves it one behind; it
            # must still name a record of the chain.
            rows = self.db.query("SELECT hash FROM audit WHERE seq = ?", (seq,))
            if seq and (not rows or rows[0]["hash"] != digest):
                return [f"record {seq} does not match the anchor"]
        return []


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
