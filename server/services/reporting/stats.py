"""Figures from the event log: one fact per ticket, folded from its events.

Every statistic of the hub starts here. The events of a ticket (issued, called,
recalled, started, finished, no-show, transferred, cancelled; see ``queueing.events``)
are folded in order into one *fact*: when it was issued (hour and weekday in the
center's time zone), in which queue it ended, at which window and by which clerk it was
served, how long the visitor waited (issue → first call) and was served (start, or
call when the clerk never pressed Start, → finish), its outcome and the wait the hub
quoted at issue.

A ticket belongs to the service day of its issue, even when it is finished after
midnight. Facts of *closed* days (older than yesterday) are stored once in
``ticket_facts`` (with the day in ``stats_days``) so that a year's report reads 300,000
narrow rows instead of 1.5 million events; today's and yesterday's are folded fresh on
every request. ``GET /api/v1/stats`` is ``day_stats``; reports (``reports.py``) use
the same facts and the same ``figures``, so they always agree.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict, namedtuple
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from server.db.tables import events as e
from server.db.tables import stats_days, ticket_facts
from server.queueing.tickets import TicketStatus

from ..hub import Hub
from .cooperate import pause

TICKET_EVENT_KINDS = (
    "ticket_issued", "ticket_called", "ticket_recalled", "service_started", "ticket_finished",
    "ticket_no_show", "ticket_transferred", "ticket_cancelled",
)
FRESH_DAYS = 2  # today and yesterday are always folded from the events
BUILD_CHUNK_DAYS = 31
FACT_COLUMNS = tuple(c.name for c in ticket_facts.columns)


# --- folding ---------------------------------------------------------------------------
@dataclass(slots=True)
class Fact:
    ticket_id: int
    service_day: date
    number: str | None
    hour: int
    weekday: int
    matter_id: str | None
    unit_id: str | None
    first_queue_id: str | None
    queue_id: str | None
    issued_at: datetime
    quoted_wait_s: int | None
    priority: int = 0
    window_id: str | None = None
    clerk_id: int | None = None
    status: str = TicketStatus.WAITING.value
    outcome: str | None = None
    called_at: datetime | None = None  # the latest call
    started_at: datetime | None = None
    finished_at: datetime | None = None
    wait_s: int | None = None  # issue → first call
    service_s: int | None = None
    transfers: int = 0
    recalls: int = 0

    def row(self) -> dict:
        return {name: getattr(self, name) for name in FACT_COLUMNS}


def _clerk_id(actor: str | None) -> int | None:
    kind, _, ident = (actor or "").partition(":")
    return int(ident) if kind == "user" and ident.isdigit() else None


def _seconds(later: datetime, earlier: datetime) -> int:
    return max(0, round((later - earlier).total_seconds()))


def fold_events(rows, hub: Hub) -> dict[int, Fact]:
    """Fold event rows (ordered by id) into facts, keyed by ticket id.

    Rows need ``kind, at, service_day, actor, ticket_id, window_id, queue_id, data``.
    Events of a ticket whose issue is not among the rows are ignored.
    """
    center, tz = hub.center, hub.tz
    facts: dict[int, Fact] = {}
    for row in rows:
        kind, at, ticket_id = row.kind, row.at, row.ticket_id
        data = row.data or {}
        if kind == "ticket_issued":
            local = at.astimezone(tz)
            matter = center.matters.get(data.get("matter_id"))
            facts[ticket_id] = Fact(
                ticket_id=ticket_id, service_day=row.service_day, number=data.get("number"),
                hour=local.hour, weekday=local.weekday(), matter_id=data.get("matter_id"),
                unit_id=matter.unit_id if matter else None, first_queue_id=row.queue_id,
                queue_id=row.queue_id, issued_at=at, quoted_wait_s=data.get("quoted_wait_s"),
                priority=data.get("priority") or 0,
            )
            continue
        fact = facts.get(ticket_id)
        if fact is None:
            continue
        if kind == "ticket_called":
            if fact.wait_s is None:
                fact.wait_s = _seconds(at, fact.issued_at)
            fact.status = TicketStatus.CALLED.value
            fact.called_at = at
            fact.started_at = None
            fact.window_id = row.window_id
            fact.clerk_id = _clerk_id(row.actor)
        elif kind == "ticket_recalled":
            fact.recalls += 1
        elif kind == "service_started":
            fact.status = TicketStatus.SERVING.value
            fact.started_at = at
        elif kind == "ticket_finished":
            fact.status = TicketStatus.DONE.value
            fact.outcome = data.get("outcome")
            fact.finished_at = at
            began = fact.started_at or fact.called_at
            fact.service_s = _seconds(at, began) if began else None
        elif kind == "ticket_no_show":
            fact.status = TicketStatus.NO_SHOW.value
            fact.finished_at = at
        elif kind == "ticket_transferred":
            fact.status = TicketStatus.WAITING.value
            fact.transfers += 1
            fact.queue_id = data.get("to_queue") or row.queue_id
            fact.called_at = fact.started_at = None
        elif kind == "ticket_cancelled":
            fact.status = TicketStatus.CANCELLED.value
            fact.finished_at = at
    return facts


def _fold_days(hub: Hub, conn, first: date, last: date) -> list[Fact]:
    """Facts of the tickets issued from ``first`` to ``last``, fresh from the events."""
    rows = conn.execute(
        select(e.c.kind, e.c.at, e.c.service_day, e.c.actor, e.c.ticket_id, e.c.window_id,
               e.c.queue_id, e.c.data)
        .where(e.c.service_day >= first, e.c.service_day <= last + timedelta(days=1),
               e.c.kind.in_(TICKET_EVENT_KINDS))
        .order_by(e.c.id)
    )
    facts = fold_events(rows, hub)
    return [f for f in facts.values() if first <= f.service_day <= last]


# --- stored facts of closed days --------------------------------------------------------
def closed_until(hub: Hub) -> date:
    """The last service day whose facts may be stored (nothing can change them now)."""
    return hub.today() - timedelta(days=FRESH_DAYS)


def build_facts(hub: Hub, first: date, last: date) -> int:
    """Fold and store the facts of every closed day from ``first`` to ``last`` not yet
    stored; return how many days were built. Safe to run from several hubs at once."""
    last = min(last, closed_until(hub))
    if last < first:
        return 0
    with hub.reading() as repos:
        done = set(repos.conn.execute(
            select(stats_days.c.service_day)
            .where(stats_days.c.service_day >= first, stats_days.c.service_day <= last)
        ).scalars())
    missing = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    missing = [d for d in missing if d not in done]
    built = 0
    while missing:
        chunk_first = missing[0]
        chunk = [d for d in missing if d < chunk_first + timedelta(days=BUILD_CHUNK_DAYS)]
        missing = missing[len(chunk):]
        chunk_last, wanted = chunk[-1], set(chunk)
        with hub.reading() as repos:
            facts = [f for f in _fold_days(hub, repos.conn, chunk_first, chunk_last)
                     if f.service_day in wanted]
        counts = {d: 0 for d in chunk}
        for fact in facts:
            counts[fact.service_day] += 1
        now = hub.now()
        try:
            with hub.uow() as uow:
                uow.conn.execute(delete(ticket_facts).where(ticket_facts.c.service_day.in_(chunk)))
                if facts:
                    uow.conn.execute(insert(ticket_facts), [f.row() for f in facts])
                uow.conn.execute(insert(stats_days), [
                    {"service_day": d, "built_at": now, "tickets": n} for d, n in counts.items()])
                uow.commit()
            built += len(chunk)
        except IntegrityError:
            continue  # another hub stored these days at the same moment
    return built


FETCH_CHUNK = 20_000
RAW_COLUMNS = frozenset({"hour", "weekday", "matter_id", "unit_id", "first_queue_id", "queue_id",
                         "window_id", "clerk_id", "status", "outcome", "priority", "wait_s", "service_s",
                         "quoted_wait_s", "transfers", "recalls", "number", "ticket_id"})


def _stored_facts(conn, columns: tuple[str, ...], first: date, last: date, positional: bool) -> list:
    """Stored facts of closed days. Columns of plain ints and strings are read through the
    driver's own cursor: half the time of building 300,000 SQLAlchemy rows."""
    if not set(columns) <= RAW_COLUMNS:  # dates and times: let SQLAlchemy convert them
        return conn.execute(
            select(*(ticket_facts.c[name] for name in columns))
            .where(ticket_facts.c.service_day >= first, ticket_facts.c.service_day <= last)
        ).all()
    record = namedtuple("FactRecord", columns)
    sqlite = conn.dialect.name == "sqlite"
    marker = "?" if sqlite else "%s"
    sql = (f"SELECT {', '.join(columns)} FROM ticket_facts "  # names from RAW_COLUMNS only
           f"WHERE service_day >= {marker} AND service_day <= {marker}")
    params = (first.isoformat(), last.isoformat()) if sqlite else (first, last)
    cursor = conn.connection.dbapi_connection.cursor()
    rows: list = []
    try:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(FETCH_CHUNK):
            rows.extend(chunk)
            pause()  # a year is 300,000 rows: let the hub answer calls in between
    finally:
        cursor.close()
    return rows if positional else list(map(record._make, rows))


def facts_between(hub: Hub, first: date, last: date, columns: tuple[str, ...] = FACT_COLUMNS, *,
                  positional: bool = False) -> list:
    """Facts of the tickets issued from ``first`` to ``last``: rows with these columns,
    readable by position (``fact[1]``) and, unless ``positional``, by attribute (``fact.wait_s``)."""
    boundary = closed_until(hub)
    result: list = []
    if first <= boundary:
        stored_last = min(last, boundary)
        build_facts(hub, first, stored_last)
        with hub.reading() as repos:
            result.extend(_stored_facts(repos.conn, columns, first, stored_last, positional))
    fresh_first = max(first, boundary + timedelta(days=1))
    if fresh_first <= last:
        record = namedtuple("FactRecord", columns)
        with hub.reading() as repos:
            fresh = sorted(_fold_days(hub, repos.conn, fresh_first, last), key=lambda f: f.ticket_id)
        result.extend(record(*(getattr(f, name) for name in columns)) for f in fresh)
    return result


def days_with_tickets(hub: Hub, first: date, last: date) -> list[date]:
    """The service days from ``first`` to ``last`` on which tickets were issued."""
    boundary = closed_until(hub)
    days: list[date] = []
    if first <= boundary:
        stored_last = min(last, boundary)
        build_facts(hub, first, stored_last)
        with hub.reading() as repos:
            days += repos.conn.execute(
                select(stats_days.c.service_day)
                .where(stats_days.c.service_day >= first, stats_days.c.service_day <= stored_last,
                       stats_days.c.tickets > 0).order_by(stats_days.c.service_day)).scalars().all()
    fresh_first = max(first, boundary + timedelta(days=1))
    if fresh_first <= last:
        with hub.reading() as repos:
            days += repos.conn.execute(
                select(e.c.service_day).where(e.c.service_day >= fresh_first, e.c.service_day <= last,
                                              e.c.kind == "ticket_issued")
                .distinct().order_by(e.c.service_day)).scalars().all()
    return days


# --- figures ----------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile (p in 0..100) of values already sorted."""
    if not values:
        return None
    rank = max(1, math.ceil(p / 100 * len(values)))
    return values[rank - 1]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


TALLY_COLUMNS = ("status", "wait_s", "service_s", "outcome", "transfers")


def figures(rows) -> dict:
    """The figures of a group of facts whose first columns are ``TALLY_COLUMNS``.

    Columnar on purpose: a year's report tallies 300,000 facts, one pass per figure.
    """
    statuses = Counter(r[0] for r in rows)
    outcomes = Counter(r[3] for r in rows if r[0] == "done")
    waits = sorted(r[1] for r in rows if r[1] is not None)
    services = sorted(r[2] for r in rows if r[0] == "done" and r[2] is not None)
    served = statuses["done"]
    return {
        "issued": len(rows),
        "called": len(waits),
        "served": served,
        "no_show": statuses["no_show"],
        "cancelled": statuses["cancelled"],
        "waiting": statuses["waiting"],
        "transfers": sum(r[4] for r in rows),
        "avg_wait_s": _round(sum(waits) / len(waits)) if waits else None,
        "median_wait_s": _round(statistics.median(waits)) if waits else None,
        "p90_wait_s": _round(percentile(waits, 90)),
        "max_wait_s": waits[-1] if waits else None,
        "avg_service_s": _round(sum(services) / len(services)) if services else None,
        "median_service_s": _round(statistics.median(services)) if services else None,
        "completed_on_spot": outcomes["completed"],
        "accepted": outcomes["accepted"],
        "returned": outcomes["returned"],
        "on_spot_share": round(outcomes["completed"] / served, 4) if served else None,
    }


def group_by(rows, index: int) -> dict:
    """Rows grouped by the value at ``index`` (None left out), in first-seen order."""
    groups: dict = defaultdict(list)
    for row in rows:
        groups[row[index]].append(row)
    groups.pop(None, None)
    return groups


def day_stats(hub: Hub, day: date) -> dict:
    """``GET /api/v1/stats``: the figures of one service day, by queue and by window."""
    rows = facts_between(hub, day, day, TALLY_COLUMNS + ("queue_id", "window_id"), positional=True)
    queue_index, window_index = len(TALLY_COLUMNS), len(TALLY_COLUMNS) + 1
    by_queue, by_window = group_by(rows, queue_index), group_by(rows, window_index)
    center = hub.center
    queue_order = [q for q in center.queues if q in by_queue] + sorted(
        q for q in by_queue if q not in center.queues)
    window_order = [w for w in center.windows if w in by_window] + sorted(
        w for w in by_window if w not in center.windows)
    return {
        "date": day.isoformat(),
        **figures(rows),
        "by_queue": [
            {"queue_id": q, "name": center.queues[q].name if q in center.queues else q,
             **figures(by_queue[q])}
            for q in queue_order
        ],
        "by_window": [
            {"window_id": w, "number": center.windows[w].number if w in center.windows else None,
             "name": center.windows[w].name if w in center.windows else w,
             **figures(by_window[w])}
            for w in window_order
        ],
    }
