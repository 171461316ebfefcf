"""The center's working calendar: which days count when a deadline is N working days away.

A working day is Monday to Friday, less China's statutory holidays, plus the official
make-up working days on weekends (调休); the center file's ``calendar`` overrides both
(its ``holidays`` are never worked, its ``workdays`` always are). The national data is
passed in (``HolidayData``), so this module stays pure: ``server.holiday_source`` reads it
from the ``chinese-calendar`` package.

A deadline of N working days from a moment falls on the N-th working day after that
moment's local day, at the end of that day's last opening period (23:59:59 local time
when the center has no opening hours).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from .hours import ServiceHours

END_OF_DAY = time(23, 59, 59)
MAX_SEARCH_DAYS = 3660  # ten years: a calendar without any working day is refused, not looped


@dataclass(frozen=True)
class HolidayData:
    """National holidays and make-up working days, and the years they are known for."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()
    source: str = "none"


@dataclass(frozen=True)
class CalendarOverrides:
    """The center file's ``calendar`` section: days it closes and days it opens."""

    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()

    def years(self) -> frozenset[int]:
        return frozenset(day.year for day in (*self.holidays, *self.workdays))

    def to_texts(self) -> dict[str, list[str]]:
        return {"holidays": [d.isoformat() for d in self.holidays],
                "workdays": [d.isoformat() for d in self.workdays]}

    def __bool__(self) -> bool:
        return bool(self.holidays or self.workdays)


@dataclass(frozen=True)
class WorkingCalendar:
    data: HolidayData = HolidayData()
    overrides: CalendarOverrides = CalendarOverrides()
    hours: ServiceHours = ServiceHours()
    _closed: frozenset[date] = field(init=False, repr=False, compare=False)
    _opened: frozenset[date] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_closed", frozenset(self.overrides.holidays))
        object.__setattr__(self, "_opened", frozenset(self.overrides.workdays))

    def is_working_day(self, day: date) -> bool:
        if day in self._closed:
            return False
        if day in self._opened or day in self.data.workdays:
            return True
        if day in self.data.holidays:
            return False
        return day.weekday() < 5

    def knows_year(self, year: int) -> bool:
        """True when the national data covers the year, or the center file gives its own
        days for it (the operator typed that year's holidays into ``calendar``)."""
        return year in self.data.years or year in self.overrides.years()

    def unknown_years(self, years: Iterable[int]) -> list[int]:
        return sorted({year for year in years if not self.knows_year(year)})

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself never counts)."""
        if count < 0:
            raise ValueError("count must be >= 0")
        cursor, found = day, 0
        for _ in range(MAX_SEARCH_DAYS):
            if found == count:
                return cursor
            cursor += timedelta(days=1)
            if self.is_working_day(cursor):
                found += 1
        raise ValueError("the calendar has no working days within ten years")

    def working_days_between(self, first: date, last: date) -> int:
        """Working days after ``first`` up to and including ``last``."""
        count, cursor = 0, first
        while cursor < last:
            cursor += timedelta(days=1)
            count += self.is_working_day(cursor)
        return count

    def closing_time(self, day: date, tz: tzinfo) -> datetime:
        """The end of the day's last opening period, or 23:59:59, in ``tz``."""
        end = self.hours.periods[-1][1] if self.hours else END_OF_DAY
        return datetime.combine(day, end, tz)

    def deadline(self, at: datetime, working_days: int, tz: tzinfo) -> datetime:
        """``working_days`` working days after the moment ``at`` (aware), local to ``tz``."""
        if at.tzinfo is None:
            raise ValueError("deadline needs a timezone-aware moment")
        local_day = at.astimezone(tz).date()
        return self.closing_time(self.add_working_days(local_day, working_days), tz)
