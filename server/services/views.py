"""Read models: the JSON shapes of the contract, built from the database and the center.

Every function takes a ``Repositories`` (a unit of work or a read connection), so the
same code serves REST answers, Socket.IO snapshots and the publisher. (Just over 300
lines: the ticket, queue, window and hall shapes belong side by side.)
"""

from __future__ import annotations

from datetime import datetime

from server.queueing.availability import next_opening, no_window_open
from server.queueing.counter_actions import allowed_actions
from server.queueing.estimate import QueueLoad, estimate_wait_s, wait_estimator
from server.queueing.events import (
    ServiceStarted,
    TicketCalled,
    TicketFinished,
    TicketNoShow,
    TicketRecalled,
    TicketTransferred,
)
from server.queueing.tickets import Outcome, Ticket, TicketStatus
from server.queueing.windows import WindowState, window_range

from .booking.ticket_link import appointment_of_ticket
from .counter.staffing import duty_unit
from .hub import Hub


def iso(at: datetime | None) -> str | None:
    return at.isoformat(timespec="seconds") if at else None


def local_iso(hub: Hub, at: datetime | None) -> str | None:
    """A time in the center's zone, with its offset (``2026-11-29T09:30:05+08:00``)."""
    return at.astimezone(hub.tz).isoformat(timespec="seconds") if at else None


# --- queues and their load -------------------------------------------------------------
def queue_loads(hub: Hub, repos, queue_ids=None) -> dict[str, QueueLoad]:
    loads = hub.load.loads(repos)
    return loads if queue_ids is None else {q: loads[q] for q in queue_ids}


def estimate(hub: Hub, ahead: int, load: QueueLoad, now: datetime | None = None) -> int:
    """The hub's wait estimate, through the center's opening hours."""
    return estimate_wait_s(ahead, load, now=(now or hub.now()).astimezone(hub.tz),
                           hours=hub.center.hours)


def service_note(hub: Hub, load: QueueLoad, now: datetime | None = None) -> dict:
    """Additions to a queue's or waiting ticket's JSON: ``no_window_open`` (then the
    estimate is not shown anywhere) and ``next_opening`` from the opening hours."""
    if not no_window_open(load):
        return {"no_window_open": False, "next_opening": None}
    local = (now or hub.now()).astimezone(hub.tz)
    opening = next_opening(hub.center.hours, local, hub.calendar.is_working_day)
    return {"no_window_open": True, "next_opening": opening.isoformat() if opening else None}


def zone_queue_ids(hub: Hub, zone_id: str) -> set[str]:
    """Queues served by at least one window of the zone."""
    center = hub.center
    return {q.id for q in center.queues.values()
            if any(center.window(w).zone_id == zone_id for w in q.window_ids)}


def queue_summaries(hub: Hub, repos, zone_id: str | None = None) -> list[dict]:
    """``GET /queues`` and ``queues_changed``: every queue (or a zone's) with its waiting line."""
    center = hub.center
    now = hub.now()
    waiting = repos.tickets.waiting_summary(hub.today(now))
    served = repos.tickets.served_counts(hub.today(now))
    in_zone = zone_queue_ids(hub, zone_id) if zone_id else None
    queue_ids = [q for q in center.queues if in_zone is None or q in in_zone]
    loads = queue_loads(hub, repos, queue_ids)
    out = []
    for queue_id in queue_ids:
        queue = center.queue(queue_id)
        count, earliest = waiting.get(queue_id, (0, None))
        load = loads[queue_id]
        out.append({
            "id": queue.id,
            "name": queue.name,
            "name_en": queue.name_en,
            "prefix": queue.prefix,
            "waiting": count,
            "longest_wait_s": max(0, round((now - earliest).total_seconds())) if earliest else 0,
            "estimated_wait_s": estimate(hub, count, load, now),
            "window_ids": list(queue.window_ids),
            "open_windows": load.open_windows,
            "served_today": served.get(queue_id, 0),
            **service_note(hub, load, now),
        })
    return out


# --- tickets ----------------------------------------------------------------------------
class QueueMoment:
    """What every waiting ticket of one queue shares at one moment (its load, the service
    note, its windows): worked out once when the publisher refreshes a whole waiting line."""

    __slots__ = ("queue_id", "load", "now", "note", "windows", "wait")

    def __init__(self, hub: Hub, repos, queue_id: str, now: datetime) -> None:
        self.queue_id = queue_id
        self.load = queue_loads(hub, repos, [queue_id])[queue_id]
        self.now = now
        self.note = service_note(hub, self.load, now)
        self.windows = _queue_window_range(hub.center, queue_id) if queue_id in hub.center.queues else None
        # ahead → the estimate, as ``estimate`` gives it, with the opening hours laid out once
        self.wait = wait_estimator(self.load, now=now.astimezone(hub.tz), hours=hub.center.hours)


def ticket_view(hub: Hub, repos, ticket: Ticket, *, ahead: int | None = None,
                load: QueueLoad | None = None, moment: QueueMoment | None = None,
                estimated: int | None = None) -> dict:
    """The contract's ticket JSON, with ``ahead`` and ``estimated_wait_s`` worked out.
    ``moment``: the ticket's queue's shared parts, when many of its tickets are viewed;
    ``estimated``: the estimate for ``ahead`` and ``load``, when just worked out (issuing)."""
    center = hub.center
    if moment is not None and moment.queue_id != ticket.queue_id:
        moment = None
    if ticket.status is TicketStatus.WAITING:
        if ahead is None:
            ahead = repos.tickets.ahead_count(ticket, now=hub.now())
        if moment is not None:
            estimated, note = moment.wait(ahead), moment.note
        else:
            if load is None:
                load = queue_loads(hub, repos, [ticket.queue_id])[ticket.queue_id]
            if estimated is None:
                estimated = estimate(hub, ahead, load)
            note = service_note(hub, load)
    else:
        ahead, estimated, note = 0, 0, {}
    window = center.windows.get(ticket.window_id) if ticket.window_id else None
    matter = center.matters.get(ticket.matter_id)
    queue = center.queues.get(ticket.queue_id)
    return {
        "id": ticket.id,
        "token": ticket.token,
        "number": ticket.number,
        "status": ticket.status.value,
        "matter_id": ticket.matter_id,
        "queue_id": ticket.queue_id,
        "priority": ticket.priority,
        "issued_at": local_iso(hub, ticket.issued_at),
        "ahead": ahead,
        "estimated_wait_s": estimated,
        "window_id": ticket.window_id,
        "called_at": local_iso(hub, ticket.called_at),
        "finished_at": local_iso(hub, ticket.finished_at),
        "outcome": ticket.outcome.value if ticket.outcome else None,
        "status_url": f"/t/{ticket.token}",
        # additions beyond v1
        "priority_reason": ticket.priority_reason,
        "started_at": local_iso(hub, ticket.started_at),
        "matter_name": matter.name if matter else None,
        "unit_id": ticket.unit_id,
        "queue_name": queue.name if queue else None,
        "window_number": window.number if window else None,
        "window_name": window.name if window else None,
        "zone_id": window.zone_id if window else None,
        "recalls": ticket.recalls,
        "transfers": ticket.transfers,
        "quoted_wait_s": ticket.quoted_wait_s,
        "rating": ticket_rating(hub, repos, ticket),
        "appointment": appointment_of_ticket(hub, repos, ticket),
        "case": ticket_case(hub, repos, ticket),
        # addition: the windows of the ticket's queue now (after a transfer, the new one's)
        "queue_window_range": (moment.windows if moment is not None
                               else _queue_window_range(center, ticket.queue_id) if queue else None),
        **note,
    }


_WINDOW_RANGES: dict[tuple[int, str], tuple[object, str | None]] = {}


def _queue_window_range(center, queue_id: str) -> str | None:
    """The window numbers of a queue, worked out once per center (a center never changes)."""
    key = (id(center), queue_id)
    entry = _WINDOW_RANGES.get(key)
    if entry is None or entry[0] is not center:  # kept with its center: an id can be reused
        if len(_WINDOW_RANGES) > 10_000:
            _WINDOW_RANGES.clear()
        entry = _WINDOW_RANGES[key] = (center, window_range([w.number for w in center.windows_of_queue(queue_id)]))
    return entry[1]


def ticket_case(hub: Hub, repos, ticket: Ticket) -> dict | None:
    """The ticket's 办件 ``{case_no, status, due_at}``: the case it opened (accepted) or
    collects (a pickup ticket, ``pickup`` true), or null."""
    if repos is None or ticket.id is None:
        return None
    opened = ticket.status is TicketStatus.DONE and ticket.outcome is Outcome.ACCEPTED
    if not opened and ticket.queue_id != hub.center.rules.pickup_queue:
        return None  # only these two kinds have a case: no query for the rest
    case = repos.cases.of_ticket(ticket.id)
    if case is None:
        return None
    return {"case_no": case.case_no, "status": case.status.value,
            "due_at": local_iso(hub, case.due_at), "pickup": case.pickup_ticket_id == ticket.id}


def ticket_rating(hub: Hub, repos, ticket: Ticket) -> dict | None:
    """The ticket's 好差评 rating ``{level, at}``, or null; only a done ticket has one."""
    if ticket.id is None or ticket.status is not TicketStatus.DONE or repos is None:
        return None
    record = repos.ratings.of_ticket(ticket.id)
    return {"level": record.level, "at": local_iso(hub, record.at)} if record else None


def waiting_views(hub: Hub, repos, queue_ids, limit: int | None = None) -> list[dict]:
    """Waiting tickets of these queues in calling order, each with its place in its queue."""
    now = hub.now()
    tickets = repos.tickets.waiting(list(queue_ids), hub.today(now), limit, now=now)
    loads = queue_loads(hub, repos, list(queue_ids))
    places: dict[str, int] = {}
    out = []
    for ticket in tickets:
        ahead = places.get(ticket.queue_id, 0)
        places[ticket.queue_id] = ahead + 1
        out.append(ticket_view(hub, repos, ticket, ahead=ahead, load=loads[ticket.queue_id]))
    return out


# --- windows ----------------------------------------------------------------------------
def window_view(hub: Hub, state: WindowState | None, window_id: str) -> dict:
    window = hub.center.window(window_id)
    state = state or WindowState(window_id)
    return {
        "id": window.id,
        "number": window.number,
        "name": window.name,
        "name_en": window.name_en,
        "zone_id": window.zone_id,
        "kind": window.kind,
        "queue_ids": list(window.queue_ids),
        "status": state.status.value,
        "clerk": ({"id": state.clerk_id, "name": state.clerk_name, "post": state.clerk_post}
                  if state.clerk_id is not None else None),
        "duty_unit": duty_unit(hub, window_id),
        "paused_reason": state.paused_reason,
        "since": local_iso(hub, state.since),
    }


class WindowsMoment:
    """What the windows refreshed together share at one moment (a flush after a call
    refreshes every window of the called queue, a dozen or more): every window's state
    and current ticket, one query each instead of two per window, and the waiting
    lines, built once for all the windows that serve the same queues."""

    __slots__ = ("states", "current", "lines")

    def __init__(self, repos) -> None:
        self.states = repos.windows.all()
        self.current = repos.tickets.at_windows()
        self.lines: dict[tuple, list[dict]] = {}


def _window_now(repos, window_id: str, moment: WindowsMoment | None):
    if moment is None:
        return repos.windows.get(window_id), repos.tickets.at_window(window_id)
    return moment.states.get(window_id), moment.current.get(window_id)


def window_state(hub: Hub, repos, window_id: str, *, moment: WindowsMoment | None = None) -> dict:
    """``window_state`` for a counter: the window, its current ticket, its waiting line."""
    window = hub.center.window(window_id)
    state, current = _window_now(repos, window_id, moment)
    key = tuple(window.queue_ids)
    waiting = moment.lines.get(key) if moment is not None else None
    if waiting is None:
        waiting = waiting_views(hub, repos, window.queue_ids, hub.settings.waiting_list_limit)
        if moment is not None:
            moment.lines[key] = waiting
    return {
        "window": window_view(hub, state, window_id),
        "current": ticket_view(hub, repos, current) if current else None,
        "waiting": waiting,
        # addition: what the window's clerk may do now, decided by the core
        "allowed_actions": allowed_actions(state or WindowState(window_id), current),
    }


# --- the hall ---------------------------------------------------------------------------
def call_payload(hub: Hub, number: str, window_id: str, recall: bool, at: datetime) -> dict:
    window = hub.center.window(window_id)
    return {
        "number": number,
        "window_id": window.id,
        "window_number": window.number,
        "window_name": window.name,
        "zone_id": window.zone_id,
        "recall": recall,
        "at": local_iso(hub, at),
    }


def recent_calls(hub: Hub, repos, zone_id: str | None = None, *, board: bool = False) -> list[dict]:
    """The day's calls and recalls, newest first (the contract's ``calls``). With
    ``board``: what a hall screen shows, one per ticket (a recall replaces its call) and
    none of a ticket that has since left the window for another queue."""
    rows = repos.events.recent_calls(hub.today(), hub.settings.recent_calls * 4)
    calls, shown = [], set()
    for kind, number, window_id, at, ticket_id in rows:
        window = hub.center.windows.get(window_id)
        if window is None or (zone_id and window.zone_id != zone_id):
            continue
        if board:
            if ticket_id in shown:
                continue
            shown.add(ticket_id)
            ticket = repos.tickets.get(ticket_id) if ticket_id is not None else None
            if ticket is not None and ticket.status is TicketStatus.WAITING:
                continue
        calls.append(call_payload(hub, number, window_id, kind == TicketRecalled.kind, at))
        if len(calls) >= hub.settings.recent_calls:
            break
    return calls


def hall_state(hub: Hub, repos, zone_id: str | None = None) -> dict:
    return {
        "calls": recent_calls(hub, repos, zone_id),
        # addition: the calls as a hall screen shows them (one per ticket, none withdrawn)
        "board": recent_calls(hub, repos, zone_id, board=True),
        "queues": queue_summaries(hub, repos, zone_id),
    }


# --- additions for the pages (counter, window panel) ------------------------------------
def windows_overview(hub: Hub, repos) -> list[dict]:
    """Every window with its state, for a clerk choosing where to work."""
    states = repos.windows.all()
    return [window_view(hub, states.get(w), w) for w in hub.center.windows]


def window_panel(hub: Hub, repos, window_id: str, *, moment: WindowsMoment | None = None) -> dict:
    """The public view of one window for the panel above it: its state and current number."""
    state, current = _window_now(repos, window_id, moment)
    view = window_view(hub, state, window_id)
    return {
        "window": view,
        "current": ({"number": current.number, "status": current.status.value,
                     "called_at": local_iso(hub, current.called_at)} if current else None),
    }


# What a clerk's day counts, by the event that records it.
CLERK_DAY_COUNTS = {
    TicketCalled.kind: "called", TicketRecalled.kind: "recalled", ServiceStarted.kind: "started",
    TicketFinished.kind: "finished", TicketNoShow.kind: "no_show",
    TicketTransferred.kind: "transferred",
}


def clerk_day(hub: Hub, repos, actor) -> dict:
    """How many calls, services and outcomes this staff member recorded today (the event log)."""
    day = hub.today()
    rows = repos.events.by_actor(day, str(actor), CLERK_DAY_COUNTS)
    outcomes = [o.value for o in Outcome]
    counts = dict.fromkeys(("called", "recalled", "started", "finished", *outcomes, "no_show",
                            "transferred"), 0)
    for kind, data in rows:
        counts[CLERK_DAY_COUNTS[kind]] += 1
        outcome = (data or {}).get("outcome") if kind == TicketFinished.kind else None
        if outcome in outcomes:
            counts[outcome] += 1
    return {"date": day.isoformat(), **counts}
