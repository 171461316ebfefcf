"""Appointment slots from the hours, the working calendar, the rules and each queue's
own ``per_slot``: across a holiday week with make-up working days, and closures."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.queueing.booking_errors import SlotUnavailableError
from server.queueing.center import Queue
from server.queueing.hours import ServiceHours
from server.queueing.rules import AppointmentRules
from server.queueing.slots import Closures, SlotPlan
from server.queueing.working_days import CalendarOverrides, HolidayData, WorkingCalendar

TZ = ZoneInfo("Asia/Shanghai")
HOURS = ServiceHours.parse(["09:00-12:00", "14:00-17:30"])
# National Day 2026: 1-7 October off, Sunday 27 September and Saturday 10 October worked.
NATIONAL = HolidayData(holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
                       workdays=frozenset({date(2026, 9, 27), date(2026, 10, 10)}),
                       years=frozenset({2026}), source="test")
CALENDAR = WorkingCalendar(NATIONAL, CalendarOverrides(holidays=(date(2026, 10, 12),)), HOURS)
RULES = AppointmentRules(enabled=True, days_ahead=5, slot_minutes=60, per_slot=4)
QUEUE = Queue(id="tax", name="税务", prefix="S")


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


def plan(**rules) -> SlotPlan:
    return SlotPlan(CALENDAR, AppointmentRules(**{**RULES.__dict__, **rules}), TZ, HOURS)


def test_a_day_has_whole_slots_inside_each_period():
    slots = plan().day_slots(date(2026, 9, 28))
    assert [f"{s.start:%H:%M}-{s.end:%H:%M}" for s in slots] == [
        "09:00-10:00", "10:00-11:00", "11:00-12:00",  # the lunch break has none
        "14:00-15:00", "15:00-16:00", "16:00-17:00"]  # 17:00-17:30 is too short for an hour
    half = plan(slot_minutes=30).day_slots(date(2026, 9, 28))
    assert len(half) == 6 + 7 and half[-1].end == at(date(2026, 9, 28), 17, 30)


def test_bookable_days_skip_the_holiday_week_and_take_the_make_up_saturday():
    now = at(date(2026, 9, 29), 10)  # a Tuesday
    assert plan().bookable_days(now) == [
        date(2026, 9, 29),  # today, while its slots last
        date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9),
        date(2026, 10, 10),  # a Saturday worked (调休)
        date(2026, 10, 13),  # Monday the 12th is the center's own holiday
    ]


def test_a_make_up_sunday_offers_slots_and_a_holiday_none():
    now = at(date(2026, 9, 25), 18)  # Friday evening
    days = dict(plan().offered_days(QUEUE, now))
    assert date(2026, 9, 27) in days and len(days[date(2026, 9, 27)]) == 6
    assert date(2026, 9, 26) not in days and date(2026, 10, 1) not in days
    assert days[date(2026, 9, 25)] == []  # today is a working day, but its slots are over
    with pytest.raises(SlotUnavailableError, match="not a working day"):
        plan().slot_at(QUEUE, at(date(2026, 10, 1), 9), now)


def test_today_offers_only_slots_that_have_not_ended():
    now = at(date(2026, 9, 28), 10, 30)
    today = plan().offered(QUEUE, date(2026, 9, 28), now)
    assert today[0].start == at(date(2026, 9, 28), 10)  # under way: still bookable until it ends
    assert plan().slot_at(QUEUE, at(date(2026, 9, 28), 10), now).end == at(date(2026, 9, 28), 11)
    with pytest.raises(SlotUnavailableError, match="ended|past"):
        plan().slot_at(QUEUE, at(date(2026, 9, 28), 9), now)


def test_too_far_ahead_odd_starts_and_closures_are_refused():
    now = at(date(2026, 9, 29), 10)
    with pytest.raises(SlotUnavailableError, match="5 working days ahead"):
        plan().slot_at(QUEUE, at(date(2026, 10, 14), 9), now)
    with pytest.raises(SlotUnavailableError, match="no slot begins at 09:30"):
        plan().slot_at(QUEUE, at(date(2026, 9, 30), 9, 30), now)
    closed = Closures(days=frozenset({date(2026, 10, 8)}),
                      slots=frozenset({at(date(2026, 10, 9), 14)}))
    assert plan().offered(QUEUE, date(2026, 10, 8), now, closed) == []
    assert at(date(2026, 10, 9), 14) not in [s.start for s in plan().offered(
        QUEUE, date(2026, 10, 9), now, closed)]
    with pytest.raises(SlotUnavailableError, match="closed"):
        plan().slot_at(QUEUE, at(date(2026, 10, 9), 14), now, closed)
    # The same moment written in UTC is the same slot.
    utc = at(date(2026, 9, 30), 9).astimezone(ZoneInfo("UTC"))
    assert plan().slot_at(QUEUE, utc, now).start == at(date(2026, 9, 30), 9)


def test_capacity_per_queue_and_bookings_off():
    assert plan().capacity(QUEUE) == 4
    assert plan().capacity(Queue(id="q", name="q", prefix="Q", per_slot=2)) == 2
    off = Queue(id="q", name="q", prefix="Q", per_slot=0)
    assert plan().capacity(off) == 0 and plan().offered(off, date(2026, 9, 30),
                                                        at(date(2026, 9, 29), 9)) == []
    with pytest.raises(SlotUnavailableError, match="takes no appointments"):
        plan().slot_at(off, at(date(2026, 9, 30), 9), at(date(2026, 9, 29), 9))
    assert plan(enabled=False).capacity(QUEUE) == 0


def test_a_center_without_hours_books_nine_to_five():
    bare = SlotPlan(WorkingCalendar(NATIONAL), RULES, TZ)
    slots = bare.day_slots(date(2026, 9, 28))
    assert (slots[0].start, slots[-1].end) == (at(date(2026, 9, 28), 9), at(date(2026, 9, 28), 17))
    assert slots[1].start - slots[0].start == timedelta(hours=1)


def test_a_queue_of_the_center_file_sets_its_own_per_slot():
    from server.center_file import center_to_document, parse_center
    from server.queueing.center_update import check_update
    from server.queueing.errors import CenterDefinitionError
    from tests.unit.test_center_file import SOURCE, small_document

    document = small_document()
    document["queues"][0]["per_slot"] = 0
    center = parse_center(document, SOURCE)
    first, second = center.queues.values()
    assert (first.per_slot, second.per_slot) == (0, None)
    assert center_to_document(center)["queues"][0]["per_slot"] == 0
    document["queues"][0]["per_slot"] = 2
    assert "changes per slot of queue" in " ".join(check_update(center, parse_center(document, SOURCE)))
    document["queues"][0]["per_slot"] = -1
    with pytest.raises(CenterDefinitionError, match=r"queues\[0\]\.per_slot: must be an integer >= 0"):
        parse_center(document, SOURCE)
