"""Requests checked against the declared models answer the contract's codes, and the
document shows the same models: one source for both."""

from __future__ import annotations

import pytest

from server.api.openapi import build_document
from server.api.spec import OPERATIONS
from server.api.ticket_routes import IssueTicket
from server.app import create_app
from server.config import TestingConfig
from server.services.accounts.users import create_device, set_user_password

KEY = "kiosk-key-for-validation-tests"


@pytest.fixture
def app(tmp_path):
    app = create_app(TestingConfig(DATABASE_URL=f"sqlite:///{tmp_path / 'y.sqlite3'}", VAR_DIR=tmp_path))
    hub = app.extensions["yimen"]
    set_user_password(hub, "admin", "admin-password")
    create_device(hub, kind="kiosk", name="lobby", key=KEY)
    yield app
    hub.stop()
    hub.db.dispose()


@pytest.fixture
def admin(app):
    client = app.test_client()
    token = client.post("/api/v1/auth/login", json={"username": "admin", "password": "admin-password"}).get_json()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token['token']}"
    return client


@pytest.fixture
def kiosk(app):
    client = app.test_client()
    client.environ_base["HTTP_X_DEVICE_KEY"] = KEY
    return client


def code(response) -> str:
    return response.get_json()["error"]["code"]


def test_body_errors_keep_the_contract_codes(kiosk, admin):
    assert code(kiosk.post("/api/v1/tickets", data=b"{", content_type="application/json")) == "bad_json"
    assert code(kiosk.post("/api/v1/tickets", json=[1])) == "bad_json"
    assert code(kiosk.post("/api/v1/tickets", json={})) == "missing_field"
    assert code(kiosk.post("/api/v1/tickets", json={"matter_id": None})) == "missing_field"
    assert code(kiosk.post("/api/v1/tickets", json={"matter_id": 7})) == "invalid_field"
    assert code(kiosk.post("/api/v1/tickets", json={"matter_id": "hukou-move-in", "priority": "1"})) == "invalid_field"
    assert code(kiosk.post("/api/v1/tickets", json={"matter_id": "nope"})) == "unknown_matter"
    response = kiosk.post("/api/v1/tickets", json={"matter_id": "hukou-move-in", "priority": 1.0})
    assert response.status_code == 201 and response.get_json()["priority"] == 1  # 1.0 is the JSON integer 1
    assert code(admin.post("/api/v1/users", json={"username": "a b", "password": "123456", "role": "clerk"})) \
        == "invalid_field"
    assert code(admin.put("/api/v1/windows/w16/posts", json={"C": "clerk1"})) == "invalid_field"
    assert code(admin.put("/api/v1/windows/w16/posts", json={"A": "nobody"})) == "unknown_user"
    error = admin.post("/api/v1/devices", json={"kind": "toaster", "name": "t"}).get_json()["error"]
    assert error["code"] == "invalid_field" and "kind" in error["message"]


def test_an_empty_idempotency_key_is_no_key(kiosk):
    first = kiosk.post("/api/v1/tickets", json={"matter_id": "hukou-move-in", "idempotency_key": ""})
    second = kiosk.post("/api/v1/tickets", json={"matter_id": "hukou-move-in", "idempotency_key": ""})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["number"] != second.get_json()["number"]


def test_an_empty_device_key_is_a_bad_key_even_beside_a_staff_token(admin):
    response = admin.post("/api/v1/tickets", json={"matter_id": "hukou-move-in"}, headers={"X-Device-Key": ""})
    assert response.status_code == 401


def test_query_dates_are_iso_dates_or_empty(admin):
    assert admin.get("/api/v1/reports?from=&to=").status_code == 200  # the manager page sends empty ones
    assert code(admin.get("/api/v1/reports?to=0")) == "invalid_date"  # not a Unix time
    assert code(admin.get("/api/v1/reports?to=20260301")) == "invalid_date"
    assert code(admin.get("/api/v1/stats?date=yesterday")) == "invalid_date"
    assert code(admin.get("/api/v1/reports?from=2020-01-01&to=2026-01-01")) == "invalid_range"
    assert code(admin.get("/api/v1/reports?by=colour")) == "invalid_field"
    assert code(admin.get("/api/v1/tickets/lookup?number=")) == "missing_field"
    assert code(admin.get("/api/v1/tickets/lookup?number=B001&date=")) == "ticket_not_found"  # empty: today
    assert code(admin.get("/api/v1/planning/windows?target_share=2")) == "invalid_field"


def test_405_says_which_methods_the_path_takes(app):
    client = app.test_client()
    response = client.delete("/api/v1/tickets")
    assert response.status_code == 405 and code(response) == "method_not_allowed"
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"POST"}
    response = client.put("/api/v1/planning/units")
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET", "POST"}


def test_the_document_is_built_from_the_models(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    body = document["paths"]["/tickets"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/IssueTicket"}
    assert document["components"]["schemas"]["IssueTicket"] == IssueTicket.model_json_schema()
    reports = {p["name"]: p for p in document["paths"]["/reports"]["get"]["parameters"]}
    assert set(reports) == {"from", "to", "by"} and not reports["to"]["required"]
    kiosk = document["paths"]["/kiosk/tickets"]["post"]["responses"]
    assert {"200", "201", "400", "401", "403", "422"} <= set(kiosk)
    assert document["paths"]["/devices"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "type"] == "array"
    assert len({op.name for op in OPERATIONS}) == len(OPERATIONS)  # operationIds are unique


def test_the_docs_page_has_no_inline_script(app):
    html = app.test_client().get("/api/v1/docs").get_data(as_text=True)
    assert "<script>" not in html and 'src="/static/api-docs.js"' in html
    with app.test_client().get("/static/vendor/swagger-ui-bundle-5.35.0.js") as script:
        assert script.status_code == 200


def test_a_declared_route_checks_its_models_and_a_wrong_declaration_fails_at_once():
    from flask import Blueprint, Flask
    from pydantic import BaseModel

    from server.api.errors import register_error_handlers
    from server.api.spec import operation
    from server.api.validation import Integer

    class Shelf(BaseModel):
        model_config = {"strict": True}
        height: Integer

    scratch = Blueprint("scratch", __name__, url_prefix="/scratch")
    with pytest.raises(TypeError, match="body"):
        @operation(scratch, "POST", "/broken", "takes a body it is not given", answers={200: Shelf})
        def broken(body):
            return {}

    @operation(scratch, "POST", "/shelves/<shelf_id>", "a shelf", body=Shelf, answers={200: Shelf})
    def put_shelf(shelf_id: str, body: Shelf):
        return {"id": shelf_id, "height": body.height}

    try:
        app = Flask(__name__)
        register_error_handlers(app)
        app.register_blueprint(scratch)
        client = app.test_client()
        assert client.post("/scratch/shelves/s1", json={"height": 3.0}).get_json() == {"id": "s1", "height": 3}
        assert client.post("/scratch/shelves/s1", json={"height": "3"}).status_code == 400
        assert "/shelves/{shelf_id}" not in build_document()["paths"]  # not an API route
    finally:
        OPERATIONS[:] = [op for op in OPERATIONS if op.blueprint != "scratch"]
