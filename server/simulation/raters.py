"""Simulated visitors rate their service (好差评): most are satisfied, a few are not, so
that the ratings figures and the rectification tab have data.

A random generator of its own (seeded from the simulator's seed) keeps the rest of a
simulated day exactly as it was before visitors rated.
"""

from __future__ import annotations

import random

from server.queueing.errors import QueueingError
from server.services.errors import ServiceError
from server.services.feedback import ratings
from server.services.hub import Hub

RATING_SHARE = 0.6  # of finished visitors who rate
LEVEL_WEIGHTS = {5: 0.72, 4: 0.18, 3: 0.06, 2: 0.025, 1: 0.015}
BAD_REASONS = ("long_wait", "attitude", "not_told_at_once", "extra_trip", "slow", "unclear_guide")
COMMENTS = ("等了太久", "窗口人员态度不好", "材料没有一次说清楚", None, None)


class SimulatedRaters:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed * 7919 + 11)

    def after_service(self, hub: Hub, ticket: dict) -> int | None:
        """Maybe rate the ticket just finished; the level given, or None."""
        rng = self.rng
        if rng.random() >= RATING_SHARE:
            return None
        level = rng.choices(list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values()))[0]
        reasons = rng.sample(BAD_REASONS, rng.randint(1, 2)) if level <= 2 else []
        comment = rng.choice(COMMENTS) if level <= 2 else None
        try:
            ratings.rate_ticket(hub, ticket["token"], level=level, reasons=reasons, comment=comment)
        except (QueueingError, ServiceError):
            return None  # rated meanwhile (a real pad), or no longer rateable
        return level
