"""A small TCP fault proxy on loopback, between the kiosk and the platform.

Modes (switchable while running):
- ``pass``: forward both ways.
- ``delay``: forward, holding each chunk ``delay_s`` first.
- ``hold``: accept and read the request, never forward it, never answer
  (the platform never saw it).
- ``blackhole``: forward the request, swallow the answer (the platform did the
  work; the kiosk never hears about it).
- ``reset``: accept, then close at once with a TCP reset.
- ``drop``: accept and close cleanly without a byte.

With ``trigger`` (bytes), a connection passes until the kiosk sends a chunk
holding those bytes (say ``b"/settle"``); the fault applies from that request on.

Runs an asyncio loop on its own thread; ``forwarded`` counts connections that
reached the upstream, ``triggered`` the requests the fault was applied to.

``cut(mode)`` switches the mode and severs every open connection (a pulled cable: the
kiosk's kept-alive connections go too, not only new ones); ``upstream`` may be changed
while running (a platform restarted on another port): new connections go there.
"""
from __future__ import annotations

import asyncio
import socket
import struct
import threading


class FaultProxy:
    def __init__(self, upstream_host: str, upstream_port: int, mode: str = "pass", delay_s: float = 0.0,
                 trigger: bytes | None = None):
        self.upstream = (upstream_host, upstream_port)
        self.mode = mode
        self.delay_s = delay_s
        self.trigger = trigger
        self.triggered = 0
        self.forwarded = 0
        self.accepted = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _listen(self):
        return await asyncio.start_server(self._handle, "127.0.0.1", 0)

    def stop(self) -> None:
        async def shutdown():
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def cut(self, mode: str) -> None:
        """Switch to ``mode`` and close every open connection at once."""
        self.mode = mode

        async def sever():
            for task in list(self._tasks):
                task.cancel()

        asyncio.run_coroutine_threadsafe(sever(), self._loop).result(10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        self.accepted += 1
        try:
            if self.trigger is None and self.mode in ("reset", "drop", "hold"):
                await self._refuse(self.mode, reader, writer)
                return
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
            self.forwarded += 1
            state = {"fault": None if self.trigger else self.mode}
            try:
                await asyncio.gather(self._upstream(reader, writer, up_writer, state),
                                     self._downstream(up_reader, writer, state))
            finally:
                up_writer.close()
        except (OSError, asyncio.CancelledError):  # OSError: also an upstream that died (a killed platform)
            pass
        finally:
            writer.close()
            self._tasks.discard(task)

    async def _refuse(self, mode: str, reader, writer) -> None:
        if mode == "reset":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == "hold":
            while await reader.read(65536):
                pass

    async def _upstream(self, reader, writer, up_writer, state) -> None:
        """Kiosk → platform."""
        while data := await reader.read(65536):
            if state["fault"] is None and self.trigger and self.trigger in data:
                state["fault"] = self.mode
                self.triggered += 1
                if self.mode in ("reset", "drop", "hold"):
                    await self._refuse(self.mode, reader, writer)
                    raise ConnectionResetError("fault injected")
            if self.delay_s and state["fault"] == "delay":
                await asyncio.sleep(self.delay_s)
            up_writer.write(data)
            await up_writer.drain()
        if up_writer.can_write_eof():
            up_writer.write_eof()

    async def _downstream(self, up_reader, writer, state) -> None:
        """Platform → kiosk; swallowed once a black-hole fault is on."""
        while data := await up_reader.read(65536):
            if state["fault"] == "blackhole":
                continue
            if self.delay_s and state["fault"] == "delay":
                await asyncio.sleep(self.delay_s)
            writer.write(data)
            await writer.drain()
        if state["fault"] != "blackhole" and writer.can_write_eof():
            writer.write_eof()
