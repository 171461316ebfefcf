"""The full day of one ticket against a real hub, watched by real Socket.IO clients."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.sio import Listener


def test_issue_call_recall_start_finish(hub, clerk, kiosk):
    display = Listener(hub.url, "/display", {}, ("hall_state", "ticket_called", "queues_changed")).connect()
    try:
        snapshot = display.wait_for("hall_state")
        assert snapshot["calls"] == []
        assert {q["id"] for q in snapshot["queues"]} >= {"police"}

        ticket = kiosk.issue("hukou-move-in")
        assert ticket["number"] == "B001"
        assert ticket["status"] == "waiting"
        assert ticket["status_url"] == f"/t/{ticket['token']}"
        assert len(ticket["token"]) >= 16

        phone = Listener(hub.url, "/ticket", {"token": ticket["token"]}, ("ticket_changed",)).connect()
        assert phone.wait_for("ticket_changed")["status"] == "waiting"
        display.wait_for("queues_changed",
                         lambda qs: any(q["id"] == "police" and q["waiting"] == 1 for q in qs))

        window = "w16"  # a police window
        assert clerk.post(f"/windows/{window}/open").status_code == 200
        called = clerk.post(f"/windows/{window}/call-next")
        assert called.status_code == 200, called.text
        assert called.json()["number"] == "B001" and called.json()["status"] == "called"

        call = display.wait_for("ticket_called", lambda c: c["number"] == "B001")
        assert call["window_id"] == window and call["window_number"] == 16 and call["recall"] is False
        assert phone.wait_for("ticket_changed", lambda t: t["status"] == "called")["window_id"] == window

        assert clerk.post(f"/windows/{window}/recall").json()["status"] == "called"
        display.wait_for("ticket_called", lambda c: c["number"] == "B001" and c["recall"] is True)

        busy = clerk.post(f"/windows/{window}/call-next")
        assert busy.status_code == 409 and busy.json()["error"]["code"] == "window_busy"

        assert clerk.post(f"/windows/{window}/start").json()["status"] == "serving"
        done = clerk.post(f"/windows/{window}/finish", {"outcome": "completed"}).json()
        assert done["status"] == "done" and done["outcome"] == "completed" and done["finished_at"]
        phone.wait_for("ticket_changed", lambda t: t["status"] == "done")

        empty = clerk.post(f"/windows/{window}/call-next")
        assert empty.status_code == 404 and empty.json()["error"]["code"] == "queue_empty"

        # A display connecting now gets the calls in its snapshot, newest first.
        late = Listener(hub.url, "/display", {}, ("hall_state",)).connect()
        calls = late.wait_for("hall_state")["calls"]
        assert [c["recall"] for c in calls[:2]] == [True, False]
        late.disconnect()
        phone.disconnect()
    finally:
        display.disconnect()


def test_other_clerk_is_refused(hub, clerk):
    assert clerk.post("/windows/w16/open").status_code == 200
    other = Api.clerk(hub.url, "clerk2")
    taken = other.post("/windows/w16/open")
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "window_taken"
    forbidden = other.post("/windows/w16/call-next")
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "not_window_clerk"
