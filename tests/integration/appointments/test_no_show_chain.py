"""The no-show chain through the services with the controllable clock, past what
test_booking.py covers: a missed appointment is refused at the kiosk as missed, strikes
older than ``strike_window_days`` do not count, and a block ends by itself after
``block_days``."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from server.queueing.actors import Actor
from server.queueing.booking_errors import AppointmentMissedError, BookingBlockedError
from server.services.booking import appointments, checkin, housekeeping

from .test_booking import book, first_slot

KIOSK = Actor("device", "kiosk-1", "kiosk")


def miss(hub, matter_id, clock, n) -> dict:
    slot = first_slot(hub, matter_id, day_index=1)
    answer, _ = book(hub, matter_id, slot["start"], n)
    clock.set(datetime.fromisoformat(slot["end"]) + timedelta(minutes=15, seconds=1))
    assert housekeeping.mark_missed(hub) == 1
    return answer


def test_missed_is_refused_at_the_kiosk_and_old_strikes_fall_out(booking_hub, matter_id, clock):
    first = miss(booking_hub, matter_id, clock, 31)
    with pytest.raises(AppointmentMissedError):
        checkin.check_in(booking_hub, KIOSK, code=first["code"])
    miss(booking_hub, matter_id, clock, 31)
    clock.set(clock.now() + timedelta(days=95))  # the first two strikes leave the window
    miss(booking_hub, matter_id, clock, 31)
    slot = first_slot(booking_hub, matter_id, day_index=1)
    assert book(booking_hub, matter_id, slot["start"], 31)[1]  # one strike in the window


def test_a_block_ends_by_itself_after_block_days(booking_hub, matter_id, clock):
    for _ in range(3):
        miss(booking_hub, matter_id, clock, 32)
    slot = first_slot(booking_hub, matter_id, day_index=1)
    with pytest.raises(BookingBlockedError) as blocked:
        book(booking_hub, matter_id, slot["start"], 32)
    until = datetime.fromisoformat(blocked.value.details["until"])
    clock.set(datetime(until.year, until.month, until.day, 12, tzinfo=booking_hub.tz) + timedelta(days=1))
    slot = first_slot(booking_hub, matter_id, day_index=1)
    answer, created = book(booking_hub, matter_id, slot["start"], 32)
    assert created and appointments.get_appointment(booking_hub, answer["token"])["status"] == "booked"
