"""A whole waiting line's estimates at once (the publisher's fan-out) give exactly what
``estimate_wait_s`` gives ticket by ticket."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from server.queueing.estimate import QueueLoad, estimate_wait_s, wait_estimator
from server.queueing.hours import ServiceHours

TZ = ZoneInfo("Asia/Shanghai")
HOURS = (ServiceHours(), ServiceHours.parse(["09:00-12:00", "14:00-17:30"]),
         ServiceHours.parse(["08:30-11:45"]), ServiceHours.parse(["00:00-01:00", "09:00-10:00", "13:00-23:59"]))
START = datetime(2026, 3, 2, tzinfo=TZ)


@settings(max_examples=300, deadline=None)
@given(hours=st.sampled_from(HOURS), minute=st.integers(0, 24 * 60 - 1), seconds=st.integers(0, 59),
       open_windows=st.integers(0, 6), paused=st.integers(0, 2), total=st.integers(0, 8),
       busy=st.integers(0, 6), service_s=st.floats(1, 3000, allow_nan=False))
def test_the_line_at_once_is_the_tickets_one_by_one(hours, minute, seconds, open_windows, paused, total,
                                                    busy, service_s):
    now = START + timedelta(minutes=minute, seconds=seconds)
    load = QueueLoad("q", open_windows, total, busy, service_s, paused)
    wait = wait_estimator(load, now=now, hours=hours)
    for ahead in (*range(40), 500, 1999):
        assert wait(ahead) == estimate_wait_s(ahead, load, now=now, hours=hours)


def test_without_hours_or_time_the_work_alone():
    load = QueueLoad("q", 2, 4, 2, 300.0)
    assert [wait_estimator(load)(a) for a in range(5)] == [estimate_wait_s(a, load) for a in range(5)]


def test_the_wall_clock_of_a_start_is_wall_seconds():
    hall = HOURS[1]
    for hour in (7, 9, 11, 12, 13, 17, 18, 23):
        start = START.replace(hour=hour, minute=40)
        wall = hall.wall_clock(start)
        for work in (-5.0, 0.0, 1.0, 600.0, 1200.0, 2400.0, 10_800.0, 50_000.0, 400_000.0):
            assert wall(work) == hall.wall_seconds(start, work)
