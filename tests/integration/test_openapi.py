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


def test_an_unreachable_database_answers_503_and_changes_nothing(app):
    """A real engine to an address where no database listens stands in for a database
    that went down while the hub runs."""
    from sqlalchemy import create_engine

    hub = app.extensions["yimen"]
    working = hub.db.engine
    hub.db.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/gone",
                                  connect_args={"connect_timeout": 2})
    try:
        client = app.test_client()
        response = client.get("/api/v1/queues")
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "database_unavailable"
    finally:
        hub.db.engine.dispose()
        hub.db.engine = working
    assert app.test_client().get("/api/v1/queues").status_code == 200


def test_a_pool_with_no_free_connection_answers_503_and_recovers(app):
    """Bounded pools (db/database.py): a request that finds every connection busy for the
    pool's whole timeout is answered 503 database_unavailable with Retry-After, not 500."""
    from sqlalchemy import create_engine

    hub = app.extensions["yimen"]
    working = hub.db.engine
    hub.db.engine = create_engine(working.url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    held = hub.db.engine.connect()  # the pool's only connection, busy
    try:
        response = app.test_client().get("/api/v1/queues")
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.get_json()["error"]["code"] == "database_unavailable"
        assert response.headers["Retry-After"] == "1"
    finally:
        held.close()
        hub.db.engine.dispose()
        hub.db.engine = working
    assert app.test_client().get("/api/v1/queues").status_code == 200
