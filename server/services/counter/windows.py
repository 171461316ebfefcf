"""Use cases of a counter window: take it, call, serve, transfer, pause, leave.

Each function opens one unit of work, locks the window's row (PostgreSQL), checks the
actor is the window's clerk, lets the core decide, writes the ticket, the window and
the event rows, commits once, then publishes.
"""

from __future__ import annotations

from collections.abc import Callable

from server.db.repositories.tickets import ConcurrentUpdateError
from server.queueing.actors import Actor
from server.queueing.errors import (
    InvalidTransitionError,
    NoCurrentTicketError,
    QueueEmptyError,
    TicketNotFoundError,
)
from server.queueing.events import DomainEvent
from server.queueing.tickets import Ticket, TicketStatus, parse_outcome
from server.queueing.windows import WindowState

from ..accounts.users import device_kind
from ..cases.pickup import after_finish as cases_after_finish
from ..errors import NotWindowClerkError
from ..hub import Hub
from ..views import ticket_view, window_state, window_view
from .staffing import post_for

CLAIM_ATTEMPTS = 5


def _user_id(actor: Actor) -> int:
    return int(actor.id)


def _locked_state(hub: Hub, uow, window_id: str) -> WindowState:
    hub.center.window(window_id)  # unknown window → 404
    state = uow.windows.get(window_id, lock=True)
    if state is None:
        uow.windows.ensure([window_id])
        state = uow.windows.get(window_id, lock=True)
    return state


def _require_clerk(state: WindowState, actor: Actor) -> None:
    if actor.kind != "user" or state.clerk_id != _user_id(actor):
        raise NotWindowClerkError(
            f"only the clerk who opened window {state.window_id} may do this",
            window=state.window_id,
        )


def _unfollowed_walk_in(hub: Hub, uow, ticket: Ticket) -> None:
    """A walk-in's ticket issued by staff or at a kiosk: no partner follows its changes,
    so the commit need not look for one (``Outbox.flush``)."""
    if ticket.slot_start is None and (ticket.device_id is None or device_kind(hub, ticket.device_id) == "kiosk"):
        uow.outbox.unfollowed(ticket.id)


def _record_and_commit(hub: Hub, uow, events: list[DomainEvent]) -> None:
    uow.events.append(events, hub.today(events[0].at))
    uow.commit()


# --- taking and leaving a window ---------------------------------------------------------
def _change_window(hub: Hub, window_id: str, actor: Actor,
                   change: Callable[[WindowState, object], DomainEvent | None],
                   *, clerk_only: bool = True) -> dict:
    """Lock the window, let ``change(state, uow)`` act on it, save, record, commit, publish."""
    with hub.uow() as uow:
        state = _locked_state(hub, uow, window_id)
        if clerk_only:
            _require_clerk(state, actor)
        event = change(state, uow)
        events = [event] if event else []
        if events:
            uow.windows.save(state)
            _record_and_commit(hub, uow, events)
    hub.publish(events)
    return window_view(hub, state, window_id)


def open_window(hub: Hub, window_id: str, actor: Actor) -> dict:
    """The clerk takes the window, if its posts and rotation allow (staffing)."""
    now = hub.now()

    def take(state: WindowState, uow) -> DomainEvent | None:
        post = post_for(hub, uow, window_id, actor)
        return state.open(_user_id(actor), actor.name, now, actor, post)

    return _change_window(hub, window_id, actor, take, clerk_only=False)


def close_window(hub: Hub, window_id: str, actor: Actor) -> dict:
    """The clerk leaves the window; an admin may close a window someone forgot."""
    now = hub.now()

    def close(state: WindowState, uow) -> DomainEvent | None:
        if state.clerk_id is not None and actor.role != "admin":
            _require_clerk(state, actor)
        return state.close(uow.tickets.at_window(window_id) is not None, now, actor)

    return _change_window(hub, window_id, actor, close, clerk_only=False)


def pause_window(hub: Hub, window_id: str, actor: Actor, reason: str | None) -> dict:
    now = hub.now()
    return _change_window(hub, window_id, actor, lambda state, uow: state.pause(reason, now, actor))


def resume_window(hub: Hub, window_id: str, actor: Actor) -> dict:
    now = hub.now()
    return _change_window(hub, window_id, actor, lambda state, uow: state.resume(now, actor))


# --- calling -----------------------------------------------------------------------------
def call_next(hub: Hub, window_id: str, actor: Actor) -> dict:
    """Call the ticket the calling policy picks for this window (queueing.policy)."""
    now = hub.now()
    day = hub.today(now)
    window = hub.center.window(window_id)
    with hub.uow() as uow:
        state = _locked_state(hub, uow, window_id)
        _require_clerk(state, actor)
        state.ensure_can_call(uow.tickets.at_window(window_id) is not None)
        for _ in range(CLAIM_ATTEMPTS):
            ticket = uow.tickets.next_waiting(window.queue_ids, day, now=now, skip_locked=True)
            if ticket is None:
                raise QueueEmptyError(f"nobody is waiting for window {window.number}",
                                      window=window_id)
            event = ticket.call(window_id, state.clerk_id, now, actor)
            try:
                uow.tickets.save(ticket, TicketStatus.WAITING)
                break
            except ConcurrentUpdateError:
                continue
        else:
            raise QueueEmptyError("every waiting ticket was claimed by other windows")
        _unfollowed_walk_in(hub, uow, ticket)
        _record_and_commit(hub, uow, [event])
        view = ticket_view(hub, uow, ticket)
    hub.publish([event])
    return view


def call_ticket(hub: Hub, window_id: str, actor: Actor, ticket_id: int) -> dict:
    """Call one particular waiting ticket of the window's queues (out of turn)."""
    now = hub.now()
    window = hub.center.window(window_id)
    with hub.uow() as uow:
        state = _locked_state(hub, uow, window_id)
        _require_clerk(state, actor)
        state.ensure_can_call(uow.tickets.at_window(window_id) is not None)
        ticket = uow.tickets.get(ticket_id)
        if ticket is None or ticket.queue_id not in window.queue_ids:
            raise TicketNotFoundError(f"ticket {ticket_id} is not in this window's queues")
        event = ticket.call(window_id, state.clerk_id, now, actor)
        try:
            uow.tickets.save(ticket, TicketStatus.WAITING)
        except ConcurrentUpdateError:
            raise InvalidTransitionError(f"ticket {ticket.number} was just called elsewhere") from None
        _unfollowed_walk_in(hub, uow, ticket)
        _record_and_commit(hub, uow, [event])
        view = ticket_view(hub, uow, ticket)
    hub.publish([event])
    return view


def _act_on_current(hub: Hub, window_id: str, actor: Actor,
                    act: Callable[[Ticket], DomainEvent],
                    then: Callable[[object, Ticket], list[DomainEvent]] | None = None) -> dict:
    """``then(uow, ticket)``: what else the change does in its transaction (a case opened)."""
    with hub.uow() as uow:
        state = _locked_state(hub, uow, window_id)
        _require_clerk(state, actor)
        ticket = uow.tickets.at_window(window_id)
        if ticket is None:
            raise NoCurrentTicketError(f"window {window_id} has no called or serving ticket",
                                       window=window_id)
        before = ticket.status
        event = act(ticket)
        uow.tickets.save(ticket, before)
        _unfollowed_walk_in(hub, uow, ticket)
        events = [event, *(then(uow, ticket) if then else ())]
        _record_and_commit(hub, uow, events)
        view = ticket_view(hub, uow, ticket)
    hub.publish(events)
    return view


def recall(hub: Hub, window_id: str, actor: Actor) -> dict:
    now = hub.now()
    return _act_on_current(hub, window_id, actor, lambda t: t.recall(now, actor))


def start_service(hub: Hub, window_id: str, actor: Actor) -> dict:
    now = hub.now()
    return _act_on_current(hub, window_id, actor, lambda t: t.start(now, actor))


def finish(hub: Hub, window_id: str, actor: Actor, outcome: object) -> dict:
    parsed = parse_outcome(outcome)
    now = hub.now()
    view = _act_on_current(hub, window_id, actor, lambda t: t.finish(parsed, now, actor),
                           lambda uow, t: cases_after_finish(hub, uow, t, now, actor))
    hub.load.invalidate_service_times()
    return view


def no_show(hub: Hub, window_id: str, actor: Actor) -> dict:
    now = hub.now()
    return _act_on_current(hub, window_id, actor, lambda t: t.no_show(now, actor))


def transfer(hub: Hub, window_id: str, actor: Actor, queue_id: str) -> dict:
    hub.center.queue(queue_id)  # unknown queue → 422
    now = hub.now()
    return _act_on_current(hub, window_id, actor, lambda t: t.transfer(queue_id, now, actor))


def get_window_state(hub: Hub, window_id: str) -> dict:
    hub.center.window(window_id)
    with hub.reading() as repos:
        return window_state(hub, repos, window_id)
