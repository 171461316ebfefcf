"""Wait estimates, ticket numbers and the service day."""

from datetime import UTC, date, datetime

import pytest

from server.queueing.clock import ManualClock
from server.queueing.estimate import (
    DEFAULT_SERVICE_S,
    QueueLoad,
    estimate_wait_s,
    mean_service_s,
    naive_estimate_s,
)
from server.queueing.numbering import format_number, service_day


def load(open_windows=2, busy=2, total=4, service_s=300.0):
    return QueueLoad("police", open_windows, total, busy, service_s)


def test_estimate_grows_with_people_ahead_and_shrinks_with_open_windows():
    assert estimate_wait_s(0, load(busy=2)) == 100  # the first of two busy windows: 300/3
    assert estimate_wait_s(4, load(busy=2)) == 4 * 300 / 2 + 100
    assert estimate_wait_s(4, load(open_windows=4, busy=4)) < estimate_wait_s(4, load(busy=2))


def test_free_window_means_no_residual_wait():
    assert estimate_wait_s(0, load(open_windows=2, busy=1)) == 0


def test_no_open_window_assumes_the_queues_windows_open():
    assert estimate_wait_s(8, load(open_windows=0, busy=0, total=4)) == 8 * 300 / 4 + 60


def test_mean_service_uses_recent_samples_then_fallbacks():
    assert mean_service_s([100, 200, 300], 600) == 200
    assert mean_service_s([], 420) == 420
    assert mean_service_s([], None) == DEFAULT_SERVICE_S
    assert mean_service_s([10.0] * 5 + [1000.0] * 20, None) == 1000.0  # only the last 20


def test_naive_estimate():
    assert naive_estimate_s(6, 300, 3) == 600
    assert naive_estimate_s(6, 300, 0) == 1800


@pytest.mark.parametrize(("prefix", "sequence", "expected"),
                         [("B", 7, "B007"), ("QD", 12, "QD012"), ("S", 999, "S999"), ("S", 1000, "S1000")])
def test_number_format(prefix, sequence, expected):
    assert format_number(prefix, sequence) == expected


def test_number_sequence_must_be_positive():
    with pytest.raises(ValueError):
        format_number("B", 0)


def test_service_day_is_the_centers_local_date():
    late_utc = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 00:30 on 2 March in Shanghai
    assert service_day(late_utc, "Asia/Shanghai") == date(2026, 3, 2)
    assert service_day(late_utc, "UTC") == date(2026, 3, 1)
    with pytest.raises(ValueError):
        service_day(datetime(2026, 3, 1), "UTC")


def test_manual_clock_moves_only_when_told():
    clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    assert clock.now() == clock.now()
    clock.advance(minutes=5)
    assert clock.now() == datetime(2026, 3, 2, 1, 5, tzinfo=UTC)
    with pytest.raises(ValueError):
        ManualClock(datetime(2026, 3, 2))


def test_paused_windows_still_count_as_capacity():
    lunch = QueueLoad("police", open_windows=0, total_windows=8, busy_windows=0, service_s=300.0,
                      paused_windows=4)
    assert estimate_wait_s(8, lunch) == 8 * 300 / 4 + 60


def test_estimate_runs_through_the_opening_hours():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from server.queueing.hours import ServiceHours

    hours = ServiceHours.parse(["09:00-12:00", "14:00-17:30"])
    tz = ZoneInfo("Asia/Shanghai")
    before_lunch = datetime(2026, 3, 2, 11, 50, tzinfo=tz)
    work = estimate_wait_s(4, load(busy=2))  # 700 s of service time
    assert estimate_wait_s(4, load(busy=2), now=before_lunch, hours=hours) == work + 2 * 3600
    morning = datetime(2026, 3, 2, 10, 0, tzinfo=tz)
    assert estimate_wait_s(4, load(busy=2), now=morning, hours=hours) == work


def test_one_estimate_is_the_whole_lines_rule():
    """A ticket's estimate (``estimate_wait_s``, ``ServiceHours.wall_seconds``, worked out
    for one work alone) is exactly what the line's rule (``wait_estimator``,
    ``wall_clock``) gives: any hours, any moment of the day (before opening, in a break,
    after closing), any load, any work, including none."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from server.queueing.estimate import wait_estimator
    from server.queueing.hours import ServiceHours

    tz = ZoneInfo("Asia/Shanghai")
    minutes = st.lists(st.integers(0, 24 * 60 - 1), min_size=0, max_size=6, unique=True)
    loads = st.builds(QueueLoad, st.just("q"), st.integers(0, 6), st.integers(0, 8), st.integers(0, 6),
                      st.floats(1.0, 3600.0), st.integers(0, 3))

    @settings(max_examples=400, deadline=None)
    @given(minutes, st.integers(0, 24 * 3600 - 1), st.integers(0, 999_999), st.integers(0, 500),
           st.floats(-100.0, 200_000.0), loads)
    def check(bounds, second, micro, ahead, work, queue_load):
        bounds = sorted(bounds)
        periods = tuple((time(a // 60, a % 60), time(b // 60, b % 60))
                        for a, b in zip(bounds[::2], bounds[1::2], strict=False))
        hours = ServiceHours(periods)
        start = datetime(2026, 3, 2, tzinfo=tz) + timedelta(seconds=second, microseconds=micro)
        assert hours.wall_seconds(start, work) == hours.wall_clock(start)(work)
        assert (estimate_wait_s(ahead, queue_load, now=start, hours=hours)
                == wait_estimator(queue_load, now=start, hours=hours)(ahead))
        assert estimate_wait_s(ahead, queue_load) == wait_estimator(queue_load)(ahead)

    check()
