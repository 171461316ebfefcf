"""China's statutory holidays and make-up working days, read from the ``chinese-calendar``
package, for the core's ``WorkingCalendar`` (server/queueing/working_days.py).

The package is maintained and republished each year when the State Council announces the
next year's arrangement; the years it knows are those its data names. A year it does not
know counts only Monday to Friday plus the center file's ``calendar``: the hub says so at
start and on the manager's dashboard (``calendar_warnings``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache

from server.queueing.center import Center
from server.queueing.working_days import HolidayData, WorkingCalendar


@cache
def national_holidays() -> HolidayData:
    """The package's data; empty (every year unknown) when it is not installed."""
    try:
        from chinese_calendar import constants
    except ImportError:  # pragma: no cover - a dependency of the hub
        return HolidayData(source="chinese-calendar is not installed")
    try:
        from importlib.metadata import version

        label = f"chinese-calendar {version('chinese_calendar')}"
    except Exception:  # noqa: BLE001 - the version only labels the warning
        label = "chinese-calendar"
    holidays = frozenset(constants.holidays)
    workdays = frozenset(constants.workdays)
    years = frozenset(day.year for day in holidays) | frozenset(day.year for day in workdays)
    return HolidayData(holidays=holidays, workdays=workdays, years=years, source=label)


def working_calendar(center: Center, data: HolidayData | None = None) -> WorkingCalendar:
    """The center's calendar: the national data, its own overrides, its opening hours."""
    return WorkingCalendar(data or national_holidays(), center.calendar, center.hours)


def calendar_warnings(calendar: WorkingCalendar, today: date,
                      years: Iterable[int] | None = None) -> list[str]:
    """One line per year (this year and the next, by default) the calendar does not know."""
    wanted = list(years) if years is not None else [today.year, today.year + 1]
    known = sorted(calendar.data.years)
    span = f"{known[0]}-{known[-1]}" if known else "no year"
    return [
        f"working calendar: {calendar.data.source} knows {span}, not {year}; deadlines in "
        f"{year} count Monday to Friday and the center file's calendar only "
        f"(add that year's holidays and make-up workdays under calendar:, or update the package)"
        for year in calendar.unknown_years(wanted)
    ]
