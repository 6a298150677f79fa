"""Build the kiosk's services: platform client, journal, printer, devices, use cases.

This runs on a worker thread after the home screen is shown: the imports it
needs (requests, keyring, reportlab, the sandbox) cost more than the window.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable

from kiosk.settings import Settings

log = logging.getLogger("kiosk.services")


@dataclass
class Services:
    settings: Settings
    profile: object  # the city's PolicyProfile
    platform: object
    journal: object
    writes: object  # PlatformWrites: every write, journal first
    printer: object  # DocumentPrinter
    payments: object  # PaymentChannel
    inpatient: object  # Inpatient: admission and discharge
    overview: Callable  # ReadOverview: account, bills, linked relations (money journeys)
    registrations: object  # Registrations: departments, sessions, register, cancel
    repay: Callable  # Repay: kiosk (phone) or desk (cash, bank card)
    refund: Callable  # RefundSettlement (desk)
    identify: Callable
    settle: Callable
    recover: Callable
    reader: object  # DeviceManager: start/stop every device; present() lays a training card
    training_cards: dict = field(default_factory=dict)  # label -> IdCard (simulated reader only)
    sandbox: object | None = None

    @property
    def training(self) -> bool:
        return self.sandbox is not None

    def close(self) -> None:
        self.reader.stop()
        self.platform.close()
        self.journal.close()
        if self.sandbox is not None:
            self.sandbox.stop()


def build_services(settings: Settings, device_listener: Callable[[object], None], *,
                   secret: bytes | None = None) -> Services:
    from kiosk.devices.manager import DeviceManager
    from kiosk.platform import PlatformClient
    from kiosk.policies import load_profile
    from kiosk.usecases.documents import DocumentPrinter, PrintConfig
    from kiosk.usecases.identify import IdentifyPatient
    from kiosk.usecases.inpatient import Inpatient
    from kiosk.usecases.payments import PaymentChannel
    from kiosk.usecases.refund import RefundSettlement
    from kiosk.usecases.registration import Registrations
    from kiosk.usecases.repayment import ReadOverview, Repay
    from kiosk.usecases.settle import SettleOutpatient
    from kiosk.usecases.writes import PlatformWrites
    from offline_cache.journal import Journal
    from printing.backends import make_backend
    import printing.receipt  # noqa: F401  (warm: the first receipt should not pay for the import)

    sandbox = None
    training_cards = {}
    url = settings.platform_url
    if not url:
        sandbox, secret, training_cards = _start_training_sandbox(settings, secret)
        url = sandbox.url
    elif secret is None:
        from kiosk.secrets import get_terminal_secret

        secret = get_terminal_secret(settings.terminal_id)

    platform = PlatformClient(url, settings.terminal_id, secret,
                              timeout_s=settings.request_timeout_s, ca_bundle=settings.ca_bundle)
    journal = Journal(settings.data_path / "journal.sqlite")
    writes = PlatformWrites(platform, journal)
    printer = DocumentPrinter(make_backend(settings.printer_backend, folder=settings.receipts_path),
                              PrintConfig(settings.hospital_name, settings.terminal_id, settings.receipt_width_mm))
    reader = DeviceManager(settings, device_listener)  # the devices named in the settings
    if not reader.can_present:
        training_cards = {}  # a real reader: no demo-card buttons
    overview = ReadOverview(platform)
    return Services(
        settings=settings,
        profile=load_profile(settings.policy),
        platform=platform,
        journal=journal,
        writes=writes,
        printer=printer,
        payments=PaymentChannel(platform, training=sandbox is not None),
        inpatient=Inpatient(platform, writes, printer),
        overview=overview,
        registrations=Registrations(platform, writes, printer, overview),
        repay=Repay(writes, printer),
        refund=RefundSettlement(writes, printer),
        identify=IdentifyPatient(platform),
        settle=SettleOutpatient(writes, printer),
        recover=writes.complete_pending,
        reader=reader,
        training_cards=training_cards,
        sandbox=sandbox,
    )


def _start_training_sandbox(settings: Settings, secret: bytes | None):
    """No platform configured: run the sandbox in-process with its demo data (training mode)."""
    from kiosk.devices.events import IdCard
    from sandbox.demo_data import DEMO_PATIENTS, demo_card
    from sandbox.server import EmbeddedSandbox

    sandbox = EmbeddedSandbox(settings.data_path / "sandbox.sqlite", city=settings.policy,
                              terminal_id=settings.terminal_id, secret=secret,
                              hospital_name=settings.hospital_name, control=True)
    sandbox.start()
    log.info("training mode: embedded sandbox on %s", sandbox.url)
    cards = {p["role"]: IdCard(**demo_card(p["role"])) for p in DEMO_PATIENTS}
    return sandbox, sandbox.secret, cards
