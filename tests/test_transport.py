"""Transport to the platform: the app refuses to start with a platform in clear (``http://``
off loopback) or a ``ca_bundle`` that is not a PEM bundle, and sends nothing; every part that
talks HTTPS (the client, the heartbeat, the sync engine's probe, ``kiosk-admin``) trusts the
settings' ``ca_bundle`` or the system's bundle, never a CA the environment names."""
from __future__ import annotations

import os
import select
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomli_w

from kiosk.platform import PlatformClient, PlatformUnavailable
from kiosk.secrets import set_terminal_secret
from kiosk.settings import Settings
from sandbox.server import EmbeddedSandbox
from tests.tls_certs import TestCA

ADMIN = Path(sys.executable).with_name("kiosk-admin")
TERMINAL = "KIOSK-XM-07"
SECRET = bytes(range(32))
CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")


def wait_for(predicate, timeout_s: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def non_loopback_address() -> str:
    """An address of this machine that is not loopback: the one it would use to reach the
    outside (no packet is sent to find it), else one its host name resolves to."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: a UDP connect only picks the route
        address = probe.getsockname()[0]
    except OSError:
        address = ""
    finally:
        probe.close()
    if address and not address.startswith("127."):
        return address
    for found in socket.gethostbyname_ex(socket.gethostname())[2]:
        if not found.startswith("127."):
            return found
    raise AssertionError("this machine has no non-loopback IPv4 address to listen on")


class Listener:
    """A TCP listener that never answers: it only tells whether anyone connected."""

    def __init__(self, host: str):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(8)
        self.host, self.port = host, self.sock.getsockname()[1]

    def connected(self) -> bool:
        return bool(select.select([self.sock], [], [], 0)[0])

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener():
    listening = Listener(non_loopback_address())
    yield listening
    listening.close()


@pytest.fixture
def ca(tmp_path) -> TestCA:
    return TestCA(tmp_path / "pki", "Hospital test CA")


@pytest.fixture
def tls_sandbox(tmp_path, ca):
    cert = ca.issue(["127.0.0.1", "localhost"])
    with EmbeddedSandbox(tmp_path / "platform.sqlite", ssl=cert.ssl, terminal_id=TERMINAL,
                         secret=SECRET) as running:
        yield running


def start_kiosk(tmp_path: Path, **settings) -> tuple[subprocess.Popen, Path]:
    """The real app as a subprocess with these settings; (process, its log file)."""
    data = tmp_path / "kiosk-data"
    values = {"terminal_id": TERMINAL, "data_dir": str(data), "full_screen": False,
              "heartbeat_interval_s": 10, **settings}
    config = tmp_path / "settings.toml"
    config.write_text(tomli_w.dumps(values), encoding="utf-8")
    set_terminal_secret(TERMINAL, SECRET)  # so that today's code would get as far as the network
    process = subprocess.Popen([sys.executable, "-m", "kiosk", "--config", str(config)],
                               env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return process, data / "logs" / "kiosk.log"


def refused_start(process: subprocess.Popen, listener: Listener) -> str:
    """Wait until the app exits or something connects to the listener; the app's stderr."""
    try:
        wait_for(lambda: process.poll() is not None or listener.connected(),
                 what="the kiosk to exit (or to connect)")
    finally:
        if process.poll() is None:
            process.kill()
        stderr = process.communicate(timeout=30)[1]
    assert not listener.connected(), "the kiosk connected to the platform"
    return stderr


# -- the start ---------------------------------------------------------------------------------

def test_the_app_refuses_a_platform_in_clear_and_sends_nothing(tmp_path, listener):
    url = f"http://{listener.host}:{listener.port}"
    process, log = start_kiosk(tmp_path, platform_url=url)
    stderr = refused_start(process, listener)
    assert process.returncode == 2, stderr
    said = "refusing to start, nothing was sent: platform_url must use https://"
    assert said in stderr
    assert said in log.read_text(encoding="utf-8")  # IT finds it in the log too
    assert "kiosk-admin config set" in stderr  # and what to do next


def test_a_platform_url_with_a_user_name_is_refused_without_showing_it(tmp_path, listener):
    url = f"https://it:hunter2@{listener.host}:{listener.port}"
    process, log = start_kiosk(tmp_path, platform_url=url)
    stderr = refused_start(process, listener)
    assert process.returncode == 2 and "with no user name" in stderr
    assert "hunter2" not in stderr and "hunter2" not in log.read_text(encoding="utf-8")


@pytest.mark.parametrize("bundle", ["missing", "folder", "der", "key"])
def test_a_ca_bundle_that_is_no_pem_bundle_stops_the_start(tmp_path, listener, ca, bundle):
    paths = {"missing": tmp_path / "hospital-ca.pem",  # a typo: no such file
             "folder": tmp_path / "pki",
             "der": tmp_path / "hospital-ca.der",  # the CA in DER, converted by openssl
             "key": ca.folder / f"{ca.slug}-platform.key"}  # a PEM file, but a key
    ca.issue(["127.0.0.1"])
    subprocess.run(["openssl", "x509", "-in", str(ca.pem), "-outform", "DER", "-out", str(paths["der"])],
                   check=True, capture_output=True)
    url = f"https://{listener.host}:{listener.port}"
    process, log = start_kiosk(tmp_path, platform_url=url, ca_bundle=str(paths[bundle]))
    stderr = refused_start(process, listener)
    assert process.returncode == 2, stderr
    why = {"missing": "cannot be read", "folder": "is a folder", "der": "holds no PEM certificate",
           "key": "holds no PEM certificate"}[bundle]
    line = f"ca_bundle: {paths[bundle]} {why}"
    assert line in stderr and line in log.read_text(encoding="utf-8")


def test_start_accepts_https_loopback_http_and_a_real_ca_bundle(ca):
    from kiosk.settings import start_problems

    assert start_problems(Settings(platform_url="https://gateway.hospital.example", ca_bundle=str(ca.pem))) == []
    assert start_problems(Settings(platform_url="http://127.0.0.1:8443")) == []
    assert start_problems(Settings(platform_url="http://localhost:8443")) == []
    assert start_problems(Settings()) == []  # training: the embedded sandbox
    bundle = Path("/etc/ssl/certs/ca-certificates.crt")  # Debian's system bundle: ~140 CAs in one file
    if bundle.exists():
        assert start_problems(Settings(ca_bundle=str(bundle))) == []


def test_kiosk_admin_config_validate_names_a_ca_bundle_folder(tmp_path):
    config = tmp_path / "admin.toml"
    config.write_text(f'ca_bundle = "{tmp_path}"\n', encoding="utf-8")
    result = subprocess.run([str(ADMIN), "config", "validate"], env={**os.environ, "KIOSK_CONFIG": str(config)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"ca_bundle: {tmp_path} is a folder" in result.stderr


def test_kiosk_admin_sends_nothing_in_clear(tmp_path, listener):
    """``secret check`` and ``selftest`` sign a request to the platform: never over http off loopback."""
    config = tmp_path / "admin.toml"
    config.write_text(f'platform_url = "http://{listener.host}:{listener.port}"\nterminal_id = "{TERMINAL}"\n',
                      encoding="utf-8")
    set_terminal_secret(TERMINAL, SECRET)
    env = {**os.environ, "KIOSK_CONFIG": str(config)}
    check = subprocess.run([str(ADMIN), "secret", "check"], env=env, capture_output=True, text=True, timeout=60)
    assert check.returncode == 1
    assert "platform: not contacted: platform_url must use https://" in check.stdout
    selftest = subprocess.run([str(ADMIN), "selftest"], env=env, capture_output=True, text=True, timeout=60)
    assert selftest.returncode == 1
    assert "not contacted: platform_url must use https://" in selftest.stdout
    assert not listener.connected()


# -- whom the kiosk trusts ---------------------------------------------------------------------

@pytest.fixture
def environment_trusts(monkeypatch, ca):
    """Every variable through which requests or OpenSSL could be told to trust the test CA."""
    for name in CA_VARIABLES:
        monkeypatch.setenv(name, str(ca.pem))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def test_an_empty_ca_bundle_means_the_system_bundle_not_the_environment(tls_sandbox, ca, environment_trusts):
    platform = PlatformClient(tls_sandbox.url, TERMINAL, SECRET, retries=0, timeout_s=5)
    try:
        with pytest.raises(PlatformUnavailable, match="TLS verification failed"):
            platform.health()
    finally:
        platform.close()
    trusted = PlatformClient(tls_sandbox.url, TERMINAL, SECRET, retries=0, timeout_s=5, ca_bundle=str(ca.pem))
    try:
        assert trusted.health()["status"] == "ok"  # the same platform, with the CA in the settings
    finally:
        trusted.close()


def test_the_system_bundle_is_openssls_own_file(environment_trusts):
    """What "the system's CAs" means here, by an independent tool: the ``cert.pem`` in the
    OpenSSL directory that the ``openssl`` command reports (on Debian a link to
    /etc/ssl/certs/ca-certificates.crt, which update-ca-certificates maintains)."""
    if shutil.which("openssl") is None:
        expected = "/etc/ssl/certs/ca-certificates.crt"
    else:
        out = subprocess.run(["openssl", "version", "-d"], capture_output=True, text=True, check=True).stdout
        expected = os.path.join(out.split('"')[1], "cert.pem")
    platform = PlatformClient("https://gateway.hospital.example", TERMINAL, SECRET)
    try:
        assert platform.session.verify == os.path.realpath(expected)
    finally:
        platform.close()


def _admin(tmp_path, sandbox, *args, ca_bundle: str = ""):
    config = tmp_path / "admin.toml"
    config.write_text(f'platform_url = "{sandbox.url}"\nterminal_id = "{TERMINAL}"\n'
                      + (f'ca_bundle = "{ca_bundle}"\n' if ca_bundle else ""), encoding="utf-8")
    return subprocess.run([str(ADMIN), *args], env={**os.environ, "KIOSK_CONFIG": str(config)},
                          capture_output=True, text=True, timeout=60)


def test_kiosk_admin_trusts_the_settings_not_the_environment(tmp_path, tls_sandbox, ca, environment_trusts):
    set_terminal_secret(TERMINAL, SECRET)
    selftest = _admin(tmp_path, tls_sandbox, "selftest")
    assert "FAIL platform     TLS verification failed" in selftest.stdout
    check = _admin(tmp_path, tls_sandbox, "secret", "check")
    assert check.returncode == 1 and "TLS verification failed" in check.stdout
    trusted = _admin(tmp_path, tls_sandbox, "secret", "check", ca_bundle=str(ca.pem))
    assert trusted.returncode == 0 and "accepts the signature" in trusted.stdout


@pytest.mark.parametrize("configured", [False, True], ids=["environment-only", "ca_bundle"])
def test_heartbeat_and_sync_trust_only_the_settings(qtbot, tmp_path, tls_sandbox, ca, environment_trusts,
                                                     configured):
    """The running app: with the CA only in the environment, neither the heartbeat nor the
    sync engine's probe reaches the platform (the banner says offline); with it in
    ``ca_bundle``, both do."""
    from kiosk.app import KioskApp

    settings = Settings(platform_url=tls_sandbox.url, terminal_id=TERMINAL, language="en",
                        data_dir=str(tmp_path / "kiosk-data"), printer_pdf_dir=str(tmp_path / "receipts"),
                        full_screen=False, heartbeat_interval_s=10, ca_bundle=str(ca.pem) if configured else "")
    app = KioskApp(settings, secret=SECRET)
    qtbot.addWidget(app.window)
    try:
        with qtbot.waitSignal(app.ready, timeout=30_000):
            app.show()
        banner = app.window.offline_banner
        beat = app.heartbeat
        qtbot.waitUntil(lambda: banner.status is not None and beat.sent + beat.failed >= 1, timeout=30_000)
        reader = PlatformClient(tls_sandbox.url, TERMINAL, SECRET, ca_bundle=str(ca.pem), retries=0)
        try:
            last = reader.request("GET", "/v1/fleet/me")["last_heartbeat_at"]
        finally:
            reader.close()
        if configured:
            assert banner.status.online and beat.sent >= 1 and last is not None
        else:
            assert banner.offline and banner.isVisible()
            assert beat.sent == 0 and "TLS verification failed" in (beat.last_error or "")
            assert last is None  # nothing the kiosk sent arrived
    finally:
        app.shutdown()
