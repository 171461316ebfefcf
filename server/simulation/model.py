"""What a day in the hall looks like: opening hours, arrivals, service times, behaviour.

The figures are an assumption shaped on a prefecture hall of about 300,000 visits a
year (≈1,200 a working day): a morning peak from 9 to 11, a quieter afternoon after the
lunch break, most visitors for social insurance, public security, tax, the housing
fund and market supervision. Service times are log-normal around each matter's
``service_minutes`` from the center file. Every draw comes from one seeded
``random.Random``, so a seed gives the same day every time.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import time

from server.queueing.center import Center

# Relative visits per queue (the rest of the center's queues get DEFAULT_WEIGHT).
QUEUE_WEIGHTS = {
    "social-insurance": 18.0, "police": 14.0, "tax": 9.0, "housing-fund": 8.0, "market": 6.0,
    "hrss": 4.0, "employment": 3.5, "housing": 3.5, "transport": 2.5, "justice": 2.0,
    "power": 2.5, "mobile": 1.5, "abc": 1.2, "ccb": 1.2, "xihai-town": 1.5, "haiyan-land": 1.2,
}
DEFAULT_WEIGHT = 0.8

# Share of the day's arrivals in each local hour.
HOURLY_SHARE = {9: 0.17, 10: 0.19, 11: 0.14, 12: 0.03, 13: 0.02, 14: 0.14, 15: 0.14, 16: 0.12, 17: 0.05}


@dataclass(frozen=True)
class HallModel:
    visits_per_day: int = 1200
    opens: time = time(9, 0)
    lunch_starts: time = time(12, 0)
    lunch_ends: time = time(14, 0)
    last_ticket: time = time(17, 30)
    hourly_share: dict[int, float] = field(default_factory=lambda: dict(HOURLY_SHARE))
    queue_weights: dict[str, float] = field(default_factory=lambda: dict(QUEUE_WEIGHTS))
    default_service_min: float = 8.0
    service_cv: float = 0.5  # standard deviation / mean of a service time
    no_show_share: float = 0.04
    transfer_share: float = 0.01
    priority_share: float = 0.03
    booking_share: float = 0.12  # visitors who booked (when the hall takes appointments)
    booked_absent_share: float = 0.1  # of those, who never come: missed, a strike
    outcome_shares: tuple[tuple[str, float], ...] = (
        ("completed", 0.70), ("accepted", 0.24), ("returned", 0.06))
    walk_up_s: tuple[float, float] = (15.0, 75.0)  # called → at the window
    no_show_after_s: float = 180.0  # the clerk gives up after this, with one recall
    between_tickets_s: tuple[float, float] = (5.0, 40.0)
    short_pause_share: float = 0.15  # windows that take one short pause a day
    short_pause_s: tuple[float, float] = (300.0, 900.0)
    late_window_share: float = 0.03  # windows whose clerk comes an hour late
    staffed_share: float = 0.75  # of a queue's windows staffed on an ordinary day (≥ 1)

    def staffed_windows(self, rng: random.Random, center: Center) -> list[str]:
        """The windows with a clerk today: a share of each queue's windows, at least one."""
        staffed: set[str] = set()
        for queue in center.queues.values():
            if not queue.window_ids:
                continue
            wanted = max(1, math.ceil(len(queue.window_ids) * self.staffed_share))
            already = [w for w in queue.window_ids if w in staffed]
            free = [w for w in queue.window_ids if w not in staffed]
            staffed.update(rng.sample(free, max(0, min(len(free), wanted - len(already)))))
        return [w for w in center.windows if w in staffed]

    # --- draws ----------------------------------------------------------------------------
    def arrival_hours(self, rng: random.Random, visits: int) -> list[float]:
        """Local arrival times (fractional hours) of the day's visitors, sorted."""
        hours = list(self.hourly_share)
        weights = [self.hourly_share[h] for h in hours]
        times = []
        for hour in rng.choices(hours, weights, k=visits):
            at = hour + rng.random()
            if self._in_lunch(at) and rng.random() < 0.8:
                continue  # the kiosks are quiet at lunch; most come back later
            if at < self.opens.hour + self.opens.minute / 60 or at > self._hours(self.last_ticket):
                continue
            times.append(at)
        times.sort()
        return times

    @staticmethod
    def _hours(t: time) -> float:
        return t.hour + t.minute / 60 + t.second / 3600

    def _in_lunch(self, at: float) -> bool:
        return self._hours(self.lunch_starts) <= at < self._hours(self.lunch_ends)

    def matter_picker(self, center: Center):
        """A function rng → matter id, weighted by queue and then evenly by matter."""
        queues = [q for q in center.queues if center.matters_of_queue(q) and center.queue(q).window_ids]
        weights = [self.queue_weights.get(q, DEFAULT_WEIGHT) for q in queues]
        matters = {q: [m.id for m in center.matters_of_queue(q)] for q in queues}

        def pick(rng: random.Random) -> str:
            queue_id = rng.choices(queues, weights)[0]
            return rng.choice(matters[queue_id])

        return pick

    def service_s(self, rng: random.Random, center: Center, matter_id: str) -> float:
        minutes = center.matters[matter_id].service_minutes or self.default_service_min
        mean = 60.0 * minutes
        sigma = math.sqrt(math.log(1 + self.service_cv ** 2))
        mu = math.log(mean) - sigma ** 2 / 2
        return max(60.0, rng.lognormvariate(mu, sigma))

    def outcome(self, rng: random.Random) -> str:
        names = [name for name, _ in self.outcome_shares]
        return rng.choices(names, [share for _, share in self.outcome_shares])[0]
