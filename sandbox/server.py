"""Running the sandbox platform: embedded in a thread on loopback, or as ``kiosk-sandbox``.

No access log is written (and the API never puts ID numbers in URLs anyway).
"""
from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import uvicorn

from sandbox.app import create_app
from sandbox.store import Store
from sandbox.store.authority import AuthorityConfig

DEFAULT_TERMINAL_ID = "KIOSK-DEMO-01"
DEFAULT_DESK_TERMINAL_ID = "DESK-DEMO-01"
DEFAULT_HOSPITAL = "厦门市示范医院"
SECRET_ENV = "KIOSK_SANDBOX_SECRET"
DESK_SECRET_ENV = "KIOSK_SANDBOX_DESK_SECRET"
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0


class EmbeddedSandbox:
    """The sandbox platform served by uvicorn in a daemon thread on 127.0.0.1.

    ``with EmbeddedSandbox(tmp / "platform.sqlite") as sb: requests.get(sb.url + "/v1/health")``

    ``city`` picks the one policy profile the instance serves; ``control=True`` enables
    the sandbox control API (``/v1/_sandbox/...``: movable clock, payment completion);
    ``clock`` replaces the wall clock (an aware-datetime callable; it also checks request
    timestamps); ``start_at`` starts a fresh sandbox's business clock at that moment
    (a given day in tests and demos). In-process callers may use ``sandbox.store``.

    Two terminals are registered: ``terminal_id`` (``secret``) with the role
    ``terminal_role`` (a kiosk unless told otherwise: the training sandbox of a desk-mode app
    registers the app's own terminal as a desk), and a cashier desk ``desk_terminal_id``
    (``desk_secret``, random unless given). ``authority``: what the platform enforces
    (``sandbox.store.authority.AuthorityConfig``: idle times, the refund limit, budgets).
    """

    def __init__(self, db_path: str | os.PathLike, city: str = "xiamen",
                 terminal_id: str = DEFAULT_TERMINAL_ID, secret: bytes | None = None,
                 hospital_name: str = DEFAULT_HOSPITAL, seed: bool = True,
                 control: bool = False, clock: Callable[[], datetime] | None = None,
                 start_at: datetime | None = None, ssl: tuple[str, str] | None = None,
                 terminal_role: str = "kiosk", desk_terminal_id: str = DEFAULT_DESK_TERMINAL_ID,
                 desk_secret: bytes | None = None, authority: AuthorityConfig | None = None):
        self.ssl = ssl  # (certificate PEM, key PEM): serve HTTPS (TLS tests)
        self.db_path = Path(db_path)
        self.city = city
        self.control = control
        self.clock = clock
        self.start_at = start_at
        self.terminal_id = terminal_id
        self.secret = secret if secret is not None else secrets.token_bytes(32)
        self.terminal_role = terminal_role
        self.desk_terminal_id = desk_terminal_id
        self.desk_secret = desk_secret if desk_secret is not None else secrets.token_bytes(32)
        self.authority = authority
        self.hospital_name = hospital_name
        self.seed = seed
        self.store: Store | None = None
        self.port: int | None = None
        self.url: str | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._failure: BaseException | None = None

    def start(self) -> EmbeddedSandbox:
        if self._thread is not None:
            raise RuntimeError("sandbox already started")
        self.store = Store(self.db_path, city=self.city,
                           **({"clock": self.clock} if self.clock else {}))
        try:
            if self.start_at is not None:
                self.store.start_clock_at(self.start_at)
            if self.seed:
                self.store.seed_demo(self.city)
            if self.authority is not None:
                self.store.authority = self.authority
            if self.desk_terminal_id != self.terminal_id:
                self.store.add_terminal(self.desk_terminal_id, self.desk_secret, self.hospital_name, role="desk")
            self.store.add_terminal(self.terminal_id, self.secret, self.hospital_name, role=self.terminal_role)
            app = create_app(self.store, control=self.control)
            # IPPROTO_TCP explicitly: with protocol 0 asyncio leaves Nagle on for accepted
            # connections, and each kept-alive request waits ~40 ms for a delayed ACK.
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            self._sock = sock
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
            self.url = f"{'https' if self.ssl else 'http'}://127.0.0.1:{self.port}"
            tls = dict(zip(("ssl_certfile", "ssl_keyfile"), map(str, self.ssl))) if self.ssl else {}
            config = uvicorn.Config(app, log_level="warning", access_log=False,
                                    lifespan="off", ws="none", log_config=None, **tls)
            self._server = uvicorn.Server(config)
            self._thread = threading.Thread(target=self._run, name="sandbox-platform",
                                            daemon=True)
            self._thread.start()
            deadline = time.monotonic() + START_TIMEOUT_S
            while not self._server.started:
                if not self._thread.is_alive():
                    raise RuntimeError("sandbox server stopped during start-up") \
                        from self._failure
                if time.monotonic() > deadline:
                    raise TimeoutError(f"sandbox did not start within {START_TIMEOUT_S} s")
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
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> EmbeddedSandbox:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("credit-care-kiosk")) / "sandbox.sqlite"


def _secret_from_env(name: str = SECRET_ENV) -> bytes | None:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kiosk-sandbox",
        description="Sandbox credit-care platform with demo data (demo, training, tests). "
                    f"The terminal secret comes from ${SECRET_ENV} (hex), the cashier desk's from "
                    f"${DESK_SECRET_ENV}.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8750)
    parser.add_argument("--db", type=Path, default=None,
                        help="SQLite file (default: sandbox.sqlite in the user data folder)")
    parser.add_argument("--city", default="xiamen", help="policy profile (xiamen, hangzhou)")
    parser.add_argument("--terminal-id", default=DEFAULT_TERMINAL_ID)
    parser.add_argument("--terminal-role", default="kiosk", choices=("kiosk", "desk"),
                        help="what the platform lets this terminal do (default: kiosk)")
    parser.add_argument("--desk-terminal-id", default=DEFAULT_DESK_TERMINAL_ID,
                        help="a cashier desk terminal registered beside it")
    parser.add_argument("--control", action="store_true",
                        help="enable the sandbox control API (/v1/_sandbox/...: move the "
                             "clock, complete payments); for tests and demos only")
    defaults = AuthorityConfig()
    parser.add_argument("--operator-idle-s", type=int, default=defaults.operator_idle_s,
                        help="an operator session ends after this long unused (default: %(default)s)")
    parser.add_argument("--operator-lock-s", type=int, default=defaults.operator_lock_s,
                        help="a lock after five wrong PINs lasts this long (default: %(default)s)")
    parser.add_argument("--refund-supervisor-over-fen", type=int, default=defaults.refund_supervisor_over_fen,
                        help="refunds above this need a supervisor (default: %(default)s = ￥200)")
    parser.add_argument("--ssl-certfile", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--ssl-keyfile", help="the certificate's private key (PEM)")
    args = parser.parse_args(argv)

    secret = _secret_from_env()
    if secret is None:
        secret = secrets.token_bytes(32)
        print(f"kiosk-sandbox: no {SECRET_ENV} set; terminal {args.terminal_id} secret for "
              f"this run (training only, never for a real hospital): {secret.hex()}",
              file=sys.stderr)
    desk_secret = _secret_from_env(DESK_SECRET_ENV)
    if desk_secret is None:
        desk_secret = secrets.token_bytes(32)
        print(f"kiosk-sandbox: no {DESK_SECRET_ENV} set; desk {args.desk_terminal_id} secret for "
              f"this run (training only): {desk_secret.hex()}", file=sys.stderr)
    db = args.db or default_db_path()
    with Store(db, city=args.city) as store:
        store.authority = replace(defaults, operator_idle_s=args.operator_idle_s, operator_lock_s=args.operator_lock_s,
                                  refund_supervisor_over_fen=args.refund_supervisor_over_fen)
        store.seed_demo(args.city)
        if args.desk_terminal_id != args.terminal_id:
            store.add_terminal(args.desk_terminal_id, desk_secret, DEFAULT_HOSPITAL, role="desk")
        store.add_terminal(args.terminal_id, secret, DEFAULT_HOSPITAL, role=args.terminal_role)
        config = uvicorn.Config(create_app(store, control=args.control), host=args.host,
                                port=args.port,
                                log_level="warning", access_log=False, lifespan="off",
                                ws="none", ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile)
        uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
