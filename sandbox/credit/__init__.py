"""The sandbox credit-care platform (issue 12): the city's credit platform, one of the kiosk's three
counterparts beside the hospital's HIS (``sandbox.his``) and the medical-insurance platform
(``sandbox.insurance``).

Its code stays where the one sandbox platform grew (``sandbox.app``, ``sandbox.routes``, ``sandbox.store``,
``sandbox.server``) rather than moving under this package: the HIS and the insurance service are built on
that plumbing (``sandbox.store.base``, ``sandbox.store.presence``, ``sandbox.serving``, ``sandbox.app``'s
signature check and errors), and every test, tool, benchmark and the frozen bundle import those paths. This
package names the service and runs it: ``python -m sandbox.credit`` (= ``kiosk-sandbox --service credit``).
``EmbeddedCredit`` is ``sandbox.server.EmbeddedSandbox``; ``sandbox.embedded.EmbeddedServices`` runs the
three services together.
"""
from sandbox.server import EmbeddedSandbox as EmbeddedCredit

__all__ = ["EmbeddedCredit"]
