"""Check-in through the services: too early, on time (a ticket carrying the slot, called
before older walk-ins once the slot has begun), again (the same ticket), missed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from server.queueing.actors import Actor
from server.queueing.booking_errors import (
    AppointmentMissedError,
    AppointmentNotFoundError,
    TooEarlyError,
)
from server.services.booking import appointments, checkin, figures
from server.services.counter import windows
from server.services.issuing import tickets

from .test_booking import book, first_slot, id_number

KIOSK = Actor("device", "1", "kiosk")


def test_check_in_then_called_before_three_older_walk_ins(booking_hub, matter_id, clock, clerk_actor):
    slot = first_slot(booking_hub, matter_id)
    start = datetime.fromisoformat(slot["start"])
    booked, _ = book(booking_hub, matter_id, slot["start"], 1)
    clock.set(start - timedelta(minutes=31))
    with pytest.raises(TooEarlyError, match="opens at") as early:
        checkin.check_in(booking_hub, KIOSK, code=booked["code"])
    opens = (start - timedelta(minutes=30)).isoformat()  # check_in_early_minutes of the demo hall
    assert early.value.to_dict()["details"] == {"opens": opens}
    clock.set(start - timedelta(minutes=20))
    walk_ins = [tickets.issue_ticket(booking_hub, matter_id=matter_id, actor=KIOSK)[0] for _ in range(3)]
    ticket, created = checkin.check_in(booking_hub, KIOSK, id_number=id_number(1))
    assert created and ticket["appointment"] == {"code": booked["code"], "start": slot["start"],
                                                 "end": slot["end"]}
    again, created_again = checkin.check_in(booking_hub, KIOSK, code=booked["code"])
    assert not created_again and again["id"] == ticket["id"]
    assert appointments.get_appointment(booking_hub, booked["token"])["status"] == "checked_in"
    window = booking_hub.center.windows_of_queue("tax")[0].id
    clerk = clerk_actor()
    windows.open_window(booking_hub, window, clerk)
    clock.set(start + timedelta(minutes=1))  # the slot has begun
    called = windows.call_next(booking_hub, window, clerk)
    assert called["id"] == ticket["id"] and called["appointment"]["code"] == booked["code"]
    windows.finish(booking_hub, window, clerk, "completed")
    clock.advance(300)
    assert windows.call_next(booking_hub, window, clerk)["id"] == walk_ins[0]["id"]
    seen = tickets.get_ticket(booking_hub, walk_ins[0]["token"])
    assert seen["appointment"] is None
    [tax] = figures.day_figures(booking_hub, start.date())
    assert (tax["queue_id"], tax["bookings"], tax["checked_in"], tax["booked"]) == ("tax", 1, 1, 0)
    assert tax["booked_wait_s"] == 21 * 60 and tax["walk_in_wait_s"] == 26 * 60


def test_before_its_slot_a_checked_in_ticket_waits_in_line(booking_hub, matter_id, clock, clerk_actor):
    slot = first_slot(booking_hub, matter_id)
    start = datetime.fromisoformat(slot["start"])
    booked, _ = book(booking_hub, matter_id, slot["start"], 1)
    clock.set(start - timedelta(minutes=20))
    walk_in = tickets.issue_ticket(booking_hub, matter_id=matter_id, actor=KIOSK)[0]
    checkin.check_in(booking_hub, KIOSK, code=booked["code"])
    window = booking_hub.center.windows_of_queue("tax")[0].id
    clerk = clerk_actor()
    windows.open_window(booking_hub, window, clerk)
    assert windows.call_next(booking_hub, window, clerk)["id"] == walk_in["id"]


def test_missed_unknown_and_cancelled(booking_hub, matter_id, clock):
    slot = first_slot(booking_hub, matter_id)
    booked, _ = book(booking_hub, matter_id, slot["start"], 1)
    with pytest.raises(AppointmentNotFoundError):
        checkin.check_in(booking_hub, KIOSK, code="00000000")
    with pytest.raises(AppointmentNotFoundError):
        checkin.check_in(booking_hub, KIOSK, id_number=id_number(2))
    clock.set(datetime.fromisoformat(slot["end"]) + timedelta(minutes=16))
    with pytest.raises(AppointmentMissedError) as missed:
        checkin.check_in(booking_hub, KIOSK, code=booked["code"])
    assert missed.value.to_dict()["details"] == {"slot_end": slot["end"]}
    other = first_slot(booking_hub, matter_id, day_index=1)
    cancelled, _ = book(booking_hub, matter_id, other["start"], 3)
    appointments.cancel(booking_hub, cancelled["token"])
    with pytest.raises(AppointmentNotFoundError, match="cancelled"):
        checkin.check_in(booking_hub, KIOSK, code=cancelled["code"])
