"""Issuing tickets and looking them up."""

from __future__ import annotations

from typing import Annotated

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field

from server.services.issuing import tickets
from server.services.issuing.tickets import MAX_PRIORITY

from . import bp
from .limits import limited
from .parsing import hub
from .schemas.tickets import Ticket, TicketHistory
from .spec import KIOSK_OR_STAFF, PUBLIC, READERS, operation
from .validation import INTEGRAL, NonEmpty, OptionalDate

Priority = Annotated[Annotated[int, Ge(0), Le(MAX_PRIORITY)], INTEGRAL] | bool | None


class IssueTicket(BaseModel):
    model_config = ConfigDict(strict=True)

    matter_id: str = Field(min_length=1, max_length=500)
    priority: Priority = Field(0, description="0 or false: ordinary; 1.. or true: priority")
    priority_reason: str | None = Field(None, max_length=32, description="as the center allows")
    idempotency_key: str | None = Field(None, max_length=128)


TICKET_ERRORS = {422: "unknown_matter, priority_not_allowed"}


@operation(bp, "POST", "/tickets", "Issue a ticket", access=KIOSK_OR_STAFF, body=IssueTicket,
           answers={201: (Ticket, "the new ticket"),
                    200: (Ticket, "the same idempotency_key again that service day: the same ticket")},
           errors=TICKET_ERRORS)
@limited("write")
def issue_ticket(body: IssueTicket, caller):
    actor, device_id = caller
    ticket, created = tickets.issue_ticket(
        hub(), matter_id=body.matter_id, actor=actor, priority=body.priority,
        priority_reason=body.priority_reason, idempotency_key=body.idempotency_key, device_id=device_id,
    )
    return ticket, 201 if created else 200


@operation(bp, "GET", "/tickets/<token>", "A ticket by its token", access=PUBLIC,
           answers={200: Ticket}, errors={404: "ticket_not_found"})
@limited("read")
def get_ticket(token: str):
    return tickets.get_ticket(hub(), token)


@operation(bp, "GET", "/tickets/<token>/history", "A ticket and every event of it, who did what where",
           access=READERS, answers={200: TicketHistory}, errors={404: "ticket_not_found"})
def ticket_history(token: str):
    return tickets.ticket_history(hub(), token)


class Lookup(BaseModel):
    number: Annotated[str, NonEmpty] = Field(max_length=32, pattern=r"\S",
                                             description="the number on the paper ticket")
    day: OptionalDate = Field(None, alias="date", description="the service day; today when not given or empty")


@operation(bp, "GET", "/tickets/lookup", "A ticket's history by its number and service day",
           access=READERS, query=Lookup, answers={200: TicketHistory}, errors={404: "ticket_not_found"})
def ticket_lookup(query: Lookup):
    """For supervisors who have the visitor's paper ticket but not its token:
    ``?number=B007&date=2026-03-02``."""
    return tickets.ticket_history(hub(), number=query.number.strip(), day=query.day)
