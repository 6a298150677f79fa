"""The services as a hospital's IT starts them: ``kiosk-sandbox --service his`` and ``--service all`` (each
service its own process, port and SQLite file), run for real in subprocesses."""
from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from sandbox.demo_data import patient_by_role
from sandbox.his.server import EmbeddedHis

pytestmark = pytest.mark.slow


def _free_ports(count: int) -> int:
    """A first port with ``count`` free ports from it on."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        sockets = []
        try:
            for port in range(first, first + count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free ports")


def _urls(process: subprocess.Popen, wanted: set[str], timeout_s: float = 60.0) -> dict[str, str]:
    """The ``name: url`` lines the process prints, read from its pipe until every wanted name came (raw reads:
    a buffered ``readline`` could hold a line back from the selector)."""
    urls: dict[str, str] = {}
    pending = b""
    fd = process.stdout.fileno()
    deadline = time.monotonic() + timeout_s
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while not wanted <= urls.keys():
            left = deadline - time.monotonic()
            assert left > 0 and process.poll() is None, f"printed only {urls}; exit {process.poll()}"
            if selector.select(left):
                pending += os.read(fd, 4096)
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    name, _, url = line.decode().strip().partition(": ")
                    if url:
                        assert name not in urls, f"{name}'s URL line printed twice"
                        urls[name] = url
    assert not pending
    return urls


def _stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(30)


def _env() -> dict:
    return {**os.environ, "KIOSK_SANDBOX_HIS_SECRET": "11" * 32}


def test_kiosk_sandbox_service_his(tmp_path):
    port = _free_ports(1)
    db = tmp_path / "his.sqlite"
    with subprocess.Popen([sys.executable, "-m", "sandbox.server", "--service", "his", "--port", str(port),
                           "--db", str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=_env()) as process:
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    health = requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).json()
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline and process.poll() is None, "the HIS did not start"
                    time.sleep(0.2)  # polling the port until the server answers
            assert health["service"] == "his"
        finally:  # uvicorn stops gracefully, then ends the process by the signal it caught
            assert _stop(process) in (0, -signal.SIGTERM)
        stderr = process.stderr.read()
    assert "serving on http://127.0.0.1:" in stderr and "11" * 32 not in stderr  # a given secret is never printed
    assert db.exists()
    with EmbeddedHis(db, secret=bytes.fromhex("11" * 32), seed=False) as again:  # the file keeps its data
        assert again.store.find_patient(id_number=patient_by_role("tier1")["id_number"])["patient_id"] == "10000001"


def test_kiosk_sandbox_service_all_runs_each_service_on_its_port_and_file(tmp_path):
    from sandbox.server import _installed

    first = _free_ports(3)
    services = ["credit", "his"] + (["insurance"] if _installed("sandbox.insurance") else [])
    with subprocess.Popen([sys.executable, "-m", "sandbox.server", "--service", "all", "--port", str(first),
                           "--db", str(tmp_path / "sandbox.sqlite")],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env()) as process:
        try:
            urls = _urls(process, set(services))
            assert urls["credit"] == f"http://127.0.0.1:{first}"
            assert urls["his"] == f"http://127.0.0.1:{first + 1}"
            if "insurance" in services:
                assert urls["insurance"] == f"http://127.0.0.1:{first + 2}/fsi/api/rsfComIfsService/callService"
            with selectors.DefaultSelector() as selector:  # nothing more: each service's line came once
                selector.register(process.stdout.fileno(), selectors.EVENT_READ)
                assert not selector.select(1.0)
            assert requests.get(urls["credit"] + "/v1/health", timeout=5).json()["status"] == "ok"
            assert requests.get(urls["his"] + "/v1/health", timeout=5).json()["service"] == "his"
        finally:
            assert _stop(process) == 0
    assert {p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite"} >= {"sandbox.sqlite", "his.sqlite"}
    for port in range(first, first + len(services)):  # every child stopped: the ports are free again
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0
