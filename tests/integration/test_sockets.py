"""Socket.IO namespaces in-process (Flask-SocketIO's test client) on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest

from server.app import create_app, socketio
from server.config import TestingConfig
from server.queueing.actors import Actor
from server.services.accounts import users as accounts
from server.services.counter import windows
from server.services.issuing import tickets


@pytest.fixture
def app(db_url, tmp_path):
    app = create_app(TestingConfig(DATABASE_URL=db_url, VAR_DIR=tmp_path, FLUSH_INTERVAL_S=0.02))
    yield app
    hub = app.extensions["yimen"]
    hub.stop()
    time.sleep(0.1)  # the flusher and the day closer see the flag and return
    hub.db.dispose()


@pytest.fixture
def hub(app):
    return app.extensions["yimen"]


def clerk_token(hub) -> tuple[str, Actor]:
    accounts.set_user_password(hub, "clerk1", "secret-pass", role="clerk", name="一号")
    login = accounts.login(hub, "clerk1", "secret-pass")
    return login["token"], accounts.authenticate_token(hub, login["token"])


def received(client, name: str, timeout: float = 3.0) -> list:
    """Poll the test client until an event called ``name`` has arrived."""
    deadline = time.monotonic() + timeout
    got = []
    while time.monotonic() < deadline:
        got += [m["args"][0] for m in client.get_received(client.namespace) if m["name"] == name]
        if got:
            return got
        time.sleep(0.02)
    return got


def wait_for(client, name: str, predicate, timeout: float = 3.0) -> dict:
    """The first ``name`` event whose payload satisfies ``predicate``."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        for payload in received(client, name, 0.1):
            seen.append(payload)
            if predicate(payload):
                return payload
    raise AssertionError(f"no matching {name}; saw {seen[-3:]}")


def connect(app, namespace: str, auth: dict | None):
    client = socketio.test_client(app, namespace=namespace, auth=auth)
    client.namespace = namespace
    return client


def test_display_snapshot_then_calls(app, hub):
    display = connect(app, "/display", {})
    assert display.is_connected("/display")
    snapshot = received(display, "hall_state")[0]
    assert snapshot["calls"] == [] and len(snapshot["queues"]) == len(hub.center.queues)
    token, clerk = clerk_token(hub)
    ticket, _ = tickets.issue_ticket(hub, matter_id="hukou-move-in", actor=Actor.system())
    windows.open_window(hub, "w16", clerk)
    windows.call_next(hub, "w16", clerk)
    call = received(display, "ticket_called")[0]
    assert call == {**call, "number": ticket["number"], "window_id": "w16", "window_number": 16,
                    "recall": False, "zone_id": "f1"}
    wait_for(display, "queues_changed",
             lambda qs: next(q for q in qs if q["id"] == "police")["served_today"] == 0
             and next(q for q in qs if q["id"] == "police")["waiting"] == 0)


def test_zone_display_hears_only_its_zone(app, hub):
    second_floor = connect(app, "/display", {"zone": "f2"})
    snapshot = received(second_floor, "hall_state")[0]
    f2_queues = {q["id"] for q in snapshot["queues"]}
    assert "police" not in f2_queues and f2_queues
    token, clerk = clerk_token(hub)
    tickets.issue_ticket(hub, matter_id="hukou-move-in", actor=Actor.system())
    windows.open_window(hub, "w16", clerk)
    windows.call_next(hub, "w16", clerk)
    time.sleep(0.3)
    assert [m for m in second_floor.get_received("/display") if m["name"] == "ticket_called"] == []


@pytest.mark.parametrize(("namespace", "auth"), [
    ("/display", {"zone": "f9"}),
    ("/display", "not-an-object"),
    ("/ticket", {}),
    ("/ticket", {"token": "no-such-ticket"}),
    ("/counter", {"token": "bad", "window_id": "w16"}),
    ("/counter", None),
])
def test_bad_auth_is_refused(app, namespace, auth):
    client = socketio.test_client(app, namespace=namespace, auth=auth)
    assert not client.is_connected(namespace)


def test_counter_gets_window_state_on_connect_and_change(app, hub):
    token, clerk = clerk_token(hub)
    counter = connect(app, "/counter", {"token": token, "window_id": "w16"})
    first = received(counter, "window_state")[0]
    assert first["window"]["status"] == "closed" and first["current"] is None
    tickets.issue_ticket(hub, matter_id="hukou-move-in", actor=Actor.system())
    windows.open_window(hub, "w16", clerk)
    windows.call_next(hub, "w16", clerk)
    state = wait_for(counter, "window_state", lambda s: s["current"] is not None)
    assert state["window"]["status"] == "open" and state["current"]["number"] == "B001"


def test_phone_follows_its_ticket(app, hub):
    first, _ = tickets.issue_ticket(hub, matter_id="hukou-move-in", actor=Actor.system())
    second, _ = tickets.issue_ticket(hub, matter_id="hukou-move-in", actor=Actor.system())
    phone = connect(app, "/ticket", {"token": second["token"]})
    assert received(phone, "ticket_changed")[0]["ahead"] == 1
    token, clerk = clerk_token(hub)
    windows.open_window(hub, "w16", clerk)
    windows.call_next(hub, "w16", clerk)  # calls the first: the second moves up
    wait_for(phone, "ticket_changed", lambda t: t["ahead"] == 0 and t["status"] == "waiting")
    windows.finish(hub, "w16", clerk, "completed")
    windows.call_next(hub, "w16", clerk)
    called = wait_for(phone, "ticket_changed", lambda t: t["status"] == "called")
    assert called["window_number"] == 16
