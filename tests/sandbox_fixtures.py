"""Pytest plugin: the sandbox platform on loopback, and a signing HTTP client for tests.

Loaded from ``tests/conftest.py`` (``pytest_plugins = ["tests.sandbox_fixtures"]``).
"""
from __future__ import annotations

import json as jsonlib
import secrets
import time
from collections.abc import Iterator

import pytest
import requests

from kiosk.domain import signing
from sandbox.server import EmbeddedSandbox


class SignedClient:
    """A ``requests`` client that signs every request like a kiosk terminal.

    Keyword overrides let tests send deliberately wrong requests: ``timestamp``,
    ``nonce``, ``secret``, ``terminal_id``; :meth:`prepare` + :meth:`send` allow changing
    a request after it was signed.
    """

    def __init__(self, base_url: str, terminal_id: str, secret: bytes, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.terminal_id = terminal_id
        self.secret = secret
        self.timeout = timeout
        self.session = requests.Session()

    def prepare(self, method: str, path: str, *, json: object = None,
                params: dict | None = None, headers: dict | None = None,
                timestamp: str | int | None = None, nonce: str | None = None,
                secret: bytes | None = None, terminal_id: str | None = None,
                ) -> requests.PreparedRequest:
        body = None if json is None else jsonlib.dumps(json, ensure_ascii=False).encode()
        all_headers = {"Content-Type": "application/json"} if body is not None else {}
        all_headers.update(headers or {})
        prepared = self.session.prepare_request(requests.Request(
            method, self.base_url + path, params=params, data=body, headers=all_headers))
        ts = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce if nonce is not None else secrets.token_hex(16)
        raw = prepared.body or b""
        if isinstance(raw, str):
            raw = raw.encode()
        signature = signing.sign(secret if secret is not None else self.secret,
                                 prepared.method, prepared.path_url, ts, nonce, raw)
        prepared.headers.update({
            signing.HEADER_TERMINAL: terminal_id if terminal_id is not None else self.terminal_id,
            signing.HEADER_TIMESTAMP: ts,
            signing.HEADER_NONCE: nonce,
            signing.HEADER_SIGNATURE: signature,
        })
        return prepared

    def send(self, prepared: requests.PreparedRequest) -> requests.Response:
        response = self.session.send(prepared, timeout=self.timeout)
        response.content  # read fully so the connection goes back to the pool  # noqa: B018
        response.close()
        return response

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.send(self.prepare(method, path, **kwargs))

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "SignedClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@pytest.fixture
def sandbox(tmp_path) -> Iterator[EmbeddedSandbox]:
    """A seeded sandbox platform on 127.0.0.1 with a fresh database, stopped afterwards."""
    with EmbeddedSandbox(tmp_path / "platform.sqlite") as running:
        yield running


@pytest.fixture
def sandbox_client(sandbox) -> Iterator[SignedClient]:
    """A :class:`SignedClient` registered as the sandbox's terminal."""
    with SignedClient(sandbox.url, sandbox.terminal_id, sandbox.secret) as client:
        yield client
