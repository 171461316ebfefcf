"""The hall's opening hours and what they do to a wait.

A hall that closes from 12:00 to 14:00 for lunch does not serve anyone in between: a
visitor who needs 40 minutes of service time ahead of them at 11:40 waits until 14:20,
not until 12:20. ``ServiceHours`` turns "seconds of open time" into wall-clock seconds:
time before the first period of the day and the breaks between periods are skipped.
After the day's last period nothing is skipped: clerks serve the line that is left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

MAX_DAYS = 7


def _parse_clock(text: str) -> time:
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"not a time of day (HH:MM): {text!r}")
    hour, minute = int(hours), int(minutes)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"not a time of day (HH:MM): {text!r}")
    return time(hour, minute)


@dataclass(frozen=True)
class ServiceHours:
    periods: tuple[tuple[time, time], ...] = ()

    @classmethod
    def parse(cls, texts: Iterable[str]) -> ServiceHours:
        """``ServiceHours.parse(["09:00-12:00", "14:00-17:30"])``; ValueError when malformed,
        unordered or overlapping."""
        periods = []
        for text in texts:
            start, dash, end = str(text).partition("-")
            if not dash:
                raise ValueError(f"a period is written 'HH:MM-HH:MM', got {text!r}")
            begins, ends = _parse_clock(start), _parse_clock(end)
            if ends <= begins:
                raise ValueError(f"period {text!r} ends before it begins")
            if periods and begins < periods[-1][1]:
                raise ValueError(f"period {text!r} overlaps or precedes the one before it")
            periods.append((begins, ends))
        return cls(tuple(periods))

    def to_texts(self) -> list[str]:
        return [f"{a:%H:%M}-{b:%H:%M}" for a, b in self.periods]

    def __bool__(self) -> bool:
        return bool(self.periods)

    def wall_seconds(self, start: datetime, work_s: float) -> float:
        """Wall-clock seconds from ``start`` (local, aware) until ``work_s`` seconds of
        service time have passed, skipping the time before opening and the breaks (the
        last period is served out: the line is finished however late it gets).

        ``wall_clock(start)(work_s)`` worked out for one work alone (a ticket just
        issued): the periods are walked only up to the one the work ends in, with no
        layout kept for other works; the same steps, so the same seconds."""
        if not self.periods:
            return max(work_s, 0.0)
        if work_s <= 0 and not self._closed_at(start):
            return max(work_s, 0.0)
        remaining = max(work_s, 0.0)
        tz = start.tzinfo
        cursor = start
        day = start.date()
        last = len(self.periods) - 1
        for index, (begins, ends) in enumerate(self.periods):
            period_end = (datetime.max.replace(tzinfo=tz) if index == last
                          else datetime.combine(day, ends, tz))
            if period_end <= cursor:
                continue
            cursor = max(cursor, datetime.combine(day, begins, tz))
            available = (period_end - cursor).total_seconds()
            if remaining <= available:
                return (cursor - start).total_seconds() + remaining
            remaining -= available
            cursor = period_end
        return remaining

    def wall_clock(self, start: datetime):
        """``work_s → wall_seconds(start, work_s)`` for many works from one start (a whole
        waiting line): the day's periods are laid out once."""
        if not self.periods:
            return lambda work_s: max(work_s, 0.0)
        closed = self._closed_at(start)
        segments = []  # (seconds from start to the segment, its open seconds), in order
        cursor = start
        day = start.date()
        last = len(self.periods) - 1
        for index, (begins, ends) in enumerate(self.periods):
            period_start = datetime.combine(day, begins, start.tzinfo)
            period_end = datetime.combine(day, ends, start.tzinfo)
            if index == last:
                period_end = datetime.max.replace(tzinfo=start.tzinfo)
            if period_end <= cursor:
                continue
            cursor = max(cursor, period_start)
            segments.append(((cursor - start).total_seconds(), (period_end - cursor).total_seconds()))
            cursor = period_end

        def wall(work_s: float) -> float:
            if work_s <= 0 and not closed:
                return max(work_s, 0.0)
            remaining = max(work_s, 0.0)
            for offset, available in segments:
                if remaining <= available:
                    return offset + remaining
                remaining -= available
            return remaining  # not reached: the last period runs on (datetime.max)

        return wall

    def _closed_at(self, at: datetime) -> bool:
        now = at.timetz().replace(tzinfo=None)
        return not any(begins <= now < ends for begins, ends in self.periods)

    # --- opening time, strictly (supervision counts only the hours a window must be staffed)
    def open_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds of opening hours from ``start`` to ``end`` (local, aware); with no
        periods every second counts. After the day's last period nothing counts."""
        if end <= start:
            return 0.0
        if not self.periods:
            return (end - start).total_seconds()
        total = 0.0
        day = start.date()
        while day <= end.date():
            for begins, ends in self.periods:
                a = max(start, datetime.combine(day, begins, start.tzinfo))
                b = min(end, datetime.combine(day, ends, start.tzinfo))
                if b > a:
                    total += (b - a).total_seconds()
            day += timedelta(days=1)
        return total

    def after_open(self, start: datetime, seconds: float) -> datetime | None:
        """The moment ``seconds`` of opening hours have passed since ``start`` (local,
        aware), within ``MAX_DAYS``; None beyond."""
        if not self.periods:
            return start + timedelta(seconds=seconds)
        remaining = max(seconds, 0.0)
        for day_offset in range(MAX_DAYS):
            day = start.date() + timedelta(days=day_offset)
            for begins, ends in self.periods:
                a = max(start, datetime.combine(day, begins, start.tzinfo))
                b = datetime.combine(day, ends, start.tzinfo)
                if b <= a:
                    continue
                available = (b - a).total_seconds()
                if remaining <= available:
                    return a + timedelta(seconds=remaining)
                remaining -= available
        return None
