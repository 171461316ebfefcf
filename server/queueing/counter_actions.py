"""What the clerk at a window may do now, from the ticket and window state machines.

The hub sends this list with every ``window_state`` (``allowed_actions``), so a counter
page greys out buttons without knowing the rules. The rules themselves stay in
``tickets.TICKET_ACTIONS`` and ``WindowState.refusal``: this module only asks them.
"""

from __future__ import annotations

from .tickets import Ticket
from .windows import WindowState

# Every action a counter may send, in the order of the page's buttons. The names are
# the REST paths' last part with ``_`` for ``-`` (``call_next`` is ``/call-next``).
COUNTER_ACTIONS: tuple[str, ...] = (
    "call_next", "call", "recall", "start", "finish", "no_show", "transfer",
    "pause", "resume", "close",
)
TICKET_ACTIONS_AT_COUNTER = ("recall", "start", "finish", "no_show", "transfer")
WINDOW_ACTIONS = ("pause", "resume", "close")


def allowed_actions(window: WindowState, current: Ticket | None) -> list[str]:
    """The counter actions the window's clerk may take now, in ``COUNTER_ACTIONS`` order.

    ``call_next`` and ``call`` depend on the window (open, nothing at it), not on
    anyone waiting: an empty line is the hub's answer ``queue_empty``, not a rule.
    """
    has_open_ticket = current is not None
    allowed = set()
    if window.may("call", has_open_ticket):
        allowed |= {"call_next", "call"}
    if current is not None:
        allowed |= {a for a in TICKET_ACTIONS_AT_COUNTER if current.can(a)}
    allowed |= {a for a in WINDOW_ACTIONS if window.may(a, has_open_ticket)}
    return [a for a in COUNTER_ACTIONS if a in allowed]
