"""Use cases of a counter window: take it, call, serve, transfer, pause, leave.

Each function opens one unit of work, locks the window's row (PostgreSQL), checks the
actor is the window's clerk, lets the core decide, writes the ticket, the window and
the event rows, commits once, then publishes.

On PostgreSQL the counter's busiest actions take fewer round trips: call-next begins
its transaction and locks the window's row in one round trip, then checks the window
and writes the pick, the call and its event in one statement, on a connection in
autocommit (``_call_in_one_block``; else in the unit of work, ``_call_in_one_statement``). On SQLite, under the writer lock, call-next checks the
window and calls the pick in one ``UPDATE … RETURNING`` (``_call_in_one_update``). On
both, start, finish, recall and no-show of a walk-in's ticket are one conditional
``UPDATE … RETURNING`` without a read first: the core's change (``at_window_change``)
applied to the ticket at the window from the statuses the core allows, with its event in
the same statement (PostgreSQL, autocommit) or after it in the unit of work (SQLite)
(``_act_in_one_change``). Whenever such a statement does nothing, the unit of work above
runs as before and decides, so every refusal is the one it always was.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from server.db.repositories.tickets import ConcurrentUpdateError, end_transaction
from server.db.repositories.windows import with_current
from server.db.types import json_text
from server.queueing.actors import Actor
from server.queueing.errors import (
    InvalidTransitionError,
    NoCurrentTicketError,
    QueueEmptyError,
    TicketNotFoundError,
)
from server.queueing.events import DomainEvent, TicketCalled
from server.queueing.facts import record_of
from server.queueing.tickets import (
    CHANGE_EVENTS,
    Outcome,
    Ticket,
    TicketStatus,
    at_window_change,
    parse_outcome,
)
from server.queueing.windows import WindowState

from ..accounts.users import device_kind
from ..cases.pickup import after_finish as cases_after_finish
from ..errors import NotWindowClerkError
from ..hub import Hub
from ..views import ticket_view, window_state, window_view
from .staffing import post_for

CLAIM_ATTEMPTS = 5
# The ``ticket_called`` event's JSON around its number (``tickets.call_next_pg``): the
# event log's text of ``{"number": <number>}`` with a mark where the number goes.
_MARK = "@number@"
_CALLED_JSON = tuple(json_text({"number": _MARK}).split(_MARK))
assert len(_CALLED_JSON) == 2


def _user_id(actor: Actor) -> int:
    return int(actor.id)


def _locked_state(hub: Hub, uow, window_id: str) -> WindowState:
    hub.center.window(window_id)  # unknown window → 404
    state = uow.windows.get(window_id, lock=True)
    if state is None:
        uow.windows.ensure([window_id])
        state = uow.windows.get(window_id, lock=True)
    return state


def _state_and_current(hub: Hub, uow, window_id: str, *, for_call: bool = False
                       ) -> tuple[WindowState, Ticket | None]:
    """The window's state, its row locked (PostgreSQL), and the ticket at it, in one
    statement (SQLite: one writer at a time).

    PostgreSQL: a statement that waited for the lock saw the tickets as they were before
    the wait. So the ticket at the window is read again after the lock is held, or,
    ``for_call``, only when that statement saw one: a call's own statement checks again
    that none is at the window (``tickets.call_next_pg``)."""
    hub.center.window(window_id)  # unknown window → 404
    if uow.tickets.is_postgres and not for_call:
        state = _locked_state(hub, uow, window_id)
        return state, uow.tickets.at_window(window_id)
    state, current = with_current(uow.conn, window_id, lock=True)
    if state is None:
        state = _locked_state(hub, uow, window_id)
        current = uow.tickets.at_window(window_id)
    elif current is not None and uow.tickets.is_postgres:
        current = uow.tickets.at_window(window_id)
    return state, current


def _is_clerk(state: WindowState, actor: Actor) -> bool:
    return actor.kind == "user" and state.clerk_id == _user_id(actor)


def _require_clerk(state: WindowState, actor: Actor) -> None:
    if not _is_clerk(state, actor):
        raise NotWindowClerkError(
            f"only the clerk who opened window {state.window_id} may do this",
            window=state.window_id,
        )


def _is_unfollowed_walk_in(hub: Hub, repos, ticket: Ticket) -> bool:
    """``repos``: the caller's own connection, for the device's kind when the hub has not
    kept it yet (a second connection from the same pool, taken while holding one, could
    wait for ever once every connection is held by a caller doing the same)."""
    return ticket.slot_start is None and (
        ticket.device_id is None or device_kind(hub, ticket.device_id, repos) == "kiosk")


def _unfollowed_walk_in(hub: Hub, uow, ticket: Ticket) -> None:
    """A walk-in's ticket issued by staff or at a kiosk: no partner follows its changes,
    so the commit need not look for one (``Outbox.flush``)."""
    if _is_unfollowed_walk_in(hub, uow, ticket):
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
    called = _call_in_one_block(hub, window, actor, day, now)
    if called is None:
        called = _call_in_uow(hub, window, actor, day, now)
    ticket, event, view = called
    hub.publish([event], views={ticket.id: view})
    return view


def _call_in_uow(hub: Hub, window, actor: Actor, day, now):
    """The call in a unit of work: SQLite's one ``UPDATE``, else (or when it called
    nobody) the window read under its lock, the checks, and PostgreSQL's one statement
    or the steps, which say why nobody was called."""
    window_id = window.id
    with hub.uow() as uow:
        called = _call_in_one_update(hub, uow, window, actor, day, now)
        if called is None:
            state, current = _state_and_current(hub, uow, window_id, for_call=True)
            _require_clerk(state, actor)
            state.ensure_can_call(current is not None)
            called = (_call_in_one_statement(hub, uow, window, state, actor, day, now)
                      or _call_in_steps(hub, uow, window, state, actor, day, now))
    return called


def _call_in_one_block(hub: Hub, window, actor: Actor, day, now):
    """PostgreSQL, on a connection in autocommit: BEGIN and the window's row locked in one
    round trip, then the window's checks (open, the clerk's, free), the pick, the call and
    its event in one statement (``tickets.call_next_pg_begun``), the outbox's rows of a
    ticket a partner follows, COMMIT: three round trips where the unit of work's BEGIN,
    locked read of the window and its ticket, statement and COMMIT were four. The lock is
    held before the statement starts, so its snapshot sees any ticket another call put at
    the window. When it called nobody, still under the lock, the unit of work's checks
    in its order (``_refuse_under_lock``): the window's read and the clerk's, then nobody
    waiting; their refusal is raised once rolled back. None when none refuses (nothing
    written): the unit of work then reads the window and calls or says why, as it
    always did."""
    if hub.db.dialect != "postgresql" or actor.kind != "user" or not window.queue_ids:
        return None
    with hub.single_statements() as repos:
        conn = repos.conn
        try:
            ticket = repos.tickets.call_next_pg_begun(
                window.queue_ids, day, now=now, window_id=window.id, clerk_id=_user_id(actor),
                actor=str(actor), number_json=_CALLED_JSON)
            if ticket is None:
                _refuse_under_lock(repos, window, actor, day, now)
            else:
                # The event ``Ticket.call`` makes, as the statement wrote it.
                event = TicketCalled(now, actor, ticket.id, window.id, ticket.queue_id, {"number": ticket.number})
                _unfollowed_walk_in(hub, repos, ticket)
                for observe in repos.events.observers:  # the outbox, as ``EventLog.append`` tells it
                    observe([event])
                repos.outbox.flush()  # as ``UnitOfWork.commit``: a partner's rows, then the commit
        except BaseException:
            with suppress(Exception):  # the error above is the one to raise
                end_transaction(conn, commit=False)
            raise
        end_transaction(conn, commit=ticket is not None)
        if ticket is None:
            return None
        if repos.outbox.written and hub.partners is not None:
            hub.partners.wake.set()  # as ``Hub.uow``'s ``on_outbox_written``
        return ticket, event, ticket_view(hub, repos, ticket)


def _refuse_under_lock(repos, window, actor: Actor, day, now) -> None:
    """After ``_call_in_one_block``'s statement called nobody, the window's lock held (so
    each read sees what the unit of work's would): raise what ``_call_in_uow`` would,
    in its order — not the clerk's, closed, paused, busy (``ensure_can_call``), nobody
    waiting (``_call_in_steps``' ``QueueEmptyError``). Returns when none applies or the
    window has no row yet: the unit of work then decides."""
    state, current = with_current(repos.conn, window.id)
    if state is None:
        return
    _require_clerk(state, actor)
    state.ensure_can_call(current is not None)
    if repos.tickets.next_waiting(window.queue_ids, day, now=now, skip_locked=True) is None:
        raise QueueEmptyError(f"nobody is waiting for window {window.number}", window=window.id)


def _call_in_steps(hub: Hub, uow, window, state: WindowState, actor: Actor, day, now):
    """The pick, the call, its event and the commit, one statement each. On PostgreSQL
    only after ``_call_in_one_statement`` called nobody: whether a ticket is at the
    window is read again first (the statement's own check may have seen one)."""
    if uow.tickets.is_postgres:
        state.ensure_can_call(uow.tickets.at_window(window.id) is not None)
    for _ in range(CLAIM_ATTEMPTS):
        ticket = uow.tickets.next_waiting(window.queue_ids, day, now=now, skip_locked=True)
        if ticket is None:
            raise QueueEmptyError(f"nobody is waiting for window {window.number}", window=window.id)
        event = ticket.call(window.id, state.clerk_id, now, actor)
        try:
            uow.tickets.save(ticket, TicketStatus.WAITING)
            break
        except ConcurrentUpdateError:
            continue
    else:
        raise QueueEmptyError("every waiting ticket was claimed by other windows")
    _unfollowed_walk_in(hub, uow, ticket)
    _record_and_commit(hub, uow, [event])
    return ticket, event, ticket_view(hub, uow, ticket)


def _log_and_commit(hub: Hub, uow, ticket: Ticket, event: DomainEvent, day) -> None:
    """A walk-in's event row written on the driver's cursor and the commit: what
    ``_unfollowed_walk_in`` and ``_record_and_commit`` do, for the one-statement paths."""
    _unfollowed_walk_in(hub, uow, ticket)
    uow.tickets.log_event(record_of(event, day)._asdict())
    for observe in uow.events.observers:  # the outbox, as ``EventLog.append`` tells it
        observe([event])
    uow.commit()


def _call_in_one_update(hub: Hub, uow, window, actor: Actor, day, now):
    """SQLite, under the writer lock: the window's checks, the pick and the call in one
    ``UPDATE … RETURNING`` (``tickets.call_next_sqlite``), its event, the commit: no read
    of the window first. None when it called nobody (the window not open, not this
    clerk's, busy, or nobody waiting): the steps then read the window and say why."""
    if uow.tickets.is_postgres or actor.kind != "user":
        return None
    ticket = uow.tickets.call_next_sqlite(window.queue_ids, day, now=now, window_id=window.id,
                                          clerk_id=_user_id(actor))
    if ticket is None:
        return None
    # The event ``Ticket.call`` makes, as the statement wrote the ticket.
    event = TicketCalled(now, actor, ticket.id, window.id, ticket.queue_id, {"number": ticket.number})
    _log_and_commit(hub, uow, ticket, event, day)
    return ticket, event, ticket_view(hub, uow, ticket)


def _call_in_one_statement(hub: Hub, uow, window, state: WindowState, actor: Actor, day, now) -> dict | None:
    """PostgreSQL, under the window's lock: the pick, the call and its event in one
    statement (``tickets.call_next_pg``), then the commit. None when it called nobody
    (nobody waiting, or a ticket at the window after all): the steps of
    ``_call_in_steps`` then say why, as they did before."""
    if not uow.tickets.is_postgres:
        return None
    ticket = uow.tickets.call_next_pg(window.queue_ids, day, now=now, window_id=window.id,
                                      clerk_id=state.clerk_id, actor=str(actor), number_json=_CALLED_JSON)
    if ticket is None:
        return None
    # The event ``Ticket.call`` makes, as the statement wrote it.
    event = TicketCalled(now, actor, ticket.id, window.id, ticket.queue_id, {"number": ticket.number})
    _unfollowed_walk_in(hub, uow, ticket)
    for observe in uow.events.observers:  # the outbox, as ``EventLog.append`` tells it
        observe([event])
    uow.commit()
    return ticket, event, ticket_view(hub, uow, ticket)


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
                    then: Callable[[object, Ticket], list[DomainEvent]] | None = None,
                    *, change: tuple | None = None) -> dict:
    """``then(uow, ticket)``: what else the change does in its transaction (a case opened).
    ``change``: ``(action, outcome, guards)`` when the change may be made in one statement
    (``_act_in_one_change``) on ``guards``, the checks that stand for ``then`` and the
    view's look-ups."""
    if change is not None:
        done = _act_in_one_change(hub, window_id, actor, *change)
        if done is not None:
            return done
    with hub.uow() as uow:
        state, ticket = _state_and_current(hub, uow, window_id)
        _require_clerk(state, actor)
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
    hub.publish(events, views={ticket.id: view})
    return view


# The event's JSON text of each change at a window, with marks where the changed row's
# values go (PostgreSQL writes the event in the change's statement).
_DATA_MARKS = (("@number@", "number"), ("@recalls@", "recalls"))


def _event_data(action: str, outcome: Outcome | None) -> tuple[str, tuple[tuple[str, str], ...]]:
    data = {"number": "@number@"}
    if action == "recall":
        data["recalls"] = "@recalls@"
    elif action == "finish":
        data["outcome"] = outcome.value
    return json_text(data), _DATA_MARKS if action == "recall" else _DATA_MARKS[:1]


def _act_in_one_change(hub: Hub, window_id: str, actor: Actor, action: str,
                       outcome: Outcome | None, guards: tuple[str, ...]) -> dict | None:
    """Recall, start, finish or no-show of a walk-in's ticket no partner follows in one
    statement, without reading the window or the ticket first (``tickets.change_current``):
    the core's change (``at_window_change``) applied to the ticket at the window only if
    its status allows the action, the window is the clerk's, the ticket is not the
    pickup queue's and, by ``guards``, has no rating and no decided case waiting for it.
    PostgreSQL: in autocommit, the event's row in the same statement; SQLite: in a unit
    of work (the writer lock held), the event's row after it, one commit. The event and
    the answer come from the changed row as the core makes them (``changed_event``).

    None: nothing was written (a refusal, another clerk, another case): the unit of
    work in steps then makes the change or says why, as it always did."""
    hub.center.window(window_id)  # unknown window → 404
    if actor.kind != "user":
        return None
    now = hub.now()
    day = hub.today(now)
    change = at_window_change(action, now, outcome)
    pickup = hub.center.rules.pickup_queue
    if hub.db.dialect == "postgresql":
        with hub.single_statements() as repos:
            ticket = repos.tickets.change_current(
                action, change, window_id=window_id, clerk_id=_user_id(actor), pickup=pickup, guards=guards,
                event={"ev_at": now, "ev_service_day": day, "ev_kind": CHANGE_EVENTS[action].kind, "ev_actor": str(actor)},
                data=_event_data(action, outcome))
            if ticket is None:
                return None
            event = ticket.changed_event(action, now, actor)
    else:
        with hub.uow() as uow:
            ticket = uow.tickets.change_current(action, change, window_id=window_id, clerk_id=_user_id(actor),
                                                pickup=pickup, guards=guards)
            if ticket is None:
                return None
            event = ticket.changed_event(action, now, actor)
            uow.outbox.unfollowed(ticket.id)
            uow.tickets.log_event(record_of(event, day)._asdict())
            for observe in uow.events.observers:  # the outbox, as ``EventLog.append`` tells it
                observe([event])
            uow.commit()
    # No look-up is left: not waiting, no appointment, no rating, no case (the checks).
    view = ticket_view(hub, None, ticket)
    hub.publish([event], views={ticket.id: view})
    return view




def recall(hub: Hub, window_id: str, actor: Actor) -> dict:
    now = hub.now()
    return _act_on_current(hub, window_id, actor, lambda t: t.recall(now, actor), change=("recall", None, ()))


def start_service(hub: Hub, window_id: str, actor: Actor) -> dict:
    now = hub.now()
    return _act_on_current(hub, window_id, actor, lambda t: t.start(now, actor), change=("start", None, ()))


def finish(hub: Hub, window_id: str, actor: Actor, outcome: object) -> dict:
    parsed = parse_outcome(outcome)
    now = hub.now()
    # An accepted ticket opens a case, a pickup ticket closes one: in steps. Else the
    # statement checks that no decided case waits for this ticket and that it has no
    # rating (a done ticket's view shows one).
    change = None if parsed is Outcome.ACCEPTED else ("finish", parsed, ("no_rating", "no_pickup_case"))
    view = _act_on_current(hub, window_id, actor, lambda t: t.finish(parsed, now, actor),
                           lambda uow, t: cases_after_finish(hub, uow, t, now, actor), change=change)
    hub.load.invalidate_service_times()
    return view


def no_show(hub: Hub, window_id: str, actor: Actor) -> dict:
    now = hub.now()
    return _act_on_current(hub, window_id, actor, lambda t: t.no_show(now, actor), change=("no_show", None, ()))


def transfer(hub: Hub, window_id: str, actor: Actor, queue_id: str) -> dict:
    hub.center.queue(queue_id)  # unknown queue → 422
    now = hub.now()
    return _act_on_current(hub, window_id, actor, lambda t: t.transfer(queue_id, now, actor))


def get_window_state(hub: Hub, window_id: str) -> dict:
    hub.center.window(window_id)
    with hub.reading() as repos:
        return window_state(hub, repos, window_id)
