"""A booked visitor's day through a real hub: book the slot under way, check in at the
kiosk after three walk-ins took their tickets, and be called before all three; and a
visitor who twice books and never comes, until bookings are blocked and a manager lifts
the block."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.api import Api
from tests.support.waiting import wait_until

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


def test_a_manager_closes_a_slot_and_the_visitor_sees_why(booking_hub):
    api = Api(booking_hub.url)
    matter = next(m["id"] for m in api.get("/center").json()["matters"] if m["queue_id"] == "tax")
    slots = api.get("/appointments/slots", params={"matter_id": matter}).json()
    slot = slots[-1]
    booked = api.post("/appointments", {"matter_id": matter, "start": slot["start"], "name": "钱七",
                                        "id_number": id_number(7), "phone": "13600003333"}).json()
    manager = Api(booking_hub.url).login("manager")
    assert Api(booking_hub.url).post("/appointments/closures", {
        "day": slot["start"][:10], "start": slot["start"], "reason": "系统维护"}).status_code == 401
    closed = manager.post("/appointments/closures", {"day": slot["start"][:10], "start": slot["start"],
                                                     "reason": "系统维护"})
    assert closed.status_code == 201 and closed.json()["cancelled"] == 1
    seen = api.get(f"/appointments/{booked['token']}").json()
    assert (seen["status"], seen["cancel_reason"]) == ("cancelled", "系统维护")
    again = api.post("/appointments", {"matter_id": matter, "start": slot["start"], "name": "钱七",
                                       "id_number": id_number(7), "phone": "13600003333"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "slot_unavailable"
    assert manager.get("/appointments/closures").json()[0]["reason"] == "系统维护"
    assert manager.get("/appointments/blocks").json() == []
    lifted = manager.post("/appointments/blocks/999/lift")
    assert lifted.status_code == 404 and lifted.json()["error"]["code"] == "block_not_found"
    bad = api.post("/appointments", {"matter_id": matter, "start": slots[0]["start"], "name": "钱七",
                                     "id_number": "630102199001010010", "phone": "13600003333"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_id_number"
    unknown = api.post("/appointments", {"matter_id": "nope", "start": slots[0]["start"], "name": "钱七",
                                         "id_number": id_number(8), "phone": "13600003333"})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_matter"


def book_the_slot_under_way(api: Api, matter: str, person: str):
    """Book the one-minute slot under way now: the answer to the first try whose slot had
    not ended by the time the hub saw it (a minute may turn between reading and booking;
    in the day's last minute no slot is under way: the wait rides over it)."""
    def attempt():
        slots = api.get("/appointments/slots", params={"matter_id": matter}).json()
        now = datetime.now().astimezone()
        current = [s for s in slots if datetime.fromisoformat(s["start"]) <= now < datetime.fromisoformat(s["end"])]
        if not current:
            return None
        answer = api.post("/appointments", {"matter_id": matter, "start": current[0]["start"], "name": "孙八",
                                            "id_number": person, "phone": "13500004444"})
        slot_ended = answer.status_code == 409 and answer.json()["error"]["code"] == "slot_unavailable"
        return None if slot_ended else (answer,)  # a tuple: a refused Response is falsy
    return wait_until(attempt, timeout=75, interval=0.5, what="a booking of the slot under way")[0]


def test_a_no_show_blocks_bookings_until_a_manager_lifts_the_block(no_show_hub):
    """The hub's own loop marks an unattended booking missed at the end of its slot: the
    strike blocks the person (403 with the date the block ends; a hall of one strike, so
    that the test waits for one slot, not two); the lift is logged with who did it, and
    booking works again."""
    url = no_show_hub.url
    api = Api(url)
    matter = next(m["id"] for m in api.get("/center").json()["matters"] if m["queue_id"] == "tax")
    person = id_number(30)
    manager = Api(url).login("manager")
    booked = book_the_slot_under_way(api, matter, person)
    assert booked.status_code == 201, booked.text
    token = booked.json()["token"]
    wait_until(lambda: api.get(f"/appointments/{token}").json()["status"] == "missed",
               timeout=90, what="the booking to be missed")
    blocks = manager.get("/appointments/blocks").json()
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert [b["until"] for b in blocks] == [(today + timedelta(days=30)).isoformat()]

    refused = book_the_slot_under_way(api, matter, person)
    assert refused.status_code == 403, refused.text
    error = refused.json()["error"]
    assert error["code"] == "booking_blocked" and blocks[0]["until"] in error["message"]
    assert error["details"] == {"until": blocks[0]["until"]}
    assert book_the_slot_under_way(api, matter, id_number(31)).status_code == 201  # others book

    assert Api(url).login("clerk1").post(f"/appointments/blocks/{blocks[0]['id']}/lift").status_code == 403
    lifted = manager.post(f"/appointments/blocks/{blocks[0]['id']}/lift")
    assert lifted.status_code == 200 and lifted.json() == {"id": blocks[0]["id"], "lifted": True}
    manager_id = manager.get("/auth/me").json()["id"]
    wait_until(lambda: f"user:{manager_id} lifted booking block {blocks[0]['id']}" in no_show_hub.output(),
               what="the lift in the hub's log")
    assert manager.get("/appointments/blocks").json() == []
    again = book_the_slot_under_way(api, matter, person)
    assert again.status_code == 201, again.text
    assert person not in no_show_hub.output()  # the ID number is never logged
