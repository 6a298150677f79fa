"""The insurance service's HTTP face (FastAPI): the national interface at one path, and the sandbox
control API for tests and demos.

- ``POST /fsi/api/rsfComIfsService/callService`` takes every message (path style "single");
  ``POST /fsi/api/rsfComIfsService/callService/{infno}`` the same, posted per transaction (path style
  "infno": the path's infno must be the envelope's).
- ``GET /health``: 200 ``{"status": "ok"}``.
- With ``control`` (never in production): ``POST /_sandbox/faults`` ``{"infno": "2207", "mode": "fail" |
  "blackhole" | "hold" | "none"}`` and ``POST /_sandbox/clock`` ``{"advance_s": 86400}``; without it
  they answer 404.

A withheld answer ("blackhole", "hold") keeps the connection open without a byte until the client
gives up (or the server stops), as a lost answer looks to the kiosk.
"""
from __future__ import annotations

import asyncio
import threading

from fastapi import FastAPI, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from sandbox.insurance.service import FAULT_MODES, InsuranceService

BASE_PATH = "/fsi/api/rsfComIfsService/callService"
MAX_BODY_BYTES = 2 * 1024 * 1024
WITHHOLD_MAX_S = 120.0


def create_app(service: InsuranceService, *, control: bool = False) -> FastAPI:
    app = FastAPI(title="Medical-insurance platform (sandbox)", version="1",
                  description="The national 定点医药机构接口 envelope on one POST endpoint; see sandbox/insurance.")
    app.state.service = service
    app.state.stopping = threading.Event()

    async def call(request: Request, infno: str | None) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return Response(status_code=413)
        headers = {k.lower(): v for k, v in request.headers.items()}
        reply = await run_in_threadpool(service.handle, headers, infno, body)
        if reply.hold or reply.withhold:
            await _withhold(request, app.state.stopping)
            return Response(status_code=504)
        return Response(reply.body, status_code=reply.status, media_type="application/json;charset=utf-8")

    @app.post(BASE_PATH)
    async def message(request: Request) -> Response:
        return await call(request, None)

    @app.post(BASE_PATH + "/{infno}")
    async def message_per_infno(infno: str, request: Request) -> Response:
        return await call(request, infno)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/_sandbox/faults")
    def faults(body: dict) -> dict:
        if not control:
            raise HTTPException(404)
        infno, mode = str(body.get("infno", "")), str(body.get("mode", ""))
        if mode not in FAULT_MODES or not infno:
            raise HTTPException(422, f"mode must be one of {FAULT_MODES}")
        service.store.set_fault(infno, mode)
        return {"infno": infno, "mode": mode}

    @app.post("/_sandbox/clock")
    def clock(body: dict) -> dict:
        if not control:
            raise HTTPException(404)
        advance = body.get("advance_s")
        if not isinstance(advance, int) or isinstance(advance, bool) or advance < 0:
            raise HTTPException(422, "advance_s must be a whole number of seconds, 0 or more")
        return {"now": service.store.advance_clock(advance).isoformat()}

    return app


async def _withhold(request: Request, stopping: threading.Event) -> None:
    """No answer: wait until the client hangs up, the server stops, or WITHHOLD_MAX_S."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WITHHOLD_MAX_S
    while loop.time() < deadline and not stopping.is_set():
        if await request.is_disconnected():
            return
        await asyncio.sleep(0.05)
