"""Whether anyone serves a queue now, and when the hall next opens.

A wait estimate is only true while a clerk is at one of the queue's windows (open, or
paused and coming back). With none, no screen shows a number: it says that no window
serves the queue, and when the opening hours next begin.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from .estimate import QueueLoad
from .hours import ServiceHours

LOOK_AHEAD_DAYS = 30  # a long holiday (Spring Festival) closes the hall for a week or more


def no_window_open(load: QueueLoad) -> bool:
    """No clerk at any of the queue's windows: the estimate would be made up."""
    return load.open_windows + load.paused_windows == 0


def next_opening(hours: ServiceHours, now: datetime,
                 is_working_day: Callable[[date], bool]) -> datetime | None:
    """The start of the next opening period after ``now`` (local, aware) on a working day;
    None while a period is running (the hall is open, only nobody is at the windows) or
    without opening hours."""
    if not hours:
        return None
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = now.date() + timedelta(days=offset)
        if not is_working_day(day):
            continue
        for begins, ends in hours.periods:
            start = datetime.combine(day, begins, now.tzinfo)
            end = datetime.combine(day, ends, now.tzinfo)
            if offset == 0 and start <= now < end:
                return None
            if start > now:
                return start
    return None
