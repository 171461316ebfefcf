"""好差评 against real hub processes: HTTP, the /rating namespace, SQLite and PostgreSQL,
and two hubs joined by Redis."""

from __future__ import annotations

import threading

import pytest
import requests

from tests.support.api import Api
from tests.support.hubproc import HubProcess
from tests.support.sio import Listener

WINDOW = "w16"  # serves the police queue of hukou-move-in


@pytest.fixture(params=["sqlite", "postgresql"])
def any_hub(request, tmp_path):
    db = None if request.param == "sqlite" else request.getfixturevalue("pg_url")
    process = HubProcess(tmp_path / "var", db=db).start()
    yield process
    process.stop()


def make_pad(url: str, window: str = WINDOW) -> str:
    admin = Api(url).login("admin")
    response = admin.post("/devices", {"kind": "rating_pad", "name": "16号窗口评价器",
                                       "window_id": window})
    assert response.status_code == 201, response.text
    assert response.json()["window_id"] == window
    return response.json()["key"]


def serve_one(url: str, clerk: Api) -> dict:
    """Issue a ticket, call the next one (the oldest waiting) and finish it: that one."""
    Api.kiosk(url).issue()
    called = clerk.post(f"/windows/{WINDOW}/call-next")
    assert called.status_code == 200
    assert clerk.post(f"/windows/{WINDOW}/finish", {"outcome": "completed"}).status_code == 200
    return called.json()


def race(urls: tuple[str, str], token: str, pad_key: str) -> list[int]:
    """The pad (on the first hub) and the phone (on the second) rate at the same moment."""
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post(url, headers, level):
        session = requests.Session()
        barrier.wait()
        response = session.post(f"{url}/api/v1/tickets/{token}/rating", json={"level": level},
                                headers=headers, timeout=20)
        statuses.append(response.status_code)
        if response.status_code == 409:
            assert response.json()["error"]["code"] == "already_rated"

    threads = [threading.Thread(target=post, args=(urls[0], {"X-Device-Key": pad_key}, 1)),
               threading.Thread(target=post, args=(urls[1], {}, 2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(statuses)


def test_pad_flow_and_race_over_http(any_hub):
    url = any_hub.url
    key = make_pad(url)
    clerk = Api.clerk(url, "clerk1")
    assert clerk.post(f"/windows/{WINDOW}/open").status_code == 200
    pad = Listener(url, "/rating", {"key": key},
                   ("pad_state", "rating_requested", "rating_closed")).connect()
    try:
        state = pad.wait_for("pad_state")
        assert state["window_id"] == WINDOW and state["clerk"]["staff_number"] == "clerk1"
        assert state["pending"] is None
        ticket = serve_one(url, clerk)
        request = pad.wait_for("rating_requested", lambda r: r["token"] == ticket["token"])
        assert request["number"] == ticket["number"] and request["window_number"] == 16
        assert request["matter_name"] == "户口迁入" and request["clerk_name"]
        phone = Listener(url, "/ticket", {"token": ticket["token"]}, ("ticket_changed",)).connect()
        try:
            for _ in range(5):  # five races, each exactly one 201
                assert race((url, url), ticket["token"], key) == [201, 409]
                ticket = serve_one(url, clerk)
            phone.wait_for("ticket_changed", lambda t: t["rating"] is not None, timeout=10)
        finally:
            phone.client.disconnect()
        pad.wait_for("rating_closed", lambda c: c["rated"])
        # the next call closes an unanswered request
        unrated = ticket
        Api.kiosk(url).issue()
        clerk.post(f"/windows/{WINDOW}/call-next")
        pad.wait_for("rating_closed", lambda c: c["token"] == unrated["token"] and not c["rated"])
    finally:
        pad.client.disconnect()
    manager = Api(url).login("manager")
    assert len(manager.get("/rectifications").json()) == 5  # level 1 and 2: all bad
    summary = manager.get("/ratings/summary?by=window").json()
    assert summary["total"]["rated"] == 5 and summary["total"]["done"] == 6


def test_bad_input_and_credentials(any_hub):
    url = any_hub.url
    key = make_pad(url)
    clerk = Api.clerk(url, "clerk1")
    clerk.post(f"/windows/{WINDOW}/open")
    ticket = serve_one(url, clerk)
    waiting = Api.kiosk(url).issue()
    phone = Api(url)
    bad = phone.post(f"/tickets/{waiting['token']}/rating", {"level": 5})
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "not_rateable"
    token = ticket["token"]
    for body, code in (({"level": 0}, "invalid_field"), ({"level": "5"}, "invalid_field"),
                       ({}, "missing_field"), ({"level": 2, "reasons": ["rude"]}, "invalid_field")):
        response = phone.post(f"/tickets/{token}/rating", body)
        assert response.status_code == 400 and response.json()["error"]["code"] == code, body
    assert phone.post("/tickets/no-such-token/rating", {"level": 5}).status_code == 404
    assert phone.session.post(f"{url}/api/v1/tickets/{token}/rating", data="{",
                              timeout=10).status_code == 400
    wrong_key = Api(url, device_key="not-a-key").post(f"/tickets/{token}/rating", {"level": 5})
    assert wrong_key.status_code == 401
    kiosk = Api.kiosk(url).post(f"/tickets/{token}/rating", {"level": 5})
    assert kiosk.status_code == 403
    other = Api(url, device_key=make_pad(url, "w17")).post(f"/tickets/{token}/rating", {"level": 5})
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_this_window"
    created = Api(url, device_key=key).post(f"/tickets/{token}/rating",
                                            {"level": 2, "reasons": ["long_wait"], "comment": "太慢"})
    assert created.status_code == 201, created.text
    assert created.json() | {"at": None} == {"ticket_id": ticket["id"], "level": 2,
                                             "reasons": ["long_wait"], "comment": "太慢",
                                             "channel": "pad", "at": None}
    assert Api(url).get(f"/tickets/{token}").json()["rating"]["level"] == 2
    # who may read what
    assert Api(url).get("/ratings").status_code == 401
    assert clerk.get("/ratings").status_code == 403
    admin = Api(url).login("admin")
    assert admin.post("/users", {"username": "sup2", "password": "secret-pass",
                                 "role": "supervisor"}).status_code == 201
    supervisor = Api(url).login("sup2", "secret-pass")
    assert supervisor.get("/ratings").status_code == 200
    assert supervisor.get("/ratings/export").status_code == 403
    assert supervisor.get("/stats").status_code == 200
    rect = supervisor.get("/rectifications").json()[0]
    verify = supervisor.post(f"/rectifications/{rect['id']}/verify", {"finding": "valid", "note": "x"})
    assert verify.status_code == 403
    manager = Api(url).login("manager")
    missing = manager.post(f"/rectifications/{rect['id']}/verify", {"finding": "valid"})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "missing_field"
    wrong = manager.post(f"/rectifications/{rect['id']}/callback", {"reached": True, "note": "x"})
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "invalid_transition"
    assert manager.get("/rectifications/99999").status_code == 404
    assert manager.get("/rectifications?status=nope").status_code == 400
    csv = manager.get("/ratings/export?format=csv")
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("ticket_id,number,service_day,rated_at,level,level_name")
    assert len(lines) == 2 and ",不满意,pad," in lines[1]
    assert manager.get("/ratings/export?format=xml").status_code == 400
    assert manager.get("/ratings/summary?by=queue").status_code == 400


def test_two_hubs_one_rating_one_rectification(tmp_path, pg_url, redis_url, mq_channel):
    env = {"YIMEN_MQ_CHANNEL": mq_channel}
    first = HubProcess(tmp_path / "a", db=pg_url, message_queue=redis_url, env=env).start()
    second = HubProcess(tmp_path / "b", db=pg_url, message_queue=redis_url, env=env).start()
    try:
        key = make_pad(first.url)
        clerk = Api.clerk(first.url, "clerk1")
        clerk.post(f"/windows/{WINDOW}/open")
        pad = Listener(second.url, "/rating", {"key": key},
                       ("pad_state", "rating_requested", "rating_closed")).connect()
        try:
            pad.wait_for("pad_state")
            tokens = []
            for _ in range(4):
                ticket = serve_one(first.url, clerk)
                # the pad on the second hub hears the first hub's finish
                pad.wait_for("rating_requested", lambda r, t=ticket: r["token"] == t["token"], 10)
                assert race((second.url, first.url), ticket["token"], key) == [201, 409]
                tokens.append(ticket["token"])
            pad.wait_for("rating_closed", lambda c: c["token"] == tokens[-1], 10)
        finally:
            pad.client.disconnect()
        listed = Api(second.url).login("manager").get("/rectifications").json()
        assert sorted(r["ticket"]["token"] for r in listed) == sorted(tokens)
    finally:
        first.stop()
        second.stop()


def test_managers_hear_of_rectifications(any_hub):
    url = any_hub.url
    manager = Api(url).login("manager")
    listener = Listener(url, "/manager", {"token": manager.token}, ("rectification_changed",)).connect()
    try:
        clerk = Api.clerk(url, "clerk1")
        clerk.post(f"/windows/{WINDOW}/open")
        ticket = serve_one(url, clerk)
        assert Api(url).post(f"/tickets/{ticket['token']}/rating", {"level": 1}).status_code == 201
        opened = listener.wait_for("rectification_changed", lambda m: m["status"] == "open")
        manager.post(f"/rectifications/{opened['id']}/verify", {"finding": "valid", "note": "属实"})
        listener.wait_for("rectification_changed", lambda m: m["status"] == "rectifying")
    finally:
        listener.client.disconnect()
