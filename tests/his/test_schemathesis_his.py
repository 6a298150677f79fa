"""Property-based API test of the sandbox HIS, as ``tests/test_schemathesis.py`` does it for the credit
platform: schemathesis generates requests from the HIS's OpenAPI document and sends them, correctly
signed, to the HIS app in-process (ASGI). Every answer must be a documented status with a body that
conforms to its schema, and never a 5xx. Half of the generated writes get a fresh Idempotency-Key.
"""
from __future__ import annotations

import itertools
import secrets
import threading
import time
import uuid

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.python import asgi as schemathesis_asgi

from kiosk.domain import signing
from sandbox.his.app import create_app
from sandbox.his.store import HisStore

TERMINAL = "KIOSK-FUZZ-02"
KEY = signing.HEADER_IDEMPOTENCY
_ALTERNATE = itertools.cycle((True, False))
SECRET = secrets.token_bytes(32)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


class TerminalSignature(requests.auth.AuthBase):
    """Signs the prepared request exactly as sent: method, path and query, body bytes, key."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        r.headers[signing.HEADER_TERMINAL] = TERMINAL
        r.headers[signing.HEADER_TIMESTAMP] = timestamp
        r.headers[signing.HEADER_NONCE] = nonce
        r.headers[signing.HEADER_SIGNATURE] = signing.sign(
            SECRET, r.method, r.path_url, timestamp, nonce, body,
            idempotency_key=r.headers.get(signing.HEADER_IDEMPOTENCY))
        return r


def _his() -> tuple[HisStore, object]:
    store = HisStore(":memory:")
    store.seed_demo()
    store.add_terminal(TERMINAL, SECRET, "fuzz")
    return store, create_app(store, control=True)


# Built at import: schemathesis parametrizes the test by operation at collection time (its
# fixture-based lazy loader does not work with pytest 9).
STORE, APP = _his()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


#: Threads of schemathesis's in-process ASGI client: one event loop shared by the whole
#: process and AnyIO's worker threads, which live as long as it. Stopped after the module.
ASGI_THREADS = ("asyncio-portal", "AnyIO worker thread")


@pytest.fixture(autouse=True)
def _no_leftover_threads():
    """Overrides the suite's check: the ASGI client's threads are shared across this module's
    tests and stopped (and checked) once at its end."""
    before = set(threading.enumerate())
    yield
    leftover = [t.name for t in threading.enumerate() if t not in before and t.is_alive()
                and not t.name.startswith(("asyncio_", "ThreadPoolExecutor", *ASGI_THREADS))]
    assert not leftover, f"test left threads running: {leftover}"


@pytest.fixture(scope="module", autouse=True)
def _stop_the_his():
    yield
    schemathesis_asgi._shutdown()  # the documented atexit hook, run now
    for thread in threading.enumerate():
        if thread.name.startswith(ASGI_THREADS):
            thread.join(timeout=5)
            assert not thread.is_alive(), thread.name
    STORE.close()


@pytest.fixture(scope="module")
def signed_session():
    with requests.Session() as session:
        session.auth = TerminalSignature()
        yield session


@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_every_answer_is_documented_and_no_5xx(case, signed_session):
    if KEY in (case.headers or {}) and next(_ALTERNATE):
        # The document requires the key on writes: half of them get a fresh one, so they act;
        # the other half keep the generated one (often reused: the documented 409).
        case.headers = {**case.headers, KEY: uuid.uuid4().hex}
    case.call_and_validate(session=signed_session, checks=CHECKS)


def test_unsigned_requests_are_refused_with_the_documented_401():
    # The same app without the signature: the documented refusal, not a crash.
    operation = schema["/v1/patients/{patient_id}/visits"]["GET"]
    case = operation.Case(path_parameters={"patient_id": "10000003"})
    response = case.call()
    assert response.status_code == 401
    case.validate_response(response, checks=CHECKS)
