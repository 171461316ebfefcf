"""Reports over any date range, from the same facts and tallies as ``GET /api/v1/stats``.

``report(hub, first, last, by)`` groups the tickets issued in the range by queue,
department (unit), matter, window, clerk, hour of day, weekday or day; ``heatmap``
counts arrivals by weekday and hour; ``accuracy`` compares the wait quoted at issue
with the wait each visitor really had; ``ticket_log`` is the raw log for export.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from server.db.tables import users

from ..errors import BadRequestError
from ..hub import Hub
from .cooperate import pause
from .stats import TALLY_COLUMNS, facts_between, figures, group_by

DIMENSIONS = ("queue", "unit", "matter", "window", "clerk", "hour", "weekday", "day")
MAX_RANGE_DAYS = 3 * 366
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
DIMENSION_COLUMN = {"queue": "queue_id", "unit": "unit_id", "matter": "matter_id",
                    "window": "window_id", "clerk": "clerk_id", "hour": "hour",
                    "weekday": "weekday", "day": "service_day"}
WITHIN_S = 300  # "within ±5 minutes"


def parse_range(raw_from: str | None, raw_to: str | None, today: date) -> tuple[date, date]:
    """``from``/``to`` as YYYY-MM-DD (both included); default the last 30 days."""
    try:
        last = date.fromisoformat(raw_to) if raw_to else today
        first = date.fromisoformat(raw_from) if raw_from else last - timedelta(days=29)
    except ValueError:
        raise BadRequestError("from and to must be YYYY-MM-DD", code="invalid_date") from None
    if first > last:
        raise BadRequestError("from must not be after to", code="invalid_range")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise BadRequestError(f"a report covers at most {MAX_RANGE_DAYS} days", code="invalid_range")
    return first, last


def parse_dimension(raw: str | None) -> str:
    by = raw or "queue"
    if by not in DIMENSIONS:
        raise BadRequestError(f"by must be one of {', '.join(DIMENSIONS)}", code="invalid_field",
                              field="by")
    return by


def clerk_names(hub: Hub) -> dict[int, str]:
    with hub.reading() as repos:
        rows = repos.conn.execute(select(users.c.id, users.c.name, users.c.username)).all()
    return {row.id: row.name or row.username for row in rows}


def labeller(hub: Hub, by: str):
    """A function key → the label shown for it (Chinese names from the center file)."""
    center = hub.center
    if by == "queue":
        return lambda k: center.queues[k].name if k in center.queues else str(k)
    if by == "unit":
        return lambda k: center.units[k].name if k in center.units else str(k)
    if by == "matter":
        return lambda k: center.matters[k].name if k in center.matters else str(k)
    if by == "window":
        return lambda k: center.windows[k].name if k in center.windows else str(k)
    if by == "clerk":
        names = clerk_names(hub)
        return lambda k: names.get(k, f"#{k}")
    if by == "hour":
        return lambda k: f"{k:02d}:00"
    if by == "weekday":
        return lambda k: WEEKDAYS[k]
    return lambda k: k.isoformat()


def _order(hub: Hub, by: str, keys) -> list:
    center = hub.center
    known = {"queue": list(center.queues), "unit": list(center.units), "matter": list(center.matters),
             "window": list(center.windows)}.get(by)
    if known is None:
        return sorted(keys)
    present = set(keys)
    return [k for k in known if k in present] + sorted(k for k in present if k not in set(known))


def report(hub: Hub, first: date, last: date, by: str) -> dict:
    rows = facts_between(hub, first, last, TALLY_COLUMNS + (DIMENSION_COLUMN[by],), positional=True)
    groups = group_by(rows, len(TALLY_COLUMNS))
    label = labeller(hub, by)
    out = []
    for key in _order(hub, by, groups):
        out.append({"key": key.isoformat() if by == "day" else key, "label": label(key),
                    **figures(groups[key])})
        pause()
    if by == "unit":
        for row in out:
            unit = hub.center.units.get(row["key"])
            row["group"] = unit.group if unit else None
    return {"from": first.isoformat(), "to": last.isoformat(), "by": by,
            "total": figures(rows), "rows": out}


def heatmap(hub: Hub, first: date, last: date) -> dict:
    """Tickets issued by weekday (0 = Monday) and local hour: ``cells`` [[weekday, hour, n]]."""
    counts = Counter((r[0], r[1]) for r in facts_between(hub, first, last, ("weekday", "hour"), positional=True))
    days = {}
    day = first
    while day <= last:
        days[day.weekday()] = days.get(day.weekday(), 0) + 1
        day += timedelta(days=1)
    return {"from": first.isoformat(), "to": last.isoformat(), "weekdays": list(WEEKDAYS),
            "days_per_weekday": [days.get(i, 0) for i in range(7)],
            "cells": [[w, h, n] for (w, h), n in sorted(counts.items())]}


def _errors(rows) -> dict:
    """Accuracy figures of rows (quoted_wait_s, wait_s, ...) that have both."""
    errors = [r[0] - r[1] for r in rows]
    n = len(errors)
    if not n:
        return {"tickets": 0, "mae_s": None, "bias_s": None, "within_5min_share": None,
                "avg_quoted_s": None, "avg_actual_s": None}
    return {"tickets": n,
            "mae_s": round(sum(map(abs, errors)) / n, 1),
            "bias_s": round(sum(errors) / n, 1),
            "within_5min_share": round(sum(1 for x in errors if -WITHIN_S <= x <= WITHIN_S) / n, 4),
            "avg_quoted_s": round(sum(r[0] for r in rows) / n, 1),
            "avg_actual_s": round(sum(r[1] for r in rows) / n, 1)}


def accuracy(hub: Hub, first: date, last: date) -> dict:
    """How close the quoted wait came to the real one (issue → first call).

    ``bias_s`` > 0: the hub promised longer waits than people had.
    """
    columns = ("quoted_wait_s", "wait_s", "first_queue_id", "hour")
    rows = [r for r in facts_between(hub, first, last, columns, positional=True)
            if r[0] is not None and r[1] is not None]
    by_queue, by_hour = group_by(rows, 2), group_by(rows, 3)
    queue_label = labeller(hub, "queue")
    return {
        "from": first.isoformat(), "to": last.isoformat(), "within_s": WITHIN_S,
        "total": _errors(rows),
        "by_queue": [{"key": q, "label": queue_label(q), **_errors(by_queue[q])}
                     for q in _order(hub, "queue", by_queue)],
        "by_hour": [{"key": h, "label": f"{h:02d}:00", **_errors(by_hour[h])} for h in sorted(by_hour)],
    }


def ticket_log(hub: Hub, first: date, last: date) -> list[dict]:
    """Every ticket issued in the range, one row each, times in the center's zone."""
    center, tz = hub.center, hub.tz
    names = clerk_names(hub)

    def local(at):
        return at.astimezone(tz).replace(tzinfo=None) if at else None

    rows = []
    for f in sorted(facts_between(hub, first, last), key=lambda f: (f.issued_at, f.ticket_id)):
        rows.append({
            "service_day": f.service_day, "number": f.number,
            "matter": center.matters[f.matter_id].name if f.matter_id in center.matters else f.matter_id,
            "unit": center.units[f.unit_id].name if f.unit_id in center.units else f.unit_id,
            "queue": center.queues[f.queue_id].name if f.queue_id in center.queues else f.queue_id,
            "window": center.windows[f.window_id].name if f.window_id in center.windows else f.window_id,
            "clerk": names.get(f.clerk_id, f"#{f.clerk_id}") if f.clerk_id is not None else None,
            "priority": f.priority, "status": f.status, "outcome": f.outcome,
            "issued_at": local(f.issued_at), "called_at": local(f.called_at),
            "finished_at": local(f.finished_at), "wait_s": f.wait_s, "service_s": f.service_s,
            "quoted_wait_s": f.quoted_wait_s, "transfers": f.transfers, "recalls": f.recalls,
        })
    return rows
