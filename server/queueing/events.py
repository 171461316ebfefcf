"""Domain events: what happened, to what, by whom and when.

The core returns these; the service layer writes each one as an event row in the same
transaction as the change (the audit trail and the source of all statistics) and hands
them to the publisher after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from .actors import Actor


@dataclass(frozen=True)
class DomainEvent:
    kind: ClassVar[str] = "event"
    at: datetime
    actor: Actor
    ticket_id: int | None = None
    window_id: str | None = None
    queue_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TicketIssued(DomainEvent):
    kind: ClassVar[str] = "ticket_issued"


@dataclass(frozen=True)
class TicketCalled(DomainEvent):
    """data: number, recall (bool)."""

    kind: ClassVar[str] = "ticket_called"


@dataclass(frozen=True)
class TicketRecalled(DomainEvent):
    kind: ClassVar[str] = "ticket_recalled"


@dataclass(frozen=True)
class ServiceStarted(DomainEvent):
    kind: ClassVar[str] = "service_started"


@dataclass(frozen=True)
class TicketFinished(DomainEvent):
    """data: outcome."""

    kind: ClassVar[str] = "ticket_finished"


@dataclass(frozen=True)
class TicketNoShow(DomainEvent):
    kind: ClassVar[str] = "ticket_no_show"


@dataclass(frozen=True)
class TicketTransferred(DomainEvent):
    """data: from_queue, to_queue, from_window."""

    kind: ClassVar[str] = "ticket_transferred"


@dataclass(frozen=True)
class TicketCancelled(DomainEvent):
    """data: reason."""

    kind: ClassVar[str] = "ticket_cancelled"


@dataclass(frozen=True)
class WindowOpened(DomainEvent):
    kind: ClassVar[str] = "window_opened"


@dataclass(frozen=True)
class WindowClosed(DomainEvent):
    kind: ClassVar[str] = "window_closed"


@dataclass(frozen=True)
class WindowPaused(DomainEvent):
    """data: reason."""

    kind: ClassVar[str] = "window_paused"


@dataclass(frozen=True)
class WindowResumed(DomainEvent):
    kind: ClassVar[str] = "window_resumed"


# Each class's ``kind`` is the one spelling of that event: the event row's ``kind``
# column and every query and fold over the log use it, never a literal.
TICKET_EVENTS: tuple[type[DomainEvent], ...] = (
    TicketIssued,
    TicketCalled,
    TicketRecalled,
    ServiceStarted,
    TicketFinished,
    TicketNoShow,
    TicketTransferred,
    TicketCancelled,
)
WINDOW_EVENTS: tuple[type[DomainEvent], ...] = (WindowOpened, WindowClosed, WindowPaused, WindowResumed)
EVENT_TYPES: dict[str, type[DomainEvent]] = {cls.kind: cls for cls in TICKET_EVENTS + WINDOW_EVENTS}
TICKET_EVENT_KINDS: tuple[str, ...] = tuple(cls.kind for cls in TICKET_EVENTS)
CALL_KINDS: tuple[str, ...] = (TicketCalled.kind, TicketRecalled.kind)  # what the hall announces
