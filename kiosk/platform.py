"""The platform client: kept-alive connections (``kiosk.connections``), signed requests, honest errors.

Retries happen only where a repeat cannot book twice: reads, and writes that
carry an idempotency key. Every attempt is signed afresh (new timestamp and
nonce), since the platform refuses a reused nonce; the signature covers the
idempotency key too (``kiosk.domain.signing``). TLS is always verified, against the CA
file :func:`kiosk.transport.trust_store` names (the settings' ``ca_bundle`` or the system's
bundle), for every request however it is made (``session``: the signed requests, the sync
engine's health probe): the environment (``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``,
``SSL_CERT_FILE``) never chooses whom the kiosk trusts. A client for plain ``http://`` to
a host that is not loopback is refused when it is built, before any request. HTTP is the
standard library's (``http.client``): ``requests`` cost more to import than the kiosk's
window, on the way to a usable home screen.

Authority lives at the platform. At a desk, the operator session the platform gave at login
(``OperatorSession``, shared by the desk's clients) goes with every request as
``X-Operator-Session``, covered by the signature. Every identity lookup opens a patient
session at the platform; the client remembers them and ends them when the kiosk clears for
the next patient (``end_patient_sessions``).
"""
from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from http.client import HTTPException
from urllib.parse import urlsplit

from kiosk.connections import Connections, Response, failure_name, ssl_error
from kiosk.domain import signing
from kiosk.domain.errors import Refusal
from kiosk.domain.models import Account, Patient, Settlement, Visit, VisitItem
from kiosk.transport import PLATFORM_URL_RULE, acceptable_platform_url, trust_store

log = logging.getLogger("kiosk.platform")


class PlatformError(Refusal):
    """The platform answered and refused. ``code`` is its stable error code."""

    def __init__(self, code: str, message: str = "", status: int = 0, details: dict | None = None):
        super().__init__(code, f"{code} ({status}): {message}")
        self.message = message
        self.status = status
        self.details = details or {}  # e.g. {"outstanding_fen": ...} for a refused close


class PlatformUnavailable(PlatformError):
    """No usable answer: refused connection, timeout, TLS failure or a 5xx."""

    def __init__(self, message: str, status: int = 0):
        super().__init__("unavailable", message, status)


#: The platform's answers that say the operator session sent is no more.
SESSION_ENDED = frozenset({"operator_session_expired", "operator_session_required"})


class OperatorSession:
    """The desk operator's session token (``None``: nobody logged in), shared by the clients of
    one terminal (the desk's and its sync engine's). Set and cleared by ``Desk``; read on any
    thread. Never logged. ``listeners`` hear (on the thread of the request) when the platform
    says the current session has ended (idle at the platform, or replaced)."""

    def __init__(self):
        self.token: str | None = None
        self.listeners: list[Callable[[str], None]] = []

    def ended(self, token: str, code: str) -> None:
        if token and token == self.token:  # an older session's answer says nothing of this one
            for listener in list(self.listeners):
                listener(code)

    def __repr__(self) -> str:
        return f"OperatorSession({'set' if self.token else 'none'})"


#: The answers that open a patient session at the platform.
IDENTIFYING_PATHS = ("/v1/identity/lookup", "/v1/identity/resolve-token")


class PlatformClient:
    def __init__(
        self,
        base_url: str,
        terminal_id: str,
        secret: bytes,
        *,
        timeout_s: float = 8.0,
        ca_bundle: str = "",
        retries: int = 2,
        backoff_s: float = 0.2,
        clock: Callable[[], float] = time.time,
        nonces: Callable[[], str] = lambda: secrets.token_hex(16),
        operator: OperatorSession | None = None,
    ):
        """``clock`` (Unix seconds) and ``nonces`` give each attempt its ``X-Timestamp`` and
        ``X-Nonce``; tests fix them to check the signature against known answers.
        ``ca_bundle``: the only CA file trusted; empty: the system's bundle. ``operator``: the
        desk operator's session, shared with the terminal's other clients."""
        if not acceptable_platform_url(base_url):
            raise ValueError(PLATFORM_URL_RULE)  # (not the URL: it may hold a password)
        self.base_url = base_url.rstrip("/")
        self._prefix = urlsplit(self.base_url).path
        self.terminal_id = terminal_id
        self._secret = secret
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self._clock = clock
        self._nonces = nonces
        self.operator = operator if operator is not None else OperatorSession()
        self._patient_sessions: list[str] = []  # opened by lookups since the last end
        self._patient_lock = threading.Lock()
        # The kept-alive connections; TLS verified against a file, never the environment's
        # (the system's bundle is looked for at the first https connection).
        self.session = Connections(lambda: trust_store(ca_bundle))

    def close(self) -> None:
        self.session.close()

    # -- transport -------------------------------------------------------
    def _send(self, method: str, path: str, body: dict | None, key: str | None,
              operator: str | None) -> Response:
        data = b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(self._clock()))
        nonce = self._nonces()
        headers = {
            signing.HEADER_TERMINAL: self.terminal_id,
            signing.HEADER_TIMESTAMP: timestamp,
            signing.HEADER_NONCE: nonce,
            signing.HEADER_SIGNATURE: signing.sign(
                self._secret, method, self._prefix + path, timestamp, nonce, data, idempotency_key=key,
                operator_session=operator,
            ),
        }
        if body is not None:
            headers["Content-Type"] = "application/json"
        if key:
            headers[signing.HEADER_IDEMPOTENCY] = key
        if operator:
            headers[signing.HEADER_OPERATOR_SESSION] = operator
        return self.session.request(method, self.base_url + path, body=data or None, headers=headers,
                                    timeout=self.timeout_s)

    def request(self, method: str, path: str, body: dict | None = None, *, key: str | None = None,
                operator_session: str | None = None) -> dict:
        """``operator_session``: send this session instead of the desk's current one (a logout)."""
        operator = operator_session or self.operator.token
        repeatable = method == "GET" or key is not None
        attempts = 1 + (self.retries if repeatable else 0)
        for attempt in range(attempts):
            try:
                response = self._send(method, path, body, key, operator)
            except ssl_error() as exc:
                raise PlatformUnavailable(f"TLS verification failed: {failure_name(exc)}") from None
            except (OSError, HTTPException) as exc:  # refused, reset, timed out, a broken answer
                failure = PlatformUnavailable(failure_name(exc))
            else:
                if response.status_code < 500:
                    try:
                        data = self._parse(response)
                    except PlatformError as exc:
                        if exc.code in SESSION_ENDED and operator:
                            self.operator.ended(operator, exc.code)
                        raise
                    if method == "POST" and path in IDENTIFYING_PATHS:
                        self._note_patient_session(data)
                    return data
                failure = PlatformUnavailable(f"server error {response.status_code}", response.status_code)
            # Paths carry only opaque ids; bodies (which may hold an ID number) are never logged.
            log.warning("platform %s %s attempt %d failed: %s", method, path, attempt + 1, failure.message)
            if attempt + 1 < attempts:
                time.sleep(self.backoff_s * (2**attempt))  # worker thread only
        raise failure

    @staticmethod
    def _parse(response: Response) -> dict:
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if response.ok:
            return payload
        error = payload.get("error", {}) if isinstance(payload, dict) else {}
        raise PlatformError(error.get("code", f"http_{response.status_code}"), error.get("message", ""),
                            response.status_code, error.get("details") or {})

    # -- patient sessions --------------------------------------------------
    def _note_patient_session(self, data: dict) -> None:
        session_id = (data.get("patient_session") or {}).get("session_id") if isinstance(data, dict) else None
        if session_id:
            with self._patient_lock:
                if session_id not in self._patient_sessions:
                    self._patient_sessions.append(session_id)

    def end_patient_sessions(self) -> int:
        """The patients identified since the last call have left: their sessions end at the
        platform (the kiosk cleared for the next patient). Returns how many were sent; a
        platform that does not answer lets them expire by themselves."""
        with self._patient_lock:
            ended, self._patient_sessions = self._patient_sessions, []
        if ended:
            self.request("POST", "/v1/patient-sessions/end", {"session_ids": ended})
        return len(ended)

    # -- API ---------------------------------------------------------------
    def health(self) -> dict:
        return self.request("GET", "/v1/health")

    def lookup_identity(self, id_number: str) -> Patient:
        data = self.request("POST", "/v1/identity/lookup", {"id_number": id_number})
        return Patient(
            patient_id=data["patient_id"],
            name=data["name"],
            id_number=id_number,
            sex=data["sex"],
            birth_date=date.fromisoformat(data["birth_date"]),
            is_minor=data["is_minor"],
            guardian_patient_id=data.get("guardian_patient_id"),
            account_id=data.get("account_id"),
            guardian_line_ended=bool(data.get("guardian_line_ended", False)),
        )

    def account(self, account_id: str) -> Account:
        data = self.request("GET", f"/v1/accounts/{account_id}")
        return Account(
            account_id=data["account_id"],
            status=data["status"],
            line_fen=data["line_fen"],
            used_fen=data["used_fen"],
            available_fen=data["available_fen"],
            overdue_fen=data.get("overdue_fen", 0),
            value_added=data.get("value_added", False),
        )

    def open_visits(self, patient_id: str) -> list[Visit]:
        data = self.request("GET", f"/v1/patients/{patient_id}/visits?status=open")
        return [_visit(v) for v in data["visits"]]


def settlement_from(data: dict) -> Settlement:
    return Settlement(
        settlement_id=data["settlement_id"],
        reference=data["reference"],
        visit_ids=tuple(data.get("visit_ids") or [data["visit_id"]]),
        total_fen=data["total_fen"],
        fund_fen=data["fund_fen"],
        personal_fen=data["personal_fen"],
        booked_fen=data["booked_fen"],
        line_fen=data["line_fen"],
        available_fen=data["available_fen"],
        due_at=datetime.fromisoformat(data["due_at"]) if data.get("due_at") else None,
        settled_at=datetime.fromisoformat(data["settled_at"]),
        paid_fen=data.get("paid_fen", 0),
    )


def _visit(v: dict) -> Visit:
    return Visit(
        visit_id=v["visit_id"],
        department=v["department"],
        doctor=v["doctor"],
        ended_at=datetime.fromisoformat(v["ended_at"]),
        items=tuple(
            VisitItem(
                code=i["code"], name=i["name"], quantity=str(i["quantity"]),
                unit_price_fen=i["unit_price_fen"], amount_fen=i["amount_fen"],
                category=i.get("category", ""),
            )
            for i in v["items"]
        ),
        total_fen=v["total_fen"],
        fund_fen=v["fund_fen"],
        personal_fen=v["personal_fen"],
    )
