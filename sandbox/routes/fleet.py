"""Fleet health: each terminal's latest heartbeat, and who the calling terminal is.

A heartbeat is a status report, not a business write: ``POST /v1/fleet/heartbeat`` needs
no ``Idempotency-Key``. It is idempotent by what it does (the platform keeps only the
latest report per terminal, so a repeat changes nothing) and a report older than the
stored one (``sent_at``: reports overtaking each other) is answered ``stored: false``
and dropped. Reports are kept in the sandbox's state table (they survive a restart)
and times of receipt are wall-clock times, not the movable business clock.
"""
from __future__ import annotations

import json
import threading
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import AwareDatetime, BaseModel, Field

from sandbox.schemas import RequestModel, responses
from sandbox.store import Store, iso, parse_iso

_INDEX = "fleet:terminals"
_PREFIX = "fleet:heartbeat:"

Short = Annotated[str, Field(max_length=64)]
Text = Annotated[str, Field(max_length=300)]


class QueueState(RequestModel):
    length: int = Field(ge=0, le=10_000_000, description="Writes waiting in the terminal's "
                                                         "journal for the platform.")
    oldest_at: AwareDatetime | None = Field(
        default=None, description="When the oldest of them was recorded; null when none.")
    conflicts: int = Field(default=0, ge=0, le=10_000_000,
                           description="Writes the platform answered with a conflict, waiting "
                                       "for a cashier.")


class PrinterState(RequestModel):
    state: Short = Field(description="`ready`, `paper_out`, `cover_open`, `offline`, "
                                     "`unavailable` or `unknown`.", examples=["ready"])
    detail: Text = ""
    last_error: Short | None = Field(default=None, description="The reason the last document "
                                                                "failed, if the last one did.")
    reprints_waiting: int = Field(default=0, ge=0, le=1_000_000,
                                  description="Documents queued to be printed again.")


class DeviceState(RequestModel):
    name: Short = Field(examples=["id-reader"])
    kind: Text = ""
    state: Short = Field(description="`starting`, `ready`, `lost` or `stopped`.",
                         examples=["ready"])
    problem: Text = ""


class Heartbeat(RequestModel):
    version: Short = Field(description="The kiosk software version.", examples=["0.1.0"])
    sent_at: AwareDatetime = Field(description="The terminal's clock when it sent the report.")
    started_at: AwareDatetime | None = Field(default=None,
                                             description="When the kiosk program started.")
    mode: Short = Field(default="kiosk", description="`kiosk` or `desk`.")
    training: bool = Field(default=False, description="Running on a sandbox (training mode).")
    queue: QueueState | None = Field(default=None, description="Null when not known.")
    printer: PrinterState | None = Field(default=None, description="Null when not known.")
    devices: list[DeviceState] = Field(default_factory=list, max_length=32)


class HeartbeatReceipt(BaseModel):
    stored: bool = Field(description="False when a newer report of this terminal is already "
                                     "stored (this one was dropped).")
    received_at: str = Field(description="Platform wall-clock time of receipt.")


class TerminalHealth(BaseModel):
    terminal_id: str
    received_at: str = Field(description="When the latest report arrived (platform wall clock).")
    age_s: int = Field(description="Seconds since then.")
    heartbeat: Heartbeat


class Fleet(BaseModel):
    terminals: list[TerminalHealth] = Field(description="Every terminal that ever reported, "
                                                        "by terminal id.")


class Me(BaseModel):
    terminal_id: str
    last_heartbeat_at: str | None = Field(description="When this terminal's latest report "
                                                      "arrived; null if none yet.")


def build(store: Store) -> APIRouter:
    router = APIRouter(tags=["fleet"])
    lock = threading.Lock()  # the read-modify-write of the index (one sandbox process)

    def latest(terminal_id: str) -> dict | None:
        text = store.state(_PREFIX + terminal_id)
        return json.loads(text) if text else None

    @router.post("/v1/fleet/heartbeat", response_model=HeartbeatReceipt,
                 summary="The calling terminal's health report; the latest one is kept",
                 description="No `Idempotency-Key`: a status report, kept only as the "
                             "terminal's latest. A report whose `sent_at` is older than the "
                             "stored one is dropped (`stored: false`).",
                 responses=responses(r413="`body_too_large`: the body exceeds 64 KiB."))
    def heartbeat(request: Request, report: Heartbeat) -> HeartbeatReceipt:
        terminal_id = request.state.terminal_id
        received_at = iso(store.wall_now())
        with lock:
            stored = latest(terminal_id)
            if stored is not None and parse_iso(stored["heartbeat"]["sent_at"]) > report.sent_at:
                return HeartbeatReceipt(stored=False, received_at=received_at)
            store.set_state(_PREFIX + terminal_id, json.dumps(
                {"received_at": received_at, "heartbeat": report.model_dump(mode="json")},
                ensure_ascii=False))
            index = json.loads(store.state(_INDEX) or "[]")
            if terminal_id not in index:
                store.set_state(_INDEX, json.dumps(sorted([*index, terminal_id])))
        return HeartbeatReceipt(stored=True, received_at=received_at)

    @router.get("/v1/fleet", response_model=Fleet,
                summary="Every terminal's latest health report (for IT's fleet view)",
                responses=responses())
    def fleet() -> Fleet:
        now = store.wall_now()
        terminals = []
        for terminal_id in json.loads(store.state(_INDEX) or "[]"):
            stored = latest(terminal_id)
            if stored is None:
                continue
            received = parse_iso(stored["received_at"])
            terminals.append(TerminalHealth(
                terminal_id=terminal_id, received_at=stored["received_at"],
                age_s=max(0, int((now - received).total_seconds())),
                heartbeat=Heartbeat.model_validate(stored["heartbeat"])))
        return Fleet(terminals=terminals)

    @router.get("/v1/fleet/me", response_model=Me,
                summary="The calling terminal as the platform knows it: a cheap signed read "
                        "that checks the terminal's secret (kiosk-admin secret check)",
                responses=responses())
    def me(request: Request) -> Me:
        terminal_id = request.state.terminal_id
        stored = latest(terminal_id)
        return Me(terminal_id=terminal_id,
                  last_heartbeat_at=stored["received_at"] if stored else None)

    return router
