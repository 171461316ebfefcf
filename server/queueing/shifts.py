"""Clerks' time at the windows, folded from the window events: a pure function.

``fold_shifts`` reads window events (opened, paused, resumed, closed) in the order
written and answers, per clerk, the service days they opened a window and the seconds
they spent paused, by reason. A pause ends when its window resumes, closes or is
taken again; one still running ends at ``until``. The staff records report
(``services/reporting/staff.py``) adds what the ticket facts say.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from .events import WindowClosed, WindowOpened, WindowPaused, WindowResumed
from .facts import EventRow, clerk_id_of

NO_REASON = "other"


@dataclass
class Shift:
    days: set[date] = field(default_factory=set)
    paused_s: float = 0.0
    paused_by_reason: dict[str, float] = field(default_factory=dict)


def fold_shifts(rows: Iterable[EventRow], until: datetime) -> dict[int, Shift]:
    shifts: dict[int, Shift] = {}
    pauses: dict[str, tuple[int, str, datetime]] = {}  # window -> clerk, reason, since

    def end_pause(window_id: str | None, at: datetime) -> None:
        pause = pauses.pop(window_id, None)
        if pause is not None:
            clerk, reason, since = pause
            shift = shifts.setdefault(clerk, Shift())
            seconds = max(0.0, (at - since).total_seconds())
            shift.paused_s += seconds
            shift.paused_by_reason[reason] = shift.paused_by_reason.get(reason, 0.0) + seconds

    for row in rows:
        data = row.data or {}
        if row.kind == WindowOpened.kind:
            end_pause(row.window_id, row.at)
            clerk = data.get("clerk_id") or clerk_id_of(row.actor)
            if clerk is not None:
                shifts.setdefault(clerk, Shift()).days.add(row.service_day)
        elif row.kind == WindowPaused.kind:
            end_pause(row.window_id, row.at)
            clerk = clerk_id_of(row.actor)
            if clerk is not None:
                pauses[row.window_id] = (clerk, data.get("reason") or NO_REASON, row.at)
        elif row.kind in (WindowResumed.kind, WindowClosed.kind):
            end_pause(row.window_id, row.at)
    for window_id in list(pauses):
        end_pause(window_id, max(until, pauses[window_id][2]))
    return shifts
