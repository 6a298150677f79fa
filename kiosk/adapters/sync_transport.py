"""The sync engine's way to the credit platform (``offline_cache.sync``'s transport): ``POST /v1/batch`` through
the kiosk's signed client, or one request per write, and its health probe; and, for training, a switch on the
link to the embedded platform."""
from __future__ import annotations

import logging

from kiosk.platform import PlatformError, PlatformUnavailable
from offline_cache.sync import Answer, TransportDown

log = logging.getLogger("kiosk.offline")

class PlatformTransport:
    """``POST /v1/batch`` through a ``PlatformClient``; one request per write if the
    platform does not offer batches (or ``batch=False``: the benchmark's baseline)."""

    def __init__(self, client, *, batch: bool = True, probe_timeout_s: float = 3.0, phase=None):
        self.client = client
        self.phase = phase  # the write path's named points (``kiosk.usecases.writes.phase``: the crash tests)
        self.batch = batch
        self.probe_timeout_s = probe_timeout_s

    def healthy(self) -> bool:
        try:
            response = self.client.session.get(self.client.base_url + "/v1/health", timeout=self.probe_timeout_s)
        except Exception:  # noqa: BLE001 - any failure to reach it is "not healthy"
            return False
        with response:
            return response.status_code == 200

    def send(self, operations: list[dict]) -> list[Answer]:
        if self.phase is not None:
            self.phase("sync", str(len(operations)))
        if self.batch:
            try:
                data = self.client.request("POST", "/v1/batch", {"operations": operations})
            except PlatformUnavailable as exc:
                raise TransportDown(exc.message) from None
            except PlatformError as exc:
                if exc.status == 404:  # an older platform: no batches
                    log.info("platform has no /v1/batch: one request per write")
                    self.batch = False
                else:  # a refused signature, a clock out of step, a batch too big
                    raise TransportDown(f"batch refused: {exc.code}") from None
            else:
                if self.phase is not None:  # answered; the outbox has not recorded it yet
                    self.phase("sync:answered", str(len(operations)))
                return [Answer(r["key"], r["status"], r["body"]) for r in data["results"]]
        answers = []
        for op in operations:
            try:
                data = self.client.request("POST", op["path"], op["body"], key=op["key"])
            except PlatformUnavailable as exc:
                if not answers:
                    raise TransportDown(exc.message) from None
                return answers  # the rest waits
            except PlatformError as exc:
                error = {"code": exc.code, "message": exc.message}
                if exc.details:
                    error["details"] = exc.details
                answers.append(Answer(op["key"], exc.status, {"error": error}))
            else:
                answers.append(Answer(op["key"], 200, data))
        if self.phase is not None:
            self.phase("sync:answered", str(len(answers)))
        return answers


# -- training: a switch on the link to the embedded platform ---------------------------------

class TrainingLink:
    """Training and demo only: cut the kiosk's link to its embedded sandbox, as a broken
    network would. While cut, every request of the clients it is fitted to fails as a
    refused connection (nothing reaches the platform); ``restore`` mends it."""

    def __init__(self):
        self.cut = False

    def fit(self, client) -> None:
        client.session.cut_when(lambda: self.cut)  # kiosk.connections: a refused connection while cut

    def break_link(self) -> None:
        self.cut = True

    def restore(self) -> None:
        self.cut = False
