"""``appointment.changed`` and ``rating.created`` through the real services on SQLite and
PostgreSQL: each row in the change's own transaction, to the partner that booked, one
booking's rows (appointment, its ticket, the rating) in one order."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from server.db.repositories.outbox import Outbox
from server.db.tables import tickets as ticket_rows
from server.queueing.actors import Actor
from server.services.booking import appointments, checkin, closures, housekeeping
from server.services.counter import windows
from server.services.feedback import ratings
from server.services.feedback.figures import EXPORT_FIELDS
from server.services.issuing import tickets
from server.services.partners import access
from server.services.partners.access import Partners
from server.services.partners.secret_box import SecretBox
from tests.integration.appointments.conftest import booking_center
from tests.integration.appointments.test_booking import first_slot, id_number

from .conftest import FAST
from .test_outbox import count, drain, rows

KIOSK = Actor("device", "1", "kiosk", "kiosk")
MANAGER = Actor("user", "1", "manager", "manager")


@pytest.fixture
def hall(make_hub, simulator):
    """A hall taking appointments, a partner whose webhooks go to the simulator, and the
    first bookable slot of the tax queue."""
    hub = make_hub(booking_center())
    hub.settings.secret_key = "test-secret"
    hub.partners = Partners(SecretBox("testing"), FAST, hub_name="hub-a")
    created = access.create_partner(hub, name="青海省一网通办", webhook_url=simulator.url)
    simulator.key, simulator.secrets = created["key"], [created["secret"]]
    matter = next(m.id for m in hub.center.matters.values() if m.queue_id == "tax")
    return hub, created, matter


def book(hub, matter, start, n, partner=None):
    return appointments.book(hub, matter_id=matter, start=datetime.fromisoformat(start), name="张三丰",
                             id_number=id_number(n), phone="13812345678",
                             channel="partner" if partner else "web",
                             device_id=str(partner["id"]) if partner else None)[0]


def changes(hub, key):
    return [(r["type"], r["data"]["changes"] if "changes" in r["data"] else None)
            for r in rows(hub) if r["object_key"] == key]


def test_every_change_of_a_partners_booking_writes_its_row_in_order(hall, clock, clerk_actor, simulator):
    hub, partner, matter = hall
    slot = first_slot(hub, matter)
    book(hub, matter, slot["start"], 1)  # a booking on the hall's own page: no partner to tell
    assert rows(hub) == []

    booked = book(hub, matter, slot["start"], 2, partner)
    [row] = rows(hub)
    assert (row["type"], row["partner_id"]) == ("appointment.changed", partner["id"])
    key = row["object_key"]
    assert key.startswith("appointment:") and row["data"]["changes"] == ["booked"]
    assert row["data"]["appointment"] == appointments.get_appointment(hub, booked["token"])
    assert "张三丰" not in str(row["data"]) and id_number(2) not in str(row["data"])

    # Cancelled by the visitor, by the hall closing the slot, missed: one row each.
    cancelled = book(hub, matter, first_slot(hub, matter, day_index=2)["start"], 3, partner)
    appointments.cancel(hub, cancelled["token"])
    closed_slot = first_slot(hub, matter, day_index=3)
    closed = book(hub, matter, closed_slot["start"], 4, partner)
    closures.close(hub, MANAGER, day=datetime.fromisoformat(closed_slot["start"]).date(),
                   start=datetime.fromisoformat(closed_slot["start"]), reason="系统维护")
    by_key = {r["data"]["appointment"]["token"]: r["object_key"] for r in rows(hub)}
    assert changes(hub, by_key[cancelled["token"]])[-1] == ("appointment.changed", ["cancelled"])
    last = [r for r in rows(hub) if r["object_key"] == by_key[closed["token"]]][-1]
    assert last["data"]["changes"] == ["cancelled"]
    assert last["data"]["appointment"]["cancel_reason"] == "系统维护"

    # Checked in, called, served, rated: one chain of rows under the appointment's key.
    start = datetime.fromisoformat(slot["start"])
    clock.set(start - timedelta(minutes=10))
    ticket, _ = checkin.check_in(hub, KIOSK, code=booked["code"], device_id="999")
    clerk = clerk_actor()
    window = hub.center.windows_of_queue("tax")[0].id
    windows.open_window(hub, window, clerk)
    clock.set(start + timedelta(minutes=1))
    windows.call_next(hub, window, clerk)
    windows.start_service(hub, window, clerk)
    windows.finish(hub, window, clerk, "completed")
    rated = ratings.rate_ticket(hub, ticket["token"], level=2, reasons=None, comment="太慢",
                                partner=access.PartnerIdentity(partner["id"], partner["name"]))
    assert rated["channel"] == "partner"
    assert changes(hub, key) == [
        ("appointment.changed", ["booked"]), ("appointment.changed", ["checked_in"]),
        ("ticket.changed", ["ticket_issued"]), ("ticket.changed", ["ticket_called"]),
        ("ticket.changed", ["service_started"]), ("ticket.changed", ["ticket_finished"]),
        ("rating.created", None)]
    rating = [r for r in rows(hub) if r["type"] == "rating.created"][0]["data"]["rating"]
    assert list(rating) == list(EXPORT_FIELDS)
    assert (rating["ticket_id"], rating["level"], rating["level_name"], rating["channel"]) == (
        ticket["id"], 2, "不满意", "partner")
    assert rating["rectification_status"] == "open" and rating["rectification_id"]

    # A walk-in's ticket and its rating are none of the partner's business.
    before = len(rows(hub))
    walk_in = tickets.issue_ticket(hub, matter_id=matter, actor=KIOSK, device_id="999")[0]
    windows.call_next(hub, window, clerk)
    windows.finish(hub, window, clerk, "completed")
    ratings.rate_ticket(hub, walk_in["token"], level=5)
    assert len(rows(hub)) == before

    # Missed: the housekeeping's move writes the partner's row too.
    missed = book(hub, matter, first_slot(hub, matter, day_index=4)["start"], 5, partner)
    clock.set(datetime.fromisoformat(missed["end"]) + timedelta(minutes=16))
    assert housekeeping.mark_missed(hub) == 2  # and the web booking of the first slot
    missed_key = next(r["object_key"] for r in rows(hub)
                      if r["data"].get("appointment", {}).get("token") == missed["token"])
    assert changes(hub, missed_key)[-1] == ("appointment.changed", ["missed"])

    # Delivered in that order, whatever else is due.
    drain(hub, clock, simulator, lambda sim: len(sim.accepted()) == len(rows(hub)))
    chain = [r["event_id"] for r in rows(hub) if r["object_key"] == key]
    assert [r.body["id"] for r in simulator.accepted() if r.body["id"] in chain] == chain


def test_a_check_in_whose_row_fails_issues_no_ticket(hall, clock, monkeypatch):
    hub, partner, matter = hall
    slot = first_slot(hub, matter)
    booked = book(hub, matter, slot["start"], 6, partner)
    clock.set(datetime.fromisoformat(slot["start"]) - timedelta(minutes=10))

    def broken(self, *args, **kwargs):
        raise RuntimeError("the outbox insert failed")

    monkeypatch.setattr(Outbox, "_insert", broken)
    with pytest.raises(RuntimeError):
        checkin.check_in(hub, KIOSK, code=booked["code"])
    monkeypatch.undo()
    assert appointments.get_appointment(hub, booked["token"])["status"] == "booked"
    assert count(hub, ticket_rows) == 0
    assert [r["data"]["changes"] for r in rows(hub)] == [["booked"]]
    ticket, created = checkin.check_in(hub, KIOSK, code=booked["code"])  # the next try works
    assert created and appointments.get_appointment(hub, booked["token"])["ticket_id"] == ticket["id"]
    assert [r["data"]["changes"] for r in rows(hub)] == [["booked"], ["checked_in"], ["ticket_issued"]]
