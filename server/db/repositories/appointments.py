"""Appointments, the per-slot counters, closures, strikes and blocks.

The seat is the one guard of capacity: a single ``INSERT ... ON CONFLICT DO UPDATE
SET booked = booked + 1 WHERE booked < capacity RETURNING booked`` on the (queue, slot)
row (``take_seat``; ``take_seat_if_free`` and ``book_in_one`` run the same upsert with
the refusals' conditions). PostgreSQL locks the row and re-checks the condition for a second writer, SQLite
has one writer at a time: however many requests and hubs, no slot goes over capacity.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, column, delete, func, insert, select, text, update
from sqlalchemy.engine import Connection

from ..appointment_tables import ACTIVE
from ..appointment_tables import appointment_closures as cl
from ..appointment_tables import appointments as a
from ..appointment_tables import booking_blocks as bb
from ..appointment_tables import booking_strikes as bs
from ..appointment_tables import slot_counts as sc
from ..prepared import Prepared

ACTIVE_STATUSES = ("booked", "checked_in")
PERSONAL = {"id_hash": None, "id_masked": None, "name_masked": None, "phone_masked": None}


# The seat, as text: SQLAlchemy 2.0 does not cache the dialects' ``insert().on_conflict_do_update()``
# (``inherit_cache = False``), so that construct was compiled again on every booking
# (~10 % of a seat-taking request's samples under the release burst). The same statement
# for SQLite (3.35+) and PostgreSQL; the typed parameters keep UTCDateTime's conversion.
_SEAT = text(
    f"INSERT INTO {sc.name} (queue_id, slot_start, booked) VALUES (:queue_id, :slot_start, 1) "
    f"ON CONFLICT (queue_id, slot_start) DO UPDATE SET booked = {sc.name}.booked + 1 "
    f"WHERE {sc.name}.booked < :capacity RETURNING booked"
).bindparams(bindparam("queue_id", type_=sc.c.queue_id.type),
             bindparam("slot_start", type_=sc.c.slot_start.type),
             bindparam("capacity", type_=sc.c.booked.type)).columns(booked=sc.c.booked.type)

# ``status IN ('booked', 'checked_in')`` as literal text, the very condition of the partial
# unique index on (id_hash, service_day): with bound values SQLite cannot use that index.
_ACTIVE = text(ACTIVE)


def _facts():
    """Everything a booking's refusal depends on, in one statement (one round trip): the
    booking of an idempotency key, the seats taken in the slot, whether the day or the slot
    is closed, the end of the person's active block, the person's active booking that day."""
    day, start, person = bindparam("day"), bindparam("slot_start"), bindparam("id_hash")
    return select(
        select(a.c.id).where(a.c.idempotency_key == bindparam("idempotency_key"))
        .scalar_subquery().label("keyed"),
        select(sc.c.booked).where(sc.c.queue_id == bindparam("queue_id"), sc.c.slot_start == start)
        .scalar_subquery().label("booked"),
        select(func.count()).select_from(cl).where(cl.c.day == day, cl.c.slot_start.is_(None))
        .scalar_subquery().label("day_closed"),
        select(func.count()).select_from(cl).where(cl.c.day == day, cl.c.slot_start == start)
        .scalar_subquery().label("slot_closed"),
        select(func.max(bb.c.until)).where(bb.c.id_hash == person, bb.c.lifted_at.is_(None),
                                           bb.c.until > bindparam("today"))
        .scalar_subquery().label("blocked_until"),
        select(a.c.id).where(a.c.id_hash == person, a.c.service_day == day, _ACTIVE).limit(1)
        .scalar_subquery().label("active"),
    )


_FACTS = _facts()
# The statements of every booking of a release burst run on the driver's cursor
# (``db/prepared.py``): a refusal is one read, and SQLAlchemy's execution of a cached
# statement (cache key, execution context, result) cost more Python than the read.
_FACTS_RUN = Prepared(_FACTS)
Facts = namedtuple("Facts", [c.key for c in _FACTS.exported_columns])
# An appointment's row as ``Prepared`` reads it: its columns by name, as ``get``'s row.
AppointmentRow = namedtuple("AppointmentRow", [c.name for c in a.c])
_COUNTS = select(sc.c.slot_start, sc.c.booked).where(
    sc.c.queue_id == bindparam("queue_id"), sc.c.slot_start >= bindparam("first"),
    sc.c.slot_start <= bindparam("last"))
# The columns of a new appointment (``services.booking.appointments._Asked.new_row``); the
# others are empty until the appointment changes.
NEW_COLUMNS = [c.name for c in a.c if c.name not in ("id", "checked_in_at", "cancelled_at",
                                                     "cancel_reason", "missed_at", "ticket_id",
                                                     "purged_at")]
# Built once: ``insert(a).values(**values)`` per call costs more than the statement itself.
_ADD_ROW = Prepared(insert(a).returning(*a.c), column_keys=NEW_COLUMNS)


def _seat_if_free() -> str:
    """The seat, taken only if the refusals' facts allow it (the conditions of ``_facts``:
    no booking with the idempotency key, the day and the slot not closed, no active block,
    no active booking that day) and the slot has one left: ``RETURNING booked``, or no
    row. The text of ``_SEAT_IF_FREE`` and of the first step of ``_book_in_one``."""
    return (
        f"INSERT INTO {sc.name} AS s (queue_id, slot_start, booked) "
        f"SELECT :queue_id, :slot_start, 1 "
        f"WHERE NOT EXISTS (SELECT 1 FROM {a.name} WHERE idempotency_key = :idempotency_key) "
        f"AND NOT EXISTS (SELECT 1 FROM {cl.name} WHERE day = :service_day "
        f"AND (slot_start IS NULL OR slot_start = :slot_start)) "
        f"AND NOT EXISTS (SELECT 1 FROM {bb.name} WHERE id_hash = :id_hash AND lifted_at IS NULL "
        f"AND until > :today) "
        f"AND NOT EXISTS (SELECT 1 FROM {a.name} WHERE id_hash = :id_hash "
        f"AND service_day = :service_day AND {ACTIVE}) "
        f"ON CONFLICT (queue_id, slot_start) DO UPDATE SET booked = s.booked + 1 "
        f"WHERE s.booked < :capacity RETURNING booked")


def _typed(statement, names):
    """``statement``'s parameters typed as the columns of the same name (``today`` as a
    block's day, ``capacity`` as a count)."""
    types = {c.name: c.type for c in a.c} | {"today": bb.c.until.type, "capacity": sc.c.booked.type}
    return statement.bindparams(*(bindparam(name, type_=types[name]) for name in names))


# Within a write transaction (SQLite: under the writer lock), the seat and the facts'
# check in one statement: a seat-taking booking reads its facts once, before the lock.
_SEAT_IF_FREE = Prepared(_typed(text(_seat_if_free()), (
    "queue_id", "slot_start", "idempotency_key", "service_day", "id_hash", "today", "capacity",
)).columns(booked=sc.c.booked.type))


def _book_in_one():
    """PostgreSQL: a booking's read and its booking in one statement (autocommit: one
    round trip, atomic): the refusals' facts (``_facts``, the same six), then the seat,
    taken only if those facts allow it and the slot had one left when they were read
    (a full slot's row is not even locked), and the appointment, inserted only with the
    seat; one row: the facts and the new appointment's columns (NULL when none was
    booked). A unique key refused rolls the seat back with the statement. Text:
    SQLAlchemy 2.0 compiles the dialect's upsert again on every call (see ``_SEAT``)."""
    statement = text(
        f"WITH f AS (SELECT "
        f"(SELECT id FROM {a.name} WHERE idempotency_key = :idempotency_key) AS keyed, "
        f"(SELECT booked FROM {sc.name} WHERE queue_id = :queue_id AND slot_start = :slot_start) "
        f"AS booked, "
        f"(SELECT count(*) FROM {cl.name} WHERE day = :service_day AND slot_start IS NULL) "
        f"AS day_closed, "
        f"(SELECT count(*) FROM {cl.name} WHERE day = :service_day AND slot_start = :slot_start) "
        f"AS slot_closed, "
        f"(SELECT max(until) FROM {bb.name} WHERE id_hash = :id_hash AND lifted_at IS NULL "
        f"AND until > :today) AS blocked_until, "
        f"(SELECT id FROM {a.name} WHERE id_hash = :id_hash AND service_day = :service_day "
        f"AND {ACTIVE} LIMIT 1) AS active), "
        f"seat AS (INSERT INTO {sc.name} AS s (queue_id, slot_start, booked) "
        f"SELECT :queue_id, :slot_start, 1 FROM f WHERE f.keyed IS NULL AND f.day_closed = 0 "
        f"AND f.slot_closed = 0 AND f.blocked_until IS NULL AND f.active IS NULL "
        f"AND coalesce(f.booked, 0) < :capacity "
        f"ON CONFLICT (queue_id, slot_start) DO UPDATE SET booked = s.booked + 1 "
        f"WHERE s.booked < :capacity RETURNING booked), "
        f"booked AS (INSERT INTO {a.name} ({', '.join(NEW_COLUMNS)}) "
        f"SELECT {', '.join(':' + name for name in NEW_COLUMNS)} FROM seat "
        f"RETURNING {', '.join(c.name for c in a.c)}) "
        f"SELECT f.keyed, f.booked, f.day_closed, f.slot_closed, f.blocked_until, f.active, "
        f"{', '.join('booked.' + c.name for c in a.c)} FROM f LEFT JOIN booked ON true")
    facts = [column(c.key, c.type) for c in _FACTS.exported_columns]
    return _typed(statement, [*NEW_COLUMNS, "today", "capacity"]).columns(*facts, *a.c)


_BOOK_IN_ONE = Prepared(_book_in_one())


class AppointmentRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- capacity -------------------------------------------------------------------
    def take_seat(self, queue_id: str, slot_start: datetime, capacity: int) -> int | None:
        """The count of bookings with this one, or None when the slot is full."""
        if capacity <= 0:
            return None
        row = self.conn.execute(_SEAT, {"queue_id": queue_id, "slot_start": slot_start,
                                        "capacity": capacity}).first()
        return None if row is None else row[0]

    def take_seat_if_free(self, *, queue_id: str, slot_start: datetime, capacity: int,
                          idempotency_key: str | None, service_day: date, id_hash: str,
                          today: date) -> int | None:
        """In a write transaction: the seat, if the slot has one left and the facts of a
        refusal (``booking_facts``) allow it; the count of bookings with this one, or
        None (then read the facts to know why)."""
        if capacity <= 0:
            return None
        rows = _SEAT_IF_FREE.fetch(self.conn, {
            "queue_id": queue_id, "slot_start": slot_start, "capacity": capacity,
            "idempotency_key": idempotency_key, "service_day": service_day, "id_hash": id_hash,
            "today": today})
        return rows[0][0] if rows else None

    def free_seat(self, queue_id: str, slot_start: datetime) -> None:
        self.conn.execute(update(sc).where(sc.c.queue_id == queue_id, sc.c.slot_start == slot_start,
                                           sc.c.booked > 0).values(booked=sc.c.booked - 1))

    def booked_counts(self, queue_id: str, starts: Iterable[datetime]) -> dict[datetime, int]:
        """The seats taken in the queue's slots from the first start to the last (a range
        of the primary key, not a list of every start: a week of 5-minute slots is 2,000);
        look the starts up in it."""
        starts = list(starts)
        if not starts:
            return {}
        rows = self.conn.execute(_COUNTS, {"queue_id": queue_id, "first": min(starts),
                                           "last": max(starts)})
        return {row.slot_start: row.booked for row in rows}

    def booking_facts(self, *, queue_id: str, slot_start: datetime, day: date, id_hash: str,
                      today: date, idempotency_key: str | None):
        """One row: ``keyed`` (the id of the booking with this idempotency key, or None),
        ``booked`` (seats taken in the slot, None if none ever), ``day_closed`` and
        ``slot_closed`` (counts of closures), ``blocked_until`` (the last day of the
        person's active blocks, or None), ``active`` (the id of the person's active
        booking on ``day``, or None)."""
        return Facts(*_FACTS_RUN.fetch(self.conn, {
            "queue_id": queue_id, "slot_start": slot_start, "day": day, "id_hash": id_hash,
            "today": today, "idempotency_key": idempotency_key})[0])

    def book_in_one(self, *, capacity: int, today: date, **values: Any):
        """PostgreSQL, on a connection in autocommit: the booking's facts, and the seat
        and the appointment if they allow it, in one statement (``_book_in_one``):
        (``Facts`` as ``booking_facts`` gives them, the new row as ``get`` would return
        it or None)."""
        row = _BOOK_IN_ONE.fetch(self.conn, {**values, "capacity": capacity, "today": today})[0]
        n = len(Facts._fields)
        return Facts(*row[:n]), (AppointmentRow(*row[n:]) if row[n] is not None else None)

    # --- appointments ---------------------------------------------------------------
    def add(self, **values: Any) -> int:
        return self.conn.execute(insert(a).values(**values).returning(a.c.id)).scalar_one()

    def add_row(self, **values: Any):
        """Insert an appointment (``NEW_COLUMNS``) and return its row as ``get`` would
        (one statement)."""
        return AppointmentRow(*_ADD_ROW.fetch(self.conn, values)[0])

    def get(self, **where: Any):
        clauses = [a.c[name] == value for name, value in where.items()]
        return self.conn.execute(select(a).where(*clauses)).first()

    def active_on(self, id_hash: str, day: date):
        return self.conn.execute(select(a).where(
            a.c.id_hash == id_hash, a.c.service_day == day, _ACTIVE)).first()

    def booked_in(self, day: date, slot_start: datetime | None = None) -> list:
        query = select(a).where(a.c.service_day == day, a.c.status == "booked")
        if slot_start is not None:
            query = query.where(a.c.slot_start == slot_start)
        return list(self.conn.execute(query.order_by(a.c.id)))

    def move(self, appointment_id: int, status_from: str, **values: Any) -> bool:
        """A conditional update: True when the appointment was still ``status_from``."""
        result = self.conn.execute(update(a).where(a.c.id == appointment_id,
                                                   a.c.status == status_from).values(**values))
        return result.rowcount == 1

    def overdue(self, ends_before: datetime, limit: int = 500) -> list:
        return list(self.conn.execute(select(a).where(
            a.c.status == "booked", a.c.slot_end < ends_before).order_by(a.c.id).limit(limit)))

    def purge_before(self, cutoff: datetime, now: datetime) -> int:
        """Empty the personal fields of appointments whose slot ended before the cutoff."""
        result = self.conn.execute(update(a).where(
            a.c.purged_at.is_(None), a.c.slot_end < cutoff,
        ).values(purged_at=now, **PERSONAL))
        return result.rowcount

    # --- closures ---------------------------------------------------------------------
    def close(self, day: date, slot_start: datetime | None, reason: str, by: str,
              at: datetime) -> int:
        return self.conn.execute(insert(cl).values(day=day, slot_start=slot_start, reason=reason,
                                                   closed_by=by, closed_at=at)
                                 .returning(cl.c.id)).scalar_one()

    def closures(self, first: date, last: date) -> list:
        return list(self.conn.execute(select(cl).where(cl.c.day >= first, cl.c.day <= last)))

    # --- strikes and blocks ---------------------------------------------------------
    def strike(self, id_hash: str, appointment_id: int, at: datetime) -> None:
        self.conn.execute(insert(bs).values(id_hash=id_hash, appointment_id=appointment_id, at=at))

    def strikes_since(self, id_hash: str, since: datetime) -> int:
        return self.conn.execute(select(func.count()).select_from(bs).where(
            bs.c.id_hash == id_hash, bs.c.at >= since)).scalar_one()

    def block(self, id_hash: str, since: datetime, until: date) -> int:
        return self.conn.execute(insert(bb).values(id_hash=id_hash, since=since, until=until)
                                 .returning(bb.c.id)).scalar_one()

    def block_of(self, id_hash: str, today: date):
        """The active block of this person that ends last, or None."""
        return self.conn.execute(select(bb).where(
            bb.c.id_hash == id_hash, bb.c.lifted_at.is_(None), bb.c.until > today)
            .order_by(bb.c.until.desc())).first()

    def blocks(self, today: date) -> list:
        return list(self.conn.execute(select(bb).where(
            bb.c.lifted_at.is_(None), bb.c.until > today).order_by(bb.c.id)))

    def lift(self, block_id: int, by: str, at: datetime) -> bool:
        result = self.conn.execute(update(bb).where(bb.c.id == block_id, bb.c.lifted_at.is_(None))
                                   .values(lifted_at=at, lifted_by=by))
        return result.rowcount == 1

    def forget_strikes_before(self, cutoff: datetime) -> int:
        return self.conn.execute(delete(bs).where(bs.c.at < cutoff)).rowcount

