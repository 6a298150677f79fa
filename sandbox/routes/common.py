"""What every write shares: the ``Idempotency-Key`` header, the stored answer, and the
platform's authority over it (``sandbox.authority``)."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

from fastapi import Header, Request
from fastapi.responses import Response
from pydantic import BaseModel

from kiosk.domain import signing
from sandbox import authority
from sandbox.store import Refusal, Store
from sandbox.store.base import Guarded

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


def stored_answer(conn, terminal_id: str, key: str, digest: str) -> tuple[int, str] | None:
    """The answer already stored under ``(terminal, key)`` for this request, if any; 409
    ``idempotency_key_reused`` for another request under the key."""
    return Store.stored_answer(conn, terminal_id, key, digest)


class Answered:
    """A keyed write's answer inside ``POST /v1/batch`` (``sandbox.routes.batch``), which
    puts it in its own answer as it is: no HTTP response is made for it."""

    __slots__ = ("status_code", "text")

    def __init__(self, status_code: int, text: str):
        self.status_code = status_code
        self.text = text


def keyed_write(store: Store, request: Request, idempotency_key: str | None,
                model: type[BaseModel], op: Callable[..., dict], *, rule: authority.Rule,
                **fields) -> Response | Answered:
    """Run ``op(conn, now, terminal_id, **fields)`` once per key; the answer is validated
    against ``model`` before it is stored, so a replay answers byte for byte the same.

    ``rule``: the authority the write needs (``sandbox.authority``). An answer already stored
    under the key comes back first (a write the platform did is never refused on replay);
    otherwise the rule is checked before the write, and its refusal is not stored (the
    request may be sent again once allowed) but goes to the authority trail.

    One read of the stored answers, one transaction (inside a batch, the batch's): the
    authority's decision (``Guarded``) and the write see the same state. Inside ``POST
    /v1/batch`` the batch marks the request's state (``batch``, and the digest when it has it:
    ``digest``) and takes the answer as :class:`Answered`."""
    key = check_key(idempotency_key)
    state = request.scope["state"]
    digest = state.get("digest") or request_digest(request.url.path, state["raw_body"])
    status, text = keyed_answer(store, request, state["terminal_id"], key, digest, op, rule=rule, fields=fields,
                                model=model)
    if state.get("batch"):
        return Answered(status, text)
    return Response(content=text.encode(), status_code=status, media_type="application/json")


def keyed_answer(store: Store, request: Request, terminal_id: str, key: str, digest: str,
                 op: Callable[..., dict], *, rule: authority.Rule, fields: dict,
                 model: type[BaseModel] | None) -> tuple[int, str]:
    """:func:`keyed_write`'s answer ``(status, JSON text)`` for a checked ``key`` and the request's
    ``digest``: the stored answer, or the rule's admission and ``op`` run once under the key (its
    refusal by the authority raised, after the trail). ``model`` None: ``op`` answers what the
    answer model would dump, no more and no less, in its field order (``POST /v1/batch``'s own
    settlements: ``sandbox.store.settle_run``, whose answers the tests compare byte for byte)."""

    def action(conn, now) -> dict:
        done = op(conn, now, terminal_id, **fields)
        if model is not None:
            done = model.model_validate(done).model_dump(mode="json")
        if rule.within is not None:
            rule.within(store, conn, now, guarded.admitted, done)
        return done

    guarded = Guarded(action, lambda conn: authority.admit(store, conn, request, rule, fields))
    try:
        return store.keyed(terminal_id, key, digest, guarded)  # one way in, stored answers too
    except Refusal as refusal:
        if guarded.deciding:
            authority.refused(store, request, rule, refusal)
        raise
