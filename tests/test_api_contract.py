"""The contract: the committed OpenAPI document is what the sandbox platform serves; the
request signature agrees with known answers computed by openssl; and the requests the kiosk
really sends (captured on loopback) are the ones the document describes."""
from __future__ import annotations

import json
import re
import subprocess
import time
import uuid
from dataclasses import dataclass, replace
from types import SimpleNamespace
from urllib.parse import unquote

import jsonschema_rs
import pytest
import requests

from kiosk.platform import PlatformClient, PlatformError
from sandbox.demo_data import patient_by_role
from sandbox.openapi import DOC_PATH, render
from tests.wiretap import Captured, Wiretap


def test_committed_openapi_matches_the_served_one(sandbox):
    with requests.get(sandbox.url + "/openapi.json", timeout=10) as r:
        assert r.status_code == 200
        served = r.json()
    committed = json.loads(DOC_PATH.read_text(encoding="utf-8"))
    assert committed == served, (
        f"{DOC_PATH.name} is out of date with the sandbox API: "
        "run `python -m sandbox.openapi` and commit the result")


def test_committed_openapi_is_canonically_formatted():
    text = DOC_PATH.read_text(encoding="utf-8")
    assert text == render(json.loads(text)), "run `python -m sandbox.openapi`"


def test_every_signed_operation_declares_auth_and_error_envelope():
    doc = json.loads(DOC_PATH.read_text(encoding="utf-8"))
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            errors = {code: spec for code, spec in op["responses"].items()
                      if code[0] in "45"}
            for spec in errors.values():
                assert spec["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorBody"}, (method, path)
            if path != "/v1/health":
                assert "401" in errors and op["security"], (method, path)


# -- the request signature, against known answers computed outside the project ----------------
#
# docs/platform-api.md: X-Signature = hex HMAC-SHA256(terminal secret,
#   METHOD \n PATH[?QUERY] \n TIMESTAMP \n NONCE \n hex(SHA-256(body)) \n IDEMPOTENCY_KEY \n OPERATOR_SESSION)
# with the key line and the session line empty when the request has no such header. The
# canonical bytes are written here by hand from that sentence and digested by `openssl dgst`;
# the kiosk's signing code is not used.

KAT_TERMINAL = "KIOSK-KAT-01"
KAT_SECRET_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
SETTLE_BODY = b'{"patient_id":"P000003","account_id":"CA000003","visit_ids":["V000003"]}'
DISPUTE_BODY = '{"bill_id":"BIL000910","reason_code":"wrong_amount","text":"收费金额与实际不符"}'.encode()
REPAY_BODY = b'{"account_id":"CA000006","amount_fen":100,"channel":"cash"}'
KAT_SESSION = "kat-operator-session-0001"


@dataclass(frozen=True)
class Vector:
    method: str
    target: str  # path and query, as sent
    body: bytes
    key: str | None
    timestamp: str
    nonce: str
    signature: str  # computed once with openssl (the commands in the test below), written down
    session: str | None = None  # X-Operator-Session: a desk operator's action

    @property
    def json(self) -> dict | None:
        return json.loads(self.body) if self.body else None


VECTORS = [
    Vector("GET", "/v1/patients/P000003/visits?status=open", b"", None, "1767225600",
           "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
           "191905735683dea2013334ee22370b20a6261fe3a39ac7673cb869461d3af200"),
    Vector("POST", "/v1/settlements", SETTLE_BODY, "kat-settle-0001", "1767225601",
           "1f2e3d4c5b6a79880796a5b4c3d2e1f0",
           "a8a4180056a23c95256a4c5498711eb5da283788106b191dab2ba65e99b93d9b"),
    Vector("POST", "/v1/disputes", DISPUTE_BODY, "kat-dispute-0001", "1767225602",
           "2f3e4d5c6b7a89981796a5b4c3d2e1f0",
           "9424bb1339cefe2244ae22e54d7ebd9b050b2f78dfdf085f10275327874de074"),
    Vector("POST", "/v1/repayments", REPAY_BODY, "kat-repay-0001", "1767225603",
           "3f4e5d6c7b8a99a82796a5b4c3d2e1f0",
           "dd575bc94174ccc3e2f843f5a0dc992c9f7462d896b0209fa15d6bec7701382f", KAT_SESSION),
]

#: The settlement's canonical bytes, spelled out (SHA-256 of SETTLE_BODY by `openssl dgst -sha256`);
#: no operator session: the last line is empty.
SETTLE_CANONICAL = (b"POST\n/v1/settlements\n1767225601\n1f2e3d4c5b6a79880796a5b4c3d2e1f0\n"
                    b"c29b1473750b71a1615c1f829b37755dfc67d1f61b60d5f68a8a192d927557a8\n"
                    b"kat-settle-0001\n")


def openssl(*args: str, data: bytes) -> str:
    """The hex digest `openssl dgst -r ...` prints for ``data``."""
    out = subprocess.run(["openssl", "dgst", *args, "-r"], input=data, capture_output=True, check=True).stdout
    return out.split()[0].decode()


def canonical_by_hand(method: str, target: str, timestamp: str, nonce: str, body: bytes, key: str | None,
                      session: str | None = None) -> bytes:
    body_hash = openssl("-sha256", data=body)
    return f"{method}\n{target}\n{timestamp}\n{nonce}\n{body_hash}\n{key or ''}\n{session or ''}".encode()


def openssl_signature(secret: bytes, canonical: bytes) -> str:
    return openssl("-sha256", "-mac", "HMAC", "-macopt", f"hexkey:{secret.hex()}", data=canonical)


def signed_headers(v: Vector, terminal: str) -> dict[str, str]:
    headers = {"X-Terminal-Id": terminal, "X-Timestamp": v.timestamp, "X-Nonce": v.nonce, "X-Signature": v.signature}
    if v.key:
        headers["Idempotency-Key"] = v.key
    if v.session:
        headers["X-Operator-Session"] = v.session
    return headers


def kiosk_client(url: str, terminal: str, secret: bytes, timestamp: str, nonce: str,
                 session: str | None = None) -> PlatformClient:
    client = PlatformClient(url, terminal, secret, retries=0, clock=lambda: int(timestamp), nonces=lambda: nonce)
    client.operator.token = session  # a desk's operator, logged in
    return client


def test_the_known_answers_are_what_openssl_computes():
    secret = bytes.fromhex(KAT_SECRET_HEX)
    assert canonical_by_hand("POST", "/v1/settlements", "1767225601", "1f2e3d4c5b6a79880796a5b4c3d2e1f0",
                             SETTLE_BODY, "kat-settle-0001") == SETTLE_CANONICAL
    for v in VECTORS:
        canonical = canonical_by_hand(v.method, v.target, v.timestamp, v.nonce, v.body, v.key, v.session)
        assert openssl_signature(secret, canonical) == v.signature, v.target
    # The key line is signed: the same settlement without its key is another signature.
    keyless = canonical_by_hand("POST", "/v1/settlements", "1767225601", "1f2e3d4c5b6a79880796a5b4c3d2e1f0",
                                SETTLE_BODY, None)
    assert keyless.endswith(b"\n\n") and openssl_signature(secret, keyless) != VECTORS[1].signature
    # So is the session line: the desk's repayment without its operator session is another signature.
    repay = VECTORS[3]
    sessionless = canonical_by_hand(repay.method, repay.target, repay.timestamp, repay.nonce, repay.body, repay.key)
    assert sessionless.endswith(b"\n") and openssl_signature(secret, sessionless) != repay.signature


def test_the_kiosk_client_sends_exactly_the_known_answer_headers(sandbox):
    """Fixed clock and nonce: the headers on the wire are the known answers, and the platform
    finds the signature good (it refuses only the timestamp, which is from 2026-01-01)."""
    sandbox.store.add_terminal(KAT_TERMINAL, bytes.fromhex(KAT_SECRET_HEX), "known answers")
    with Wiretap("127.0.0.1", sandbox.port) as tap:
        for v in VECTORS:
            client = kiosk_client(tap.url, KAT_TERMINAL, bytes.fromhex(KAT_SECRET_HEX), v.timestamp, v.nonce,
                                  v.session)
            try:
                with pytest.raises(PlatformError) as refused:
                    client.request(v.method, v.target, v.json, key=v.key)
            finally:
                client.close()
            assert (refused.value.status, refused.value.code) == (401, "stale_timestamp"), v.target
        sent = tap.captured
    assert len(sent) == len(VECTORS)
    for v, request in zip(VECTORS, sent):
        assert (request.method, request.target, request.body) == (v.method, v.target, v.body)
        for name, value in signed_headers(v, KAT_TERMINAL).items():
            assert request.header(name) == value, (v.target, name)
        if v.key is None:
            assert request.header("Idempotency-Key") is None
        if v.session is None:
            assert request.header("X-Operator-Session") is None


def test_the_platform_accepts_what_openssl_signs_and_the_client_signs_the_same(sandbox, sandbox_client, desk_client):
    """Now-dated requests: signed by openssl over the hand-built bytes and sent as they are,
    they are answered 200; the kiosk's client, given the same time, key and a nonce of its
    own, puts exactly the openssl signature on the wire and gets the same answer (a write
    repeated with its key is answered from the platform's store). The desk's request carries
    a live operator session (the cashier logged in, the shift open)."""
    sandbox_client.present("tier3")  # the patient's card read at the kiosk: their visits may be read
    sandbox_client.present("shortline")  # and the disputed bill's patient (a dispute needs them present)
    desk_client.log_in("1001", "246810")
    desk_client.open_shift()
    with Wiretap("127.0.0.1", sandbox.port) as tap:
        for v in VECTORS:
            terminal, secret = ((sandbox.desk_terminal_id, sandbox.desk_secret) if v.session
                                else (sandbox.terminal_id, sandbox.secret))
            session = desk_client.operator_session if v.session else None
            now, key = str(int(time.time())), v.key and uuid.uuid4().hex
            by_hand = replace(v, timestamp=now, nonce=uuid.uuid4().hex, key=key, session=session)
            by_hand = replace(by_hand, signature=openssl_signature(secret, canonical_by_hand(
                by_hand.method, by_hand.target, now, by_hand.nonce, by_hand.body, key, session)))
            headers = signed_headers(by_hand, terminal)
            if v.body:
                headers["Content-Type"] = "application/json"
            with requests.request(v.method, sandbox.url + v.target, data=v.body or None, headers=headers,
                                  timeout=10) as answer:
                assert answer.status_code == 200, (v.target, answer.text)
                first = answer.json()

            nonce = uuid.uuid4().hex
            expected = openssl_signature(secret, canonical_by_hand(v.method, v.target, now, nonce, v.body, key,
                                                                   session))
            client = kiosk_client(tap.url, terminal, secret, now, nonce, session)
            try:
                assert client.request(v.method, v.target, v.json, key=key) == first, v.target
            finally:
                client.close()
            assert tap.captured[-1].header("X-Signature") == expected, v.target


# -- Idempotency-Key: declared required exactly where the platform requires it ----------------

DOC = json.loads(DOC_PATH.read_text(encoding="utf-8"))
SCHEMAS = DOC["components"]["schemas"]
#: Bodies the documented examples cannot make (a rule across fields: one of two is required).
EXAMPLE_OVERRIDES = {"/v1/_sandbox/clock": {"advance_s": 60}}


def example(schema: dict):
    """A value for ``schema`` from the document itself: its examples, else the first choice."""
    if "$ref" in schema:
        return example(SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]])
    for choices in ("examples", "enum"):
        if choices in schema:
            return schema[choices][0]
    if "const" in schema:
        return schema["const"]
    if "anyOf" in schema:
        return example(schema["anyOf"][0])
    if schema.get("type") == "object":
        return {name: example(sub) for name, sub in schema.get("properties", {}).items()
                if name in schema.get("required", ())}
    return {"string": "x", "integer": 1, "boolean": True, "array": []}[schema["type"]]


def key_parameter(op: dict) -> dict | None:
    return next((p for p in op.get("parameters", ()) if p["in"] == "header" and p["name"] == "Idempotency-Key"), None)


def test_every_write_declares_its_idempotency_key_required_and_the_platform_requires_it(sandbox_client):
    keyed = 0
    for path, operations in DOC["paths"].items():
        op = operations.get("post")
        if op is None:
            continue
        declared = key_parameter(op)
        body = EXAMPLE_OVERRIDES.get(path)
        if body is None:
            body = example(op["requestBody"]["content"]["application/json"]["schema"]) if "requestBody" in op else {}
        target = path.format(**{p["name"]: example(p["schema"]) for p in op.get("parameters", ()) if p["in"] == "path"})
        r = sandbox_client.post(target, json=body)  # signed, no key
        code = r.json().get("error", {}).get("code")
        if declared is not None:
            keyed += 1
            assert declared["required"] is True, path
            assert declared["schema"]["minLength"] == 1 and declared["schema"]["maxLength"] == 128, path
            assert "400" in op["responses"], path
            assert (r.status_code, code) == (400, "missing_idempotency_key"), (path, r.text)
        else:
            assert code != "missing_idempotency_key", (path, r.text)  # reads and unkeyed writes
    assert keyed >= 15  # every write of the journeys, the desk and the control API


# -- what the kiosk really sends, held against the document ------------------------------------

def _operation(method: str, path: str) -> tuple[str, dict, dict[str, str]] | None:
    """The documented operation for a request path: (template, operation, path parameters).
    A literal path wins over a template with parameters."""
    found = []
    for template, operations in DOC["paths"].items():
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
        match = re.match(pattern, path)
        if match and method.lower() in operations:
            found.append((len(match.groupdict()), template, operations[method.lower()], match.groupdict()))
    if not found:
        return None
    _, template, op, params = min(found, key=lambda f: f[0])
    return template, op, {k: unquote(v) for k, v in params.items()}


def _errors(schema: dict, value) -> list[str]:
    validator = jsonschema_rs.Draft202012Validator({**schema, "components": DOC["components"]})
    return [error.message for error in validator.iter_errors(value)]


def _typed(schema: dict, text: str):
    """A query value as its schema's type (query strings carry text)."""
    kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", ())}
    if "integer" in kinds and re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def contract_problems(request: Captured) -> list[str]:
    """What in ``request`` the document does not allow: the path and method, the required
    headers (signature, Idempotency-Key), path and query parameters, the JSON body."""
    where = f"{request.method} {request.target}"
    found = _operation(request.method, request.path)
    if found is None:
        return [f"{where}: no such operation in {DOC_PATH.name}"]
    template, op, path_params = found
    problems = []
    declared = {(p["in"], p["name"]): p for p in op.get("parameters", ())}
    for (place, name), param in declared.items():
        if place == "path":
            problems += [f"{where}: path {name}: {e}" for e in _errors(param["schema"], path_params[name])]
        elif place == "header":
            value = request.header(name)
            if value is None:
                if param.get("required"):
                    problems.append(f"{where}: required header {name} missing")
            else:
                problems += [f"{where}: header {name}: {e}" for e in _errors(param["schema"], value)]
    query = request.query
    for name, value in query:
        param = declared.get(("query", name))
        if param is None:
            problems.append(f"{where}: query parameter {name} is not documented")
        else:
            typed = _typed(param["schema"], value)
            problems += [f"{where}: query {name}: {e}" for e in _errors(param["schema"], typed)]
    for (place, name), param in declared.items():
        if place == "query" and param.get("required") and name not in dict(query):
            problems.append(f"{where}: required query parameter {name} missing")
    for requirement in op.get("security", ())[:1]:
        for scheme in requirement:
            header = DOC["components"]["securitySchemes"][scheme]["name"]
            if not request.header(header):
                problems.append(f"{where}: signature header {header} missing")
    if request.chunked:
        problems.append(f"{where}: chunked body (not parsed)")
    elif "requestBody" in op:
        content_type = (request.header("Content-Type") or "").split(";")[0].strip()
        if content_type not in op["requestBody"]["content"]:
            problems.append(f"{where}: body sent as {content_type!r}")
        else:
            try:
                body = json.loads(request.body)
            except ValueError:
                problems.append(f"{where}: body is not JSON")
            else:
                schema = op["requestBody"]["content"][content_type]["schema"]
                problems += [f"{where}: body: {e}" for e in _errors(schema, body)]
    elif request.body:
        problems.append(f"{where}: a body where {template} takes none")
    return problems


def test_the_checker_sees_what_the_document_does_not_allow():
    """The validator below must be able to fail: requests the document does not allow."""
    signed = ((b"X-Terminal-Id", b"T"), (b"X-Timestamp", b"1"), (b"X-Nonce", b"n"), (b"X-Signature", b"s"))
    json_type = ((b"Content-Type", b"application/json"),)
    key = ((b"Idempotency-Key", b"k-1"),)
    good = Captured("POST", "/v1/settlements", signed + json_type + key, SETTLE_BODY)
    assert contract_problems(good) == []
    bad = {
        "no such operation": Captured("DELETE", "/v1/settlements", signed, b""),
        "required header Idempotency-Key missing": Captured("POST", "/v1/settlements", signed + json_type, SETTLE_BODY),
        "header Idempotency-Key": Captured("POST", "/v1/settlements",
                                           signed + json_type + ((b"Idempotency-Key", b"k" * 129),), SETTLE_BODY),
        "signature header X-Nonce missing": Captured("GET", "/v1/accounts/CA000001", signed[:2] + signed[3:], b""),
        "body: ": Captured("POST", "/v1/settlements", signed + json_type + key,
                           b'{"patient_id":"P000003","visit_ids":[]}'),
        "query parameter state is not documented": Captured("GET", "/v1/patients/P1/visits?state=open", signed, b""),
        "query status": Captured("GET", "/v1/patients/P1/visits?status=maybe", signed, b""),
        "a body where": Captured("GET", "/v1/accounts/CA000001", signed, b"{}"),
    }
    for expected, request in bad.items():
        problems = contract_problems(request)
        assert any(expected in p for p in problems), (expected, problems)


def test_the_requests_the_kiosk_sends_are_the_documented_ones(qtbot, tmp_path, sandbox, sandbox_client):
    """The real app on a wiretap in front of the sandbox: a patient pays a bill and looks at the
    account; the sync engine's batch sender and the client's own calls go the same way. Every
    request captured on the wire matches its operation in platform-api.json."""
    from PySide6.QtCore import Qt

    from kiosk.adapters.sync_transport import PlatformTransport
    from tests.conftest import boot
    from tests.helpers import tap_card

    with Wiretap("127.0.0.1", sandbox.port) as tap:
        platform = SimpleNamespace(url=tap.url, terminal_id=sandbox.terminal_id, secret=sandbox.secret)
        app = boot(qtbot, tmp_path, platform, sandbox.city)
        try:
            w = app.window
            qtbot.mouseClick(w.home.buttons["pay"], Qt.MouseButton.LeftButton)
            tap_card(qtbot, app, "tier2")
            qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
            with qtbot.waitSignal(app.ctx.journeys["pay"].settled, timeout=10_000):
                qtbot.mouseClick(w.bill.confirm_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: w.current == "outcome")
            qtbot.mouseClick(w.outcome.done_button, Qt.MouseButton.LeftButton)

            qtbot.waitUntil(w.home.buttons["query"].isVisible)
            qtbot.mouseClick(w.home.buttons["query"], Qt.MouseButton.LeftButton)
            tap_card(qtbot, app, "elder")
            qtbot.waitUntil(lambda: w.current == "credit_account"
                            and app.ctx.journeys["query"].overview is not None, timeout=10_000)
            qtbot.mouseClick(w.credit_account.done_button, Qt.MouseButton.LeftButton)
        finally:
            app.shutdown()

        client = PlatformClient(tap.url, sandbox.terminal_id, sandbox.secret, retries=0)
        try:
            queued = {"key": uuid.uuid4().hex, "method": "POST", "path": "/v1/settlements",
                      "body": json.loads(SETTLE_BODY)}
            answers = PlatformTransport(client).send([queued])
            assert [a.status for a in answers] == [200]
            client.request("POST", "/v1/identity/lookup",  # the disputed bill's patient present (BIL000910)
                           {"id_number": patient_by_role("shortline")["id_number"]})
            client.request("POST", "/v1/disputes", json.loads(DISPUTE_BODY), key=uuid.uuid4().hex)
            client.health()
        finally:
            client.close()
        sent = tap.captured

    operations = {(r.method, _operation(r.method, r.path)[0]) for r in sent if _operation(r.method, r.path)}
    for expected in [("POST", "/v1/identity/lookup"), ("GET", "/v1/accounts/{account_id}"),
                     ("GET", "/v1/patients/{patient_id}/visits"), ("POST", "/v1/settlements"),
                     ("GET", "/v1/patients/{patient_id}/overview"), ("POST", "/v1/batch"),
                     ("POST", "/v1/disputes"), ("GET", "/v1/health")]:
        assert expected in operations, (expected, sorted(operations))
    problems = [p for r in sent for p in contract_problems(r)]
    assert problems == [], "\n".join(problems)
    assert any(r.header("Idempotency-Key") for r in sent if r.path == "/v1/settlements")
