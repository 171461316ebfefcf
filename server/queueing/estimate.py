"""Estimating how long a waiting visitor still waits.

The hub's estimate for a ticket with ``ahead`` tickets before it in a queue whose recent
mean service time is ``service_s``:

    work = ahead * service_s / windows + residual
    wait = the wall-clock time in which the hall's opening hours give ``work`` seconds

``windows`` counts the queue's staffed windows, open or paused (a paused clerk comes
back); with none staffed, all the queue's windows are assumed to open. ``residual`` is
the wait for the first of the busy windows to free up, ``service_s / (windows + 1)``
(the expected first finish among ``windows`` services part-way through), and zero when
a window is free. The opening hours (``ServiceHours``)
add the time until the hall opens and the breaks the wait runs through, such as lunch.
``naive_estimate_s`` is the textbook formula kept for comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .center import Center
from .hours import ServiceHours

DEFAULT_SERVICE_S = 300.0
RECENT_SAMPLES = 20


@dataclass(frozen=True)
class QueueLoad:
    queue_id: str
    open_windows: int  # staffed and not paused
    total_windows: int
    busy_windows: int  # open windows with a called or serving ticket
    service_s: float  # recent mean service time
    paused_windows: int = 0  # staffed but paused (lunch, a short break)


def matters_service_s(center: Center, queue_id: str) -> float | None:
    """The mean of the queue's matters' ``service_minutes``, in seconds, before any sample."""
    minutes = [m.service_minutes for m in center.matters_of_queue(queue_id) if m.service_minutes]
    return 60.0 * sum(minutes) / len(minutes) if minutes else None


def mean_service_s(recent_service_s: Sequence[float], fallback_s: float | None) -> float:
    """Mean of the most recent service times, or the fallback, or the default."""
    samples = [s for s in recent_service_s[-RECENT_SAMPLES:] if s > 0]
    if samples:
        return sum(samples) / len(samples)
    return fallback_s if fallback_s and fallback_s > 0 else DEFAULT_SERVICE_S


def estimate_wait_s(ahead: int, load: QueueLoad, *, now: datetime | None = None,
                    hours: ServiceHours | None = None) -> int:
    """Seconds until a ticket with ``ahead`` before it is called; ``now`` (local, aware)
    and ``hours`` make it skip closed hours. ``wait_estimator(...)(ahead)``, for one
    ticket: the same steps without laying out the day for a whole line."""
    servers, residual = _servers_and_residual(load)
    work_s = ahead * load.service_s / servers + residual
    if hours and now is not None:
        return round(hours.wall_seconds(now, work_s))
    return round(work_s)


def _servers_and_residual(load: QueueLoad) -> tuple[int, float]:
    servers = (load.open_windows + load.paused_windows) or load.total_windows or 1
    all_busy = load.open_windows > 0 and load.busy_windows >= load.open_windows
    residual = load.service_s / (servers + 1) if (all_busy or load.open_windows == 0) else 0.0
    return servers, residual


def wait_estimator(load: QueueLoad, *, now: datetime | None = None,
                   hours: ServiceHours | None = None):
    """``ahead → estimate_wait_s(ahead, load, now=now, hours=hours)``, the one rule, for a
    whole waiting line of one queue at one moment: what the line shares is worked out once."""
    servers, residual = _servers_and_residual(load)
    service_s = load.service_s
    if hours and now is not None:
        wall = hours.wall_clock(now)
        return lambda ahead: round(wall(ahead * service_s / servers + residual))
    return lambda ahead: round(ahead * service_s / servers + residual)


def naive_estimate_s(ahead: int, service_s: float, open_windows: int) -> int:
    return round(ahead * service_s / max(open_windows, 1))
