"""Ticket facts: a ticket's events folded into one record. A pure function.

The event log is the source of every statistic. ``fold`` reads event records (rows of
the log, or ``record_of`` a core event) in the order they were written and keeps one
``Fact`` per ticket: when it was issued (hour and weekday in the center's zone), the
queue it started in and the one it is in now, the window and clerk of its last call,
how long the visitor waited (issue → first call) and was served (start, or the call
when the clerk never pressed Start, → finish), its outcome, recalls, transfers and the
wait quoted at issue.

Each step is keyed on an event class of ``events.py`` and moves the fact as the
ticket's own transition (``tickets.Ticket``) moved the ticket, so ``ticket_state`` of a
fact is the ticket row the services wrote: the bulk history generator writes its
ticket rows from it. Events of a ticket whose issue is not among the records are
ignored (a ticket of an earlier day, finished after midnight).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, NamedTuple, Protocol

from .center import Center
from .events import (
    DomainEvent,
    ServiceStarted,
    TicketCalled,
    TicketCancelled,
    TicketFinished,
    TicketIssued,
    TicketNoShow,
    TicketRecalled,
    TicketTransferred,
)
from .tickets import TicketStatus


class EventRow(Protocol):
    """What the fold reads of an event: a row of the ``events`` table has these."""

    kind: str
    at: datetime
    service_day: date
    actor: str
    ticket_id: int | None
    window_id: str | None
    queue_id: str | None
    data: Mapping[str, Any] | None


class EventRecord(NamedTuple):
    """One row of the event log, as the services write it."""

    at: datetime
    service_day: date
    kind: str
    actor: str
    ticket_id: int | None
    window_id: str | None
    queue_id: str | None
    data: dict[str, Any] | None


def record_of(event: DomainEvent, service_day: date) -> EventRecord:
    return EventRecord(event.at, service_day, event.kind, str(event.actor), event.ticket_id,
                       event.window_id, event.queue_id, dict(event.data) or None)


@dataclass(slots=True)
class Fact:
    ticket_id: int
    service_day: date
    number: str | None
    hour: int
    weekday: int
    matter_id: str | None
    unit_id: str | None
    first_queue_id: str | None
    queue_id: str | None
    issued_at: datetime
    quoted_wait_s: int | None
    priority: int = 0
    window_id: str | None = None  # of the last call, kept through a transfer
    clerk_id: int | None = None
    status: str = TicketStatus.WAITING.value
    outcome: str | None = None
    called_at: datetime | None = None  # the latest call
    started_at: datetime | None = None
    finished_at: datetime | None = None
    wait_s: int | None = None  # issue → first call
    service_s: int | None = None
    transfers: int = 0
    recalls: int = 0


def clerk_id_of(actor: str | None) -> int | None:
    """The user id of an actor written ``user:<id>``, else None."""
    kind, _, ident = (actor or "").partition(":")
    return int(ident) if kind == "user" and ident.isdigit() else None


def _seconds(later: datetime, earlier: datetime) -> int:
    return max(0, round((later - earlier).total_seconds()))


# --- one step per event class -----------------------------------------------------------
def _called(fact: Fact, row: EventRow, data: Mapping) -> None:
    if fact.wait_s is None:
        fact.wait_s = _seconds(row.at, fact.issued_at)
    fact.status = TicketStatus.CALLED.value
    fact.called_at = row.at
    fact.started_at = None
    fact.window_id = row.window_id
    fact.clerk_id = clerk_id_of(row.actor)


def _recalled(fact: Fact, row: EventRow, data: Mapping) -> None:
    fact.recalls += 1


def _started(fact: Fact, row: EventRow, data: Mapping) -> None:
    fact.status = TicketStatus.SERVING.value
    fact.started_at = row.at


def _finished(fact: Fact, row: EventRow, data: Mapping) -> None:
    fact.status = TicketStatus.DONE.value
    fact.outcome = data.get("outcome")
    fact.finished_at = row.at
    fact.started_at = fact.started_at or fact.called_at
    fact.service_s = _seconds(row.at, fact.started_at) if fact.started_at else None


def _no_show(fact: Fact, row: EventRow, data: Mapping) -> None:
    fact.status = TicketStatus.NO_SHOW.value
    fact.finished_at = row.at


def _transferred(fact: Fact, row: EventRow, data: Mapping) -> None:
    fact.status = TicketStatus.WAITING.value
    fact.transfers += 1
    fact.queue_id = data.get("to_queue") or row.queue_id
    fact.called_at = fact.started_at = None


def _cancelled(fact: Fact, row: EventRow, data: Mapping) -> None:
    fact.status = TicketStatus.CANCELLED.value
    fact.finished_at = row.at


STEPS: dict[type[DomainEvent], Callable[[Fact, EventRow, Mapping], None]] = {
    TicketCalled: _called,
    TicketRecalled: _recalled,
    ServiceStarted: _started,
    TicketFinished: _finished,
    TicketNoShow: _no_show,
    TicketTransferred: _transferred,
    TicketCancelled: _cancelled,
}
_STEP_OF_KIND = {cls.kind: step for cls, step in STEPS.items()}  # one lookup per event


def _issued(row: EventRow, data: Mapping, center: Center, tz: tzinfo) -> Fact:
    local = row.at.astimezone(tz)
    matter = center.matters.get(data.get("matter_id"))
    return Fact(
        ticket_id=row.ticket_id, service_day=row.service_day, number=data.get("number"),
        hour=local.hour, weekday=local.weekday(), matter_id=data.get("matter_id"),
        unit_id=matter.unit_id if matter else None, first_queue_id=row.queue_id,
        queue_id=row.queue_id, issued_at=row.at, quoted_wait_s=data.get("quoted_wait_s"),
        priority=data.get("priority") or 0,
    )


def fold(rows: Iterable[EventRow], center: Center, tz: tzinfo) -> dict[int, Fact]:
    """Fold event rows, in the order written, into facts keyed by ticket id."""
    facts: dict[int, Fact] = {}
    issued = TicketIssued.kind
    for row in rows:
        kind, data = row.kind, row.data or {}
        if kind == issued:
            facts[row.ticket_id] = _issued(row, data, center, tz)
            continue
        fact = facts.get(row.ticket_id)
        step = _STEP_OF_KIND.get(kind)
        if fact is not None and step is not None:
            step(fact, row, data)
    return facts


TICKET_STATE_COLUMNS = ("status", "queue_id", "window_id", "clerk_id", "called_at", "started_at",
                        "finished_at", "outcome", "recalls", "transfers")


def ticket_state(fact: Fact) -> dict[str, Any]:
    """The columns of the ticket row that its events decide, as ``Ticket``'s transitions
    leave them: a waiting (transferred) or cancelled ticket is at no window."""
    state = {name: getattr(fact, name) for name in TICKET_STATE_COLUMNS}
    if fact.status in (TicketStatus.WAITING.value, TicketStatus.CANCELLED.value):
        state["window_id"] = state["clerk_id"] = None
    return state
