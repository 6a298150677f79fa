"""``POST /v1/batch``: many keyed writes in one request, each applied at most once.

A kiosk that was offline sends its queue in batches. Each operation names a write
endpoint of this API (method, path, body) and its own idempotency key; the batch runs
the very route handler of that endpoint (same validation, same store function, same
idempotency store under ``(terminal, key)`` with the canonical body digest), so an
operation sent once in a batch and again on its own (or in another batch) acts once and
answers the same. Operations are applied in the order given in one store transaction (one
commit, one fsync, for the whole batch); the answer lists one result per operation, in
order, with the status and body the endpoint would have answered. A refusal or a failure
of one operation does not touch the others, and whatever it wrote is undone.

Only keyed write endpoints can be batched (not the control API, not ``/v1/batch``):
another path answers 404 ``not_batchable`` for that item. The batch itself needs no
``Idempotency-Key``: repeating it repeats each keyed operation, which is safe.
"""
from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.routing import Match

from kiosk.domain import signing
from sandbox import authority
from sandbox.routes.common import MAX_KEY_CHARS, Answered, check_key, keyed_answer
from sandbox.schemas import RequestModel, responses
from sandbox.store import Refusal, Store
from sandbox.store.base import Redo
from sandbox.store.settle_run import SettlementRun

log = logging.getLogger("sandbox.batch")

MAX_OPERATIONS = 200
SETTLEMENTS = "/v1/settlements"  # batched set-based when they fit (_Settlements)


class Operation(RequestModel):
    key: str = Field(min_length=1, max_length=MAX_KEY_CHARS, examples=["5f0c3a…"],
                     description="The operation's Idempotency-Key.")
    method: Literal["POST"]
    path: str = Field(min_length=4, max_length=256, examples=["/v1/settlements"],
                      description="A keyed write endpoint of this API.")
    body: dict[str, Any] = Field(examples=[{"patient_id": "P000003", "account_id": "CA000003",
                                            "visit_ids": ["V000003"]}])


class BatchRequest(RequestModel):
    operations: list[Operation] = Field(min_length=1, max_length=MAX_OPERATIONS)


class OperationResult(BaseModel):
    key: str
    status: int = Field(description="What the endpoint would have answered on its own.")
    body: dict[str, Any] = Field(description="Its answer, or its error envelope.")


class BatchAnswer(BaseModel):
    results: list[OperationResult] = Field(description="One per operation, in order.")


@dataclass(frozen=True)
class _Target:
    route: APIRoute
    body_param: str | None
    body_model: type[BaseModel] | None
    request_param: str | None
    path_params: dict[str, TypeAdapter]


def _api_routes(routes) -> Iterator[APIRoute]:
    """Every ``APIRoute`` under ``routes``, through included routers (newer FastAPI keeps an
    included router whole, older ones copy its routes; no prefixes are used here)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _api_routes(route.original_router.routes)
        elif hasattr(route, "routes"):
            yield from _api_routes(route.routes)


def _targets(app) -> list[_Target]:
    """The keyed write endpoints of ``app``: POST routes whose handler takes the
    ``idempotency_key`` header and has no extra dependencies."""
    found = []
    for route in _api_routes(app.router.routes):
        if "POST" not in route.methods or route.dependencies:
            continue
        if route.path == "/v1/batch" or route.path.startswith("/v1/_sandbox"):
            continue
        signature = inspect.signature(route.endpoint, eval_str=True)
        if "idempotency_key" not in signature.parameters:
            continue
        body_param = body_model = request_param = None
        path_params = {}
        for name, param in signature.parameters.items():
            annotation = param.annotation
            if name == "idempotency_key":
                continue
            if annotation is Request:
                request_param = name
            elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
                body_param, body_model = name, annotation
            elif name in route.param_convertors:
                path_params[name] = TypeAdapter(annotation)
        found.append(_Target(route, body_param, body_model, request_param, path_params))
    return found


def _error(status: int, code: str, message: str) -> tuple[int, str]:
    return status, json.dumps(Refusal(status, code, message).envelope(), separators=(",", ":"))


def _scope(batch: dict, path: str, raw_body: bytes) -> dict:
    """An operation's own request scope, from the batch's (``_batch_scope``)."""
    return {**batch, "path": path, "raw_path": path.encode(),
            "state": {**batch["state"], "raw_body": raw_body}}


def _batch_scope(request: Request) -> dict:
    """What every operation's request shares with the batch's: its server and app, its
    terminal and (``sandbox.authority``) its operator session: each operation is the batch's
    operator's. ``batch`` in the state: the handlers answer ``Answered``, not an HTTP response."""
    return {
        "type": "http", "method": "POST", "root_path": "", "query_string": b"", "headers": [],
        "scheme": request.url.scheme, "server": request.scope.get("server"), "app": request.app,
        "state": {"terminal_id": request.state.terminal_id, "batch": True,
                  "operator_session": getattr(request.state, "operator_session", None)},
    }


class _Dispatch:
    """Path -> endpoint: a dictionary for the paths without parameters (most writes), the
    routes' own matching for the others."""

    def __init__(self, app):
        self.targets = _targets(app)
        self.exact = {t.route.path: t for t in self.targets if not t.route.param_convertors}

    def find(self, scope: dict) -> tuple[_Target, dict] | None:
        target = self.exact.get(scope["path"])
        if target is not None:
            return target, {"path_params": {}}
        for target in self.targets:
            match, child = target.route.matches(scope)
            if match == Match.FULL:
                return target, child
        return None


@dataclass(frozen=True)
class _Call:
    """An operation ready for its endpoint: the handler's validated arguments."""
    target: _Target
    kwargs: dict[str, Any]
    scope: dict


def _prepare(dispatch: _Dispatch, batch: dict, op: Operation) -> _Call | tuple[int, str]:
    """The operation's endpoint and validated arguments, as its route would take them, or
    the answer ``(status, JSON text)`` to an operation that cannot be applied (not a keyed
    write endpoint, an invalid body or path parameter). The operation's body is its JSON in
    canonical form (sorted keys, no spaces: what the idempotency digest covers)."""
    raw_body = json.dumps(op.body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    scope = _scope(batch, op.path, raw_body)
    found = dispatch.find(scope)
    if found is None:
        return _error(404, "not_batchable", "The path is not a keyed write endpoint of this API.")
    target, child = found
    kwargs: dict[str, Any] = {"idempotency_key": op.key}
    try:
        for name, adapter in target.path_params.items():
            kwargs[name] = adapter.validate_python(child["path_params"][name])
        if target.body_param is not None:
            kwargs[target.body_param] = target.body_model.model_validate(op.body)
    except ValidationError as exc:
        where = "; ".join(".".join(str(p) for p in e.get("loc", ())) + ": " + e.get("msg", "invalid")
                          for e in exc.errors()[:5])
        return _error(422, "invalid_request", where or "invalid request")
    return _Call(target, kwargs, scope)


def _apply(call: _Call | tuple[int, str]) -> tuple[int, str]:
    """One prepared operation (``_prepare``) through its endpoint's handler: (status, JSON text)."""
    if not isinstance(call, _Call):
        return call
    scope = call.scope
    if not call.target.route.param_convertors:  # the path is the route's own: the digest now, as
        # sandbox.routes.common.request_digest makes it (of the canonical body, already so)
        scope["state"]["digest"] = signing.body_digest(scope["raw_path"] + b"\n" + scope["state"]["raw_body"])
    if call.target.request_param is not None:
        call.kwargs[call.target.request_param] = Request(scope)
    response = call.target.route.endpoint(**call.kwargs)
    if isinstance(response, Answered):
        return response.status_code, response.text
    return response.status_code, bytes(response.body).decode()


class _Settlements:
    """The batch's settlements set-based (``sandbox.store.settle_run``). One that fits is settled
    here, not through its route's handler: its key checked and its digest made as the route would
    (``keyed_write``), then :func:`~sandbox.routes.common.keyed_answer`, the route's own way to
    the idempotency store and the platform's authority (stored answers first, the settlement
    rule's admission, the idempotency row), with the run's ``apply`` as the store operation,
    which answers in the answer model's form already. Every other operation goes through its
    route after the kept rows are written, and one that wrote more than its idempotency row
    makes the run read again what it had read."""

    def __init__(self, store: Store, conn, calls: list, batch: dict):
        self.store = store
        self.conn = conn
        self.calls = calls
        self.run = SettlementRun(store, conn)
        self.request = Request(batch)  # what the authority reads: the terminal, the operator session
        self.terminal_id = batch["state"]["terminal_id"]
        self._fields: dict[int, dict] = {}

    @staticmethod
    def is_settlement(call) -> bool:
        return isinstance(call, _Call) and call.target.route.path == SETTLEMENTS and call.target.body_param

    def fields(self, index: int) -> dict:
        """The settlement's body as the store takes it (dumped once)."""
        fields = self._fields.get(index)
        if fields is None:
            call = self.calls[index]
            fields = self._fields[index] = call.kwargs[call.target.body_param].model_dump()
        return fields

    def apply(self, index: int) -> tuple[int, str]:
        call, run = self.calls[index], self.run
        if self.is_settlement(call):
            fields = self.fields(index)
            if not run.loaded:
                run.load([self.fields(i) for i in range(index, len(self.calls)) if self.is_settlement(self.calls[i])])
            if run.fits(fields, self.store.now()):
                try:
                    status, text = self._settle(call, fields)
                except BaseException:
                    run.drop()
                    raise
                if status == 200:
                    run.keep()
                else:
                    run.drop()
                return status, text
        run.flush()
        mark = self.conn.total_changes
        try:
            return _apply(call)
        finally:
            if self.conn.total_changes != mark:  # it wrote (its idempotency row waits: Store.batch_memo)
                run.invalidate()

    def _settle(self, call: _Call, fields: dict) -> tuple[int, str]:
        """What ``POST /v1/settlements`` answers for a settlement that fits, as its handler would
        (``sandbox.routes.money``: ``keyed_write`` with ``store.settle``), the run booking it."""
        key = check_key(call.kwargs["idempotency_key"])  # its refusal: the operation's answer (_run)
        scope = call.scope  # the settlements path has no parameters: the canonical body's digest
        digest = signing.body_digest(scope["raw_path"] + b"\n" + scope["state"]["raw_body"])
        return keyed_answer(self.store, self.request, self.terminal_id, key, digest, self.run.apply,
                            rule=authority.SETTLEMENT, fields=dict(fields), model=None)


def _dispatch_for(app) -> _Dispatch:
    """The app's dispatch, built at its first batch and kept in its state."""
    dispatch = getattr(app.state, "batch_dispatch", None)
    if dispatch is None:
        dispatch = app.state.batch_dispatch = _Dispatch(app)
    return dispatch


def _answer(parts: list[str]) -> Response:
    return Response(content=('{"results":[' + ",".join(parts) + "]}").encode(), media_type="application/json")


def _part(key: str, status: int, text: str) -> str:
    return f'{{"key":{json.dumps(key)},"status":{status},"body":{text}}}'


def check_only(body: BatchRequest, request: Request) -> Response:
    """What ``POST /v1/batch`` checks, without applying or storing anything: for each
    operation, its path names a keyed write endpoint, its key is well formed and its body
    and path parameters validate; the answer is ``/v1/batch``'s with ``200 {}`` for an
    operation that passes (``sandbox/routes/control.py``: the no-op batch, a benchmark's
    measure of the batch path's limit)."""
    dispatch = _dispatch_for(request.app)
    batch = _batch_scope(request)
    parts = []
    for op in body.operations:
        call = _prepare(dispatch, batch, op)
        if not isinstance(call, _Call):
            status, text = call
        else:
            try:
                check_key(op.key)
            except Refusal as refusal:
                status, text = refusal.status, json.dumps(refusal.envelope(), separators=(",", ":"))
            else:
                status, text = 200, "{}"
        parts.append(_part(op.key, status, text))
    return _answer(parts)


def _run(store: Store, dispatch: _Dispatch, batch: dict, operations: list[Operation], *,
         optimistic: bool) -> list[str]:
    """Every operation in order, in one transaction: each one's answer as a part of the batch's."""
    parts = []
    with store.transaction(optimistic=optimistic) as conn, \
            store.batch_memo(conn, batch["state"]["terminal_id"], (op.key for op in operations)):
        calls = []
        for op in operations:
            try:
                calls.append(_prepare(dispatch, batch, op))
            except Exception as exc:  # noqa: BLE001 - one operation's failure is its own answer
                log.error("batch operation failed: %s %s", op.path, type(exc).__name__)
                calls.append(_error(500, "internal_error", "The platform failed; see its log."))
        settlements = _Settlements(store, conn, calls, batch) if any(map(_Settlements.is_settlement, calls)) else None
        for index, op in enumerate(operations):
            try:
                status, text = settlements.apply(index) if settlements is not None else _apply(calls[index])
            except Refusal as refusal:  # e.g. idempotency_key_reused, raised before the store acts
                status, text = refusal.status, json.dumps(refusal.envelope(), separators=(",", ":"))
            except Exception as exc:  # noqa: BLE001 - one operation's failure is its own answer
                log.error("batch operation failed: %s %s", op.path, type(exc).__name__)
                status, text = _error(500, "internal_error", "The platform failed; see its log.")
            parts.append(_part(op.key, status, text))
        if settlements is not None:
            settlements.run.flush()
    return parts


def build(store: Store) -> APIRouter:
    router = APIRouter(tags=["batch"])

    @router.post("/v1/batch", response_model=BatchAnswer,
                 summary="Apply many keyed writes, each at most once, answering item by item",
                 description=__doc__.split("\n\n", 1)[1],
                 responses=responses(r413="`body_too_large`: the body exceeds 64 KiB."))
    def batch(body: BatchRequest, request: Request) -> Response:
        dispatch = _dispatch_for(request.app)
        context = _batch_scope(request)
        # One transaction, each operation's writes undone alone if that operation fails.
        # First without savepoints (``Store.transaction(optimistic=True)``): an operation that
        # fails has most often written nothing, and one that has makes the whole batch run
        # again from the start, with a savepoint per operation.
        try:
            parts = _run(store, dispatch, context, body.operations, optimistic=True)
        except Redo:
            parts = _run(store, dispatch, context, body.operations, optimistic=False)
        return _answer(parts)

    return router
