"""Reading and writing tickets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from functools import partial

from sqlalchemy import (
    Text,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Row

from server.queueing.numbering import MIN_DIGITS
from server.queueing.policy import (
    CALL_ORDER,
    CallContext,
    Field,
    QueueRank,
    Reached,
    SortTerm,
    newcomer,
    term_value,
)
from server.queueing.tickets import (
    AT_WINDOW_STATUSES,
    TICKET_ACTIONS,
    FirstSet,
    Increased,
    Outcome,
    Ticket,
    TicketStatus,
)
from server.queueing.windows import WindowStatus

from ..prepared import Prepared, cursor_of, execute_on
from ..tables import cases as c
from ..tables import devices as d
from ..tables import events as e
from ..tables import number_counters as nc
from ..tables import ratings as r
from ..tables import tickets as t
from ..tables import window_states as w
from ..types import json_text
from .call_order import called_before, called_before_values, order_by


class ConcurrentUpdateError(Exception):
    """The row changed under us (another window claimed the ticket first)."""


_COLUMNS = (
    "token service_day prefix sequence number matter_id queue_id unit_id priority "
    "priority_reason status window_id clerk_id issued_at called_at started_at finished_at "
    "outcome recalls transfers quoted_wait_s idempotency_key device_id slot_start"
).split()


# What may change in a waiting ticket's row, without a time (cheap to read for a whole line).
WAITING_KEY = ("id", "token", "status", "queue_id", "matter_id", "priority", "priority_reason",
               "window_id", "outcome", "recalls", "transfers", "quoted_wait_s")


def row_to_ticket(row: Row) -> Ticket:
    return ticket_of(row._mapping)


def ticket_of(m) -> Ticket:
    """The ticket of a row's mapping (column name → value), or of a dict of them
    (``Prepared.fetch_dicts``)."""
    return Ticket(
        id=m["id"],
        token=m["token"],
        number=m["number"],
        service_day=m["service_day"],
        prefix=m["prefix"],
        sequence=m["sequence"],
        matter_id=m["matter_id"],
        queue_id=m["queue_id"],
        unit_id=m["unit_id"],
        issued_at=m["issued_at"],
        priority=m["priority"],
        priority_reason=m["priority_reason"],
        status=TicketStatus(m["status"]),
        window_id=m["window_id"],
        called_at=m["called_at"],
        started_at=m["started_at"],
        finished_at=m["finished_at"],
        outcome=Outcome(m["outcome"]) if m["outcome"] else None,
        recalls=m["recalls"],
        transfers=m["transfers"],
        quoted_wait_s=m["quoted_wait_s"],
        idempotency_key=m["idempotency_key"],
        device_id=m["device_id"],
        clerk_id=m["clerk_id"],
        slot_start=m["slot_start"],
    )


# Statements run on every ticket issued or called are built once (or once per shape:
# ``_shaped``); building and keying a statement costs more than SQLite takes to run it.
_INSERT = insert(t).returning(t.c.id)
# The issuing statements, run on the driver's cursor (``db/prepared.py``).
_ADD = Prepared(_INSERT, column_keys=_COLUMNS)
_LOG_EVENT = Prepared(insert(e), column_keys=["at", "service_day", "kind", "actor", "ticket_id",
                                              "window_id", "queue_id", "data"])
_BY_IDEMPOTENCY_KEY = select(t).where(t.c.service_day == bindparam("day"),
                                      t.c.idempotency_key == bindparam("key"))
_BY_ID = select(t).where(t.c.id == bindparam("ticket_id"))
_BY_TOKEN = select(t).where(t.c.token == bindparam("token"))
def fixed_in(column, values) -> object:
    """``column IN (...)`` of values fixed in the statement: bound one by one, so that
    running it needs no expanding of a list parameter (SQLAlchemy's post-compile step,
    on every execution)."""
    return column.in_([literal(v, type_=column.type) for v in values])


def at_window_status() -> object:
    """The ticket's status is called or serving."""
    return fixed_in(t.c.status, sorted(s.value for s in AT_WINDOW_STATUSES))


_AT_WINDOW = (select(t).where(t.c.window_id == bindparam("window_id"), at_window_status())
              .order_by(t.c.called_at.desc()))
# The SET clause: every column given in the parameters (``_values``: all of them).
_SAVE = update(t).where(t.c.id == bindparam("ticket_id"), t.c.status == bindparam("expected_status"))
_SHAPES: dict[tuple, object] = {}  # (kind, the shape's parts) → statement
_MAX_SHAPES = 4096  # per window and queue combination: a hall has a few hundred


def _issue_in_one_statement():
    """PostgreSQL: draw the number, insert the ticket and its ``ticket_issued`` event in
    one statement (data-modifying CTEs), atomic on its own: one round trip instead of
    five (BEGIN, the draw, two inserts, COMMIT). The number is formatted as
    ``numbering.format_number`` does; the event's JSON text is the caller's with the
    number put in its place (``data_head`` + number + ``data_tail``)."""
    written = [c for c in _COLUMNS if c not in ("sequence", "number")]
    number = (f":prefix || CASE WHEN n.last_number < {10 ** MIN_DIGITS} "
              f"THEN lpad(n.last_number::text, {MIN_DIGITS}, '0') ELSE n.last_number::text END")
    sql = f"""
WITH n AS (
    INSERT INTO number_counters (service_day, prefix, last_number) VALUES (:service_day, :prefix, 1)
    ON CONFLICT (service_day, prefix) DO UPDATE SET last_number = number_counters.last_number + 1
    RETURNING last_number
), issued AS (
    INSERT INTO tickets ({", ".join(written)}, sequence, number)
    SELECT {", ".join(f":{c}" for c in written)}, n.last_number, {number} FROM n
    RETURNING id, sequence, number
), logged AS (
    INSERT INTO events (at, service_day, kind, actor, ticket_id, window_id, queue_id, data)
    SELECT :ev_at, :service_day, :ev_kind, :ev_actor, issued.id, NULL, :queue_id,
           :data_head || issued.number || :data_tail
    FROM issued
)
SELECT id, sequence, number FROM issued"""
    types = [bindparam(c, type_=t.c[c].type) for c in written]
    types += [bindparam("ev_at", type_=e.c.at.type), bindparam("data_head", type_=Text()),
              bindparam("data_tail", type_=Text())]
    return text(sql).bindparams(*types)


_ISSUE_PG = Prepared(_issue_in_one_statement())

# --- a counter's action in one statement ------------------------------------------------
_EVENT_COLUMNS = ("at", "service_day", "kind", "actor", "ticket_id", "window_id", "queue_id", "data")


def _data_of_row(template: str, marks: dict[str, str], source):
    """PostgreSQL: an event's JSON text (``json_text`` of its data) with the values the
    changed row gives put where ``marks`` (mark → column of ``source``) stand: a text
    column as a JSON string (a ticket's number: no character to escape), an integer as
    its digits."""
    pieces: list = [template]
    for mark, name in marks.items():
        column = source.c[name]
        value = (literal('"', Text()) + column + literal('"', Text())) if name == "number" else cast(column, Text())
        split = []
        for piece in pieces:
            if isinstance(piece, str):
                parts = piece.split(json_text(mark))
                for i, part in enumerate(parts):
                    if i:
                        split.append(value)
                    split.append(part)
            else:
                split.append(piece)
        pieces = split
    expr = None
    for piece in pieces:
        if isinstance(piece, str):
            if not piece:
                continue
            piece = literal(piece, Text())
        expr = piece if expr is None else expr + piece
    return expr


def _change_current(action: str, change: dict, guards: tuple[str, ...], pickup: bool, *,
                    postgres: bool, data: tuple[str, tuple[tuple[str, str], ...]] | None = None):
    """The ticket now at the window ``:window_id`` (the newest called, as ``at_window``
    picks it) changed as the core's ``at_window_change`` says, in one statement, without
    reading it first: only if its status is one ``action`` may start from
    (``TICKET_ACTIONS``), the window is the clerk's (``:clerk_id``; its row locked on
    PostgreSQL), it is a walk-in's no partner follows (no slot; no device or a kiosk),
    not of the pickup queue (``:pickup``, when the center has one) and, by ``guards``,
    has no rating and no decided case waiting for it. Returns the changed row, or no row.

    PostgreSQL: the event's insert in the same statement (``data``: the event's JSON
    text and its marks, ``_data_of_row``); it runs in autocommit: a change that waited
    for the ticket's row lock is checked again on the row as it then is."""
    current = (select(t.c.id).where(t.c.window_id == bindparam("window_id"), at_window_status())
               .order_by(t.c.called_at.desc()).limit(1).scalar_subquery())
    kiosks = select(cast(d.c.id, Text())).where(d.c.kind == "kiosk")
    where = [t.c.id == current, fixed_in(t.c.status, sorted(s.value for s in TICKET_ACTIONS[action])),
             t.c.slot_start.is_(None), or_(t.c.device_id.is_(None), t.c.device_id.in_(kiosks))]
    if postgres:
        where.append(select(w.c.window_id)
                     .where(w.c.window_id == bindparam("window_id"), w.c.clerk_id == bindparam("clerk_id"))
                     .with_for_update().exists())
    else:
        where.append(exists().where(w.c.window_id == bindparam("window_id"),
                                    w.c.clerk_id == bindparam("clerk_id")))
    if pickup:
        where.append(t.c.queue_id != bindparam("pickup", type_=t.c.queue_id.type))
    if "no_rating" in guards:
        where.append(~exists().where(r.c.ticket_id == t.c.id))
    if "no_pickup_case" in guards:
        where.append(~exists().where(c.c.pickup_ticket_id == t.c.id, c.c.status == "decided"))
    sets = {}
    for name, value in change.items():
        if isinstance(value, FirstSet):
            sets[name] = func.coalesce(*(t.c[n] for n in value.columns))
        elif isinstance(value, Increased):
            sets[name] = t.c[value.column] + 1
        else:
            sets[name] = bindparam(f"set_{name}", type_=t.c[name].type)
    changed = update(t).where(*where).values(sets).returning(*t.c)
    if not postgres:
        return changed
    changed = changed.cte("changed")
    template, marks = data
    logged = insert(e).from_select(_EVENT_COLUMNS, select(
        bindparam("ev_at", type_=e.c.at.type), bindparam("ev_service_day", type_=e.c.service_day.type),
        bindparam("ev_kind", type_=e.c.kind.type), bindparam("ev_actor", type_=e.c.actor.type), changed.c.id,
        changed.c.window_id, changed.c.queue_id, _data_of_row(template, dict(marks), changed),
    )).cte("logged")
    return select(changed).add_cte(logged)


def _call_in_one_statement(waiting_in, order, *, mine: bool = False):
    """The ticket the calling order picks for a window (``FOR UPDATE SKIP LOCKED``), if
    none is at the window now, called to it, and its ``ticket_called`` event inserted:
    one statement, the twin of ``next_waiting`` + ``Ticket.call`` + ``save`` + the event.
    The event's JSON is the caller's with the number put in its place (``data_head`` +
    number + ``data_tail``). Returns the called ticket's row, or no row. ``mine``: also
    only if the window is open and ``:clerk_id``'s (the checks of the window's read and
    ``ensure_can_call``, as SQLite's ``_call_in_one_update`` makes them), for a caller
    that has not read the window (``TicketRepository.call_next_pg_begun``)."""
    busy = exists().where(t.c.window_id == bindparam("window_id"), at_window_status())
    free = [~busy]
    if mine:
        free.append(exists().where(w.c.window_id == bindparam("window_id"),
                                   w.c.clerk_id == bindparam("clerk_id"),
                                   w.c.status == WindowStatus.OPEN.value))
    pick = (select(t.c.id).where(*waiting_in, *free).order_by(*order).limit(1)
            .with_for_update(skip_locked=True).scalar_subquery())
    called = (update(t).where(t.c.id == pick, t.c.status == TicketStatus.WAITING.value)
              .values(status=TicketStatus.CALLED.value, window_id=bindparam("window_id"),
                      clerk_id=bindparam("clerk_id"), called_at=bindparam("now", type_=t.c.called_at.type))
              .returning(*t.c).cte("called"))
    logged = insert(e).from_select(_EVENT_COLUMNS, select(
        bindparam("now", type_=e.c.at.type), bindparam("ev_service_day", type_=e.c.service_day.type),
        literal("ticket_called"), bindparam("ev_actor", type_=e.c.actor.type), called.c.id,
        bindparam("window_id", type_=e.c.window_id.type), called.c.queue_id,
        bindparam("data_head", type_=Text()) + called.c.number + bindparam("data_tail", type_=Text()),
    )).cte("logged")
    return select(called).add_cte(logged)


def _call_in_one_update(waiting_in, order):
    """SQLite, under the writer lock (one writer at a time): the ticket the calling order
    picks for a window called to it, in one ``UPDATE … RETURNING``, only if the window is
    open, the clerk's (``:clerk_id``) and has no ticket at it: the twin of the window's
    read, ``ensure_can_call``, ``next_waiting``, ``Ticket.call`` and ``save``. Returns the
    called ticket's row, or no row (then the steps say why)."""
    busy = exists().where(t.c.window_id == bindparam("window_id"), at_window_status())
    mine = exists().where(w.c.window_id == bindparam("window_id"), w.c.clerk_id == bindparam("clerk_id"),
                          w.c.status == WindowStatus.OPEN.value)
    pick = select(t.c.id).where(*waiting_in).order_by(*order).limit(1).scalar_subquery()
    return (update(t).where(t.c.id == pick, t.c.status == TicketStatus.WAITING.value, mine, ~busy)
            .values(status=TicketStatus.CALLED.value, window_id=bindparam("window_id"),
                    clerk_id=bindparam("clerk_id"), called_at=bindparam("now", type_=t.c.called_at.type))
            .returning(*t.c))


def begin_with_window_locked(conn: Connection, window_id: str) -> None:
    """PostgreSQL, on a connection in autocommit: BEGIN and the window's row locked
    (``FOR UPDATE``) in one round trip: the two statements in one simple query, the
    window's id quoted by the driver as a literal (a parameter would need the extended
    protocol: one statement a round trip). The statements after it run in that
    transaction, each with its own snapshot taken once the lock is held; the caller ends
    it (``end_transaction``)."""
    from psycopg import sql as pg_sql  # PostgreSQL's driver, only ever on its connections

    fairy = conn.connection
    dbapi = fairy.dbapi_connection
    sql = _BEGIN_LOCK_WINDOW % pg_sql.Literal(window_id).as_string(dbapi)
    cursor = cursor_of(fairy)
    execute_on(conn, cursor, sql, prepare=False)  # never prepared: two statements
    cursor.nextset()  # the SELECT's rows (the lock), none read


def end_transaction(conn: Connection, *, commit: bool) -> None:
    """End the transaction ``begin_with_window_locked`` began: COMMIT or ROLLBACK."""
    execute_on(conn, cursor_of(conn.connection), "COMMIT" if commit else "ROLLBACK")


_BEGIN_LOCK_WINDOW = "BEGIN; SELECT 1 FROM window_states WHERE window_id = %s FOR UPDATE"
assert w.name == "window_states"


def _shaped(key: tuple, build):
    """The statement of this shape, built on first use."""
    stmt = _SHAPES.get(key)
    if stmt is None:
        if len(_SHAPES) >= _MAX_SHAPES:
            _SHAPES.clear()
        stmt = _SHAPES[key] = build()
    return stmt


def _newcomer_bound(ticket: Ticket, context: CallContext,
                    order: Sequence[SortTerm]) -> tuple[str, bool, object] | None:
    """A ticket about to be issued comes after every waiting ticket on its first term with
    no value yet (its issue time): ``called_before``'s predicate then collapses, from the
    back, through each term where the newcomer has the last value (a slot not reached,
    descending), to one bound on a single column: (column, descending, its value), e.g.
    ``priority >= 0`` for a walk-in — a count the waiting-line index answers alone. None
    when the order does not collapse so (then the full predicate is used)."""
    values = []
    for term in order:
        if isinstance(term.source, QueueRank):
            continue  # one queue: the same rank on every row
        mine = term_value(term.source, ticket, context)
        if mine is None:
            if not isinstance(term.source, Field):
                return None
            break
        values.append((term, mine))
    else:
        return None  # never "after every ticket": no collapse
    while values:
        term, mine = values.pop()
        if isinstance(term.source, Reached) and term.descending and mine == 0:
            continue  # the newcomer's value is the last there is: this term is always met
        if isinstance(term.source, Field) and not values:
            return term.source.name, term.descending, mine
        return None
    return None


def _count_waiting_bound(name: str, descending: bool):
    column = t.c[name]
    bound = column >= bindparam("mine", type_=column.type) if descending else (
        column <= bindparam("mine", type_=column.type))
    return (select(func.count()).select_from(t)
            .where(t.c.status == TicketStatus.WAITING.value, t.c.queue_id == bindparam("queue_id"),
                   t.c.service_day == bindparam("day"), bound))


def _draw_and_count(name: str, descending: bool):
    """SQLite: the number counter's upsert (``numbering._upsert``) returning, beside the
    number, the count of ``_count_waiting_bound`` (a subquery in ``RETURNING``, which
    SQLite 3.35+ evaluates like any other; the counter's row is no ticket, so the count
    is the one the two steps would give)."""
    counted = _count_waiting_bound(name, descending).scalar_subquery()
    stmt = sqlite_insert(nc).values(service_day=bindparam("day"), prefix=bindparam("prefix"), last_number=1)
    return stmt.on_conflict_do_update(
        index_elements=[nc.c.service_day, nc.c.prefix],
        set_={"last_number": nc.c.last_number + 1},
    ).returning(nc.c.last_number, counted)


def _values(ticket: Ticket) -> dict:
    values = {name: getattr(ticket, name) for name in _COLUMNS}
    values["status"] = ticket.status.value
    values["outcome"] = ticket.outcome.value if ticket.outcome else None
    return values


class TicketRepository:
    """``order``: the calling policy's terms; always ``CALL_ORDER`` but in the property test."""

    def __init__(self, conn: Connection, order: Sequence[SortTerm] = CALL_ORDER) -> None:
        self.conn = conn
        self.order = tuple(order)
        self.is_postgres = conn.dialect.name == "postgresql"

    def add(self, ticket: Ticket) -> Ticket:
        ticket.id = _ADD.scalar(self.conn, _values(ticket))
        return ticket

    def log_issued(self, record: dict) -> None:
        """The ``ticket_issued`` event's row (``facts.record_of``) of a ticket no partner
        follows: as ``EventLog.append`` writes it, without the outbox's look (it has nothing
        to note for such a ticket)."""
        _LOG_EVENT.rows(self.conn, record)

    def log_event(self, record: dict) -> None:
        """One event's row (``facts.record_of``) as ``EventLog.append`` writes it, on the
        driver's cursor; the caller tells the event log's observers (the outbox)."""
        _LOG_EVENT.rows(self.conn, record)

    def add_issued_pg(self, ticket: Ticket, kind: str, actor: str, data: dict) -> Ticket:
        """PostgreSQL, on a connection in autocommit: the number drawn, the ticket and its
        issue event (``kind``, ``actor``, ``data`` without the number) written in one
        atomic statement; sets the ticket's id, sequence and number."""
        marker = "\x00number\x00"
        data_text = json_text({"number": marker, **data})
        head, tail = data_text.split(json_text(marker), 1)
        params = {**_values(ticket), "ev_at": ticket.issued_at, "ev_kind": kind, "ev_actor": actor,
                  "data_head": head + '"', "data_tail": '"' + tail}
        (row,) = _ISSUE_PG.rows(self.conn, params)
        ticket.id, ticket.sequence, ticket.number = row
        return ticket

    def save(self, ticket: Ticket, expected_status: TicketStatus) -> None:
        """Write the ticket back only if its status is still ``expected_status``."""
        result = self.conn.execute(_SAVE, {**_values(ticket), "ticket_id": ticket.id,
                                           "expected_status": expected_status.value})
        if result.rowcount != 1:
            raise ConcurrentUpdateError(f"ticket {ticket.number} changed concurrently")

    def change_current(self, action: str, change: dict, *, window_id: str, clerk_id: int,
                       pickup: str | None, guards: tuple[str, ...] = (), event: dict | None = None,
                       data: tuple[str, tuple[tuple[str, str], ...]] | None = None) -> Ticket | None:
        """The ticket at the window changed by ``change`` (``at_window_change``) in one
        statement on the conditions of ``_change_current``; the changed ticket, or None
        when nothing was written. PostgreSQL, in autocommit: with its event's row
        (``event``: ``ev_at``, ``ev_service_day``, ``ev_kind``, ``ev_actor``; ``data``: the
        event's JSON text with marks, ``_data_of_row``). SQLite: the caller writes the
        event's row in the same unit of work."""
        postgres = self.is_postgres
        stmt = _shaped(("current", action, tuple(change), guards, pickup is not None, postgres, data),
                       lambda: Prepared(_change_current(action, change, guards, pickup is not None,
                                                        postgres=postgres, data=data)))
        params = {f"set_{name}": value.value if isinstance(value, Enum) else value
                  for name, value in change.items() if not isinstance(value, FirstSet | Increased)}
        params.update(window_id=window_id, clerk_id=clerk_id, pickup=pickup)
        if event:
            params.update(event)
        rows = stmt.fetch_dicts(self.conn, params)
        return ticket_of(rows[0]) if rows else None

    def call_next_sqlite(self, queue_ids: Sequence[str], day: date, *, now: datetime, window_id: str,
                         clerk_id: int) -> Ticket | None:
        """SQLite, in a unit of work (the writer lock held): call the ticket the calling
        order picks for the window, if the window is open, ``clerk_id``'s and free, in one
        statement (``_call_in_one_update``); None when nothing was called."""
        return self._call_in_one(_call_in_one_update, "call_sqlite", queue_ids, now, {
            "day": day, "now": now, "window_id": window_id, "clerk_id": clerk_id})

    def call_next_pg(self, queue_ids: Sequence[str], day: date, *, now: datetime, window_id: str,
                     clerk_id: int | None, actor: str, number_json: tuple[str, str]) -> Ticket | None:
        """PostgreSQL: call the ticket the calling order picks for the window, unless a
        ticket is at the window, in one statement (``_call_in_one_statement``); None when
        nothing was called (nobody waiting, every one locked, or the window busy)."""
        return self._call_in_one(_call_in_one_statement, "call", queue_ids, now, {
            "day": day, "now": now, "window_id": window_id, "clerk_id": clerk_id,
            "ev_service_day": day, "ev_actor": actor,
            "data_head": number_json[0], "data_tail": number_json[1]})

    def call_next_pg_begun(self, queue_ids: Sequence[str], day: date, *, now: datetime, window_id: str,
                           clerk_id: int, actor: str, number_json: tuple[str, str]) -> Ticket | None:
        """PostgreSQL, on a connection in autocommit: a transaction begun and the window's
        row locked in one round trip (``begin_with_window_locked``), then the call of
        ``call_next_pg`` in one statement, only if the window is open, ``clerk_id``'s and
        free. The transaction is left open: the caller ends it (``end_transaction``), with
        or without a ticket called. None when nothing was called."""
        if not queue_ids:
            return None
        begin_with_window_locked(self.conn, window_id)
        return self._call_in_one(partial(_call_in_one_statement, mine=True), "call_mine", queue_ids, now, {
            "day": day, "now": now, "window_id": window_id, "clerk_id": clerk_id,
            "ev_service_day": day, "ev_actor": actor,
            "data_head": number_json[0], "data_tail": number_json[1]})

    def _call_in_one(self, make, kind: str, queue_ids: Sequence[str], now: datetime,
                     params: dict) -> Ticket | None:
        """Run the dialect's one-statement call (``make``: its builder over the waiting
        tickets of the queues and the calling order), compiled once per order and queues."""
        if not queue_ids:
            return None
        queue_ids = tuple(queue_ids)

        def build():
            context = CallContext(queue_ids, now)
            return Prepared(make(self._waiting_in(queue_ids), order_by(context, self.order)))

        rows = _shaped((kind, self.order, queue_ids), build).fetch_dicts(self.conn, params)
        return ticket_of(rows[0]) if rows else None

    def get(self, ticket_id: int) -> Ticket | None:
        row = self.conn.execute(_BY_ID, {"ticket_id": ticket_id}).first()
        return row_to_ticket(row) if row else None

    def get_by_token(self, token: str) -> Ticket | None:
        row = self.conn.execute(_BY_TOKEN, {"token": token}).first()
        return row_to_ticket(row) if row else None

    def get_by_idempotency_key(self, day: date, key: str) -> Ticket | None:
        row = self.conn.execute(_BY_IDEMPOTENCY_KEY, {"day": day, "key": key}).first()
        return row_to_ticket(row) if row else None

    def at_window(self, window_id: str) -> Ticket | None:
        """The ticket now called to or served at the window, if any."""
        row = self.conn.execute(_AT_WINDOW, {"window_id": window_id}).first()
        return row_to_ticket(row) if row else None

    def at_windows(self) -> dict[str, Ticket]:
        rows = self.conn.execute(
            select(t).where(t.c.status.in_([s.value for s in AT_WINDOW_STATUSES]))
        ).all()
        return {ticket.window_id: ticket for ticket in map(row_to_ticket, rows) if ticket.window_id}

    # --- the calling policy (queueing.policy.CALL_ORDER, written as SQL by call_order) ---
    def _waiting_in(self, queue_ids: Sequence[str]):
        """Waiting on the day ``:day`` in these queues (the queue ids are the statement's)."""
        return (t.c.status == TicketStatus.WAITING.value, fixed_in(t.c.queue_id, queue_ids),
                t.c.service_day == bindparam("day"))

    def _in_order(self, queue_ids: tuple[str, ...], limit: int | None, lock: bool, now: datetime):
        def build():  # ``now`` is a parameter of the statement; given here for the check
            stmt = (select(t).where(*self._waiting_in(queue_ids))
                    .order_by(*order_by(CallContext(queue_ids, now), self.order)))
            if limit is not None:
                stmt = stmt.limit(limit)
            return stmt.with_for_update(skip_locked=True) if lock else stmt

        return _shaped(("in_order", self.order, queue_ids, limit, lock), build)

    def next_waiting(self, queue_ids: Sequence[str], day: date, *, now: datetime,
                     skip_locked: bool) -> Ticket | None:
        """The ticket the calling policy picks for a window, locked on PostgreSQL."""
        if not queue_ids:
            return None
        stmt = self._in_order(tuple(queue_ids), 1, self.is_postgres and skip_locked, now)
        row = self.conn.execute(stmt, {"day": day, "now": now}).first()
        return row_to_ticket(row) if row else None

    def waiting(self, queue_ids: Sequence[str], day: date, limit: int | None = None, *,
                now: datetime) -> list[Ticket]:
        """Waiting tickets of these queues in calling order."""
        if not queue_ids:
            return []
        stmt = self._in_order(tuple(queue_ids), limit, False, now)
        return [row_to_ticket(r) for r in self.conn.execute(stmt, {"day": day, "now": now})]

    def waiting_rows(self, queue_ids: Sequence[str], day: date, *, now: datetime,
                     light: bool = False) -> list[Row]:
        """``waiting`` as rows (``row_to_ticket`` makes one a ticket): the publisher reads a
        whole line at every call and builds a ticket only from a row it has not seen.
        ``light``: only ``WAITING_KEY`` (no times to convert), in the same order."""
        if not queue_ids:
            return []
        queue_ids = tuple(queue_ids)
        stmt = (_shaped(("in_order_light", self.order, queue_ids), lambda: (
            select(*(t.c[name] for name in WAITING_KEY)).where(*self._waiting_in(queue_ids))
            .order_by(*order_by(CallContext(queue_ids, now), self.order))))
            if light else self._in_order(queue_ids, None, False, now))
        return self.conn.execute(stmt, {"day": day, "now": now}).all()

    def ahead_count(self, ticket: Ticket, *, now: datetime) -> int:
        """Waiting tickets of the ticket's queue that the policy calls before it."""
        context = CallContext((ticket.queue_id,), now)
        values = called_before_values(ticket, context, self.order)
        has_id = ticket.id is not None

        def build():
            where = [*self._waiting_in(context.queue_ids), called_before(ticket, context, self.order)]
            if has_id:
                where.append(t.c.id != bindparam("ticket_id"))
            return select(func.count()).select_from(t).where(*where)

        shape = ("ahead", self.order, ticket.queue_id, has_id,
                 tuple((k, v is None) for k, v in values.items()))
        params = {**values, "day": ticket.service_day, "ticket_id": ticket.id}
        return self.conn.execute(_shaped(shape, build), params).scalar_one()

    def ahead_of_new(self, queue_id: str, day: date, priority: int, *, now: datetime,
                     slot_start: datetime | None = None) -> int:
        """Waiting tickets of a queue called before a ticket about to be issued to it."""
        ticket = newcomer(queue_id, day, priority, slot_start)
        simple = _newcomer_bound(ticket, CallContext((queue_id,), now), self.order)
        if simple is None:
            return self.ahead_count(ticket, now=now)
        name, descending, mine = simple
        stmt = _shaped(("ahead_new", name, descending), lambda: Prepared(_count_waiting_bound(name, descending)))
        return stmt.scalar(self.conn, {"queue_id": queue_id, "day": day, "mine": mine})

    def draw_and_count_sqlite(self, queue_id: str, day: date, prefix: str, priority: int, *,
                              now: datetime, slot_start: datetime | None = None) -> tuple[int, int] | None:
        """SQLite, in a unit of work (under the writer lock): the day's next number for
        ``prefix`` drawn (``NumberCounter.next``) and, in the same statement, the waiting
        tickets called before a ticket about to be issued to the queue counted
        (``ahead_of_new``): the counter's upsert returns the count beside the number, one
        call into SQLite instead of two. (number, ahead); None when the calling order does
        not collapse to one bound for the newcomer (then the two steps run)."""
        ticket = newcomer(queue_id, day, priority, slot_start)
        simple = _newcomer_bound(ticket, CallContext((queue_id,), now), self.order)
        if simple is None:
            return None
        name, descending, mine = simple
        stmt = _shaped(("draw_and_count", name, descending),
                       lambda: Prepared(_draw_and_count(name, descending)))
        ((number, ahead),) = stmt.rows(self.conn, {"day": day, "prefix": prefix, "queue_id": queue_id,
                                                    "mine": mine})
        return number, ahead

    def waiting_summary(self, day: date) -> dict[str, tuple[int, object]]:
        """queue_id → (waiting count, earliest issue time) for the day."""
        rows = self.conn.execute(
            select(t.c.queue_id, func.count(), func.min(t.c.issued_at))
            .where(t.c.status == TicketStatus.WAITING.value, t.c.service_day == day)
            .group_by(t.c.queue_id)
        ).all()
        return {queue_id: (count, earliest) for queue_id, count, earliest in rows}

    def served_counts(self, day: date) -> dict[str, int]:
        rows = self.conn.execute(
            select(t.c.queue_id, func.count())
            .where(t.c.status == TicketStatus.DONE.value, t.c.service_day == day)
            .group_by(t.c.queue_id)
        ).all()
        return dict(rows)

    def recent_service_times(self, limit_per_queue: int = 20) -> dict[str, list[float]]:
        """queue_id → the most recent service durations in seconds (oldest first)."""
        rows = self.conn.execute(
            select(t.c.queue_id, t.c.started_at, t.c.finished_at)
            # finished_at IS NOT NULL: true of every done ticket, and what lets the
            # partial index of finished tickets (0011) answer
            .where(t.c.status == TicketStatus.DONE.value, t.c.started_at.is_not(None),
                   t.c.finished_at.is_not(None))
            .order_by(t.c.finished_at.desc())
            .limit(limit_per_queue * 80)
        ).all()
        result: dict[str, list[float]] = {}
        for queue_id, started, finished in rows:
            bucket = result.setdefault(queue_id, [])
            if len(bucket) < limit_per_queue:
                bucket.append((finished - started).total_seconds())
        for bucket in result.values():
            bucket.reverse()
        return result

    def open_before(self, day: date, limit: int) -> list[Ticket]:
        """Waiting or called tickets of service days before ``day``."""
        rows = self.conn.execute(
            select(t)
            .where(t.c.service_day < day,
                   t.c.status.in_([TicketStatus.WAITING.value, TicketStatus.CALLED.value]))
            .order_by(t.c.id)
            .limit(limit)
        )
        return [row_to_ticket(r) for r in rows]

    def get_by_number(self, day: date, number: str) -> Ticket | None:
        row = self.conn.execute(
            select(t).where(t.c.service_day == day, t.c.number == number)
        ).first()
        return row_to_ticket(row) if row else None
