"""A window's working state: closed, open (a clerk at it) or paused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .actors import Actor
from .errors import (
    InvalidTransitionError,
    WindowBusyError,
    WindowClosedError,
    WindowPausedError,
    WindowTakenError,
)
from .events import WindowClosed, WindowOpened, WindowPaused, WindowResumed


class WindowStatus(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


@dataclass
class WindowState:
    window_id: str
    status: WindowStatus = WindowStatus.CLOSED
    clerk_id: int | None = None
    clerk_name: str | None = None
    paused_reason: str | None = None
    since: datetime | None = None
    clerk_post: str | None = None  # "A" or "B" when the clerk holds a post at this window

    def open(self, clerk_id: int, clerk_name: str | None, at: datetime, actor: Actor,
             post: str | None = None) -> WindowOpened | None:
        """The clerk takes the window. Taking it again is harmless; another clerk's window is refused."""
        if self.status is not WindowStatus.CLOSED:
            if self.clerk_id == clerk_id:
                return None
            raise WindowTakenError(
                f"window {self.window_id} is taken by {self.clerk_name or 'another clerk'}",
                window=self.window_id,
            )
        self.status = WindowStatus.OPEN
        self.clerk_id = clerk_id
        self.clerk_name = clerk_name
        self.clerk_post = post
        self.paused_reason = None
        self.since = at
        return WindowOpened(at, actor, None, self.window_id, None,
                            {"clerk_id": clerk_id, "post": post} if post else {"clerk_id": clerk_id})

    def close(self, has_open_ticket: bool, at: datetime, actor: Actor) -> WindowClosed | None:
        if self.status is WindowStatus.CLOSED:
            return None
        if has_open_ticket:
            raise WindowBusyError(
                f"window {self.window_id} still has a called or serving ticket; finish it first",
                window=self.window_id,
            )
        clerk_id = self.clerk_id
        self.status = WindowStatus.CLOSED
        self.clerk_id = None
        self.clerk_name = None
        self.clerk_post = None
        self.paused_reason = None
        self.since = at
        return WindowClosed(at, actor, None, self.window_id, None, {"clerk_id": clerk_id})

    def pause(self, reason: str | None, at: datetime, actor: Actor) -> WindowPaused:
        if self.status is WindowStatus.CLOSED:
            raise WindowClosedError(f"window {self.window_id} is closed", window=self.window_id)
        if self.status is WindowStatus.PAUSED:
            raise InvalidTransitionError(f"window {self.window_id} is already paused")
        self.status = WindowStatus.PAUSED
        self.paused_reason = reason
        self.since = at
        return WindowPaused(at, actor, None, self.window_id, None, {"reason": reason})

    def resume(self, at: datetime, actor: Actor) -> WindowResumed:
        if self.status is not WindowStatus.PAUSED:
            raise InvalidTransitionError(f"window {self.window_id} is not paused")
        self.status = WindowStatus.OPEN
        self.paused_reason = None
        self.since = at
        return WindowResumed(at, actor, None, self.window_id, None, {})

    def ensure_can_call(self, has_open_ticket: bool) -> None:
        """Raise unless this window may call a new ticket now."""
        if self.status is WindowStatus.CLOSED:
            raise WindowClosedError(f"window {self.window_id} is closed", window=self.window_id)
        if self.status is WindowStatus.PAUSED:
            raise WindowPausedError(f"window {self.window_id} is paused", window=self.window_id)
        if has_open_ticket:
            raise WindowBusyError(
                f"window {self.window_id} has a ticket that is not finished", window=self.window_id
            )
