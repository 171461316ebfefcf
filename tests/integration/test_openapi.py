"""The OpenAPI document lists every REST endpoint the hub serves, with its methods."""

from __future__ import annotations

import re

import pytest

from server.app import create_app
from server.config import TestingConfig


@pytest.fixture
def app(tmp_path):
    app = create_app(TestingConfig(DATABASE_URL=f"sqlite:///{tmp_path / 'y.sqlite3'}", VAR_DIR=tmp_path))
    yield app
    app.extensions["yimen"].stop()
    app.extensions["yimen"].db.dispose()


def served_endpoints(app) -> set[tuple[str, str]]:
    endpoints = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            endpoints.add((path, method.lower()))
    return endpoints


def test_every_endpoint_is_documented_and_nothing_else(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served_endpoints(app) == documented


def test_every_operation_has_responses_and_known_security(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    schemes = set(document["components"]["securitySchemes"])
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["summary"], (path, method)
            assert operation["responses"], (path, method)
            for requirement in operation.get("security", []):
                assert set(requirement) <= schemes, (path, method)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert "{" + parameter["name"] + "}" in path
