"""The sandbox platform's SQLite store: one file, one connection, one lock.

All SQL of the sandbox lives in this package, one module per area:

============  ==================================================================
``schema``    tables (version 2) and the migration from version 1
``base``      connection, transactions, movable clock, idempotent writes, references
``views``     patients, accounts, bills, visits, the account overview
``booking``   checks and building blocks shared by every write that moves money
``credit``    opening/closing the service, minors' links, taking on a parent
``payments``  the payment channel: QR payments, cancelled, refunded unused, late ones
``registration``  credit registration
``money``     outpatient settlement, repayment, refunds
``holds``     holds and bookings of the settlement saga (issue 12): the line reserved, then booked with the
              bill details after the insurance settled, or released / voided
``inpatient`` admission orders (入院证, their own table), credit admission and discharge
``admin``     disputes, reconciliation, the clock and the nightly batch
``operators`` desk operators: PIN login, roles, lockout (its own table)
``authority`` terminal roles, operator sessions, shifts, approvals, households, consent
              codes (its own tables), on ``presence``
``presence``  patient sessions, the lookup budget, the authority trail (shared with ``sandbox.his``)
``seed``      demo data
============  ==================================================================

Writes are methods ``op(conn, now, terminal_id, **fields) -> dict`` run by
:meth:`Store.keyed` (HTTP, idempotent) or :meth:`Store.perform` (in-process).
"""
from __future__ import annotations

from sandbox.store.admin import AdminMixin
from sandbox.store.authority import AuthorityMixin
from sandbox.store.base import Refusal, SchemaTooNew, StoreBase, iso, parse_iso
from sandbox.store.credit import CreditMixin
from sandbox.store.holds import HoldsMixin
from sandbox.store.inpatient import InpatientMixin
from sandbox.store.money import MoneyMixin
from sandbox.store.operators import OperatorsMixin
from sandbox.store.payments import PaymentsMixin
from sandbox.store.registration import RegistrationMixin
from sandbox.store.schema import SCHEMA_VERSION
from sandbox.store.seed import SeedMixin
from sandbox.store.views import ViewsMixin, bill_status, outstanding

__all__ = ["SCHEMA_VERSION", "Refusal", "SchemaTooNew", "Store", "bill_status", "iso",
           "outstanding", "parse_iso"]


class Store(AuthorityMixin, OperatorsMixin, InpatientMixin, SeedMixin, AdminMixin, HoldsMixin, MoneyMixin,
            PaymentsMixin, RegistrationMixin, CreditMixin, ViewsMixin, StoreBase):
    """``Store(path, clock=callable returning an aware datetime, city="xiamen")``."""
