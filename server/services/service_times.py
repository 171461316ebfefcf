"""Recent service times per queue, cached briefly: the estimator's main input."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from server.queueing.estimate import mean_service_s

if TYPE_CHECKING:
    from .hub import Hub

REFRESH_S = 5.0


class ServiceTimes:
    """queue_id → mean of its recent service times, re-read at most every few seconds."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._means: dict[str, float] = {}
        self._read_at = float("-inf")

    def _fallback(self, queue_id: str) -> float | None:
        minutes = [m.service_minutes for m in self._hub.center.matters_of_queue(queue_id)
                   if m.service_minutes]
        return 60.0 * sum(minutes) / len(minutes) if minutes else None

    def refresh(self, repos) -> None:
        recent = repos.tickets.recent_service_times()
        self._means = {
            queue_id: mean_service_s(recent.get(queue_id, []), self._fallback(queue_id))
            for queue_id in self._hub.center.queues
        }
        self._read_at = time.monotonic()

    def invalidate(self) -> None:
        self._read_at = float("-inf")

    def mean(self, queue_id: str, repos) -> float:
        if time.monotonic() - self._read_at > REFRESH_S:
            self.refresh(repos)
        return self._means.get(queue_id) or mean_service_s([], self._fallback(queue_id))
