"""Running the sandbox insurance platform: embedded in a thread on a loopback port of its own
(training, ``kiosk demo``, tests), or as ``python -m sandbox.insurance`` /
``kiosk-sandbox --service insurance``.

The gateway is the TIF style: the hospital's ``paasid`` and its secret (the kiosk keeps the secret in
the keyring as ``insurance:<terminal>``); ``gateway=False`` serves without gateway headers (a
hospital's front-end processor).
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sandbox.insurance import demo
from sandbox.insurance.app import BASE_PATH, create_app
from sandbox.insurance.service import InsuranceService
from sandbox.insurance.store import InsuranceStore
from sandbox.serving import LoopbackServer

SECRET_ENV = "KIOSK_SANDBOX_INSURANCE_SECRET"
DEFAULT_PORT = 8752
DEFAULT_PAASID = "credit_care_kiosk"


class EmbeddedInsurance:
    """The sandbox insurance platform served by uvicorn in a daemon thread on 127.0.0.1, on its own file.

    ``with EmbeddedInsurance(tmp / "insurance.sqlite") as ins: ins.url, ins.paasid, ins.secret, ins.store``

    ``url`` is the interface's address (``.../fsi/api/rsfComIfsService/callService``). ``city`` picks the
    division (Xiamen 350200, Hangzhou 330100) and the demo persons' insurance places; ``control``: the
    control API (faults, clock); ``clock``: the wall clock (an aware-datetime callable); ``start_at``: a
    fresh file's business clock starts then; ``follow``: another service's business clock it keeps instead."""

    def __init__(self, db_path: str | os.PathLike, *, city: str = "xiamen",
                 fixmedins_code: str = demo.FIXMEDINS_CODE, fixmedins_name: str = demo.FIXMEDINS_NAME,
                 paasid: str = DEFAULT_PAASID, secret: str | None = None, gateway: bool = True, seed: bool = True,
                 control: bool = False, clock: Callable[[], datetime] | None = None,
                 start_at: datetime | None = None, ssl: tuple[str, str] | None = None, host: str = "127.0.0.1",
                 port: int = 0, follow: Callable[[], datetime] | None = None):
        self.db_path = Path(db_path)
        self.city = city
        self.admdvs = demo.CITY_ADMDVS[city]
        self.fixmedins_code = fixmedins_code
        self.fixmedins_name = fixmedins_name
        self.paasid = paasid
        self.secret = secret if secret is not None else secrets.token_hex(16)
        self.gateway = gateway
        self.seed = seed
        self.control = control
        self.clock = clock
        self.start_at = start_at
        self.follow = follow  # another service's business clock to keep (sandbox.embedded: the credit platform's)
        self.ssl = ssl
        self.host, self._port = host, port
        self.store: InsuranceStore | None = None
        self.service: InsuranceService | None = None
        self.app = None
        self.port: int | None = None
        self.base_url: str | None = None
        self.url: str | None = None
        self._served: LoopbackServer | None = None

    def start(self) -> EmbeddedInsurance:
        if self._served is not None:
            raise RuntimeError("insurance service already started")
        self.store = InsuranceStore(self.db_path, **({"clock": self.clock} if self.clock else {}))
        self.store.follows = self.follow
        try:
            if self.start_at is not None and not self.store.read("SELECT 1 FROM messages LIMIT 1"):
                self.store.advance_clock(int((self.start_at - self.store.now()).total_seconds()))
            if self.seed:
                self.store.seed_demo(self.city)
            self.service = InsuranceService(self.store, admdvs=self.admdvs, fixmedins_code=self.fixmedins_code,
                                            fixmedins_name=self.fixmedins_name,
                                            gateway={self.paasid: self.secret} if self.gateway else None)
            self.app = create_app(self.service, control=self.control)
            self._served = LoopbackServer(self.app, "sandbox-insurance", host=self.host, port=self._port,
                                          ssl=self.ssl).start()
            self.port, self.base_url = self._served.port, self._served.url
            self.url = self.base_url + BASE_PATH
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.app is not None:
            self.app.state.stopping.set()  # a withheld answer lets go
        if self._served is not None:
            self._served.stop()
            self._served = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> EmbeddedInsurance:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("credit-care-kiosk")) / "insurance.sqlite"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kiosk-sandbox --service insurance",
        description="Sandbox medical-insurance platform speaking the national interface's envelope, with demo "
                    f"persons (demo, training, tests). The gateway secret of --paasid comes from ${SECRET_ENV}.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--db", type=Path, default=None,
                        help="SQLite file (default: insurance.sqlite in the user data folder)")
    parser.add_argument("--city", default="xiamen", choices=sorted(demo.CITY_ADMDVS),
                        help="the division served (xiamen 350200, hangzhou 330100)")
    parser.add_argument("--fixmedins-code", default=demo.FIXMEDINS_CODE)
    parser.add_argument("--fixmedins-name", default=demo.FIXMEDINS_NAME)
    parser.add_argument("--paasid", default=DEFAULT_PAASID, help="the hospital's paasid at the TIF gateway")
    parser.add_argument("--no-gateway", action="store_true", help="take messages without x-tif-* headers")
    parser.add_argument("--control", action="store_true",
                        help="enable the control API (/_sandbox/faults, /_sandbox/clock); for tests and demos only")
    parser.add_argument("--ssl-certfile", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--ssl-keyfile", help="the certificate's private key (PEM)")
    parser.add_argument("--quiet", action="store_true",
                        help="print no URL line (kiosk-sandbox --service all prints them)")
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_ENV, "").strip()
    if not secret and not args.no_gateway:
        secret = secrets.token_hex(16)
        print(f"kiosk-sandbox insurance: no {SECRET_ENV} set; the gateway secret of paasid {args.paasid} for this "
              f"run (training only, never for a real hospital): {secret}", file=sys.stderr)
    import uvicorn

    with InsuranceStore(args.db or default_db_path()) as store:
        store.seed_demo(args.city)
        service = InsuranceService(store, admdvs=demo.CITY_ADMDVS[args.city], fixmedins_code=args.fixmedins_code,
                                   fixmedins_name=args.fixmedins_name,
                                   gateway=None if args.no_gateway else {args.paasid: secret})
        scheme = "https" if args.ssl_certfile else "http"
        if not args.quiet:
            print(f"insurance: {scheme}://{args.host}:{args.port}{BASE_PATH}", flush=True)
        config = uvicorn.Config(create_app(service, control=args.control), host=args.host, port=args.port,
                                log_level="warning", access_log=False, lifespan="off", ws="none",
                                ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile)
        uvicorn.Server(config).run()
    return 0
