"""The day's bookings for the managers: per queue, how many were booked and how they
ended (checked in, missed, cancelled, still booked), and the wait of booked visitors
(issue to first call) against the walk-ins of the same queue. No identity data."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from server.db.appointment_tables import appointments as a
from server.db.tables import tickets as t

from ..hub import Hub

STATUSES = ("booked", "checked_in", "missed", "cancelled")


def day_figures(hub: Hub, day: date) -> list[dict]:
    with hub.reading() as repos:
        counts = repos.conn.execute(
            select(a.c.queue_id, a.c.status, func.count()).where(a.c.service_day == day)
            .group_by(a.c.queue_id, a.c.status)).all()
        called = repos.conn.execute(
            select(t.c.queue_id, t.c.slot_start.is_not(None).label("booked"), t.c.issued_at,
                   t.c.called_at).where(t.c.service_day == day, t.c.called_at.is_not(None))).all()
    rows: dict[str, dict] = {}

    def row(queue_id: str) -> dict:
        return rows.setdefault(queue_id, {"queue_id": queue_id, "bookings": 0,
                                          **{status: 0 for status in STATUSES},
                                          "booked_wait_s": None, "walk_in_wait_s": None})

    for queue_id, status, count in counts:
        row(queue_id)[status] = count
        row(queue_id)["bookings"] += count
    waits: dict[tuple[str, bool], list[float]] = defaultdict(list)
    for queue_id, booked, issued_at, called_at in called:
        waits[(queue_id, bool(booked))].append((called_at - issued_at).total_seconds())
    for (queue_id, booked), values in waits.items():
        if queue_id in rows or booked:
            key = "booked_wait_s" if booked else "walk_in_wait_s"
            row(queue_id)[key] = round(sum(values) / len(values))
    order = list(hub.center.queues)
    return sorted(rows.values(), key=lambda r: order.index(r["queue_id"]) if r["queue_id"] in order else len(order))
