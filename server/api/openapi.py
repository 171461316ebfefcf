"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document, built from the declared
operations (``spec.py``) and their pydantic models; ``GET /api/v1/docs``: a page to
browse it (Swagger UI, vendored, no inline script)."""

from __future__ import annotations

import typing
from typing import Any

from flask import Response, render_template_string, url_for
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import bp
from .partner_routes import partner_may_call
from .schemas import Error
from .spec import OPERATIONS, PUBLIC, Operation, Raw, operation

REF = "#/components/schemas/{model}"
VALIDATION_CODES = "bad_json, missing_field, invalid_field (or the field's own code, e.g. invalid_date)"
COMMON_ERRORS = {
    429: "too_many_requests, too_many_attempts (with Retry-After)",
    503: "database_unavailable: nothing was changed, try again",
}


ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"description": "the scheme a staff member answers with",
                               "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "seconds to wait before trying again",
                          "schema": {"type": "integer", "minimum": 0}}},
}


def _models_of(op: Operation) -> list[tuple[type[BaseModel], str]]:
    found = []
    if isinstance(op.body, type):
        found.append((op.body, "validation"))
    for answer in op.answers.values():
        answer = answer[0] if isinstance(answer, tuple) else answer
        if isinstance(answer, Raw):  # a file, possibly with a JSON form beside it
            answer = answer.json
        for arg in (answer, *typing.get_args(answer)):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                found.append((arg, "serialization"))
    return found


def _schema_of(answer: Any, refs: dict) -> dict:
    if typing.get_origin(answer) is list:
        return {"type": "array", "items": _schema_of(typing.get_args(answer)[0], refs)}
    return refs[(answer, "serialization")]


def _content(answer: Any, refs: dict) -> dict:
    if isinstance(answer, Raw):
        content = {media: {"schema": {"type": "string"}} for media in answer.media_types}
        if answer.json is not None:
            content["application/json"] = {"schema": _schema_of(answer.json, refs)}
        return content
    return {"application/json": {"schema": _schema_of(answer, refs)}}


def _for_partners(op: Operation) -> bool:
    """Whether the provincial platform may call it (``PARTNER_CALLS``), signed."""
    return partner_may_call(op.method, "/api/v1" + op.rule)


def _error_statuses(op: Operation) -> dict[int, str]:
    statuses: dict[int, str] = {}

    def add(status: int, codes: str) -> None:
        statuses[status] = f"{statuses[status]}; {codes}" if status in statuses else codes

    if op.query is not None or isinstance(op.body, type):
        add(400, VALIDATION_CODES)
    for status, codes in op.access.error_statuses().items():
        add(status, codes)
    if op.path_names:
        add(404, "not found: an unknown id in the path")
    if _for_partners(op):
        add(401, "bad_signature, stale_request, replayed_request (a partner's signed request)")
    if op.body is not None:
        add(413, "payload_too_large (over 64 KiB)")
    for status, codes in {**op.errors, **COMMON_ERRORS}.items():
        add(status, codes)
    return statuses


def _parameters(op: Operation) -> list[dict]:
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
              for name in op.path_names]
    if op.query is not None:
        schema = op.query.model_json_schema(mode="validation")
        assert "$defs" not in schema, f"{op.query.__name__}: query fields must be plain types"
        required = set(schema.get("required", ()))
        for name, prop in schema.get("properties", {}).items():
            prop = {k: v for k, v in prop.items()
                    if k not in ("title", "description") and not (k == "default" and v is None)}
            param = {"name": name, "in": "query", "required": name in required, "schema": prop}
            info = next((f for n, f in op.query.model_fields.items() if (f.alias or n) == name), None)
            if info is not None and info.description:
                param["description"] = info.description
            params.append(param)
    return params


def _operation_object(op: Operation, refs: dict) -> dict:
    responses: dict[str, dict] = {}
    for status, answer in sorted(op.answers.items()):
        answer, text = answer if isinstance(answer, tuple) else (answer, "OK")
        responses[str(status)] = {"description": text, "content": _content(answer, refs)}
    for status, codes in sorted(_error_statuses(op).items()):
        responses[str(status)] = {"description": codes, "content": {
            "application/json": {"schema": refs[(Error, "serialization")]}}}
        if status in ERROR_HEADERS:
            responses[str(status)]["headers"] = ERROR_HEADERS[status]
    out: dict[str, Any] = {"summary": op.summary, "operationId": op.name, "tags": [op.tag],
                           "responses": responses}
    if op.description:
        out["description"] = op.description
    if op.access is not PUBLIC:
        out["security"] = op.access.security()
    if _for_partners(op):  # {}: the call is also open without credentials
        out["security"] = (out.get("security") or [{}]) + [{"partnerSignature": []}]
    params = _parameters(op)
    if params:
        out["parameters"] = params
    if isinstance(op.body, Raw):
        out["requestBody"] = {"required": op.body_required, "description": op.body.description,
                              "content": {m: {"schema": {"type": "string"}} for m in op.body.media_types}}
    elif op.body is not None:
        out["requestBody"] = {"required": op.body_required,
                              "content": {"application/json": {"schema": refs[(op.body, "validation")]}}}
    return out


def build_document() -> dict:
    operations = [op for op in OPERATIONS if op.blueprint == bp.name]
    models = {(Error, "serialization")}
    for op in operations:
        models.update(_models_of(op))
    refs, defs = models_json_schema(sorted(models, key=lambda m: (m[0].__name__, m[1])),
                                    ref_template=REF)
    paths: dict[str, dict] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation_object(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Yimen hub API", "version": "1",
                 "description": "The hub's REST API, v1. The contract: docs/contract.md."},
        "servers": [{"url": "/api/v1"}],
        "tags": list({op.tag: {"name": op.tag, "description": op.tag_description}
                      for op in operations}.values()),
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "a staff token from POST /auth/login"},
                "deviceKey": {"type": "apiKey", "in": "header", "name": "X-Device-Key",
                              "description": "a kiosk's key from POST /devices"},
                "partnerSignature": {
                    "type": "apiKey", "in": "header", "name": "X-Partner-Key",
                    "description": "the provincial platform: X-Partner-Key, X-Timestamp, X-Nonce and "
                                   "X-Signature, an HMAC-SHA256 of the request (docs/partners.md)"},
            },
        },
    }


_document_cache: dict[int, dict] = {}


@operation(bp, "GET", "/openapi.json", "This document (OpenAPI 3.1)", answers={200: Raw(("application/json",))})
def openapi_document():
    key = len(OPERATIONS)
    if key not in _document_cache:
        _document_cache.clear()
        _document_cache[key] = build_document()
    return _document_cache[key]


DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Yimen hub API</title>
<link rel="stylesheet" href="{{ css }}">
</head>
<body>
<div id="swagger-ui" data-spec-url="{{ spec }}"></div>
<script src="{{ bundle }}"></script>
<script src="{{ init }}"></script>
</body>
</html>
"""
SWAGGER_UI = "5.35.0"


@operation(bp, "GET", "/docs", "Browse this API (works offline)", answers={200: Raw(("text/html",))})
def api_docs():
    html = render_template_string(
        DOCS_PAGE, spec=url_for("api.openapi_document"),
        css=url_for("static", filename=f"vendor/swagger-ui-{SWAGGER_UI}.css"),
        bundle=url_for("static", filename=f"vendor/swagger-ui-bundle-{SWAGGER_UI}.js"),
        init=url_for("static", filename="api-docs.js"))
    return Response(html, mimetype="text/html")
