"""Offline runs: a hub of its own (own database, ``ManualClock``, nobody listening).

    hub, clock = offline_hub("sqlite:////tmp/sim.sqlite3", start=datetime(2026, 3, 2, tzinfo=UTC))
    result = simulate_days(hub, clock, date(2026, 3, 2), days=5, seed=7)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from server.center_file import load_demo_center
from server.db.database import Database
from server.queueing.center import Center
from server.queueing.clock import ManualClock
from server.services.center_setup import install_center
from server.services.hub import Hub, NullPublisher

from .engine import DayReport, ManualTimer, Simulator
from .model import HallModel


def offline_hub(db_url: str, *, start: datetime | None = None,
                center: Center | None = None) -> tuple[Hub, ManualClock]:
    """A hub on ``db_url`` with the demo center (or ``center``), a manual clock and no publisher."""
    clock = ManualClock(start or datetime(2026, 3, 2, tzinfo=UTC))
    db = Database(db_url)
    install = install_center(db, center or load_demo_center(), "simulation", clock)
    return Hub(db, install.center, clock=clock, publisher=NullPublisher()), clock


@dataclass
class SimulationResult:
    days: list[DayReport] = field(default_factory=list)

    @property
    def samples(self):
        return [s for day in self.days for s in day.samples]


def working_days(first: date, count: int) -> list[date]:
    """``count`` days from ``first`` on, skipping Saturdays and Sundays."""
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def simulate_days(hub: Hub, clock: ManualClock, first: date, days: int = 1, *, seed: int = 1,
                  model: HallModel | None = None, compare_estimates: bool = False,
                  weekends: bool = False) -> SimulationResult:
    """Run ``days`` working days (or calendar days with ``weekends``) from ``first``."""
    simulator = Simulator(hub, ManualTimer(clock), model, seed=seed,
                          compare_estimates=compare_estimates)
    dates = ([first + timedelta(days=i) for i in range(days)] if weekends
             else working_days(first, days))
    result = SimulationResult()
    for day in dates:
        result.days.append(simulator.run_day(day))
    return result
