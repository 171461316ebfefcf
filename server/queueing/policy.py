"""The calling policy: which waiting ticket a window calls next.

1. Priority tickets first (a higher ``priority`` before a lower one).
2. Then the ticket waiting longest, by issue time, across all the window's queues.
   A transferred ticket keeps its issue time, so it keeps its place.
3. On an exact tie of issue time, the queue listed first for the window wins, then the
   lower ticket id.

The database repository implements the same order in SQL; ``choose_next`` is the
reference the tests hold it to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from .tickets import Ticket, TicketStatus


def call_order_key(ticket: Ticket, queue_rank: int) -> tuple[int, datetime, int, int]:
    return (-ticket.priority, ticket.issued_at, queue_rank, ticket.id or 0)


def choose_next(candidates: Iterable[Ticket], window_queue_ids: Sequence[str]) -> Ticket | None:
    rank = {queue_id: i for i, queue_id in enumerate(window_queue_ids)}
    waiting = [
        t for t in candidates if t.status is TicketStatus.WAITING and t.queue_id in rank
    ]
    if not waiting:
        return None
    return min(waiting, key=lambda t: call_order_key(t, rank[t.queue_id]))


def ahead_of(ticket: Ticket, waiting_in_queue: Iterable[Ticket]) -> int:
    """Waiting tickets of the same queue that will be called before ``ticket``."""
    mine = (-ticket.priority, ticket.issued_at, ticket.id or 0)
    return sum(
        1
        for other in waiting_in_queue
        if other.status is TicketStatus.WAITING
        and other.id != ticket.id
        and (-other.priority, other.issued_at, other.id or 0) < mine
    )
