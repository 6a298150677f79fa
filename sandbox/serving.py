"""Serving one sandbox service's ASGI app with uvicorn in a daemon thread, on a loopback port of its
own: shared by the credit platform's ``EmbeddedSandbox`` (``sandbox.server``) and the HIS's
``EmbeddedHis`` (``sandbox.his.server``), so each service runs on its own port and file whether
embedded in the kiosk (training, ``kiosk demo``), in tests, or side by side (``kiosk-sandbox --service
all``).

No access log is written (and the APIs never put ID numbers in URLs anyway).
"""
from __future__ import annotations

import os
import socket
import threading
import time

import uvicorn

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0
#: The terminals every sandbox service registers, and the hospital they belong to.
DEFAULT_TERMINAL_ID = "KIOSK-DEMO-01"
DEFAULT_DESK_TERMINAL_ID = "DESK-DEMO-01"
DEFAULT_HOSPITAL = "厦门市示范医院"


def secret_from_env(name: str) -> bytes | None:
    """A terminal secret given in the environment variable ``name`` (hex, at least 16 bytes), or None."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        secret = bytes.fromhex(value)
    except ValueError:
        raise SystemExit(f"{name} must be hex") from None
    if len(secret) < 16:
        raise SystemExit(f"{name} must hold at least 16 bytes")
    return secret


class LoopbackServer:
    """``LoopbackServer(app, name).start()`` serves ``app`` on ``host``:``port`` (127.0.0.1 and a free
    port unless told) and returns once it accepts connections; ``url`` then names it. ``ssl``: (certificate
    PEM, key PEM) to serve HTTPS."""

    def __init__(self, app, name: str, *, host: str = "127.0.0.1", port: int = 0,
                 ssl: tuple[str, str] | None = None):
        self.app = app
        self.name = name
        self.host = host
        self.ssl = ssl
        self.port: int | None = port or None
        self._wanted_port = port
        self.url: str | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._failure: BaseException | None = None

    def start(self) -> LoopbackServer:
        if self._thread is not None:
            raise RuntimeError(f"{self.name} already started")
        try:
            # IPPROTO_TCP explicitly: with protocol 0 asyncio leaves Nagle on for accepted
            # connections, and each kept-alive request waits ~40 ms for a delayed ACK.
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            self._sock = sock
            if self._wanted_port:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self._wanted_port))
            self.port = sock.getsockname()[1]
            self.url = f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}"
            tls = dict(zip(("ssl_certfile", "ssl_keyfile"), map(str, self.ssl))) if self.ssl else {}
            config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off", ws="none",
                                    log_config=None, **tls)
            self._server = uvicorn.Server(config)
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
            deadline = time.monotonic() + START_TIMEOUT_S
            while not self._server.started:
                if not self._thread.is_alive():
                    raise RuntimeError(f"{self.name} stopped during start-up") from self._failure
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.name} did not start within {START_TIMEOUT_S} s")
                self._thread.join(0.01)
        except BaseException:
            self.stop()
            raise
        return self

    def _run(self) -> None:
        assert self._server is not None and self._sock is not None
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # noqa: BLE001 - reported by start()
            self._failure = exc

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server stops (or ``timeout``); True if it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_S)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(STOP_TIMEOUT_S)
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._server = None
