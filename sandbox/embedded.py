"""The three sandbox services side by side in one process, each on its own loopback port and SQLite file:
the credit platform (``sandbox.server.EmbeddedSandbox``), the hospital's HIS (``sandbox.his.server.EmbeddedHis``)
and the medical-insurance platform (``sandbox.insurance.server.EmbeddedInsurance``). The kiosk's training mode
and ``kiosk demo`` run them (``kiosk/services.py``), the tests' ``sandbox`` fixture gives them to the journeys.

``with EmbeddedServices(folder, city="xiamen", control=True) as s: s.url, s.his.url, s.insurance.url``

The object stands for the credit platform where the kiosk's tests and tools expect one sandbox (``url``,
``secret``, ``terminal_id``, ``desk_terminal_id``, ``desk_secret``, ``store``, ``city``: the credit platform's)
and holds the other two as ``his`` and ``insurance``. The same two terminals are registered at the credit
platform and the HIS, each service with secrets of its own (the kiosk keeps one secret per counterpart:
``credit``/``terminal``, ``his:<terminal>``, ``insurance:<terminal>`` in the keyring); the insurance service's
gateway (TIF) has its own paasid and secret.

**One business clock.** The HIS and the insurance service follow the credit platform's clock: moving it
(its control API, ``start_at``) moves all three, so a test's or a demo's day is the same everywhere. The
demo data agrees across them (``sandbox/demo_data.py``: the same people, visits and accounts;
``tests/his/test_demo_agreement.py``).
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sandbox.serving import DEFAULT_DESK_TERMINAL_ID, DEFAULT_HOSPITAL, DEFAULT_TERMINAL_ID

#: The SQLite file of each service in the folder.
FILES = {"credit": "platform.sqlite", "his": "his.sqlite", "insurance": "insurance.sqlite"}


class EmbeddedServices:
    """The credit platform, the HIS and the insurance service, started together and stopped together.

    ``files``: the file name of each service in ``folder`` (default :data:`FILES`); ``secret`` /
    ``desk_secret``: the terminals' secrets at the credit platform, ``his_secret`` / ``his_desk_secret`` at
    the HIS, ``insurance_secret`` the insurance gateway's (random unless given). The other arguments are
    ``EmbeddedSandbox``'s (``authority`` also gives the HIS its patient-session and lookup budget)."""

    def __init__(self, folder: str | os.PathLike, *, city: str = "xiamen", terminal_id: str = DEFAULT_TERMINAL_ID,
                 secret: bytes | None = None, terminal_role: str = "kiosk",
                 desk_terminal_id: str = DEFAULT_DESK_TERMINAL_ID, desk_secret: bytes | None = None,
                 his_secret: bytes | None = None, his_desk_secret: bytes | None = None,
                 insurance_secret: str | None = None, hospital_name: str = DEFAULT_HOSPITAL, seed: bool = True,
                 control: bool = False, clock: Callable[[], datetime] | None = None,
                 start_at: datetime | None = None, authority=None, files: dict[str, str] | None = None):
        from sandbox.his.server import EmbeddedHis
        from sandbox.insurance.server import EmbeddedInsurance
        from sandbox.server import EmbeddedSandbox

        self.folder = Path(folder)
        names = {**FILES, **(files or {})}
        self.credit = EmbeddedSandbox(self.folder / names["credit"], city=city, terminal_id=terminal_id,
                                      secret=secret, hospital_name=hospital_name, seed=seed, control=control,
                                      clock=clock, start_at=start_at, terminal_role=terminal_role,
                                      desk_terminal_id=desk_terminal_id, desk_secret=desk_secret, authority=authority)
        self.his = EmbeddedHis(self.folder / names["his"], terminal_id=terminal_id, desk_terminal_id=desk_terminal_id,
                               secret=his_secret if his_secret is not None else secrets.token_bytes(32),
                               desk_secret=his_desk_secret, hospital_name=hospital_name, seed=seed, control=control,
                               clock=clock, presence=authority, follow=self._credit_now)
        self.insurance = EmbeddedInsurance(self.folder / names["insurance"], city=city, secret=insurance_secret,
                                           seed=seed, control=control, clock=clock, follow=self._credit_now)

    def _credit_now(self) -> datetime:
        return self.credit.store.now()

    # -- the credit platform, as the one sandbox the kiosk's tools and tests knew ----------------------
    @property
    def url(self) -> str | None:
        return self.credit.url

    @property
    def store(self):
        return self.credit.store

    def __getattr__(self, name: str):
        if name in ("secret", "terminal_id", "desk_terminal_id", "desk_secret", "city", "port", "control",
                    "terminal_role", "hospital_name", "db_path"):
            return getattr(self.credit, name)
        raise AttributeError(name)

    # -- running ------------------------------------------------------------------------------------
    def start(self) -> EmbeddedServices:
        try:
            self.credit.start()  # first: the others follow its clock (and seed relative to it)
            self.his.start()
            self.insurance.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for service in (self.insurance, self.his, self.credit):  # the credit platform last: the others read its clock
            service.stop()

    def __enter__(self) -> EmbeddedServices:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
