"""A window's state: one clerk at a time, pause and resume, and when it may call."""

import pytest

from server.queueing.actors import Actor
from server.queueing.errors import (
    InvalidTransitionError,
    WindowBusyError,
    WindowClosedError,
    WindowPausedError,
    WindowTakenError,
)
from server.queueing.windows import WindowState, WindowStatus
from tests.unit.factories import CLERK, T0

OTHER = Actor("user", "8", "李四", "clerk")


def test_one_clerk_per_window():
    window = WindowState("w16")
    assert window.open(7, "张三", T0, CLERK).kind == "window_opened"
    assert window.open(7, "张三", T0, CLERK) is None  # taking it again is harmless
    with pytest.raises(WindowTakenError, match="张三"):
        window.open(8, "李四", T0, OTHER)
    assert window.clerk_id == 7


def test_closed_or_paused_window_cannot_call():
    window = WindowState("w16")
    with pytest.raises(WindowClosedError):
        window.ensure_can_call(False)
    window.open(7, "张三", T0, CLERK)
    window.ensure_can_call(False)
    with pytest.raises(WindowBusyError):
        window.ensure_can_call(True)
    event = window.pause("午休", T0, CLERK)
    assert event.data == {"reason": "午休"} and window.status is WindowStatus.PAUSED
    with pytest.raises(WindowPausedError):
        window.ensure_can_call(False)
    with pytest.raises(InvalidTransitionError):
        window.pause("again", T0, CLERK)
    window.resume(T0, CLERK)
    assert window.status is WindowStatus.OPEN and window.paused_reason is None


def test_close_refused_while_a_ticket_is_at_the_window():
    window = WindowState("w16")
    window.open(7, "张三", T0, CLERK)
    with pytest.raises(WindowBusyError):
        window.close(True, T0, CLERK)
    assert window.close(False, T0, CLERK).data == {"clerk_id": 7}
    assert window.status is WindowStatus.CLOSED and window.clerk_id is None
    assert window.close(False, T0, CLERK) is None
