"""No-show, transfer, pause, and a hub killed and restarted in the middle of the day."""

from __future__ import annotations

import pytest
import socketio

from tests.support.api import Api
from tests.support.sio import Listener


def test_no_show_then_next(hub, clerk, kiosk):
    first, second = kiosk.issue(), kiosk.issue()
    clerk.post("/windows/w16/open")
    assert clerk.post("/windows/w16/call-next").json()["id"] == first["id"]
    gone = clerk.post("/windows/w16/no-show")
    assert gone.status_code == 200 and gone.json()["status"] == "no_show"
    assert clerk.post("/windows/w16/call-next").json()["id"] == second["id"]


def test_transfer_keeps_number_and_place(hub, clerk, kiosk):
    tax_clerk = Api.clerk(hub.url, "clerk2")
    police = kiosk.issue("hukou-move-in")
    center = Api(hub.url).get("/center").json()
    tax_matter = next(m["id"] for m in center["matters"] if m["queue_id"] == "tax")
    later_tax = kiosk.issue(tax_matter)
    clerk.post("/windows/w16/open")
    clerk.post("/windows/w16/call-next")
    moved = clerk.post("/windows/w16/transfer", {"queue_id": "tax"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "waiting" and moved.json()["number"] == police["number"]
    bad = clerk.post("/windows/w16/transfer", {"queue_id": "nope"})
    # The queue is checked first: an unknown one is bad input, whatever the window holds.
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_queue"
    tax_window = next(q["window_ids"][0] for q in center["queues"] if q["id"] == "tax")
    tax_clerk.post(f"/windows/{tax_window}/open")
    assert tax_clerk.post(f"/windows/{tax_window}/call-next").json()["id"] == police["id"]
    tax_clerk.post(f"/windows/{tax_window}/finish", {"outcome": "completed"})
    assert tax_clerk.post(f"/windows/{tax_window}/call-next").json()["id"] == later_tax["id"]


def test_pause_is_shown_and_blocks_calls(hub, clerk, kiosk):
    kiosk.issue()
    clerk.post("/windows/w16/open")
    counter = Listener(hub.url, "/counter", {"token": clerk.token, "window_id": "w16"},
                       ("window_state",)).connect()
    try:
        paused = clerk.post("/windows/w16/pause", {"reason": "午休"})
        assert paused.json()["status"] == "paused"
        counter.wait_for("window_state", lambda s: s["window"]["status"] == "paused"
                         and s["window"]["paused_reason"] == "午休")
        refused = clerk.post("/windows/w16/call-next")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "window_paused"
        clerk.post("/windows/w16/resume")
        assert clerk.post("/windows/w16/call-next").status_code == 200
        counter.wait_for("window_state", lambda s: s["current"] and s["current"]["status"] == "called")
    finally:
        counter.disconnect()


def test_killed_hub_restarts_and_continues(hub, clerk, kiosk):
    issued = [kiosk.issue() for _ in range(3)]
    clerk.post("/windows/w16/open")
    assert clerk.post("/windows/w16/call-next").json()["number"] == "B001"
    display = Listener(hub.url, "/display", {}, ("hall_state", "ticket_called")).connect()
    phone = Listener(hub.url, "/ticket", {"token": issued[1]["token"]}, ("ticket_changed",)).connect()
    try:
        display.wait_for("hall_state")
        hub.kill()  # SIGKILL: no clean shutdown
        hub.start()
        # The same token still works after a restart: sessions live in the database.
        state = clerk.get("/windows/w16").json()
        assert state["window"]["status"] == "open" and state["current"]["number"] == "B001"
        assert [t["number"] for t in state["waiting"]] == ["B002", "B003"]
        assert kiosk.issue()["number"] == "B004"
        # The clients reconnect by themselves and get a fresh snapshot.
        snapshot = display.wait_count("hall_state", 2, timeout=15)[-1]
        assert snapshot["calls"][0]["number"] == "B001"
        clerk.post("/windows/w16/finish", {"outcome": "completed"})
        assert clerk.post("/windows/w16/call-next").json()["number"] == "B002"
        display.wait_for("ticket_called", lambda c: c["number"] == "B002", timeout=10)
        phone.wait_for("ticket_changed", lambda t: t["status"] == "called", timeout=10)
    finally:
        display.disconnect()
        phone.disconnect()


def test_window_panel_is_pushed_on_every_change(hub, clerk, kiosk):
    panel = Listener(hub.url, "/display", {"window": "w16"}, ("hall_state", "window_panel")).connect()
    try:
        assert panel.wait_for("window_panel")["window"]["status"] == "closed"
        clerk.post("/windows/w16/open")
        panel.wait_for("window_panel", lambda p: p["window"]["status"] == "open" and p["current"] is None)
        kiosk.issue()
        clerk.post("/windows/w16/call-next")
        panel.wait_for("window_panel", lambda p: p["current"] and p["current"]["status"] == "called")
        clerk.post("/windows/w16/start")
        panel.wait_for("window_panel", lambda p: p["current"] and p["current"]["status"] == "serving")
        clerk.post("/windows/w16/finish", {"outcome": "completed"})
        clerk.post("/windows/w16/pause", {"reason": "午休"})
        paused = panel.wait_for("window_panel", lambda p: p["window"]["status"] == "paused")
        assert paused["window"]["paused_reason"] == "午休" and paused["current"] is None
        assert "token" not in str(paused)
    finally:
        panel.disconnect()
    with pytest.raises(socketio.exceptions.ConnectionError, match="failed to connect"):
        Listener(hub.url, "/display", {"window": "w99"}, ()).connect(timeout=5)


def test_posts_are_assigned_by_managers_and_kept_at_the_window(hub, clerk):
    manager = Api(hub.url).login("manager")
    denied = clerk.put("/windows/w20/posts", {"A": "clerk2"})
    assert denied.status_code == 403
    assigned = manager.put("/windows/w20/posts", {"A": "clerk2", "B": "clerk3"})
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["posts"]["B"]["username"] == "clerk3"
    refused = clerk.post("/windows/w20/open")  # clerk1 holds no post at w20
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_posted_here"
    stand_in = Api.clerk(hub.url, "clerk3").post("/windows/w20/open")
    assert stand_in.status_code == 200 and stand_in.json()["clerk"]["post"] == "B"
    unknown = manager.put("/windows/w20/posts", {"A": "nobody"})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_user"
    bad = manager.put("/windows/w20/posts", {"C": "clerk2"})
    assert bad.status_code == 400


def test_a_tickets_history_says_who_did_what_where(hub, clerk, kiosk):
    ticket = kiosk.issue()
    clerk.post("/windows/w16/open")
    clerk.post("/windows/w16/call-next")
    clerk.post("/windows/w16/recall")
    clerk.post("/windows/w16/finish", {"outcome": "returned"})
    assert clerk.get(f"/tickets/{ticket['token']}/history").status_code == 403
    history = Api(hub.url).login("supervisor").get(f"/tickets/{ticket['token']}/history").json()
    assert history["ticket"]["outcome"] == "returned"
    steps = history["events"]
    assert [s["kind"] for s in steps] == ["ticket_issued", "ticket_called", "ticket_recalled",
                                          "ticket_finished"]
    assert steps[0]["actor"].startswith("device:")
    assert {s["actor_name"] for s in steps[1:]} == {"窗口人员1"}
    assert steps[1]["window_number"] == 16 and steps[3]["data"]["outcome"] == "returned"
    assert steps[0]["at"].endswith("+08:00")
