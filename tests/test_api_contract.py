"""The committed OpenAPI document is what the sandbox platform actually serves."""
from __future__ import annotations

import json

import requests

from sandbox.openapi import DOC_PATH, render


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
