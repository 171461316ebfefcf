"""How loaded each queue is: open and busy windows, recent service times.

This is the estimator's input, read on every ticket issued and every screen update,
so it is cached: the window part for a second (and dropped at once when this hub
changes a window), the service times for a few seconds. Another hub's change shows
here within that second, which is far finer than any wait estimate.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from server.queueing.estimate import QueueLoad, matters_service_s, mean_service_s
from server.queueing.windows import WindowStatus

if TYPE_CHECKING:
    from .hub import Hub

WINDOWS_TTL_S = 1.0
SERVICE_TIMES_TTL_S = 5.0


class LoadCache:
    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._loads: dict[str, QueueLoad] = {}
        self._loads_until = float("-inf")
        self._means: dict[str, float] = {}
        self._means_until = float("-inf")
        self._fallbacks = {queue_id: self._fallback(queue_id) for queue_id in hub.center.queues}

    def _fallback(self, queue_id: str) -> float | None:
        return matters_service_s(self._hub.center, queue_id)

    def invalidate_windows(self) -> None:
        self._loads_until = float("-inf")

    def invalidate_service_times(self) -> None:
        self._means_until = float("-inf")
        self._loads_until = float("-inf")

    def service_s(self, queue_id: str, repos) -> float:
        now = time.monotonic()
        if now > self._means_until:
            recent = repos.tickets.recent_service_times()
            self._means = {q: mean_service_s(recent.get(q, []), self._fallbacks.get(q))
                           for q in self._hub.center.queues}
            self._means_until = now + SERVICE_TIMES_TTL_S
        return self._means.get(queue_id) or mean_service_s([], self._fallbacks.get(queue_id))

    def loads(self, repos) -> dict[str, QueueLoad]:
        now = time.monotonic()
        if now <= self._loads_until:
            return self._loads
        center = self._hub.center
        states = repos.windows.all()
        busy = set(repos.tickets.at_windows())
        loads = {}
        for queue_id, queue in center.queues.items():
            open_ids = [w for w in queue.window_ids
                        if w in states and states[w].status is WindowStatus.OPEN]
            paused = sum(1 for w in queue.window_ids
                         if w in states and states[w].status is WindowStatus.PAUSED)
            loads[queue_id] = QueueLoad(
                queue_id=queue_id,
                open_windows=len(open_ids),
                total_windows=len(queue.window_ids),
                busy_windows=sum(1 for w in open_ids if w in busy),
                service_s=self.service_s(queue_id, repos),
                paused_windows=paused,
            )
        self._loads, self._loads_until = loads, now + WINDOWS_TTL_S
        return loads
