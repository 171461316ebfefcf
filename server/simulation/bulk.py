"""History in bulk: months or a year of consistent tickets and events, written directly.

The discrete-event simulator (``engine.py``) runs the real services and takes ~15 s a
day; a year of history for benchmarks and demos needs something faster. This writer
draws the same day (``HallModel``: arrivals, queues, service times, no-shows, lunch)
and serves each queue first come, first served on its staffed windows in plain Python.
It quotes each visitor's wait with the core's estimate, writes the event rows (issued,
called, recalled, started, finished, no-show; windows opened, paused and closed: the
core's event classes), folds them with the core's ``queueing.facts.fold`` into the
ticket rows, and inserts both in large batches. The rows are what the services write
for the same day (a test plays a day through the services and compares them), so every
statistic reads them alike.
"""

from __future__ import annotations

import bisect
import heapq
import random
import secrets
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select

from server.db.tables import events, number_counters, tickets
from server.queueing.estimate import (
    RECENT_SAMPLES,
    QueueLoad,
    estimate_wait_s,
    matters_service_s,
    mean_service_s,
)
from server.queueing.events import (
    ServiceStarted,
    TicketCalled,
    TicketFinished,
    TicketIssued,
    TicketNoShow,
    TicketRecalled,
    WindowClosed,
    WindowOpened,
    WindowPaused,
    WindowResumed,
)
from server.queueing.facts import EventRecord, fold, ticket_state
from server.queueing.numbering import format_number
from server.services.hub import Hub

from .engine import LUNCH_REASON, ensure_sim_clerks
from .model import HallModel

SIMULATOR = "device:simulator"  # the actor of the tickets it issues


def _has_ticket(at_window: list[tuple[datetime, datetime]], at: datetime) -> bool:
    """Whether a window whose tickets were there (called, done) has one at it at ``at``."""
    for called, done in reversed(at_window):
        if done <= at:
            return False
        if called <= at:
            return True
    return False


class BulkHistory:
    def __init__(self, hub: Hub, model: HallModel | None = None, *, seed: int = 1) -> None:
        self.hub = hub
        self.model = model or HallModel()
        self.rng = random.Random(seed)
        center = hub.center
        self.clerks = ensure_sim_clerks(hub, [w for w in center.windows if center.window(w).queue_ids])
        self.pick = self.model.matter_picker(center)
        self.fallback_s = {q: matters_service_s(center, q) for q in center.queues}
        with hub.reading() as repos:
            self.next_id = (repos.conn.execute(select(func.max(tickets.c.id))).scalar() or 0) + 1

    def _at(self, day: date, hours: float) -> datetime:
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.hub.tz)
        return (midnight + timedelta(hours=hours)).astimezone(UTC)

    def _quote(self, queue, arrived: datetime, ahead: int, staffed: int, busy: int,
               finished: list[tuple[datetime, float]], lunch: tuple[datetime, datetime]) -> int:
        """The wait the hub quotes at ``arrived``: the core's estimate over the queue's load
        then (its staffed windows, paused over lunch, and the services finished by then).
        Only the day's own services count: a morning's first quotes use the matters' times,
        where a hub running for days would still remember yesterday's."""
        paused = lunch[0] <= arrived < lunch[1]
        done_by_now = bisect.bisect_right(finished, (arrived, float("inf")))
        recent = [s for _, s in finished[max(0, done_by_now - RECENT_SAMPLES):done_by_now]]
        load = QueueLoad(queue.id, open_windows=0 if paused else staffed,
                         total_windows=len(queue.window_ids), busy_windows=0 if paused else busy,
                         service_s=mean_service_s(recent, self.fallback_s[queue.id]),
                         paused_windows=staffed if paused else 0)
        return estimate_wait_s(ahead, load, now=arrived.astimezone(self.hub.tz),
                               hours=self.hub.center.hours)

    def day_rows(self, day: date) -> tuple[list[dict], list[dict], list[dict]]:
        """(tickets, events, counters) of one simulated day."""
        model, rng, center = self.model, self.rng, self.hub.center
        hours = model._hours
        lunch = (self._at(day, hours(model.lunch_starts)), self._at(day, hours(model.lunch_ends)))
        staffed = model.staffed_windows(rng, center)
        visits = max(1, round(rng.gauss(model.visits_per_day, model.visits_per_day * 0.08)))
        arrivals: dict[str, list[tuple[datetime, str]]] = {}
        for at in model.arrival_hours(rng, visits):
            matter_id = self.pick(rng)
            arrivals.setdefault(center.matters[matter_id].queue_id, []).append((self._at(day, at), matter_id))
        ticket_rows, event_rows, counters = [], [], []
        opens = self._at(day, hours(model.opens))
        closes = {w: self._at(day, 18.0) for w in staffed}  # or after the window's last ticket
        for queue_id, visitors in arrivals.items():
            queue = center.queue(queue_id)
            windows = [w for w in queue.window_ids if w in staffed] or list(queue.window_ids[:1])
            free = [(opens, w) for w in windows]
            heapq.heapify(free)
            at_window: dict[str, list[tuple[datetime, datetime]]] = {w: [] for w in windows}
            calls: list[datetime] = []
            finished: list[tuple[datetime, float]] = []  # (when, service seconds), in time order
            for sequence, (arrived, matter_id) in enumerate(visitors, start=1):
                ticket_id = self.next_id
                self.next_id += 1
                available, window_id = heapq.heappop(free)
                call = max(arrived, available)
                if lunch[0] <= call < lunch[1]:
                    call = lunch[1] + timedelta(seconds=rng.uniform(0, 120))
                call = max(call, calls[-1]) if calls else call  # first come, first called
                ahead = len(calls) - bisect.bisect_right(calls, arrived)
                busy = sum(_has_ticket(at_window[w], arrived) for w in windows)
                quoted = self._quote(queue, arrived, ahead, len(windows), busy, finished, lunch)
                calls.append(call)
                clerk = str(self.clerks[window_id])
                number = format_number(queue.prefix, sequence)
                steps = [(TicketIssued, arrived, {"number": number, "matter_id": matter_id,
                                                  "priority": 0, "quoted_wait_s": quoted}),
                         (TicketCalled, call, {"number": number})]
                if rng.random() < model.no_show_share:
                    done = call + timedelta(seconds=model.no_show_after_s)
                    steps += [(TicketRecalled, call + timedelta(seconds=model.no_show_after_s / 2),
                               {"number": number, "recalls": 1}),
                              (TicketNoShow, done, {"number": number})]
                else:
                    start = call + timedelta(seconds=rng.uniform(*model.walk_up_s))
                    seconds = model.service_s(rng, center, matter_id)
                    done = start + timedelta(seconds=seconds)
                    bisect.insort(finished, (done, (done - start).total_seconds()))
                    steps += [(ServiceStarted, start, {"number": number}),
                              (TicketFinished, done, {"number": number, "outcome": model.outcome(rng)})]
                event_rows += [
                    EventRecord(at, day, cls.kind, clerk, ticket_id, window_id, queue_id, data)
                    if cls is not TicketIssued else
                    EventRecord(at, day, cls.kind, SIMULATOR, ticket_id, None, queue_id, data)
                    for cls, at, data in steps
                ]
                ticket_rows.append({
                    "id": ticket_id, "token": secrets.token_urlsafe(12), "service_day": day,
                    "prefix": queue.prefix, "sequence": sequence, "number": number,
                    "matter_id": matter_id, "unit_id": center.matters[matter_id].unit_id,
                    "priority": 0, "priority_reason": None, "issued_at": arrived,
                    "quoted_wait_s": quoted, "idempotency_key": None, "device_id": None})
                closes[window_id] = max(closes.get(window_id, done), done)
                at_window[window_id].append((call, done))
                heapq.heappush(free, (done + timedelta(seconds=rng.uniform(*model.between_tickets_s)), window_id))
            counters.append({"service_day": day, "prefix": queue.prefix, "last_number": len(visitors)})
        for window_id in staffed:
            clerk = self.clerks[window_id]
            actor = str(clerk)
            event_rows += [
                EventRecord(at, day, cls.kind, actor, None, window_id, None, data)
                for cls, at, data in (
                    (WindowOpened, opens, {"clerk_id": int(clerk.id)}),
                    (WindowPaused, lunch[0], {"reason": LUNCH_REASON}),
                    (WindowResumed, lunch[1], None),
                    (WindowClosed, closes[window_id], {"clerk_id": int(clerk.id)}),
                )
            ]
        event_rows.sort(key=lambda r: r.at)
        # The ticket rows' state is what their events make of them: the core's fold.
        facts = fold(event_rows, center, self.hub.tz)
        for row in ticket_rows:
            row.update(ticket_state(facts[row["id"]]))
        return ticket_rows, [r._asdict() for r in event_rows], counters

    def write_days(self, days: list[date]) -> int:
        """Generate and insert these days; return how many tickets were written."""
        written = 0
        for day in days:
            ticket_rows, event_rows, counters = self.day_rows(day)
            with self.hub.uow() as uow:
                if ticket_rows:
                    uow.conn.execute(insert(tickets), ticket_rows)
                uow.conn.execute(insert(events), event_rows)
                if counters:
                    uow.conn.execute(insert(number_counters), counters)
                uow.commit()
            written += len(ticket_rows)
        return written
