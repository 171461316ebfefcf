"""``run.py --simulate``: the simulator drives the running hub, in accelerated time.

The hub keeps its wall clock, so everything it records is real; the simulator's own
time line (a hall day from 09:00) runs ``speed`` times faster: at ``--speed 60`` a
ten-minute service takes ten seconds and a whole day about nine minutes. When a day
ends the next one begins. Kiosks, displays, counters and dashboards connected to the
hub see it all through the usual publisher.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from server.services.hub import Hub

from .engine import Simulator
from .model import HallModel

log = logging.getLogger(__name__)


class RealTimer:
    """Maps simulated instants to the wall clock, ``speed`` times faster."""

    def __init__(self, speed: float, sleep, stopping=None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self.sleep = sleep
        self.stopping = stopping  # the hub's: waiting ends when it is set
        self.stopped = False
        self._origin: tuple[datetime, float] | None = None

    def rebase(self) -> None:
        """The next instant waited for happens now (a new simulated day begins)."""
        self._origin = None

    def wait_until(self, at: datetime) -> bool:
        if self._origin is None:
            self._origin = (at, time.monotonic())
        sim_origin, real_origin = self._origin
        due = real_origin + (at - sim_origin).total_seconds() / self.speed
        while not self.stopped:
            if self.stopping is not None and self.stopping.is_set():
                self.stopped = True
                return False
            left = due - time.monotonic()
            if left <= 0:
                return True
            self.sleep(min(left, 1.0))
        return False


def run_live(hub: Hub, speed: float, sleep, *, seed: int = 1, model: HallModel | None = None,
             days: int | None = None) -> None:
    """Simulate day after day against ``hub`` (forever unless ``days`` is given)."""
    timer = RealTimer(speed, sleep, hub.stopping)
    simulator = Simulator(hub, timer, model, seed=seed, ratings=True, cases=True, appointments=True)
    done = 0
    while (days is None or done < days) and not hub.stopping.is_set():
        timer.rebase()
        day = hub.today()
        log.info("simulating a hall day at %sx", speed)
        try:
            report = simulator.run_day(day)
        except Exception:  # noqa: BLE001 - keep the demo going
            log.exception("the simulated day failed; starting another")
            sleep(5)
            continue
        log.info("simulated day done: %s tickets, %s served", report.issued, report.finished)
        done += 1
        if simulator.stopped:
            return
        sleep(max(1.0, 60.0 / speed))


def start_live(hub: Hub, speed: float, *, seed: int = 1) -> None:
    """Run the live simulation in a background task of the hub; it ends with the hub."""
    hub.tasks.spawn(run_live, hub, speed, hub.tasks.sleep, seed=seed)

