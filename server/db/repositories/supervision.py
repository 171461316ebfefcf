"""Supervision alerts (电子监察): stored once per occurrence key; what the rules read."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from server.queueing.events import TICKET_EVENT_KINDS, WINDOW_EVENTS, TicketCalled
from server.queueing.rectification import FINAL
from server.queueing.supervision import Due, Finding

from ..tables import events as e
from ..tables import rectifications as r
from ..tables import supervision_alerts as a

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
ALERT_COLUMNS = tuple(c.name for c in a.columns)


class SupervisionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, finding: Finding, service_day: date) -> int | None:
        """Store a finding; None when its occurrence is stored already (this or another hub)."""
        stmt = _INSERTS[self.conn.dialect.name](a).values(
            key=finding.key, kind=finding.kind, status="open", opened_at=finding.at,
            service_day=service_day, window_id=finding.window_id, unit_id=finding.unit_id,
            user_id=finding.user_id, ticket_id=finding.ticket_id,
            ticket_number=finding.ticket_number, case_no=finding.case_no,
            rectification_id=finding.rectification_id, detail=dict(finding.detail) or None,
        ).on_conflict_do_nothing(index_elements=[a.c.key]).returning(a.c.id)
        return self.conn.execute(stmt).scalar()

    def keys_since(self, day: date) -> set[str]:
        return set(self.conn.execute(select(a.c.key).where(a.c.service_day >= day)).scalars())

    def get(self, alert_id: int) -> dict | None:
        row = self.conn.execute(select(a).where(a.c.id == alert_id)).first()
        return dict(row._mapping) if row else None

    def listing(self, *, status: str | None, kind: str | None, limit: int) -> list[dict]:
        query = select(a)
        if status:
            query = query.where(a.c.status == status)
        if kind:
            query = query.where(a.c.kind == kind)
        query = query.order_by(a.c.opened_at.desc(), a.c.id.desc()).limit(limit)
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def close(self, alert_id: int, at: datetime, actor: str, note: str) -> bool:
        """Close an open alert; False when it is not open (closed meanwhile)."""
        return self.conn.execute(
            update(a).where(a.c.id == alert_id, a.c.status == "open")
            .values(status="closed", closed_at=at, closed_by=actor, note=note)
        ).rowcount == 1

    def counts(self, key: str, first: date, last: date) -> list[tuple]:
        """(key value, kind, count) of the findings of these days, by a column."""
        column = a.c[key]
        return [tuple(row) for row in self.conn.execute(
            select(column, a.c.kind, func.count())
            .where(a.c.service_day >= first, a.c.service_day <= last)
            .group_by(column, a.c.kind))]

    # --- what the rules read ---------------------------------------------------------------
    def ticket_events(self, day: date, after_id: int) -> list:
        """The day's ticket events after the event ``after_id``, in the order written."""
        return self.conn.execute(
            select(e.c.id, e.c.kind, e.c.at, e.c.service_day, e.c.actor, e.c.ticket_id,
                   e.c.window_id, e.c.queue_id, e.c.data)
            .where(e.c.service_day == day, e.c.id > after_id, e.c.kind.in_(TICKET_EVENT_KINDS))
            .order_by(e.c.id)).all()

    def rectifications_due(self, now: datetime, since: datetime) -> list[Due]:
        """Rectifications due from ``since`` to ``now``, or earlier and still not finished."""
        final = [status.value for status in FINAL]
        rows = self.conn.execute(
            select(r.c.id, r.c.due_at, r.c.status, r.c.closed_at.label("finished_at"), r.c.unit_id,
                   r.c.clerk_id, r.c.window_id)
            .where(r.c.due_at <= now,
                   or_(r.c.due_at >= since, r.c.status.not_in(final)))).all()
        return [Due(row.id, row.due_at, row.finished_at if row.status in final else None,
                    unit_id=row.unit_id, user_id=row.clerk_id, window_id=row.window_id)
                for row in rows]

    def rectification_counts(self, key: str, first: date, last: date) -> list[tuple]:
        """(key value, count) of the rectifications opened for the service days, by a column."""
        column = r.c[key]
        return [tuple(row) for row in self.conn.execute(
            select(column, func.count()).where(r.c.service_day >= first, r.c.service_day <= last)
            .group_by(column))]

    def overdue_rectifications(self, first_due: datetime, last_due: datetime, now: datetime) -> list[dict]:
        """Rectifications due in the window that were (or are) not finished in time."""
        final = [status.value for status in FINAL]
        rows = self.conn.execute(
            select(r.c.id, r.c.unit_id, r.c.status, r.c.due_at, r.c.closed_at)
            .where(r.c.due_at >= first_due, r.c.due_at < last_due, r.c.due_at < now)
            .order_by(r.c.due_at)).all()
        return [dict(row._mapping) for row in rows
                if row.status not in final or (row.closed_at and row.closed_at > row.due_at)]

    # --- what the staff records read ------------------------------------------------------
    def window_events(self, first: date, last: date) -> list:
        """Window events (opened, paused, resumed, closed) of the days, in the order written."""
        return self.conn.execute(
            select(e.c.kind, e.c.at, e.c.service_day, e.c.actor, e.c.ticket_id, e.c.window_id,
                   e.c.queue_id, e.c.data)
            .where(e.c.service_day >= first, e.c.service_day <= last,
                   e.c.kind.in_([cls.kind for cls in WINDOW_EVENTS]))
            .order_by(e.c.id)).all()

    def call_counts(self, first: date, last: date) -> list[tuple[str, date, int]]:
        """(actor, service day, calls) of the days: first calls, not recalls."""
        return [tuple(row) for row in self.conn.execute(
            select(e.c.actor, e.c.service_day, func.count())
            .where(e.c.service_day >= first, e.c.service_day <= last, e.c.kind == TicketCalled.kind)
            .group_by(e.c.actor, e.c.service_day))]
