"""The day's figures: ``GET /api/v1/stats``."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

from sqlalchemy import select

from server.db.tables import tickets as t
from server.queueing.tickets import TicketStatus

from .hub import Hub


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile (p in 0..100) of the values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _figures(rows) -> dict:
    waits = [(r.called_at - r.issued_at).total_seconds() for r in rows if r.called_at]
    services = [(r.finished_at - r.started_at).total_seconds() for r in rows
                if r.status == TicketStatus.DONE.value and r.started_at and r.finished_at]
    return {
        "issued": len(rows),
        "served": sum(1 for r in rows if r.status == TicketStatus.DONE.value),
        "no_show": sum(1 for r in rows if r.status == TicketStatus.NO_SHOW.value),
        "waiting": sum(1 for r in rows if r.status == TicketStatus.WAITING.value),
        "avg_wait_s": _round(_mean(waits)),
        "p90_wait_s": _round(percentile(waits, 90)),
        "avg_service_s": _round(_mean(services)),
        "completed_on_spot": sum(1 for r in rows if r.outcome == "completed"),
    }


def day_stats(hub: Hub, day: date) -> dict:
    """Figures of one service day. A ticket's wait runs from issue to its (last) call."""
    with hub.reading() as repos:
        rows = repos.conn.execute(
            select(t.c.queue_id, t.c.window_id, t.c.status, t.c.outcome, t.c.issued_at,
                   t.c.called_at, t.c.started_at, t.c.finished_at)
            .where(t.c.service_day == day)
        ).all()
    by_queue, by_window = defaultdict(list), defaultdict(list)
    for row in rows:
        by_queue[row.queue_id].append(row)
        if row.window_id:
            by_window[row.window_id].append(row)
    result = {"date": day.isoformat(), **_figures(rows)}
    result["by_queue"] = [
        {"queue_id": q, "name": hub.center.queues[q].name if q in hub.center.queues else q,
         **_figures(by_queue[q])}
        for q in hub.center.queues if q in by_queue
    ]
    result["by_window"] = [
        {"window_id": w, "number": hub.center.windows[w].number, **_figures(by_window[w])}
        for w in hub.center.windows if w in by_window
    ]
    return result
