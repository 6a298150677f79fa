"""The sandbox platform in a process of its own, for the crash tests: it can be killed with
SIGKILL and started again on the same SQLite file (a new port each time; the kiosk reaches
it through the fault proxy, whose upstream follows it).

``python -m tests.offline.platform_process --db D --terminal T`` (the terminal secret in
``KIOSK_SANDBOX_SECRET``, hex; the file populated beforehand). Prints ``url <url>`` once it
answers; ends when its stdin closes.

Two stop points (``tests/offline/trace.py``) around every keyed write that reaches it
(``POST /v1/settlements``, ``POST /v1/batch``), in an ASGI middleware, the sandbox's own
code untouched:

- ``call``: the request has arrived whole and is not yet handled (the kiosk has sent it
  and waits for the answer);
- ``commit``: it has been handled and its store transaction committed (the answer's first
  message is about to go): killing the kiosk here kills it before it records the answer.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import queue
import socket
import sys
import threading
from pathlib import Path

from tests.offline.trace import Tracer

WRITES = frozenset({"/v1/settlements", "/v1/batch"})
KEY_FIELD = b'"key"'  # one per operation of a batch


class StopPoints:
    """ASGI middleware: ``call`` and ``commit`` stops around the platform's keyed writes."""

    def __init__(self, app, tracer: Tracer):
        self.app = app
        self.tracer = tracer

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in WRITES:
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:  # the whole request first: "arrived" means arrived
            message = await receive()
            chunks.append(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(chunks)
        detail = self._detail(scope, body)
        await self._stop("call", detail)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def answer(message):
            if message["type"] == "http.response.start":  # the handler has returned: committed
                await self._stop("commit", f"{detail} {message['status']}")
            await send(message)

        await self.app(scope, replay, answer)

    async def _stop(self, phase: str, detail: str) -> None:
        released = self.tracer.hit(phase, detail)
        if released is not None:
            await asyncio.to_thread(released.wait)  # this request waits; the others go on

    @staticmethod
    def _detail(scope, body: bytes) -> str:
        if scope["path"] == "/v1/batch":
            return f"batch {body.count(KEY_FIELD)}"
        key = dict(scope["headers"]).get(b"idempotency-key", b"-").decode()
        return f"settlement {key[:8]}"


def serve(db: Path, terminal_id: str, secret: bytes) -> None:
    import uvicorn

    from sandbox.app import create_app
    from sandbox.server import DEFAULT_HOSPITAL
    from sandbox.store import Store
    from sandbox.store.authority import UNBUDGETED

    tracer = Tracer("platform")
    with Store(db) as store:
        store.add_terminal(terminal_id, secret, DEFAULT_HOSPITAL)
        store.authority = UNBUDGETED  # its patients come far faster than a kiosk's one a minute
        app = StopPoints(create_app(store, control=False), tracer)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # Nagle off, as embedded
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                               ws="none", log_config=None))
        commands: queue.Queue = queue.Queue()
        tracer.serve(commands)

        def control() -> None:
            commands.get()  # nothing but the end of stdin ("quit") is expected here
            server.should_exit = True

        def announce() -> None:
            while not server.started and not server.should_exit:
                threading.Event().wait(0.01)
            tracer.say(f"url http://127.0.0.1:{sock.getsockname()[1]}")

        threading.Thread(target=control, name="platform-control", daemon=True).start()
        threading.Thread(target=announce, name="platform-announce", daemon=True).start()
        server.run(sockets=[sock])
        sock.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--terminal", required=True)
    args = parser.parse_args(argv)
    serve(args.db, args.terminal, bytes.fromhex(os.environ["KIOSK_SANDBOX_SECRET"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
