"""Figures from the event log: one fact per ticket, folded from its events.

Every statistic of the hub starts here. The events of a ticket are folded in order
into one *fact* by the core's pure ``queueing.facts.fold`` (what a fact holds is
written there); this module reads the events, stores and reads facts, and tallies them.

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
from datetime import date, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from server.db.tables import events as e
from server.db.tables import stats_days, ticket_facts
from server.queueing.events import TICKET_EVENT_KINDS, TicketIssued
from server.queueing.facts import Fact, fold
from server.queueing.tickets import Outcome, TicketStatus

from ..hub import Hub
from .cooperate import pause

FRESH_DAYS = 2  # today and yesterday are always folded from the events
BUILD_CHUNK_DAYS = 31
FACT_COLUMNS = tuple(c.name for c in ticket_facts.columns)


def fact_row(fact: Fact) -> dict:
    """A fact as a row of ``ticket_facts``."""
    return {name: getattr(fact, name) for name in FACT_COLUMNS}


def _fold_days(hub: Hub, conn, first: date, last: date) -> list[Fact]:
    """Facts of the tickets issued from ``first`` to ``last``, fresh from the events."""
    rows = conn.execute(
        select(e.c.kind, e.c.at, e.c.service_day, e.c.actor, e.c.ticket_id, e.c.window_id,
               e.c.queue_id, e.c.data)
        .where(e.c.service_day >= first, e.c.service_day <= last + timedelta(days=1),
               e.c.kind.in_(TICKET_EVENT_KINDS))
        .order_by(e.c.id)
    )
    facts = fold(rows, hub.center, hub.tz)
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
                    uow.conn.execute(insert(ticket_facts), [fact_row(f) for f in facts])
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
                                              e.c.kind == TicketIssued.kind)
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
    done = TicketStatus.DONE.value
    statuses = Counter(r[0] for r in rows)
    outcomes = Counter(r[3] for r in rows if r[0] == done)
    waits = sorted(r[1] for r in rows if r[1] is not None)
    services = sorted(r[2] for r in rows if r[0] == done and r[2] is not None)
    served = statuses[done]
    return {
        "issued": len(rows),
        "called": len(waits),
        "served": served,
        "no_show": statuses[TicketStatus.NO_SHOW.value],
        "cancelled": statuses[TicketStatus.CANCELLED.value],
        "waiting": statuses[TicketStatus.WAITING.value],
        "transfers": sum(r[4] for r in rows),
        "avg_wait_s": _round(sum(waits) / len(waits)) if waits else None,
        "median_wait_s": _round(statistics.median(waits)) if waits else None,
        "p90_wait_s": _round(percentile(waits, 90)),
        "max_wait_s": waits[-1] if waits else None,
        "avg_service_s": _round(sum(services) / len(services)) if services else None,
        "median_service_s": _round(statistics.median(services)) if services else None,
        "completed_on_spot": outcomes[Outcome.COMPLETED.value],
        "accepted": outcomes[Outcome.ACCEPTED.value],
        "returned": outcomes[Outcome.RETURNED.value],
        "on_spot_share": round(outcomes[Outcome.COMPLETED.value] / served, 4) if served else None,
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
