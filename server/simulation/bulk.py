"""History in bulk: months or a year of consistent tickets and events, written directly.

The discrete-event simulator (``engine.py``) runs the real services and takes ~15 s a
day; a year of history for benchmarks and demos needs something faster. This writer
draws the same day (``HallModel``: arrivals, queues, service times, no-shows, lunch)
and serves each queue first come, first served on its staffed windows in plain Python,
then inserts the ticket rows and their event rows (issued, called, recalled, started,
finished, no-show; windows opened, paused and closed) in large batches. The rows are
exactly what the services would have written, so every statistic reads them alike.
"""

from __future__ import annotations

import bisect
import heapq
import random
import secrets
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select

from server.db.tables import events, number_counters, tickets
from server.queueing.numbering import format_number
from server.services.hub import Hub

from .engine import LUNCH_REASON, ensure_sim_clerks
from .model import HallModel


class BulkHistory:
    def __init__(self, hub: Hub, model: HallModel | None = None, *, seed: int = 1) -> None:
        self.hub = hub
        self.model = model or HallModel()
        self.rng = random.Random(seed)
        center = hub.center
        self.clerks = ensure_sim_clerks(hub, [w for w in center.windows if center.window(w).queue_ids])
        self.pick = self.model.matter_picker(center)
        with hub.reading() as repos:
            self.next_id = (repos.conn.execute(select(func.max(tickets.c.id))).scalar() or 0) + 1

    def _at(self, day: date, hours: float) -> datetime:
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.hub.tz)
        return (midnight + timedelta(hours=hours)).astimezone(UTC)

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
        for queue_id, visitors in arrivals.items():
            queue = center.queue(queue_id)
            windows = [w for w in queue.window_ids if w in staffed] or list(queue.window_ids[:1])
            free = [(opens, w) for w in windows]
            heapq.heapify(free)
            calls: list[datetime] = []
            services: list[float] = []
            for sequence, (arrived, matter_id) in enumerate(visitors, start=1):
                ticket_id = self.next_id
                self.next_id += 1
                available, window_id = heapq.heappop(free)
                call = max(arrived, available)
                if lunch[0] <= call < lunch[1]:
                    call = lunch[1] + timedelta(seconds=rng.uniform(0, 120))
                ahead = len(calls) - bisect.bisect_right(calls, arrived)
                mean = sum(services[-20:]) / len(services[-20:]) if services else 480.0
                busy = all(t > arrived for t, _ in free) and available > arrived
                quoted = round(ahead * mean / len(windows) + (mean / 2 if busy else 0))
                calls.append(call)
                clerk = self.clerks[window_id]
                number = format_number(queue.prefix, sequence)
                actor = f"user:{clerk.id}"
                base = {"ticket_id": ticket_id, "window_id": window_id, "queue_id": queue_id,
                        "service_day": day, "actor": actor}
                event_rows.append({**base, "kind": "ticket_issued", "at": arrived, "window_id": None,
                                   "actor": "device:simulator",
                                   "data": {"number": number, "matter_id": matter_id, "priority": 0,
                                            "quoted_wait_s": quoted}})
                event_rows.append({**base, "kind": "ticket_called", "at": call, "data": {"number": number}})
                row = {"id": ticket_id, "token": secrets.token_urlsafe(12), "service_day": day,
                       "prefix": queue.prefix, "sequence": sequence, "number": number, "matter_id": matter_id,
                       "queue_id": queue_id, "unit_id": center.matters[matter_id].unit_id, "priority": 0,
                       "priority_reason": None, "window_id": window_id, "clerk_id": int(clerk.id),
                       "issued_at": arrived, "called_at": call, "recalls": 0, "transfers": 0,
                       "quoted_wait_s": quoted, "idempotency_key": None, "device_id": None}
                if rng.random() < model.no_show_share:
                    recall = call + timedelta(seconds=model.no_show_after_s / 2)
                    gone = call + timedelta(seconds=model.no_show_after_s)
                    event_rows.append({**base, "kind": "ticket_recalled", "at": recall,
                                       "data": {"number": number, "recalls": 1}})
                    event_rows.append({**base, "kind": "ticket_no_show", "at": gone, "data": {"number": number}})
                    row.update(status="no_show", started_at=None, finished_at=gone, outcome=None, recalls=1)
                    done = gone
                else:
                    start = call + timedelta(seconds=rng.uniform(*model.walk_up_s))
                    seconds = model.service_s(rng, center, matter_id)
                    services.append(seconds)
                    done = start + timedelta(seconds=seconds)
                    outcome = model.outcome(rng)
                    event_rows.append({**base, "kind": "service_started", "at": start, "data": {"number": number}})
                    event_rows.append({**base, "kind": "ticket_finished", "at": done,
                                       "data": {"number": number, "outcome": outcome}})
                    row.update(status="done", started_at=start, finished_at=done, outcome=outcome)
                ticket_rows.append(row)
                heapq.heappush(free, (done + timedelta(seconds=rng.uniform(*model.between_tickets_s)), window_id))
            counters.append({"service_day": day, "prefix": queue.prefix, "last_number": len(visitors)})
        for window_id in staffed:
            clerk = self.clerks[window_id]
            base = {"ticket_id": None, "window_id": window_id, "queue_id": None, "service_day": day,
                    "actor": f"user:{clerk.id}"}
            event_rows += [
                {**base, "kind": "window_opened", "at": opens, "data": {"clerk_id": int(clerk.id)}},
                {**base, "kind": "window_paused", "at": lunch[0], "data": {"reason": LUNCH_REASON}},
                {**base, "kind": "window_resumed", "at": lunch[1], "data": None},
                {**base, "kind": "window_closed", "at": self._at(day, 18.0), "data": {"clerk_id": int(clerk.id)}},
            ]
        event_rows.sort(key=lambda r: r["at"])
        return ticket_rows, event_rows, counters

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
