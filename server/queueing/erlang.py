"""Erlang C: how many windows a queue needs for a waiting-time target.

The model is M/M/c: visitors arrive at random (Poisson) at ``arrivals_per_h``, each
takes a random (exponential) service time with mean ``service_s``, ``c`` windows serve
one line first come, first served. The offered traffic is ``A = λ · service time`` in
erlangs (how many windows would be busy all the time). With ``c > A``:

    P(wait > 0)  = C(c, A)                          (the Erlang C formula)
    P(wait ≤ t)  = 1 − C(c, A) · exp(−(c − A) · t / service_s)
    mean wait    = C(c, A) · service_s / (c − A)

C(c, A) is computed from Erlang B by its recursion B(0) = 1,
B(k) = A·B(k−1) / (k + A·B(k−1)), then C = c·B / (c − A·(1 − B)): no factorials, no
overflow for hundreds of windows. Standard library only.
"""

from __future__ import annotations

import math

MAX_SERVERS = 500


def erlang_b(servers: int, traffic: float) -> float:
    """Probability that all ``servers`` are busy when no one may wait (Erlang B)."""
    if servers < 0 or traffic < 0:
        raise ValueError("servers and traffic must not be negative")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def erlang_c(servers: int, traffic: float) -> float:
    """Probability that an arriving visitor has to wait (Erlang C); 1.0 when ``c ≤ A``."""
    if servers <= 0:
        return 1.0
    if traffic <= 0:
        return 0.0
    if traffic >= servers:
        return 1.0
    blocking = erlang_b(servers, traffic)
    return servers * blocking / (servers - traffic * (1 - blocking))


def traffic_erlangs(arrivals_per_h: float, service_s: float) -> float:
    return arrivals_per_h * service_s / 3600.0


def service_level(servers: int, arrivals_per_h: float, service_s: float, target_s: float) -> float:
    """Share of visitors called within ``target_s`` seconds."""
    traffic = traffic_erlangs(arrivals_per_h, service_s)
    if traffic <= 0:
        return 1.0
    if servers <= traffic:
        return 0.0
    waiting = erlang_c(servers, traffic)
    return 1.0 - waiting * math.exp(-(servers - traffic) * target_s / service_s)


def mean_wait_s(servers: int, arrivals_per_h: float, service_s: float) -> float:
    """Mean wait in seconds; ``inf`` when the windows cannot keep up."""
    traffic = traffic_erlangs(arrivals_per_h, service_s)
    if traffic <= 0:
        return 0.0
    if servers <= traffic:
        return math.inf
    return erlang_c(servers, traffic) * service_s / (servers - traffic)


def servers_needed(arrivals_per_h: float, service_s: float, target_s: float,
                   target_share: float, *, max_servers: int = MAX_SERVERS) -> int:
    """The fewest windows that call ``target_share`` of visitors within ``target_s``.

    0 when nobody arrives. Raises ValueError when even ``max_servers`` are not enough
    (only possible for a target share of 1.0 or absurd loads).
    """
    if not 0 < target_share <= 1:
        raise ValueError("target_share must be in (0, 1]")
    if arrivals_per_h <= 0 or service_s <= 0:
        return 0
    traffic = traffic_erlangs(arrivals_per_h, service_s)
    servers = max(1, math.floor(traffic) + 1)
    while servers <= max_servers:
        if service_level(servers, arrivals_per_h, service_s, target_s) >= target_share - 1e-12:
            return servers
        servers += 1
    raise ValueError(f"more than {max_servers} windows would be needed")
