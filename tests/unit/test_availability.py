"""When nobody serves a queue: no estimate, and the next opening from the hours."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from server.queueing.availability import next_opening, no_window_open
from server.queueing.estimate import QueueLoad
from server.queueing.hours import ServiceHours

TZ = ZoneInfo("Asia/Shanghai")
HOURS = ServiceHours.parse(["09:00-12:00", "14:00-17:30"])
HOLIDAY = date(2026, 10, 1)


def weekdays(day: date) -> bool:
    return day.weekday() < 5 and day != HOLIDAY


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def test_a_queue_without_a_clerk_has_no_window_open():
    assert no_window_open(QueueLoad("q", open_windows=0, total_windows=8, busy_windows=0, service_s=300))
    assert not no_window_open(QueueLoad("q", 0, 8, 0, 300, paused_windows=1))  # coming back
    assert not no_window_open(QueueLoad("q", 1, 8, 1, 300))


def test_the_next_opening_follows_the_hours_and_the_working_days():
    assert next_opening(HOURS, at(1, 7, 30), weekdays) == at(1, 9)       # Tuesday morning
    assert next_opening(HOURS, at(1, 10), weekdays) is None              # open, only nobody there
    assert next_opening(HOURS, at(1, 12, 30), weekdays) == at(1, 14)     # lunch
    assert next_opening(HOURS, at(4, 18), weekdays) == at(7, 9)          # Friday evening → Monday
    assert next_opening(HOURS, at(30, 18, month=9), weekdays) == at(2, 9, month=10)  # holiday
    assert next_opening(ServiceHours(), at(1, 7), weekdays) is None


def test_a_number_is_read_the_way_it_is_typed():
    from server.queueing.numbering import read_number

    assert read_number("b2") == "B002"
    assert read_number(" B 0002 ") == "B002"
    assert read_number("hz12") == "HZ012"
    assert read_number("B1234") == "B1234"
    assert read_number("Z") == "Z"
