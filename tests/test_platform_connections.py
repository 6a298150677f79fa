"""The platform client's connections (``kiosk.connections``, the standard library's HTTP):
one kept-alive connection per host, a connection the network dropped is never sent on,
and a hospital's proxy from the environment is used (its ``CONNECT`` tunnel for https),
except for the hosts ``no_proxy`` names."""
from __future__ import annotations

import select
import socket
import socketserver
import threading
import time

import pytest

from kiosk.platform import PlatformClient, PlatformError, PlatformUnavailable
from sandbox.server import EmbeddedSandbox
from tests.faultproxy import FaultProxy
from tests.tls_certs import TestCA


def client(url: str, sandbox, **kwargs) -> PlatformClient:
    return PlatformClient(url, sandbox.terminal_id, sandbox.secret, timeout_s=5, **kwargs)


def test_requests_to_one_host_share_one_kept_alive_connection(sandbox):
    with FaultProxy("127.0.0.1", sandbox.port) as proxy:
        c = client(proxy.url, sandbox)
        try:
            for _ in range(5):
                assert c.health()["status"] == "ok"
            assert c.request("GET", "/v1/fleet/me")["terminal_id"] == sandbox.terminal_id  # signed, same one
        finally:
            c.close()
        assert proxy.accepted == 1


def _kept_sockets(c: PlatformClient) -> list[socket.socket]:
    return [conn.sock for conns in c.session._idle.values() for conn in conns if conn.sock is not None]


def _closed_by_peer(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""


def test_a_connection_the_network_dropped_is_not_sent_on(sandbox):
    """A pulled cable while the connection waited in the pool: the next request, a write
    that is never repeated, goes on a new connection and is answered."""
    with FaultProxy("127.0.0.1", sandbox.port) as proxy:
        c = client(proxy.url, sandbox, retries=0)
        try:
            assert c.health()["status"] == "ok"
            [kept] = _kept_sockets(c)
            proxy.cut("pass")  # every open connection severed; new ones pass
            deadline = time.monotonic() + 5
            while not _closed_by_peer(kept):  # the kiosk's end has seen the cable go
                assert time.monotonic() < deadline, "the proxy did not close the connection"
                time.sleep(0.01)
            answer = c.request("POST", "/v1/fleet/heartbeat", {"sent_at": "2026-01-01T00:00:00+08:00"})
        except PlatformError as exc:
            assert not isinstance(exc, PlatformUnavailable), f"sent on a dropped connection: {exc}"
            answer = {"refused": exc.code}  # an answer of the platform: it got there
        finally:
            c.close()
        assert answer and proxy.accepted == 2


class _ConnectProxy(socketserver.ThreadingTCPServer):
    """An HTTP proxy that only tunnels (``CONNECT host:port``), as hospital proxies for
    https do; it records what it was asked."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.asked: list[str] = []
        super().__init__(("127.0.0.1", 0), _Tunnel)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Tunnel(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        line = self.rfile.readline().decode("latin-1").strip()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        self.server.asked.append(line)
        method, target, _ = line.split(" ", 2)
        if method != "CONNECT":
            self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()

        def pump(source, sink) -> None:
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                sink.close()

        back = threading.Thread(target=pump, args=(upstream, self.connection), daemon=True)
        back.start()
        pump(self.connection, upstream)
        back.join(5)


@pytest.fixture
def https_sandbox(tmp_path):
    ca = TestCA(tmp_path / "pki", "Hospital test CA")
    with EmbeddedSandbox(tmp_path / "platform.sqlite", ssl=ca.issue(["127.0.0.1"]).ssl) as running:
        yield running, ca


@pytest.fixture
def hospital_proxy(monkeypatch):
    proxy = _ConnectProxy()
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY",
                 "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    yield proxy
    proxy.shutdown()
    proxy.server_close()


def test_https_goes_through_the_proxy_the_environment_names(https_sandbox, hospital_proxy):
    sandbox, ca = https_sandbox
    c = client(sandbox.url, sandbox, ca_bundle=str(ca.pem))
    try:
        assert c.health()["status"] == "ok"
        assert c.request("GET", "/v1/fleet/me")["terminal_id"] == sandbox.terminal_id  # TLS to the platform, inside
    finally:
        c.close()
    assert [a.rsplit(" ", 1)[0] for a in hospital_proxy.asked] == [f"CONNECT 127.0.0.1:{sandbox.port}"]  # one, kept


def test_no_proxy_hosts_are_reached_directly(https_sandbox, hospital_proxy, monkeypatch):
    sandbox, ca = https_sandbox
    monkeypatch.setenv("no_proxy", "localhost,127.0.0.0/8")
    c = client(sandbox.url, sandbox, ca_bundle=str(ca.pem))
    try:
        assert c.health()["status"] == "ok"
    finally:
        c.close()
    assert hospital_proxy.asked == []


def test_the_certificate_is_checked_through_the_tunnel_too(https_sandbox, hospital_proxy, tmp_path):
    sandbox, _ca = https_sandbox
    other = TestCA(tmp_path / "other", "Some other CA")
    c = client(sandbox.url, sandbox, ca_bundle=str(other.pem), retries=0)
    try:
        with pytest.raises(PlatformUnavailable, match="TLS verification failed"):
            c.health()
    finally:
        c.close()
