"""Pytest plugin: the sandbox services on loopback, and a signing HTTP client for tests.

Loaded from ``tests/conftest.py`` (``pytest_plugins = ["tests.sandbox_fixtures"]``).

``sandbox`` / ``sandbox_client``: the three services (credit platform, HIS, insurance) with the control
API (movable clock, payment completion, which the kiosk's journey tests use); Xiamen unless
parametrized indirectly with a city; the client is the credit platform's.
``sandbox_control`` / ``control_client`` / ``api``: the same for the sandbox API tests; the
parameter is a city or a dict of ``EmbeddedSandbox`` arguments, e.g.
``@pytest.mark.parametrize("sandbox_control", ["xiamen", "hangzhou"], indirect=True)``.
:class:`Api` wraps the journeys' calls for the sandbox tests.
"""
from __future__ import annotations

import json as jsonlib
import secrets
import time
import uuid
from collections.abc import Iterator

import pytest
import requests

from kiosk.domain import signing
from sandbox.embedded import EmbeddedServices
from sandbox.server import EmbeddedSandbox


class SignedClient:
    """A ``requests`` client that signs every request like a kiosk terminal.

    The signature covers the ``Idempotency-Key`` and the ``X-Operator-Session`` given in
    ``headers``; ``operator_session`` (set by :meth:`log_in`) is sent with every request.
    Keyword overrides let tests send deliberately wrong requests: ``timestamp``, ``nonce``,
    ``secret``, ``terminal_id``; :meth:`prepare` + :meth:`send` allow changing a request
    after it was signed (a body, a query, a key).
    """

    def __init__(self, base_url: str, terminal_id: str, secret: bytes, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.terminal_id = terminal_id
        self.secret = secret
        self.timeout = timeout
        self.session = requests.Session()
        self.operator_session: str | None = None

    def prepare(self, method: str, path: str, *, json: object = None,
                params: dict | None = None, headers: dict | None = None,
                timestamp: str | int | None = None, nonce: str | None = None,
                secret: bytes | None = None, terminal_id: str | None = None,
                ) -> requests.PreparedRequest:
        body = None if json is None else jsonlib.dumps(json, ensure_ascii=False).encode()
        all_headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.operator_session:
            all_headers[signing.HEADER_OPERATOR_SESSION] = self.operator_session
        all_headers.update(headers or {})
        prepared = self.session.prepare_request(requests.Request(
            method, self.base_url + path, params=params, data=body, headers=all_headers))
        ts = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce if nonce is not None else secrets.token_hex(16)
        raw = prepared.body or b""
        if isinstance(raw, str):
            raw = raw.encode()
        signature = signing.sign(secret if secret is not None else self.secret,
                                 prepared.method, prepared.path_url, ts, nonce, raw,
                                 idempotency_key=prepared.headers.get(signing.HEADER_IDEMPOTENCY),
                                 operator_session=prepared.headers.get(signing.HEADER_OPERATOR_SESSION))
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

    def write(self, path: str, json: object, *, key: str | None = None,
              **kwargs) -> requests.Response:
        """A POST with a fresh (or the given) Idempotency-Key."""
        headers = {signing.HEADER_IDEMPOTENCY: key or uuid.uuid4().hex,
                   **kwargs.pop("headers", {})}
        return self.post(path, json=json, headers=headers, **kwargs)

    def log_in(self, operator_id: str, pin: str) -> dict:
        """An operator logs in at this terminal; their session goes with every later request."""
        r = self.post("/v1/operators/login", json={"operator_id": operator_id, "pin": pin})
        assert r.status_code == 200, r.text
        self.operator_session = r.json()["session"]["token"]
        return r.json()

    def open_shift(self) -> dict:
        r = self.write("/v1/shifts/open", {})
        assert r.status_code == 200, r.text
        return r.json()["shift"]

    def present(self, role_or_id_number: str) -> dict:
        """A patient's card read at this terminal (a patient session): the lookup's answer."""
        from sandbox.demo_data import patient_by_role

        number = role_or_id_number if len(role_or_id_number) == 18 else patient_by_role(role_or_id_number)["id_number"]
        r = self.post("/v1/identity/lookup", json={"id_number": number})
        assert r.status_code == 200, r.text
        return r.json()

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> SignedClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def counterparts(services, *, desk: bool = False) -> dict:
    """The settings that point a kiosk (or, ``desk``, the desk terminal) at the HIS and the insurance service of
    ``services`` (an ``EmbeddedServices``), their secrets put in the keyring as a hospital's IT would
    (``his:<terminal>``, ``insurance:<terminal>``). A bare credit platform (``EmbeddedSandbox``): nothing."""
    his, insurance = getattr(services, "his", None), getattr(services, "insurance", None)
    if his is None or insurance is None:
        return {}
    from kiosk.adapters.his_http import set_his_secret
    from kiosk.secrets import set_insurance_secret

    terminal_id = services.desk_terminal_id if desk else services.terminal_id
    set_his_secret(terminal_id, his.desk_secret if desk else his.secret)
    set_insurance_secret(terminal_id, insurance.secret)
    return {"his_url": his.url, "insurance_url": insurance.url, "insurance_paasid": insurance.paasid,
            "insurance_admdvs": insurance.admdvs, "insurance_fixmedins_code": insurance.fixmedins_code,
            "insurance_fixmedins_name": insurance.fixmedins_name}


@pytest.fixture
def sandbox(tmp_path, request) -> Iterator[EmbeddedServices]:
    """The three seeded sandbox services on 127.0.0.1 (``sandbox.embedded``: the credit platform, the HIS
    and the insurance service, each its own port and fresh file, one clock) with their control APIs
    (clock, payments), stopped afterwards. It stands for the credit platform (``url``, ``secret``,
    ``store``...) and holds ``his`` and ``insurance``. ``request.param`` (indirect): the city."""
    city = getattr(request, "param", None) or request.getfixturevalue("city")
    with EmbeddedServices(tmp_path, city=city, control=True) as running:
        yield running


@pytest.fixture
def sandbox_client(sandbox) -> Iterator[SignedClient]:
    """A :class:`SignedClient` registered as the sandbox's terminal."""
    with SignedClient(sandbox.url, sandbox.terminal_id, sandbox.secret) as client:
        yield client


@pytest.fixture
def sandbox_control(tmp_path, request) -> Iterator[EmbeddedSandbox]:
    """A seeded sandbox with its control API. ``request.param`` (indirect): the city, or a
    dict of ``EmbeddedSandbox`` arguments (``city``, ``start_at``)."""
    param = getattr(request, "param", "xiamen")
    options = {"city": param} if isinstance(param, str) else dict(param)
    with EmbeddedSandbox(tmp_path / "platform.sqlite", control=True, **options) as running:
        yield running


@pytest.fixture
def control_client(sandbox_control) -> Iterator[SignedClient]:
    with SignedClient(sandbox_control.url, sandbox_control.terminal_id,
                      sandbox_control.secret) as client:
        yield client


@pytest.fixture
def desk_control_client(sandbox_control) -> Iterator[SignedClient]:
    """A client of the sandbox's cashier desk terminal (nobody logged in yet)."""
    with SignedClient(sandbox_control.url, sandbox_control.desk_terminal_id,
                      sandbox_control.desk_secret) as client:
        yield client


@pytest.fixture
def api(control_client, desk_control_client) -> Api:
    return Api(control_client, desk_control_client)


class ApiError(AssertionError):
    pass


CASHIER, CASHIER_PIN = "1001", "246810"
SUPERVISOR, SUPERVISOR_PIN = "2001", "112233"


class Api:
    """The sandbox journeys' calls, asserting success unless ``expect`` says otherwise.

    ``client`` is a kiosk; ``desk_client`` the cashier desk, used by :attr:`desk` (the demo
    cashier logged in and the shift opened at first use) for what only a desk may do.

    Reads of a patient's data need their card read at the terminal (:meth:`who`,
    :meth:`present`: a patient session). When a read is refused because that session has
    ended meanwhile (the clock moved on by days), the patients seen come back and present
    their cards again, once, as they would."""

    def __init__(self, client: SignedClient, desk_client: SignedClient | None = None):
        self.client = client
        self._desk_client = desk_client
        self._desk: Api | None = None
        self._seen: dict[str, None] = {}  # id numbers presented here, in order

    @property
    def desk(self) -> Api:
        if self._desk is None:
            assert self._desk_client is not None, "no desk terminal for this Api"
            self._desk_client.log_in(CASHIER, CASHIER_PIN)
            self._desk_client.open_shift()
            self._desk = Api(self._desk_client)
        return self._desk

    def approval(self, settlement_id: str, amount_fen: int, supervisor: str = SUPERVISOR,
                 pin: str = SUPERVISOR_PIN) -> str:
        """A supervisor's approval of one refund, given at this desk: its ``approval_id``."""
        return self.post("/v1/approvals", {"supervisor_id": supervisor, "pin": pin, "settlement_id": settlement_id,
                                           "amount_fen": amount_fen})["approval_id"]

    def present(self, *roles: str) -> None:
        """The patients' cards read at this terminal (each a patient session here)."""
        for role in roles:
            self.client.present(role)
            self._seen[_number(role)] = None

    @staticmethod
    def _check(r: requests.Response, expect: int | None = 200) -> dict:
        if expect is not None and r.status_code != expect:
            raise ApiError(f"{r.request.method} {r.request.path_url}: {r.status_code} {r.text}")
        return r.json()

    def get(self, path: str, expect: int | None = 200, **params) -> dict:
        r = self.client.get(path, params=params or None)
        if r.status_code == 403 and r.json()["error"]["code"] == "patient_not_present" and self._seen \
                and expect != 403:
            for number in self._seen:  # back at the kiosk: the cards read again
                self.client.present(number)
            r = self.client.get(path, params=params or None)
        return self._check(r, expect)

    def post(self, path: str, body: dict, expect: int | None = 200, key: str | None = None,
             ) -> dict:
        return self._check(self.client.write(path, body, key=key), expect)

    # -- common reads --
    def who(self, role: str) -> dict:
        """The patient's card read here: the lookup's answer (and a patient session here)."""
        found = self.client.post("/v1/identity/lookup", json={"id_number": _number(role)})
        answer = self._check(found)
        self._seen[_number(role)] = None
        return answer

    def account(self, account_id: str) -> dict:
        """The account's state: without the snapshot's time and signature, which change with
        every read (``test_offline_mode`` checks those)."""
        answer = self.get(f"/v1/accounts/{account_id}")
        return {k: v for k, v in answer.items() if k not in ("as_of", "signature")}

    def bills(self, account_id: str) -> list[dict]:
        return self.get(f"/v1/accounts/{account_id}/bills")["bills"]

    def open_visits(self, patient_id: str) -> list[dict]:
        return self.get(f"/v1/patients/{patient_id}/visits", status="open")["visits"]

    def now(self) -> str:
        return self.get("/v1/_sandbox/clock")["now"]

    # -- writes --
    def paid(self, patient_id: str, amount_fen: int, purpose: str) -> str:
        """A completed channel payment (the test plays the patient's phone)."""
        payment = self.post("/v1/payments", {"patient_id": patient_id, "amount_fen": amount_fen,
                                             "purpose": purpose})
        assert payment["status"] == "pending"
        done = self.post(f"/v1/_sandbox/payments/{payment['payment_id']}/complete", {})
        assert done["status"] == "paid"
        return payment["payment_id"]

    def advance(self, seconds: int) -> dict:
        return self.post("/v1/_sandbox/clock", {"advance_s": seconds})

    def set_clock(self, moment: str) -> dict:
        return self.post("/v1/_sandbox/clock", {"set_to": moment})

    def repay_all(self, account_id: str, channel: str = "cash") -> dict:
        """Everything owed repaid at the cashier desk (the account's holder must be present here,
        for the amount)."""
        owed = self.account(account_id)["outstanding_fen"]
        return self.desk.post("/v1/repayments", {"account_id": account_id, "amount_fen": owed,
                                                 "channel": channel})


def _number(role: str) -> str:
    from sandbox.demo_data import patient_by_role

    return patient_by_role(role)["id_number"]


def error_of(r: requests.Response | dict) -> dict:
    """The error object of an answer (envelope checked)."""
    body = r.json() if isinstance(r, requests.Response) else r
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "details"}, body
    return body["error"]
