"""A kiosk's use cases without its window, wired by ``kiosk.services``'s own builders, on the three sandbox services
(``sandbox.embedded.EmbeddedServices``): for the saga's tests, which read the three databases afterwards.

As the app: the journal is the offline outbox (``kiosk.services._offline_mode``: the outbox, the sealed cache, the
sync engine on a client of its own, the offline limits), the sagas and their recovery come from
``kiosk.services._build_sagas`` (the part on credit queued in the outbox when the credit platform does not answer
the hold; the recovery one of the sync engine's sweeps), the identification falls back on the cache. The sync
engine's thread is not started: a test drives it (``offline.sync.step()``, ``recover_at_start``)."""
from __future__ import annotations

from pathlib import Path

from kiosk.platform import PlatformClient
from kiosk.services import _build_sagas, _offline_mode, build_ports
from kiosk.settings import Settings
from kiosk.usecases.identify import IdentifyPatient
from tests.sandbox_fixtures import counterparts


class Kiosk:
    """``Kiosk(services, folder, data_key)``: the ports, the identification, the outpatient, discharge and
    registration sagas (the live path's engine), the recovery (an engine of its own, as the app's), the outbox and
    the sync engine (``offline``). ``close`` as the app closes; a new ``Kiosk`` on the same folder and key is the
    kiosk started again (``recover_at_start``: what the app does then)."""

    def __init__(self, services, folder: Path, data_key: bytes, *, timeout_s: float = 3.0, **settings):
        from kiosk.policies import load_profile
        from kiosk.usecases.writes import PlatformWrites

        self.settings = Settings(platform_url=services.url, terminal_id=services.terminal_id, data_dir=str(folder),
                                 policy=services.city, request_timeout_s=timeout_s, **counterparts(services),
                                 **settings)
        self.client = PlatformClient(services.url, services.terminal_id, services.secret, timeout_s=timeout_s,
                                     retries=0)
        self.offline, _link = _offline_mode(self.settings, services.url, services.secret, training=False,
                                            data_key=data_key)
        self.journal = self.offline.outbox  # the journal of writes is the offline outbox, as the app's
        self.ports = build_ports(self.settings, self.client, self.journal)
        built = _build_sagas(self.ports, self.journal, None, load_profile(self.settings.policy), self.offline)
        self.engine = built.engine
        self.sagas = self.engine.sagas
        self.outpatient, self.discharge, self.registration = built.outpatient, built.discharge, built.registration
        self.recovery = built.recovery
        self.writes = PlatformWrites(self.client, self.journal, self.offline.sync)
        self.identify = IdentifyPatient(self.client, self.offline, his=self.ports.his)

    def recover_at_start(self) -> dict[str, str]:
        """What the app does once started (``kiosk.services._recover``): the outbox sent (the credit platform
        answering), then every unfinished saga driven to its end. Each saga's state after."""
        self.writes.complete_pending()
        return self.recovery.all()

    def session(self, role: str):
        from sandbox.demo_data import patient_by_role

        return self.identify(patient_by_role(role)["id_number"])

    def clinic(self, session, skip: int = 0):
        """An open clinic session of the HIS the patient is not registered for (``skip``: that many passed)."""
        from kiosk.domain import clock
        from kiosk.usecases.registration import _his_session

        his, now = self.ports.his, clock.now()
        booked = {r.session.session_id for r in his.registrations(session.his_patient_id, "booked")}
        found = [s for d in his.departments() for s in his.sessions(d.dept_code, 3)
                 if s.slots_left > 0 and s.session_id not in booked and s.starts_at > now]
        return _his_session(found[skip])

    def close(self) -> None:
        self.offline.close()  # the sync engine (its thread, if a test started it) and its client, the cache
        self.ports.close()
        self.client.close()
        self.journal.close()
