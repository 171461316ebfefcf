"""取件: a visitor collects the result of a decided case.

At the kiosk the visitor types the case number or scans the receipt's QR code; a decided
case gets a ticket in ``rules.pickup_queue`` (the ticket carries the case), one still in
progress is refused with its due date. Finishing the pickup ticket at a window marks the
case ``picked_up``. Both happen inside the ticket's own transaction, so a case never has
two open pickup tickets and is never collected twice, on any number of hubs.
"""

from __future__ import annotations

from datetime import datetime

from server.db.repositories.cases import ConcurrentCaseError
from server.queueing.actors import Actor
from server.queueing.cases import (
    CaseNotFoundError,
    CasePickupIssued,
    CaseStatus,
    normalize_case_no,
)
from server.queueing.errors import InvalidTransitionError
from server.queueing.events import DomainEvent
from server.queueing.tickets import Outcome, Ticket, TicketStatus

from ..errors import ConflictError
from ..hub import Hub
from ..issuing import tickets as issuing
from ..views import ticket_view
from .cases import announce, open_case

OPEN_TICKET = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


def after_finish(hub: Hub, uow, ticket: Ticket, at: datetime, actor: Actor) -> list[DomainEvent]:
    """What finishing a ticket does to cases, in its transaction: an ``accepted`` ticket
    opens one; a pickup ticket closes its case."""
    if ticket.outcome is Outcome.ACCEPTED and ticket.queue_id != hub.center.rules.pickup_queue:
        return [open_case(hub, uow, ticket, at, actor)]
    case = uow.cases.of_pickup_ticket(ticket.id, lock=True)
    if case is None or case.status is not CaseStatus.DECIDED:
        return []
    event = case.pick_up(ticket.id, actor, at)
    uow.cases.save(case, CaseStatus.DECIDED)
    return [event]


def issue_pickup(hub: Hub, case_no: object, actor: Actor, device_id: str | None = None
                 ) -> tuple[dict, bool]:
    """``POST /kiosk/pickup``: a ticket in the pickup queue for a decided case.

    404 ``case_not_found``; 409 ``case_not_ready`` (with the due date), ``case_picked_up``.
    A second press while the first pickup ticket is still open returns that ticket.
    """
    queue_id = hub.center.rules.pickup_queue
    if queue_id is None:
        raise ConflictError("this hall hands out no results at the kiosk", code="pickup_not_offered")
    wanted = normalize_case_no(case_no)
    with hub.reading() as repos:
        case = repos.cases.by_case_no(wanted)
        if case is None:
            raise CaseNotFoundError(f"no case {wanted}")
        case.ensure_collectable(hub.tz)
        current = repos.tickets.get(case.pickup_ticket_id) if case.pickup_ticket_id else None
        if current is not None and current.status in OPEN_TICKET:
            return {**ticket_view(hub, repos, current), "case_no": wanted}, False

    def link(uow, ticket: Ticket) -> list[DomainEvent]:
        locked = uow.cases.by_case_no(wanted, lock=True)
        locked.ensure_collectable(hub.tz)
        before = locked.pickup_ticket_id
        if before is not None:
            earlier = uow.tickets.get(before)
            if earlier is not None and earlier.status in OPEN_TICKET:
                raise InvalidTransitionError(f"case {wanted} has just been given a pickup ticket")
        locked.pickup_ticket_id = ticket.id
        try:
            uow.cases.save(locked, CaseStatus.DECIDED)
        except ConcurrentCaseError:
            raise InvalidTransitionError(f"case {wanted} was just changed elsewhere") from None
        return [CasePickupIssued(ticket.issued_at, actor, ticket.id, None, queue_id,
                                 {"case_no": wanted, "number": ticket.number})]

    view, created = issuing.issue_ticket(hub, matter_id=case.matter_id, actor=actor,
                                         device_id=device_id, queue_id=queue_id, then=link)
    announce(hub, case)
    return {**view, "case_no": wanted}, created
