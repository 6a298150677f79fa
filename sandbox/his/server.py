"""Running the sandbox HIS: embedded in a thread on a loopback port of its own (training, ``kiosk demo``,
tests), or as ``python -m sandbox.his`` / ``kiosk-sandbox --service his``.

Its terminal registry is its own: the kiosk holds one secret per counterpart (the HIS's in the keyring
as ``his:<terminal>``). The same two terminals as the credit platform's sandbox are registered, a kiosk
and a cashier desk, each with the HIS's own secret (the HIS has no terminal roles: operators, shifts and
approvals are the credit platform's).
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sandbox.his.app import create_app
from sandbox.his.store import HisStore
from sandbox.serving import (
    DEFAULT_DESK_TERMINAL_ID,
    DEFAULT_HOSPITAL,
    DEFAULT_TERMINAL_ID,
    LoopbackServer,
    secret_from_env,
)
from sandbox.store.presence import PresenceConfig

SECRET_ENV = "KIOSK_SANDBOX_HIS_SECRET"
DESK_SECRET_ENV = "KIOSK_SANDBOX_HIS_DESK_SECRET"
DEFAULT_PORT = 8751


class EmbeddedHis:
    """The sandbox HIS served by uvicorn in a daemon thread on 127.0.0.1, on its own SQLite file.

    ``with EmbeddedHis(tmp / "his.sqlite", control=True) as his: his.url, his.secret, his.store``

    ``control``: the sandbox control API (clock, payments completed); ``clock``: the wall clock (an
    aware-datetime callable); ``start_at``: a fresh HIS's business clock starts then; ``presence``: patient
    sessions and the lookup budget (``sandbox.store.presence.PresenceConfig``); ``follow``: another service's
    business clock the HIS keeps (its own is then never moved)."""

    def __init__(self, db_path: str | os.PathLike, *, terminal_id: str = DEFAULT_TERMINAL_ID,
                 secret: bytes | None = None, desk_terminal_id: str = DEFAULT_DESK_TERMINAL_ID,
                 desk_secret: bytes | None = None, hospital_name: str = DEFAULT_HOSPITAL, seed: bool = True,
                 control: bool = False, clock: Callable[[], datetime] | None = None,
                 start_at: datetime | None = None, ssl: tuple[str, str] | None = None,
                 presence: PresenceConfig | None = None, host: str = "127.0.0.1", port: int = 0,
                 follow: Callable[[], datetime] | None = None):
        self.db_path = Path(db_path)
        self.terminal_id = terminal_id
        self.secret = secret if secret is not None else secrets.token_bytes(32)
        self.desk_terminal_id = desk_terminal_id
        self.desk_secret = desk_secret if desk_secret is not None else secrets.token_bytes(32)
        self.hospital_name = hospital_name
        self.seed = seed
        self.control = control
        self.clock = clock
        self.start_at = start_at
        self.ssl = ssl
        self.presence = presence
        self.follow = follow  # another service's business clock to keep (sandbox.embedded: the credit platform's)
        self.host, self._port = host, port
        self.store: HisStore | None = None
        self.port: int | None = None
        self.url: str | None = None
        self._served: LoopbackServer | None = None

    def start(self) -> EmbeddedHis:
        if self._served is not None:
            raise RuntimeError("HIS already started")
        self.store = HisStore(self.db_path, **({"clock": self.clock} if self.clock else {}))
        self.store.follows = self.follow
        try:
            if self.start_at is not None:
                self.store.start_clock_at(self.start_at)
            if self.seed:
                self.store.seed_demo()
            if self.presence is not None:
                self.store.authority = self.presence
            if self.desk_terminal_id != self.terminal_id:
                self.store.add_terminal(self.desk_terminal_id, self.desk_secret, self.hospital_name)
            self.store.add_terminal(self.terminal_id, self.secret, self.hospital_name)
            self._served = LoopbackServer(create_app(self.store, control=self.control), "sandbox-his",
                                          host=self.host, port=self._port, ssl=self.ssl).start()
            self.port, self.url = self._served.port, self._served.url
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._served is not None:
            self._served.stop()
            self._served = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> EmbeddedHis:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("credit-care-kiosk")) / "his.sqlite"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kiosk-sandbox --service his",
        description="Sandbox hospital information system (HIS) with demo data (demo, training, tests). The "
                    f"kiosk terminal's secret at the HIS comes from ${SECRET_ENV} (hex), the cashier desk's from "
                    f"${DESK_SECRET_ENV}.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: his.sqlite in the user data "
                                                               "folder)")
    parser.add_argument("--terminal-id", default=DEFAULT_TERMINAL_ID)
    parser.add_argument("--desk-terminal-id", default=DEFAULT_DESK_TERMINAL_ID)
    parser.add_argument("--control", action="store_true",
                        help="enable the sandbox control API (/v1/_sandbox/...: move the clock, complete payments); "
                             "for tests and demos only")
    parser.add_argument("--ssl-certfile", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--ssl-keyfile", help="the certificate's private key (PEM)")
    parser.add_argument("--quiet", action="store_true",
                        help="print no URL line (kiosk-sandbox --service all prints them)")
    args = parser.parse_args(argv)
    secret = secret_from_env(SECRET_ENV)
    if secret is None:
        secret = secrets.token_bytes(32)
        print(f"kiosk-sandbox his: no {SECRET_ENV} set; terminal {args.terminal_id} secret at the HIS for this run "
              f"(training only, never for a real hospital): {secret.hex()}", file=sys.stderr)
    desk_secret = secret_from_env(DESK_SECRET_ENV)
    if desk_secret is None:
        desk_secret = secrets.token_bytes(32)
        print(f"kiosk-sandbox his: no {DESK_SECRET_ENV} set; desk {args.desk_terminal_id} secret at the HIS for "
              f"this run (training only): {desk_secret.hex()}", file=sys.stderr)
    import uvicorn

    with HisStore(args.db or default_db_path()) as store:
        store.seed_demo()
        if args.desk_terminal_id != args.terminal_id:
            store.add_terminal(args.desk_terminal_id, desk_secret, DEFAULT_HOSPITAL)
        store.add_terminal(args.terminal_id, secret, DEFAULT_HOSPITAL)
        scheme = "https" if args.ssl_certfile else "http"
        if not args.quiet:
            print(f"kiosk-sandbox his: serving on {scheme}://{args.host}:{args.port}", file=sys.stderr, flush=True)
        config = uvicorn.Config(create_app(store, control=args.control), host=args.host, port=args.port,
                                log_level="warning", access_log=False, lifespan="off", ws="none",
                                ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile)
        uvicorn.Server(config).run()
    return 0
