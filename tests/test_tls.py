"""TLS to the platform: a certificate the kiosk cannot verify is refused, one signed by the
CA named in the settings (``ca_bundle``) is accepted. The sandbox is served over HTTPS on
loopback with a CA made here; the kiosk shows an untrusted platform as not answering."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.platform import PlatformClient, PlatformUnavailable
from kiosk.secrets import set_terminal_secret
from sandbox.server import EmbeddedSandbox
from tests.helpers import tap_card
from tests.tls_certs import TestCA

ADMIN = Path(sys.executable).with_name("kiosk-admin")


@pytest.fixture(autouse=True)
def _no_ca_from_the_environment(monkeypatch):
    """requests would take a CA bundle from these; the tests name theirs explicitly."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def ca(tmp_path) -> TestCA:
    return TestCA(tmp_path / "pki", "Hospital test CA")


@pytest.fixture
def tls_sandbox(tmp_path, ca):
    cert = ca.issue(["127.0.0.1", "localhost"])
    with EmbeddedSandbox(tmp_path / "platform.sqlite", ssl=cert.ssl) as running:
        assert running.url.startswith("https://127.0.0.1:")
        yield running


def client(sandbox, ca_bundle: str = "") -> PlatformClient:
    return PlatformClient(sandbox.url, sandbox.terminal_id, sandbox.secret, ca_bundle=ca_bundle,
                          retries=0, timeout_s=5)


def test_an_unverifiable_certificate_is_refused(tls_sandbox):
    platform = client(tls_sandbox)  # system CAs only: the test CA is unknown
    try:
        with pytest.raises(PlatformUnavailable, match="TLS verification failed"):
            platform.health()
    finally:
        platform.close()


def test_the_ca_named_in_the_settings_is_trusted(tls_sandbox, ca):
    platform = client(tls_sandbox, str(ca.pem))
    try:
        assert platform.health()["status"] == "ok"
        me = platform.request("GET", "/v1/fleet/me")  # a signed request over TLS
        assert me["terminal_id"] == tls_sandbox.terminal_id
    finally:
        platform.close()


def test_a_certificate_from_another_ca_is_refused(tls_sandbox, tmp_path):
    other = TestCA(tmp_path / "other", "Some other CA")
    platform = client(tls_sandbox, str(other.pem))
    try:
        with pytest.raises(PlatformUnavailable, match="TLS verification failed"):
            platform.health()
    finally:
        platform.close()


def test_a_certificate_for_another_host_is_refused(tmp_path, ca):
    cert = ca.issue(["platform.hospital.example"], name="elsewhere")
    with EmbeddedSandbox(tmp_path / "platform.sqlite", ssl=cert.ssl) as sandbox:
        platform = client(sandbox, str(ca.pem))  # right CA, wrong name: 127.0.0.1 not in it
        try:
            with pytest.raises(PlatformUnavailable, match="TLS verification failed"):
                platform.health()
        finally:
            platform.close()


def test_the_environment_cannot_swap_the_configured_ca(tls_sandbox, ca, tmp_path, monkeypatch):
    """requests lets REQUESTS_CA_BUNDLE override a session's CA; the client passes its own
    on every request, so the CA in the settings is the one that counts."""
    other = TestCA(tmp_path / "other", "Some other CA")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other.pem))
    platform = client(tls_sandbox, str(ca.pem))
    try:
        assert platform.health()["status"] == "ok"
    finally:
        platform.close()


def test_the_kiosk_shows_an_untrusted_platform_as_not_answering(qtbot, tls_sandbox, tmp_path):
    from kiosk.app import KioskApp
    from kiosk.settings import Settings

    settings = Settings(platform_url=tls_sandbox.url, terminal_id=tls_sandbox.terminal_id,
                        data_dir=str(tmp_path / "kiosk-data"), printer_pdf_dir=str(tmp_path / "receipts"),
                        full_screen=False, language="en", heartbeat_interval_s=0)
    app = KioskApp(settings, secret=tls_sandbox.secret)
    qtbot.addWidget(app.window)
    try:
        with qtbot.waitSignal(app.ready, timeout=20_000):
            app.show()
        w = app.window
        qtbot.mouseClick(w.home.buttons["pay"], Qt.MouseButton.LeftButton)
        tap_card(qtbot, app, "tier1")
        qtbot.waitUntil(lambda: w.identify.error.isVisible() and bool(w.identify.error.text()), timeout=15_000)
        assert "not answering" in w.identify.error.text()
        assert w.current == "identify"
        qtbot.mouseClick(w.identify.back_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.current == "home")
    finally:
        app.shutdown()


def _admin(tmp_path, *args, ca_bundle: str = "", sandbox=None):
    config = tmp_path / "admin-settings.toml"
    lines = [f'platform_url = "{sandbox.url}"', f'terminal_id = "{sandbox.terminal_id}"']
    if ca_bundle:
        lines.append(f'ca_bundle = "{ca_bundle}"')
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "KIOSK_CONFIG": str(config)}
    return subprocess.run([str(ADMIN), *args], env=env, capture_output=True, text=True, timeout=60)


def test_kiosk_admin_says_why_when_the_certificate_is_not_trusted(tls_sandbox, ca, tmp_path):
    set_terminal_secret(tls_sandbox.terminal_id, tls_sandbox.secret)
    refused = _admin(tmp_path, "selftest", sandbox=tls_sandbox)
    assert refused.returncode == 1
    assert "FAIL platform     TLS verification failed" in refused.stdout

    trusted = _admin(tmp_path, "secret", "check", sandbox=tls_sandbox, ca_bundle=str(ca.pem))
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert "accepts the signature" in trusted.stdout
    assert tls_sandbox.secret.hex() not in trusted.stdout + trusted.stderr
