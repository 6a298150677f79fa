"""The HIS over TLS: verified against the CA the settings name (``ca_bundle``), never the environment's,
and an HIS whose certificate the kiosk cannot verify is one that does not answer."""
from __future__ import annotations

import pytest

from kiosk.adapters.his_http import HisHttpAdapter
from kiosk.ports.his import HisUnavailable
from kiosk.ports.registry import build_his
from kiosk.settings import Settings
from sandbox.his.server import EmbeddedHis
from tests.his.conftest import card
from tests.tls_certs import TestCA


@pytest.fixture(autouse=True)
def _no_ca_from_the_environment(monkeypatch):
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def ca(tmp_path) -> TestCA:
    return TestCA(tmp_path / "pki", "Hospital test CA")


@pytest.fixture
def tls_his(tmp_path, ca):
    with EmbeddedHis(tmp_path / "his.sqlite", ssl=ca.issue(["127.0.0.1"], name="his").ssl) as running:
        assert running.url.startswith("https://127.0.0.1:")
        yield running


def test_the_ca_named_in_the_settings_is_trusted(tls_his, ca):
    settings = Settings(his_url=tls_his.url, terminal_id=tls_his.terminal_id, ca_bundle=str(ca.pem))
    port = build_his(settings, secret=tls_his.secret)
    try:
        assert port.find_patient(card("tier1")).patient_id == "10000001"
    finally:
        port.close()


@pytest.mark.parametrize("trusted", ["system", "other CA", "environment"])
def test_an_his_the_kiosk_cannot_verify_does_not_answer(tls_his, ca, tmp_path, monkeypatch, trusted):
    bundle = ""
    if trusted == "other CA":
        bundle = str(TestCA(tmp_path / "other", "Some other CA").pem)
    elif trusted == "environment":  # the environment names the right CA: not asked
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca.pem))
    port = HisHttpAdapter.connect(tls_his.url, tls_his.terminal_id, tls_his.secret, ca_bundle=bundle, retries=0)
    try:
        with pytest.raises(HisUnavailable, match="TLS verification failed"):
            port.departments()
    finally:
        port.close()
