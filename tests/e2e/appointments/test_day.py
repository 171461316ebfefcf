"""A booked visitor's day through a real hub: book the slot under way, check in at the
kiosk after three walk-ins took their tickets, and be called before all three."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support.api import Api

from .conftest import id_number


def test_checked_in_visitor_is_called_before_three_older_walk_ins(all_day_hub):
    url = all_day_hub.url
    api = Api(url)
    center = api.get("/center").json()
    matter = next(m["id"] for m in center["matters"] if m["queue_id"] == "tax")
    window = next(w["id"] for w in center["windows"] if w["queue_ids"] == ["tax"])
    slots = api.get("/appointments/slots", params={"matter_id": matter}).json()
    now = datetime.now().astimezone()
    current = [s for s in slots if datetime.fromisoformat(s["start"]) <= now]
    if not current:
        pytest.skip("the last half hour of the day has no slot under way")
    slot = current[0]
    booked = api.post("/appointments", {"matter_id": matter, "start": slot["start"], "name": "赵六",
                                        "id_number": id_number(5), "phone": "13700002222"})
    assert booked.status_code == 201, booked.text
    kiosk = Api.kiosk(url)
    walk_ins = [kiosk.issue(matter) for _ in range(3)]
    checked = kiosk.post("/kiosk/check-in", {"code": booked.json()["code"], "print": False})
    assert checked.status_code == 201, checked.text
    ticket = checked.json()
    assert ticket["appointment"] == {"code": booked.json()["code"], "start": slot["start"],
                                     "end": slot["end"]}
    assert ticket["ahead"] == 0  # the place in line already says it goes first
    again = kiosk.post("/kiosk/check-in", {"id_number": id_number(5), "print": False})
    assert again.status_code == 200 and again.json()["id"] == ticket["id"]
    assert api.get(f"/appointments/{booked.json()['token']}").json()["status"] == "checked_in"

    admin = Api(url).login("admin")
    assert admin.post("/users", {"username": "booking-clerk", "password": "booking-pass",
                                 "role": "clerk"}).status_code == 201
    clerk = Api(url).login("booking-clerk", "booking-pass")
    assert clerk.post(f"/windows/{window}/open").status_code == 200
    order = []
    for _ in range(4):
        called = clerk.post(f"/windows/{window}/call-next")
        assert called.status_code == 200, called.text
        order.append(called.json()["id"])
        assert clerk.post(f"/windows/{window}/finish", {"outcome": "completed"}).status_code == 200
    assert order == [ticket["id"], *[t["id"] for t in walk_ins]]
    first = api.get(f"/tickets/{ticket['token']}").json()
    assert first["appointment"]["code"] == booked.json()["code"]
