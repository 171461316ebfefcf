"""The working calendar across the 2026 and 2027 Spring Festival and National Day weeks.

2026 comes from the chinese-calendar package; it does not know 2027 (yet), so 2027 is
covered by the center file's own ``calendar`` overrides and by the "unknown year"
warning. The 2027 days below are a hall's own arrangement for the test, not an official one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from server.holiday_source import calendar_warnings, national_holidays
from server.queueing.hours import ServiceHours
from server.queueing.working_days import CalendarOverrides, HolidayData, WorkingCalendar

TZ = ZoneInfo("Asia/Shanghai")
NATIONAL = national_holidays()
PLAIN = WorkingCalendar(NATIONAL)
HALL_HOURS = ServiceHours.parse(["09:00-12:00", "14:00-17:30"])
OWN_2027 = CalendarOverrides(
    holidays=(date(2027, 1, 1), *(date(2027, 2, d) for d in (5, 8, 9, 10, 11)),
              *(date(2027, 10, d) for d in (1, 4, 5, 6, 7))),
    workdays=(date(2027, 2, 20), date(2027, 9, 26), date(2027, 10, 9)),
)


def local(y, m, d, hour=10, minute=0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=TZ)


def end_of(y, m, d, hour=23, minute=59, second=59) -> datetime:
    return datetime(y, m, d, hour, minute, second, tzinfo=TZ)


def test_the_package_knows_2026_and_not_2027():
    assert 2026 in NATIONAL.years and 2027 not in NATIONAL.years
    assert NATIONAL.source.startswith("chinese-calendar")


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 2, 13), True),   # Friday before the Spring Festival
    (date(2026, 2, 14), True),   # Saturday, make-up working day (调休)
    (date(2026, 2, 16), False),  # Monday in the holiday
    (date(2026, 2, 23), False),  # Monday, last day of the holiday
    (date(2026, 2, 24), True),
    (date(2026, 2, 28), True),   # Saturday, make-up working day
    (date(2026, 3, 1), False),   # an ordinary Sunday
    (date(2026, 9, 20), True),   # Sunday, make-up working day before National Day
    (date(2026, 10, 1), False),
    (date(2026, 10, 7), False),  # Wednesday, still National Day
    (date(2026, 10, 8), True),
    (date(2026, 10, 10), True),  # Saturday, make-up working day
    (date(2026, 10, 11), False),
])
def test_2026_days(day, working):
    assert PLAIN.is_working_day(day) is working


def test_spring_festival_2026_five_working_days_from_the_friday_before():
    # Sat 14 (make-up) = 1, holiday to Mon 23, then Tue 24 .. Fri 27 = 2..5
    assert PLAIN.deadline(local(2026, 2, 13), 5, TZ) == end_of(2026, 2, 27)


def test_fifteen_working_days_over_the_spring_festival_2026():
    assert PLAIN.add_working_days(date(2026, 2, 12), 15) == date(2026, 3, 11)
    assert PLAIN.working_days_between(date(2026, 2, 12), date(2026, 3, 11)) == 15


def test_national_day_2026_ends_at_the_last_opening_period():
    hall = WorkingCalendar(NATIONAL, hours=HALL_HOURS)
    # Oct 8 = 1, Oct 9 = 2, Sat Oct 10 (make-up) = 3, at 17:30 when the hall closes
    assert hall.deadline(local(2026, 9, 30, 16), 3, TZ) == end_of(2026, 10, 10, 17, 30, 0)
    assert hall.deadline(local(2026, 9, 24), 1, TZ) == end_of(2026, 9, 28, 17, 30, 0)


def test_the_moment_counts_in_the_centers_zone():
    # 17:00 UTC on Sep 29 is 01:00 on Sep 30 in Xining: the count starts from Sep 30
    assert PLAIN.deadline(datetime(2026, 9, 29, 17, tzinfo=UTC), 1, TZ) == end_of(2026, 10, 8)
    assert PLAIN.deadline(datetime(2026, 9, 29, 15, tzinfo=UTC), 1, TZ) == end_of(2026, 9, 30)


def test_zero_working_days_is_the_same_day_and_a_naive_moment_is_refused():
    assert PLAIN.deadline(local(2026, 10, 3), 0, TZ) == end_of(2026, 10, 3)
    with pytest.raises(ValueError):
        PLAIN.deadline(datetime(2026, 10, 3, 10), 1, TZ)
    with pytest.raises(ValueError):
        PLAIN.add_working_days(date(2026, 10, 3), -1)


def test_2027_unknown_counts_weekdays_only_and_is_reported():
    assert PLAIN.unknown_years([2026, 2027]) == [2027]
    # Spring Festival 2027 (Feb 6) is invisible without the center's overrides
    assert PLAIN.add_working_days(date(2027, 2, 4), 3) == date(2027, 2, 9)
    warnings = calendar_warnings(PLAIN, date(2026, 12, 1))
    assert len(warnings) == 1
    assert "2027" in warnings[0] and "2004-2026" in warnings[0]
    assert calendar_warnings(PLAIN, date(2026, 3, 1), years=[2026]) == []


def test_2027_spring_festival_through_the_center_file():
    own = WorkingCalendar(NATIONAL, OWN_2027)
    assert own.unknown_years([2026, 2027]) == []
    assert calendar_warnings(own, date(2026, 12, 1)) == []
    assert own.add_working_days(date(2027, 2, 4), 3) == date(2027, 2, 16)
    assert own.is_working_day(date(2027, 2, 20))  # a Saturday the center works
    assert own.add_working_days(date(2027, 2, 18), 2) == date(2027, 2, 20)


def test_2027_national_day_through_the_center_file():
    own = WorkingCalendar(NATIONAL, OWN_2027)
    assert own.is_working_day(date(2027, 9, 26))  # Sunday make-up day
    assert own.deadline(local(2027, 9, 30), 2, TZ) == end_of(2027, 10, 9)


def test_new_year_across_the_unknown_boundary():
    assert PLAIN.add_working_days(date(2026, 12, 30), 5) == date(2027, 1, 6)
    own = WorkingCalendar(NATIONAL, OWN_2027)
    assert own.add_working_days(date(2026, 12, 30), 5) == date(2027, 1, 7)


def test_center_overrides_win_over_the_national_data():
    own = WorkingCalendar(NATIONAL, CalendarOverrides(holidays=(date(2026, 3, 2),),
                                                      workdays=(date(2026, 2, 22),)))
    assert own.is_working_day(date(2026, 2, 22))  # works a Sunday of the Spring Festival
    assert not own.is_working_day(date(2026, 3, 2))  # a local holiday on a Monday
    assert own.add_working_days(date(2026, 2, 27), 2) == date(2026, 3, 3)


def test_without_any_data_every_weekday_works():
    bare = WorkingCalendar(HolidayData())
    assert bare.add_working_days(date(2026, 10, 1), 1) == date(2026, 10, 2)
    assert bare.unknown_years([2026]) == [2026]


def test_a_calendar_that_never_works_is_refused_not_looped():
    every_day = tuple(date.fromordinal(date(2026, 1, 1).toordinal() + i) for i in range(3700))
    closed = WorkingCalendar(HolidayData(), CalendarOverrides(holidays=every_day))
    with pytest.raises(ValueError):
        closed.add_working_days(date(2026, 1, 1), 1)
