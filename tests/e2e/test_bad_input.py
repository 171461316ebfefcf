"""Malformed and hostile requests get the contract's error, never a 500, and change nothing."""

from __future__ import annotations

import json
import random

import pytest
import requests

from tests.support.api import Api

POST_PATHS = [
    "/tickets", "/auth/login", "/users", "/devices",
    "/windows/w16/open", "/windows/w16/close", "/windows/w16/call-next", "/windows/w16/call",
    "/windows/w16/recall", "/windows/w16/start", "/windows/w16/finish", "/windows/w16/no-show",
    "/windows/w16/transfer", "/windows/w16/pause", "/windows/w16/resume",
]


def assert_error(response: requests.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body


def raw_post(hub, path, data, headers=None):
    headers = {"Content-Type": "application/json", **(headers or {})}
    return requests.post(f"{hub.url}/api/v1{path}", data=data, headers=headers, timeout=10)


def test_ticket_errors(hub, kiosk):
    key = {"X-Device-Key": "demo-kiosk-1"}
    assert_error(raw_post(hub, "/tickets", b"{not json", key), 400, "bad_json")
    assert_error(raw_post(hub, "/tickets", b"[1, 2]", key), 400, "bad_json")
    assert_error(raw_post(hub, "/tickets", b"", key), 400, "bad_json")
    assert_error(kiosk.post("/tickets", {}), 400, "missing_field")
    assert_error(kiosk.post("/tickets", {"matter_id": 42}), 400, "invalid_field")
    assert_error(kiosk.post("/tickets", {"matter_id": "x" * 10_000}), 400, "invalid_field")
    assert_error(kiosk.post("/tickets", {"matter_id": "nope"}), 422, "unknown_matter")
    assert_error(kiosk.post("/tickets", {"matter_id": "hukou-move-in", "priority": "high"}), 400)
    assert_error(kiosk.post("/tickets", {"matter_id": "hukou-move-in", "priority_reason": "vip"}), 422,
                 "priority_not_allowed")
    assert_error(Api(hub.url).post("/tickets", {"matter_id": "hukou-move-in"}), 401)
    assert_error(Api.kiosk(hub.url, "forged").post("/tickets", {"matter_id": "hukou-move-in"}), 401)
    assert_error(Api.kiosk(hub.url, "demo-display-1").post("/tickets", {"matter_id": "hukou-move-in"}), 403)
    big = raw_post(hub, "/tickets", json.dumps({"matter_id": "a", "pad": "x" * 200_000}), key)
    assert_error(big, 413)
    assert_error(Api(hub.url).get("/tickets/not-a-token"), 404, "ticket_not_found")
    assert_error(Api(hub.url).get("/tickets/..%2F..%2Fetc%2Fpasswd"), 404)
    # nothing above made a ticket
    police = next(q for q in Api(hub.url).get("/queues").json() if q["id"] == "police")
    assert police["waiting"] == 0
    assert kiosk.issue()["number"] == "B001"


def test_auth_and_role_errors(hub, clerk):
    assert_error(Api(hub.url).post("/auth/login", {"username": "clerk1", "password": "wrong"}), 401,
                 "invalid_credentials")
    assert_error(Api(hub.url).post("/auth/login", {"username": "clerk1"}), 400, "missing_field")
    assert_error(Api(hub.url, token="garbage").post("/windows/w16/open"), 401, "invalid_token")
    assert_error(clerk.post("/users", {"username": "x", "password": "123456", "role": "clerk"}), 403)
    assert_error(clerk.post("/devices", {"kind": "kiosk", "name": "k"}), 403)
    assert_error(clerk.get("/stats"), 403)
    admin = Api(hub.url).login("admin")
    assert_error(admin.post("/users", {"username": "bad name!", "password": "123456", "role": "clerk"}), 400)
    assert_error(admin.post("/users", {"username": "u1", "password": "123456", "role": "king"}), 400)
    assert admin.post("/users", {"username": "u1", "password": "123456", "role": "clerk"}).status_code == 201
    assert_error(admin.post("/users", {"username": "u1", "password": "123456", "role": "clerk"}), 409,
                 "user_exists")
    assert_error(admin.post("/devices", {"kind": "toaster", "name": "t"}), 400)
    device = admin.post("/devices", {"kind": "kiosk", "name": "二楼取号机"})
    assert device.status_code == 201 and len(device.json()["key"]) >= 16
    assert Api.kiosk(hub.url, device.json()["key"]).issue()["status"] == "waiting"
    assert_error(admin.get("/stats", params={"date": "yesterday"}), 400, "invalid_date")


def test_window_errors(hub, clerk):
    assert_error(clerk.post("/windows/w99/open"), 404, "unknown_window")
    assert_error(clerk.post("/windows/w16/call-next"), 403, "not_window_clerk")
    clerk.post("/windows/w16/open")
    assert_error(clerk.post("/windows/w16/recall"), 409, "no_current_ticket")
    assert_error(clerk.post("/windows/w16/finish", {"outcome": "completed"}), 409, "no_current_ticket")
    Api.kiosk(hub.url).issue()
    clerk.post("/windows/w16/call-next")
    assert_error(clerk.post("/windows/w16/finish", {"outcome": "great"}), 400, "invalid_outcome")
    assert_error(clerk.post("/windows/w16/finish", {}), 400, "missing_field")
    assert_error(clerk.post("/windows/w16/transfer", {"queue_id": "nope"}), 422, "unknown_queue")
    assert_error(clerk.post("/windows/w16/call", {"ticket_id": "1"}), 400, "invalid_field")
    assert_error(clerk.post("/windows/w16/close"), 409, "window_busy")
    assert clerk.get("/windows/w16").json()["current"]["status"] == "called"


def test_unknown_routes_and_methods_answer_json(hub):
    assert_error(requests.get(f"{hub.url}/api/v1/nothing-here", timeout=5), 404, "not_found")
    assert_error(requests.delete(f"{hub.url}/api/v1/tickets", timeout=5), 405, "method_not_allowed")


@pytest.mark.slow
def test_random_garbage_never_causes_a_500(hub, clerk):
    rng = random.Random(20261129)  # fixed seed: the same garbage every run
    clerk.post("/windows/w16/open")
    values = [None, True, -1, 0, 2**70, 1.5, "", "x" * 300, "w16", "police", "hukou-move-in", [], {},
              {"a": [1, {"b": None}]}, "\u0000\udfff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
              "'; DROP TABLE tickets; --", "../../etc/passwd"]
    fields = ["matter_id", "priority", "priority_reason", "idempotency_key", "username", "password", "role",
              "name", "kind", "outcome", "queue_id", "ticket_id", "reason"]
    headers = [{"X-Device-Key": "demo-kiosk-1"}, {"Authorization": f"Bearer {clerk.token}"}, {},
               {"Authorization": "Bearer"}, {"Authorization": "Basic Zm9vOmJhcg=="}]
    for _ in range(400):
        body = {rng.choice(fields): rng.choice(values) for _ in range(rng.randint(0, 4))}
        if rng.random() < 0.1:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        else:
            data = json.dumps(body).encode()
        response = raw_post(hub, rng.choice(POST_PATHS), data, rng.choice(headers))
        assert response.status_code < 500, (body, response.text)
        if response.status_code >= 400:
            assert "error" in response.json()
    assert "Traceback" not in hub.output()


def test_password_guessing_is_slowed_down(hub):
    api = Api(hub.url)
    for _ in range(5):
        assert_error(api.post("/auth/login", {"username": "clerk3", "password": "guess"}), 401)
    held = api.post("/auth/login", {"username": "clerk3", "password": "yimen-demo"})
    assert_error(held, 429, "too_many_attempts")
    assert int(held.headers["Retry-After"]) > 0
    assert Api(hub.url).login("clerk4").token  # others log in as usual
