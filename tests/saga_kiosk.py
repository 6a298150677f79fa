"""A kiosk's use cases without its window, wired as ``kiosk.services`` wires them, on the three sandbox services
(``sandbox.embedded.EmbeddedServices``): for the saga's tests, which read the three databases afterwards."""
from __future__ import annotations

from pathlib import Path

from kiosk.platform import PlatformClient
from kiosk.services import build_ports
from kiosk.settings import Settings
from kiosk.usecases.discharge import DischargeSettlement
from kiosk.usecases.identify import IdentifyPatient
from kiosk.usecases.outpatient import OutpatientSettlement
from kiosk.usecases.registration_saga import RegistrationSettlement
from kiosk.usecases.saga import Engine, Recovery
from offline_cache.crypto import Sealer
from offline_cache.journal import Journal
from offline_cache.sagas import Sagas
from tests.sandbox_fixtures import counterparts


class Kiosk:
    """``Kiosk(services, folder, data_key)``: the ports, the identification, the outpatient and discharge sagas
    (the live path's engine) and the recovery (an engine of its own, as the app's sync engine has). ``close`` as the app
    closes; a new ``Kiosk`` on the same folder and key is the kiosk started again."""

    def __init__(self, services, folder: Path, data_key: bytes, *, timeout_s: float = 3.0, **settings):
        self.settings = Settings(platform_url=services.url, terminal_id=services.terminal_id, data_dir=str(folder),
                                 policy=services.city, request_timeout_s=timeout_s, **counterparts(services),
                                 **settings)
        self.journal = Journal(Path(folder) / "journal.sqlite", Sealer(data_key))
        self.client = PlatformClient(services.url, services.terminal_id, services.secret, timeout_s=timeout_s,
                                     retries=0)
        self.ports = build_ports(self.settings, self.client, self.journal)
        self.sagas = Sagas(self.journal)
        self.engine = Engine(self.sagas, self.ports.msgids)
        self.outpatient = OutpatientSettlement(self.engine, self.ports)
        self.discharge = DischargeSettlement(self.engine, self.ports)
        self.registration = RegistrationSettlement(self.engine, self.ports)
        recovering = Engine(self.sagas, self.ports.msgids)
        self.recovery = Recovery(recovering, {"outpatient": OutpatientSettlement(recovering, self.ports).recover,
                                              "discharge": DischargeSettlement(recovering, self.ports).recover,
                                              "registration": RegistrationSettlement(recovering, self.ports).recover})
        self.identify = IdentifyPatient(self.client, his=self.ports.his)

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
        self.ports.close()
        self.client.close()
        self.journal.close()
