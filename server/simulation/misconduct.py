"""The simulator's occasional misconduct, for the supervision views (电子监察) to have data:
a clerk who marks a no-show seconds after the call (刷号), and a window left without
notice for half an hour in the morning while its queue waits (window unattended).

Drawn from a random stream of its own, so that the rest of a seeded day (arrivals,
service times) keeps its draws.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

AWAY_REASON = "离岗"


class Misconduct:
    def __init__(self, seed: int, *, quick_no_show_share: float = 0.01, away_share: float = 0.04,
                 away_s: tuple[float, float] = (1500.0, 2400.0)) -> None:
        self.rng = random.Random(seed * 7919 + 17)
        self.quick_no_show_share = quick_no_show_share
        self.away_share = away_share
        self.away_s = away_s

    def quick_no_show_after(self) -> float | None:
        """Seconds after the call at which the clerk marks a visitor who did come up as a
        no-show, or None (most calls)."""
        if self.rng.random() < self.quick_no_show_share:
            return self.rng.uniform(3.0, 15.0)
        return None

    def away(self, window_ids, opens: datetime) -> list[tuple[str, datetime, float]]:
        """(window, when, seconds) of the day's unannounced absences, in the morning peak."""
        chosen = [w for w in sorted(window_ids) if self.rng.random() < self.away_share]
        return [(w, opens + timedelta(minutes=self.rng.uniform(30, 120)), self.rng.uniform(*self.away_s))
                for w in chosen]
