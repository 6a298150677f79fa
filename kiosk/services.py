"""Build the kiosk's services: platform client, journal, printer, devices, use cases.

This runs on a worker thread after the home screen is shown: the imports it
needs (requests, keyring, the sandbox in training) cost more than the window. The
document renderers (reportlab) and the embedded CJK face are loaded later still, once
the kiosk is usable (``warm_printing``).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from kiosk.settings import Settings

log = logging.getLogger("kiosk.services")


@dataclass
class Ports:
    """The kiosk's three counterparts, each an adapter the settings name (``kiosk.ports.registry``): the
    credit platform (``CreditPort``), the hospital's HIS (``HisPort``) and the medical-insurance platform
    (``InsurancePort``; its messages numbered by ``msgids``, the journal's stored sequence). A counterpart
    whose address is not set is None (a kiosk configured for the credit platform alone)."""

    credit: object
    his: object | None = None
    insurance: object | None = None
    msgids: Callable[[], str] | None = None

    def close(self) -> None:
        for port in (self.his, self.insurance):  # the credit port's client is the services' own (closed there)
            if port is not None:
                port.close()


@dataclass
class SagaServices:
    """The settlement sagas (``kiosk/usecases/saga.py``): their engine on the journal, each kind's use case,
    and the recovery run at start and by the sync engine."""

    engine: object
    outpatient: object
    discharge: object
    recovery: object
    registration: object = None


@dataclass
class Services:
    """What the use cases and journeys work with, built once at start (``build_services``) and closed at exit."""

    settings: Settings
    profile: object  # the city's PolicyProfile
    platform: object
    journal: object
    writes: object  # PlatformWrites: every write, journal first
    printer: object  # DocumentPrinter
    payments: object  # PaymentChannel
    overview: Callable  # ReadOverview: account, bills, linked relations (money journeys)
    identify: Callable
    recover: Callable
    reader: object  # DeviceManager: start/stop every device; present() lays a training card
    training_cards: dict = field(default_factory=dict)  # demo role -> IdCard (simulated reader only)
    sandbox: object | None = None
    desk: object | None = None  # Desk: operator login, roles, audit log (offline_cache.audit)
    shifts: object | None = None  # Shifts: open and close the cashier's shift (desk)
    offline: object | None = None  # OfflineMode: outbox, sync engine (its thread started by the app), cache
    link: object | None = None  # TrainingLink (embedded sandbox only): cut and restore the network
    ports: Ports | None = None  # the three counterparts' adapters (kiosk/ports, kiosk/adapters; issue 12)
    sagas: SagaServices | None = None  # settlement as a saga across the three (with the HIS and the insurance)
    registering: bool = False  # registration as a saga (``settings.registration_saga`` with all three ports)

    @property
    def training(self) -> bool:
        return self.sandbox is not None

    # The journeys' use cases are built on first use: their modules are not imported on the way to a
    # usable home screen (``warm_use_cases`` builds them on a worker right after; a tap first builds them).
    @cached_property
    def settle(self):
        """SettleOutpatient: a bill settled on credit (the saga's, with all three ports)."""
        from kiosk.usecases.settle import SettleOutpatient

        return SettleOutpatient(self.writes, self.printer, self.offline,
                                saga=self.sagas.outpatient if self.sagas else None)

    @cached_property
    def inpatient(self):
        """Inpatient: admission and discharge."""
        from kiosk.usecases.inpatient import Inpatient

        return Inpatient(self.platform, self.writes, self.printer,
                         saga=self.sagas.discharge if self.sagas else None)

    @cached_property
    def registrations(self):
        """Registrations: departments, sessions, register, cancel."""
        from kiosk.usecases.registration import Registrations

        return Registrations(self.platform, self.writes, self.printer, self.overview,
                             saga=self.sagas.registration if self.registering else None)

    @cached_property
    def repay(self):
        """Repay: kiosk (phone) or desk (cash, bank card)."""
        from kiosk.usecases.repayment import Repay

        return Repay(self.writes, self.printer)

    @cached_property
    def refund(self):
        """RefundSettlement (desk)."""
        from kiosk.usecases.refund import RefundSettlement

        return RefundSettlement(self.writes, self.printer, self.desk)

    def warm_use_cases(self) -> None:
        """Build every journey's use case now (on a worker, once the kiosk is usable)."""
        for name in ("settle", "inpatient", "registrations", "repay", "refund", "credit", "disputes"):
            getattr(self, name)

    @cached_property
    def credit(self):
        """CreditService: open, close and query the credit service, consent, parents. Built on
        first use (the journeys that need it are built after the kiosk is usable)."""
        from kiosk.usecases.credit import CreditService

        return CreditService(self.platform, self.writes)

    @cached_property
    def disputes(self):
        """Disputes: the reasons, and raising one on a bill. Built on first use."""
        from kiosk.usecases.disputes import Disputes

        return Disputes(self.platform, self.writes, self.printer)

    def queue_state(self) -> dict | None:
        """The offline queue for the heartbeat: counts and the oldest item's time, nothing opened."""
        if self.offline is None:
            return None
        counts = self.offline.outbox.counts(self.offline.expiry_s)
        return {"length": counts.queued, "oldest_at": counts.oldest_at, "conflicts": counts.conflicts}

    def close(self) -> None:
        self.reader.stop()
        if self.offline is not None:
            self.offline.close()  # stops the sync thread first
        if self.ports is not None:
            self.ports.close()
        self.platform.close()
        self.journal.close()
        self.printer.close()
        if self.desk is not None:
            self.desk.audit.close()
        if self.sandbox is not None:
            self.sandbox.stop()


def build_services(settings: Settings, device_listener: Callable[[object], None], *,
                   secret: bytes | None = None, sync_listener: Callable[[object], None] | None = None) -> Services:
    """The services; ``sync_listener``: the app's (its offline banner), given the sync
    engine's status from its thread, which is then started here (else by the caller)."""
    from kiosk.devices.manager import DeviceManager
    from kiosk.platform import PlatformClient
    from kiosk.policies import load_profile
    from kiosk.usecases.identify import IdentifyPatient
    from kiosk.usecases.payments import HIS_PURPOSES, PaymentChannel
    from kiosk.usecases.repayment import ReadOverview
    from kiosk.usecases.writes import PlatformWrites

    sandbox = None
    url = settings.platform_url
    if not url:
        sandbox, secret = _start_training_sandbox(settings, secret)
        url = sandbox.url
    elif secret is None:
        from kiosk.secrets import get_terminal_secret, read_ahead, start_accounts

        read_ahead(start_accounts(settings.terminal_id))  # with the data key, in one conversation
        secret = get_terminal_secret(settings.terminal_id)

    platform = PlatformClient(url, settings.terminal_id, secret,
                              timeout_s=settings.request_timeout_s, ca_bundle=settings.ca_bundle)
    offline, link = _offline_mode(settings, url, secret, training=sandbox is not None, operator=platform.operator)
    if link is not None:
        link.fit(platform)
    if sync_listener is not None:
        # The app's banner listens: the sync engine's thread starts now, so the platform's
        # first answer (the engine's health probe) comes while the rest is built.
        offline.sync.listener = sync_listener
        offline.sync.start()
    try:
        journal = offline.outbox  # the journal of writes is the offline outbox
        writes = PlatformWrites(platform, journal, offline.sync)
        printer = build_printer(settings, secret)
        reader = DeviceManager(settings, device_listener)  # the devices named in the settings
        training_cards = {}  # a real reader: no demo-card buttons
        if reader.can_present:  # a simulated one: the demo cards, whether the sandbox runs embedded or not
            from kiosk.training import demo_cards

            training_cards = demo_cards()
        overview = ReadOverview(platform)
        ports = build_ports(settings, platform, journal, sandbox)
        profile = load_profile(settings.policy)
        sagas = _build_sagas(ports, journal, printer, profile, offline)
        registering = sagas is not None and settings.registration_saga  # the registration saga (issue 12)
        desk = _build_desk(settings, platform)
        offline.audit = desk.record  # conflicts resolved at the desk go to its audit log
        return Services(
            settings=settings,
            profile=profile,
            platform=platform,
            journal=journal,
            writes=writes,
            printer=printer,
            payments=PaymentChannel(platform, training=sandbox is not None, his=ports.his,
                                    his_purposes=HIS_PURPOSES | ({"registration"} if registering else set())),
            overview=overview,
            identify=IdentifyPatient(platform, offline, his=ports.his),
            recover=_recover(writes, sagas),
            reader=reader,
            training_cards=training_cards,
            sandbox=sandbox,
            desk=desk,
            shifts=_build_shifts(settings, platform, journal, desk, printer, ports),
            offline=offline,
            link=link,
            ports=ports,
            sagas=sagas,
            registering=registering,
        )
    except BaseException:
        offline.sync.stop()
        raise


def build_ports(settings: Settings, platform, journal, sandbox=None) -> Ports:
    """The three counterparts' adapters the settings name (``his_adapter``/``his_url``, ``insurance_*``,
    ``credit_adapter`` on the kiosk's own signed client of ``platform_url``), their secrets from the keyring
    (``terminal:``, ``his:``, ``insurance:<terminal_id>``), or in training the embedded services' addresses and
    secrets (``sandbox``: ``sandbox.embedded.EmbeddedServices``). An adapter the settings cannot build stops the
    start with a settings error (``kiosk.ports.registry.AdapterError``)."""
    from kiosk.ports.registry import build_credit, build_his, build_insurance
    from kiosk.usecases.msgids import Msgids

    his = insurance = None
    insurance_settings = settings
    his_url = settings.his_url
    his_secret = insurance_secret = None
    insurance_url = settings.insurance_url
    if sandbox is not None:
        his_url, his_secret = sandbox.his.url, sandbox.his.secret
        insurance_url, insurance_secret = sandbox.insurance.url, sandbox.insurance.secret
        # the embedded service's division and gateway, whatever the settings file says
        insurance_settings = settings.with_overrides(
            insurance_admdvs=sandbox.insurance.admdvs, insurance_paasid=sandbox.insurance.paasid,
            insurance_fixmedins_code=sandbox.insurance.fixmedins_code,
            insurance_fixmedins_name=sandbox.insurance.fixmedins_name, insurance_gateway_style="tif")
    msgids = Msgids(journal, insurance_settings.insurance_fixmedins_code, settings.terminal_id)
    credit = build_credit(settings, client=platform)
    try:
        if his_url:
            his = build_his(settings, url=his_url, secret=his_secret)
        if insurance_url:
            insurance = build_insurance(insurance_settings, msgids=msgids, url=insurance_url, secret=insurance_secret)
    except BaseException:
        if his is not None:
            his.close()
        raise
    return Ports(credit, his, insurance, msgids)


def _build_sagas(ports: Ports, journal, printer, profile, offline) -> SagaServices | None:
    """The sagas, when the kiosk has all three counterparts; their recovery swept by the sync engine."""
    if ports.his is None or ports.insurance is None:
        return None
    from kiosk.usecases.discharge import DischargeSettlement
    from kiosk.usecases.outpatient import OutpatientSettlement
    from kiosk.usecases.saga import Engine, Recovery
    from offline_cache.sagas import Sagas

    sagas = Sagas(journal)
    engine = Engine(sagas, ports.msgids)  # the live path's
    from kiosk.usecases.registration_saga import RegistrationSettlement

    kinds = {"outpatient": OutpatientSettlement, "discharge": DischargeSettlement,
             "registration": RegistrationSettlement}
    # every kind: the credit platform not answering, the part on credit is queued within the offline caps
    live = {kind: saga(engine, ports, printer, profile.repay_before_reuse, offline=offline)
            for kind, saga in kinds.items()}
    # The recovery is another sender (its own lease owner): it never takes a saga the live path holds.
    recovering = Engine(sagas, ports.msgids)
    recovery = Recovery(recovering, {kind: saga(recovering, ports, printer, profile.repay_before_reuse,
                                                offline=offline).recover
                                     for kind, saga in kinds.items()})
    offline.sync.sweeps.append(recovery.sweep)
    return SagaServices(engine, live["outpatient"], live["discharge"], recovery, live["registration"])


def _recover(writes, sagas: SagaServices | None):
    """At start: the queued writes sent, then every unfinished saga driven to its end."""
    def recover():
        report = writes.complete_pending()
        if sagas is not None:
            states = sagas.recovery.all()
            if states:
                log.info("sagas recovered at start: %s", sorted(states.values()))
        return report
    return recover


def warm_printing(services: Services) -> None:
    """On a worker once the kiosk is usable, so that neither the start nor the first receipt
    pays for them: the document renderers (reportlab, ~100 ms to import) and, when the
    printer embeds the CJK face in its documents or rasterises them, that face (a large
    .ttc, a few hundred ms to read)."""
    import printing.receipt
    import printing.statement  # noqa: F401

    settings, printer = services.settings, services.printer
    raster = settings.printer_backend == "escpos" and settings.escpos_mode == "raster"
    if raster or any(getattr(b, "embeds_font", False) for b in (printer.backend, printer.a4_backend)):
        from printing.fonts import FontUnavailable, embedded_face

        try:
            embedded_face()
        except FontUnavailable as exc:
            log.error("%s", exc)


def _offline_mode(settings: Settings, url: str, secret: bytes, *, training: bool, operator=None,
                  data_key: bytes | None = None):
    """The outbox and the cache (sealed with the keyring's data key, or ``data_key``: a headless test
    kiosk's), the sync engine on a client of its own (no retries: the engine backs off itself; at a desk
    it carries the operator's session, ``operator``, as the desk's own client does), the offline limits."""
    from kiosk.adapters.sync_transport import PlatformTransport, TrainingLink
    from kiosk.domain.offline import OfflineLimits
    from kiosk.domain.signing import snapshot_key
    from kiosk.platform import PlatformClient
    from kiosk.usecases.offline import OfflineMode
    from kiosk.usecases.patient_cache import PatientCache
    from kiosk.usecases.writes import phase
    from offline_cache.cache import SnapshotCache
    from offline_cache.crypto import Sealer
    from offline_cache.journal import Journal
    from offline_cache.sync import SyncEngine

    sealer = Sealer(data_key if data_key is not None else _data_key(training))
    journal = Journal(settings.data_path / "journal.sqlite", sealer)
    cache = SnapshotCache(settings.data_path / "cache.sqlite", sealer)
    client = PlatformClient(url, settings.terminal_id, secret, timeout_s=settings.request_timeout_s,
                            ca_bundle=settings.ca_bundle, retries=0, operator=operator)
    link = None
    if training:
        link = TrainingLink()
        link.fit(client)
    expiry_s = settings.queue_expiry_h * 3600
    sync = SyncEngine(journal, PlatformTransport(client, phase=phase), batch_size=settings.sync_batch_size,
                      probe_interval_s=settings.health_probe_s, expiry_s=expiry_s, upkeep=[cache.prune])
    offline = OfflineMode(journal, sync, PatientCache(cache, snapshot_key(secret)),
                          OfflineLimits.from_settings(settings), expiry_s)
    return offline, link


def _data_key(training: bool) -> bytes:
    """The keyring's data key; in training only, a key for this run if no keyring works."""
    from kiosk.secrets import data_key

    try:
        return data_key()
    except Exception as exc:
        if not training:
            raise
        from offline_cache.crypto import new_key

        log.warning("training mode: no usable keyring (%s); queued data is sealed for this run only",
                    type(exc).__name__)
        return new_key()


def _build_desk(settings: Settings, platform):
    from kiosk.usecases.operators import Desk
    from offline_cache.audit import AuditLog, audit_path

    return Desk(platform, AuditLog(audit_path(settings.data_path)), terminal_id=settings.terminal_id,
                login_required=settings.mode == "desk" and settings.operator_login,
                supervisor_over_fen=settings.refund_supervisor_over_fen)


def _build_shifts(settings: Settings, platform, journal, desk, printer, ports=None):
    if settings.mode != "desk":
        return None
    from kiosk.usecases.shift import Shifts

    counterparts = None
    if ports is not None and ports.his is not None and ports.insurance is not None:
        from kiosk.usecases.counterparts import ReconcileCounterparts
        from offline_cache.sagas import Sagas

        counterparts = ReconcileCounterparts(ports, Sagas(journal))
    return Shifts(platform, journal, desk, printer, counterparts)


def make_printer_backend(settings: Settings):
    """The printer back-end the settings name (also used by ``kiosk-admin``'s self-test)."""
    from printing.backends import make_backend

    kind = settings.printer_backend
    if kind == "cups":
        return make_backend("cups", queue=settings.printer_queue, job_timeout_s=settings.printer_job_timeout_s)
    if kind == "escpos":
        return make_backend("escpos", connection=settings.escpos_connection, mode=settings.escpos_mode,
                            width_mm=settings.receipt_width_mm, job_timeout_s=settings.printer_job_timeout_s)
    return make_backend(kind, folder=settings.receipts_path)


def build_printer(settings: Settings, secret: bytes | None):
    """The ``DocumentPrinter`` the settings describe: back-end, archive, reprint queue, and QR
    signatures with the terminal secret (see docs/printing.md)."""
    from kiosk.usecases.documents import DocumentPrinter, PrintConfig
    from offline_cache.reprints import ReprintQueue
    from printing.archive import DocumentArchive
    from printing.backends import make_backend
    from printing.signing import sign_reference

    backend = make_printer_backend(settings)
    a4_backend = None
    if settings.printer_a4_queue:
        a4_backend = make_backend("cups", queue=settings.printer_a4_queue,
                                  job_timeout_s=settings.printer_job_timeout_s)
    terminal_id = settings.terminal_id
    signer = (lambda reference: sign_reference(secret, terminal_id, reference)) if secret else None
    return DocumentPrinter(
        backend, PrintConfig(settings.hospital_name, terminal_id, settings.receipt_width_mm),
        archive=DocumentArchive(settings.archive_path),
        reprints=ReprintQueue(settings.data_path / "reprints.sqlite"),
        signer=signer, a4_backend=a4_backend)


def _start_training_sandbox(settings: Settings, secret: bytes | None):
    """No platform configured: run the three sandbox services in-process with their demo data (training
    mode, ``kiosk demo``): the credit platform, the HIS and the insurance service, each on its own loopback
    port and SQLite file in the data folder (``sandbox.embedded``). The app's terminal is registered with
    the role of its mode: a desk-mode app is a desk (operators log in, shifts, refunds), a kiosk a kiosk."""
    from sandbox.embedded import EmbeddedServices

    sandbox = EmbeddedServices(settings.data_path, city=settings.policy, terminal_id=settings.terminal_id,
                               secret=secret, hospital_name=settings.hospital_name, control=True,
                               terminal_role="desk" if settings.mode == "desk" else "kiosk",
                               files={"credit": "sandbox.sqlite"})
    sandbox.start()
    log.info("training mode: embedded sandbox services: credit %s, HIS %s, insurance %s",
             sandbox.url, sandbox.his.url, sandbox.insurance.url)
    return sandbox, sandbox.secret
