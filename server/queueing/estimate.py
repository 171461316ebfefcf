"""Estimating how long a waiting visitor still waits.

The hub's estimate for a ticket with ``ahead`` tickets before it in a queue served by
``open_windows`` staffed windows, whose recent mean service time is ``service_s``:

    wait = ahead * service_s / open_windows + residual

where ``residual`` is half a service time when every open window is busy (the visitor
also waits for someone now at a window to finish) and zero when a window is free.
With no window open, the queue's windows are assumed to open: their number is used.
``naive_estimate`` is the textbook formula kept for comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_SERVICE_S = 300.0
RECENT_SAMPLES = 20


@dataclass(frozen=True)
class QueueLoad:
    queue_id: str
    open_windows: int  # staffed and not paused
    total_windows: int
    busy_windows: int  # open windows with a called or serving ticket
    service_s: float  # recent mean service time


def mean_service_s(recent_service_s: Sequence[float], fallback_s: float | None) -> float:
    """Mean of the most recent service times, or the fallback, or the default."""
    samples = [s for s in recent_service_s[-RECENT_SAMPLES:] if s > 0]
    if samples:
        return sum(samples) / len(samples)
    return fallback_s if fallback_s and fallback_s > 0 else DEFAULT_SERVICE_S


def estimate_wait_s(ahead: int, load: QueueLoad) -> int:
    servers = load.open_windows or load.total_windows or 1
    all_busy = load.open_windows > 0 and load.busy_windows >= load.open_windows
    residual = load.service_s / 2 if (all_busy or load.open_windows == 0) else 0.0
    return round(ahead * load.service_s / servers + residual)


def naive_estimate_s(ahead: int, service_s: float, open_windows: int) -> int:
    return round(ahead * service_s / max(open_windows, 1))
