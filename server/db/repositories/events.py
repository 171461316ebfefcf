"""The event log: one row per state change, written in the change's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from server.queueing.events import CALL_KINDS, DomainEvent
from server.queueing.facts import record_of

from ..tables import events as e

_INSERT = insert(e)


class EventLog:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.observers: list = []  # called with the events of each append (the outbox)

    def append(self, events: Iterable[DomainEvent], service_day: date) -> None:
        events = list(events)
        rows = [record_of(ev, service_day)._asdict() for ev in events]
        if rows:  # one row: a plain execute, not the driver's executemany
            self.conn.execute(_INSERT, rows[0] if len(rows) == 1 else rows)
            for observe in self.observers:
                observe(events)

    def recent_calls(self, day: date, limit: int) -> list[tuple[str, str, str, object, int]]:
        """(kind, number, window_id, at, ticket_id) of the day's calls and recalls, newest first."""
        rows = self.conn.execute(
            select(e.c.kind, e.c.data, e.c.window_id, e.c.at, e.c.ticket_id)
            .where(e.c.service_day == day, e.c.kind.in_(CALL_KINDS))
            .order_by(e.c.id.desc())
            .limit(limit)
        ).all()
        return [(kind, (data or {}).get("number"), window_id, at, ticket_id)
                for kind, data, window_id, at, ticket_id in rows]

    def by_actor(self, day: date, actor: str, kinds) -> list[tuple[str, dict | None]]:
        """(kind, data) of the day's events of these kinds recorded by one actor."""
        return [tuple(row) for row in self.conn.execute(
            select(e.c.kind, e.c.data)
            .where(e.c.service_day == day, e.c.actor == actor, e.c.kind.in_(tuple(kinds)))
        )]

    def of_ticket(self, ticket_id: int) -> list[dict]:
        """Every event of one ticket, oldest first."""
        rows = self.conn.execute(
            select(e.c.at, e.c.kind, e.c.actor, e.c.window_id, e.c.queue_id, e.c.data)
            .where(e.c.ticket_id == ticket_id)
            .order_by(e.c.id)
        )
        return [dict(row._mapping) for row in rows]
