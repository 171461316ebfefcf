"""A booking made on the provincial platform, through a real hub process: the partner books
and looks it up signed, the visitor checks in at the kiosk, is called and served, the
partner hands in the rating and exports it; the simulator hears every step, in order."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from server.services.feedback.figures import EXPORT_FIELDS
from tests.e2e.appointments.conftest import id_number
from tests.support.api import Api

from .conftest import register

MATTER = "hukou-move-in"  # the police queue, window w16 of the demo's clerk1


def events_of(simulator, token: str, ticket_id: int | None) -> list[tuple[str, str]]:
    """(type, what) of the accepted webhooks of one booking, in the order they arrived."""
    seen = []
    for got in simulator.accepted():
        data = got.body["data"]
        if got.body["type"] == "appointment.changed" and data["appointment"]["token"] == token:
            seen.append(("appointment.changed", data["appointment"]["status"]))
        elif got.body["type"] == "ticket.changed" and data["ticket"]["id"] == ticket_id:
            seen.append(("ticket.changed", data["ticket"]["status"]))
        elif got.body["type"] == "rating.created" and data["rating"]["ticket_id"] == ticket_id:
            seen.append(("rating.created", str(data["rating"]["level"])))
    return seen


def test_a_partners_booking_from_booking_to_rating(partner_hub, simulator):
    created, partner = register(partner_hub.url, simulator)
    slots = partner.request("GET", f"/appointments/slots?matter_id={MATTER}")
    assert slots.status_code == 200, slots.text
    now = datetime.now().astimezone()
    under_way = [s for s in slots.json() if datetime.fromisoformat(s["start"]) <= now]
    if not under_way:
        pytest.skip("the last half hour of the day has no slot under way")
    booking = partner.request("POST", "/appointments", {
        "matter_id": MATTER, "start": under_way[0]["start"], "name": "李四", "id_number": id_number(41),
        "phone": "13900001111", "idempotency_key": "ywtb-booking-41"})
    assert booking.status_code == 201, booking.text
    booked = booking.json()
    assert (booked["status"], booked["name_masked"], booked["phone_masked"]) == ("booked", "李*", "139****1111")
    looked = partner.request("GET", f"/appointments/{booked['token']}")
    assert looked.status_code == 200 and looked.json()["code"] == booked["code"]

    checked = Api.kiosk(partner_hub.url).post("/kiosk/check-in", {"code": booked["code"], "print": False})
    assert checked.status_code == 201, checked.text
    ticket = checked.json()
    clerk = Api.clerk(partner_hub.url, "clerk1")
    assert clerk.post("/windows/w16/open").status_code == 200
    assert clerk.post("/windows/w16/call-next").json()["id"] == ticket["id"]
    assert clerk.post("/windows/w16/start").status_code == 200
    assert clerk.post("/windows/w16/finish", {"outcome": "completed"}).status_code == 200
    rated = partner.request("POST", f"/tickets/{ticket['token']}/rating", {"level": 4})
    assert rated.status_code == 201 and rated.json()["channel"] == "partner", rated.text

    want = [("appointment.changed", "booked"), ("appointment.changed", "checked_in"),
            ("ticket.changed", "waiting"), ("ticket.changed", "called"), ("ticket.changed", "serving"),
            ("ticket.changed", "done"), ("rating.created", "4")]
    got = simulator.wait_for(lambda sim: (lambda seen: seen if len(seen) >= len(want) else None)(
        events_of(sim, booked["token"], ticket["id"])))
    assert got == want
    [rating_hook] = [r.body for r in simulator.accepted() if r.body["type"] == "rating.created"]
    assert list(rating_hook["data"]["rating"]) == list(EXPORT_FIELDS)

    # The same row in the export, for the provincial 好差评 system: JSON and CSV, signed.
    day = ticket["issued_at"][:10]
    exported = partner.request("GET", f"/ratings/export?from={day}&to={day}")
    assert exported.status_code == 200, exported.text
    assert exported.json() == [rating_hook["data"]["rating"]]
    as_csv = partner.request("GET", f"/ratings/export?from={day}&to={day}&format=csv")
    assert as_csv.status_code == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert (row["ticket_id"], row["level"], row["channel"]) == (str(ticket["id"]), "4", "partner")
    assert Api(partner_hub.url).get(f"/ratings/export?from={day}&to={day}").status_code == 401

    # A later booking the partner cancels: its own appointment.changed.
    later = [s for s in slots.json() if datetime.fromisoformat(s["start"]) > now + timedelta(hours=3)]
    if later:
        other = partner.request("POST", "/appointments", {
            "matter_id": MATTER, "start": later[-1]["start"], "name": "王五", "id_number": id_number(42),
            "phone": "13900002222"}).json()
        cancelled = partner.request("POST", f"/appointments/{other['token']}/cancel")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert simulator.wait_for(lambda sim: events_of(sim, other["token"], None) == [
            ("appointment.changed", "booked"), ("appointment.changed", "cancelled")])

    admin = Api(partner_hub.url).login("admin")
    listed = admin.get(f"/partners/{created['id']}/deliveries").json()
    assert {d["type"] for d in listed} == {"appointment.changed", "ticket.changed", "rating.created"}
    assert all(d["status"] == "delivered" for d in listed)
