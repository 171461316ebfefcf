"""A ticket and what is told about it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from server.queueing import tickets as core

from . import Answer

TicketStatus = Literal[tuple(s.value for s in core.TicketStatus)]  # type: ignore[valid-type]
Outcome = Literal[tuple(o.value for o in core.Outcome)]  # type: ignore[valid-type]


class Ticket(Answer):
    id: int
    token: str
    number: str
    status: TicketStatus
    matter_id: str
    queue_id: str
    priority: int
    issued_at: datetime
    ahead: int
    estimated_wait_s: int
    window_id: str | None
    called_at: datetime | None
    finished_at: datetime | None
    outcome: Outcome | None
    status_url: str
    priority_reason: str | None = None
    started_at: datetime | None = None
    matter_name: str | None = None
    unit_id: str | None = None
    queue_name: str | None = None
    window_number: int | None = None
    window_name: str | None = None
    zone_id: str | None = None
    recalls: int | None = None
    transfers: int | None = None
    quoted_wait_s: int | None = None
    queue_window_range: str | None = None  # addition: e.g. "16-23", the windows of its queue
    no_window_open: bool | None = None  # addition: then no estimate is shown
    next_opening: datetime | None = None  # addition: when the opening hours next begin


class Printing(Answer):
    job_id: str | None
    via: str | None
    state: str


class PrintedTicket(Ticket):
    """A ticket as the kiosk gets it: with its phone link, QR code and print job."""

    public_status_url: str
    qr_url: str
    print: Printing


class TicketEvent(Answer):
    at: datetime
    kind: str
    actor: str | None
    actor_name: str | None
    window_id: str | None
    window_number: int | None
    queue_id: str | None
    data: dict[str, Any] | None


class TicketHistory(Answer):
    ticket: Ticket
    events: list[TicketEvent]
