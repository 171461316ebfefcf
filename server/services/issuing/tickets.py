"""Use cases of the visitor's ticket: issue it, look it up."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from server.queueing.actors import Actor
from server.queueing.errors import PriorityNotAllowedError, TicketNotFoundError
from server.queueing.events import TicketIssued
from server.queueing.facts import record_of
from server.queueing.numbering import format_number, read_number
from server.queueing.tickets import Ticket

from ..errors import BadRequestError
from ..hub import Hub
from ..views import estimate, local_iso, queue_loads, ticket_view

MAX_PRIORITY = 9
TOKEN_BYTES = 18  # 24 URL-safe characters


def parse_priority(value: object) -> int:
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if isinstance(value, int) and 0 <= value <= MAX_PRIORITY:
        return value
    raise BadRequestError(f"priority must be a boolean or an integer 0..{MAX_PRIORITY}",
                          code="invalid_field", field="priority")


def issue_ticket(
    hub: Hub,
    *,
    matter_id: str,
    actor: Actor,
    priority: object = 0,
    priority_reason: str | None = None,
    idempotency_key: str | None = None,
    device_id: str | None = None,
    slot_start: datetime | None = None,
    queue_id: str | None = None,
    then=None,
) -> tuple[dict, bool]:
    """Issue a ticket for a matter. Returns (ticket JSON, created).

    The same ``idempotency_key`` on the same service day returns the first ticket with
    ``created`` False, however often a kiosk retries. ``queue_id``: another queue than the
    matter's (a pickup); ``then(uow, ticket)``: more events in the same transaction.
    """
    center = hub.center
    matter = center.matter(matter_id)
    queue = center.queue(queue_id or matter.queue_id)
    level = parse_priority(priority)
    if priority_reason is not None and priority_reason not in center.priority_reasons:
        raise PriorityNotAllowedError(
            f"priority reason must be one of {', '.join(center.priority_reasons)}",
            reason=priority_reason,
        )
    if priority_reason and level == 0:
        level = 1
    if level and not center.priority_reasons:
        raise PriorityNotAllowedError("this center gives no priority tickets")

    now = hub.now()
    day = hub.today(now)
    idempotency_key = idempotency_key or None  # an empty key is no key (never stored)

    def new_ticket(sequence: int) -> Ticket:
        return Ticket(
            id=None,
            token=secrets.token_urlsafe(TOKEN_BYTES),
            number=format_number(queue.prefix, sequence) if sequence else "",
            service_day=day,
            prefix=queue.prefix,
            sequence=sequence,
            matter_id=matter.id,
            queue_id=queue.id,
            unit_id=matter.unit_id,
            issued_at=now,
            priority=level,
            priority_reason=priority_reason,
            idempotency_key=idempotency_key,
            device_id=device_id,
            slot_start=slot_start,  # a checked-in appointment (services/booking/checkin.py)
        )

    def issued(ticket: Ticket) -> TicketIssued:
        return TicketIssued(now, actor, ticket.id, None, queue.id,
                            {"number": ticket.number, "matter_id": matter.id,
                             "priority": level, "quoted_wait_s": ticket.quoted_wait_s})

    # A walk-in's ticket, issued at a kiosk or by staff: no partner follows it (no webhook
    # row to look for) and nothing else is written with it.
    walk_in = then is None and slot_start is None and (actor.kind == "user" or actor.role == "kiosk")
    # A key seen before on this service day is refused by the insert (it is unique per
    # day), which rolls the number drawn back with it; the first ticket is then read and
    # returned below. A retry costs a refused insert; every other ticket a lookup less.
    try:
        if walk_in and not hub.db.is_sqlite:
            # PostgreSQL: the count of those ahead, then one atomic statement that draws
            # the number and writes the ticket and its event: two round trips.
            with hub.single_statements() as repos:
                ahead = repos.tickets.ahead_of_new(queue.id, day, level, now=now)
                load = queue_loads(hub, repos, [queue.id])[queue.id]
                ticket = new_ticket(0)
                ticket.quoted_wait_s = estimate(hub, ahead, load, now)
                data = issued(ticket).data
                repos.tickets.add_issued_pg(ticket, TicketIssued.kind, str(actor),
                                            {k: v for k, v in data.items() if k != "number"})
            events = [issued(ticket)]
            view = ticket_view(hub, None, ticket, ahead=ahead, load=load,
                               estimated=ticket.quoted_wait_s)
        else:
            with hub.uow() as uow:
                # Everyone waiting with the same or a higher priority goes first. Counted
                # before the number is drawn: the counter row stays locked (PostgreSQL)
                # from the draw to the commit, so that stretch is kept short.
                # SQLite: the number drawn and those ahead counted in one statement when the
                # calling order allows (``draw_and_count_sqlite``), else the two steps.
                drawn = (uow.tickets.draw_and_count_sqlite(queue.id, day, queue.prefix, level, now=now,
                                                           slot_start=slot_start)
                         if hub.db.is_sqlite else None)
                if drawn is None:
                    ahead = uow.tickets.ahead_of_new(queue.id, day, level, now=now, slot_start=slot_start)
                    sequence = None
                else:
                    sequence, ahead = drawn
                load = queue_loads(hub, uow, [queue.id])[queue.id]
                ticket = new_ticket(uow.numbers.next(day, queue.prefix) if sequence is None else sequence)
                ticket.quoted_wait_s = estimate(hub, ahead, load, now)
                uow.tickets.add(ticket)
                events = [issued(ticket), *(then(uow, ticket) if then else ())]
                if walk_in:  # its one event, and no partner to look for at the commit
                    uow.outbox.unfollowed(ticket.id)
                    uow.tickets.log_issued(record_of(events[0], day)._asdict())
                else:
                    uow.events.append(events, day)
                uow.commit()
                view = ticket_view(hub, uow if then else None, ticket, ahead=ahead, load=load,
                                   estimated=ticket.quoted_wait_s)
    except IntegrityError:
        # The key was used before (or another hub inserted it a moment ago): its ticket.
        if not idempotency_key:
            raise
        with hub.reading() as repos:
            existing = repos.tickets.get_by_idempotency_key(day, idempotency_key)
            if existing is None:
                raise
            return ticket_view(hub, repos, existing), False
    hub.publish(events)
    return view, True


def get_ticket(hub: Hub, token: str) -> dict:
    with hub.reading() as repos:
        ticket = repos.tickets.get_by_token(token)
        if ticket is None:
            raise TicketNotFoundError("no ticket with this token")
        return ticket_view(hub, repos, ticket)


def ticket_history(hub: Hub, token: str | None = None, *, number: str | None = None,
                   day=None) -> dict:
    """The ticket (by token, or by number and service day) and every event of it, with who
    did what where: for supervisors following up a complaint ("who called me, and when?")."""
    with hub.reading() as repos:
        if token is not None:
            ticket = repos.tickets.get_by_token(token)
        else:
            ticket = repos.tickets.get_by_number(day or hub.today(), read_number(number or ""))
        if ticket is None:
            raise TicketNotFoundError("no such ticket")
        events = repos.events.of_ticket(ticket.id)
        names: dict[str, str | None] = {}
        for event in events:
            kind, _, ident = event["actor"].partition(":")
            if event["actor"] not in names:
                user = repos.users.by_id(int(ident)) if kind == "user" and ident.isdigit() else None
                names[event["actor"]] = (user.name or user.username) if user else None
        view = ticket_view(hub, repos, ticket)
    steps = []
    for event in events:
        window = hub.center.windows.get(event["window_id"]) if event["window_id"] else None
        steps.append({
            "at": local_iso(hub, event["at"]),
            "kind": event["kind"],
            "actor": event["actor"],
            "actor_name": names.get(event["actor"]),
            "window_id": event["window_id"],
            "window_number": window.number if window else None,
            "queue_id": event["queue_id"],
            "queue_name": _queue_name(hub, event["queue_id"]),  # addition: the name, not the id
            "data": _with_queue_names(hub, event["data"] or {}),
        })
    return {"ticket": view, "events": steps}


def _queue_name(hub: Hub, queue_id: str | None) -> str | None:
    queue = hub.center.queues.get(queue_id) if queue_id else None
    return queue.name if queue else None


def _with_queue_names(hub: Hub, data: dict) -> dict:
    """A transfer's ``from_queue``/``to_queue`` ids with their names beside them."""
    named = dict(data)
    for key in ("from_queue", "to_queue"):
        if key in data:
            named[f"{key}_name"] = _queue_name(hub, data[key])
    return named
