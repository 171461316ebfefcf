"""好差评 ratings, the rectifications they open (with their steps), and rating pads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection

from server.queueing.actors import Actor
from server.queueing.rectification import Rectification, RectificationStatus, Step
from server.queueing.tickets import Ticket

from ..tables import rating_pads, ratings, rectification_steps, rectifications, tickets
from .tickets import row_to_ticket


class ConcurrentRectificationError(Exception):
    """The rectification moved under us (another manager, another hub)."""


@dataclass(frozen=True)
class RatingRecord:
    id: int
    ticket_id: int
    level: int
    reasons: tuple[str, ...]
    comment: str | None
    channel: str
    at: datetime
    service_day: date
    number: str
    matter_id: str
    unit_id: str
    window_id: str | None
    clerk_id: int | None
    overturned: bool


def _rating(row) -> RatingRecord:
    m = row._mapping
    return RatingRecord(m["id"], m["ticket_id"], m["level"], tuple(m["reasons"] or ()),
                        m["comment"], m["channel"], m["at"], m["service_day"], m["number"],
                        m["matter_id"], m["unit_id"], m["window_id"], m["clerk_id"],
                        bool(m["overturned"]))


def _range(column, first: date | None, last: date | None) -> list:
    conditions = []
    if first is not None:
        conditions.append(column >= first)
    if last is not None:
        conditions.append(column <= last)
    return conditions


_OF_TICKET = select(ratings).where(ratings.c.ticket_id == bindparam("ticket_id"))


class RatingRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, **values) -> int:
        """Insert a rating; IntegrityError when the ticket has one (the race's loser)."""
        return self.conn.execute(
            insert(ratings).values(overturned=False, **values).returning(ratings.c.id)
        ).scalar_one()

    def of_ticket(self, ticket_id: int) -> RatingRecord | None:
        """Run for every done ticket's view (a finish's answer): the statement is built once."""
        row = self.conn.execute(_OF_TICKET, {"ticket_id": ticket_id}).first()
        return _rating(row) if row else None

    def by_id(self, rating_id: int) -> RatingRecord | None:
        row = self.conn.execute(select(ratings).where(ratings.c.id == rating_id)).first()
        return _rating(row) if row else None

    def by_ids(self, rating_ids: Iterable[int]) -> dict[int, tuple[RatingRecord, str]]:
        """Ratings by id, each with its ticket's token."""
        ids = sorted(set(rating_ids))
        if not ids:
            return {}
        query = (select(ratings, tickets.c.token)
                 .join(tickets, tickets.c.id == ratings.c.ticket_id)
                 .where(ratings.c.id.in_(ids)))
        return {row.id: (_rating(row), row.token) for row in self.conn.execute(query)}

    def set_overturned(self, rating_id: int) -> None:
        self.conn.execute(update(ratings).where(ratings.c.id == rating_id).values(overturned=True))

    def listing(self, first: date | None, last: date | None, *, unit_id=None, window_id=None,
                level=None, limit: int | None = None) -> list[tuple[RatingRecord, str]]:
        """Ratings of the service days (newest first), each with its ticket's token."""
        query = (select(ratings, tickets.c.token)
                 .join(tickets, tickets.c.id == ratings.c.ticket_id)
                 .where(*_range(ratings.c.service_day, first, last)))
        if unit_id is not None:
            query = query.where(ratings.c.unit_id == unit_id)
        if window_id is not None:
            query = query.where(ratings.c.window_id == window_id)
        if level is not None:
            query = query.where(ratings.c.level == level)
        query = query.order_by(ratings.c.at.desc(), ratings.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return [(_rating(row), row.token) for row in self.conn.execute(query)]

    def level_counts(self, key: str, first: date | None, last: date | None) -> list[tuple]:
        """(key value, level, count) of the ratings not overturned, by ``key`` (a column)."""
        column = ratings.c[key]
        query = (select(column, ratings.c.level, func.count())
                 .where(ratings.c.overturned.is_(False),
                        *_range(ratings.c.service_day, first, last))
                 .group_by(column, ratings.c.level))
        return [tuple(row) for row in self.conn.execute(query)]

    def done_counts(self, key: str, first: date | None, last: date | None) -> dict:
        """Finished tickets of the service days, by ``key`` (a column of tickets)."""
        column = tickets.c[key]
        query = (select(column, func.count())
                 .where(tickets.c.status == "done", *_range(tickets.c.service_day, first, last))
                 .group_by(column))
        return {value: count for value, count in self.conn.execute(query)}


# --- rectifications ------------------------------------------------------------------------
_RECT_META = ("ticket_id", "unit_id", "window_id", "clerk_id", "callback_reached",
              "callback_level", "rectified_at", "closed_at")


def _actor(text: str, name: str | None) -> Actor:
    kind, _, ident = text.partition(":")
    return Actor(kind, ident, name)


class RectificationRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, item: Rectification, *, ticket_id: int, service_day: date, unit_id: str,
            window_id: str | None, clerk_id: int | None) -> int:
        """Insert a new rectification and its first step; IntegrityError when the rating
        has one already."""
        item.id = self.conn.execute(
            insert(rectifications).values(
                rating_id=item.rating_id, ticket_id=ticket_id, service_day=service_day,
                status=item.status.value,
                opened_at=item.opened_at, due_at=item.due_at, unit_id=unit_id,
                window_id=window_id, clerk_id=clerk_id)
            .returning(rectifications.c.id)
        ).scalar_one()
        self.add_steps(item.id, item.history)
        return item.id

    def add_steps(self, rectification_id: int, steps: Iterable[Step]) -> None:
        rows = [{"rectification_id": rectification_id, "at": s.at, "action": s.action,
                 "actor": str(s.actor), "actor_name": s.actor.name, "note": s.note,
                 "detail": dict(s.detail) or None} for s in steps]
        if rows:
            self.conn.execute(insert(rectification_steps), rows)

    def get(self, rectification_id: int, *, lock: bool = False) -> tuple[Rectification, dict] | None:
        query = select(rectifications).where(rectifications.c.id == rectification_id)
        if lock and self.conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        if row is None:
            return None
        return self._build([row], with_history=True)[0]

    def save(self, item: Rectification, before: RectificationStatus, new_steps: list[Step],
             **meta) -> None:
        """Write the new status (only if nobody moved it meanwhile) and the new steps."""
        done = self.conn.execute(
            update(rectifications)
            .where(rectifications.c.id == item.id, rectifications.c.status == before.value)
            .values(status=item.status.value, **meta)
        ).rowcount
        if done != 1:
            raise ConcurrentRectificationError(f"rectification {item.id} changed meanwhile")
        self.add_steps(item.id, new_steps)

    def listing(self, *, status: str | None = None, overdue_at: datetime | None = None,
                unit_id: str | None = None, limit: int | None = None) -> list[tuple[Rectification, dict]]:
        query = select(rectifications)
        if status is not None:
            query = query.where(rectifications.c.status == status)
        if unit_id is not None:
            query = query.where(rectifications.c.unit_id == unit_id)
        if overdue_at is not None:
            query = query.where(rectifications.c.status.not_in(("closed", "overturned")),
                                rectifications.c.due_at < overdue_at)
        query = query.order_by(rectifications.c.opened_at.desc(), rectifications.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return self._build(list(self.conn.execute(query)), with_history=True)

    def count_overdue(self, now: datetime) -> int:
        return self.conn.execute(
            select(func.count()).select_from(rectifications)
            .where(rectifications.c.status.not_in(("closed", "overturned")),
                   rectifications.c.due_at < now)
        ).scalar_one()

    def for_units(self, first: date | None, last: date | None) -> list[dict]:
        """Every rectification of the range's service days, flat rows for the unit figures
        and the export: status, due_at, rectified_at, callback_reached, unit_id, ticket_id."""
        r = rectifications.c
        query = (select(r.id, r.ticket_id, r.unit_id, r.status, r.due_at, r.rectified_at,
                        r.callback_reached)
                 .where(*_range(r.service_day, first, last)))
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def _build(self, rows, *, with_history: bool) -> list[tuple[Rectification, dict]]:
        ids = [row.id for row in rows]
        steps: dict[int, list[Step]] = {i: [] for i in ids}
        if with_history and ids:
            query = (select(rectification_steps)
                     .where(rectification_steps.c.rectification_id.in_(ids))
                     .order_by(rectification_steps.c.id))
            for step in self.conn.execute(query):
                steps[step.rectification_id].append(Step(
                    step.at, step.action, _actor(step.actor, step.actor_name), step.note,
                    step.detail or {}))
        built = []
        for row in rows:
            m = row._mapping
            item = Rectification(m["id"], m["rating_id"], RectificationStatus(m["status"]),
                                 m["opened_at"], m["due_at"], steps[m["id"]])
            built.append((item, {key: m[key] for key in _RECT_META}))
        return built


# Asked on every call and finish at a window with a pad: built once.
_LAST_FINISHED = (select(tickets)
                  .where(tickets.c.window_id == bindparam("window_id"), tickets.c.service_day == bindparam("day"),
                         tickets.c.status == "done")
                  .order_by(tickets.c.finished_at.desc(), tickets.c.id.desc())
                  .limit(1))


class RatingPadRepository:
    """Which window each rating pad faces."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, device_id: int, window_id: str) -> None:
        self.conn.execute(insert(rating_pads).values(device_id=device_id, window_id=window_id))

    def last_finished(self, window_id: str, day: date) -> Ticket | None:
        """The ticket the window finished last on the service day."""
        row = self.conn.execute(_LAST_FINISHED, {"window_id": window_id, "day": day}).first()
        return row_to_ticket(row) if row else None

    def windows(self) -> set[str]:
        """Every window that has a rating pad."""
        return set(self.conn.execute(select(rating_pads.c.window_id).distinct()).scalars())

    def window_of(self, device_id: int) -> str | None:
        return self.conn.execute(
            select(rating_pads.c.window_id).where(rating_pads.c.device_id == device_id)
        ).scalar()
