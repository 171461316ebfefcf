"""The calling policy: which waiting ticket a window calls next. The one definition.

``CALL_ORDER`` below *is* the rule (docs/calling-policy.md):

1. Priority tickets first (a higher ``priority`` before a lower one).
1a. Then checked-in appointments whose slot has begun (``slot_start`` reached).
2. Then the ticket waiting longest, by issue time, across all the window's queues.
   A transferred ticket keeps its issue time, so it keeps its place.
3. On an exact tie of issue time, the queue listed first for the window wins,
4. then the lower ticket id.

Each step is a ``SortTerm``: a *source* (how the value is worked out from a ticket) and a
direction. ``choose_next`` and ``ahead_of`` here read the list; so does the database
repository, which turns the same list into its ``ORDER BY`` and its "called before"
predicate (``server/db/repositories/call_order.py``). A property test runs both on
SQLite and PostgreSQL over generated queues and requires the same answers. A new rule
is one more term in ``CALL_ORDER``; a source of a new kind also needs its SQL form next
to the others in that repository module (the test fails until it has one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, cmp_to_key

from .tickets import Ticket, TicketStatus


# --- where a term's value comes from ----------------------------------------------------
@dataclass(frozen=True)
class Field:
    """A ticket attribute that is also a non-null column of the same name."""

    name: str


@dataclass(frozen=True)
class QueueRank:
    """The position of the ticket's queue in the calling window's list of queues."""


@dataclass(frozen=True)
class Reached:
    """1 once the ticket's time ``name`` is set and not after now, else 0.

    For rules such as "a checked-in appointment whose slot has begun":
    ``SortTerm(Reached("slot_start"), descending=True)``.
    """

    name: str


Source = Field | QueueRank | Reached


@dataclass(frozen=True)
class SortTerm:
    source: Source
    descending: bool = False  # True: the higher value is called first


CALL_ORDER: tuple[SortTerm, ...] = (
    SortTerm(Field("priority"), descending=True),
    SortTerm(Reached("slot_start"), descending=True),  # a checked-in appointment whose slot began
    SortTerm(Field("issued_at")),
    SortTerm(QueueRank()),
    SortTerm(Field("id")),
)


@dataclass(frozen=True)
class CallContext:
    """What, besides the ticket, a term may depend on: the window's queues and the time."""

    queue_ids: Sequence[str]
    now: datetime | None = None

    @cached_property
    def rank(self) -> Mapping[str, int]:
        return {queue_id: i for i, queue_id in enumerate(self.queue_ids)}


def term_value(source: Source, ticket: Ticket, context: CallContext) -> object:
    """The value of one term for a ticket. ``None`` stands for "after every ticket"
    (a ticket not yet inserted has no id: it will be the newest)."""
    if isinstance(source, Field):
        return getattr(ticket, source.name)
    if isinstance(source, QueueRank):
        rank = context.rank
        return rank.get(ticket.queue_id, len(rank))
    if isinstance(source, Reached):
        at = getattr(ticket, source.name)
        if at is None:  # never set: not reached, whatever the time
            return 0
        if context.now is None:
            raise ValueError(f"the calling order needs the time for {source}")
        return int(at <= context.now)
    raise TypeError(f"unknown sort term source {source!r}")


def goes_before(a: Ticket, b: Ticket, context: CallContext,
                order: Sequence[SortTerm] = CALL_ORDER) -> bool:
    """True when the policy calls ``a`` before ``b``."""
    for term in order:
        va, vb = term_value(term.source, a, context), term_value(term.source, b, context)
        if va == vb:
            continue
        if vb is None:
            return True
        if va is None:
            return False
        return va > vb if term.descending else va < vb
    return False


def in_call_order(tickets: Iterable[Ticket], context: CallContext,
                  order: Sequence[SortTerm] = CALL_ORDER) -> list[Ticket]:
    def compare(a: Ticket, b: Ticket) -> int:
        return -1 if goes_before(a, b, context, order) else int(goes_before(b, a, context, order))

    return sorted(tickets, key=cmp_to_key(compare))


def newcomer(queue_id: str, day: date, priority: int = 0,
             slot_start: datetime | None = None) -> Ticket:
    """A ticket about to be issued to ``queue_id`` (a walk-in, or a checked-in appointment
    with its ``slot_start``), to count who goes before it: it has no id and no issue time
    yet, and on those terms it comes after every waiting ticket."""
    return Ticket(id=None, token="", number="", service_day=day, prefix="", sequence=0,
                  matter_id="", queue_id=queue_id, unit_id="", issued_at=None,  # type: ignore[arg-type]
                  priority=priority, slot_start=slot_start)


def choose_next(candidates: Iterable[Ticket], window_queue_ids: Sequence[str], *,
                now: datetime | None = None,
                order: Sequence[SortTerm] = CALL_ORDER) -> Ticket | None:
    """The waiting ticket of the window's queues that the window calls next."""
    context = CallContext(tuple(window_queue_ids), now)
    queues = set(context.queue_ids)
    waiting = [t for t in candidates if t.status is TicketStatus.WAITING and t.queue_id in queues]
    ordered = in_call_order(waiting, context, order)
    return ordered[0] if ordered else None


def ahead_of(ticket: Ticket, waiting_in_queue: Iterable[Ticket], *,
             now: datetime | None = None, order: Sequence[SortTerm] = CALL_ORDER) -> int:
    """Waiting tickets of the same queue that will be called before ``ticket``."""
    context = CallContext((ticket.queue_id,), now)
    return sum(
        1
        for other in waiting_in_queue
        if other.status is TicketStatus.WAITING
        and other.queue_id == ticket.queue_id
        and other is not ticket
        and (ticket.id is None or other.id != ticket.id)
        and goes_before(other, ticket, context, order)
    )
