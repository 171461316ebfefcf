"""The hub's doors against real hub processes: security headers on every answer, rate
limits that answer 429 with ``Retry-After`` (shared by two hubs through Redis), and
tokens and keys that stop working at once on every hub once revoked."""

from __future__ import annotations

import pytest
import requests

from tests.support.api import DEMO_KIOSK_KEY, Api
from tests.support.hubproc import HubProcess
from tests.support.sio import Listener
from tests.support.waiting import wait_until

HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")
LOW_LIMIT = 30  # per client address and minute, for the anonymous reads of these tests


def _get(url: str, **headers) -> requests.Response:
    return requests.get(url, headers=headers, timeout=10)


def _hammer(urls: list[str], path: str, limit: int, **headers) -> list[requests.Response]:
    """Call ``path`` round the ``urls`` until refused; every answer, the 429 last."""
    answers = []
    for n in range(limit * 3):
        answers.append(_get(urls[n % len(urls)] + path, **headers))
        if answers[-1].status_code == 429:
            break
    return answers


def _assert_rate_limited(answer: requests.Response) -> None:
    assert answer.status_code == 429
    assert answer.json()["error"]["code"] == "rate_limited"
    assert answer.json()["error"]["message"]
    assert 1 <= int(answer.headers["Retry-After"]) <= 121  # within two windows of a minute
    assert all(name in answer.headers for name in HEADERS)


@pytest.fixture
def limited_hub(tmp_path):
    process = HubProcess(tmp_path / "var", env={"YIMEN_RATELIMIT_ADDRESS": f"{LOW_LIMIT} per minute"}).start()
    yield process
    process.stop()


def test_every_answer_carries_the_security_headers(hub):
    ticket = Api.kiosk(hub.url).issue()
    answers = {
        "api": _get(hub.url + "/api/v1/queues"),
        "api error": _get(hub.url + "/api/v1/tickets/no-such-token-at-all"),
        "page": _get(hub.url + "/display/"),
        "phone page": _get(hub.url + ticket["status_url"]),
        "static file": _get(hub.url + "/static/vendor/socket.io-4.8.4.min.js"),
        "page 404": _get(hub.url + "/nowhere"),
        "qr code": _get(hub.url + f"/api/v1/tickets/{ticket['token']}/qr.svg"),
    }
    for name, answer in answers.items():
        missing = [h for h in HEADERS if h not in answer.headers]
        assert missing == [], f"{name} ({answer.status_code}) lacks {missing}"
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy, name
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"  # the phone URL holds the token
    assert answers["api error"].status_code == 404 and answers["page 404"].status_code == 404


def test_one_address_hammering_ticket_reads_gets_429(limited_hub):
    ticket = Api.kiosk(limited_hub.url).issue()
    path = f"/api/v1/tickets/{ticket['token']}"
    answers = _hammer([limited_hub.url], path, LOW_LIMIT)
    assert [a.status_code for a in answers[:LOW_LIMIT]] == [200] * LOW_LIMIT
    _assert_rate_limited(answers[-1])
    assert len(answers) == LOW_LIMIT + 1
    # the bucket is shared by the public reads: the phone page and the QR code wait too
    _assert_rate_limited(_get(limited_hub.url + f"/api/v1/tickets/{ticket['token']}/qr.svg"))
    page = _get(limited_hub.url + ticket["status_url"])
    assert page.status_code == 429 and "Retry-After" in page.headers and "请求过于频繁" in page.text
    # a made-up device key buys nothing: it is counted by its address
    _assert_rate_limited(_get(limited_hub.url + path, **{"X-Device-Key": "made-up-key"}))
    # the hall's kiosk and a logged-in clerk have buckets of their own
    assert _get(limited_hub.url + path, **{"X-Device-Key": DEMO_KIOSK_KEY}).status_code == 200
    clerk = Api.clerk(limited_hub.url)
    assert clerk.get(f"/tickets/{ticket['token']}").status_code == 200
    # and calls that are not public are not limited
    assert _get(limited_hub.url + "/api/v1/queues").status_code == 200


def test_addresses_behind_a_trusted_proxy_count_apart(tmp_path):
    hub = HubProcess(tmp_path / "var", env={"YIMEN_RATELIMIT_ADDRESS": "5 per minute",
                                            "YIMEN_TRUSTED_PROXIES": "1"}).start()
    try:
        token = Api.kiosk(hub.url).issue()["token"]
        phone_a = {"X-Forwarded-For": "192.168.10.21"}
        answers = _hammer([hub.url], f"/api/v1/tickets/{token}", 5, **phone_a)
        assert [a.status_code for a in answers] == [200] * 5 + [429]
        phone_b = {"X-Forwarded-For": "192.168.10.22"}
        assert _get(hub.url + f"/api/v1/tickets/{token}", **phone_b).status_code == 200
    finally:
        hub.stop()


def test_logins_from_one_address_are_limited(tmp_path):
    hub = HubProcess(tmp_path / "var", env={"YIMEN_RATELIMIT_ADDRESS_WRITE": "4 per minute"}).start()
    try:
        statuses = [requests.post(hub.url + "/api/v1/auth/login", timeout=10,
                                  json={"username": f"guess{n}", "password": "x"}).status_code
                    for n in range(5)]
        assert statuses == [401] * 4 + [429]
    finally:
        hub.stop()


def test_a_logout_and_a_disabled_device_stop_working_at_once(hub):
    admin = Api(hub.url).login("admin")
    clerk = Api.clerk(hub.url)
    assert clerk.post("/auth/logout").status_code == 200
    refused = clerk.get("/auth/me")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_token"

    device = admin.post("/devices", {"kind": "kiosk", "name": "lobby 3"}).json()
    kiosk = Api.kiosk(hub.url, device["key"])
    assert kiosk.get("/kiosk/config").status_code == 200
    assert admin.post(f"/devices/{device['id']}/disable").json()["active"] is False
    for call in (kiosk.get("/kiosk/config"), kiosk.post("/tickets", {"matter_id": "hukou-move-in"})):
        assert call.status_code == 401 and call.json()["error"]["code"] == "device_disabled"
    assert admin.post(f"/devices/{device['id']}/enable").json()["active"] is True
    assert kiosk.post("/tickets", {"matter_id": "hukou-move-in"}).status_code == 201
    assert Api(hub.url).login("clerk1").post(f"/devices/{device['id']}/disable").status_code == 403


def _wait_disconnected(listener: Listener, timeout: float = 10.0) -> None:
    wait_until(lambda: listener.namespace not in listener.client.namespaces, timeout=timeout,
               what=f"{listener.namespace} to be disconnected")


def test_revoked_tokens_and_keys_lose_their_open_connections(hub):
    admin = Api(hub.url).login("admin")
    clerk, manager = Api.clerk(hub.url, "clerk5"), Api(hub.url).login("manager")
    device = admin.post("/devices", {"kind": "kiosk", "name": "lobby 4"}).json()
    counter = Listener(hub.url, "/counter", {"token": clerk.token, "window_id": "w16"},
                       ("window_state",)).connect()
    dashboard = Listener(hub.url, "/manager", {"token": manager.token}, ("dashboard",)).connect()
    kiosk = Listener(hub.url, "/kiosk", {"key": device["key"]}, ("printer_status",)).connect()
    bystander = Listener(hub.url, "/counter", {"token": Api.clerk(hub.url, "clerk6").token, "window_id": "w17"},
                         ("window_state",)).connect()
    try:
        counter.wait_for("window_state")
        dashboard.wait_for("dashboard")
        kiosk.wait_for("printer_status")
        clerk.post("/auth/logout")
        admin.post("/users/manager/disable")
        admin.post(f"/devices/{device['id']}/disable")
        for listener in (counter, dashboard, kiosk):
            _wait_disconnected(listener)
        assert "/counter" in bystander.client.namespaces  # nobody else is touched
    finally:
        for listener in (counter, dashboard, kiosk, bystander):
            listener.client.disconnect()


def test_password_change_and_disabling_a_user_over_the_api(hub):
    admin = Api(hub.url).login("admin")
    here, elsewhere = Api.clerk(hub.url, "clerk2"), Api.clerk(hub.url, "clerk2")
    bad = here.post("/auth/password", {"current_password": "wrong", "new_password": "new-secret"})
    assert bad.status_code == 401
    short = here.post("/auth/password", {"current_password": "yimen-demo", "new_password": "x"})
    assert short.status_code == 400 and short.json()["error"]["code"] == "invalid_field"
    changed = here.post("/auth/password", {"current_password": "yimen-demo", "new_password": "new-secret"})
    assert changed.json() == {"ok": True, "sessions_ended": 1}
    assert here.get("/auth/me").status_code == 200
    assert elsewhere.get("/auth/me").status_code == 401

    assert admin.post("/users/clerk2/disable").json()["sessions_ended"] == 1
    assert here.get("/auth/me").status_code == 401
    assert Api(hub.url).post("/auth/login", {"username": "clerk2", "password": "new-secret"}).status_code == 401
    assert admin.post("/users/admin/disable").json()["error"]["code"] == "cannot_disable_self"
    assert admin.post("/users/nobody/disable").status_code == 404
    assert admin.post("/users/clerk2/enable").json()["active"] is True
    assert admin.post("/users/clerk2/password", {"password": "reset-pass"}).status_code == 200
    assert Api(hub.url).login("clerk2", "reset-pass").get("/auth/me").status_code == 200


@pytest.mark.postgres
@pytest.mark.redis
def test_two_hubs_share_limits_and_revocations(tmp_path, pg_url, redis_url, mq_channel):
    env = {"YIMEN_MQ_CHANNEL": mq_channel, "YIMEN_RATELIMIT_ADDRESS": f"{LOW_LIMIT} per minute"}
    first = HubProcess(tmp_path / "a", db=pg_url, message_queue=redis_url, env=env).start()
    second = HubProcess(tmp_path / "b", db=pg_url, message_queue=redis_url, env=env).start()
    try:
        admin = Api(first.url).login("admin")
        clerk_on_b = Api.clerk(second.url, "clerk3")
        kiosk_on_b = Api.kiosk(second.url, "demo-kiosk-2")
        assert clerk_on_b.get("/auth/me").status_code == 200
        assert kiosk_on_b.get("/kiosk/config").status_code == 200
        device_id = kiosk_on_b.get("/kiosk/config").json()["device"]["id"]
        socket_on_b = Listener(second.url, "/counter", {"token": clerk_on_b.token, "window_id": "w16"},
                               ("window_state",)).connect()
        admin.post("/users/clerk3/disable")
        admin.post(f"/devices/{device_id}/disable")
        assert clerk_on_b.get("/auth/me").status_code == 401  # at once, on the other hub
        _wait_disconnected(socket_on_b)  # and its open connection there is closed
        refused = kiosk_on_b.post("/kiosk/tickets", {"matter_id": "hukou-move-in", "print": False})
        assert refused.json()["error"]["code"] == "device_disabled"
        clerk_on_a = Api.clerk(first.url, "clerk4")
        assert clerk_on_a.post("/auth/logout").status_code == 200
        assert Api(second.url, token=clerk_on_a.token).get("/auth/me").status_code == 401
        ticket = Api.kiosk(first.url).issue()
        answers = _hammer([first.url, second.url], f"/api/v1/tickets/{ticket['token']}", LOW_LIMIT)
        # one limit for the hall: the 429 comes after LOW_LIMIT reads spread over both hubs
        assert [a.status_code for a in answers[:LOW_LIMIT]] == [200] * LOW_LIMIT
        assert len(answers) == LOW_LIMIT + 1
        _assert_rate_limited(answers[-1])
        _assert_rate_limited(_get(first.url + f"/api/v1/tickets/{ticket['token']}"))
    finally:
        first.stop()
        second.stop()


def test_limits_fall_back_to_memory_while_their_redis_is_away(tmp_path):
    """A hub whose limit store cannot be reached still serves, and still limits."""
    from tests.support.hubproc import free_port

    hub = HubProcess(tmp_path / "var", env={"YIMEN_RATELIMIT_STORAGE": f"redis://127.0.0.1:{free_port()}/0",
                                            "YIMEN_RATELIMIT_ADDRESS": "5 per minute"}).start()
    try:
        ticket = Api.kiosk(hub.url).issue()
        answers = _hammer([hub.url], f"/api/v1/tickets/{ticket['token']}", 5)
        assert [a.status_code for a in answers] == [200] * 5 + [429]
    finally:
        hub.stop()
