"""``allowed_actions``: what the counter may send is exactly what the state machines accept.

Every window status is combined with every status of the ticket at the window (or none);
for each combination each action is tried on copies of the core objects, and the list
the hub sends must name an action if and only if the core would carry it out.
"""

from __future__ import annotations

import copy

import pytest

from server.queueing.counter_actions import COUNTER_ACTIONS, allowed_actions
from server.queueing.errors import QueueingError
from server.queueing.tickets import AT_WINDOW_STATUSES, Outcome, TicketStatus
from server.queueing.windows import WindowState, WindowStatus
from tests.unit.factories import CLERK, T0, make_ticket


def _window(status: WindowStatus) -> WindowState:
    window = WindowState("w16")
    if status is not WindowStatus.CLOSED:
        window.open(7, "张三", T0, CLERK)
    if status is WindowStatus.PAUSED:
        window.pause("午休", T0, CLERK)
    return window


def _current(status: TicketStatus | None):
    if status is None:
        return None
    ticket = make_ticket(1)
    if status is not TicketStatus.WAITING:
        ticket.call("w16", 7, T0, CLERK)
    if status is TicketStatus.SERVING:
        ticket.start(T0, CLERK)
    return ticket


def _core_accepts(action: str, window: WindowState, current) -> bool:
    """Try ``action`` the way services.windows does, on copies."""
    window, current = copy.deepcopy(window), copy.deepcopy(current)
    has_open = current is not None
    try:
        if action in ("call_next", "call"):
            window.ensure_can_call(has_open)
            make_ticket(2).call("w16", 7, T0, CLERK)
        elif action in ("pause", "resume", "close"):
            if action == "close" and window.status is WindowStatus.CLOSED:
                return False  # closing a closed window changes nothing
            {"pause": lambda: window.pause(None, T0, CLERK),
             "resume": lambda: window.resume(T0, CLERK),
             "close": lambda: window.close(has_open, T0, CLERK)}[action]()
        else:
            if current is None:
                return False  # the hub answers no_current_ticket
            {"recall": lambda: current.recall(T0, CLERK),
             "start": lambda: current.start(T0, CLERK),
             "finish": lambda: current.finish(Outcome.COMPLETED, T0, CLERK),
             "no_show": lambda: current.no_show(T0, CLERK),
             "transfer": lambda: current.transfer("tax", T0, CLERK)}[action]()
    except QueueingError:
        return False
    return True


# A window holds a called or serving ticket only while open or paused.
CASES = [(w, t) for w in WindowStatus for t in (None, *sorted(AT_WINDOW_STATUSES))
         if t is None or w is not WindowStatus.CLOSED]


@pytest.mark.parametrize(("window_status", "ticket_status"), CASES)
def test_allowed_actions_are_what_the_core_accepts(window_status, ticket_status):
    window, current = _window(window_status), _current(ticket_status)
    expected = [a for a in COUNTER_ACTIONS if _core_accepts(a, window, current)]
    assert allowed_actions(window, current) == expected


def test_the_everyday_cases_read_as_the_clerk_sees_them():
    assert allowed_actions(_window(WindowStatus.CLOSED), None) == []
    assert allowed_actions(_window(WindowStatus.OPEN), None) == ["call_next", "call", "pause", "close"]
    assert allowed_actions(_window(WindowStatus.OPEN), _current(TicketStatus.CALLED)) == [
        "recall", "start", "finish", "no_show", "transfer", "pause"]
    assert allowed_actions(_window(WindowStatus.PAUSED), _current(TicketStatus.SERVING)) == [
        "finish", "transfer", "resume"]
    assert allowed_actions(_window(WindowStatus.PAUSED), None) == ["resume", "close"]
