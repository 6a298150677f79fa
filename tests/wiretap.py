"""A loopback wiretap between the kiosk and the platform: bytes pass unchanged both ways, and
every HTTP/1.1 request the kiosk sent is recorded as it was on the wire (method, target,
header bytes, body bytes), for the contract test to hold against ``docs/platform-api.json``.

Requests are read with ``Content-Length`` framing (what ``requests`` sends); a chunked
request is recorded with ``chunked=True`` and its body left empty, so a test can fail on it.
Runs an asyncio loop on its own thread, like :class:`tests.faultproxy.FaultProxy`.
"""
from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Captured:
    method: str
    target: str  # path and query, exactly as sent
    headers: tuple[tuple[bytes, bytes], ...]  # as sent: names and values are raw octets
    body: bytes
    chunked: bool = False

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.target).query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), decoded as HTTP does (Latin-1)."""
        wanted = name.lower().encode()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value.decode("latin-1")
        return None


def parse_head(head: bytes) -> tuple[str, str, tuple[tuple[bytes, bytes], ...]]:
    """Request line and header fields of one request head (without its blank line)."""
    lines = head.split(b"\r\n")
    method, target, _version = lines[0].decode("ascii").split(" ", 2)
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.strip(), value.strip(b" \t")))
    return method, target, tuple(headers)


class Wiretap:
    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self._captured: list[Captured] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="wiretap", daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def captured(self) -> list[Captured]:
        with self._lock:
            return list(self._captured)

    def start(self) -> Wiretap:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

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

    def __enter__(self) -> Wiretap:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
            try:
                await asyncio.gather(self._requests(reader, up_writer), self._pipe(up_reader, writer))
            finally:
                up_writer.close()
        except (ConnectionError, asyncio.CancelledError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            self._tasks.discard(task)

    async def _requests(self, reader: asyncio.StreamReader, up_writer: asyncio.StreamWriter) -> None:
        """Kiosk → platform, one request at a time: recorded, then forwarded byte for byte."""
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                if exc.partial:
                    up_writer.write(exc.partial)
                break
            method, target, headers = parse_head(head[:-4])
            fields = {k.lower(): v for k, v in headers}
            chunked = b"chunked" in fields.get(b"transfer-encoding", b"").lower()
            length = int(fields.get(b"content-length", b"0") or 0)
            body = b"" if chunked else await reader.readexactly(length)
            with self._lock:
                self._captured.append(Captured(method, target, headers, body, chunked))
            up_writer.write(head + body)
            await up_writer.drain()
            if chunked:  # not parsed: the rest of the connection just passes
                while data := await reader.read(65536):
                    up_writer.write(data)
                    await up_writer.drain()
                break
        if up_writer.can_write_eof():
            up_writer.write_eof()

    @staticmethod
    async def _pipe(up_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await up_reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
