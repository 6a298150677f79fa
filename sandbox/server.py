"""Running the sandbox platform: embedded in a thread on loopback, or as ``kiosk-sandbox``.

No access log is written (and the API never puts ID numbers in URLs anyway).
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import uvicorn

from sandbox.app import create_app
from sandbox.serving import (
    DEFAULT_DESK_TERMINAL_ID,
    DEFAULT_HOSPITAL,
    DEFAULT_TERMINAL_ID,
    LoopbackServer,
    secret_from_env,
)
from sandbox.store import Store
from sandbox.store.authority import AuthorityConfig

SECRET_ENV = "KIOSK_SANDBOX_SECRET"
DESK_SECRET_ENV = "KIOSK_SANDBOX_DESK_SECRET"
__all__ = ["DEFAULT_DESK_TERMINAL_ID", "DEFAULT_HOSPITAL", "DEFAULT_TERMINAL_ID", "EmbeddedSandbox", "main"]


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
        self._served: LoopbackServer | None = None

    def start(self) -> EmbeddedSandbox:
        if self._served is not None:
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
            self._served = LoopbackServer(create_app(self.store, control=self.control), "sandbox-platform",
                                          ssl=self.ssl).start()
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

    def __enter__(self) -> EmbeddedSandbox:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("credit-care-kiosk")) / "sandbox.sqlite"


#: The sandbox services: each its own process, port and SQLite file (issue 12). ``credit`` is the credit
#: platform (this module), ``his`` the hospital's HIS, ``insurance`` the national insurance interface.
SERVICES = ("credit", "his", "insurance")
SERVICE_MODULES = {"credit": "sandbox.credit", "his": "sandbox.his", "insurance": "sandbox.insurance"}
DB_FILES = {"credit": "sandbox.sqlite", "his": "his.sqlite", "insurance": "insurance.sqlite"}
READY_TIMEOUT_S = 30.0
#: What follows the host and port in a service's URL line (the insurance interface's address).
URL_PATHS = {"insurance": "/fsi/api/rsfComIfsService/callService"}


def main(argv: list[str] | None = None) -> int:
    """``kiosk-sandbox [--service credit|his|insurance|all] ...``: the credit platform unless told."""
    argv = list(sys.argv[1:] if argv is None else argv)
    choose = argparse.ArgumentParser(add_help=False)
    choose.add_argument("--service", choices=(*SERVICES, "all"), default="credit")
    chosen, rest = choose.parse_known_args(argv)
    if chosen.service == "credit":
        return credit_main(rest)
    if chosen.service == "his":
        from sandbox.his.server import main as his_main

        return his_main(rest)
    if chosen.service == "insurance":
        return _run_module(SERVICE_MODULES["insurance"], rest)
    return run_all(rest)


def _installed(module: str) -> bool:
    """``python -m module`` would run: the package and its ``__main__`` are there."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.submodule_search_locations is None:  # absent, or a plain module
            return spec is not None
        return importlib.util.find_spec(module + ".__main__") is not None
    except ImportError:
        return False


def _run_module(module: str, argv: list[str]) -> int:
    """``python -m module argv…`` in this process (a service's own command line)."""
    import runpy

    if not _installed(module):
        print(f"kiosk-sandbox: the {module} service is not part of this installation", file=sys.stderr)
        return 2
    saved = sys.argv
    sys.argv = [module, *argv]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
    return 0


def run_all(argv: list[str]) -> int:
    """The three services side by side, each its own process, port and SQLite file: the credit platform on
    ``--port``, the HIS on the next port, the insurance service on the one after; the files beside ``--db``
    (``his.sqlite``, ``insurance.sqlite``); ``--city`` to the platform and the insurance service. Prints one
    URL a line (``credit: http://…``, the insurance interface's full address) once each accepts connections,
    and only here (the services run ``--quiet``); Ctrl-C (or SIGTERM) stops all three.
    Other options go to the credit platform."""
    import signal
    import socket
    import subprocess
    import time

    parser = argparse.ArgumentParser(prog="kiosk-sandbox --service all", add_help=False)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8750)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--control", action="store_true")
    parser.add_argument("--city", default=None, help="the credit platform's policy profile and the insurance "
                                                     "service's division")
    args, rest = parser.parse_known_args(argv)
    folder = (args.db or default_db_path()).parent
    control = ["--control"] if args.control else []
    commands = {}
    for n, name in enumerate(SERVICES):
        if not _installed(SERVICE_MODULES[name]):
            print(f"kiosk-sandbox: {name}: not part of this installation, not started", file=sys.stderr)
            continue
        db = args.db if name == "credit" and args.db else folder / DB_FILES[name]
        command = [sys.executable, "-m", SERVICE_MODULES[name]]
        if name != "credit":
            command += ["--quiet"]  # the URL line is printed here, once each service answers
        command += ["--host", args.host, "--port", str(args.port + n), "--db", str(db), *control]
        if args.city and name in ("credit", "insurance"):
            command += ["--city", args.city]
        commands[name] = (command + (rest if name == "credit" else []), args.port + n)
    children = {name: subprocess.Popen(command) for name, (command, _) in commands.items()}

    def stop() -> None:
        for child in children.values():
            if child.poll() is None:
                child.terminate()

    def terminated(*_signal) -> None:
        raise KeyboardInterrupt  # the same way out as Ctrl-C: every child stopped

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        for name, (_, port) in commands.items():
            while True:
                if children[name].poll() is not None:
                    print(f"kiosk-sandbox: {name} stopped during start-up", file=sys.stderr)
                    stop()
                    return 1
                try:
                    socket.create_connection((args.host, port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        print(f"kiosk-sandbox: {name} did not start within {READY_TIMEOUT_S:.0f} s", file=sys.stderr)
                        stop()
                        return 1
                    time.sleep(0.1)
            print(f"{name}: http://{args.host}:{port}{URL_PATHS.get(name, '')}", flush=True)
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.2)
        return next(child.returncode for child in children.values() if child.returncode is not None)
    except KeyboardInterrupt:
        return 0
    finally:
        stop()
        for child in children.values():
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
        signal.signal(signal.SIGTERM, previous)


def credit_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kiosk-sandbox",
        description="Sandbox credit-care platform with demo data (demo, training, tests). "
                    f"The terminal secret comes from ${SECRET_ENV} (hex), the cashier desk's from "
                    f"${DESK_SECRET_ENV}. --service his|insurance|all runs the hospital's HIS, the "
                    "insurance service or all three instead (each --help says more).")
    parser.add_argument("--service", choices=(*SERVICES, "all"), default="credit",
                        help="which sandbox service: credit (this, the default), his, insurance, or all three on "
                             "--port, --port+1 and --port+2, each with its own SQLite file beside --db")
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

    secret = secret_from_env(SECRET_ENV)
    if secret is None:
        secret = secrets.token_bytes(32)
        print(f"kiosk-sandbox: no {SECRET_ENV} set; terminal {args.terminal_id} secret for "
              f"this run (training only, never for a real hospital): {secret.hex()}",
              file=sys.stderr)
    desk_secret = secret_from_env(DESK_SECRET_ENV)
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
