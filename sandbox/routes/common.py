"""What every write shares: the ``Idempotency-Key`` header and the stored answer."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

from fastapi import Header, Request
from fastapi.responses import Response
from pydantic import BaseModel

from kiosk.domain import signing
from sandbox.store import Refusal, Store

MAX_KEY_CHARS = 128

IdempotencyKey = Annotated[str | None, Header(
    alias=signing.HEADER_IDEMPOTENCY,
    description="Required on every write: a client-chosen key per attempt (1-128 printable "
                "ASCII characters), covered by the request signature. The same key with the same "
                "path and body gets the stored answer, refusals included; with a different "
                "request: 409 `idempotency_key_reused`. Missing: 400 `missing_idempotency_key`; "
                "malformed: 400 `invalid_idempotency_key`.")]

WRITE_DESCRIPTION = ("Idempotent: requires `Idempotency-Key`; a repeat with the same key, "
                     "path and body gets the first answer (refusals included) and never "
                     "acts twice.")


def check_key(idempotency_key: str | None) -> str:
    if not idempotency_key:
        raise Refusal(400, "missing_idempotency_key", "The Idempotency-Key header is required.")
    if len(idempotency_key) > MAX_KEY_CHARS or not (
            idempotency_key.isascii() and idempotency_key.isprintable()):
        raise Refusal(400, "invalid_idempotency_key",
                      "The Idempotency-Key must be 1-128 printable ASCII characters.")
    return idempotency_key


def request_digest(path: str, raw_body: bytes) -> str:
    """What makes two requests "the same" for an idempotency key: the path and the JSON
    body in canonical form (key order and whitespace do not matter: a client replaying a
    journaled body may serialise it differently)."""
    try:
        body = json.dumps(json.loads(raw_body), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode()
    except ValueError:
        body = raw_body
    return signing.body_digest(path.encode() + b"\n" + body)


def keyed_write(store: Store, request: Request, idempotency_key: str | None,
                model: type[BaseModel], op: Callable[..., dict], **fields) -> Response:
    """Run ``op(conn, now, terminal_id, **fields)`` once per key; the answer is validated
    against ``model`` before it is stored, so a replay answers byte for byte the same."""
    key = check_key(idempotency_key)
    terminal_id = request.state.terminal_id
    digest = request_digest(request.url.path, request.state.raw_body)

    def action(conn, now) -> dict:
        return model.model_validate(op(conn, now, terminal_id, **fields)).model_dump(mode="json")

    status, text = store.keyed(terminal_id, key, digest, action)
    return Response(content=text.encode(), status_code=status, media_type="application/json")
