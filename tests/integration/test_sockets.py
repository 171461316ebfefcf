"""Socket.IO namespaces in-process (Flask-SocketIO's test client) on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from server.app import create_app, socketio
from server.config import TestingConfig
from server.queueing.actors import Actor
from server.services.accounts import users as accounts
from server.services.counter import windows
from server.services.issuing import tickets
from tests.support.waiting import wait_for_threads_to_end, wait_until


@pytest.fixture
def app(db_url, tmp_path):
    before = set(threading.enumerate())
    app = create_app(TestingConfig(DATABASE_URL=db_url, VAR_DIR=tmp_path, FLUSH_INTERVAL_S=0.02))
    yield app
    hub = app.extensions["yimen"]
    hub.stop()
    wait_for_threads_to_end(before)  # the flusher and the day closer see the flag and return
    hub.db.dispose()


@pytest.fixture
def hub(app):
    return app.extensions["yimen"]


def clerk_token(hub) -> tuple[str, Actor]:
    accounts.set_user_password(hub, "clerk1", "secret-pass", role="clerk", name="一号")
    login = accounts.login(hub, "clerk1", "secret-pass")
    return login["token"], accounts.authenticate_token(hub, login["token"])


def received(client, name: str, timeout: float = 3.0) -> list:
    """The ``name`` events the test client has received, once at least one has arrived."""
    got: list = []

    def arrived() -> list:
        got.extend(m["args"][0] for m in client.get_received(client.namespace) if m["name"] == name)
        return got

    return wait_until(arrived, timeout=timeout, what=f"{name} on {client.namespace}", interval=0.02)


def wait_for(client, name: str, predicate, timeout: float = 3.0) -> dict:
    """The first ``name`` event whose payload satisfies ``predicate``."""
    seen: list = []

    def matching():
        for message in client.get_received(client.namespace):
            if message["name"] == name:
                seen.append(message["args"][0])
                if predicate(seen[-1]):
                    return seen[-1]
        return None

    try:
        return wait_until(matching, timeout=timeout, what=f"a matching {name}", interval=0.02)
    except AssertionError:
        raise AssertionError(f"no matching {name}; saw {seen[-3:]}") from None


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
    windows.call_next(hub, "w16", clerk)  # a first-floor call
    # Then a second-floor call: calls are sent in order, so once it has arrived the
    # first-floor call would have too, had it been sent to this screen.
    f2_window = next(w for w in hub.center.windows.values() if w.zone_id == "f2")
    f2_matter = next(m for m in hub.center.matters.values() if m.queue_id in f2_window.queue_ids)
    f2_ticket, _ = tickets.issue_ticket(hub, matter_id=f2_matter.id, actor=Actor.system())
    windows.open_window(hub, f2_window.id, clerk)
    windows.call_next(hub, f2_window.id, clerk)
    calls = received(second_floor, "ticket_called")
    assert [(c["number"], c["zone_id"]) for c in calls] == [(f2_ticket["number"], "f2")]


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


def test_window_state_says_what_the_clerk_may_do(app, hub):
    """``allowed_actions`` follows every change, as the core's state machines decide."""
    token, clerk = clerk_token(hub)
    counter = connect(app, "/counter", {"token": token, "window_id": "w16"})
    assert received(counter, "window_state")[0]["allowed_actions"] == []  # closed
    tickets.issue_ticket(hub, matter_id="hukou-move-in", actor=Actor.system())
    steps = [
        (lambda: windows.open_window(hub, "w16", clerk), ["call_next", "call", "pause", "close"]),
        (lambda: windows.call_next(hub, "w16", clerk),
         ["recall", "start", "finish", "no_show", "transfer", "pause"]),
        (lambda: windows.start_service(hub, "w16", clerk), ["finish", "transfer", "pause"]),
        (lambda: windows.pause_window(hub, "w16", clerk, "午休"), ["finish", "transfer", "resume"]),
        (lambda: windows.finish(hub, "w16", clerk, "completed"), ["resume", "close"]),
        (lambda: windows.resume_window(hub, "w16", clerk), ["call_next", "call", "pause", "close"]),
    ]
    for change, expected in steps:
        change()
        state = wait_for(counter, "window_state", lambda s, e=expected: s["allowed_actions"] == e)
        assert state == {**state, "allowed_actions": expected}
    assert windows.get_window_state(hub, "w16")["allowed_actions"] == steps[-1][1]


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
