"""How the kiosk may reach its platform: the URL rule and the CAs it trusts (stdlib only).

Shared by the settings check at start (``kiosk.settings.start_problems``), ``kiosk-admin``
and the platform client (``kiosk.platform``), so that all three apply one rule:

- **The URL.** ``https://`` anywhere; plain ``http://`` only to a loopback address (the
  embedded or a local sandbox), never with a user name in it.
- **The trust anchor** (:func:`trust_store`). The CA bundle named by ``ca_bundle``, else
  the system's own bundle (:func:`system_trust_store`). It is always handed on as a file
  path (to ``kiosk.connections``, and to ``requests`` where the insurance adapter and
  ``kiosk-admin`` use it: given ``verify=True``, requests would take ``REQUESTS_CA_BUNDLE`` or
  ``CURL_CA_BUNDLE`` from the environment instead, and otherwise use ``certifi``'s copy of
  Mozilla's list, never the system's). The environment (those two, ``SSL_CERT_FILE``) is
  never asked: whom the kiosk trusts is decided by its settings file and the system alone.
- **A named bundle must be one** (:func:`ca_bundle_problems`): a path that does not exist,
  a folder, or a file without a PEM certificate is a settings error at start, never a
  silent fallback to other CAs. (``kiosk-admin config validate`` also says when every
  certificate in it has expired.)
"""
from __future__ import annotations

import binascii
import os
import re
import sys
from functools import cache
from pathlib import Path

PLATFORM_URL_RULE = "platform_url must use https:// (plain http only on loopback), with no user name"

#: Where Linux distributions keep the system's CA bundle (one PEM file), after OpenSSL's
#: own default: Debian, Ubuntu, 统信UOS, 麒麟 Kylin; RHEL, Fedora, openEuler, Anolis;
#: openSUSE; Alpine and the BSDs.
SYSTEM_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
)

_PEM_BLOCK = re.compile(rb"-----BEGIN (?:TRUSTED )?CERTIFICATE-----\s*(.+?)-----END (?:TRUSTED )?CERTIFICATE-----",
                        re.DOTALL)


def acceptable_platform_url(url: str) -> bool:
    """https anywhere; plain http only to a loopback address (the embedded or a local sandbox)."""
    import ipaddress
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def _holds_certificate(data: bytes) -> bool:
    """At least one PEM certificate block whose body is base64 of a DER structure."""
    for match in _PEM_BLOCK.finditer(data):
        try:
            der = binascii.a2b_base64(b"".join(match.group(1).split()), strict_mode=True)
        except binascii.Error:
            continue
        if der[:1] == b"\x30":  # an ASN.1 SEQUENCE, as every X.509 certificate is
            return True
    return False


def ca_bundle_problems(path: str | os.PathLike) -> list[str]:
    """Why the file named by ``ca_bundle`` cannot be the trust anchor (empty: it can).

    Cheap enough for the start (no ``ssl`` import): the file is read and must hold a PEM
    certificate; OpenSSL reads it for real at the first connection."""
    path = Path(path)
    if path.is_dir():
        return [f"ca_bundle: {path} is a folder; name the PEM file of the CA"]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [f"ca_bundle: {path} cannot be read ({exc.strerror or exc})"]
    if not _holds_certificate(data):
        return [f"ca_bundle: {path} holds no PEM certificate"]
    return []


@cache
def system_trust_store() -> str:
    """The system's CA bundle as a file, found once per process.

    OpenSSL's compiled-in default file (``ssl.get_default_verify_paths().openssl_cafile``,
    not its ``cafile``, which ``SSL_CERT_FILE`` changes), then :data:`SYSTEM_BUNDLES`; the
    first that holds a PEM certificate. Where the system keeps no such file (Windows: its
    store is not a file), ``certifi``'s bundle, shipped with the app."""
    if sys.platform != "win32":
        import ssl

        for candidate in (ssl.get_default_verify_paths().openssl_cafile, *SYSTEM_BUNDLES):
            if candidate and os.path.isfile(candidate) and not ca_bundle_problems(candidate):
                return os.path.realpath(candidate)
    import certifi

    return certifi.where()


def trust_store(ca_bundle: str) -> str:
    """The CA file a request to the platform is verified against: ``ca_bundle`` when set
    (then the only trust anchor), else the system's."""
    return ca_bundle or system_trust_store()
